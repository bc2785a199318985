/* SDL window + streaming texture fed by the software rasteriser. */
#include "window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "png_out.h"
#include "svg_out.h"

struct Win {
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    int tex_w, tex_h;
    RasterCanvas *canvas;
    Fonts *fonts;
    bool owns_video;
    double paint_ms;
    char renderer_name[64];
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

Win *win_create(const char *title, int w, int h, Fonts *fonts, WinError *err)
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
    }
    win->window =
        SDL_CreateWindow(title ? title : "rnnviz", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                         w, h, SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
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

int win_present(Win *win, const DrawList *dl, DlColor bg)
{
    if (fit_to_drawable(win) != 0)
        return -1;
    paint(win, dl, bg);
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

int win_toggle_fullscreen(Win *win)
{
    Uint32 flags = win_is_fullscreen(win) ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP;
    return SDL_SetWindowFullscreen(win->window, flags) == 0 ? 0 : -1;
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
