/*
 * The picture of a gradient map: one heatmap panel per map (side by side,
 * two per row from three on), each with its axes, tick values and the
 * contour where the value crosses 0 (for the log ratio: ratio 1, the edge
 * between vanishing and exploding), and one colour bar on an absolute scale
 * shared by every panel. Plain data in, draw-list commands out; no engine
 * or session header.
 *
 * Shapes: NX x NY cells, values row-major by y then x, y growing upwards.
 *
 * Conventions: mapplot_draw returns 0 or DL_ERR_OVERFLOW when the list ran
 * out of room (DL_ERR_ARG for a bad figure). Non-finite values: -Inf is
 * drawn at the bottom of the scale, +Inf at the top, NaN (overflow, failed
 * or not yet computed) as grey, which the legend says.
 */
#ifndef RNNVIZ_MAPPLOT_H
#define RNNVIZ_MAPPLOT_H

#include <stdbool.h>

#include "drawlist.h"

#define MAPPLOT_MAX_PANELS 4
#define MAPPLOT_MAX_RANGE 10.0 /* mapplot_symmetric_range's cap */

typedef struct {
    const char *title;   /* e.g. "rnn tanh" */
    int nx, ny;          /* >= 1 each */
    const double *x, *y; /* (nx), (ny) axis values, ascending */
    const double *v;     /* (ny, nx) */
} MapPanel;

typedef struct {
    MapPanel panels[MAPPLOT_MAX_PANELS];
    int n_panels;
    const char *x_label, *y_label; /* the swept settings */
    const char *value_label;       /* the colour bar's caption */
    const char *note;              /* a line under the figure (seeds, sizes), may be NULL */
    double vmin, vmax;             /* the colour scale, vmin < vmax */
    bool diverging;                /* blue - white - red around 0, else white - blue */
    bool contour;                  /* draw the level-0 contour */
} MapFigure;

/* A symmetric scale [-a, a] over the finite values of every panel (a >= 1,
 * rounded up to a whole number, at most MAPPLOT_MAX_RANGE; the colour bar
 * then labels its ends "<=" and ">="). */
void mapplot_symmetric_range(const MapFigure *fig, double *vmin, double *vmax);

/* The colour of value v on the figure's scale. */
DlColor mapplot_color(const MapFigure *fig, double v);

/* Line segments of the level-0 contour of panel p in cell units
 * (x = ix, y = iy at cell centres): up to cap segments as x0,y0,x1,y1 in
 * out (4 cap floats); returns the number found (may exceed cap). */
int mapplot_contour(const MapPanel *p, double vmin, float *out, int cap);

int mapplot_draw(DrawList *dl, const MapFigure *fig, float x, float y, float w, float h);

#endif
