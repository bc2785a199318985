/*
 * The software rasteriser: paints a whole DrawList, anti-aliased, onto an
 * ARGB8888 pixel buffer. It is the one painter behind both the window (which
 * uploads the canvas to a streaming texture) and PNG output, so the two show
 * identical pixels.
 *
 * Coverage comes from signed distances at pixel centres (rounded rects,
 * circles, rings, capsules); axis-aligned square rects use exact area
 * coverage and fill whole spans. Colours blend "source over" onto an opaque
 * canvas; the canvas alpha channel is always 255.
 *
 * Conventions: constructors return NULL; actions return int (0 ok, negative
 * error); raster_canvas_destroy(NULL) is fine. Painting never allocates
 * (text goes through the Fonts cache, which rasterises a run only the first
 * time it is seen).
 */
#ifndef RNNVIZ_RASTER_H
#define RNNVIZ_RASTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drawlist.h"
#include "fonts.h"

#define RASTER_MAX_SIDE 16384 /* widest or tallest canvas accepted */

typedef struct {
    int w, h;
    uint32_t *pixels; /* (h, w) row-major, stride w: 0xAARRGGBB, AA = 0xFF */
    /* Private scratch (polyline coverage), sized with the canvas. */
    uint8_t *mask;      /* (h, w) */
    int *span0, *span1; /* (h): columns of mask touched per row */
    size_t cap_px;
    int cap_h;
    bool clear_pending; /* raster_clear was called; the next paint fills */
    uint32_t clear_argb;
} RasterCanvas;

RasterCanvas *raster_canvas_create(int w, int h);
/* Reallocates only when the new size exceeds what was ever allocated. */
int raster_canvas_resize(RasterCanvas *cv, int w, int h);
void raster_canvas_destroy(RasterCanvas *cv);

/*
 * Fill the whole canvas with bg (its alpha is ignored: the canvas is opaque).
 * The fill is deferred to the next raster_paint, which does it band by band
 * while each band is in cache: paint (an empty list will do) before reading
 * pixels.
 */
void raster_clear(RasterCanvas *cv, DlColor bg);

/*
 * Paint every command of dl in order, on top of what the canvas holds.
 * fonts may be NULL: text commands are then skipped.
 */
int raster_paint(RasterCanvas *cv, const DrawList *dl, Fonts *fonts);

/*
 * A whole frame: clear to bg, then paint. The clear is skipped when the
 * list opens with an opaque rect over the whole canvas (a view background).
 */
int raster_render(RasterCanvas *cv, const DrawList *dl, Fonts *fonts, DlColor bg);

static inline uint32_t raster_argb(DlColor c)
{
    return 0xFF000000u | ((uint32_t)c.r << 16) | ((uint32_t)c.g << 8) | c.b;
}

#endif
