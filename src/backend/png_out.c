/* Draw list -> raster canvas -> PNG bytes (SDL2_image) -> atomic file. */
#include "png_out.h"

#include <SDL2/SDL.h>
#include <SDL2/SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"

/* A growable in-memory sink, so the PNG is complete before any file is touched. */
typedef struct {
    uint8_t *data;
    size_t size, cap, pos;
    bool failed;
} MemSink;

static Sint64 sink_size(SDL_RWops *rw)
{
    return (Sint64)((MemSink *)rw->hidden.unknown.data1)->size;
}

static Sint64 sink_seek(SDL_RWops *rw, Sint64 offset, int whence)
{
    MemSink *m = rw->hidden.unknown.data1;
    Sint64 base = whence == RW_SEEK_SET   ? 0
                  : whence == RW_SEEK_CUR ? (Sint64)m->pos
                                          : (Sint64)m->size;
    if (base + offset < 0)
        return SDL_SetError("png_out: seek before start");
    m->pos = (size_t)(base + offset);
    return (Sint64)m->pos;
}

static size_t sink_read(SDL_RWops *rw, void *ptr, size_t size, size_t num)
{
    (void)rw, (void)ptr, (void)size, (void)num;
    SDL_SetError("png_out: sink is write-only");
    return 0;
}

static size_t sink_write(SDL_RWops *rw, const void *ptr, size_t size, size_t num)
{
    MemSink *m = rw->hidden.unknown.data1;
    size_t n = size * num;
    if (size && n / size != num)
        return 0;
    if (m->pos + n > m->cap) {
        size_t cap = m->cap ? m->cap : 65536;
        while (cap < m->pos + n)
            cap *= 2;
        uint8_t *d = realloc(m->data, cap);
        if (!d) {
            m->failed = true;
            SDL_SetError("png_out: out of memory");
            return 0;
        }
        m->data = d;
        m->cap = cap;
    }
    if (m->pos > m->size)
        memset(m->data + m->size, 0, m->pos - m->size);
    memcpy(m->data + m->pos, ptr, n);
    m->pos += n;
    if (m->pos > m->size)
        m->size = m->pos;
    return num;
}

static int sink_close(SDL_RWops *rw)
{
    SDL_FreeRW(rw);
    return 0;
}

int png_out_encode(const RasterCanvas *cv, uint8_t **out, size_t *n, PngError *err)
{
    MemSink m = {0};
    /* Opaque canvas: store RGB, a quarter smaller than RGBA. */
    SDL_Surface *argb = SDL_CreateRGBSurfaceWithFormatFrom(cv->pixels, cv->w, cv->h, 32, cv->w * 4,
                                                           SDL_PIXELFORMAT_ARGB8888);
    SDL_Surface *rgb = argb ? SDL_ConvertSurfaceFormat(argb, SDL_PIXELFORMAT_RGB24, 0) : NULL;
    SDL_FreeSurface(argb);
    SDL_RWops *rw = rgb ? SDL_AllocRW() : NULL;
    if (!rw) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "png: cannot prepare a %dx%d image: %s", cv->w,
                     cv->h, SDL_GetError());
        SDL_FreeSurface(rgb);
        return -1;
    }
    rw->size = sink_size;
    rw->seek = sink_seek;
    rw->read = sink_read;
    rw->write = sink_write;
    rw->close = sink_close;
    rw->type = SDL_RWOPS_UNKNOWN;
    rw->hidden.unknown.data1 = &m;
    int rc = IMG_SavePNG_RW(rgb, rw, 1);
    SDL_FreeSurface(rgb);
    if (rc != 0 || m.failed || m.size == 0) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "png: cannot encode image: %s", SDL_GetError());
        free(m.data);
        return -1;
    }
    *out = m.data;
    *n = m.size;
    return 0;
}

int png_out_save_canvas(const RasterCanvas *cv, const char *path, PngError *err)
{
    uint8_t *data = NULL;
    size_t n = 0;
    if (png_out_encode(cv, &data, &n, err) != 0)
        return -1;
    char msg[512];
    int rc = afile_write(path, data, n, msg, sizeof msg);
    free(data);
    if (rc != 0) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "png: %s", msg);
        return -1;
    }
    return 0;
}

int png_out_write(const DrawList *dl, int w, int h, DlColor bg, Fonts *fonts, const char *path,
                  PngError *err)
{
    RasterCanvas *cv = raster_canvas_create(w, h);
    if (!cv) {
        if (err)
            snprintf(err->msg, sizeof err->msg,
                     "png: cannot make a %dx%d image for '%s' (sides must be 1..%d)", w, h,
                     path ? path : "", RASTER_MAX_SIDE);
        return -1;
    }
    raster_render(cv, dl, fonts, bg);
    int rc = png_out_save_canvas(cv, path, err);
    raster_canvas_destroy(cv);
    return rc;
}
