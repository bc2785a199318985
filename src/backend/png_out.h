/*
 * PNG output: a draw list painted by the software rasteriser and saved with
 * SDL2_image, replacing the target file atomically (a failed write leaves
 * the old file intact). Needs no display: SDL video is never initialised.
 *
 * Conventions: actions return int (0 ok, negative error) and fill the
 * caller's PngError with a message naming the path and the problem.
 */
#ifndef RNNVIZ_PNG_OUT_H
#define RNNVIZ_PNG_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "drawlist.h"
#include "fonts.h"
#include "raster.h"

typedef struct {
    char msg[600];
} PngError;

/* Save what a canvas holds (RGB, 8 bits per channel). */
int png_out_save_canvas(const RasterCanvas *cv, const char *path, PngError *err);

/*
 * Paint dl onto a w x h canvas cleared to bg and save it. fonts may be NULL
 * (text is skipped). The same list, size and fonts give the same bytes.
 */
int png_out_write(const DrawList *dl, int w, int h, DlColor bg, Fonts *fonts, const char *path,
                  PngError *err);

/*
 * Encode a canvas as PNG into a malloc'ed buffer (*out, *n; free() it).
 * For callers that want bytes rather than a file.
 */
int png_out_encode(const RasterCanvas *cv, uint8_t **out, size_t *n, PngError *err);

#endif
