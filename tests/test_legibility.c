/* Legible from the back of a hall: every step of every shipped lesson is
 * drawn at 1280x720 and 1920x1080, UI scale 1, 1.5 and 2, and its draw list
 * read back, measured with the shipped fonts (the estimate without them).
 * - At 1920x1080, scale 1, the smallest text of each class is at its floor:
 *   narration 26 px, node values 28 px, plot ticks and legends 20 px, and
 *   nothing below 16 px.
 * - At all six, no text should be cut with "…", leave its panel or its
 *   clip, overlap another, or lie on a plotted line: every such problem is
 *   listed (LEGIBILITY_ALL=1: all of them); cuts at scale 1 fail the test,
 *   the rest are not yet zero and are counted, not failed.
 * The inspector is held to its floor (16 px) and to no cuts at scale 1 like
 * the rest; its other problems are counted apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fonts.h"
#include "lesson.h"
#include "lesson_run.h"
#include "render_file.h"
#include "session.h"
#include "view.h"

typedef struct {
    int w, h;
    float scale;
} Screen;

static const Screen screens[] = {{1920, 1080, 1}, {1920, 1080, 1.5f}, {1920, 1080, 2},
                                 {1280, 720, 1},  {1280, 720, 1.5f},  {1280, 720, 2}};

/* Floors in pixels at 1920x1080, scale 1, per DlTextClass. */
static const float floors[DL_TEXT_CLASS_COUNT] = {16, 26, 28, 20, 16};
static const char *const class_names[DL_TEXT_CLASS_COUNT] = {"other", "narration", "node value",
                                                             "tick/legend", "inspector"};

static DrawList *dl;
static HitList hits;
static Fonts *fonts;
static DlMeasure m;

/* The smallest size of each class at the reference screen, over every step. */
static float smallest[DL_TEXT_CLASS_COUNT];
static char smallest_what[DL_TEXT_CLASS_COUNT][160];
static int problems, inspector_problems, cut_at_scale_1;

static void problem(bool inspector, const char *fmt, ...)
{
    int *n = inspector ? &inspector_problems : &problems;
    if (++*n <= (inspector ? 10 : 60) || getenv("LEGIBILITY_ALL")) {
        va_list ap;
        va_start(ap, fmt);
        fputs(inspector ? "  inspector: " : "  ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
    }
}

typedef struct {
    Rect r;
    const DlCmd *c;
} Box;

static Box text_box(const DlCmd *c)
{
    float w = m.text_width(m.ctx, c->font, c->size_px, c->text);
    float h = m.line_height(m.ctx, c->font, c->size_px);
    float x = c->align == DL_ALIGN_LEFT     ? c->x
              : c->align == DL_ALIGN_CENTER ? c->x - w / 2
                                            : c->x - w;
    /* the line box holds the ascent and descent: the ink is inside it */
    float inset = 0.12f * c->size_px;
    return (Box){{x + 0.5f, c->y + inset, w - 1, h - 2 * inset}, c};
}

static const Rect *panel_of(const Layout *lo, float x, float y)
{
    const Rect *panels[] = {&lo->top,       &lo->lesson, &lo->net,
                            &lo->inspector, &lo->plots,  &lo->controls};
    for (size_t i = 0; i < sizeof panels / sizeof panels[0]; i++)
        if (panels[i]->w > 0 && rect_contains(*panels[i], x, y))
            return panels[i];
    return NULL;
}

static const char *where_tag;

static void check_box(const Box *b, const Layout *lo, Screen sc)
{
    const DlCmd *c = b->c;
    bool insp = c->text_class == DL_TEXT_INSPECTOR;
    if (c->text_class != DL_TEXT_BODY && strstr(c->text, "…")) {
        problem(insp, "%s: '%s' cut with an ellipsis", where_tag, c->text);
        cut_at_scale_1 += sc.scale == 1;
    }
    const Rect *p = panel_of(lo, c->x, c->y + 1);
    Rect win = {0, 0, (float)sc.w, (float)sc.h};
    if (!rect_inside(b->r, p ? *p : win))
        problem(insp, "%s: '%s' (%.0f,%.0f %.0fx%.0f) leaves its panel", where_tag, c->text, b->r.x,
                b->r.y, b->r.w, b->r.h);
    if (c->has_clip && c->text_class != DL_TEXT_BODY) {
        Rect clip = {c->clip_x0, c->clip_y0, c->clip_x1 - c->clip_x0, c->clip_y1 - c->clip_y0};
        if (!rect_inside(b->r, clip) && rect_overlap(b->r, clip))
            problem(insp, "%s: '%s' cut by its clip", where_tag, c->text);
    }
}

/* Whether a plotted line passes through r (its points, and points along
 * each segment). */
static bool line_through(const DlCmd *pl, Rect r)
{
    for (int i = 0; i + 1 < pl->n_points; i++) {
        float x0 = pl->points[2 * i], y0 = pl->points[2 * i + 1];
        float x1 = pl->points[2 * i + 2], y1 = pl->points[2 * i + 3];
        for (int s = 0; s <= 8; s++)
            if (rect_contains(r, x0 + (x1 - x0) * s / 8, y0 + (y1 - y0) * s / 8))
                return true;
    }
    return false;
}

static Box boxes[8192];

static void check_overlaps(int n, const Layout *lo)
{
    for (int i = 0; i < n; i++) {
        bool insp = boxes[i].c->text_class == DL_TEXT_INSPECTOR;
        for (int j = i + 1; j < n; j++)
            if (rect_overlap(boxes[i].r, boxes[j].r))
                problem(insp || boxes[j].c->text_class == DL_TEXT_INSPECTOR,
                        "%s: '%s' overlaps '%s'", where_tag, boxes[i].c->text, boxes[j].c->text);
        if (boxes[i].c->text_class != DL_TEXT_TICK ||
            !rect_contains(lo->plots, boxes[i].c->x, boxes[i].c->y + 1))
            continue;
        for (int k = 0; k < dl_count(dl); k++) {
            const DlCmd *c = dl_cmd(dl, k);
            if (c->kind == DL_CMD_POLYLINE &&
                rect_contains(lo->plots, c->points[0], c->points[1]) &&
                line_through(c, boxes[i].r)) {
                problem(false, "%s: '%s' lies on a plotted line", where_tag, boxes[i].c->text);
                break;
            }
        }
    }
}

static void note_size(const DlCmd *c, const char *name, int k)
{
    int cls = c->text_class;
    if (c->size_px < smallest[cls]) {
        smallest[cls] = c->size_px;
        snprintf(smallest_what[cls], sizeof smallest_what[cls], "%s step %d: '%.60s'", name, k,
                 c->text);
    }
}

static void check_screen(Session *s, const Lesson *l, int k, Screen sc)
{
    ViewState v = view_state_default();
    v.ui_scale = sc.scale;
    ViewParams vp = {
        .win_w = sc.w, .win_h = sc.h, .measure = m, .lesson = l, .lesson_step = k, .state = &v};
    dl_clear(dl);
    view_draw(sess_view_model(s), &vp, dl, &hits);
    assert_false(dl_overflowed(dl));
    Layout lo;
    view_layout(sess_view_model(s), &vp, &lo);
    char tag[160];
    snprintf(tag, sizeof tag, "%s step %d at %dx%d scale %.1f", lesson_name(l), k, sc.w, sc.h,
             sc.scale);
    where_tag = tag;
    int n = 0;
    for (int i = 0; i < dl_count(dl); i++) {
        const DlCmd *c = dl_cmd(dl, i);
        if (c->kind != DL_CMD_TEXT || !c->text[0] || !strcmp(c->text, " "))
            continue;
        if (sc.w == 1920 && sc.scale == 1)
            note_size(c, lesson_name(l), k);
        Box b = text_box(c);
        if (c->has_clip &&
            !rect_overlap(b.r, (Rect){c->clip_x0, c->clip_y0, c->clip_x1 - c->clip_x0,
                                      c->clip_y1 - c->clip_y0}))
            continue; /* wholly clipped away: not seen */
        check_box(&b, &lo, sc);
        if (n < (int)(sizeof boxes / sizeof boxes[0]))
            boxes[n++] = b;
    }
    check_overlaps(n, &lo);
}

static void walk_lesson(const char *path)
{
    char msg[800];
    Lesson *l = lesson_load(path, msg, sizeof msg);
    if (!l)
        fail_msg("%s", msg);
    Session *s = lesson_enter(l, 0, msg, sizeof msg);
    if (!s)
        fail_msg("%s", msg);
    for (int k = 0; k <= lesson_step_count(l); k++) {
        if (k > 0 && lesson_advance(l, s, k, msg, sizeof msg))
            fail_msg("%s", msg);
        for (size_t i = 0; i < sizeof screens / sizeof screens[0]; i++)
            check_screen(s, l, k, screens[i]);
    }
    sess_destroy(s);
    lesson_destroy(l);
}

static void test_every_lesson_step(void **state)
{
    (void)state;
    static char paths[64][512];
    int n = lesson_list(lesson_dir(), paths, 64);
    assert_true(n > 0);
    for (int c = 0; c < DL_TEXT_CLASS_COUNT; c++)
        smallest[c] = INFINITY;
    for (int i = 0; i < n; i++)
        walk_lesson(paths[i]);
    bool low = false;
    for (int c = 0; c < DL_TEXT_CLASS_COUNT; c++) {
        fprintf(stderr, "smallest %-12s %5.1f px (floor %.0f)  %s\n", class_names[c], smallest[c],
                floors[c], smallest_what[c]);
        if (smallest[c] < floors[c] - 0.01f)
            low = true;
    }
    fprintf(stderr, "%d problems, %d in the inspector\n", problems, inspector_problems);
    assert_false(low);
    /* Not yet zero (see the list above): overlaps and panel edges at every
     * size, and cuts at scales 1.5 and 2. Cuts at scale 1 are gone. */
    assert_int_equal(cut_at_scale_1, 0);
}

static int setup(void **state)
{
    (void)state;
    dl = dl_create(RENDER_MAX_CMDS, RENDER_MAX_TEXT, RENDER_MAX_POINTS);
    FontsError err;
    fonts = fonts_create(NULL, &err);
    m = fonts ? fonts_measure(fonts) : dl_measure_approx();
    if (!fonts)
        print_message("fonts not found (%s): measured with the estimate\n", err.msg);
    return dl ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    dl_destroy(dl);
    fonts_destroy(fonts);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_every_lesson_step)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
