/* Layout as plain geometry: for the window sizes of a laptop, a projector
 * and a 4K screen, at UI scale 1 and 1.5, every visible node sits in the
 * grid and in the window, no two nodes overlap, the regions tile the window
 * without overlapping, scrolling to a column (or following it) brings its
 * nodes fully into view, and the whole UI, not only the text, grows with
 * the window. The assertions use their own rectangle helpers so that the
 * layout's rect_* functions are checked rather than trusted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>

#include "layout.h"

#define EPS 0.01f

static const int sizes[][2] = {{1280, 720}, {1920, 1080}, {3840, 2160}};
static const float scales[] = {1.0f, 1.5f};
static const int steps_list[] = {1, 10, 40, 100};
static const int layers_list[] = {1, 2, 3};
/* lesson, side, controls */
static const bool panel_sets[][3] = {
    {false, true, true}, {true, true, true}, {false, false, false}};
/* 1 = fit, 0.5 = zoomed out; zooming in is checked on its own below */
static const float zooms[] = {1.0f, 0.5f};

static Rect mk(float x, float y, float w, float h)
{
    Rect r = {x, y, w, h};
    return r;
}

static bool inside(Rect a, Rect b)
{
    return a.x >= b.x - EPS && a.y >= b.y - EPS && a.x + a.w <= b.x + b.w + EPS &&
           a.y + a.h <= b.y + b.h + EPS;
}

/* Interiors intersect by more than EPS (shared edges are fine). */
static bool overlap(Rect a, Rect b)
{
    return a.x + EPS < b.x + b.w && b.x + EPS < a.x + a.w && a.y + EPS < b.y + b.h &&
           b.y + EPS < a.y + a.h;
}

static bool empty(Rect r)
{
    return r.w <= 0 || r.h <= 0;
}

static void describe(char *buf, size_t cap, const LayoutInput *in)
{
    snprintf(buf, cap,
             "%dx%d scale %.1f T=%d L=%d zoom %.1f scroll %.0f follow %d focus %d "
             "lesson %d side %d controls %d",
             in->win_w, in->win_h, in->ui_scale, in->steps, in->layers, in->zoom, in->scroll_x,
             in->follow, in->focus_t, in->show_lesson, in->show_side, in->show_controls);
}

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            char d_[256];                                                                          \
            describe(d_, sizeof d_, in);                                                           \
            fail_msg("%s: %s", d_, what);                                                          \
        }                                                                                          \
    } while (0)

static LayoutInput input(int w, int h, float scale, int T, int L, const bool *panels)
{
    LayoutInput in = {.win_w = w,
                      .win_h = h,
                      .ui_scale = scale,
                      .steps = T,
                      .layers = L,
                      .zoom = 1,
                      .scroll_x = 0,
                      .focus_t = 0,
                      .follow = false,
                      .show_lesson = panels[0],
                      .show_side = panels[1],
                      .show_controls = panels[2]};
    return in;
}

/* ---- regions ---- */

static void check_regions(const Layout *lo, const LayoutInput *in)
{
    Rect win = mk(0, 0, (float)in->win_w, (float)in->win_h);
    Rect shown[5];
    const char *names[5] = {"top", "net", "side", "controls", "lesson"};
    Rect all[5] = {lo->top, lo->net, lo->side, lo->controls, lo->lesson};
    bool on[5] = {true, true, in->show_side, in->show_controls, in->show_lesson};
    int n = 0;
    for (int i = 0; i < 5; i++) {
        char what[96];
        if (!on[i]) {
            snprintf(what, sizeof what, "hidden region %s has an area", names[i]);
            CHECK(empty(all[i]), what);
            continue;
        }
        snprintf(what, sizeof what, "region %s is empty or outside the window", names[i]);
        CHECK(!empty(all[i]) && inside(all[i], win), what);
        shown[n++] = all[i];
    }
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            CHECK(!overlap(shown[i], shown[j]), "two regions overlap");
    /* top, body and controls stack to the window's full height */
    /* the shown regions tile the window: their areas add up to it */
    float area = 0;
    for (int i = 0; i < n; i++)
        area += shown[i].w * shown[i].h;
    CHECK(fabsf(area - (float)in->win_w * in->win_h) < 2.0f, "regions do not tile the window");
    CHECK(inside(lo->grid, lo->net) && !empty(lo->grid), "grid not inside the network region");
    if (in->show_side) {
        CHECK(inside(lo->inspector, lo->side) && inside(lo->plots, lo->side),
              "inspector or plots outside the side region");
        CHECK(!overlap(lo->inspector, lo->plots), "inspector overlaps plots");
        CHECK(!empty(lo->plots), "plots empty");
        /* the inspector takes turns only when the side panels are stacked */
        CHECK(!empty(lo->inspector) || lo->stacked, "inspector empty beside the network");
    }
    CHECK(lo->grid.w >= lo->node_w, "the grid is narrower than one node");
}

/* ---- nodes ---- */

typedef struct {
    Rect r;
    int kind, l, t;
} Node;

static int visible_nodes(const Layout *lo, Node *out, int cap)
{
    int t0, t1, n = 0;
    layout_visible_cols(lo, &t0, &t1);
    for (int t = t0; t <= t1; t++) {
        static const RowKind fixed[3] = {ROW_LOSS, ROW_OUTPUT, ROW_INPUT};
        for (int i = 0; i < 3 && n < cap; i++, n++)
            out[n] = (Node){layout_node(lo, fixed[i], -1, t), fixed[i], -1, t};
        for (int l = 0; l < lo->layers && n < cap; l++, n++)
            out[n] = (Node){layout_node(lo, ROW_LAYER, l, t), ROW_LAYER, l, t};
    }
    return n;
}

static bool column_fully_visible(const Layout *lo, int t)
{
    float left = t * lo->col_w - lo->scroll_x;
    return left >= -EPS && left + lo->col_w <= lo->grid.w + EPS;
}

static void check_nodes(const Layout *lo, const LayoutInput *in)
{
    static Node nodes[4096];
    Rect win = mk(0, 0, (float)in->win_w, (float)in->win_h);
    int t0, t1;
    layout_visible_cols(lo, &t0, &t1);
    CHECK(t0 >= 0 && t1 < in->steps && t0 <= t1, "visible columns out of range");
    /* the columns just outside the visible range really are out of view */
    if (t0 > 0)
        CHECK(layout_col_x(lo, t0 - 1) + lo->col_w / 2 <= lo->grid.x + EPS,
              "column before the visible range is in view");
    if (t1 < in->steps - 1)
        CHECK(layout_col_x(lo, t1 + 1) - lo->col_w / 2 >= lo->grid.x + lo->grid.w - EPS,
              "column after the visible range is in view");
    int n = visible_nodes(lo, nodes, 4096);
    CHECK(n == (t1 - t0 + 1) * (in->layers + 3), "wrong node count");
    for (int i = 0; i < n; i++) {
        Rect r = nodes[i].r;
        char what[128];
        snprintf(what, sizeof what, "node kind %d l %d t %d", nodes[i].kind, nodes[i].l,
                 nodes[i].t);
        CHECK(r.w > 0 && r.h > 0, what);
        CHECK(r.y >= lo->grid.y - EPS && r.y + r.h <= lo->grid.y + lo->grid.h + EPS, what);
        CHECK(r.y >= lo->net.y - EPS && r.y + r.h <= lo->net.y + lo->net.h + EPS, what);
        /* every listed column reaches into the grid */
        float left = layout_col_x(lo, nodes[i].t) - lo->col_w / 2;
        CHECK(left <= lo->grid.x + lo->grid.w + EPS && left + lo->col_w >= lo->grid.x - EPS, what);
        if (column_fully_visible(lo, nodes[i].t)) {
            CHECK(inside(r, lo->grid), what);
            CHECK(inside(r, win), what);
        }
        /* the node is centred in its column */
        CHECK(fabsf(r.x + r.w / 2 - layout_col_x(lo, nodes[i].t)) < EPS, what);
        for (int j = i + 1; j < n; j++)
            if (overlap(r, nodes[j].r)) {
                snprintf(what, sizeof what, "nodes (%d,%d,%d) and (%d,%d,%d) overlap",
                         nodes[i].kind, nodes[i].l, nodes[i].t, nodes[j].kind, nodes[j].l,
                         nodes[j].t);
                CHECK(false, what);
            }
    }
    /* rows run top to bottom: loss, output, layers L-1 .. 0, input */
    CHECK(layout_row(lo, ROW_LOSS, 0) == 0 && layout_row(lo, ROW_OUTPUT, 0) == 1, "row order");
    CHECK(layout_row(lo, ROW_LAYER, in->layers - 1) == 2, "top layer row");
    CHECK(layout_row(lo, ROW_LAYER, 0) == in->layers + 1, "bottom layer row");
    CHECK(layout_row(lo, ROW_INPUT, 0) == in->layers + 2, "input row");
    Rect a = layout_node(lo, ROW_LAYER, 0, t0), b = layout_node(lo, ROW_INPUT, -1, t0);
    CHECK(a.y < b.y, "layer 0 is not above the input");
}

static void test_nodes_and_regions(void **state)
{
    (void)state;
    long checked = 0;
    for (size_t si = 0; si < 3; si++)
        for (size_t ki = 0; ki < 2; ki++)
            for (size_t ti = 0; ti < 4; ti++)
                for (size_t li = 0; li < 3; li++)
                    for (size_t pi = 0; pi < 3; pi++)
                        for (size_t zi = 0; zi < 2; zi++) {
                            LayoutInput in = input(sizes[si][0], sizes[si][1], scales[ki],
                                                   steps_list[ti], layers_list[li], panel_sets[pi]);
                            in.zoom = zooms[zi];
                            /* scrolled to the start, the middle, past the end, and following
                             * the first, middle and last column */
                            const float scrolls[3] = {0, 1e3f, 1e9f};
                            for (int v = 0; v < 6; v++) {
                                in.scroll_x = v < 3 ? scrolls[v] : 0;
                                in.follow = v >= 3;
                                in.focus_t = v == 3 ? 0 : v == 4 ? in.steps / 2 : in.steps - 1;
                                Layout lo;
                                layout_compute(&lo, &in);
                                check_regions(&lo, &in);
                                check_nodes(&lo, &in);
                                checked++;
                            }
                        }
    assert_int_equal(checked, 3 * 2 * 4 * 3 * 3 * 2 * 6);
}

/* ---- scrolling ---- */

static void check_shows(const LayoutInput *in0, int t)
{
    LayoutInput in1 = *in0;
    const LayoutInput *in = &in1;
    Layout lo;
    layout_compute(&lo, in0);
    float before = lo.scroll_x;
    bool was_visible = column_fully_visible(&lo, t);
    in1.scroll_x = layout_scroll_to_show(&lo, t);
    in1.follow = false;
    Layout lo2;
    layout_compute(&lo2, &in1);
    char what[96];
    snprintf(what, sizeof what, "after scroll_to_show(%d) from %.1f", t, before);
    CHECK(lo2.scroll_x == in1.scroll_x, what); /* the result is a valid scroll */
    CHECK(column_fully_visible(&lo2, t), what);
    for (int l = 0; l < in->layers; l++)
        CHECK(inside(layout_node(&lo2, ROW_LAYER, l, t), lo2.grid), what);
    CHECK(inside(layout_node(&lo2, ROW_INPUT, -1, t), lo2.grid), what);
    CHECK(inside(layout_node(&lo2, ROW_OUTPUT, -1, t), lo2.grid), what);
    CHECK(inside(layout_node(&lo2, ROW_LOSS, -1, t), lo2.grid), what);
    int t0, t1;
    layout_visible_cols(&lo2, &t0, &t1);
    CHECK(t0 <= t && t <= t1, what);
    /* a column already in view does not move the view */
    if (was_visible)
        CHECK(fabsf(lo2.scroll_x - before) < EPS, what);
    /* following the column centres it (as far as the ends allow) */
    LayoutInput in3 = *in0;
    in3.follow = true;
    in3.focus_t = t;
    Layout lo3;
    layout_compute(&lo3, &in3);
    snprintf(what, sizeof what, "following column %d", t);
    CHECK(column_fully_visible(&lo3, t), what);
    for (int l = 0; l < in->layers; l++)
        CHECK(inside(layout_node(&lo3, ROW_LAYER, l, t), lo3.grid), what);
    float centre = lo3.grid.x + lo3.grid.w / 2, cx = layout_col_x(&lo3, t);
    float max_scroll = fmaxf(0, in->steps * lo3.col_w - lo3.grid.w);
    /* whole columns only: centred to within half a column */
    if (lo3.scroll_x > EPS && lo3.scroll_x < max_scroll - EPS)
        CHECK(fabsf(cx - centre) <= lo3.col_w / 2 + 0.05f, what);
}

static void test_scroll_to_show(void **state)
{
    (void)state;
    for (size_t si = 0; si < 3; si++)
        for (size_t ki = 0; ki < 2; ki++)
            for (size_t ti = 0; ti < 4; ti++)
                for (size_t pi = 0; pi < 3; pi++)
                    for (size_t zi = 0; zi < 2; zi++) {
                        int T = steps_list[ti];
                        LayoutInput in =
                            input(sizes[si][0], sizes[si][1], scales[ki], T, 2, panel_sets[pi]);
                        in.zoom = zooms[zi];
                        const int targets[6] = {0, 1, T / 3, T / 2, T - 2, T - 1};
                        const float starts[3] = {0, 450, 1e9f};
                        for (int a = 0; a < 3; a++) {
                            in.scroll_x = starts[a];
                            for (int b = 0; b < 6; b++)
                                if (targets[b] >= 0 && targets[b] < T)
                                    check_shows(&in, targets[b]);
                        }
                    }
}

/* Scroll is clamped: never before the first column nor past the last. */
static void test_scroll_clamped(void **state)
{
    (void)state;
    LayoutInput in = input(1280, 720, 1, 100, 1, panel_sets[0]);
    in.scroll_x = -500;
    Layout lo;
    layout_compute(&lo, &in);
    assert_true(lo.scroll_x == 0);
    int t0, t1;
    layout_visible_cols(&lo, &t0, &t1);
    assert_int_equal(t0, 0);
    in.scroll_x = 1e9f;
    layout_compute(&lo, &in);
    layout_visible_cols(&lo, &t0, &t1);
    assert_int_equal(t1, 99);
    assert_true(fabsf(layout_col_x(&lo, 99) + lo.col_w / 2 - (lo.grid.x + lo.grid.w)) < EPS);
    /* a short sequence that fits never scrolls: it sits in the middle */
    in = input(1280, 720, 1, 4, 1, panel_sets[0]);
    for (int i = 0; i < 3; i++) {
        in.scroll_x = i == 0 ? 0 : i == 1 ? 300 : -300;
        layout_compute(&lo, &in);
        layout_visible_cols(&lo, &t0, &t1);
        assert_int_equal(t0, 0);
        assert_int_equal(t1, 3);
        float left = layout_col_x(&lo, 0) - lo.col_w / 2 - lo.grid.x;
        float right = lo.grid.x + lo.grid.w - (layout_col_x(&lo, 3) + lo.col_w / 2);
        assert_true(left >= -EPS && fabsf(left - right) < EPS);
    }
}

static void check_node_fits(const LayoutInput *in)
{
    Layout lo;
    layout_compute(&lo, in);
    CHECK(lo.node_w <= lo.grid.w + EPS, "a node is wider than the grid");
}

/* Zoomed in (wheel), the current node must still fit in the view: a node
 * is never wider than the grid, and scrolling to a column shows it whole. */
static void test_zoomed_in_node_fits_grid(void **state)
{
    (void)state;
    const float zin[] = {2.0f, 4.0f};
    for (size_t si = 0; si < 3; si++)
        for (size_t ki = 0; ki < 2; ki++)
            for (size_t pi = 0; pi < 3; pi++)
                for (size_t zi = 0; zi < 2; zi++) {
                    LayoutInput in =
                        input(sizes[si][0], sizes[si][1], scales[ki], 40, 2, panel_sets[pi]);
                    in.zoom = zin[zi];
                    check_node_fits(&in);
                    check_shows(&in, 0);
                    check_shows(&in, 20);
                    check_shows(&in, 39);
                }
}

/* ---- scaling ---- */

static void expect_scaled(Rect a, Rect b, float f, const char *what)
{
    if (fabsf(b.x - f * a.x) > 0.02f || fabsf(b.y - f * a.y) > 0.02f ||
        fabsf(b.w - f * a.w) > 0.02f || fabsf(b.h - f * a.h) > 0.02f)
        fail_msg("%s: (%.2f %.2f %.2f %.2f) x %.2f != (%.2f %.2f %.2f %.2f)", what, a.x, a.y, a.w,
                 a.h, f, b.x, b.y, b.w, b.h);
}

/* The design is one picture: at 1920x1080 and 3840x2160 every rectangle is
 * the 1280x720 one times 1.5 and 3, so the text (sized by s) grows too. */
static void test_whole_ui_scales_with_window(void **state)
{
    (void)state;
    for (size_t ti = 0; ti < 4; ti++)
        for (size_t li = 0; li < 3; li++)
            for (size_t pi = 0; pi < 3; pi++) {
                int T = steps_list[ti], L = layers_list[li];
                LayoutInput base = input(1280, 720, 1, T, L, panel_sets[pi]);
                base.follow = true;
                base.focus_t = T / 2;
                Layout lo0;
                layout_compute(&lo0, &base);
                assert_true(fabsf(lo0.s - 1.0f) < 1e-6f);
                for (int si = 1; si < 3; si++) {
                    LayoutInput in = base;
                    in.win_w = sizes[si][0];
                    in.win_h = sizes[si][1];
                    Layout lo;
                    layout_compute(&lo, &in);
                    float f = (float)sizes[si][0] / 1280.0f;
                    assert_true(fabsf(lo.s - f) < 1e-5f);
                    expect_scaled(lo0.top, lo.top, f, "top");
                    expect_scaled(lo0.net, lo.net, f, "net");
                    expect_scaled(lo0.grid, lo.grid, f, "grid");
                    expect_scaled(lo0.side, lo.side, f, "side");
                    expect_scaled(lo0.inspector, lo.inspector, f, "inspector");
                    expect_scaled(lo0.plots, lo.plots, f, "plots");
                    expect_scaled(lo0.controls, lo.controls, f, "controls");
                    expect_scaled(lo0.lesson, lo.lesson, f, "lesson");
                    assert_true(fabsf(lo.col_w - f * lo0.col_w) < 0.02f);
                    for (int l = 0; l < L; l++)
                        expect_scaled(layout_node(&lo0, ROW_LAYER, l, T / 2),
                                      layout_node(&lo, ROW_LAYER, l, T / 2), f, "layer node");
                    expect_scaled(layout_node(&lo0, ROW_INPUT, -1, T / 2),
                                  layout_node(&lo, ROW_INPUT, -1, T / 2), f, "input node");
                }
            }
}

/* The presenter's UI scale enlarges everything drawn with s, in the same
 * window; the window factor and the user's scale multiply. */
static void test_ui_scale_grows_ui(void **state)
{
    (void)state;
    for (size_t si = 0; si < 3; si++) {
        LayoutInput in = input(sizes[si][0], sizes[si][1], 1, 10, 1, panel_sets[0]);
        Layout a, b;
        layout_compute(&a, &in);
        in.ui_scale = 1.5f;
        layout_compute(&b, &in);
        assert_true(fabsf(b.s - 1.5f * a.s) < 1e-5f);
        assert_true(fabsf(b.top.h - 1.5f * a.top.h) < 0.02f);
        assert_true(fabsf(b.controls.h - 1.5f * a.controls.h) < 0.02f);
        assert_true(b.node_h >= a.node_h && b.small_h >= a.small_h);
        assert_true(b.side.w > a.side.w);
    }
    /* a larger window never gives a smaller scale */
    float prev = 0;
    const int ws[][2] = {{1024, 600},  {1280, 720},  {1366, 768}, {1600, 900},
                         {1920, 1080}, {2560, 1440}, {3840, 2160}};
    for (int i = 0; i < 7; i++) {
        LayoutInput in = input(ws[i][0], ws[i][1], 1, 10, 1, panel_sets[0]);
        Layout lo;
        layout_compute(&lo, &in);
        assert_true(lo.s >= prev);
        prev = lo.s;
        check_regions(&lo, &in);
        check_nodes(&lo, &in);
    }
}

/* ---- the rectangle helpers ---- */

static void test_rect_helpers(void **state)
{
    (void)state;
    Rect a = mk(0, 0, 10, 10);
    assert_true(rect_contains(a, 0, 0));
    assert_true(rect_contains(a, 9.9f, 9.9f));
    assert_false(rect_contains(a, 10, 5)); /* right and bottom edges are outside */
    assert_false(rect_contains(a, -0.1f, 5));
    assert_true(rect_inside(mk(2, 2, 3, 3), a));
    assert_true(rect_inside(a, a));
    assert_false(rect_inside(mk(8, 8, 3, 3), a));
    assert_true(rect_overlap(a, mk(9, 9, 5, 5)));
    assert_false(rect_overlap(a, mk(10, 0, 5, 5))); /* touching edges do not overlap */
    assert_false(rect_overlap(a, mk(0, 10, 5, 5)));
    assert_false(rect_overlap(a, mk(20, 20, 5, 5)));
}

/* Focus: the focused panel gets at least half the window, drawn larger,
 * and leaving focus gives back the layout it replaced; fit all shows
 * every column of a 100-step sequence at 1920x1080. */
static void test_focus_and_fit(void **state)
{
    (void)state;
    for (size_t si = 0; si < 2; si++)
        for (size_t ki = 0; ki < 2; ki++) {
            LayoutInput in = {.win_w = sizes[si][0],
                              .win_h = sizes[si][1],
                              .ui_scale = scales[ki],
                              .steps = 40,
                              .layers = 1,
                              .zoom = 1,
                              .follow = true,
                              .show_lesson = true,
                              .show_side = true,
                              .show_controls = true};
            Layout before, focused, after;
            layout_compute(&before, &in);
            float win = (float)in.win_w * in.win_h;
            LayoutFocus kinds[3] = {FOCUS_PLOT, FOCUS_INSPECTOR, FOCUS_DIAGRAM};
            for (int f = 0; f < 3; f++) {
                in.focus = kinds[f];
                layout_compute(&focused, &in);
                Rect r = f == 0 ? focused.plots : f == 1 ? focused.inspector : focused.net;
                print_message("focus %d at %dx%d scale %.1f: %.0f%% of the window\n", f, in.win_w,
                              in.win_h, scales[ki], 100 * r.w * r.h / win);
                assert_true(r.w * r.h >= 0.5f * win);
                assert_true((f == 2 ? focused.s_net : focused.s_side) > focused.s);
            }
            in.focus = FOCUS_NONE;
            layout_compute(&after, &in);
            Rect b[4] = {before.net, before.inspector, before.plots, before.lesson};
            Rect a[4] = {after.net, after.inspector, after.plots, after.lesson};
            assert_memory_equal(b, a, sizeof b);
            assert_true(before.col_w == after.col_w && before.s_side == after.s_side);
        }
    LayoutInput in = {.win_w = 1920,
                      .win_h = 1080,
                      .ui_scale = 1,
                      .steps = 100,
                      .layers = 2,
                      .zoom = 1,
                      .follow = true,
                      .show_lesson = true,
                      .show_side = true,
                      .show_controls = true,
                      .fit_all = true};
    Layout lo;
    layout_compute(&lo, &in);
    int t0, t1;
    layout_visible_cols(&lo, &t0, &t1);
    assert_int_equal(t0, 0);
    assert_int_equal(t1, 99);
    for (int t = 0; t < 100; t++)
        assert_true(inside(layout_node(&lo, ROW_LAYER, 1, t), lo.grid));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nodes_and_regions),
        cmocka_unit_test(test_scroll_to_show),
        cmocka_unit_test(test_scroll_clamped),
        cmocka_unit_test(test_zoomed_in_node_fits_grid),
        cmocka_unit_test(test_whole_ui_scales_with_window),
        cmocka_unit_test(test_ui_scale_grows_ui),
        cmocka_unit_test(test_rect_helpers),
        cmocka_unit_test(test_focus_and_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
