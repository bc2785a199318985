/* The draw list: capacities and the overflow flag, clip push/pop bookkeeping
 * (effective clips, reserved pops, errors), stored text and points, refused
 * non-finite geometry, and the font-free measure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "drawlist.h"

static const DlColor red = {255, 0, 0, 255};

static void test_create_rejects_bad_capacity(void **state)
{
    (void)state;
    assert_null(dl_create(0, 10, 10));
    assert_null(dl_create(10, 10, -1));
    DrawList *dl = dl_create(1, 0, 0);
    assert_non_null(dl);
    assert_int_equal(dl_count(dl), 0);
    assert_false(dl_overflowed(dl));
    dl_destroy(dl);
    dl_destroy(NULL);
}

static void test_command_overflow_sets_flag_and_drops(void **state)
{
    (void)state;
    DrawList *dl = dl_create(4, 64, 8);
    for (int i = 0; i < 4; i++)
        assert_int_equal(dl_rect(dl, (float)i, 0, 1, 1, 0, red), DL_OK);
    assert_false(dl_overflowed(dl));
    assert_int_equal(dl_rect(dl, 9, 9, 1, 1, 0, red), DL_ERR_OVERFLOW);
    assert_int_equal(dl_circle(dl, 1, 1, 1, red), DL_ERR_OVERFLOW);
    assert_true(dl_overflowed(dl));
    assert_int_equal(dl_count(dl), 4);
    /* The stored commands are the first four, untouched by the dropped ones. */
    assert_true(dl_cmd(dl, 3)->x == 3.0f);
    assert_null(dl_cmd(dl, 4));
    assert_null(dl_cmd(dl, -1));
    dl_clear(dl);
    assert_false(dl_overflowed(dl));
    assert_int_equal(dl_count(dl), 0);
    assert_int_equal(dl_rect(dl, 0, 0, 1, 1, 0, red), DL_OK);
    dl_destroy(dl);
}

static void test_geometry_stored(void **state)
{
    (void)state;
    DrawList *dl = dl_create(8, 64, 8);
    DlColor c = {1, 2, 3, 4};
    assert_int_equal(dl_line(dl, 1.5f, 2.5f, 30.0f, 40.0f, 3.0f, c), DL_OK);
    assert_int_equal(dl_rect_outline(dl, 1, 2, 3, 4, 0.5f, 2.0f, c), DL_OK);
    assert_int_equal(dl_circle_outline(dl, 7, 8, 9, 1.5f, c), DL_OK);
    const DlCmd *l = dl_cmd(dl, 0);
    assert_int_equal(l->kind, DL_CMD_LINE);
    assert_true(l->x == 1.5f && l->y == 2.5f && l->x1 == 30.0f && l->y1 == 40.0f);
    assert_true(l->width == 3.0f);
    assert_int_equal(l->color.r, 1);
    assert_int_equal(l->color.a, 4);
    const DlCmd *o = dl_cmd(dl, 1);
    assert_int_equal(o->kind, DL_CMD_RECT_OUTLINE);
    assert_true(o->w == 3.0f && o->h == 4.0f && o->radius == 0.5f && o->width == 2.0f);
    const DlCmd *r = dl_cmd(dl, 2);
    assert_int_equal(r->kind, DL_CMD_CIRCLE_OUTLINE);
    assert_true(r->x == 7.0f && r->y == 8.0f && r->radius == 9.0f && r->width == 1.5f);
    dl_destroy(dl);
}

static void test_text_stored_intact(void **state)
{
    (void)state;
    DrawList *dl = dl_create(8, 40, 0);
    char src[32] = "\xc5\xb7\xe2\x82\x9c = \xe2\x88\x82L"; /* "ŷₜ = ∂L" */
    char copy[32];
    strcpy(copy, src);
    assert_int_equal(dl_text(dl, 10, 20, DL_FONT_MONO, 18.0f, DL_ALIGN_RIGHT, red, src), DL_OK);
    memset(src, 'x', sizeof src - 1); /* the list keeps its own copy */
    const DlCmd *c = dl_cmd(dl, 0);
    assert_int_equal(c->kind, DL_CMD_TEXT);
    assert_string_equal(c->text, copy);
    assert_int_equal(c->font, DL_FONT_MONO);
    assert_int_equal(c->align, DL_ALIGN_RIGHT);
    assert_true(c->size_px == 18.0f && c->x == 10.0f && c->y == 20.0f);
    assert_int_equal(dl_text_bytes_used(dl), strlen(copy) + 1);
    /* 40 bytes: 13 used, a 27-byte string (28 with NUL) does not fit. */
    assert_int_equal(
        dl_text(dl, 0, 0, DL_FONT_SANS, 10, DL_ALIGN_LEFT, red, "abcdefghijklmnopqrstuvwxyz!"),
        DL_ERR_OVERFLOW);
    assert_true(dl_overflowed(dl));
    assert_int_equal(dl_count(dl), 1);
    /* One that fits exactly still goes in (13 + 27 = 40). */
    assert_int_equal(
        dl_text(dl, 0, 0, DL_FONT_SANS, 10, DL_ALIGN_LEFT, red, "abcdefghijklmnopqrstuvwxy!"),
        DL_OK);
    assert_string_equal(dl_cmd(dl, 1)->text, "abcdefghijklmnopqrstuvwxy!");
    assert_string_equal(dl_cmd(dl, 0)->text, copy); /* earlier text unchanged */
    assert_int_equal(dl_text(dl, 0, 0, DL_FONT_SANS, 10, DL_ALIGN_LEFT, red, NULL), DL_ERR_ARG);
    assert_int_equal(dl_text(dl, 0, 0, DL_FONT_COUNT, 10, DL_ALIGN_LEFT, red, "a"), DL_ERR_ARG);
    dl_destroy(dl);
}

static void test_polyline_points_copied_and_bounded(void **state)
{
    (void)state;
    DrawList *dl = dl_create(8, 8, 5);
    float xy[6] = {0, 1, 2, 3, 4, 5};
    assert_int_equal(dl_polyline(dl, xy, 3, 2.0f, red), DL_OK);
    xy[0] = 99;
    const DlCmd *c = dl_cmd(dl, 0);
    assert_int_equal(c->n_points, 3);
    assert_true(c->points[0] == 0.0f && c->points[5] == 5.0f);
    assert_int_equal(dl_points_used(dl), 3);
    assert_int_equal(dl_polyline(dl, xy, 3, 2.0f, red), DL_ERR_OVERFLOW); /* 3 + 3 > 5 */
    assert_true(dl_overflowed(dl));
    assert_int_equal(dl_polyline(dl, xy, 2, 2.0f, red), DL_OK); /* 3 + 2 = 5 */
    assert_int_equal(dl_polyline(dl, xy, 1, 2.0f, red), DL_ERR_ARG);
    assert_int_equal(dl_count(dl), 2);
    dl_destroy(dl);
}

static void test_non_finite_refused(void **state)
{
    (void)state;
    DrawList *dl = dl_create(8, 8, 8);
    float bad[4] = {0, 0, NAN, 1};
    assert_int_equal(dl_rect(dl, NAN, 0, 1, 1, 0, red), DL_ERR_ARG);
    assert_int_equal(dl_line(dl, 0, 0, INFINITY, 1, 1, red), DL_ERR_ARG);
    assert_int_equal(dl_circle(dl, 0, 0, NAN, red), DL_ERR_ARG);
    assert_int_equal(dl_polyline(dl, bad, 2, 1, red), DL_ERR_ARG);
    assert_int_equal(dl_text(dl, 0, -INFINITY, DL_FONT_SANS, 10, DL_ALIGN_LEFT, red, "a"),
                     DL_ERR_ARG);
    assert_int_equal(dl_clip_push(dl, 0, 0, NAN, 1), DL_ERR_ARG);
    assert_int_equal(dl_count(dl), 0);
    assert_false(dl_overflowed(dl));
    assert_int_equal(dl_clip_depth(dl), 0);
    dl_destroy(dl);
}

static void test_clip_nesting_intersects(void **state)
{
    (void)state;
    DrawList *dl = dl_create(16, 8, 8);
    assert_int_equal(dl_clip_push(dl, 10, 20, 100, 50), DL_OK); /* [10,110) x [20,70) */
    assert_int_equal(dl_clip_push(dl, 50, 0, 200, 40), DL_OK);  /* [50,250) x [0,40) */
    assert_int_equal(dl_clip_depth(dl), 2);
    const DlCmd *inner = dl_cmd(dl, 1);
    assert_int_equal(inner->kind, DL_CMD_CLIP_PUSH);
    assert_true(inner->has_clip);
    /* Intersection: [50,110) x [20,40); the request itself is kept too. */
    assert_true(inner->clip_x0 == 50 && inner->clip_x1 == 110);
    assert_true(inner->clip_y0 == 20 && inner->clip_y1 == 40);
    assert_true(inner->x == 50 && inner->w == 200);
    assert_int_equal(dl_clip_pop(dl), DL_OK);
    const DlCmd *pop1 = dl_cmd(dl, 2);
    assert_int_equal(pop1->kind, DL_CMD_CLIP_POP);
    assert_true(pop1->has_clip); /* back to the outer clip */
    assert_true(pop1->clip_x0 == 10 && pop1->clip_x1 == 110);
    assert_true(pop1->clip_y0 == 20 && pop1->clip_y1 == 70);
    assert_int_equal(dl_clip_pop(dl), DL_OK);
    assert_false(dl_cmd(dl, 3)->has_clip);
    assert_int_equal(dl_clip_depth(dl), 0);
    assert_false(dl_clip_error(dl));
    /* Disjoint clips give an empty (not inverted) rectangle. */
    dl_clip_push(dl, 0, 0, 10, 10);
    dl_clip_push(dl, 20, 20, 10, 10);
    const DlCmd *e = dl_cmd(dl, 5);
    assert_true(e->clip_x1 >= e->clip_x0 && e->clip_y1 >= e->clip_y0);
    assert_true(e->clip_x1 - e->clip_x0 == 0.0f || e->clip_y1 - e->clip_y0 == 0.0f);
    dl_destroy(dl);
}

static void test_clip_pop_checked(void **state)
{
    (void)state;
    DrawList *dl = dl_create(8, 8, 8);
    assert_int_equal(dl_clip_pop(dl), DL_ERR_CLIP);
    assert_true(dl_clip_error(dl));
    assert_int_equal(dl_count(dl), 0);
    assert_int_equal(dl_clip_depth(dl), 0);
    dl_clear(dl);
    assert_false(dl_clip_error(dl));
    dl_destroy(dl);
}

static void test_clip_depth_limit(void **state)
{
    (void)state;
    DrawList *dl = dl_create(4 * DL_CLIP_MAX_DEPTH, 8, 8);
    for (int i = 0; i < DL_CLIP_MAX_DEPTH; i++)
        assert_int_equal(dl_clip_push(dl, 0, 0, 100, 100), DL_OK);
    assert_int_equal(dl_clip_push(dl, 0, 0, 100, 100), DL_ERR_CLIP);
    assert_true(dl_clip_error(dl));
    assert_int_equal(dl_clip_depth(dl), DL_CLIP_MAX_DEPTH + 1);
    for (int i = 0; i < DL_CLIP_MAX_DEPTH + 1; i++)
        assert_int_equal(dl_clip_pop(dl), DL_OK);
    assert_int_equal(dl_clip_depth(dl), 0);
    /* Only the recorded levels produce commands: one push and one pop each. */
    assert_int_equal(dl_count(dl), 2 * DL_CLIP_MAX_DEPTH);
    assert_false(dl_cmd(dl, dl_count(dl) - 1)->has_clip);
    dl_destroy(dl);
}

/* A push keeps room for its pop, so a full list still closes every clip. */
static void test_clip_reserves_pop(void **state)
{
    (void)state;
    DrawList *dl = dl_create(3, 8, 8);
    assert_int_equal(dl_clip_push(dl, 0, 0, 5, 5), DL_OK);
    assert_int_equal(dl_rect(dl, 0, 0, 1, 1, 0, red), DL_OK);
    assert_int_equal(dl_rect(dl, 0, 0, 1, 1, 0, red), DL_ERR_OVERFLOW); /* slot 3 is the pop's */
    assert_int_equal(dl_clip_pop(dl), DL_OK);
    assert_int_equal(dl_count(dl), 3);
    assert_int_equal(dl_cmd(dl, 2)->kind, DL_CMD_CLIP_POP);
    assert_true(dl_overflowed(dl));

    /* No room for push + pop: the push is dropped, and so is its pop. */
    DrawList *tiny = dl_create(1, 8, 8);
    assert_int_equal(dl_clip_push(tiny, 0, 0, 5, 5), DL_ERR_OVERFLOW);
    assert_int_equal(dl_clip_depth(tiny), 1);
    assert_int_equal(dl_clip_pop(tiny), DL_OK);
    assert_int_equal(dl_count(tiny), 0);
    assert_int_equal(dl_clip_depth(tiny), 0);
    assert_false(dl_clip_error(tiny));
    assert_true(dl_overflowed(tiny));
    dl_destroy(tiny);
    dl_destroy(dl);
}

static void test_measure_approx(void **state)
{
    (void)state;
    DlMeasure m = dl_measure_approx();
    /* 0.6 em per code point: "ab" at 10 px is 12 px; "ŷ∂" is two code points. */
    assert_float_equal(m.text_width(m.ctx, DL_FONT_SANS, 10.0f, "ab"), 12.0f, 1e-5);
    assert_float_equal(m.text_width(m.ctx, DL_FONT_SANS, 10.0f, "\xc5\xb7\xe2\x88\x82"), 12.0f,
                       1e-5);
    assert_float_equal(m.line_height(m.ctx, DL_FONT_MONO, 20.0f), 24.0f, 1e-5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_rejects_bad_capacity),
        cmocka_unit_test(test_command_overflow_sets_flag_and_drops),
        cmocka_unit_test(test_geometry_stored),
        cmocka_unit_test(test_text_stored_intact),
        cmocka_unit_test(test_polyline_points_copied_and_bounded),
        cmocka_unit_test(test_non_finite_refused),
        cmocka_unit_test(test_clip_nesting_intersects),
        cmocka_unit_test(test_clip_pop_checked),
        cmocka_unit_test(test_clip_depth_limit),
        cmocka_unit_test(test_clip_reserves_pop),
        cmocka_unit_test(test_measure_approx),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
