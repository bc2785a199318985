/*
 * Input events for the app, free of any toolkit: the SDL backend turns
 * SDL_Event into these, the tests script them.
 *
 * Keys: a printable key is its unshifted ASCII character ('a', '1', '=',
 * '-', '/'); the keypad's + and - arrive as '+' and '-'. Other keys are
 * APP_KEY_* values above 0xFF.
 */
#ifndef RNNVIZ_APP_EVENT_H
#define RNNVIZ_APP_EVENT_H

#include <stdbool.h>

enum {
    APP_KEY_RIGHT = 0x100,
    APP_KEY_LEFT,
    APP_KEY_UP,
    APP_KEY_DOWN,
    APP_KEY_PAGE_UP,
    APP_KEY_PAGE_DOWN,
    APP_KEY_ESCAPE,
    APP_KEY_TAB,
    APP_KEY_SPACE,
    APP_KEY_F11,
    APP_KEY_MOUSE, /* documents a mouse gesture in the key table; never pressed */
};

enum { APP_MOD_SHIFT = 1, APP_MOD_CTRL = 2 };

typedef enum {
    APP_EV_KEY,         /* key, mods */
    APP_EV_BUTTON_DOWN, /* left button at x, y (drawable pixels) */
    APP_EV_BUTTON_UP,
    APP_EV_MOTION, /* pointer at x, y */
    APP_EV_WHEEL,  /* wheel > 0 zooms in */
    APP_EV_RESIZE, /* the drawable is now w x h pixels */
    APP_EV_TICK,   /* time passed: the clock advanced dt seconds */
    APP_EV_CLOSE,  /* the window's close button: quit, asking as Q does */
} AppEventKind;

typedef struct {
    AppEventKind kind;
    int key;
    unsigned mods;
    float x, y;
    float wheel;
    int w, h;
    double dt;
} AppEvent;

#endif
