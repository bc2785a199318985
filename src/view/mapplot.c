#include "mapplot.h"

#include <math.h>
#include <stdio.h>

#define HEADER_H 48.0f
#define FOOTER_H 64.0f
#define BAR_W 150.0f
#define TITLE_H 34.0f
#define LEFT_M 96.0f
#define BOTTOM_M 78.0f
#define RIGHT_M 24.0f
#define TEXT_PX 18.0f
#define TITLE_PX 22.0f
#define BAR_STEPS 96

static const DlColor INK = {20, 20, 20, 255};
static const DlColor GREY = {150, 150, 150, 255};
static const DlColor CONTOUR = {0, 0, 0, 255};

void mapplot_symmetric_range(const MapFigure *fig, double *vmin, double *vmax)
{
    double a = 0.0;
    for (int p = 0; p < fig->n_panels; p++) {
        const MapPanel *mp = &fig->panels[p];
        for (int k = 0; k < mp->nx * mp->ny; k++)
            if (isfinite(mp->v[k]) && fabs(mp->v[k]) > a)
                a = fabs(mp->v[k]);
    }
    /* capped, so a -60 corner does not wash out the edge near 0 */
    a = a < 1.0 ? 1.0 : a > MAPPLOT_MAX_RANGE ? MAPPLOT_MAX_RANGE : ceil(a);
    *vmin = -a;
    *vmax = a;
}

static uint8_t mix(uint8_t a, uint8_t b, double t)
{
    return (uint8_t)lround(a + (b - a) * t);
}

static DlColor lerp(DlColor a, DlColor b, double t)
{
    return (DlColor){mix(a.r, b.r, t), mix(a.g, b.g, t), mix(a.b, b.b, t), 255};
}

DlColor mapplot_color(const MapFigure *fig, double v)
{
    static const DlColor blue = {33, 102, 172, 255}, white = {247, 247, 247, 255},
                         red = {178, 24, 43, 255};
    if (isnan(v))
        return GREY;
    double t = (v - fig->vmin) / (fig->vmax - fig->vmin); /* 0..1 */
    t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
    if (!fig->diverging)
        return lerp(white, blue, t);
    return t < 0.5 ? lerp(blue, white, t * 2.0) : lerp(white, red, t * 2.0 - 1.0);
}

/* The contour's value at a cell centre: -Inf as below the scale, NaN kept. */
static double level(const MapPanel *p, double vmin, int ix, int iy)
{
    double v = p->v[(size_t)iy * p->nx + ix];
    return isinf(v) && v < 0 ? vmin - 1.0 : v;
}

/* Where the segment between corners a and b (values fa, fb) crosses 0. */
static int crossing(double fa, double fb, float ax, float ay, float bx, float by, float *out)
{
    if ((fa >= 0.0) == (fb >= 0.0))
        return 0;
    float t = (float)(fa / (fa - fb));
    out[0] = ax + (bx - ax) * t;
    out[1] = ay + (by - ay) * t;
    return 1;
}

typedef void (*SegFn)(const float *seg, void *ctx);

/* Marching squares over the cell centres: each square whose corners change
 * sign gives one segment (two for a saddle). Returns the count. */
static int contour_walk(const MapPanel *p, double vmin, SegFn emit, void *ctx)
{
    int found = 0;
    for (int iy = 0; iy + 1 < p->ny; iy++) {
        for (int ix = 0; ix + 1 < p->nx; ix++) {
            double f[4] = {level(p, vmin, ix, iy), level(p, vmin, ix + 1, iy),
                           level(p, vmin, ix + 1, iy + 1), level(p, vmin, ix, iy + 1)};
            float cx[4] = {ix, ix + 1, ix + 1, ix}, cy[4] = {iy, iy, iy + 1, iy + 1}, pt[8];
            if (isnan(f[0]) || isnan(f[1]) || isnan(f[2]) || isnan(f[3]))
                continue;
            int n = 0;
            for (int e = 0; e < 4; e++)
                n += crossing(f[e], f[(e + 1) % 4], cx[e], cy[e], cx[(e + 1) % 4], cy[(e + 1) % 4],
                              pt + 2 * n);
            for (int s = 0; s + 1 < n; s += 2, found++)
                emit(pt + 2 * s, ctx);
        }
    }
    return found;
}

typedef struct {
    float *out;
    int cap, n;
} SegBuf;

static void seg_store(const float *seg, void *ctx)
{
    SegBuf *b = ctx;
    if (b->n < b->cap)
        for (int k = 0; k < 4; k++)
            b->out[4 * b->n + k] = seg[k];
    b->n++;
}

int mapplot_contour(const MapPanel *p, double vmin, float *out, int cap)
{
    SegBuf b = {out, cap, 0};
    return contour_walk(p, vmin, seg_store, &b);
}

typedef struct {
    float x, y, w, h; /* the heatmap area */
    const MapPanel *p;
} Area;

static float cell_x(const Area *a, float cx)
{
    return a->x + (cx + 0.5f) * a->w / (float)a->p->nx;
}

static float cell_y(const Area *a, float cy)
{
    return a->y + a->h - (cy + 0.5f) * a->h / (float)a->p->ny;
}

static int draw_cells(DrawList *dl, const MapFigure *fig, const Area *a)
{
    const MapPanel *p = a->p;
    float cw = a->w / (float)p->nx, ch = a->h / (float)p->ny;
    int rc = 0;
    for (int iy = 0; iy < p->ny; iy++)
        for (int ix = 0; ix < p->nx; ix++) {
            DlColor c = mapplot_color(fig, p->v[(size_t)iy * p->nx + ix]);
            float y = a->y + a->h - (float)(iy + 1) * ch;
            rc |= dl_rect(dl, a->x + (float)ix * cw, y, cw + 0.5f, ch + 0.5f, 0.0f, c);
        }
    return rc;
}

typedef struct {
    DrawList *dl;
    const Area *a;
    int rc;
} SegDraw;

static void seg_draw(const float *seg, void *ctx)
{
    SegDraw *d = ctx;
    d->rc |= dl_line(d->dl, cell_x(d->a, seg[0]), cell_y(d->a, seg[1]), cell_x(d->a, seg[2]),
                     cell_y(d->a, seg[3]), 3.0f, CONTOUR);
}

static int draw_contour(DrawList *dl, const MapFigure *fig, const Area *a)
{
    SegDraw d = {dl, a, 0};
    contour_walk(a->p, fig->vmin, seg_draw, &d);
    return d.rc;
}

/* Up to five tick indices spread over 0..n-1, without repeats. */
static int tick_indices(int n, int *out)
{
    int count = 0;
    for (int k = 0; k < 5; k++) {
        int i = n > 1 ? (int)lround((double)k * (n - 1) / 4.0) : 0;
        if (count == 0 || out[count - 1] != i)
            out[count++] = i;
    }
    return count;
}

static int draw_axes(DrawList *dl, const MapFigure *fig, const Area *a)
{
    int ticks[5], rc = 0;
    char text[48];
    int n = tick_indices(a->p->nx, ticks);
    for (int k = 0; k < n; k++) {
        float x = cell_x(a, (float)ticks[k]);
        rc |= dl_line(dl, x, a->y + a->h, x, a->y + a->h + 8.0f, 2.0f, INK);
        snprintf(text, sizeof text, "%.4g", a->p->x[ticks[k]]);
        rc |=
            dl_text(dl, x, a->y + a->h + 12.0f, DL_FONT_SANS, TEXT_PX, DL_ALIGN_CENTER, INK, text);
    }
    n = tick_indices(a->p->ny, ticks);
    for (int k = 0; k < n; k++) {
        float y = cell_y(a, (float)ticks[k]);
        rc |= dl_line(dl, a->x - 8.0f, y, a->x, y, 2.0f, INK);
        snprintf(text, sizeof text, "%.4g", a->p->y[ticks[k]]);
        rc |= dl_text(dl, a->x - 12.0f, y - TEXT_PX * 0.6f, DL_FONT_SANS, TEXT_PX, DL_ALIGN_RIGHT,
                      INK, text);
    }
    rc |= dl_rect_outline(dl, a->x, a->y, a->w, a->h, 0.0f, 2.0f, INK);
    rc |= dl_text(dl, a->x + a->w * 0.5f, a->y + a->h + 42.0f, DL_FONT_SANS, TEXT_PX,
                  DL_ALIGN_CENTER, INK, fig->x_label);
    snprintf(text, sizeof text, "%s \xe2\x86\x91", fig->y_label);
    rc |= dl_text(dl, a->x - LEFT_M + 4.0f, a->y - TITLE_H + 8.0f, DL_FONT_SANS, TEXT_PX,
                  DL_ALIGN_LEFT, INK, text);
    return rc;
}

static int draw_panel(DrawList *dl, const MapFigure *fig, const MapPanel *p, float x, float y,
                      float w, float h)
{
    Area a = {x + LEFT_M, y + TITLE_H, w - LEFT_M - RIGHT_M, h - TITLE_H - BOTTOM_M, p};
    int rc = dl_text(dl, a.x + a.w * 0.5f, y + 4.0f, DL_FONT_SANS_BOLD, TITLE_PX, DL_ALIGN_CENTER,
                     INK, p->title ? p->title : "");
    rc |= draw_cells(dl, fig, &a);
    if (fig->contour)
        rc |= draw_contour(dl, fig, &a);
    rc |= draw_axes(dl, fig, &a);
    return rc;
}

/* Whether a value lies below vmin (side -1) or above vmax (side 1). */
static bool beyond_scale(const MapFigure *fig, int side)
{
    for (int p = 0; p < fig->n_panels; p++) {
        const MapPanel *mp = &fig->panels[p];
        for (int k = 0; k < mp->nx * mp->ny; k++)
            if (side < 0 ? mp->v[k] < fig->vmin : mp->v[k] > fig->vmax)
                return true;
    }
    return false;
}

static int draw_bar(DrawList *dl, const MapFigure *fig, float x, float y, float h)
{
    int rc = 0;
    float bw = 32.0f, step = h / BAR_STEPS;
    for (int k = 0; k < BAR_STEPS; k++) {
        double v = fig->vmin + (fig->vmax - fig->vmin) * (k + 0.5) / BAR_STEPS;
        rc |= dl_rect(dl, x, y + h - (float)(k + 1) * step, bw, step + 0.5f, 0.0f,
                      mapplot_color(fig, v));
    }
    rc |= dl_rect_outline(dl, x, y, bw, h, 0.0f, 2.0f, INK);
    for (int k = 0; k <= 4; k++) {
        double v = fig->vmin + (fig->vmax - fig->vmin) * k / 4.0;
        float ty = y + h - (float)k * h / 4.0f;
        char text[32];
        bool beyond = (k == 0 && beyond_scale(fig, -1)) || (k == 4 && beyond_scale(fig, 1));
        snprintf(text, sizeof text, "%s%.3g", beyond ? (k ? "\xe2\x89\xa5 " : "\xe2\x89\xa4 ") : "",
                 v);
        rc |= dl_line(dl, x + bw, ty, x + bw + 8.0f, ty, 2.0f, INK);
        rc |= dl_text(dl, x + bw + 12.0f, ty - TEXT_PX * 0.6f, DL_FONT_SANS, TEXT_PX, DL_ALIGN_LEFT,
                      INK, text);
    }
    return rc;
}

static int draw_frame(DrawList *dl, const MapFigure *fig, float x, float y, float w, float h)
{
    int rc = dl_text(dl, x + 16.0f, y + 10.0f, DL_FONT_SANS_BOLD, TITLE_PX, DL_ALIGN_LEFT, INK,
                     fig->value_label ? fig->value_label : "");
    const char *legend = fig->contour ? "black line: value 0 (ratio 1, the edge between "
                                        "vanishing and exploding)    grey: no finite value"
                                      : "grey: no finite value";
    rc |= dl_text(dl, x + 16.0f, y + h - FOOTER_H + 6.0f, DL_FONT_SANS, TEXT_PX, DL_ALIGN_LEFT, INK,
                  legend);
    if (fig->note)
        rc |= dl_text(dl, x + 16.0f, y + h - FOOTER_H + 32.0f, DL_FONT_SANS, TEXT_PX, DL_ALIGN_LEFT,
                      INK, fig->note);
    rc |= draw_bar(dl, fig, x + w - BAR_W + 16.0f, y + HEADER_H + TITLE_H,
                   h - HEADER_H - FOOTER_H - TITLE_H - BOTTOM_M);
    return rc;
}

int mapplot_draw(DrawList *dl, const MapFigure *fig, float x, float y, float w, float h)
{
    if (!dl || !fig || fig->n_panels < 1 || fig->n_panels > MAPPLOT_MAX_PANELS ||
        !(fig->vmin < fig->vmax))
        return DL_ERR_ARG;
    for (int p = 0; p < fig->n_panels; p++)
        if (fig->panels[p].nx < 1 || fig->panels[p].ny < 1 || !fig->panels[p].v)
            return DL_ERR_ARG;
    int cols = fig->n_panels <= 2 ? fig->n_panels : 2;
    int rows = (fig->n_panels + cols - 1) / cols;
    float pw = (w - BAR_W) / (float)cols, ph = (h - HEADER_H - FOOTER_H) / (float)rows;
    int rc = draw_frame(dl, fig, x, y, w, h);
    for (int p = 0; p < fig->n_panels; p++)
        rc |= draw_panel(dl, fig, &fig->panels[p], x + (float)(p % cols) * pw,
                         y + HEADER_H + (float)(p / cols) * ph, pw, ph);
    return rc || dl_overflowed(dl) ? DL_ERR_OVERFLOW : 0;
}
