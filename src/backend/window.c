/* SDL window + streaming texture fed by the software rasteriser. */
#include "window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "png_out.h"
#include "screen_rec.h"
#include "svg_out.h"

struct Win {
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    int tex_w, tex_h;
    RasterCanvas *canvas;
    Fonts *fonts;
    bool owns_video;
    WinRect windowed; /* the last size and position out of full screen */
    double paint_ms;
    char renderer_name[64];
    ScreenRec *rec;       /* recording what is presented, or NULL */
    char rec_failed[600]; /* why a recording ended by itself */
};

static void set_error(WinError *err, const char *what)
{
    if (err)
        snprintf(err->msg, sizeof err->msg, "window: %s: %s", what, SDL_GetError());
}

/* Accelerated with vsync first; the software renderer always works. */
static SDL_Renderer *make_renderer(SDL_Window *w)
{
    static const Uint32 tries[] = {
        SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC,
        SDL_RENDERER_ACCELERATED,
        SDL_RENDERER_SOFTWARE,
    };
    for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        SDL_Renderer *r = SDL_CreateRenderer(w, -1, tries[i]);
        if (r)
            return r;
    }
    return NULL;
}

/* Set when win_display_usable started SDL video for the window to come. */
static bool video_started;

int win_display_usable(WinRect *out)
{
    if (!SDL_WasInit(SDL_INIT_VIDEO)) {
        if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
            return -1;
        video_started = true;
    }
    SDL_Rect r;
    if (SDL_GetDisplayUsableBounds(0, &r) != 0 || r.w <= 0 || r.h <= 0)
        return -1;
    *out = (WinRect){r.x, r.y, r.w, r.h};
    return 0;
}

Win *win_create(const char *title, int w, int h, Fonts *fonts, WinError *err)
{
    WinRect r = {SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h};
    return win_create_at(title, r, fonts, err);
}

Win *win_create_at(const char *title, WinRect at, Fonts *fonts, WinError *err)
{
    Win *win = calloc(1, sizeof *win);
    if (!win) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "window: out of memory");
        return NULL;
    }
    win->fonts = fonts;
    if (!SDL_WasInit(SDL_INIT_VIDEO)) {
        if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
            set_error(err, "cannot start SDL video (no display? use 'rnnviz render')");
            free(win);
            return NULL;
        }
        win->owns_video = true;
    } else if (video_started) {
        win->owns_video = true; /* win_display_usable started it for us */
        video_started = false;
    }
    win->window = SDL_CreateWindow(title ? title : "rnnviz", at.x, at.y, at.w, at.h,
                                   SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    win->windowed = at;
    if (!win->window) {
        set_error(err, "cannot open a window");
        goto out_destroy;
    }
    win->renderer = make_renderer(win->window);
    if (!win->renderer) {
        set_error(err, "cannot create a renderer");
        goto out_destroy;
    }
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(win->renderer, &info) == 0)
        snprintf(win->renderer_name, sizeof win->renderer_name, "%s", info.name);
    WinSize sz = win_size(win);
    win->canvas = raster_canvas_create(sz.drawable_w, sz.drawable_h);
    if (!win->canvas) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "window: cannot allocate a %dx%d canvas",
                     sz.drawable_w, sz.drawable_h);
        goto out_destroy;
    }
    return win;

out_destroy:
    win_destroy(win);
    return NULL;
}

void win_destroy(Win *win)
{
    if (!win)
        return;
    screen_rec_abort(win->rec);
    if (win->texture)
        SDL_DestroyTexture(win->texture);
    if (win->renderer)
        SDL_DestroyRenderer(win->renderer);
    if (win->window)
        SDL_DestroyWindow(win->window);
    raster_canvas_destroy(win->canvas);
    if (win->owns_video)
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
    free(win);
}

SDL_Window *win_sdl_window(Win *win)
{
    return win->window;
}

const char *win_renderer_name(const Win *win)
{
    return win->renderer_name;
}

WinSize win_size(const Win *win)
{
    WinSize s = {0};
    SDL_GetWindowSize(win->window, &s.window_w, &s.window_h);
    if (SDL_GetRendererOutputSize(win->renderer, &s.drawable_w, &s.drawable_h) != 0)
        s.drawable_w = s.window_w, s.drawable_h = s.window_h;
    if (s.drawable_w < 1)
        s.drawable_w = 1;
    if (s.drawable_h < 1)
        s.drawable_h = 1;
    s.pixel_ratio = s.window_w > 0 ? (float)s.drawable_w / (float)s.window_w : 1.0f;
    float ddpi = 0.0f;
    int display = SDL_GetWindowDisplayIndex(win->window);
    s.dpi_scale = 1.0f;
    if (display >= 0 && SDL_GetDisplayDPI(display, &ddpi, NULL, NULL) == 0 && ddpi > 0.0f)
        s.dpi_scale = ddpi / 96.0f;
    if (s.dpi_scale < 0.5f)
        s.dpi_scale = 0.5f;
    if (s.dpi_scale > 4.0f)
        s.dpi_scale = 4.0f;
    return s;
}

/* Canvas and texture follow the drawable size; reallocated only when it changes. */
static int fit_to_drawable(Win *win)
{
    WinSize sz = win_size(win);
    if (sz.drawable_w != win->canvas->w || sz.drawable_h != win->canvas->h) {
        if (raster_canvas_resize(win->canvas, sz.drawable_w, sz.drawable_h) != 0)
            return -1;
    }
    if (!win->texture || win->tex_w != sz.drawable_w || win->tex_h != sz.drawable_h) {
        if (win->texture)
            SDL_DestroyTexture(win->texture);
        win->texture = SDL_CreateTexture(win->renderer, SDL_PIXELFORMAT_ARGB8888,
                                         SDL_TEXTUREACCESS_STREAMING, sz.drawable_w, sz.drawable_h);
        if (!win->texture)
            return -1;
        win->tex_w = sz.drawable_w;
        win->tex_h = sz.drawable_h;
    }
    return 0;
}

static void paint(Win *win, const DrawList *dl, DlColor bg)
{
    Uint64 t0 = SDL_GetPerformanceCounter();
    raster_render(win->canvas, dl, win->fonts, bg);
    win->paint_ms =
        (double)(SDL_GetPerformanceCounter() - t0) * 1000.0 / (double)SDL_GetPerformanceFrequency();
}

static double seconds(void)
{
    return (double)SDL_GetPerformanceCounter() / (double)SDL_GetPerformanceFrequency();
}

/* The painted canvas into the recording; a failure ends it (and is kept). */
static void record(Win *win)
{
    VideoError err = {{0}};
    RasterCanvas *cv = win->canvas;
    if (win->rec && screen_rec_frame(win->rec, cv->pixels, cv->w, cv->h, seconds(), &err)) {
        screen_rec_abort(win->rec);
        win->rec = NULL;
        snprintf(win->rec_failed, sizeof win->rec_failed, "recording stopped: %.500s", err.msg);
    }
}

int win_present(Win *win, const DrawList *dl, DlColor bg)
{
    if (fit_to_drawable(win) != 0)
        return -1;
    paint(win, dl, bg);
    record(win);
    RasterCanvas *cv = win->canvas;
    if (SDL_UpdateTexture(win->texture, NULL, cv->pixels, cv->w * 4) != 0)
        return -1;
    SDL_RenderClear(win->renderer);
    if (SDL_RenderCopy(win->renderer, win->texture, NULL, NULL) != 0)
        return -1;
    SDL_RenderPresent(win->renderer);
    return 0;
}

double win_last_paint_ms(const Win *win)
{
    return win->paint_ms;
}

bool win_is_fullscreen(const Win *win)
{
    return (SDL_GetWindowFlags(win->window) & SDL_WINDOW_FULLSCREEN) != 0;
}

int win_set_fullscreen(Win *win, bool on)
{
    if (on == win_is_fullscreen(win))
        return 0;
    return SDL_SetWindowFullscreen(win->window, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0) == 0 ? 0
                                                                                             : -1;
}

int win_toggle_fullscreen(Win *win)
{
    return win_set_fullscreen(win, !win_is_fullscreen(win));
}

WinRect win_rect(const Win *win)
{
    return win->windowed;
}

static void remember_rect(Win *win)
{
    if (win_is_fullscreen(win) ||
        (SDL_GetWindowFlags(win->window) & (SDL_WINDOW_MAXIMIZED | SDL_WINDOW_MINIMIZED)))
        return;
    int top = 0, left = 0;
    SDL_GetWindowPosition(win->window, &win->windowed.x, &win->windowed.y);
    SDL_GetWindowSize(win->window, &win->windowed.w, &win->windowed.h);
    /* where to create it again: the frame's corner, not the client's */
    if (SDL_GetWindowBordersSize(win->window, &top, &left, NULL, NULL) == 0) {
        win->windowed.x -= left;
        win->windowed.y -= top;
    }
}

static int key_of(SDL_Keycode k)
{
    static const struct {
        SDL_Keycode sdl;
        int key;
    } map[] = {{SDLK_RIGHT, APP_KEY_RIGHT},
               {SDLK_LEFT, APP_KEY_LEFT},
               {SDLK_UP, APP_KEY_UP},
               {SDLK_DOWN, APP_KEY_DOWN},
               {SDLK_PAGEUP, APP_KEY_PAGE_UP},
               {SDLK_PAGEDOWN, APP_KEY_PAGE_DOWN},
               {SDLK_ESCAPE, APP_KEY_ESCAPE},
               {SDLK_TAB, APP_KEY_TAB},
               {SDLK_SPACE, APP_KEY_SPACE},
               {SDLK_F11, APP_KEY_F11},
               {SDLK_KP_PLUS, '+'},
               {SDLK_KP_MINUS, '-'},
               {SDLK_QUESTION, '/'}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].sdl == k)
            return map[i].key;
    return k > 0 && k < 0x80 ? (int)k : 0;
}

static bool key_event(const SDL_KeyboardEvent *k, AppEvent *out)
{
    *out = (AppEvent){.kind = APP_EV_KEY, .key = key_of(k->keysym.sym)};
    if (k->keysym.mod & KMOD_SHIFT || k->keysym.sym == SDLK_QUESTION)
        out->mods |= APP_MOD_SHIFT;
    if (k->keysym.mod & KMOD_CTRL)
        out->mods |= APP_MOD_CTRL;
    return out->key != 0;
}

static bool window_event(Win *win, const SDL_WindowEvent *w, AppEvent *out)
{
    if (w->event == SDL_WINDOWEVENT_MOVED)
        remember_rect(win);
    if (w->event != SDL_WINDOWEVENT_SIZE_CHANGED)
        return false;
    remember_rect(win);
    WinSize sz = win_size(win); /* the drawable, re-queried */
    *out = (AppEvent){.kind = APP_EV_RESIZE, .w = sz.drawable_w, .h = sz.drawable_h};
    return true;
}

/* One SDL event as an app event; false for events the app does not take. */
static bool translate(Win *win, const SDL_Event *e, AppEvent *out)
{
    float r = win_size(win).pixel_ratio;
    r = r > 0 ? r : 1;
    switch (e->type) {
    case SDL_QUIT:
        *out = (AppEvent){.kind = APP_EV_CLOSE};
        return true;
    case SDL_KEYDOWN:
        return key_event(&e->key, out);
    case SDL_MOUSEMOTION:
        *out = (AppEvent){.kind = APP_EV_MOTION, .x = e->motion.x * r, .y = e->motion.y * r};
        return true;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (e->button.button != SDL_BUTTON_LEFT && e->type == SDL_MOUSEBUTTONDOWN)
            return false;
        *out = (AppEvent){.kind = e->type == SDL_MOUSEBUTTONDOWN ? APP_EV_BUTTON_DOWN
                                                                 : APP_EV_BUTTON_UP,
                          .x = e->button.x * r,
                          .y = e->button.y * r};
        return true;
    case SDL_MOUSEWHEEL:
        *out = (AppEvent){.kind = APP_EV_WHEEL, .wheel = (float)e->wheel.y};
        return e->wheel.y != 0;
    case SDL_WINDOWEVENT:
        return window_event(win, &e->window, out);
    }
    return false;
}

bool win_poll(Win *win, AppEvent *out, int timeout_ms)
{
    SDL_Event e;
    bool got = timeout_ms > 0 ? SDL_WaitEventTimeout(&e, timeout_ms) : SDL_PollEvent(&e);
    while (got) {
        if (translate(win, &e, out))
            return true;
        got = SDL_PollEvent(&e);
    }
    return false;
}

int win_save_png(Win *win, const DrawList *dl, DlColor bg, const char *path, WinError *err)
{
    if (fit_to_drawable(win) != 0) {
        set_error(err, "cannot size the canvas");
        return -1;
    }
    paint(win, dl, bg);
    PngError pe;
    if (png_out_save_canvas(win->canvas, path, &pe) != 0) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "%s", pe.msg);
        return -1;
    }
    return 0;
}

int win_save_svg(Win *win, const DrawList *dl, DlColor bg, const char *path, WinError *err)
{
    WinSize sz = win_size(win);
    SvgError se;
    if (svg_out_write(dl, sz.drawable_w, sz.drawable_h, bg, win->fonts, path, &se) != 0) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "%s", se.msg);
        return -1;
    }
    return 0;
}

int win_record_start(Win *win, const char *path, WinError *err)
{
    VideoError ve = {{0}};
    if (win->rec) {
        snprintf(err->msg, sizeof err->msg, "already recording");
        return -1;
    }
    WinSize sz = win_size(win);
    win->rec_failed[0] = '\0';
    win->rec = screen_rec_start(path, sz.drawable_w, sz.drawable_h, SCREEN_REC_FPS, seconds(), &ve);
    if (!win->rec) {
        snprintf(err->msg, sizeof err->msg, "%.590s", ve.msg);
        return -1;
    }
    return 0;
}

int win_record_stop(Win *win, long *frames, WinError *err)
{
    VideoError ve = {{0}};
    ScreenRec *r = win->rec;
    win->rec = NULL;
    *frames = 0;
    if (!r) {
        snprintf(err->msg, sizeof err->msg, "not recording");
        return -1;
    }
    if (screen_rec_stop(r, seconds(), frames, &ve)) {
        snprintf(err->msg, sizeof err->msg, "%.590s", ve.msg);
        return -1;
    }
    return 0;
}

bool win_recording(const Win *win)
{
    return win->rec != NULL;
}

bool win_record_failed(Win *win, char *msg, size_t cap)
{
    if (!win->rec_failed[0])
        return false;
    snprintf(msg, cap, "%s", win->rec_failed);
    win->rec_failed[0] = '\0';
    return true;
}
