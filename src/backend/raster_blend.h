/*
 * Private to the rasteriser (raster.c, raster_box.c, raster_shape.c): the
 * painter, colours ready for blending, blending spans and runs of alphas
 * onto a row, and the small numeric helpers every part shares. All static
 * inline, so the inner loops of each part stay inlined.
 */
#ifndef RNNVIZ_RASTER_BLEND_H
#define RNNVIZ_RASTER_BLEND_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __SSE2__
#include <emmintrin.h> /* blending, four pixels at a time */
#endif

#include "raster.h"

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

static inline Ink make_ink(DlColor c, float alpha_scale)
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
static inline void span(uint32_t *row, int x0, int x1, const Ink *k, unsigned a)
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
#ifdef __SSE2__
/* Four pixels at px toward the colour s16 (its bytes widened to 16 bits),
 * each by its own alpha 0..256 in the low four 16-bit lanes of a:
 * d = (s * a + d * (256 - a)) >> 8. The one blend every SSE2 path uses. */
static inline void blend4(uint32_t *px, __m128i a, __m128i s16)
{
    const __m128i zero = _mm_setzero_si128(), c256 = _mm_set1_epi16(256);
    __m128i a2 = _mm_unpacklo_epi16(a, a);
    __m128i alo = _mm_unpacklo_epi32(a2, a2), ahi = _mm_unpackhi_epi32(a2, a2);
    __m128i d = _mm_loadu_si128((const __m128i *)px);
    __m128i lo = _mm_unpacklo_epi8(d, zero), hi = _mm_unpackhi_epi8(d, zero);
    lo = _mm_add_epi16(_mm_mullo_epi16(s16, alo), _mm_mullo_epi16(lo, _mm_sub_epi16(c256, alo)));
    hi = _mm_add_epi16(_mm_mullo_epi16(s16, ahi), _mm_mullo_epi16(hi, _mm_sub_epi16(c256, ahi)));
    _mm_storeu_si128((__m128i *)px, _mm_packus_epi16(_mm_srli_epi16(lo, 8), _mm_srli_epi16(hi, 8)));
}
#endif

static inline void blend_alphas(uint32_t *row, int x, int n, const uint16_t *al, const Ink *k)
{
#ifdef __SSE2__
    const __m128i zero = _mm_setzero_si128();
    const __m128i s16 = _mm_unpacklo_epi8(_mm_set1_epi32((int)k->opaque), zero);
    for (int i = 0; i < n; i += 4) {
        __m128i a = _mm_loadl_epi64((const __m128i *)(al + i));
        blend4(row + x + i, a, s16);
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

static inline void grow(float *lo, float *hi, float v)
{
    if (v < *lo)
        *lo = v;
    if (v > *hi)
        *hi = v;
}

#endif
