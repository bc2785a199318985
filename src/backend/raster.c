/* Anti-aliased software rasteriser for draw lists. */
#include "raster.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h> /* coverage and blending, four pixels at a time */
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
    float inv_dy;           /* capsule: 1/dy (0 when dy is ~0) */
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

/* Store the opaque colour over [x0, x1): sixteen pixels a turn, then four. */
static inline void fill(uint32_t *row, int x0, int x1, uint32_t v)
{
    int x = x0;
#ifdef __SSE2__
    const __m128i v4 = _mm_set1_epi32((int)v);
    for (; x + 16 <= x1; x += 16) {
        _mm_storeu_si128((__m128i *)(row + x), v4);
        _mm_storeu_si128((__m128i *)(row + x + 4), v4);
        _mm_storeu_si128((__m128i *)(row + x + 8), v4);
        _mm_storeu_si128((__m128i *)(row + x + 12), v4);
    }
    for (; x + 4 <= x1; x += 4)
        _mm_storeu_si128((__m128i *)(row + x), v4);
#endif
    for (; x < x1; x++)
        row[x] = v;
}

/* Blend a run of pixels at one alpha (0..256). */
static void span(uint32_t *row, int x0, int x1, const Ink *k, unsigned a)
{
    if (a >= 256) {
        fill(row, x0, x1, k->opaque);
        return;
    }
    if (a == 0)
        return;
    int x = x0;
#ifdef __SSE2__
    /* Four pixels at a time in 16-bit lanes: the same formula as mix(), bit for bit. */
    if (x1 - x0 >= 4) {
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

/*
 * Edge pixels are worked out at most RUN_MAX at a time, four at a time, into
 * alpha buffers padded with zeros to a multiple of four. Blending a padded
 * group rewrites the pixels past the run unchanged: the canvas and mask
 * buffers have PAD_PX spare pixels after their end so that this never
 * leaves them.
 */
#define RUN_MAX 64
#define PAD_PX 3

static inline int round4(int n)
{
    return (n + 3) & ~3;
}

/*
 * row[x + i] = mix(row[x + i], k, al[i]) for i < n, al being padded with
 * zeros to round4(n): whole groups of four, the padding blending to no change.
 */
static void blend_alphas(uint32_t *row, int x, int n, const uint16_t *al, const Ink *k)
{
#ifdef __SSE2__
    const __m128i zero = _mm_setzero_si128(), c256 = _mm_set1_epi16(256);
    const __m128i s16 = _mm_unpacklo_epi8(_mm_set1_epi32((int)k->opaque), zero);
    for (int i = 0; i < n; i += 4) {
        __m128i a = _mm_loadl_epi64((const __m128i *)(al + i));
        __m128i a2 = _mm_unpacklo_epi16(a, a);
        __m128i alo = _mm_unpacklo_epi32(a2, a2), ahi = _mm_unpackhi_epi32(a2, a2);
        __m128i d = _mm_loadu_si128((const __m128i *)(row + x + i));
        __m128i lo = _mm_unpacklo_epi8(d, zero), hi = _mm_unpackhi_epi8(d, zero);
        lo =
            _mm_add_epi16(_mm_mullo_epi16(s16, alo), _mm_mullo_epi16(lo, _mm_sub_epi16(c256, alo)));
        hi =
            _mm_add_epi16(_mm_mullo_epi16(s16, ahi), _mm_mullo_epi16(hi, _mm_sub_epi16(c256, ahi)));
        lo = _mm_srli_epi16(lo, 8);
        hi = _mm_srli_epi16(hi, 8);
        _mm_storeu_si128((__m128i *)(row + x + i), _mm_packus_epi16(lo, hi));
    }
#else
    for (int i = 0; i < n; i++)
        if (al[i])
            row[x + i] = mix(row[x + i], k, al[i]);
#endif
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

/* Columns of a box row: a partial column on either side, [s, e) between them. */
typedef struct {
    int ix0, s, e;
    bool left, right;
} BoxCols;

/* One row of a box at alphas al (left column), ar (right column), am (between). */
static inline void box_row(uint32_t *row, const BoxCols *b, unsigned al, unsigned ar, unsigned am,
                           const Ink *k)
{
    if (b->left)
        row[b->ix0] = mix(row[b->ix0], k, al);
    if (b->right)
        row[b->e] = mix(row[b->e], k, ar);
    if (b->s < b->e)
        span(row, b->s, b->e, k, am);
}

#ifdef __SSE2__
/* Four pixels blended at four fixed alphas: mix() in 16-bit lanes, factors precomputed. */
typedef struct {
    __m128i sa_lo, sa_hi, ia_lo, ia_hi; /* colour * a, 256 - a: pixels 0-1, 2-3 */
} Group4;

static inline Group4 group4(const uint16_t *al, const Ink *k)
{
    const __m128i zero = _mm_setzero_si128(), c256 = _mm_set1_epi16(256);
    const __m128i s16 = _mm_unpacklo_epi8(_mm_set1_epi32((int)k->opaque), zero);
    __m128i a = _mm_loadl_epi64((const __m128i *)al);
    __m128i a2 = _mm_unpacklo_epi16(a, a);
    __m128i alo = _mm_unpacklo_epi32(a2, a2), ahi = _mm_unpackhi_epi32(a2, a2);
    Group4 g = {_mm_mullo_epi16(s16, alo), _mm_mullo_epi16(s16, ahi), _mm_sub_epi16(c256, alo),
                _mm_sub_epi16(c256, ahi)};
    return g;
}

static inline void blend_group(uint32_t *p, const Group4 *g)
{
    const __m128i zero = _mm_setzero_si128();
    __m128i d = _mm_loadu_si128((const __m128i *)p);
    __m128i lo = _mm_unpacklo_epi8(d, zero), hi = _mm_unpackhi_epi8(d, zero);
    lo = _mm_srli_epi16(_mm_add_epi16(_mm_mullo_epi16(lo, g->ia_lo), g->sa_lo), 8);
    hi = _mm_srli_epi16(_mm_add_epi16(_mm_mullo_epi16(hi, g->ia_hi), g->sa_hi), 8);
    _mm_storeu_si128((__m128i *)p, _mm_packus_epi16(lo, hi));
}
#endif

/* The alphas of a box row from ix0 on, cut by cy; zero up to a multiple of four. */
static int box_alphas(const BoxCols *b, float cl, float cr, float cy, const Ink *k, uint16_t *al)
{
    bool full = cy >= 1.0f;
    int n = 0;
    if (b->left)
        al[n++] = (uint16_t)(full ? cov_alpha(cl, k->a) : cov_alpha(cl * cy, k->a));
    for (int x = b->s; x < b->e; x++)
        al[n++] = (uint16_t)(full ? k->a : cov_alpha(cy, k->a));
    if (b->right)
        al[n++] = (uint16_t)(full ? cov_alpha(cr, k->a) : cov_alpha(cr * cy, k->a));
    for (int i = n; i < round4(n); i++)
        al[i] = 0;
    return n;
}

/*
 * A box at most NARROW_BOX columns wide (heat-map cells, bars): each row is
 * a group or few of four pixels blended at once, the alphas worked out once
 * for the whole rows and once for each cut end row; the same pixels as the
 * wide path, from the same alphas.
 */
#define NARROW_BOX 16

static void narrow_box(Painter *p, const BoxCols *b, int iy0, int iy1, float y0, float y1, float cl,
                       float cr, const Ink *k)
{
    uint16_t al[NARROW_BOX + 4] = {0}; /* room for a second group read whole */
    size_t w = (size_t)p->cv->w;
    uint32_t *px = p->cv->pixels;
    for (int end = 0; end < 2 && iy0 < iy1; end++) {
        int y = end ? iy1 - 1 : iy0;
        float cy = clamp01(fmin2((float)y + 1.0f, y1) - fmax2((float)y, y0));
        if (cy >= 1.0f)
            continue;
        int n = box_alphas(b, cl, cr, cy, k, al);
        blend_alphas(px + (size_t)y * w, b->ix0, n, al, k);
        if (end)
            iy1--;
        else
            iy0++;
    }
    int n = box_alphas(b, cl, cr, 1.0f, k, al);
    uint32_t *row = px + (size_t)iy0 * w + b->ix0;
#ifdef __SSE2__
    if (n <= 8) { /* one or two groups, their factors kept in registers down the rows */
        Group4 g0 = group4(al, k), g1 = group4(al + 4, k);
        for (int y = iy0; y < iy1; y++, row += w) {
            blend_group(row, &g0);
            if (n > 4)
                blend_group(row + 4, &g1);
        }
        return;
    }
#endif
    for (int y = iy0; y < iy1; y++, row += w)
        blend_alphas(row, 0, n, al, k);
}

/*
 * Axis-aligned rect with exact area coverage: partial pixels only on its
 * border. The rows strictly inside share their alphas, worked out once.
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
    BoxCols b = {ix0, ix0, ix1, cl < 1.0f, false};
    if (b.left)
        b.s++;
    if (b.e > b.s && cr < 1.0f)
        b.e--, b.right = true;
    size_t w = (size_t)p->cv->w;
    uint32_t *px = p->cv->pixels;
    if (ix1 - ix0 <= NARROW_BOX) {
        narrow_box(p, &b, iy0, iy1, y0, y1, cl, cr, k);
        return;
    }
    /* The first and last rows may be cut; those between are whole. */
    for (int end = 0; end < 2 && iy0 < iy1; end++) {
        int y = end ? iy1 - 1 : iy0;
        float cy = clamp01(fmin2((float)y + 1.0f, y1) - fmax2((float)y, y0));
        if (cy >= 1.0f)
            continue;
        box_row(px + (size_t)y * w, &b, cov_alpha(cl * cy, k->a), cov_alpha(cr * cy, k->a),
                cov_alpha(cy, k->a), k);
        if (end)
            iy1--;
        else
            iy0++;
    }
    unsigned al = cov_alpha(cl, k->a), ar = cov_alpha(cr, k->a);
    uint32_t *row = px + (size_t)iy0 * w;
    for (int y = iy0; y < iy1; y++, row += w) {
        if (y + 2 < iy1)
            prefetch_row(row + 2 * w + ix0);
        box_row(row, &b, al, ar, k->a, k);
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
    const __m128i zero = _mm_setzero_si128(), c256 = _mm_set1_epi16(256);
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
    /*
     * Cull before rasterising: text far off-screen is never rendered. The
     * ink may reach below the line height (and the mask is placed at
     * y rounded), so the bound is cmd_rows' two em.
     */
    if (c->y >= (float)p->y1 || c->y + 2.0f * c->size_px + 1.0f <= (float)p->y0)
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
 * sees each pixel written about once; but at least 48 rows (368 KiB at
 * 1920 wide, still within L2), since every band pays for walking the list
 * and for starting each shape afresh.
 */
static int band_rows(int w)
{
    int rows = (192 * 1024) / (4 * (w > 0 ? w : 1));
    return rows < 48 ? 48 : rows;
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
        ch->r0[j] = ifloor(y0), ch->r1[j] = ifloor(y1) + 1;
        if (c->color.a == 0 || ch->r1[j] < 0 || ch->r0[j] >= canvas_h)
            ch->r0[j] = SKIP_ROW;
    }
}

/* The fill raster_clear asked for, done band by band while the band is in cache. */
static void clear_rows(RasterCanvas *cv, int y0, int y1)
{
    fill(cv->pixels + (size_t)y0 * cv->w, 0, (y1 - y0) * cv->w, cv->clear_argb);
}

/* One chunk over one band; clip is the clip command in force at the chunk's start (or NULL). */
static void paint_chunk_band(RasterCanvas *cv, const Chunk *ch, const DlCmd *clip, int by0, int by1,
                             Fonts *fonts)
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
    uint32_t *px = malloc((cap + PAD_PX) * sizeof *px);
    uint8_t *mask = calloc(cap + PAD_PX, 1);
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
