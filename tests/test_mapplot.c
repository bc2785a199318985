/* The map picture as draw-list contents: one rect per cell in the colour
 * of its value on the shared scale (grey for NaN), the level-0 contour
 * where it must be, the colour bar's end labels, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "drawlist.h"
#include "mapplot.h"

static const double xs[3] = {0.5, 1.0, 1.5}, ys[2] = {10, 20};

/* Left column negative, the rest positive: the contour is the vertical
 * line halfway between columns 0 and 1 where the values are opposite. */
static const double vals[6] = {-1, 1, 2, -1, 1, NAN};

static MapFigure figure(void)
{
    MapFigure f = {.n_panels = 1,
                   .x_label = "spectral_radius",
                   .y_label = "steps",
                   .value_label = "log10 ratio",
                   .diverging = true,
                   .contour = true};
    f.panels[0] = (MapPanel){"rnn tanh", 3, 2, xs, ys, vals};
    mapplot_symmetric_range(&f, &f.vmin, &f.vmax);
    return f;
}

static void test_contour_segments(void **state)
{
    (void)state;
    MapFigure f = figure();
    float seg[16];
    /* the square with the NaN corner is skipped: one segment, x = 0.5 */
    int n = mapplot_contour(&f.panels[0], f.vmin, seg, 4);
    assert_int_equal(n, 1);
    assert_true(fabsf(seg[0] - 0.5f) < 1e-6f && fabsf(seg[2] - 0.5f) < 1e-6f);
    assert_true(fminf(seg[1], seg[3]) == 0.0f && fmaxf(seg[1], seg[3]) == 1.0f);
}

static void test_scale_and_colours(void **state)
{
    (void)state;
    MapFigure f = figure();
    assert_true(f.vmin == -2.0 && f.vmax == 2.0);
    DlColor mid = mapplot_color(&f, 0.0), lo = mapplot_color(&f, -INFINITY),
            hi = mapplot_color(&f, 5.0), nan = mapplot_color(&f, NAN);
    assert_true(mid.r > 240 && mid.g > 240 && mid.b > 240);
    assert_true(lo.b > lo.r && hi.r > hi.b);
    assert_true(nan.r == nan.g && nan.g == nan.b);
    double big[6] = {-50, 1, 2, -1, 1, 3};
    f.panels[0].v = big;
    mapplot_symmetric_range(&f, &f.vmin, &f.vmax);
    assert_true(f.vmin == -MAPPLOT_MAX_RANGE && f.vmax == MAPPLOT_MAX_RANGE);
}

static bool has_text(const DrawList *dl, const char *text)
{
    for (int i = 0; i < dl_count(dl); i++) {
        const DlCmd *c = dl_cmd(dl, i);
        if (c->kind == DL_CMD_TEXT && !strcmp(c->text, text))
            return true;
    }
    return false;
}

static void test_draw_list(void **state)
{
    (void)state;
    MapFigure f = figure();
    DrawList *dl = dl_create(4096, 1 << 16, 256);
    assert_int_equal(mapplot_draw(dl, &f, 0, 0, 1100, 900), 0);
    int cells = 0, lines_at_half = 0;
    for (int i = 0; i < dl_count(dl); i++) {
        const DlCmd *c = dl_cmd(dl, i);
        for (int k = 0; k < 6 && c->kind == DL_CMD_RECT; k++) {
            DlColor want = mapplot_color(&f, vals[k]);
            cells += !memcmp(&c->color, &want, sizeof want) && c->w > 100.0f;
        }
        lines_at_half += c->kind == DL_CMD_LINE && c->width == 3.0f && c->x == c->x1;
    }
    assert_true(cells >= 6);
    assert_int_equal(lines_at_half, 1);
    assert_true(has_text(dl, "rnn tanh") && has_text(dl, "spectral_radius"));
    assert_true(has_text(dl, "0.5") && has_text(dl, "1.5") && has_text(dl, "20"));
    assert_true(has_text(dl, "-2") && has_text(dl, "2") && has_text(dl, "log10 ratio"));
    double big[6] = {-50, 1, 2, -1, 1, 3};
    f.panels[0].v = big;
    mapplot_symmetric_range(&f, &f.vmin, &f.vmax);
    dl_clear(dl);
    assert_int_equal(mapplot_draw(dl, &f, 0, 0, 1100, 900), 0);
    assert_true(has_text(dl, "\xe2\x89\xa4 -10") && has_text(dl, "10"));
    f.n_panels = 0;
    assert_int_equal(mapplot_draw(dl, &f, 0, 0, 1100, 900), DL_ERR_ARG);
    dl_destroy(dl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contour_segments),
        cmocka_unit_test(test_scale_and_colours),
        cmocka_unit_test(test_draw_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
