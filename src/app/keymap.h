/*
 * Every key binding and every button, as one table of data: the key and
 * modifiers, the button id, the action, and the help text. The app looks
 * keys and buttons up here, the help overlay is made from it, and a test
 * checks README.md's key table against it.
 */
#ifndef RNNVIZ_KEYMAP_H
#define RNNVIZ_KEYMAP_H

#include "app_event.h"
#include "view.h"

typedef enum {
    APP_ACT_NONE,
    APP_ACT_STEP,
    APP_ACT_BACK,
    APP_ACT_PLAY,
    APP_ACT_SPEED,
    APP_ACT_FORWARD_ALL,
    APP_ACT_BACKWARD_ALL,
    APP_ACT_UPDATE,
    APP_ACT_TRAIN,
    APP_ACT_RESET,
    APP_ACT_CELL, /* arg: NetCell */
    APP_ACT_HELP,
    APP_ACT_LESSON_PREV,
    APP_ACT_LESSON_NEXT,
    APP_ACT_PAGE_NEXT, /* the next lesson step, or one node without a lesson */
    APP_ACT_PAGE_PREV,
    APP_ACT_PLOT, /* arg: SessPlot */
    APP_ACT_PLOT_NEXT,
    APP_ACT_COMPARE,
    APP_ACT_COMPARE_TRAIN,
    APP_ACT_LESSONS,
    APP_ACT_LESSON_PANEL,
    APP_ACT_SETTINGS,
    APP_ACT_RHO_UP,
    APP_ACT_RHO_DOWN,
    APP_ACT_SCALE_UP,
    APP_ACT_SCALE_DOWN,
    APP_ACT_FULLSCREEN,
    APP_ACT_SAVE_PNG,
    APP_ACT_SAVE_SVG,
    APP_ACT_EXPORT_CSV,
    APP_ACT_RECORD, /* start / stop recording the window */
    APP_ACT_CONTROLS_BAR,
    APP_ACT_CONTRAST,
    APP_ACT_FOCUS,    /* cycle: the lesson's layout, plot, inspector, diagram */
    APP_ACT_FIT,      /* every step of the sequence in view (toggle) */
    APP_ACT_ROW_PREV, /* the displayed batch row, wrapping */
    APP_ACT_ROW_NEXT,
    APP_ACT_ESCAPE, /* close an overlay or leave full screen; never quits */
    APP_ACT_QUIT,   /* quits, asking first when there is something to lose */
    APP_ACT_QUIT_YES,
    APP_ACT_QUIT_NO,
    APP_ACT_PICK,       /* arg (key) or Hit.arg (button): the picker entry */
    APP_ACT_PICK_CLOSE, /* closes the picker */
    APP_ACT_CTL_DEC,    /* Hit.arg: the setting */
    APP_ACT_CTL_INC,
    APP_ACT_DRAWER_UP, /* the drawer's rows */
    APP_ACT_DRAWER_DOWN,
    APP_ACT_DRAWER_DEC, /* the chosen row one notch down / up */
    APP_ACT_DRAWER_INC,
    APP_ACT_SLIDE,      /* the spectral radius slider */
    APP_ACT_ASK_KEY,    /* arg: the key typed for the step's question */
    APP_ACT_ASK_CHOOSE, /* Hit.arg: the choice clicked */
    APP_ACT_ASK_REVEAL, /* the presenter shows the answer (skips the question) */
    APP_ACT_COUNT
} AppAction;

/* Which overlay a binding belongs to: the topmost one decides. */
typedef enum { MODE_ANY, MODE_MAIN, MODE_PICKER, MODE_DRAWER, MODE_CONFIRM, MODE_ASK } AppMode;

typedef struct {
    AppMode mode;
    int key;       /* 0: a button only */
    unsigned mods; /* required modifiers (others are ignored) */
    int button;    /* ViewButton, -1 none */
    AppAction action;
    int arg;
    const char *keys; /* help: the key as people write it, NULL: not listed */
    const char *help; /* help: what it does */
} KeyBinding;

const KeyBinding *keymap_table(int *count);
/* The binding for key with mods in mode (MODE_ANY rows are tried in every
 * mode, after that mode's own), or NULL. */
const KeyBinding *keymap_key(AppMode mode, int key, unsigned mods);
/* The binding of a button, or NULL. */
const KeyBinding *keymap_button(int button);
/* The help rows (bindings with help text) in table order; returns the
 * count written, at most cap. */
int keymap_help(ViewKeyHelp *out, int cap);

#endif
