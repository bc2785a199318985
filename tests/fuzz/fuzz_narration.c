/* libFuzzer harness for a lesson's narration as it is drawn: the input is
 * a whole lesson file; when it parses, its introduction and every step are
 * drawn through the view (the lesson panel beside a small session) into the
 * SVG backend (as text) and the PNG backend (rasterised with the real
 * fonts; the last step also encoded). Built and run by scripts/fuzz.sh with -max_len
 * 1048576 (LESSON_MAX_BYTES); replayed by tests/test_fuzz_corpus.c
 * (FUZZ_NO_ENTRY).
 *
 * The session is created once (the default task at a small size) and the
 * lesson's actions are not run: this harness is about narration, not the
 * steps' work (fuzz_do covers that). Steps alternate between two window
 * sizes and scales so the panel reflows.
 *
 * The contract checked: a refused lesson names the file; an accepted one
 * draws every step into a balanced draw list that did not overflow, whose
 * SVG and PNG are produced. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "lesson.h"
#include "png_out.h"
#include "raster.h"
#include "session.h"
#include "settings.h"
#include "svg_out.h"
#include "theme.h"
#include "view.h"

typedef struct {
    Session *session;
    Fonts *fonts;
    DrawList *dl;
    RasterCanvas *canvas;
} FuzzNarration;

/* Everything that outlives one input; NULL members when out of memory. */
static FuzzNarration *fuzz_narration_env(void)
{
    static FuzzNarration env;
    static bool init;
    if (init)
        return &env;
    init = true;
    Settings st;
    settings_default(&st);
    st.hidden = 4;
    st.steps = 6;
    char msg[512];
    FontsError ferr = {{0}};
    env.session = sess_create(&st, msg, sizeof msg);
    env.fonts = fonts_create(NULL, &ferr);
    env.dl = dl_create(200000, 4u << 20, 400000);
    env.canvas = raster_canvas_create(720, 405);
    if (!env.session || !env.fonts || !env.dl || !env.canvas)
        FUZZ_FAIL("narration: cannot set up (%s %s)", msg, ferr.msg);
    return &env;
}

/* One step (0: the introduction) drawn into both backends; encoded as a
 * PNG file's bytes when encode (zlib's time would otherwise be most of a
 * run's). */
static void fuzz_narration_step(FuzzNarration *env, const Lesson *lesson, int step, bool encode)
{
    static HitList hits;
    ViewState vs = view_state_default();
    vs.ui_scale = step % 2 ? 1.5f : 1.0f;
    int w = step % 2 ? 720 : 480, h = step % 2 ? 405 : 360;
    ViewParams vp = {.win_w = w,
                     .win_h = h,
                     .measure = fonts_measure(env->fonts),
                     .lesson = lesson,
                     .lesson_step = step,
                     .state = &vs};
    view_draw(sess_view_model(env->session), &vp, env->dl, &hits);
    if (dl_overflowed(env->dl) || dl_clip_error(env->dl) || dl_clip_depth(env->dl) != 0)
        FUZZ_FAIL("step %d: draw list overflowed (%d) or clips unbalanced (%d, depth %d)", step,
                  dl_overflowed(env->dl), dl_clip_error(env->dl), dl_clip_depth(env->dl));
    DlColor bg = theme_get(false)->bg;
    char *svg = svg_out_string(env->dl, w, h, bg, env->fonts);
    if (!svg)
        FUZZ_FAIL("step %d: no SVG for a valid draw list", step);
    free(svg);
    if (raster_canvas_resize(env->canvas, w, h) != 0 ||
        raster_render(env->canvas, env->dl, env->fonts, bg) != 0)
        FUZZ_FAIL("step %d: the raster backend refused a valid draw list", step);
    if (!encode)
        return;
    uint8_t *png = NULL;
    size_t n = 0;
    PngError err = {{0}};
    if (png_out_encode(env->canvas, &png, &n, &err) != 0 || n < 8)
        FUZZ_FAIL("step %d: no PNG (%s)", step, err.msg);
    free(png);
}

/* 0 when the lesson parsed and every step was drawn, -1 with msg when it
 * was refused. */
static int fuzz_narration_run(const uint8_t *data, size_t size, char *msg, size_t cap)
{
    FuzzNarration *env = fuzz_narration_env();
    Lesson *lesson = lesson_parse((const char *)data, size, "fuzz.md", msg, cap);
    if (!lesson) {
        fuzz_check_message("narration", msg, "fuzz.md");
        return -1;
    }
    int n = lesson_step_count(lesson);
    for (int k = 0; k <= n; k++)
        fuzz_narration_step(env, lesson, k, k == n);
    lesson_destroy(lesson);
    snprintf(msg, cap, "ok");
    return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[600];
    fuzz_narration_run(data, size, msg, sizeof msg);
    return 0;
}
#endif
