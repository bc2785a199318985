/* Anti-aliased software rasteriser for draw lists. */
#include "raster.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h> /* translucent spans, four pixels at a time */
#endif

/*
 * Geometry is cut back to the canvas grown by FAR pixels: far-off points
 * never reach the distance maths, where floats would lose the pixel. The
 * cut depends on the canvas only, never on the clip or the band being
 * painted, so every band computes exactly the same shape.
 */
#define FAR 1024.0f

/* A colour ready for blending: channels pre-split, alpha on a 0..256 scale. */
typedef struct {
    uint32_t rb, g; /* 0x00RR00BB, 0x0000GG00 */
    uint32_t opaque;
    unsigned a;
} Ink;

/* Where painting may happen: canvas and clip, [x0, x1) x [y0, y1). */
typedef struct {
    RasterCanvas *cv;
    int x0, y0, x1, y1;
} Painter;

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
} Shape;

static Ink make_ink(DlColor c, float alpha_scale)
{
    Ink k;
    k.rb = ((uint32_t)c.r << 16) | c.b;
    k.g = (uint32_t)c.g << 8;
    k.opaque = 0xFF000000u | k.rb | k.g;
    unsigned a = (unsigned)c.a + (c.a >> 7); /* 255 -> 256 */
    if (alpha_scale < 1.0f)
        a = (unsigned)(a * (alpha_scale > 0.0f ? alpha_scale : 0.0f) + 0.5f);
    k.a = a;
    return k;
}

/* d over src with weight a/256; exact at a = 0 and a = 256. */
static inline uint32_t mix(uint32_t d, const Ink *k, unsigned a)
{
    unsigned ia = 256 - a;
    uint32_t rb = ((k->rb * a + (d & 0xFF00FFu) * ia) >> 8) & 0xFF00FFu;
    uint32_t g = ((k->g * a + (d & 0xFF00u) * ia) >> 8) & 0xFF00u;
    return 0xFF000000u | rb | g;
}

/* Blend a run of pixels at one alpha (0..256). */
static void span(uint32_t *row, int x0, int x1, const Ink *k, unsigned a)
{
    if (a >= 256) {
        for (int x = x0; x < x1; x++)
            row[x] = k->opaque;
        return;
    }
    if (a == 0)
        return;
    int x = x0;
#ifdef __SSE2__
    /* Four pixels at a time in 16-bit lanes: the same formula as mix(), bit for bit. */
    const __m128i zero = _mm_setzero_si128();
    const __m128i s16 = _mm_mullo_epi16(_mm_unpacklo_epi8(_mm_set1_epi32((int)k->opaque), zero),
                                        _mm_set1_epi16((short)a));
    const __m128i ia16 = _mm_set1_epi16((short)(256 - a));
    for (; x + 4 <= x1; x += 4) {
        __m128i d = _mm_loadu_si128((const __m128i *)(row + x));
        __m128i lo = _mm_unpacklo_epi8(d, zero), hi = _mm_unpackhi_epi8(d, zero);
        lo = _mm_srli_epi16(_mm_add_epi16(_mm_mullo_epi16(lo, ia16), s16), 8);
        hi = _mm_srli_epi16(_mm_add_epi16(_mm_mullo_epi16(hi, ia16), s16), 8);
        _mm_storeu_si128((__m128i *)(row + x), _mm_packus_epi16(lo, hi));
    }
#endif
    uint32_t srb = k->rb * a, sg = k->g * a;
    unsigned ia = 256 - a;
    for (; x < x1; x++) {
        uint32_t d = row[x];
        uint32_t rb = ((srb + (d & 0xFF00FFu) * ia) >> 8) & 0xFF00FFu;
        uint32_t g = ((sg + (d & 0xFF00u) * ia) >> 8) & 0xFF00u;
        row[x] = 0xFF000000u | rb | g;
    }
}

static inline unsigned cov_alpha(float cov, unsigned a)
{
    return (unsigned)(cov * (float)a + 0.5f);
}

/* floor() to int, clamped far outside any canvas so huge floats never overflow. */
static inline int ifloor(float v)
{
    if (v < -1e7f)
        return -10000000;
    if (v > 1e7f)
        return 10000000;
    int i = (int)v; /* truncates toward zero; floorf is a library call on baseline x86-64 */
    return i - (v < (float)i);
}

static inline int ceil_i(float v)
{
    return -ifloor(-v);
}

/* Plain comparisons: fminf/fmaxf are library calls without -ffast-math. */
static inline float fmin2(float a, float b)
{
    return a < b ? a : b;
}

static inline float fmax2(float a, float b)
{
    return a > b ? a : b;
}

static inline float clamp01(float v)
{
    return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
}

/*
 * Rows lie a canvas width apart, so each new row of a small shape starts with
 * a cache miss; asking for the row after next early hides most of it.
 */
static inline void prefetch_row(const uint32_t *p)
{
#if defined(__GNUC__)
    __builtin_prefetch(p, 1);
#else
    (void)p;
#endif
}

/* Blend a run at alpha a (0..256), storing directly when opaque: boxes are often a few pixels wide. */
static inline void run(uint32_t *row, int x0, int x1, const Ink *k, unsigned a)
{
    if (a >= 256) {
        for (int x = x0; x < x1; x++)
            row[x] = k->opaque;
    } else {
        span(row, x0, x1, k, a);
    }
}

/*
 * Axis-aligned rect with exact area coverage: partial pixels only on its
 * border. Rows covered top to bottom share their alphas, worked out once.
 */
static void fill_box(Painter *p, float x0, float y0, float x1, float y1, const Ink *k)
{
    int ix0 = ifloor(x0), ix1 = ceil_i(x1), iy0 = ifloor(y0), iy1 = ceil_i(y1);
    if (ix0 < p->x0)
        ix0 = p->x0;
    if (ix1 > p->x1)
        ix1 = p->x1;
    if (iy0 < p->y0)
        iy0 = p->y0;
    if (iy1 > p->y1)
        iy1 = p->y1;
    if (ix0 >= ix1 || iy0 >= iy1 || k->a == 0)
        return;
    float cl = clamp01(fmin2((float)ix0 + 1.0f, x1) - fmax2((float)ix0, x0));
    float cr = clamp01(fmin2((float)ix1, x1) - fmax2((float)ix1 - 1.0f, x0));
    /* Columns s..e-1 take the row's alpha; a partial column on either side its own. */
    int s = ix0, e = ix1;
    bool left = cl < 1.0f, right = false;
    if (left)
        s++;
    if (e > s && cr < 1.0f)
        e--, right = true;
    unsigned full_l = cov_alpha(cl, k->a), full_r = cov_alpha(cr, k->a);
    size_t w = (size_t)p->cv->w;
    uint32_t *row = p->cv->pixels + (size_t)iy0 * w;
    for (int y = iy0; y < iy1; y++, row += w) {
        float cy = clamp01(fmin2((float)y + 1.0f, y1) - fmax2((float)y, y0));
        if (y + 2 < iy1)
            prefetch_row(row + 2 * w + ix0);
        bool full = cy >= 1.0f;
        if (left)
            row[ix0] = mix(row[ix0], k, full ? full_l : cov_alpha(cl * cy, k->a));
        if (right)
            row[e] = mix(row[e], k, full ? full_r : cov_alpha(cr * cy, k->a));
        if (s < e)
            run(row, s, e, k, full ? k->a : cov_alpha(cy, k->a));
    }
}

static Shape rrect_shape(float x, float y, float w, float h, float r)
{
    Shape s = {0};
    s.kind = SH_RRECT;
    s.hx = 0.5f * w, s.hy = 0.5f * h;
    s.cx = x + s.hx, s.cy = y + s.hy;
    s.r = fmin2(fmax2(r, 0.0f), fmin2(s.hx, s.hy));
    return s;
}

static Shape disc_shape(float cx, float cy, float r)
{
    Shape s = {0};
    s.kind = SH_DISC;
    s.cx = cx, s.cy = cy, s.r = r, s.hx = r, s.hy = r;
    return s;
}

static Shape capsule_shape(float ax, float ay, float bx, float by, float r)
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

static void grow(float *lo, float *hi, float v)
{
    if (v < *lo)
        *lo = v;
    if (v > *hi)
        *hi = v;
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
 * Paint outer minus hole (hole may be NULL), or with mask non-NULL, max its
 * coverage into the mask instead. Per row: pixels inside the outer shape by
 * half a pixel are full and filled as spans; pixels inside the hole by half a
 * pixel are skipped; only the rest computes distances.
 */
static void paint_shape(Painter *p, const Shape *outer, const Shape *hole, const Ink *k,
                        bool to_mask)
{
    float bx0, by0, bx1, by1;
    shape_bounds(outer, &bx0, &by0, &bx1, &by1);
    int ry0 = ifloor(by0 - 0.5f), ry1 = ifloor(by1 + 0.5f);
    if (ry0 < p->y0)
        ry0 = p->y0;
    if (ry1 > p->y1 - 1)
        ry1 = p->y1 - 1;
    RasterCanvas *cv = p->cv;
    for (int y = ry0; y <= ry1; y++) {
        float yc = (float)y + 0.5f, l, r;
        int a0, a1, f0 = 1, f1 = 0, h0 = 1, h1 = 0, k0 = 1, k1 = 0;
        if (!shape_row(outer, yc, 0.5f, &l, &r))
            continue;
        to_cols(l, r, p->x0, p->x1 - 1, &a0, &a1);
        if (a0 > a1)
            continue;
        if (shape_row(outer, yc, -0.5f, &l, &r))
            to_cols(l, r, a0, a1, &f0, &f1);
        if (hole && shape_row(hole, yc, 0.5f, &l, &r))
            to_cols(l, r, a0, a1, &h0, &h1);
        if (hole && shape_row(hole, yc, -0.5f, &l, &r))
            to_cols(l, r, a0, a1, &k0, &k1);
        uint32_t *row = cv->pixels + (size_t)y * cv->w;
        uint8_t *mrow = to_mask ? cv->mask + (size_t)y * cv->w : NULL;
        if (y + 2 <= ry1) {
            prefetch_row(row + 2 * cv->w + a0);
            prefetch_row(row + 2 * cv->w + a1);
        }
        if (to_mask) {
            if (a0 < cv->span0[y])
                cv->span0[y] = a0;
            if (a1 > cv->span1[y])
                cv->span1[y] = a1;
        }
        int x = a0;
        while (x <= a1) {
            if (x >= k0 && x <= k1) { /* inside the hole */
                x = k1 + 1;
                continue;
            }
            if (x >= f0 && x <= f1 && !(x >= h0 && x <= h1)) { /* fully covered run */
                int e = (h0 <= h1 && x < h0 && h0 - 1 < f1) ? h0 - 1 : f1;
                if (to_mask)
                    memset(mrow + x, 255, (size_t)(e - x + 1));
                else
                    span(row, x, e + 1, k, k->a);
                x = e + 1;
                continue;
            }
            float xc = (float)x + 0.5f, cov;
            if (hole && outer->kind == SH_DISC) { /* concentric ring: one root */
                float ex = xc - outer->cx, ey = yc - outer->cy;
                float l = sqrtf(ex * ex + ey * ey);
                cov = clamp01(0.5f + outer->r - l) - clamp01(0.5f + hole->r - l);
            } else {
                cov = clamp01(0.5f - shape_sd(outer, xc, yc));
                if (hole)
                    cov -= clamp01(0.5f - shape_sd(hole, xc, yc));
            }
            if (cov > 0.0f) {
                if (to_mask) {
                    unsigned m = (unsigned)(cov * 255.0f + 0.5f);
                    if (m > mrow[x])
                        mrow[x] = (uint8_t)m;
                } else {
                    row[x] = mix(row[x], k, cov_alpha(cov, k->a));
                }
            }
            x++;
        }
    }
}

/*
 * Pull the sides of a box that lie far outside the canvas in to FAR plus
 * margin beyond it: nothing visible changes. The margin must exceed twice
 * the corner radius, so that the shortened box keeps its corner radius.
 */
static void clamp_box(const Painter *p, float margin, float *x, float *y, float *w, float *h)
{
    float x1 = *x + *w, y1 = *y + *h;
    margin += FAR;
    float lo_x = -margin, hi_x = (float)p->cv->w + margin;
    float lo_y = -margin, hi_y = (float)p->cv->h + margin;
    if (*x < lo_x && x1 > lo_x)
        *x = lo_x;
    if (x1 > hi_x && *x < hi_x)
        x1 = hi_x;
    if (*y < lo_y && y1 > lo_y)
        *y = lo_y;
    if (y1 > hi_y && *y < hi_y)
        y1 = hi_y;
    *w = x1 - *x, *h = y1 - *y;
}

static void paint_rect(Painter *p, const DlCmd *c)
{
    if (!(c->w > 0.0f) || !(c->h > 0.0f))
        return;
    Ink k = make_ink(c->color, 1.0f);
    if (c->radius < 0.5f) {
        fill_box(p, c->x, c->y, c->x + c->w, c->y + c->h, &k);
        return;
    }
    float x = c->x, y = c->y, w = c->w, h = c->h;
    clamp_box(p, 2.0f * fmin2(c->radius, 0.5f * fmin2(w, h)) + 2.0f, &x, &y, &w, &h);
    Shape s = rrect_shape(x, y, w, h, c->radius);
    paint_shape(p, &s, NULL, &k, false);
}

static void paint_rect_outline(Painter *p, const DlCmd *c)
{
    float x = c->x, y = c->y, w = c->w, h = c->h, t = c->width;
    if (!(w > 0.0f) || !(h > 0.0f) || !(t > 0.0f))
        return;
    if (2.0f * t >= fmin2(w, h)) {
        paint_rect(p, c);
        return;
    }
    Ink k = make_ink(c->color, 1.0f);
    if (c->radius < 0.5f) { /* four strips that do not overlap */
        fill_box(p, x, y, x + w, y + t, &k);
        fill_box(p, x, y + h - t, x + w, y + h, &k);
        fill_box(p, x, y + t, x + t, y + h - t, &k);
        fill_box(p, x + w - t, y + t, x + w, y + h - t, &k);
        return;
    }
    float r = fmin2(c->radius, 0.5f * fmin2(w, h));
    clamp_box(p, 2.0f * r + t + 2.0f, &x, &y, &w, &h);
    Shape outer = rrect_shape(x, y, w, h, r);
    Shape hole = rrect_shape(x + t, y + t, w - 2 * t, h - 2 * t, fmax2(r - t, 0.0f));
    paint_shape(p, &outer, &hole, &k, false);
}

/* Circles smaller than a pixel keep a pixel-sized footprint and fade by area. */
static void paint_circle(Painter *p, const DlCmd *c)
{
    float r = c->radius;
    if (!(r > 0.0f))
        return;
    Ink k = make_ink(c->color, r < 0.5f ? 4.0f * r * r : 1.0f);
    if (r < 0.5f)
        r = 0.5f;
    Shape s = disc_shape(c->x, c->y, r);
    paint_shape(p, &s, NULL, &k, false);
}

static void paint_circle_outline(Painter *p, const DlCmd *c)
{
    float r = c->radius, t = c->width;
    if (!(r > 0.0f) || !(t > 0.0f))
        return;
    if (t >= r) {
        paint_circle(p, c);
        return;
    }
    Ink k = make_ink(c->color, 1.0f);
    float ri = r - t;
    Shape outer = disc_shape(c->x, c->y, r);
    Shape hole = disc_shape(c->x, c->y, ri);
    paint_shape(p, &outer, &hole, &k, false);
}

/* Cut a segment to the canvas grown by margin (Liang-Barsky); false if nothing is left. */
static bool clip_segment(const Painter *p, float margin, float *x0, float *y0, float *x1, float *y1)
{
    float dx = *x1 - *x0, dy = *y1 - *y0, t0 = 0.0f, t1 = 1.0f;
    float w = (float)p->cv->w, h = (float)p->cv->h;
    margin += FAR;
    const float q[4] = {*x0 + margin, (w + margin) - *x0, *y0 + margin, (h + margin) - *y0};
    const float pp[4] = {-dx, dx, -dy, dy};
    for (int i = 0; i < 4; i++) {
        if (pp[i] == 0.0f) {
            if (q[i] < 0.0f)
                return false;
            continue;
        }
        float t = q[i] / pp[i];
        if (pp[i] < 0.0f)
            t0 = t > t0 ? t : t0;
        else
            t1 = t < t1 ? t : t1;
    }
    if (t0 > t1)
        return false;
    float ax = *x0 + t0 * dx, ay = *y0 + t0 * dy;
    *x1 = *x0 + t1 * dx, *y1 = *y0 + t1 * dy;
    *x0 = ax, *y0 = ay;
    return true;
}

/* Lines thinner than a pixel are drawn a pixel wide and faded by their width. */
static float stroke_radius(float width, float *alpha_scale)
{
    *alpha_scale = width < 1.0f ? fmax2(width, 0.0f) : 1.0f;
    return width < 1.0f ? 0.5f : 0.5f * width;
}

static void paint_line(Painter *p, const DlCmd *c)
{
    float fade;
    float r = stroke_radius(c->width, &fade);
    if (!(c->width > 0.0f))
        return;
    Ink k = make_ink(c->color, fade);
    float x0 = c->x, y0 = c->y, x1 = c->x1, y1 = c->y1;
    if (!clip_segment(p, r + 2.0f, &x0, &y0, &x1, &y1))
        return;
    Shape s = capsule_shape(x0, y0, x1, y1, r);
    paint_shape(p, &s, NULL, &k, false);
}

/*
 * Blend one row of a coverage mask (m indexed by canvas column) in colour k:
 * a = coverage * alpha, then mix(). Branch-free, four pixels at a time:
 * glyph edges make a per-pixel branch mispredict half the time.
 */
static void blit_mask_row(uint32_t *row, const uint8_t *m, int x0, int x1, const Ink *k)
{
    int x = x0;
#ifdef __SSE2__
    const __m128i zero = _mm_setzero_si128();
    const __m128i s16 = _mm_unpacklo_epi8(_mm_set1_epi32((int)k->opaque), zero);
    const __m128i ka = _mm_set1_epi16((short)(k->a << 8)); /* used only when k->a < 256 */
    const __m128i c256 = _mm_set1_epi16(256);
    for (; x + 4 <= x1; x += 4) {
        uint64_t m8 = 1;
        if (x + 8 <= x1)
            memcpy(&m8, m + x, 8);
        if (!m8) { /* blank stretch: skip eight */
            x += 4;
            continue;
        }
        uint32_t m4;
        memcpy(&m4, m + x, 4);
        if (!m4)
            continue;
        __m128i mm = _mm_unpacklo_epi8(_mm_cvtsi32_si128((int)m4), zero);
        mm = _mm_add_epi16(mm, _mm_srli_epi16(mm, 7));          /* 0..256 */
        __m128i a = k->a >= 256 ? mm : _mm_mulhi_epu16(mm, ka); /* (mm * ka) >> 8 */
        __m128i a2 = _mm_unpacklo_epi16(a, a);
        __m128i alo = _mm_unpacklo_epi32(a2, a2), ahi = _mm_unpackhi_epi32(a2, a2);
        __m128i d = _mm_loadu_si128((const __m128i *)(row + x));
        __m128i lo = _mm_unpacklo_epi8(d, zero), hi = _mm_unpackhi_epi8(d, zero);
        lo =
            _mm_add_epi16(_mm_mullo_epi16(s16, alo), _mm_mullo_epi16(lo, _mm_sub_epi16(c256, alo)));
        hi =
            _mm_add_epi16(_mm_mullo_epi16(s16, ahi), _mm_mullo_epi16(hi, _mm_sub_epi16(c256, ahi)));
        lo = _mm_srli_epi16(lo, 8);
        hi = _mm_srli_epi16(hi, 8);
        _mm_storeu_si128((__m128i *)(row + x), _mm_packus_epi16(lo, hi));
    }
#endif
    for (; x < x1; x++) {
        unsigned a = m[x];
        if (!a)
            continue;
        a = ((a + (a >> 7)) * k->a) >> 8;
        row[x] = mix(row[x], k, a);
    }
}

/*
 * A polyline is the union of its capsules: coverage goes into the mask as a
 * per-pixel maximum, then blends once, so translucent joints do not darken.
 */
static void paint_polyline(Painter *p, const DlCmd *c)
{
    if (!(c->width > 0.0f) || c->n_points < 2)
        return;
    float fade;
    float r = stroke_radius(c->width, &fade);
    Ink k = make_ink(c->color, fade);
    RasterCanvas *cv = p->cv;
    int ry0 = INT_MAX, ry1 = INT_MIN;
    for (int i = 0; i + 1 < c->n_points; i++) {
        const float *q = c->points + 2 * i;
        float ax = q[0], ay = q[1], bx = q[2], by = q[3];
        if (!clip_segment(p, r + 2.0f, &ax, &ay, &bx, &by))
            continue;
        Shape s = capsule_shape(ax, ay, bx, by, r);
        paint_shape(p, &s, NULL, &k, true);
        int y0 = ifloor(fmin2(ay, by) - r - 1.0f), y1 = ceil_i(fmax2(ay, by) + r + 1.0f);
        if (y0 < ry0)
            ry0 = y0;
        if (y1 > ry1)
            ry1 = y1;
    }
    if (ry0 < p->y0)
        ry0 = p->y0;
    if (ry1 > p->y1 - 1)
        ry1 = p->y1 - 1;
    for (int y = ry0; y <= ry1; y++) {
        if (cv->span0[y] > cv->span1[y])
            continue;
        uint32_t *row = cv->pixels + (size_t)y * cv->w;
        uint8_t *mrow = cv->mask + (size_t)y * cv->w;
        blit_mask_row(row, mrow, cv->span0[y], cv->span1[y] + 1, &k);
        memset(mrow + cv->span0[y], 0, (size_t)(cv->span1[y] - cv->span0[y] + 1));
        cv->span0[y] = INT_MAX;
        cv->span1[y] = -1;
    }
}

static void paint_text(Painter *p, const DlCmd *c, Fonts *fonts)
{
    if (!fonts || !c->text[0] || c->color.a == 0)
        return;
    /* Cull before rasterising: text far off-screen is never rendered. */
    float lh = fonts_line_height(fonts, c->font, c->size_px);
    if (c->y >= (float)p->y1 || c->y + lh <= (float)p->y0)
        return;
    float tw = fonts_text_width(fonts, c->font, c->size_px, c->text);
    float x = c->x - (c->align == DL_ALIGN_CENTER  ? 0.5f * tw
                      : c->align == DL_ALIGN_RIGHT ? tw
                                                   : 0);
    if (x >= (float)p->x1 || x + tw + 2.0f <= (float)p->x0)
        return;
    const FontsText *t = fonts_text(fonts, c->font, c->size_px, c->text);
    if (!t)
        return;
    /* Re-anchor on the mask's own width, then snap to whole pixels. */
    x = c->x - (c->align == DL_ALIGN_CENTER  ? 0.5f * (float)t->w
                : c->align == DL_ALIGN_RIGHT ? (float)t->w
                                             : 0.0f);
    int ox = ifloor(x + 0.5f), oy = ifloor(c->y + 0.5f);
    int x0 = ox + t->ink_x0, x1 = ox + t->ink_x1, y0 = oy + t->ink_y0, y1 = oy + t->ink_y1;
    x0 = x0 > p->x0 ? x0 : p->x0, x1 = x1 < p->x1 ? x1 : p->x1;
    y0 = y0 > p->y0 ? y0 : p->y0, y1 = y1 < p->y1 ? y1 : p->y1;
    Ink k = make_ink(c->color, 1.0f);
    for (int y = y0; y < y1; y++) {
        uint32_t *row = p->cv->pixels + (size_t)y * p->cv->w;
        const uint8_t *m = t->alpha + (size_t)(y - oy) * t->w - ox;
        if (y + 2 < y1)
            prefetch_row(row + 2 * p->cv->w + x0);
        blit_mask_row(row, m, x0, x1, &k);
    }
}

/* The clip a clip command sets, within the band [band_y0, band_y1). */
static void set_clip(Painter *p, const DlCmd *c, int band_y0, int band_y1)
{
    RasterCanvas *cv = p->cv;
    p->x0 = 0, p->y0 = band_y0, p->x1 = cv->w, p->y1 = band_y1;
    if (c->has_clip) {
        int x0 = ifloor(c->clip_x0 + 0.5f), x1 = ifloor(c->clip_x1 + 0.5f);
        int y0 = ifloor(c->clip_y0 + 0.5f), y1 = ifloor(c->clip_y1 + 0.5f);
        p->x0 = x0 > 0 ? x0 : 0;
        p->x1 = x1 < cv->w ? x1 : cv->w;
        p->y0 = y0 > band_y0 ? y0 : band_y0;
        p->y1 = y1 < band_y1 ? y1 : band_y1;
    }
    if (p->x1 < p->x0)
        p->x1 = p->x0;
    if (p->y1 < p->y0)
        p->y1 = p->y0;
}

/* Rows a command may touch (generous: only for skipping it in other bands). */
static void cmd_rows(const DlCmd *c, float *y0, float *y1)
{
    float pad = 2.0f;
    switch (c->kind) {
    case DL_CMD_RECT:
    case DL_CMD_RECT_OUTLINE:
        *y0 = c->y, *y1 = c->y + c->h;
        break;
    case DL_CMD_LINE:
        pad += 0.5f * c->width;
        *y0 = fmin2(c->y, c->y1), *y1 = fmax2(c->y, c->y1);
        break;
    case DL_CMD_CIRCLE:
    case DL_CMD_CIRCLE_OUTLINE:
        *y0 = c->y - c->radius, *y1 = c->y + c->radius;
        break;
    case DL_CMD_POLYLINE:
        pad += 0.5f * c->width;
        *y0 = *y1 = c->points[1];
        for (int i = 1; i < c->n_points; i++)
            grow(y0, y1, c->points[2 * i + 1]);
        break;
    case DL_CMD_TEXT: /* DejaVu's line box is under 1.2 em; any descent fits in 2 em */
        *y0 = c->y, *y1 = c->y + 2.0f * c->size_px;
        break;
    default:
        *y0 = -INFINITY, *y1 = INFINITY;
        return;
    }
    *y0 -= pad, *y1 += pad;
}

static void paint_cmd(Painter *p, const DlCmd *c, Fonts *fonts)
{
    switch (c->kind) {
    case DL_CMD_RECT:
        paint_rect(p, c);
        break;
    case DL_CMD_RECT_OUTLINE:
        paint_rect_outline(p, c);
        break;
    case DL_CMD_LINE:
        paint_line(p, c);
        break;
    case DL_CMD_CIRCLE:
        paint_circle(p, c);
        break;
    case DL_CMD_CIRCLE_OUTLINE:
        paint_circle_outline(p, c);
        break;
    case DL_CMD_POLYLINE:
        paint_polyline(p, c);
        break;
    case DL_CMD_TEXT:
        paint_text(p, c, fonts);
        break;
    case DL_CMD_CLIP_PUSH:
    case DL_CMD_CLIP_POP:
        break; /* the caller keeps the clip */
    }
}

/*
 * Rows per band: about 192 KiB of canvas, so that the overdraw of a frame
 * (background, panels, nodes, text on top) stays in the L2 cache and memory
 * sees each pixel written about once.
 */
static int band_rows(int w)
{
    int rows = (192 * 1024) / (4 * (w > 0 ? w : 1));
    return rows < 8 ? 8 : rows;
}

/*
 * Commands are sized up once per paint, CHUNK at a time on the stack, not
 * once per band: a band then skips a command with two integer compares.
 * Every band paints one chunk before the next, so each pixel still sees the
 * commands in list order.
 */
#define CHUNK 1024
#define SKIP_ROW INT_MAX /* r0 of a command no band paints */

typedef struct {
    const DlCmd *cmd[CHUNK];
    int r0[CHUNK], r1[CHUNK]; /* rows the command may touch, inclusive */
    int n;
} Chunk;

static int row_of(float v)
{
    return v < -1e7f ? -10000000 : v > 1e7f ? 10000000 : ifloor(v);
}

static void chunk_load(Chunk *ch, const DrawList *dl, int i0, int n, int canvas_h)
{
    ch->n = n - i0 < CHUNK ? n - i0 : CHUNK;
    for (int j = 0; j < ch->n; j++) {
        const DlCmd *c = dl_cmd(dl, i0 + j);
        ch->cmd[j] = c;
        if (c->kind == DL_CMD_CLIP_PUSH || c->kind == DL_CMD_CLIP_POP) {
            ch->r0[j] = INT_MIN, ch->r1[j] = INT_MAX;
            continue;
        }
        float y0, y1;
        cmd_rows(c, &y0, &y1);
        ch->r0[j] = row_of(y0), ch->r1[j] = row_of(y1) + 1;
        if (c->color.a == 0 || ch->r1[j] < 0 || ch->r0[j] >= canvas_h)
            ch->r0[j] = SKIP_ROW;
    }
}

/* The fill raster_clear asked for, done band by band while the band is in cache. */
static void clear_rows(RasterCanvas *cv, int y0, int y1)
{
    uint32_t v = cv->clear_argb, *px = cv->pixels + (size_t)y0 * cv->w;
    size_t n = (size_t)(y1 - y0) * (size_t)cv->w;
    for (size_t i = 0; i < n; i++)
        px[i] = v;
}

/* One chunk over one band; clip is the clip command in force at the chunk's start (or NULL). */
static void paint_chunk_band(RasterCanvas *cv, const Chunk *ch, const DlCmd *clip, int by0,
                             int by1, Fonts *fonts)
{
    Painter p = {cv, 0, by0, cv->w, by1};
    if (clip)
        set_clip(&p, clip, by0, by1);
    for (int j = 0; j < ch->n; j++) {
        if (ch->r1[j] < p.y0 || ch->r0[j] >= p.y1)
            continue;
        const DlCmd *c = ch->cmd[j];
        if (c->kind == DL_CMD_CLIP_PUSH || c->kind == DL_CMD_CLIP_POP) {
            set_clip(&p, c, by0, by1);
            continue;
        }
        if (p.x0 < p.x1)
            paint_cmd(&p, c, fonts);
    }
}

int raster_paint(RasterCanvas *cv, const DrawList *dl, Fonts *fonts)
{
    Chunk ch;
    int n = dl_count(dl), band = band_rows(cv->w);
    const DlCmd *clip = NULL;
    for (int i0 = 0; i0 == 0 || i0 < n; i0 += CHUNK) {
        chunk_load(&ch, dl, i0, n, cv->h);
        for (int by0 = 0; by0 < cv->h; by0 += band) {
            int by1 = by0 + band < cv->h ? by0 + band : cv->h;
            if (i0 == 0 && cv->clear_pending)
                clear_rows(cv, by0, by1);
            paint_chunk_band(cv, &ch, clip, by0, by1, fonts);
        }
        for (int j = 0; j < ch.n; j++)
            if (ch.cmd[j]->kind == DL_CMD_CLIP_PUSH || ch.cmd[j]->kind == DL_CMD_CLIP_POP)
                clip = ch.cmd[j];
    }
    cv->clear_pending = false;
    return 0;
}

int raster_render(RasterCanvas *cv, const DrawList *dl, Fonts *fonts, DlColor bg)
{
    const DlCmd *c = dl_count(dl) > 0 ? dl_cmd(dl, 0) : NULL;
    bool covered = c && c->kind == DL_CMD_RECT && c->color.a == 255 && c->radius < 0.5f &&
                   c->x <= 0.0f && c->y <= 0.0f && c->x + c->w >= (float)cv->w &&
                   c->y + c->h >= (float)cv->h;
    if (covered)
        cv->clear_pending = false;
    else
        raster_clear(cv, bg);
    return raster_paint(cv, dl, fonts);
}

void raster_clear(RasterCanvas *cv, DlColor bg)
{
    cv->clear_argb = raster_argb(bg);
    cv->clear_pending = true;
}

static int alloc_buffers(RasterCanvas *cv, int w, int h)
{
    size_t n = (size_t)w * (size_t)h;
    if (n <= cv->cap_px && h <= cv->cap_h)
        return 0;
    size_t cap = n > cv->cap_px ? n : cv->cap_px;
    int cap_h = h > cv->cap_h ? h : cv->cap_h;
    uint32_t *px = malloc(cap * sizeof *px);
    uint8_t *mask = calloc(cap, 1);
    int *s0 = malloc((size_t)cap_h * sizeof *s0), *s1 = malloc((size_t)cap_h * sizeof *s1);
    if (!px || !mask || !s0 || !s1) {
        free(px), free(mask), free(s0), free(s1);
        return -1;
    }
    for (int i = 0; i < cap_h; i++)
        s0[i] = INT_MAX, s1[i] = -1;
    free(cv->pixels), free(cv->mask), free(cv->span0), free(cv->span1);
    cv->pixels = px, cv->mask = mask, cv->span0 = s0, cv->span1 = s1;
    cv->cap_px = cap, cv->cap_h = cap_h;
    return 0;
}

int raster_canvas_resize(RasterCanvas *cv, int w, int h)
{
    if (w < 1 || h < 1 || w > RASTER_MAX_SIDE || h > RASTER_MAX_SIDE)
        return -1;
    if (alloc_buffers(cv, w, h) != 0)
        return -1;
    cv->w = w, cv->h = h;
    return 0;
}

RasterCanvas *raster_canvas_create(int w, int h)
{
    RasterCanvas *cv = calloc(1, sizeof *cv);
    if (!cv)
        return NULL;
    if (raster_canvas_resize(cv, w, h) != 0) {
        raster_canvas_destroy(cv);
        return NULL;
    }
    return cv;
}

void raster_canvas_destroy(RasterCanvas *cv)
{
    if (!cv)
        return;
    free(cv->pixels);
    free(cv->mask);
    free(cv->span0);
    free(cv->span1);
    free(cv);
}
