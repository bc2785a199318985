/*
 * rnnviz's icon, drawn by rnnviz: an RNN unrolled over three steps (inputs
 * below, hidden states joined left to right, outputs above, the gradient
 * flowing back in orange) emitted as a draw list and written by the PNG
 * and SVG backends. Run at build time:
 *   rnnviz_icon OUT.svg|OUT.png SIZE
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drawlist.h"
#include "png_out.h"
#include "svg_out.h"

#define UNITS 256.0f /* the motif is drawn on a 256 x 256 grid, then scaled */

static const DlColor ink_bg = {0x1b, 0x26, 0x3b, 0xff};
static const DlColor ink_edge = {0x9f, 0xb8, 0xd9, 0xff};
static const DlColor ink_node = {0x4c, 0xa3, 0xf2, 0xff};
static const DlColor ink_ring = {0xe8, 0xf1, 0xfb, 0xff};
static const DlColor ink_io = {0x7e, 0xd3, 0x9b, 0xff};
static const DlColor ink_grad = {0xf5, 0x9e, 0x3b, 0xff};

/* A line from (x0, y0) to (x1, y1) with an arrowhead at the end. */
static void arrow(DrawList *dl, float s, float x0, float y0, float x1, float y1, DlColor c)
{
    float dx = x1 - x0, dy = y1 - y0;
    float len = dx * dx + dy * dy > 0 ? 1.0f / sqrtf(dx * dx + dy * dy) : 0;
    float ux = dx * len * 12, uy = dy * len * 12;
    float head[6] = {s * (x1 - ux - uy * 0.7f), s * (y1 - uy + ux * 0.7f), s * x1, s * y1,
                     s * (x1 - ux + uy * 0.7f), s * (y1 - uy - ux * 0.7f)};
    dl_line(dl, s * x0, s * y0, s * x1, s * y1, s * 9, c);
    dl_polyline(dl, head, 3, s * 9, c);
}

static void draw_icon(DrawList *dl, int size)
{
    float s = (float)size / UNITS;
    const float xs[3] = {52, 128, 204};
    for (int t = 0; t < 3; t++) {
        arrow(dl, s, xs[t], 226, xs[t], 160, ink_io); /* x_t -> h_t */
        arrow(dl, s, xs[t], 98, xs[t], 38, ink_io);   /* h_t -> y_t */
        dl_circle(dl, s * xs[t], s * 232, s * 11, ink_io);
        dl_circle(dl, s * xs[t], s * 26, s * 11, ink_io);
    }
    for (int t = 0; t + 1 < 3; t++) {
        arrow(dl, s, xs[t] + 30, 118, xs[t + 1] - 32, 118, ink_edge); /* h_t -> h_t+1 */
        arrow(dl, s, xs[t + 1] - 30, 146, xs[t] + 32, 146, ink_grad); /* dL/dh flows back */
    }
    for (int t = 0; t < 3; t++) {
        dl_circle(dl, s * xs[t], s * 130, s * 30, ink_ring);
        dl_circle(dl, s * xs[t], s * 130, s * 23, ink_node);
    }
}

int main(int argc, char **argv)
{
    int size = argc == 3 ? atoi(argv[2]) : 0;
    size_t n = argc == 3 ? strlen(argv[1]) : 0;
    if (size < 16 || size > 4096 || n < 5) {
        fprintf(stderr, "usage: rnnviz_icon OUT.svg|OUT.png SIZE (16 to 4096)\n");
        return 2;
    }
    DrawList *dl = dl_create(256, 256, 256);
    if (!dl)
        return 1;
    draw_icon(dl, size);
    int rc;
    char msg[600];
    if (!strcmp(argv[1] + n - 4, ".svg")) {
        SvgError err = {{0}};
        rc = svg_out_write(dl, size, size, ink_bg, NULL, argv[1], &err);
        snprintf(msg, sizeof msg, "%s", err.msg);
    } else {
        PngError err = {{0}};
        rc = png_out_write(dl, size, size, ink_bg, NULL, argv[1], &err);
        snprintf(msg, sizeof msg, "%s", err.msg);
    }
    dl_destroy(dl);
    if (rc)
        fprintf(stderr, "rnnviz_icon: %s\n", msg);
    return rc ? 1 : 0;
}
