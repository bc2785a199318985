/* Axis-aligned boxes: exact area coverage, whole spans filled. */
#include "raster_shape.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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
void raster_fill_box(Painter *p, float x0, float y0, float x1, float y1, const Ink *k)
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
