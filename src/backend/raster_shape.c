/* Shapes by signed distance: rounded rects, discs, capsules; their rows
 * cut into full, edge and flat runs, painted or replayed. */
#include "raster_shape.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

Shape raster_shape_rrect(float x, float y, float w, float h, float r)
{
    Shape s = {0};
    s.kind = SH_RRECT;
    s.hx = 0.5f * w, s.hy = 0.5f * h;
    s.cx = x + s.hx, s.cy = y + s.hy;
    s.r = fmin2(fmax2(r, 0.0f), fmin2(s.hx, s.hy));
    return s;
}

Shape raster_shape_disc(float cx, float cy, float r)
{
    Shape s = {0};
    s.kind = SH_DISC;
    s.cx = cx, s.cy = cy, s.r = r, s.hx = r, s.hy = r;
    return s;
}

Shape raster_shape_capsule(float ax, float ay, float bx, float by, float r)
{
    Shape s = {0};
    s.kind = SH_CAPSULE;
    s.ax = ax, s.ay = ay, s.bx = bx, s.by = by, s.r = r;
    s.dx = bx - ax, s.dy = by - ay;
    float l2 = s.dx * s.dx + s.dy * s.dy;
    if (l2 > 1e-12f) {
        s.inv_len2 = 1.0f / l2;
        s.len = sqrtf(l2);
        s.ux = s.dx / s.len, s.uy = s.dy / s.len;
        s.inv_ux = fabsf(s.ux) > 1e-6f ? 1.0f / s.ux : 0.0f;
        s.inv_uy = fabsf(s.uy) > 1e-6f ? 1.0f / s.uy : 0.0f;
    }
    s.inv_dy = fabsf(s.dy) > 1e-3f ? 1.0f / s.dy : 0.0f;
    return s;
}

static inline float shape_sd(const Shape *s, float x, float y)
{
    if (s->kind == SH_RRECT) {
        float qx = fabsf(x - s->cx) - (s->hx - s->r), qy = fabsf(y - s->cy) - (s->hy - s->r);
        if (qx <= 0.0f || qy <= 0.0f) /* beside a straight edge or inside: no root needed */
            return fmax2(qx, qy) - s->r;
        return sqrtf(qx * qx + qy * qy) - s->r;
    }
    if (s->kind == SH_DISC) {
        float ex = x - s->cx, ey = y - s->cy;
        return sqrtf(ex * ex + ey * ey) - s->r;
    }
    float px = x - s->ax, py = y - s->ay;
    float t = clamp01((px * s->dx + py * s->dy) * s->inv_len2);
    float ex = px - s->dx * t, ey = py - s->dy * t;
    return sqrtf(ex * ex + ey * ey) - s->r;
}

static void disc_row(float cx, float cy, float r, float y, float *lo, float *hi)
{
    float dy = y - cy;
    if (fabsf(dy) > r)
        return;
    float hw = sqrtf(fmax2(r * r - dy * dy, 0.0f));
    grow(lo, hi, cx - hw);
    grow(lo, hi, cx + hw);
}

/*
 * The row y across the capsule's straight band: points within r of the
 * segment's line whose projection falls on the segment. Its two end edges
 * are diameters of the end discs, so the discs' rows already cover them.
 */
static void band_row(const Shape *s, float r, float y, float *lo, float *hi)
{
    float sy = y - s->ay, x0 = -INFINITY, x1 = INFINITY;
    if (s->inv_uy != 0.0f) { /* |(x - ax) uy - sy ux| <= r */
        float c = s->ax + sy * s->ux * s->inv_uy, h = fabsf(r * s->inv_uy);
        x0 = c - h, x1 = c + h;
    } else if (fabsf(sy) > r) {
        return;
    }
    if (s->inv_ux != 0.0f) { /* 0 <= (x - ax) ux + sy uy <= len */
        float p0 = s->ax - sy * s->uy * s->inv_ux, p1 = p0 + s->len * s->inv_ux;
        x0 = fmax2(x0, fmin2(p0, p1)), x1 = fmin2(x1, fmax2(p0, p1));
    } else {
        float proj = sy * s->uy;
        if (proj < 0.0f || proj > s->len)
            return;
    }
    if (x0 > x1)
        return;
    grow(lo, hi, x0);
    grow(lo, hi, x1);
}

/* Columns [*xl, *xr] where the row y crosses {sd <= t}; false when it does not. */
static bool shape_row(const Shape *s, float y, float t, float *xl, float *xr)
{
    if (s->kind == SH_RRECT) {
        float hx = s->hx + t, hy = s->hy + t, r = fmax2(s->r + t, 0.0f);
        float dy = fabsf(y - s->cy);
        if (hx <= 0.0f || hy <= 0.0f || dy > hy)
            return false;
        float yy = dy - (hy - r), half = hx;
        if (yy > 0.0f)
            half = hx - r + sqrtf(fmax2(r * r - yy * yy, 0.0f));
        *xl = s->cx - half, *xr = s->cx + half;
        return true;
    }
    float r = s->r + t, lo = INFINITY, hi = -INFINITY;
    if (r <= 0.0f)
        return false;
    if (s->kind == SH_DISC) {
        disc_row(s->cx, s->cy, r, y, &lo, &hi);
    } else {
        disc_row(s->ax, s->ay, r, y, &lo, &hi);
        disc_row(s->bx, s->by, r, y, &lo, &hi);
        if (s->len > 0.0f)
            band_row(s, r, y, &lo, &hi);
    }
    if (lo > hi)
        return false;
    *xl = lo, *xr = hi;
    return true;
}

static void shape_bounds(const Shape *s, float *x0, float *y0, float *x1, float *y1)
{
    if (s->kind != SH_CAPSULE) {
        *x0 = s->cx - s->hx, *x1 = s->cx + s->hx, *y0 = s->cy - s->hy, *y1 = s->cy + s->hy;
        return;
    }
    *x0 = fmin2(s->ax, s->bx) - s->r, *x1 = fmax2(s->ax, s->bx) + s->r;
    *y0 = fmin2(s->ay, s->by) - s->r, *y1 = fmax2(s->ay, s->by) + s->r;
}

/* Inclusive pixel columns whose centres lie in [xl, xr], clamped to [lo, hi]. */
static void to_cols(float xl, float xr, int lo, int hi, int *c0, int *c1)
{
    *c0 = ceil_i(xl - 0.5f);
    *c1 = ifloor(xr - 0.5f);
    if (*c0 < lo)
        *c0 = lo;
    if (*c1 > hi)
        *c1 = hi;
}

/*
 * Whether shape_row(s, yc, t) of a rounded rect finds the row beside the
 * straight sides (no corner arc), so that it returns cx -+ (hx + t) whatever
 * the row: the very test shape_row makes.
 */
static inline bool rrect_row_plain(const Shape *s, float yc, float t)
{
    float hx = s->hx + t, hy = s->hy + t, r = fmax2(s->r + t, 0.0f);
    float dy = fabsf(yc - s->cy);
    return hx > 0.0f && hy > 0.0f && dy <= hy && dy - (hy - r) <= 0.0f;
}

/*
 * Whether every pixel of the row at yc has a coverage that depends on its
 * column alone, and its columns are those of any other such row: the row
 * crosses the straight sides, clear of the corners. There shape_sd is
 * max(qx, qy) - r, and wherever qy wins, the pixel is fully inside either way.
 */
static bool rrect_straight(const Shape *s, float yc)
{
    float qy = fabsf(yc - s->cy) - (s->hy - s->r);
    return qy <= 0.0f && 0.5f - (qy - s->r) >= 1.0f && rrect_row_plain(s, yc, 0.5f) &&
           rrect_row_plain(s, yc, -0.5f);
}

/* Whether shape_sd of the rounded rect at column x is qy - r, lim being min(qy, 0). */
static inline bool rrect_flat_at(const Shape *s, int x, float lim)
{
    return fabsf(((float)x + 0.5f) - s->cx) - (s->hx - s->r) <= lim;
}

/*
 * The columns [*c0, *c1] (within [lo, hi]) where the row at yc meets a
 * rounded rect along its top or bottom side: there qx <= min(qy, 0), so
 * shape_sd is qy - r for all of them and one coverage serves the run. The
 * estimate is settled by testing columns exactly as shape_sd would.
 */
static void rrect_flat(const Shape *s, float yc, int lo, int hi, int *c0, int *c1)
{
    float lim = fmin2(fabsf(yc - s->cy) - (s->hy - s->r), 0.0f);
    float w = s->hx - s->r + lim;
    int l = ceil_i(s->cx - w - 0.5f), r = ifloor(s->cx + w - 0.5f);
    if (l > r)
        l = r = ifloor(s->cx);
    l = l < lo ? lo : l, r = r > hi ? hi : r;
    while (l <= r && !rrect_flat_at(s, l, lim))
        l++;
    while (r >= l && !rrect_flat_at(s, r, lim))
        r--;
    if (l <= r) {
        while (l > lo && rrect_flat_at(s, l - 1, lim))
            l--;
        while (r < hi && rrect_flat_at(s, r + 1, lim))
            r++;
    }
    *c0 = l, *c1 = r;
}

/* Coverage of the pixel centred at (xc, yc) by outer minus hole. */
static inline float coverage(const Shape *outer, const Shape *hole, float xc, float yc)
{
    if (hole && outer->kind == SH_DISC) { /* concentric ring: one root */
        float ex = xc - outer->cx, ey = yc - outer->cy;
        float l = sqrtf(ex * ex + ey * ey);
        return clamp01(0.5f + outer->r - l) - clamp01(0.5f + hole->r - l);
    }
    float cov = clamp01(0.5f - shape_sd(outer, xc, yc));
    if (hole)
        cov -= clamp01(0.5f - shape_sd(hole, xc, yc));
    return cov;
}

#ifdef __SSE2__
/* shape_sd for four pixels, operation for operation, so bit for bit. */
static inline __m128 shape_sd4(const Shape *s, __m128 x, __m128 y)
{
    const __m128 abs_mask = _mm_castsi128_ps(_mm_set1_epi32(0x7FFFFFFF)), zero = _mm_setzero_ps();
    const __m128 r = _mm_set1_ps(s->r);
    if (s->kind == SH_RRECT) {
        __m128 qx = _mm_sub_ps(_mm_and_ps(_mm_sub_ps(x, _mm_set1_ps(s->cx)), abs_mask),
                               _mm_set1_ps(s->hx - s->r));
        __m128 qy = _mm_sub_ps(_mm_and_ps(_mm_sub_ps(y, _mm_set1_ps(s->cy)), abs_mask),
                               _mm_set1_ps(s->hy - s->r));
        __m128 flat = _mm_sub_ps(_mm_max_ps(qx, qy), r);
        __m128 round =
            _mm_sub_ps(_mm_sqrt_ps(_mm_add_ps(_mm_mul_ps(qx, qx), _mm_mul_ps(qy, qy))), r);
        __m128 use_flat = _mm_or_ps(_mm_cmple_ps(qx, zero), _mm_cmple_ps(qy, zero));
        return _mm_or_ps(_mm_and_ps(use_flat, flat), _mm_andnot_ps(use_flat, round));
    }
    __m128 ex, ey;
    if (s->kind == SH_DISC) {
        ex = _mm_sub_ps(x, _mm_set1_ps(s->cx)), ey = _mm_sub_ps(y, _mm_set1_ps(s->cy));
    } else {
        const __m128 dx = _mm_set1_ps(s->dx), dy = _mm_set1_ps(s->dy);
        __m128 px = _mm_sub_ps(x, _mm_set1_ps(s->ax)), py = _mm_sub_ps(y, _mm_set1_ps(s->ay));
        __m128 t = _mm_mul_ps(_mm_add_ps(_mm_mul_ps(px, dx), _mm_mul_ps(py, dy)),
                              _mm_set1_ps(s->inv_len2));
        t = _mm_min_ps(_mm_max_ps(t, zero), _mm_set1_ps(1.0f)); /* clamp01 up to the sign of 0 */
        ex = _mm_sub_ps(px, _mm_mul_ps(dx, t)), ey = _mm_sub_ps(py, _mm_mul_ps(dy, t));
    }
    return _mm_sub_ps(_mm_sqrt_ps(_mm_add_ps(_mm_mul_ps(ex, ex), _mm_mul_ps(ey, ey))), r);
}

static inline __m128 clamp01_4(__m128 v)
{
    return _mm_min_ps(_mm_max_ps(v, _mm_setzero_ps()), _mm_set1_ps(1.0f));
}

/* coverage() for four pixels. */
static inline __m128 coverage4(const Shape *outer, const Shape *hole, __m128 x, __m128 y)
{
    const __m128 half = _mm_set1_ps(0.5f);
    if (hole && outer->kind == SH_DISC) {
        __m128 ex = _mm_sub_ps(x, _mm_set1_ps(outer->cx));
        __m128 ey = _mm_sub_ps(y, _mm_set1_ps(outer->cy));
        __m128 l = _mm_sqrt_ps(_mm_add_ps(_mm_mul_ps(ex, ex), _mm_mul_ps(ey, ey)));
        return _mm_sub_ps(clamp01_4(_mm_sub_ps(_mm_set1_ps(0.5f + outer->r), l)),
                          clamp01_4(_mm_sub_ps(_mm_set1_ps(0.5f + hole->r), l)));
    }
    __m128 cov = clamp01_4(_mm_sub_ps(half, shape_sd4(outer, x, y)));
    if (hole)
        cov = _mm_sub_ps(cov, clamp01_4(_mm_sub_ps(half, shape_sd4(hole, x, y))));
    return cov;
}
#endif

/*
 * cov_alpha(coverage, a) of the n <= RUN_MAX pixels from column x on the row
 * at yc (a = 255 gives mask values); 0 where the coverage is not positive,
 * and in the padding up to round4(n).
 */
static void run_alphas(const Shape *outer, const Shape *hole, int x, int n, float yc, unsigned a,
                       uint16_t *out)
{
#ifdef __SSE2__
    const __m128 y = _mm_set1_ps(yc), fa = _mm_set1_ps((float)a), half = _mm_set1_ps(0.5f);
    const __m128 step = _mm_set_ps(3.5f, 2.5f, 1.5f, 0.5f);
    const __m128i lane = _mm_set_epi32(3, 2, 1, 0);
    for (int i = 0; i < n; i += 4) {
        __m128 xc = _mm_add_ps(_mm_set1_ps((float)(x + i)), step);
        __m128 cov = coverage4(outer, hole, xc, y);
        __m128i v = _mm_cvttps_epi32(_mm_add_ps(_mm_mul_ps(cov, fa), half));
        __m128i in = _mm_cmpgt_epi32(_mm_set1_epi32(n - i), lane); /* i + lane < n */
        v = _mm_and_si128(v,
                          _mm_and_si128(in, _mm_castps_si128(_mm_cmpgt_ps(cov, _mm_setzero_ps()))));
        _mm_storel_epi64((__m128i *)(out + i), _mm_packs_epi32(v, v)); /* 0..256 fits */
    }
#else
    for (int i = 0; i < n; i++) {
        float cov = coverage(outer, hole, (float)(x + i) + 0.5f, yc);
        out[i] = (uint16_t)(cov > 0.0f ? cov_alpha(cov, a) : 0);
    }
    for (int i = n; i < round4(n); i++)
        out[i] = 0;
#endif
}

/*
 * One row of a shape cut into runs of pixels treated alike: fully covered
 * (a span), on an edge (coverage pixel by pixel) or, along the top or bottom
 * side of a rounded rect, on an edge at one coverage for the whole run.
 * Pixels inside the hole by half a pixel are in no run.
 */
typedef enum { RUN_FULL, RUN_EDGE, RUN_FLAT } RunKind;

typedef struct {
    int x0, x1; /* inclusive */
    RunKind kind;
} Run;

#define ROW_RUNS 16 /* at most 7 from the columns, each edge run cut in three by a flat run */

/*
 * The row's runs from its columns: [a0, a1] touched at all, [f0, f1] fully
 * inside the outer shape, [h0, h1] touched by the hole, [k0, k1] fully
 * inside it (an empty range has first > last). Returns how many.
 */
typedef struct {
    int a0, a1, f0, f1, h0, h1, k0, k1;
} RowCols;

static int row_runs(const RowCols *c, Run *out)
{
    if (c->h0 > c->h1 && c->k0 > c->k1) { /* no hole here: edge, full, edge */
        int n = 0;
        if (c->f0 > c->f1) {
            out[n++] = (Run){c->a0, c->a1, RUN_EDGE};
            return n;
        }
        if (c->a0 < c->f0)
            out[n++] = (Run){c->a0, c->f0 - 1, RUN_EDGE};
        out[n++] = (Run){c->f0, c->f1, RUN_FULL};
        if (c->f1 < c->a1)
            out[n++] = (Run){c->f1 + 1, c->a1, RUN_EDGE};
        return n;
    }
    const int change[6] = {c->f0, c->f1 + 1, c->h0, c->h1 + 1, c->k0, c->k1 + 1};
    int n = 0, x = c->a0;
    while (x <= c->a1) {
        int e = c->a1; /* the run ends before the next column where a range starts or ends */
        for (int i = 0; i < 6; i++)
            if (change[i] > x && change[i] - 1 < e)
                e = change[i] - 1;
        if (!(x >= c->k0 && x <= c->k1)) { /* outside the hole's inside */
            bool full = x >= c->f0 && x <= c->f1 && !(x >= c->h0 && x <= c->h1);
            RunKind kind = full ? RUN_FULL : RUN_EDGE;
            if (n > 0 && out[n - 1].kind == kind && out[n - 1].x1 + 1 == x)
                out[n - 1].x1 = e;
            else
                out[n++] = (Run){x, e, kind};
        }
        x = e + 1;
    }
    return n;
}

/* Cut the edge runs where they cross [c0, c1], marking the middle pieces flat. */
static int cut_flat(const Run *in, int n, int c0, int c1, Run *out)
{
    int m = 0;
    for (int i = 0; i < n; i++) {
        Run r = in[i];
        if (r.kind != RUN_EDGE || r.x1 < c0 || r.x0 > c1) {
            out[m++] = r;
            continue;
        }
        if (r.x0 < c0)
            out[m++] = (Run){r.x0, c0 - 1, RUN_EDGE};
        out[m++] = (Run){r.x0 > c0 ? r.x0 : c0, r.x1 < c1 ? r.x1 : c1, RUN_FLAT};
        if (r.x1 > c1)
            out[m++] = (Run){c1 + 1, r.x1, RUN_EDGE};
    }
    return m;
}

/*
 * Rows no wider than this are worked out pixel by pixel, four at a time:
 * for a thin line that is cheaper than finding its full run first. Inside
 * by half a pixel the coverage is 1 all the same.
 */
#define THIN_ROW 12

/*
 * A cheap superset of the columns the row at yc crosses within R of the
 * capsule's segment: the part of the segment within R of the row, widened
 * by R. Extra columns only cost their coverage, which comes out 0.
 */
static bool capsule_row_bound(const Shape *s, float yc, float R, float *xl, float *xr)
{
    float y0 = fmin2(s->ay, s->by) - R, y1 = fmax2(s->ay, s->by) + R;
    if (yc < y0 || yc > y1)
        return false;
    float t0 = 0.0f, t1 = 1.0f;
    if (s->inv_dy != 0.0f) {
        float u0 = (yc - R - s->ay) * s->inv_dy, u1 = (yc + R - s->ay) * s->inv_dy;
        t0 = clamp01(fmin2(u0, u1)), t1 = clamp01(fmax2(u0, u1));
    }
    float x0 = s->ax + s->dx * t0, x1 = s->ax + s->dx * t1;
    *xl = fmin2(x0, x1) - R, *xr = fmax2(x0, x1) + R;
    return true;
}

static bool row_cols(const Painter *p, const Shape *outer, const Shape *hole, float yc, RowCols *c)
{
    float l, r;
    c->f0 = c->h0 = c->k0 = 1, c->f1 = c->h1 = c->k1 = 0;
    if (!shape_row(outer, yc, 0.5f, &l, &r))
        return false;
    to_cols(l, r, p->x0, p->x1 - 1, &c->a0, &c->a1);
    if (c->a0 > c->a1)
        return false;
    if (!hole && c->a1 - c->a0 < THIN_ROW)
        return true;
    if (shape_row(outer, yc, -0.5f, &l, &r))
        to_cols(l, r, c->a0, c->a1, &c->f0, &c->f1);
    if (hole && shape_row(hole, yc, 0.5f, &l, &r))
        to_cols(l, r, c->a0, c->a1, &c->h0, &c->h1);
    if (hole && shape_row(hole, yc, -0.5f, &l, &r))
        to_cols(l, r, c->a0, c->a1, &c->k0, &c->k1);
    return true;
}

/*
 * A row of a rounded rect (or outline) beside its straight sides, kept with
 * the alphas of its edge pixels: the other such rows have the same runs and
 * alphas, so they are painted from it without any geometry.
 */
#define REPLAY_MAX 64

typedef struct {
    int n_runs; /* -1: nothing recorded */
    Run runs[ROW_RUNS];
    int n_alpha;
    uint16_t alpha[REPLAY_MAX]; /* each piece padded to fours */
} Replay;

typedef struct {
    const Shape *outer, *hole;
    const Ink *k;
    bool to_mask;
    Replay *rp;               /* NULL: this shape does not replay */
    int straight0, straight1; /* the straight rows (first > last: none) */
} ShapeJob;

static void paint_runs(ShapeJob *j, const Run *runs, int n, uint32_t *row, uint8_t *mrow, float yc,
                       Replay *rec)
{
    uint16_t al[RUN_MAX + 3];
    for (int i = 0; i < n; i++) {
        const Run *r = runs + i;
        if (r->kind == RUN_FULL) {
            if (j->to_mask)
                memset(mrow + r->x0, 255, (size_t)(r->x1 - r->x0 + 1));
            else
                span(row, r->x0, r->x1 + 1, j->k, j->k->a);
            continue;
        }
        if (r->kind == RUN_FLAT) {
            float cov = coverage(j->outer, j->hole, (float)r->x0 + 0.5f, yc);
            if (cov > 0.0f)
                span(row, r->x0, r->x1 + 1, j->k, cov_alpha(cov, j->k->a));
            continue;
        }
        for (int x = r->x0; x <= r->x1; x += RUN_MAX) {
            int m = r->x1 - x + 1 < RUN_MAX ? r->x1 - x + 1 : RUN_MAX;
            run_alphas(j->outer, j->hole, x, m, yc, j->to_mask ? 255 : j->k->a, al);
            if (j->to_mask) {
                for (int q = 0; q < m; q++)
                    if (al[q] > mrow[x + q])
                        mrow[x + q] = (uint8_t)al[q];
                continue;
            }
            blend_alphas(row, x, m, al, j->k);
            if (rec && rec->n_alpha + round4(m) <= REPLAY_MAX) {
                memcpy(rec->alpha + rec->n_alpha, al, (size_t)round4(m) * sizeof al[0]);
                rec->n_alpha += round4(m);
            } else if (rec) { /* too many edge pixels to keep */
                rec->n_runs = -1, rec = NULL;
            }
        }
    }
}

static void replay_row(const ShapeJob *j, const Replay *rp, uint32_t *row)
{
    const uint16_t *al = rp->alpha;
    for (int i = 0; i < rp->n_runs; i++) {
        const Run *r = rp->runs + i;
        if (r->kind == RUN_FULL) {
            span(row, r->x0, r->x1 + 1, j->k, j->k->a);
            continue;
        }
        for (int x = r->x0; x <= r->x1; x += RUN_MAX) { /* the pieces paint_runs recorded */
            int m = r->x1 - x + 1 < RUN_MAX ? r->x1 - x + 1 : RUN_MAX;
            blend_alphas(row, x, m, al, j->k);
            al += round4(m);
        }
    }
}

static bool row_straight(const ShapeJob *j, int y)
{
    float yc = (float)y + 0.5f;
    return rrect_straight(j->outer, yc) && (!j->hole || rrect_straight(j->hole, yc));
}

/*
 * The straight rows of [ry0, ry1]: the tests only grow stricter with the
 * distance from the centre row, so they form one range, found from its ends.
 */
static void straight_rows(ShapeJob *j, int ry0, int ry1)
{
    int mid = ifloor(j->outer->cy);
    mid = mid < ry0 ? ry0 : mid > ry1 ? ry1 : mid;
    if (!row_straight(j, mid))
        return;
    int s0 = ry0, s1 = ry1;
    while (s0 < mid && !row_straight(j, s0))
        s0++;
    while (s1 > mid && !row_straight(j, s1))
        s1--;
    j->straight0 = s0, j->straight1 = s1;
}

#ifdef __SSE2__
/*
 * A row of a line (a capsule without hole) narrow enough to be all edge:
 * columns [a0, a1] from the cheap bound, coverage and blend four pixels at
 * a time with nothing else to decide. Pixels past a1 get alpha 0.
 */
static void thin_row(const ShapeJob *j, uint32_t *row, uint8_t *mrow, int a0, int a1, float yc)
{
    const __m128 y = _mm_set1_ps(yc), half = _mm_set1_ps(0.5f);
    const __m128 fa = _mm_set1_ps(j->to_mask ? 255.0f : (float)j->k->a);
    const __m128 step = _mm_set_ps(3.5f, 2.5f, 1.5f, 0.5f);
    const __m128i zero = _mm_setzero_si128();
    const __m128i lane = _mm_set_epi32(3, 2, 1, 0);
    const __m128i s16 = _mm_unpacklo_epi8(_mm_set1_epi32((int)j->k->opaque), zero);
    for (int x = a0; x <= a1; x += 4) {
        __m128 cov = coverage4(j->outer, NULL, _mm_add_ps(_mm_set1_ps((float)x), step), y);
        __m128i a = _mm_cvttps_epi32(_mm_add_ps(_mm_mul_ps(cov, fa), half));
        __m128i in = _mm_cmpgt_epi32(_mm_set1_epi32(a1 - x + 1), lane); /* x + lane <= a1 */
        a = _mm_and_si128(a,
                          _mm_and_si128(in, _mm_castps_si128(_mm_cmpgt_ps(cov, _mm_setzero_ps()))));
        a = _mm_packs_epi32(a, a); /* four alphas, 0..256, in 16 bits */
        if (mrow) {
            uint32_t m4;
            memcpy(&m4, mrow + x, 4);
            __m128i m = _mm_max_epu8(_mm_cvtsi32_si128((int)m4), _mm_packus_epi16(a, a));
            m4 = (uint32_t)_mm_cvtsi128_si32(m);
            memcpy(mrow + x, &m4, 4);
            continue;
        }
        blend4(row + x, a, s16);
    }
}
#endif

#ifdef __SSE2__
/* A capsule (a line) alone, on row y: true when this fast path painted the
 * row or found it empty, false when the general path must paint it. */
static bool capsule_row_paint(const Painter *p, ShapeJob *j, int y, float yc, uint32_t *row)
{
    RasterCanvas *cv = p->cv;
    float l, r;
    int a0, a1;
    if (!capsule_row_bound(j->outer, yc, j->outer->r + 0.51f, &l, &r))
        return true;
    to_cols(l, r, p->x0, p->x1 - 1, &a0, &a1);
    if (a0 > a1)
        return true;
    if (a1 - a0 >= THIN_ROW)
        return false;
    uint8_t *mrow = j->to_mask ? cv->mask + (size_t)y * cv->w : NULL;
    if (mrow) {
        cv->span0[y] = a0 < cv->span0[y] ? a0 : cv->span0[y];
        cv->span1[y] = a1 > cv->span1[y] ? a1 : cv->span1[y];
    }
    thin_row(j, row, mrow, a0, a1, yc);
    return true;
}
#endif

/* Paint row y: replayed when it can be, else from its runs (recorded if it is straight). */
static void shape_row_paint(const Painter *p, ShapeJob *j, int y)
{
    RasterCanvas *cv = p->cv;
    float yc = (float)y + 0.5f;
    uint32_t *row = cv->pixels + (size_t)y * cv->w;
#ifdef __SSE2__
    if (!j->hole && j->outer->kind == SH_CAPSULE && capsule_row_paint(p, j, y, yc, row))
        return;
#endif
    bool straight = y >= j->straight0 && y <= j->straight1;
    if (straight && j->rp->n_runs >= 0) {
        replay_row(j, j->rp, row);
        return;
    }
    RowCols c;
    if (!row_cols(p, j->outer, j->hole, yc, &c))
        return;
    uint8_t *mrow = j->to_mask ? cv->mask + (size_t)y * cv->w : NULL;
    if (j->to_mask) {
        if (c.a0 < cv->span0[y])
            cv->span0[y] = c.a0;
        if (c.a1 > cv->span1[y])
            cv->span1[y] = c.a1;
    }
    Run runs[ROW_RUNS], cut[ROW_RUNS];
    int n = row_runs(&c, runs);
    const Run *use = runs;
    if (j->outer->kind == SH_RRECT && !straight && !j->to_mask) {
        int c0, c1;
        rrect_flat(j->outer, yc, c.a0, c.a1, &c0, &c1);
        if (j->hole && c0 <= c1) {
            int h0, h1;
            rrect_flat(j->hole, yc, c0, c1, &h0, &h1);
            c0 = h0, c1 = h1;
        }
        if (c0 <= c1)
            n = cut_flat(runs, n, c0, c1, cut), use = cut;
    }
    Replay *rec = NULL;
    if (straight) {
        rec = j->rp;
        rec->n_runs = n, rec->n_alpha = 0;
        memcpy(rec->runs, use, (size_t)n * sizeof *use);
    }
    paint_runs(j, use, n, row, mrow, yc, rec);
}

/*
 * Paint outer minus hole (hole may be NULL), or with to_mask, max its
 * coverage into the mask instead. Per row: pixels inside the outer shape by
 * half a pixel are full and filled as spans; pixels inside the hole by half a
 * pixel are skipped; only the rest computes distances.
 */
void raster_paint_shape(Painter *p, const Shape *outer, const Shape *hole, const Ink *k,
                        bool to_mask)
{
    float bx0, by0, bx1, by1;
    shape_bounds(outer, &bx0, &by0, &bx1, &by1);
    int ry0 = ifloor(by0 - 0.5f), ry1 = ifloor(by1 + 0.5f);
    if (ry0 < p->y0)
        ry0 = p->y0;
    if (ry1 > p->y1 - 1)
        ry1 = p->y1 - 1;
    Replay rp;
    rp.n_runs = -1;
    bool replays = outer->kind == SH_RRECT && (!hole || hole->kind == SH_RRECT) && !to_mask;
    ShapeJob j = {outer, hole, k, to_mask, replays ? &rp : NULL, 1, 0};
    if (replays)
        straight_rows(&j, ry0, ry1);
    RasterCanvas *cv = p->cv;
    int x0 = ifloor(bx0 - 0.5f), x1 = ifloor(bx1 + 0.5f);
    x0 = x0 < p->x0 ? p->x0 : x0 > p->x1 - 1 ? p->x1 - 1 : x0;
    x1 = x1 < p->x0 ? p->x0 : x1 > p->x1 - 1 ? p->x1 - 1 : x1;
    for (int y = ry0; y <= ry1; y++) {
        if (y + 2 <= ry1) {
            prefetch_row(cv->pixels + (size_t)(y + 2) * cv->w + x0);
            prefetch_row(cv->pixels + (size_t)(y + 2) * cv->w + x1);
        }
        shape_row_paint(p, &j, y);
    }
}
