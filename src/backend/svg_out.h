/*
 * SVG output: a draw list written as SVG 1.1 text (rounded rects, round-capped
 * lines and polylines, circles, text in DejaVu Sans / DejaVu Sans Mono with
 * anchors for alignment, clip paths, opacity for alpha), replacing the
 * target file atomically. No SDL video, no rasterising.
 *
 * Conventions: actions return int (0 ok, negative error) and fill the
 * caller's SvgError with a message naming the path and the problem.
 */
#ifndef RNNVIZ_SVG_OUT_H
#define RNNVIZ_SVG_OUT_H

#include <stddef.h>

#include "drawlist.h"
#include "fonts.h"

typedef struct {
    char msg[600];
} SvgError;

/*
 * Write dl as a w x h SVG on a bg background. fonts may be NULL: text
 * baselines then use DejaVu's ascent ratio instead of the loaded font's.
 */
int svg_out_write(const DrawList *dl, int w, int h, DlColor bg, Fonts *fonts, const char *path,
                  SvgError *err);

/* The same document into a malloc'ed NUL-terminated string (free() it), or NULL. */
char *svg_out_string(const DrawList *dl, int w, int h, DlColor bg, Fonts *fonts);

#endif
