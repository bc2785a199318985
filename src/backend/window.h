/*
 * The SDL window: resizable and HiDPI-aware, with a renderer (accelerated,
 * falling back to software) and one streaming texture the size of the
 * drawable. Each frame the draw list is painted by the software rasteriser
 * into a canvas of drawable size and uploaded, so the window shows exactly
 * the pixels a PNG export of the same list would hold.
 *
 * win_poll turns SDL events into the app's neutral events (app_event.h),
 * with positions in drawable pixels; the window knows nothing else.
 *
 * Conventions: constructors return NULL and fill the caller's WinError;
 * actions return int (0 ok, negative error); win_destroy(NULL) is fine.
 */
#ifndef RNNVIZ_WINDOW_H
#define RNNVIZ_WINDOW_H

#include <SDL2/SDL.h>
#include <stdbool.h>

#include "app_event.h"
#include "drawlist.h"
#include "fonts.h"
#include "raster.h"

typedef struct {
    char msg[600];
} WinError;

typedef struct Win Win;

typedef struct {
    int window_w, window_h;     /* window coordinates (mouse events) */
    int drawable_w, drawable_h; /* pixels: the size to lay the view out at */
    float pixel_ratio;          /* drawable / window: 2 on a typical HiDPI screen */
    float dpi_scale;            /* the display's DPI / 96, 1 when unknown; in [0.5, 4] */
} WinSize;

/*
 * Opens a w x h window (window coordinates). Initialises SDL video if nobody
 * has. fonts is borrowed and must outlive the window (NULL: no text).
 */
Win *win_create(const char *title, int w, int h, Fonts *fonts, WinError *err);

typedef struct {
    int x, y, w, h;
} WinRect;

/* The primary display's usable area (without panels and docks); starts
 * SDL video for the window to come. -1 without a display. */
int win_display_usable(WinRect *out);
/* Opens the window at r (window coordinates). */
Win *win_create_at(const char *title, WinRect r, Fonts *fonts, WinError *err);
/* The window's last size and position while not full screen. */
WinRect win_rect(const Win *win);
/* The next event as an app event, waiting up to timeout_ms for the first;
 * false when none came. Resizes (also entering and leaving full screen)
 * re-query the drawable size. */
bool win_poll(Win *win, AppEvent *out, int timeout_ms);
void win_destroy(Win *win);

/* For the caller's event loop (window id, title, ...). */
SDL_Window *win_sdl_window(Win *win);
/* "opengl", "software", ... */
const char *win_renderer_name(const Win *win);

WinSize win_size(const Win *win);

/* Clear to bg, paint dl at drawable size, upload, present. */
int win_present(Win *win, const DrawList *dl, DlColor bg);
/* Milliseconds the last win_present spent rasterising (not uploading). */
double win_last_paint_ms(const Win *win);

/* Desktop fullscreen on/off (the F11 key). */
int win_toggle_fullscreen(Win *win);
int win_set_fullscreen(Win *win, bool on);
bool win_is_fullscreen(const Win *win);

/* Recording what the window presents (screen_rec.h) to path, an .mp4 or
 * .gif, at SCREEN_REC_FPS and the drawable size when it starts. Stop puts
 * the file in place and says how many frames it holds. A recording that
 * fails while presenting (a full disk) ends; win_record_failed then gives
 * the reason once. */
int win_record_start(Win *win, const char *path, WinError *err);
int win_record_stop(Win *win, long *frames, WinError *err);
bool win_recording(const Win *win);
bool win_record_failed(Win *win, char *msg, size_t cap);

/* Export dl at the drawable size: the PNG holds the pixels the window shows. */
int win_save_png(Win *win, const DrawList *dl, DlColor bg, const char *path, WinError *err);
int win_save_svg(Win *win, const DrawList *dl, DlColor bg, const char *path, WinError *err);

#endif
