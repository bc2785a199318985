/*
 * Private to the rasteriser: coverage of shapes. Axis-aligned boxes get
 * exact area coverage (raster_box.c); rounded rects, discs and capsules get
 * coverage from signed distances at pixel centres (raster_shape.c).
 */
#ifndef RNNVIZ_RASTER_SHAPE_H
#define RNNVIZ_RASTER_SHAPE_H

#include <stdbool.h>

#include "raster_blend.h"

/* A convex shape given by its signed distance: a rounded rect, a disc or a capsule. */
typedef enum { SH_RRECT, SH_DISC, SH_CAPSULE } ShapeKind;

typedef struct {
    ShapeKind kind;
    float cx, cy, hx, hy,
        r; /* rrect: centre, half sizes, corner radius <= min(hx, hy); disc: cx, cy, r */
    float ax, ay, bx, by;   /* capsule: segment a-b and radius r */
    float dx, dy, inv_len2; /* capsule: b - a and 1 / |b - a|^2 (0 for a point) */
    float ux, uy, len;      /* capsule: unit direction and length */
    float inv_ux, inv_uy;   /* capsule: 1/ux, 1/uy (0 when that component is ~0) */
    float inv_dy;           /* capsule: 1/dy (0 when dy is ~0) */
} Shape;

Shape raster_shape_rrect(float x, float y, float w, float h, float r);
Shape raster_shape_disc(float cx, float cy, float r);
Shape raster_shape_capsule(float ax, float ay, float bx, float by, float r);

/*
 * Paint outer minus hole (hole may be NULL), or with to_mask, max its
 * coverage into the mask instead (the caller blends the mask).
 */
void raster_paint_shape(Painter *p, const Shape *outer, const Shape *hole, const Ink *k,
                        bool to_mask);

/* The box [x0, x1) x [y0, y1), with exact area coverage at its edges. */
void raster_fill_box(Painter *p, float x0, float y0, float x1, float y1, const Ink *k);

#endif
