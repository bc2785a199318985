/* The software rasteriser, pixel by pixel: exact opaque rects, area coverage
 * on fractional edges, circles, rings, round-capped lines, polylines without
 * double-blended joints, alpha blending, clipping; and the fonts behind its
 * text: glyph coverage of the lessons' symbols, measuring, the text cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drawlist.h"
#include "fonts.h"
#include "raster.h"

static const DlColor black = {0, 0, 0, 255};
static const DlColor white = {255, 255, 255, 255};
static const DlColor red = {255, 0, 0, 255};

typedef struct {
    DrawList *dl;
    RasterCanvas *cv;
    Fonts *fonts;
} Fixture;

static int setup(void **state)
{
    static Fixture fx;
    FontsError err = {{0}};
    fx.dl = dl_create(20000, 1 << 20, 1000);
    fx.cv = raster_canvas_create(100, 100);
    fx.fonts = fonts_create(NULL, &err);
    if (!fx.fonts)
        fprintf(stderr, "%s\n", err.msg);
    *state = &fx;
    return fx.dl && fx.cv && fx.fonts ? 0 : -1;
}

static int teardown(void **state)
{
    Fixture *fx = *state;
    dl_destroy(fx->dl);
    raster_canvas_destroy(fx->cv);
    fonts_destroy(fx->fonts);
    return 0;
}

/* Fresh black canvas and empty list for each test. */
static Fixture *fresh(void **state)
{
    Fixture *fx = *state;
    dl_clear(fx->dl);
    raster_canvas_resize(fx->cv, 100, 100);
    raster_clear(fx->cv, black);
    return fx;
}

static uint32_t px(const Fixture *fx, int x, int y)
{
    return fx->cv->pixels[(size_t)y * fx->cv->w + x];
}

static int chan_r(uint32_t p)
{
    return (int)((p >> 16) & 0xFF);
}

static int chan_g(uint32_t p)
{
    return (int)((p >> 8) & 0xFF);
}

static void assert_near(int got, int want, int tol, const char *what, int x, int y)
{
    if (abs(got - want) > tol)
        fail_msg("%s at (%d,%d): got %d, want %d +- %d", what, x, y, got, want, tol);
}

static void test_opaque_rect_exact(void **state)
{
    Fixture *fx = fresh(state);
    dl_rect(fx->dl, 5, 5, 10, 10, 0, dl_rgba(12, 34, 56, 255));
    raster_paint(fx->cv, fx->dl, NULL);
    for (int y = 0; y < 20; y++)
        for (int x = 0; x < 20; x++) {
            bool in = x >= 5 && x < 15 && y >= 5 && y < 15;
            uint32_t want = in ? 0xFF0C2238u : 0xFF000000u;
            if (px(fx, x, y) != want)
                fail_msg("(%d,%d): got %08x want %08x", x, y, px(fx, x, y), want);
        }
}

/* A rect from x = 2.5 to 7.5 covers half of columns 2 and 7. */
static void test_fractional_edge_partial_coverage(void **state)
{
    Fixture *fx = fresh(state);
    dl_rect(fx->dl, 2.5f, 0, 5, 10, 0, white);
    dl_rect(fx->dl, 20, 20.25f, 10, 10, 0, white); /* top row 3/4 covered */
    raster_paint(fx->cv, fx->dl, NULL);
    assert_int_equal(chan_r(px(fx, 1, 5)), 0);
    assert_near(chan_r(px(fx, 2, 5)), 128, 1, "half-covered column", 2, 5);
    for (int x = 3; x <= 6; x++)
        assert_int_equal(chan_r(px(fx, x, 5)), 255);
    assert_near(chan_r(px(fx, 7, 5)), 128, 1, "half-covered column", 7, 5);
    assert_int_equal(chan_r(px(fx, 8, 5)), 0);
    assert_near(chan_r(px(fx, 25, 20)), 191, 1, "3/4-covered row", 25, 20);
    assert_near(chan_r(px(fx, 25, 30)), 64, 1, "1/4-covered row", 25, 30);
}

static void test_alpha_blending(void **state)
{
    Fixture *fx = fresh(state);
    raster_clear(fx->cv, dl_rgba(0, 0, 255, 255));
    /* Red at alpha 128 over blue: r = 255 * 128/255, b = 255 * (1 - 128/255). */
    dl_rect(fx->dl, 0, 0, 50, 50, 0, dl_rgba(255, 0, 0, 128));
    /* Two layers of 50% white over black: 0.5 then 0.75. */
    dl_rect(fx->dl, 60, 60, 20, 20, 0, dl_rgba(255, 255, 255, 128));
    dl_rect(fx->dl, 60, 60, 10, 10, 0, dl_rgba(255, 255, 255, 128));
    /* Alpha 0 changes nothing; a translucent rounded rect blends in its interior. */
    dl_rect(fx->dl, 0, 60, 30, 30, 0, dl_rgba(255, 255, 255, 0));
    raster_paint(fx->cv, fx->dl, NULL);
    uint32_t p = px(fx, 10, 10);
    assert_near(chan_r(p), 128, 1, "red", 10, 10);
    assert_near((int)(p & 0xFF), 127, 1, "blue", 10, 10);
    assert_int_equal(p >> 24, 0xFF); /* canvas stays opaque */
    /* Span pixels (SIMD) and the remainder (scalar) agree exactly. */
    for (int x = 0; x < 50; x++)
        assert_int_equal(px(fx, x, 10), p);
    assert_near(chan_g(px(fx, 75, 75)), 128, 1, "one layer", 75, 75);
    assert_near(chan_g(px(fx, 65, 65)), 192, 2, "two layers", 65, 65);
    assert_int_equal(px(fx, 10, 70), 0xFF0000FFu);
}

static void test_circle_filled_and_edge(void **state)
{
    Fixture *fx = fresh(state);
    /* Centre (50.5, 50.5), r = 19.75: column 70 (centre 20 px away) is 1/4 covered. */
    dl_circle(fx->dl, 50.5f, 50.5f, 19.75f, white);
    raster_paint(fx->cv, fx->dl, NULL);
    assert_int_equal(px(fx, 50, 50), 0xFFFFFFFFu);
    assert_int_equal(px(fx, 35, 50), 0xFFFFFFFFu);
    assert_int_equal(px(fx, 69, 50), 0xFFFFFFFFu); /* 19 px away: d = -0.75 */
    assert_near(chan_r(px(fx, 70, 50)), 64, 1, "edge", 70, 50);
    assert_int_equal(px(fx, 71, 50), 0xFF000000u);
    assert_int_equal(px(fx, 50, 80), 0xFF000000u);
    /* The diagonal corner of the bounding box is outside the circle. */
    assert_int_equal(px(fx, 33, 33), 0xFF000000u);
    assert_int_equal(px(fx, 66, 66), 0xFF000000u);
}

static void test_ring(void **state)
{
    Fixture *fx = fresh(state);
    dl_circle_outline(fx->dl, 50, 50, 20, 4, white); /* covers radii 16..20 */
    raster_paint(fx->cv, fx->dl, NULL);
    assert_int_equal(px(fx, 50, 50), 0xFF000000u); /* hole */
    assert_int_equal(px(fx, 60, 50), 0xFF000000u); /* radius 10.5 */
    assert_int_equal(px(fx, 67, 50), 0xFFFFFFFFu); /* radius 17.5 */
    assert_int_equal(px(fx, 50, 32), 0xFFFFFFFFu); /* radius 17.5 above */
    assert_int_equal(px(fx, 75, 50), 0xFF000000u); /* outside */
}

static void test_rounded_rect_corner(void **state)
{
    Fixture *fx = fresh(state);
    dl_rect(fx->dl, 10, 10, 40, 30, 10, white);
    dl_rect_outline(fx->dl, 60, 10, 30, 30, 0, 2, white);
    raster_paint(fx->cv, fx->dl, NULL);
    assert_int_equal(px(fx, 30, 25), 0xFFFFFFFFu);
    assert_int_equal(px(fx, 10, 25), 0xFFFFFFFFu); /* straight edge */
    assert_int_equal(px(fx, 10, 10), 0xFF000000u); /* cut corner: 13.4 px from the arc centre */
    assert_int_equal(px(fx, 49, 39), 0xFF000000u);
    int mid = chan_r(px(fx, 12, 13)); /* 9.92 px from the arc centre (20,20): 0.575 */
    assert_near(mid, 146, 2, "corner arc", 12, 13);
    /* Square outline of thickness 2: border rows/cols 60,61 and 88,89. */
    assert_int_equal(px(fx, 60, 20), 0xFFFFFFFFu);
    assert_int_equal(px(fx, 61, 20), 0xFFFFFFFFu);
    assert_int_equal(px(fx, 62, 20), 0xFF000000u);
    assert_int_equal(px(fx, 75, 11), 0xFFFFFFFFu);
    assert_int_equal(px(fx, 75, 25), 0xFF000000u);
    assert_int_equal(px(fx, 89, 39), 0xFFFFFFFFu);
}

static void test_line_round_caps(void **state)
{
    Fixture *fx = fresh(state);
    dl_line(fx->dl, 10, 10.5f, 30, 10.5f, 3, white); /* radius 1.5 around y = 10.5 */
    raster_paint(fx->cv, fx->dl, NULL);
    assert_int_equal(px(fx, 20, 10), 0xFFFFFFFFu);
    assert_int_equal(px(fx, 20, 11), 0xFFFFFFFFu); /* centre 1 px away: d = -0.5 */
    assert_int_equal(px(fx, 20, 12), 0xFF000000u); /* centre 2 px away: d = +0.5 */
    /* Cap: pixel (8,10) has its centre 1.5 px left of the end point: d = 0. */
    assert_near(chan_r(px(fx, 8, 10)), 128, 1, "round cap", 8, 10);
    assert_int_equal(px(fx, 7, 10), 0xFF000000u);
    /* A diagonal: the midpoint is covered, far off the segment is not. */
    dl_clear(fx->dl);
    dl_line(fx->dl, 40, 40, 80, 80, 4, red);
    raster_paint(fx->cv, fx->dl, NULL);
    assert_int_equal(px(fx, 60, 60), 0xFFFF0000u);
    assert_int_equal(px(fx, 70, 50), 0xFF000000u);
    /* A hairline is a pixel wide and fades with its width. */
    dl_clear(fx->dl);
    dl_line(fx->dl, 0, 90.5f, 100, 90.5f, 0.5f, white);
    raster_paint(fx->cv, fx->dl, NULL);
    assert_near(chan_r(px(fx, 50, 90)), 128, 2, "hairline", 50, 90);
}

/* Translucent polyline: the joint is covered once, not blended twice. */
static void test_polyline_joint_blends_once(void **state)
{
    Fixture *fx = fresh(state);
    float xy[6] = {10.5f, 50.5f, 50.5f, 50.5f, 50.5f, 90.5f};
    dl_polyline(fx->dl, xy, 3, 5, dl_rgba(255, 255, 255, 128));
    raster_paint(fx->cv, fx->dl, NULL);
    uint32_t straight = px(fx, 30, 50);
    assert_near(chan_r(straight), 128, 1, "straight part", 30, 50);
    assert_int_equal(px(fx, 50, 50), straight); /* the joint */
    assert_int_equal(px(fx, 50, 70), straight);
    assert_int_equal(px(fx, 30, 60), 0xFF000000u);
    /* The scratch mask is left clean: painting again gives the blend of two layers. */
    raster_paint(fx->cv, fx->dl, NULL);
    assert_near(chan_r(px(fx, 30, 50)), 192, 2, "second layer", 30, 50);
    assert_int_equal(px(fx, 50, 50), px(fx, 30, 50));
    assert_int_equal(px(fx, 30, 60), 0xFF000000u);
}

static void test_clipping(void **state)
{
    Fixture *fx = fresh(state);
    dl_clip_push(fx->dl, 10, 10, 30, 30);
    dl_clip_push(fx->dl, 20, 0, 100, 25); /* effective: [20,40) x [10,25) */
    dl_rect(fx->dl, 0, 0, 100, 100, 0, white);
    dl_clip_pop(fx->dl);
    dl_circle(fx->dl, 0, 0, 30, red); /* clipped to [10,40) x [10,40) */
    dl_clip_pop(fx->dl);
    dl_rect(fx->dl, 90, 90, 10, 10, 0, white); /* unclipped again */
    raster_paint(fx->cv, fx->dl, NULL);
    assert_int_equal(px(fx, 20, 10), 0xFFFF0000u); /* red circle painted over the white */
    assert_int_equal(px(fx, 39, 24), 0xFFFFFFFFu); /* white only, outside the circle */
    assert_int_equal(px(fx, 20, 24), 0xFFFFFFFFu);
    assert_int_equal(px(fx, 12, 20), 0xFFFF0000u); /* red only, left of the inner clip */
    assert_int_equal(px(fx, 25, 30), 0xFF000000u); /* below the inner clip, outside the circle */
    assert_int_equal(px(fx, 40, 20), 0xFF000000u);
    assert_int_equal(px(fx, 9, 20), 0xFF000000u);
    assert_int_equal(px(fx, 5, 5), 0xFF000000u); /* inside the circle, outside the clip */
    assert_int_equal(px(fx, 39, 39), 0xFF000000u);
    assert_int_equal(px(fx, 95, 95), 0xFFFFFFFFu);
    /* Shapes far outside the canvas and huge coordinates are harmless. */
    dl_clear(fx->dl);
    dl_rect(fx->dl, -1e9f, -1e9f, 2e9f, 10, 0, white);
    dl_line(fx->dl, -1e8f, 50, 1e8f, 50.5f, 2, white);
    dl_circle(fx->dl, 1e7f, 1e7f, 5, white);
    raster_paint(fx->cv, fx->dl, NULL);
    assert_int_equal(px(fx, 50, 50), 0xFFFFFFFFu);
}

/* A frame: cleared to bg unless the list opens with an opaque full-canvas rect. */
static void test_render_frame(void **state)
{
    Fixture *fx = fresh(state);
    raster_clear(fx->cv, red);
    dl_rect(fx->dl, 10, 10, 5, 5, 0, white);
    raster_render(fx->cv, fx->dl, NULL, dl_rgba(0, 0, 255, 255));
    assert_int_equal(px(fx, 0, 0), 0xFF0000FFu);
    assert_int_equal(px(fx, 12, 12), 0xFFFFFFFFu);
    dl_clear(fx->dl);
    raster_clear(fx->cv, red);
    dl_rect(fx->dl, -5, -5, 200, 200, 0, dl_rgba(0, 255, 0, 255));
    dl_rect(fx->dl, 10, 10, 5, 5, 0, white);
    raster_render(fx->cv, fx->dl, NULL, dl_rgba(0, 0, 255, 255));
    for (int i = 0; i < 100 * 100; i++)
        if (fx->cv->pixels[i] != 0xFF00FF00u && fx->cv->pixels[i] != 0xFFFFFFFFu)
            fail_msg("pixel %d is %08x", i, fx->cv->pixels[i]);
    /* A translucent background rect does not replace the clear. */
    dl_clear(fx->dl);
    raster_clear(fx->cv, red);
    dl_rect(fx->dl, 0, 0, 100, 100, 0, dl_rgba(0, 255, 0, 128));
    raster_render(fx->cv, fx->dl, NULL, black);
    assert_near(chan_g(px(fx, 50, 50)), 129, 1, "green over cleared black", 50, 50);
    assert_int_equal(chan_r(px(fx, 50, 50)), 0);
}

/*
 * The rasteriser paints in horizontal bands of 192 KiB (491 rows at width
 * 100). Shapes symmetric about a band boundary must come out symmetric:
 * a seam would show as a mismatch between mirrored rows.
 */
static void test_band_seams_invisible(void **state)
{
    Fixture *fx = *state;
    RasterCanvas *cv = raster_canvas_create(100, 1200);
    assert_non_null(cv);
    raster_clear(cv, black);
    dl_clear(fx->dl);
    float b = 491.0f; /* first band boundary */
    dl_rect(fx->dl, 5, b - 30, 20, 60, 12, dl_rgba(200, 100, 50, 200));
    dl_circle(fx->dl, 50.3f, b, 17.7f, white);
    dl_circle_outline(fx->dl, 50.3f, b, 24, 1.5f, dl_rgba(0, 255, 0, 180));
    dl_line(fx->dl, 80.2f, b - 40, 80.2f, b + 40, 2.6f, red);
    float xy[6] = {88.5f, b - 30, 96.5f, b, 88.5f, b + 30};
    dl_polyline(fx->dl, xy, 3, 3, dl_rgba(255, 255, 255, 150));
    raster_paint(cv, fx->dl, NULL);
    int painted = 0;
    for (int k = 0; k < 45; k++)
        for (int x = 0; x < 100; x++) {
            uint32_t above = cv->pixels[(size_t)((int)b - 1 - k) * 100 + x];
            uint32_t below = cv->pixels[(size_t)((int)b + k) * 100 + x];
            painted += above != 0xFF000000u;
            if (above != below)
                fail_msg("row %d vs %d, column %d: %08x != %08x", (int)b - 1 - k, (int)b + k, x,
                         above, below);
        }
    assert_true(painted > 1000);
    raster_canvas_destroy(cv);
}

static void test_canvas_resize_keeps_buffer(void **state)
{
    (void)state;
    RasterCanvas *cv = raster_canvas_create(64, 48);
    assert_non_null(cv);
    uint32_t *before = cv->pixels;
    assert_int_equal(raster_canvas_resize(cv, 32, 32), 0);
    assert_ptr_equal(cv->pixels, before);
    assert_int_equal(cv->w, 32);
    assert_int_equal(raster_canvas_resize(cv, 200, 100), 0);
    assert_int_equal(cv->w * cv->h, 20000);
    assert_int_equal(raster_canvas_resize(cv, 0, 10), -1);
    assert_int_equal(raster_canvas_resize(cv, RASTER_MAX_SIDE + 1, 10), -1);
    assert_int_equal(cv->w, 200); /* a refused resize leaves the canvas as it was */
    assert_null(raster_canvas_create(-1, 5));
    raster_canvas_destroy(cv);
    raster_canvas_destroy(NULL);
}

/* ---- fonts and text ---- */

static void test_fonts_missing_dir_names_path(void **state)
{
    (void)state;
    FontsError err = {{0}};
    assert_null(fonts_create("/nonexistent/rnnviz-assets", &err));
    assert_non_null(strstr(err.msg, "/nonexistent/rnnviz-assets/fonts/DejaVuSans.ttf"));
    assert_non_null(strstr(err.msg, "No such file"));
}

static void test_fonts_cover_lesson_symbols(void **state)
{
    Fixture *fx = *state;
    /* ₜ ₋ ₁ ŷ ‖ ∂ σ ρ ⊙ and a few more the equations use: ₕ ₓ ∑ ≈ → · − ⁻ */
    static const uint32_t cps[] = {0x209C, 0x208B, 0x2081, 0x0177, 0x2016, 0x2202,
                                   0x03C3, 0x03C1, 0x2299, 0x2095, 0x2093, 0x2211,
                                   0x2248, 0x2192, 0x00B7, 0x2212, 0x207B};
    for (int f = 0; f < DL_FONT_COUNT; f++)
        for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++)
            if (!fonts_has_glyph(fx->fonts, (DlFont)f, cps[i]))
                fail_msg("font %d lacks U+%04X", f, (unsigned)cps[i]);
    /* And a code point DejaVu does not have is reported as missing. */
    assert_false(fonts_has_glyph(fx->fonts, DL_FONT_SANS, 0x4E00)); /* CJK: not in DejaVu */
}

static void test_fonts_measure(void **state)
{
    Fixture *fx = *state;
    DlMeasure m = fonts_measure(fx->fonts);
    float w1 = m.text_width(m.ctx, DL_FONT_SANS, 20, "m");
    float w3 = m.text_width(m.ctx, DL_FONT_SANS, 20, "mmm");
    assert_true(w1 > 5 && w1 < 30);
    assert_float_equal(w3, 3 * w1, 1.0);
    /* Twice the size, about twice the width (hinting rounds each advance). */
    assert_float_equal(m.text_width(m.ctx, DL_FONT_SANS, 40, "mmm"), 2 * w3, 0.06 * 2 * w3);
    /* Mono: every glyph has one advance (SDL_ttf adds a wide glyph's overhang). */
    float a = m.text_width(m.ctx, DL_FONT_MONO, 20, "iiii");
    assert_float_equal(m.text_width(m.ctx, DL_FONT_MONO, 20, "WWWW"), a, 2.0);
    assert_float_equal(m.text_width(m.ctx, DL_FONT_MONO, 20, "iiiiiiii"), 2 * a, 1.0);
    assert_float_equal(m.text_width(m.ctx, DL_FONT_SANS, 20, ""), 0.0f, 0.0);
    float lh = m.line_height(m.ctx, DL_FONT_SANS, 20);
    assert_true(lh >= 20 && lh <= 26);
    /* The rendered mask is as wide as the measure says, up to the last glyph's
     * overhang (layout fits what is drawn). */
    const FontsText *t = fonts_text(fx->fonts, DL_FONT_SANS, 20, "mmm");
    assert_non_null(t);
    assert_true(t->w >= (int)w3 && t->w <= (int)w3 + 2);
    assert_int_equal(t->h, (int)lh);
    assert_null(fonts_text(fx->fonts, DL_FONT_SANS, 20, ""));
}

static void test_text_painted_in_its_box(void **state)
{
    Fixture *fx = fresh(state);
    raster_clear(fx->cv, white);
    float w = fonts_text_width(fx->fonts, DL_FONT_SANS_BOLD, 20, "HH");
    float h = fonts_line_height(fx->fonts, DL_FONT_SANS_BOLD, 20);
    dl_text(fx->dl, 50, 30, DL_FONT_SANS_BOLD, 20, DL_ALIGN_CENTER, black, "HH");
    raster_paint(fx->cv, fx->dl, fx->fonts);
    int x0 = (int)(50 - w / 2 + 0.5f), y0 = 30;
    int dark = 0, outside = 0;
    for (int y = 0; y < 100; y++)
        for (int x = 0; x < 100; x++) {
            bool ink = chan_r(px(fx, x, y)) < 128;
            bool in = x >= x0 && x < x0 + (int)w && y >= y0 && y < y0 + (int)h;
            dark += ink && in;
            outside += ink && !in;
        }
    assert_int_equal(outside, 0);
    assert_true(dark > 40); /* two bold capitals */
    /* Centred: ink as far left of x = 50 as right of it, within a pixel or two. */
    int left = 0, right = 0;
    for (int y = y0; y < y0 + (int)h; y++)
        for (int x = 0; x < 100; x++)
            if (chan_r(px(fx, x, y)) < 128) {
                if (x < 50)
                    left++;
                else
                    right++;
            }
    assert_true(abs(left - right) <= left / 5 + 2);
    /* Coloured text keeps its colour: red ink has a high red channel. */
    dl_clear(fx->dl);
    raster_clear(fx->cv, black);
    dl_text(fx->dl, 10, 60, DL_FONT_SANS, 24, DL_ALIGN_LEFT, red, "\xe2\x88\x82L");
    raster_paint(fx->cv, fx->dl, fx->fonts);
    int reds = 0;
    for (int y = 60; y < 90; y++)
        for (int x = 10; x < 60; x++)
            reds += px(fx, x, y) == 0xFFFF0000u;
    assert_true(reds > 10);
}

/* Unchanged text is rasterised once, whatever its colour, then served from the cache. */
static void test_text_cache_hits(void **state)
{
    Fixture *fx = fresh(state);
    dl_text(fx->dl, 0, 0, DL_FONT_SANS, 17, DL_ALIGN_LEFT, white, "cache me");
    dl_text(fx->dl, 0, 30, DL_FONT_SANS, 17, DL_ALIGN_LEFT, red, "cache me");
    FontsStats s0 = fonts_stats(fx->fonts);
    raster_paint(fx->cv, fx->dl, fx->fonts);
    FontsStats s1 = fonts_stats(fx->fonts);
    assert_int_equal(s1.misses - s0.misses, 1);
    assert_int_equal(s1.hits - s0.hits, 1);
    for (int i = 0; i < 5; i++)
        raster_paint(fx->cv, fx->dl, fx->fonts);
    FontsStats s2 = fonts_stats(fx->fonts);
    assert_int_equal(s2.misses, s1.misses);
    assert_int_equal(s2.hits - s1.hits, 10);
    /* Text entirely off the canvas is culled before it is rasterised. */
    dl_clear(fx->dl);
    dl_text(fx->dl, 0, 500, DL_FONT_SANS, 17, DL_ALIGN_LEFT, white, "never seen");
    raster_paint(fx->cv, fx->dl, fx->fonts);
    assert_int_equal(fonts_stats(fx->fonts).misses, s2.misses);
}

/* The cache is bounded: past FONTS_CACHE_ENTRIES runs the oldest are evicted. */
static void test_text_cache_lru_bound(void **state)
{
    Fixture *fx = *state;
    char s[32];
    for (int i = 0; i < FONTS_CACHE_ENTRIES + 50; i++) {
        snprintf(s, sizeof s, "%d", i);
        assert_non_null(fonts_text(fx->fonts, DL_FONT_MONO, 8, s));
        if (i == FONTS_CACHE_ENTRIES / 2) /* keep one early run recently used */
            assert_non_null(fonts_text(fx->fonts, DL_FONT_MONO, 8, "0"));
        if (i > FONTS_CACHE_ENTRIES / 2)
            fonts_text(fx->fonts, DL_FONT_MONO, 8, "0");
    }
    FontsStats st = fonts_stats(fx->fonts);
    assert_true(st.entries <= FONTS_CACHE_ENTRIES);
    assert_true(st.bytes <= FONTS_CACHE_BYTES);
    long misses = st.misses;
    fonts_text(fx->fonts, DL_FONT_MONO, 8, "0"); /* recently used: still cached */
    assert_int_equal(fonts_stats(fx->fonts).misses, misses);
    fonts_text(fx->fonts, DL_FONT_MONO, 8, "1"); /* least recently used: evicted */
    assert_int_equal(fonts_stats(fx->fonts).misses, misses + 1);
    snprintf(s, sizeof s, "%d", FONTS_CACHE_ENTRIES + 49); /* newest: cached */
    fonts_text(fx->fonts, DL_FONT_MONO, 8, s);
    assert_int_equal(fonts_stats(fx->fonts).misses, misses + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opaque_rect_exact),
        cmocka_unit_test(test_fractional_edge_partial_coverage),
        cmocka_unit_test(test_alpha_blending),
        cmocka_unit_test(test_circle_filled_and_edge),
        cmocka_unit_test(test_ring),
        cmocka_unit_test(test_rounded_rect_corner),
        cmocka_unit_test(test_line_round_caps),
        cmocka_unit_test(test_polyline_joint_blends_once),
        cmocka_unit_test(test_clipping),
        cmocka_unit_test(test_render_frame),
        cmocka_unit_test(test_band_seams_invisible),
        cmocka_unit_test(test_canvas_resize_keeps_buffer),
        cmocka_unit_test(test_fonts_missing_dir_names_path),
        cmocka_unit_test(test_fonts_cover_lesson_symbols),
        cmocka_unit_test(test_fonts_measure),
        cmocka_unit_test(test_text_painted_in_its_box),
        cmocka_unit_test(test_text_cache_hits),
        cmocka_unit_test(test_text_cache_lru_bound),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
