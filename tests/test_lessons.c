/* The shipped lessons, run headless. Every lesson file of lesson_dir()
 * parses; every step is entered by walking (lesson_advance) and drawn at
 * 1920x1080 and 1280x720, UI scale 1 and 1.5, measured with the font-free
 * estimate and with the shipped fonts, without overflow, with the full title and step title and
 * with every line of narration inside its panel; entering step k directly (lesson_enter) gives the
 * same draw list, command by command, and the same parameters as walking to it. Then each lesson's
 * claims are checked in the engine's own numbers: the 131-parameter summary, the forward and
 * backward pass facts the narration states, mod 3 solved, the vanishing ratio below its stated
 * bound, clipping removing the loss spikes, gated cells keeping orders of magnitude more gradient
 * than the RNN and learning the adding problem it cannot, and the language model's loss falling
 * below its stated value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fonts.h"
#include "init.h"
#include "lesson.h"
#include "lesson_run.h"
#include "model_io.h"
#include "prompt.h"
#include "render_file.h"
#include "session.h"
#include "spectral.h"
#include "view.h"

static DrawList *dl_a, *dl_b;

/* |a - b| <= tol, in double (cmocka's assert_float_equal is single precision) */
#define assert_near(a, b, tol)                                                                     \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= (tol)))                                                             \
            fail_msg("%s = %.17g, %s = %.17g: further apart than %g", #a, a_, #b, b_,              \
                     (double)(tol));                                                               \
    } while (0)
static HitList hits;

typedef struct {
    int w, h;
    float scale;
} Screen;

/* The sizes a lesson must read well at; the first is the reference. */
static const Screen screens[] = {
    {1920, 1080, 1}, {1920, 1080, 1.5f}, {1280, 720, 1}, {1280, 720, 1.5f}};

/* ---- drawing ---------------------------------------------------------------------- */

static Fonts *fonts; /* the shipped fonts, to measure as the window does; NULL: none */

static void draw_with(Session *s, const Lesson *l, int k, Screen sc, DlMeasure m, DrawList *dl,
                      Layout *lo)
{
    ViewState v = view_state_default();
    v.ui_scale = sc.scale;
    ViewParams vp = {
        .win_w = sc.w, .win_h = sc.h, .measure = m, .lesson = l, .lesson_step = k, .state = &v};
    /* the step's question and goal as first shown take their room too */
    static PromptView pv;
    if (k > 0) {
        PromptState st = prompt_state_new();
        prompt_view(lesson_step_prompt(l, k - 1), &st, s, &pv);
        vp.prompt = pv.has_ask || pv.has_goal ? &pv : NULL;
    }
    dl_clear(dl);
    view_draw(sess_view_model(s), &vp, dl, &hits);
    if (lo)
        view_layout(sess_view_model(s), &vp, lo);
    if (dl_overflowed(dl) || dl_clip_error(dl) || dl_clip_depth(dl) != 0)
        fail_msg("%s step %d at %dx%d scale %.1f: draw list overflowed or clips unbalanced",
                 lesson_name(l), k, sc.w, sc.h, sc.scale);
}

static void draw(Session *s, const Lesson *l, int k, Screen sc, DrawList *dl, Layout *lo)
{
    draw_with(s, l, k, sc, dl_measure_approx(), dl, lo);
}

/* Whether text is drawn whole inside r: as one text command, or wrapped
 * into consecutive commands holding its words in order. */
static bool has_text_in(const DrawList *dl, Rect r, const char *text)
{
    static char joined[1 << 16];
    size_t n = 0;
    for (int i = 0; i < dl_count(dl); i++) {
        const DlCmd *c = dl_cmd(dl, i);
        if (c->kind != DL_CMD_TEXT || !rect_contains(r, c->x, c->y))
            continue;
        if (!strcmp(c->text, text))
            return true;
        size_t len = strlen(c->text);
        if (n + len + 2 >= sizeof joined)
            break;
        if (n)
            joined[n++] = ' ';
        memcpy(joined + n, c->text, len);
        n += len;
    }
    joined[n] = '\0';
    return strstr(joined, text) != NULL;
}

/* The narration is the text inside the clip the lesson panel pushes for
 * its body: every line must lie inside that clip (the panel shrinks the
 * text to a minimum size, then clips). The title and step title must be
 * drawn whole, not cut with an ellipsis. */
static void check_fits(const Lesson *l, int k, Screen sc, DlMeasure m, const DrawList *dl,
                       const Layout *lo)
{
    bool in_body = false;
    float x1 = 0, y1 = 0;
    int body_lines = 0;
    for (int i = 0; i < dl_count(dl); i++) {
        const DlCmd *c = dl_cmd(dl, i);
        if (c->kind == DL_CMD_CLIP_PUSH && rect_contains(lo->lesson, c->x + 1, c->y + 1)) {
            in_body = true;
            x1 = c->clip_x1;
            y1 = c->clip_y1;
        } else if (c->kind == DL_CMD_CLIP_POP) {
            in_body = false;
        } else if (c->kind == DL_CMD_TEXT && in_body) {
            float right = c->x + m.text_width(m.ctx, c->font, c->size_px, c->text);
            float bottom = c->y + m.line_height(m.ctx, c->font, c->size_px);
            body_lines++;
            if (bottom > y1 + 0.5f || right > x1 + 0.5f)
                fail_msg("%s step %d at %dx%d scale %.1f: narration '%s' reaches (%.0f, %.0f), "
                         "outside the panel's body (right %.0f, bottom %.0f)",
                         lesson_name(l), k, sc.w, sc.h, sc.scale, c->text, right, bottom, x1, y1);
        }
    }
    if (body_lines == 0)
        fail_msg("%s step %d: no narration drawn", lesson_name(l), k);
    if (!has_text_in(dl, lo->lesson, lesson_title(l)))
        fail_msg("%s at %dx%d scale %.1f: the title '%s' is not drawn whole", lesson_name(l), sc.w,
                 sc.h, sc.scale, lesson_title(l));
    if (k > 0 && !has_text_in(dl, lo->lesson, lesson_step_title(l, k - 1)))
        fail_msg("%s step %d at %dx%d scale %.1f: the step title '%s' is not drawn whole",
                 lesson_name(l), k, sc.w, sc.h, sc.scale, lesson_step_title(l, k - 1));
}

/* The step's question and goal card: over the diagram (not the narration),
 * every line of it inside its clip. Its clip is the one whose first text
 * is the card's label. */
static void check_card(const Lesson *l, int k, Screen sc, DlMeasure m, const DrawList *dl,
                       const Layout *lo)
{
    int start = -1;
    for (int i = 1; i < dl_count(dl) && start < 0; i++) {
        const DlCmd *c = dl_cmd(dl, i), *prev = dl_cmd(dl, i - 1);
        if (c->kind == DL_CMD_TEXT && prev->kind == DL_CMD_CLIP_PUSH &&
            (!strcmp(c->text, "QUESTION") || !strcmp(c->text, "TRY")))
            start = i - 1;
    }
    const StepPrompt *p = k > 0 ? lesson_step_prompt(l, k - 1) : NULL;
    if (start < 0) {
        if (p && (p->has_ask || p->has_goal))
            fail_msg("%s step %d: the question/goal card is not drawn", lesson_name(l), k);
        return;
    }
    const DlCmd *clip = dl_cmd(dl, start);
    Rect card = {clip->clip_x0, clip->clip_y0, clip->clip_x1 - clip->clip_x0,
                 clip->clip_y1 - clip->clip_y0};
    /* over the diagram, never over the narration while the diagram is shown
     * (a focus or a wide narration hides it: then over the largest panel) */
    bool net_shown = lo->net.w > 0 && lo->net.h > 0;
    Rect win = {0, 0, (float)sc.w, (float)sc.h};
    if (!rect_inside(card, win) || (net_shown && rect_overlap(card, lo->lesson)))
        fail_msg("%s step %d at %dx%d scale %.1f: the card (%.0f, %.0f, %.0f x %.0f) is not over "
                 "the diagram alone",
                 lesson_name(l), k, sc.w, sc.h, sc.scale, card.x, card.y, card.w, card.h);
    for (int i = start + 1; i < dl_count(dl); i++) {
        const DlCmd *c = dl_cmd(dl, i);
        if (c->kind == DL_CMD_CLIP_POP)
            break;
        if (c->kind != DL_CMD_TEXT)
            continue;
        float tw = m.text_width(m.ctx, c->font, c->size_px, c->text);
        float right = c->x + (c->align == DL_ALIGN_LEFT     ? tw
                              : c->align == DL_ALIGN_CENTER ? tw / 2
                                                            : 0);
        float bottom = c->y + m.line_height(m.ctx, c->font, c->size_px);
        if (bottom > clip->clip_y1 + 0.5f || right > clip->clip_x1 + 0.5f)
            fail_msg("%s step %d at %dx%d scale %.1f: card text '%s' reaches (%.0f, %.0f), outside "
                     "the card (right %.0f, bottom %.0f)",
                     lesson_name(l), k, sc.w, sc.h, sc.scale, c->text, right, bottom, clip->clip_x1,
                     clip->clip_y1);
    }
}

/* ---- running a lesson -------------------------------------------------------------- */

static void dump_state(const char *tag, const Net *net);

/* Checks a lesson's own claims at step k (0 = introduction). */
typedef void (*ClaimFn)(const Lesson *l, Session *s, int k);

static Lesson *load(const char *path)
{
    char msg[800];
    Lesson *l = lesson_load(path, msg, sizeof msg);
    if (!l)
        fail_msg("%s", msg);
    return l;
}

static void run_lesson(const char *path, ClaimFn claims)
{
    Lesson *l = load(path);
    int n = lesson_step_count(l);
    if (n < 1 || n > 8)
        fail_msg("%s: %d steps (a lesson has 1 to 8)", path, n);
    char msg[800];
    Session *walk = lesson_enter(l, 0, msg, sizeof msg);
    if (!walk)
        fail_msg("%s", msg);
    Layout lo;
    for (int k = 0; k <= n; k++) {
        if (k > 1 && lesson_reveal(l, walk, k - 1, msg, sizeof msg))
            fail_msg("%s", msg);
        if (k > 0 && lesson_advance(l, walk, k, msg, sizeof msg))
            fail_msg("%s", msg);
        for (size_t i = 0; i < sizeof screens / sizeof screens[0]; i++) {
            DlMeasure m = dl_measure_approx();
            draw_with(walk, l, k, screens[i], m, dl_a, &lo);
            check_fits(l, k, screens[i], m, dl_a, &lo);
            check_card(l, k, screens[i], m, dl_a, &lo);
            if (fonts) {
                m = fonts_measure(fonts);
                draw_with(walk, l, k, screens[i], m, dl_a, &lo);
                check_fits(l, k, screens[i], m, dl_a, &lo);
                check_card(l, k, screens[i], m, dl_a, &lo);
            }
        }
        /* entering step k directly is walking to it */
        draw(walk, l, k, screens[0], dl_a, NULL);
        Session *jump = lesson_enter(l, k, msg, sizeof msg);
        if (!jump)
            fail_msg("%s", msg);
        draw(jump, l, k, screens[0], dl_b, NULL);
        int d = support_first_difference(dl_a, dl_b);
        if (d >= 0)
            fail_msg("%s step %d: jumping and walking differ at draw command %d of %d/%d", path, k,
                     d, dl_count(dl_a), dl_count(dl_b));
        const Net *a = sess_net(walk), *b = sess_net(jump);
        assert_int_equal(net_num_params(a), net_num_params(b));
        if (memcmp(net_params_const(a), net_params_const(b), sizeof(double) * net_num_params(a)))
            fail_msg("%s step %d: jumping and walking give different parameters", path, k);
        assert_int_equal(sess_cursor(walk), sess_cursor(jump));
        assert_int_equal(sess_iteration(walk), sess_iteration(jump));
        sess_destroy(jump);
        if (claims) {
            claims(l, walk, k);
            char tag[32];
            const char *base = strrchr(path, '/');
            snprintf(tag, sizeof tag, "%.2s-s%d", base ? base + 1 : path, k);
            dump_state(tag, sess_net(walk));
        }
    }
    sess_destroy(walk);
    lesson_destroy(l);
}

/* The shipped lesson whose file name starts with prefix ("01-"), or NULL. */
static const char *find_lesson(const char *prefix, char paths[][512], int n)
{
    for (int i = 0; i < n; i++) {
        const char *base = strrchr(paths[i], '/');
        base = base ? base + 1 : paths[i];
        if (!strncmp(base, prefix, strlen(prefix)))
            return paths[i];
    }
    return NULL;
}

static char lesson_paths[64][512];
static int lesson_n;

static void run_shipped(const char *prefix, ClaimFn claims)
{
    const char *path = find_lesson(prefix, lesson_paths, lesson_n);
    if (!path && strcmp(lesson_dir(), RNNVIZ_LESSONS_DIR) != 0)
        skip(); /* RNNVIZ_LESSONS names a lecturer's own directory */
    if (!path)
        fail_msg("no lesson %s*.md in %s", prefix, lesson_dir());
    run_lesson(path, claims);
}

/* ---- the state a claim reads, for an independent check ------------------------------------ */

/* With RNNVIZ_CLAIMS_DIR set, writes the network of a claim as DIR/TAG.model.json and its
 * batch (inputs, targets, start state) as DIR/TAG.data.json, in the formats of
 * shared/spec/engine-contract.md, and the engine's L, L_t and ||dL/dh_t|| (layer 0) as
 * DIR/TAG.engine.json: tests/tools/check_lesson_claims.py recomputes the claims from them
 * in NumPy. */
static void put_vec(FILE *f, const double *v, int n)
{
    fputc('[', f);
    for (int i = 0; i < n; i++)
        fprintf(f, i ? ",%.17g" : "%.17g", v[i]);
    fputc(']', f);
}

static void put_rows(FILE *f, const double *v, int rows, int cols)
{
    fputc('[', f);
    for (int r = 0; r < rows; r++) {
        if (r)
            fputc(',', f);
        put_vec(f, v + (size_t)r * cols, cols);
    }
    fputc(']', f);
}

static void put_batch(FILE *f, const Net *net)
{
    const NetConfig *cfg = net_config(net);
    int B = net_batch_size(net), T = net_steps(net), I = cfg->input_size, O = cfg->output_size;
    bool last = cfg->targets == NET_TARGETS_LAST;
    fputs("{\"format\": \"rnnviz-data\", \"version\": 1, \"inputs\": [", f);
    for (int b = 0; b < B; b++) {
        fputs(b ? ",[" : "[", f);
        for (int t = 0; t < T; t++) {
            if (t)
                fputc(',', f);
            put_vec(f, net_x(net, t) + (size_t)b * I, I);
        }
        fputc(']', f);
    }
    fputs("], \"targets\": [", f);
    for (int b = 0; b < B; b++) {
        fputs(b ? ",[" : "[", f);
        for (int t = last ? T - 1 : 0, first = 1; t < T; t++, first = 0) {
            if (!first)
                fputc(',', f);
            if (cfg->loss == NET_LOSS_SOFTMAX_CE)
                fprintf(f, "%d", net_target_class(net, t)[b]);
            else
                put_vec(f, net_target_vec(net, t) + (size_t)b * O, O);
        }
        fputc(']', f);
    }
    fputs("], \"h0\": [", f);
    for (int l = 0; l < cfg->num_layers; l++) {
        fputs(l ? "," : "", f);
        put_rows(f, net_h(net, l, -1), B, cfg->hidden_size);
    }
    fputc(']', f);
    if (cfg->cell == NET_CELL_LSTM) {
        fputs(", \"c0\": [", f);
        for (int l = 0; l < cfg->num_layers; l++) {
            fputs(l ? "," : "", f);
            put_rows(f, net_c(net, l, -1), B, cfg->hidden_size);
        }
        fputc(']', f);
    }
    fputs("}\n", f);
}

static void put_engine(FILE *f, const Net *net)
{
    int T = net_steps(net);
    fprintf(f, "{\"loss\": %.17g, \"step_loss\": [", net_loss(net));
    for (int t = 0; t < T; t++)
        fprintf(f, t ? ",%.17g" : "%.17g", net_step_loss(net, t));
    fputs("], \"grad_h\": [", f);
    for (int t = 0; t < T; t++) {
        double g = net_grad_h(net, 0, t); /* NaN before the backward pass reaches t */
        fprintf(f, isfinite(g) ? "%s%.17g" : "%snull", t ? "," : "", g);
    }
    fputs("]}\n", f);
}

static FILE *open_in(const char *dir, const char *tag, const char *what)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.%s.json", dir, tag, what);
    FILE *f = fopen(path, "w");
    if (!f)
        fail_msg("cannot write %s", path);
    return f;
}

static void dump_state(const char *tag, const Net *net)
{
    const char *dir = getenv("RNNVIZ_CLAIMS_DIR");
    if (!dir || !*dir)
        return;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.model.json", dir, tag);
    NetError err = {{0}};
    if (model_save(net, path, &err) < 0)
        fail_msg("%s", err.msg);
    FILE *f = open_in(dir, tag, "data");
    put_batch(f, net);
    fclose(f);
    f = open_in(dir, tag, "engine");
    put_engine(f, net);
    fclose(f);
}

/* ---- numbers the claims read --------------------------------------------------------- */

static double ratio_h(const Net *net, int t0, int t1)
{
    return net_grad_h(net, 0, t0) / net_grad_h(net, 0, t1);
}

static double vnorm(const double *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

/* sigma_max(W_hh) of layer 0 (an RNN: one block). */
static double sigma_max(const Net *net)
{
    const NetConfig *cfg = net_config(net);
    return spectral_norm(net_params_const(net) + net_param_find(net, "weight_hh_l0")->offset,
                         cfg->hidden_size);
}

/* ||W_hh^k||_2 of layer 0, by repeated products (H <= 64 here). */
static double power_norm(const Net *net, int k)
{
    enum { N = 64 };
    int H = net_config(net)->hidden_size;
    const double *w = net_params_const(net) + net_param_find(net, "weight_hh_l0")->offset;
    static double p[N * N], q[N * N];
    assert_true(H <= N);
    for (int i = 0; i < H * H; i++)
        p[i] = i / H == i % H;
    for (int step = 0; step < k; step++) {
        for (int i = 0; i < H; i++)
            for (int j = 0; j < H; j++) {
                double acc = 0;
                for (int m = 0; m < H; m++)
                    acc += w[i * H + m] * p[m * H + j];
                q[i * H + j] = acc;
            }
        memcpy(p, q, sizeof(double) * H * H);
    }
    return spectral_norm(p, H);
}

static int param_index(const Net *net, const char *name)
{
    for (int k = 0; k < net_param_count(net); k++)
        if (!strcmp(net_param(net, k)->name, name))
            return k;
    fail_msg("no parameter %s", name);
    return -1;
}

/* Largest rise of the training loss from one iteration to the next. */
static double max_loss_jump(const Trainer *tr)
{
    double jump = 0;
    for (int i = 1; i < train_history_len(tr); i++) {
        double d = train_history(tr, i)->loss - train_history(tr, i - 1)->loss;
        if (!isfinite(d))
            return INFINITY;
        jump = fmax(jump, d);
    }
    return jump;
}

static double mean_loss(const double *loss, int from, int to)
{
    double s = 0;
    for (int i = from; i < to; i++)
        s += loss[i];
    return s / (to - from);
}

static double history_mean(const Trainer *tr, int from, int to)
{
    double s = 0;
    for (int i = from; i < to; i++)
        s += train_history(tr, i)->loss;
    return s / (to - from);
}

/* First iteration (1-based) at which the mean loss of the last 20 is
 * below level, or 0. */
static int learned_at(const double *loss, int n, double level)
{
    for (int i = 20; i <= n; i++)
        if (mean_loss(loss, i - 20, i) < level)
            return i;
    return 0;
}

/* The narration (plain text of its spans) contains text. */
static bool says(const Narration *nar, const char *text)
{
    size_t n = narration_plain_text(nar, NULL, 0) + 1;
    char *plain = malloc(n);
    assert_non_null(plain);
    narration_plain_text(nar, plain, n);
    bool found = strstr(plain, text) != NULL;
    free(plain);
    return found;
}

/* The rendered narration of step k (1-based) contains text. */
static void narration_says(const Lesson *l, int k, const char *text)
{
    if (!says(lesson_step_narration(l, k - 1), text))
        fail_msg("%s step %d: the narration does not say '%s'", lesson_name(l), k, text);
}

static void narration_says_intro(const Lesson *l, const char *text)
{
    if (!says(lesson_intro(l), text))
        fail_msg("%s introduction: does not say '%s'", lesson_name(l), text);
}

static NetOp last_op(const Session *s)
{
    return sess_op(s, sess_cursor(s) - 1);
}

/* ---- 0. One number ------------------------------------------------------------------- */

/* The one number of a one-unit network: parameter name's value. */
static double scalar(const Net *net, const char *name)
{
    const NetParam *p = net_param_find(net, name);
    assert_non_null(p);
    assert_int_equal(p->rows * p->cols, 1);
    return net_params_const(net)[p->offset];
}

/* Lesson 0 after backward all (steps 3 to 7): h holds h_0 .. h_10. */
static void claims_00_backward(const Lesson *l, Session *s, int k, const double *h)
{
    const Net *net = sess_net(s);
    double w = scalar(net, "weight_hh_l0"), r = ratio_h(net, 0, 10);
    const double *dh5 = net_dh(net, 0, 5), *dh4 = net_dh(net, 0, 4);
    const double *dh10 = net_dh(net, 0, 10), *dh9 = net_dh(net, 0, 9);
    if (k == 3) { /* at t = 5: 0.070 -> 0.070 -> 0.049 */
        assert_near(dh5[0], 0.070, 5e-4);
        assert_near(dh5[0] * (1 - h[5] * h[5]), 0.070, 5e-4);
        assert_near(dh4[0], 0.049, 5e-4);
        assert_near(dh4[0], w * (1 - h[5] * h[5]) * dh5[0], 1e-15);
    } else if (k == 4) { /* at t = 10: factor 0.48; 0.666 -> 0.461 -> 0.323 */
        assert_near(w * (1 - h[10] * h[10]), 0.48, 5e-3);
        assert_near(0.7 * 0.692, 0.48, 5e-3);
        assert_near(dh10[0], 0.666, 5e-4);
        assert_near(dh10[0] * (1 - h[10] * h[10]), 0.461, 5e-4);
        assert_near(dh9[0], 0.323, 5e-4);
    } else if (k == 5) { /* 0.7^10 = 0.028; the real ratio 0.0072 is the product */
        double prod = 1;
        for (int t = 1; t <= 10; t++)
            prod *= w * (1 - h[t] * h[t]);
        print_message("lesson 0: w 0.7: ratio %.4g = product of w(1 - h^2) %.4g; 0.7^10 = %.4g\n",
                      r, prod, pow(0.7, 10));
        assert_near(pow(0.7, 10), 0.028, 5e-4);
        assert_near(r, 0.0072, 5e-5);
        assert_near(r, prod, 1e-12 * prod);
        assert_int_equal(sess_display(s)->plot, PLOT_GRAD);
        narration_says(l, k, "0.0072");
    } else if (k == 6) { /* w 0.95: 0.95^10 = 0.60, ratio 0.038, h up to 0.69 */
        double top = 0;
        for (int t = 0; t < 11; t++)
            top = fmax(top, fabs(h[t]));
        print_message("lesson 0: w 0.95: ratio %.4g, max |h| %.3f, 0.95^10 = %.4g\n", r, top,
                      pow(0.95, 10));
        assert_near(w, 0.95, 1e-12);
        assert_near(scalar(net, "weight_ih_l0"), -0.423, 5e-4); /* only w changed */
        assert_near(pow(0.95, 10), 0.60, 5e-3);
        assert_near(r, 0.038, 5e-4);
        assert_near(top, 0.69, 5e-3);
        narration_says(l, k, "0.038");
    } else if (k == 7) { /* the recap's question: 0.7^39 is the first power below 1e-6 */
        assert_true(pow(0.7, 38) > 1e-6 && pow(0.7, 39) < 1e-6);
    }
}

/* Lesson 0's one-unit network: w, u, b and h_t as the narration states them. */
static void claims_00(const Lesson *l, Session *s, int k)
{
    const Net *net = sess_net(s);
    double w = scalar(net, "weight_hh_l0"), u = scalar(net, "weight_ih_l0");
    double b = scalar(net, "bias_ih_l0"), h[11];
    assert_null(net_param_find(net, "bias_hh_l0"));
    for (int t = 0; k > 0 && t < 11; t++)
        h[t] = net_h(net, 0, t)[0];
    if (k >= 3) {
        claims_00_backward(l, s, k, h);
    } else if (k == 1) { /* a5 = w h4 + u x5 + b, h5 = tanh(a5) */
        assert_near(w, 0.7, 1e-12);
        assert_near(u, -0.423, 5e-4);
        assert_near(b, 0.299, 5e-4);
        assert_near(net_x(net, 5)[0], 0.996, 5e-4);
        assert_near(h[4], 0.180, 5e-4);
        assert_near(h[5], 0.004, 5e-4);
        assert_near(w * h[4] + u * net_x(net, 5)[0] + b, 0.004, 5e-4);
        assert_near(tanh(0.7 * 0.180 - 0.423 * 0.996 + 0.299), 0.004, 5e-4);
        narration_says(l, k, "u = −0.423 and b = 0.299");
    } else if (k == 2) { /* 1 - h^2 at h = 0.5, 0.9 and h10 */
        assert_near(1 - 0.5 * 0.5, 0.75, 1e-12);
        assert_near(1 - 0.9 * 0.9, 0.19, 1e-12);
        assert_near(h[10], 0.555, 5e-4);
        assert_near(1 - h[10] * h[10], 0.692, 5e-4);
        narration_says(l, k, "1 − 0.555² = 0.692");
    }
}

static void test_lesson_00(void **state)
{
    (void)state;
    run_shipped("00-", claims_00);
}

/* ---- 1. What an RNN is --------------------------------------------------------------- */

static void claims_01(const Lesson *l, Session *s, int k)
{
    const Net *net = sess_net(s);
    const NetConfig *cfg = net_config(net);
    if (k == 1) {
        assert_int_equal(cfg->input_size, 32);
        assert_int_equal(cfg->hidden_size, 64);
        assert_int_equal(net_steps(net), 100);
        assert_int_equal(sess_cursor(s), 1);
        for (int i = 0; i < 64; i++)
            assert_true(net_h(net, 0, -1)[i] == 0.0);
    }
    if (k == 3)
        assert_true(net_op_done(net, (NetOp){NET_OP_HEAD_FORWARD, -1, 99}));
    if (k == 5) { /* uniform01: every unit at |h| > 0.99999 from t = 1 on, not at t = 0 */
        assert_int_equal(sess_settings(s)->init, INIT_UNIFORM01);
        double lo[100];
        for (int t = 0; t < 100; t++) {
            lo[t] = 1;
            for (int i = 0; i < 64; i++)
                lo[t] = fmin(lo[t], fabs(net_h(net, 0, t)[i]));
        }
        double later = 1;
        for (int t = 1; t < 100; t++)
            later = fmin(later, lo[t]);
        print_message("lesson 1: uniform01: min |h_t| at t = 0: %.3g, t >= 1: %.9f\n", lo[0],
                      later);
        narration_says(l, k, "From t = 1 on");
        narration_says(l, k, "0.99999");
        assert_true(later > 0.99999);
        assert_true(lo[0] <= 0.99999);
    }
    if (k == 6) /* the notation step puts the default init back */
        assert_int_equal(sess_settings(s)->init, INIT_UNIFORM);
    if (k == 6) /* L = (1/B) sum_b sum_t L_bt; the factor checks are in check_lesson_claims.py */
        narration_says(l, k, "1/T for cross-entropy and 2/(T·O) for MSE");
    if (k == 7) { /* the step before the recap */
        /* SimpleRNN(10) on (3, 1) + Dense(1): 10 + 100 + 10 = 120, 10 + 1 = 11 */
        assert_int_equal(net_num_params(net), 131);
        const NetParam *p = net_param_find(net, "weight_ih_l0");
        assert_int_equal(p->rows * p->cols, 10);
        assert_null(net_param_find(net, "bias_hh_l0"));
        assert_int_equal(net_steps(net), 3);
        assert_int_equal(cfg->input_size, 1);
        assert_int_equal(cfg->output_size, 1);
        NetOp op;
        assert_false(sess_current_op(s, &op)); /* so the inspector shows the summary */
        Layout lo;
        draw(s, l, k, screens[0], dl_a, &lo);
        assert_true(has_text_in(dl_a, lo.inspector, "120"));
        assert_true(has_text_in(dl_a, lo.inspector, "11"));
        assert_true(has_text_in(dl_a, lo.inspector, "Total params: 131"));
        narration_says(l, k, "120");
        narration_says(l, k, "11");
        narration_says(l, k, "131");
        print_message("lesson 1: summary 120 + 11 = %zu parameters\n", net_num_params(net));
    }
}

static void test_lesson_01(void **state)
{
    (void)state;
    run_shipped("01-", claims_01);
}

/* ---- 2. The forward pass ------------------------------------------------------------- */

static void claims_02(const Lesson *l, Session *s, int k)
{
    (void)l;
    const Net *net = sess_net(s);
    NetOp op = k > 0 ? last_op(s) : (NetOp){0, 0, 0};
    if (k == 0) { /* no memory needed: the target is x_t + 1 mod 3 at every step */
        for (int t = 0; t < 8; t++)
            assert_int_equal(net_target_class(net, t)[0],
                             (int)(net_x(net, t)[1] + 2 * net_x(net, t)[2] + 1) % 3);
        narration_says_intro(l, "known from xₜ alone");
    }
    switch (k) {
    case 1: /* h0 from x0 and a zero h_{-1} */
        assert_int_equal(op.kind, NET_OP_FORWARD);
        assert_int_equal(op.t, 0);
        for (int i = 0; i < 8; i++)
            assert_true(net_h(net, 0, -1)[i] == 0.0);
        break;
    case 2: { /* p = softmax(y), L0 = -log p[target] */
        assert_int_equal(op.kind, NET_OP_HEAD_FORWARD);
        const double *p = net_prob(net, 0);
        int target = net_target_class(net, 0)[0];
        assert_near(p[0] + p[1] + p[2], 1.0, 1e-12);
        assert_near(net_step_loss(net, 0), -log(p[target]), 1e-12);
        break;
    }
    case 3: /* h1 reads h0 */
        assert_int_equal(op.kind, NET_OP_FORWARD);
        assert_int_equal(op.t, 1);
        break;
    case 4:
        assert_int_equal(sess_cursor(s), 9);
        break;
    case 5: { /* L = sum of L_t */
        double sum = 0;
        for (int t = 0; t < 8; t++)
            sum += net_step_loss(net, t);
        assert_near(net_loss(net), sum, 1e-12);
        assert_int_equal(op.kind, NET_OP_HEAD_FORWARD);
        assert_int_equal(op.t, 7);
        print_message("lesson 2: untrained L = %.3f over 8 steps\n", net_loss(net));
        break;
    }
    case 6: { /* x2 = x5, yet h2 != h5 */
        int sl, st;
        assert_true(sess_selected(s, &sl, &st));
        assert_int_equal(st, 5);
        assert_memory_equal(net_x(net, 2), net_x(net, 5), 3 * sizeof(double));
        assert_true(net_x(net, 2)[2] == 1.0);
        double d = 0;
        for (int i = 0; i < 8; i++)
            d = fmax(d, fabs(net_h(net, 0, 2)[i] - net_h(net, 0, 5)[i]));
        assert_true(d > 1e-3);
        break;
    }
    default:
        break;
    }
}

static void test_lesson_02(void **state)
{
    (void)state;
    run_shipped("02-", claims_02);
}

/* ---- 3. Backprop through time ---------------------------------------------------------- */

static double loss_before_update;

static void claims_03(const Lesson *l, Session *s, int k)
{
    (void)l;
    const Net *net = sess_net(s);
    NetOp op = k > 0 ? last_op(s) : (NetOp){0, 0, 0};
    const int H = 8, T = 8;
    switch (k) {
    case 1: { /* dL/dy = p - onehot(target) (B = 1) */
        assert_int_equal(op.kind, NET_OP_HEAD_BACKWARD);
        assert_int_equal(op.t, T - 1);
        const double *p = net_prob(net, T - 1), *dy = net_dy(net, T - 1);
        int target = net_target_class(net, T - 1)[0];
        for (int c = 0; c < 3; c++)
            assert_near(dy[c], p[c] - (c == target), 1e-12);
        break;
    }
    case 2: /* no future at t = 7 */
        assert_int_equal(op.kind, NET_OP_BACKWARD);
        assert_int_equal(op.t, T - 1);
        assert_true(vnorm(net_dh_next(net, 0, T - 1), H) == 0.0);
        break;
    case 3: { /* two sources at t = 6, and they add */
        assert_int_equal(op.kind, NET_OP_BACKWARD);
        assert_int_equal(op.t, T - 2);
        const double *up = net_dh_out(net, 0, 6), *next = net_dh_next(net, 0, 6),
                     *dh = net_dh(net, 0, 6);
        assert_true(vnorm(up, H) > 0 && vnorm(next, H) > 0);
        for (int i = 0; i < H; i++)
            assert_near(dh[i], up[i] + next[i], 1e-12);
        break;
    }
    case 4: { /* t = 0's share of dW_hh is 0 (h_{-1} = 0); others are not */
        int whh = param_index(net, "weight_hh_l0");
        assert_true(net_grad_contrib(net, whh, 0) == 0.0);
        for (int t = 1; t < T; t++)
            assert_true(net_grad_contrib(net, whh, t) > 0);
        assert_true(net_op_done(net, (NetOp){NET_OP_BACKWARD, 0, 0}));
        loss_before_update = net_loss(net);
        /* step 3's question marks h0 as getting the larger gradient */
        print_message("lesson 3: |dL/dh0| / |dL/dh7| = %.3g (the marked answer: > 1)\n",
                      ratio_h(net, 0, T - 1));
        assert_true(ratio_h(net, 0, T - 1) > 1);
        break;
    }
    case 5:
        assert_true(net_loss(net) < loss_before_update);
        print_message("lesson 3: one update: L %.3f -> %.3f\n", loss_before_update, net_loss(net));
        break;
    case 6: {
        double acc = task_accuracy(sess_task(s), net);
        print_message("lesson 3: after train 150: accuracy %.0f%%, L = %.4f\n", 100 * acc,
                      net_loss(net));
        assert_true(acc == 1.0);
        assert_int_equal(sess_display(s)->plot, PLOT_LOSS);
        break;
    }
    default:
        break;
    }
}

static void test_lesson_03(void **state)
{
    (void)state;
    run_shipped("03-", claims_03);
}

/* ---- 4. Layers and batches ---------------------------------------------------------- */

static void claims_04(const Lesson *l, Session *s, int k)
{
    const Net *net = sess_net(s);
    const int T = 6;
    switch (k) {
    case 1:
        assert_int_equal(net_config(net)->num_layers, 2);
        assert_int_equal(net_batch_size(net), 4);
        assert_int_equal(net_config(net)->input_size, 3);
        break;
    case 2: /* time order: steps 0 and 1 complete, nothing of step 2 */
        assert_true(net_op_done(net, (NetOp){NET_OP_HEAD_FORWARD, -1, 1}));
        assert_true(net_op_done(net, (NetOp){NET_OP_FORWARD, 1, 1}));
        assert_false(net_op_done(net, (NetOp){NET_OP_FORWARD, 0, 2}));
        break;
    case 3: /* layer order: all of layer 0, then layer 1 at step 0 and its output */
        assert_int_equal(sess_settings(s)->order, NET_ORDER_LAYER);
        for (int t = 0; t < T; t++)
            assert_true(net_op_done(net, (NetOp){NET_OP_FORWARD, 0, t}));
        assert_true(net_op_done(net, (NetOp){NET_OP_FORWARD, 1, 0}));
        assert_true(net_op_done(net, (NetOp){NET_OP_HEAD_FORWARD, -1, 0}));
        assert_false(net_op_done(net, (NetOp){NET_OP_FORWARD, 1, 1}));
        break;
    case 4: { /* the same loss as the time order gives */
        Settings st;
        char msg[400];
        assert_int_equal(lesson_settings(l, &st, msg, sizeof msg), 0);
        assert_int_equal(st.order, NET_ORDER_TIME);
        Session *ref = sess_create(&st, msg, sizeof msg);
        assert_non_null(ref);
        assert_int_equal(sess_forward(ref, -1, msg, sizeof msg), 0);
        assert_true(net_loss(sess_net(ref)) == net_loss(net));
        sess_destroy(ref);
        break;
    }
    case 5: { /* carried mean state: solved, least sure at t = 0 */
        assert_int_equal(sess_settings(s)->carry, TRAIN_CARRY_MEAN);
        double acc = task_accuracy(sess_task(s), net);
        print_message("lesson 4: carry = mean, train 200: accuracy %.0f%%, L0 = %.3f, L1 = %.4f\n",
                      100 * acc, net_step_loss(net, 0), net_step_loss(net, 1));
        assert_true(acc == 1.0);
        for (int t = 1; t < T; t++)
            assert_true(net_step_loss(net, 0) > net_step_loss(net, t));
        break;
    }
    default:
        break;
    }
}

static void test_lesson_04(void **state)
{
    (void)state;
    run_shipped("04-", claims_04);
}

/* ---- 5. Vanishing gradients ----------------------------------------------------------- */

static void claims_05(const Lesson *l, Session *s, int k)
{
    const Net *net = sess_net(s);
    const int T = 40;
    switch (k) {
    case 1:
        for (int t = 0; t < T; t++)
            assert_int_equal(net_has_target(net, t), t == T - 1);
        break;
    case 2: { /* stated: the ratio is below 1e-6; every step's factor from 0.5 to 0.85 */
        double r = ratio_h(net, 0, T - 1), lo = 1, hi = 0;
        for (int t = 0; t < T - 1; t++) {
            lo = fmin(lo, ratio_h(net, t, t + 1));
            hi = fmax(hi, ratio_h(net, t, t + 1));
        }
        print_message("lesson 5: rho 0.7: |dL/dh0| / |dL/dh39| = %.3g (stated < 1e-6), per step "
                      "%.3g to %.3g\n",
                      r, lo, hi);
        narration_says(l, k, "below 1e-6");
        narration_says(l, k, "between 0.5 and 0.85");
        assert_true(r < 1e-6);
        assert_true(lo > 0.5 && hi < 0.85);
        break;
    }
    case 4: { /* every eigenvalue inside the unit circle */
        const double *re, *im;
        int blocks, n = sess_eigen(s, &re, &im, &blocks);
        assert_int_equal(n, 32);
        for (int i = 0; i < n; i++)
            assert_true(hypot(re[i], im[i]) < 1.0);
        assert_near(sess_spectral_radius(s, 0), 0.7, 1e-9);
        /* a rate, not a bound: ||W^39|| near 0.7^39, sigma_max above 1 */
        double p39 = power_norm(net, 39), smax = sigma_max(net);
        print_message("lesson 5: rho 0.7: ||W_hh^39|| = %.3g, 0.7^39 = %.3g, sigma_max = %.3g\n",
                      p39, pow(0.7, 39), smax);
        narration_says(l, k, "2.4e-6");
        narration_says(l, k, "1.28");
        assert_true(p39 > 2.35e-6 && p39 < 2.45e-6);
        assert_true(smax > 1.275 && smax < 1.285);
        break;
    }
    case 5: { /* the first half's shares of dW_hh: almost nothing */
        int whh = param_index(net, "weight_hh_l0");
        double early = 0, late = 0;
        for (int t = 0; t < T / 2; t++)
            early = fmax(early, net_grad_contrib(net, whh, t));
        for (int t = T / 2; t < T; t++)
            late = fmax(late, net_grad_contrib(net, whh, t));
        print_message("lesson 5: largest share of dW_hh, first half %.3g, second half %.3g\n",
                      early, late);
        assert_true(early < 1e-3 * late);
        break;
    }
    case 6: { /* rho 0.95: about 2e-3, below 0.95^39, which bounds nothing */
        double r = ratio_h(net, 0, T - 1), p39 = power_norm(net, 39);
        print_message("lesson 5: rho 0.95: ratio %.3g (stated about 2e-3, below %.3g); "
                      "||W_hh^39|| = %.3g\n",
                      r, pow(0.95, 39), p39);
        assert_near(sess_spectral_radius(s, 0), 0.95, 1e-9);
        narration_says(l, k, "about 2e-3");
        narration_says(l, k, "0.36");
        assert_true(r > 1.5e-3 && r < 3e-3);
        assert_true(r < pow(0.95, 39));
        assert_true(p39 > 0.355 && p39 < 0.365 && p39 > pow(0.95, 39));
        break;
    }
    case 7: { /* the recap: sigma_max 1.74 at rho 0.95 (1.28 at 0.7 is tested at step 4) */
        double smax = sigma_max(net);
        print_message("lesson 5: recap: sigma_max at rho 0.95 = %.4g\n", smax);
        assert_near(sess_spectral_radius(s, 0), 0.95, 1e-9);
        assert_near(smax, 1.74, 5e-3);
        narration_says(l, k, "1.74");
        narration_says(l, k, "1.28 at ρ = 0.7");
        break;
    }
    default:
        break;
    }
}

static void test_lesson_05(void **state)
{
    (void)state;
    run_shipped("05-", claims_05);
}

/* ---- 6. Exploding gradients --------------------------------------------------------- */

static double unclipped_jump;

static void claims_06(const Lesson *l, Session *s, int k)
{
    const Net *net = sess_net(s);
    const Trainer *tr = sess_trainer(s);
    const int T = 30, H = 32;
    switch (k) {
    case 1: { /* stated: a few hundred times */
        double r = ratio_h(net, 0, T - 1);
        print_message("lesson 6: rho 2: |dL/dh0| / |dL/dh29| = %.3g (stated a few hundred)\n", r);
        narration_says(l, k, "a few");
        assert_true(r > 150 && r < 1000);
        for (int t = 1; t < T - 1; t++) /* the largest and the smallest of the 30 */
            assert_true(net_grad_h(net, 0, 0) > net_grad_h(net, 0, t) &&
                        net_grad_h(net, 0, t) > net_grad_h(net, 0, T - 1));
        break;
    }
    case 2: { /* sigma_max 3.64; ||W^29|| above 2^29; tanh' 0.53 on average */
        assert_near(sess_spectral_radius(s, 0), 2.0, 1e-9);
        double smax = sigma_max(net), p29 = power_norm(net, 29), d = 0;
        for (int t = 0; t < T; t++)
            for (int i = 0; i < 8 * H; i++)
                d += 1 - net_h(net, 0, t)[i] * net_h(net, 0, t)[i];
        d /= T * 8 * H;
        print_message("lesson 6: sigma_max %.3g, ||W_hh^29|| %.3g (2^29 = %.3g), mean tanh' %.3g\n",
                      smax, p29, pow(2, 29), d);
        narration_says(l, k, "3.64");
        narration_says(l, k, "1.2e9");
        narration_says(l, k, "0.53 on average");
        assert_true(smax > 3.635 && smax < 3.645);
        assert_true(p29 > 1.15e9 && p29 < 1.25e9 && p29 > pow(2, 29));
        assert_true(d > 0.525 && d < 0.535);
        break;
    }
    case 3: { /* no clipping: jumps of hundreds, never settles */
        assert_int_equal(train_history_len(tr), 150);
        unclipped_jump = max_loss_jump(tr);
        double tail = history_mean(tr, 130, 150);
        print_message("lesson 6: no clip: largest loss jump %.4g, mean of the last 20 %.4g\n",
                      unclipped_jump, tail);
        assert_true(unclipped_jump > 100);
        assert_true(tail > 100);
        break;
    }
    case 4: { /* clip = 1: same start, smooth fall near 0 */
        assert_int_equal(train_history_len(tr), 150);
        assert_true(sess_settings(s)->clip == 1.0);
        double jump = max_loss_jump(tr), tail = history_mean(tr, 130, 150);
        print_message("lesson 6: clip 1: largest loss jump %.4g, mean of the last 20 %.4g\n", jump,
                      tail);
        assert_true(jump < 10);
        assert_true(unclipped_jump > 20 * jump);
        assert_true(tail < 1);
        break;
    }
    case 5: { /* solved; flat from t = 2; t = 1 and 0 rise with their own losses */
        double acc = task_accuracy(sess_task(s), net), lo = INFINITY, hi = 0, rest = 0;
        int below = 0;
        for (int t = 0; t < T - 1; t++)
            below += vnorm(net_dh_next(net, 0, t), 8 * H) < vnorm(net_dh_out(net, 0, t), 8 * H);
        for (int t = 2; t < T; t++) {
            lo = fmin(lo, net_grad_h(net, 0, t));
            hi = fmax(hi, net_grad_h(net, 0, t));
            rest = fmax(rest, net_step_loss(net, t));
        }
        double g0 = net_grad_h(net, 0, 0), g1 = net_grad_h(net, 0, 1);
        print_message("lesson 6: trained: accuracy %.0f%%, %d of 29 steps get less from t+1 than "
                      "from above; |dL/dh_t| for t >= 2 from %.3g to %.3g, t = 1 %.3g, t = 0 %.3g; "
                      "L0 %.3g, L1 %.3g, L_t (t >= 2) <= %.3g\n",
                      100 * acc, below, lo, hi, g1, g0, net_step_loss(net, 0),
                      net_step_loss(net, 1), rest);
        narration_says(l, k, "within a factor 2");
        narration_says(l, k, "1,000 times");
        narration_says(l, k, "At 27 of");
        assert_true(acc == 1.0);
        assert_int_equal(below, 27);
        assert_true(hi < 2 * lo);
        assert_true(g1 > hi && g0 > 500 * hi && g0 < 2000 * hi);
        assert_true(net_step_loss(net, 0) > 0.025 && net_step_loss(net, 0) < 0.035);
        assert_true(net_step_loss(net, 1) > 0.5e-4 && net_step_loss(net, 1) < 1.5e-4);
        assert_true(rest < 2e-5);
        break;
    }
    default:
        break;
    }
}

static void test_lesson_06(void **state)
{
    (void)state;
    run_shipped("06-", claims_06);
}

/* ---- 7. LSTM and GRU --------------------------------------------------------------------- */

/* Mean, min and max of gate block g (LSTM 1 = f, GRU 1 = z) over every step and row. */
static void gate_stats(const Net *net, int g, double out[3])
{
    int H = net_config(net)->hidden_size, G = net_gate_count(net_config(net)->cell);
    int B = net_batch_size(net), T = net_steps(net);
    double sum = 0, lo = 1, hi = 0;
    for (int t = 0; t < T; t++)
        for (int b = 0; b < B; b++)
            for (int i = 0; i < H; i++) {
                double v = net_gates(net, 0, t)[(size_t)b * G * H + g * H + i];
                sum += v;
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
    out[0] = sum / ((double)T * B * H);
    out[1] = lo;
    out[2] = hi;
}

/* Lesson 7 after compare 500: the RNN near 0.12, GRU and LSTM solve it. */
static void claims_07_trained(const Lesson *l, Session *s, int k)
{
    const SessCompare *cmp = sess_comparison(s);
    double tail[3];
    int at[3];
    assert_true(cmp->valid);
    assert_int_equal(cmp->iters, 500);
    for (int c = 0; c < 3; c++) {
        tail[c] = mean_loss(cmp->loss[c], 450, 500);
        at[c] = learned_at(cmp->loss[c], 500, 0.02);
    }
    print_message("lesson 7: compare 500: mean loss of the last 50: RNN %.3g, GRU %.3g, "
                  "LSTM %.3g; below 0.02 from iteration %d (GRU), %d (LSTM)\n",
                  tail[0], tail[1], tail[2], at[1], at[2]);
    narration_says(l, k, "0.12 (mean of the last 50)");
    assert_true(tail[0] > 0.115 && tail[0] < 0.125 && tail[0] > 1.0 / 12);
    assert_int_equal(at[0], 0);
    assert_true(tail[1] < 0.005);
    assert_true(tail[2] < 0.005);
    assert_true(at[1] >= 160 && at[1] <= 200);
    assert_true(at[2] >= 360 && at[2] <= 400);
    narration_says(l, k, "about 180");
    narration_says(l, k, "about 380");
    narration_says(l, k, "below 0.005");
    assert_int_equal(sess_display(s)->plot, PLOT_LOSS);
}

/* Unit j of batch row 0 at step t: gate block g (LSTM i f g o = 0 1 2 3). */
static double gate_at(const Net *net, int t, int g, int j)
{
    int H = net_config(net)->hidden_size;
    return net_gates(net, 0, t)[g * H + j];
}

/* Lesson 7, steps 1 to 4: the LSTM's gates at step 20, batch row 0, unit 0. */
static void claims_07_gates(const Lesson *l, Session *s, int k)
{
    const Net *net = sess_net(s);
    double i = gate_at(net, 20, 0, 0), f = gate_at(net, 20, 1, 0), g = gate_at(net, 20, 2, 0);
    double o = gate_at(net, 20, 3, 0), c19 = net_c(net, 0, 19)[0], c20 = net_c(net, 0, 20)[0];
    double h20 = net_h(net, 0, 20)[0], st[3];
    int sl, stp;
    assert_int_equal(net_config(net)->cell, NET_CELL_LSTM);
    assert_true(sess_selected(s, &sl, &stp) && sl == 0 && stp == 20);
    assert_true(net_op_done(net, (NetOp){NET_OP_FORWARD, 0, 49}));
    assert_near(c20, f * c19 + i * g, 1e-15);
    assert_near(h20, o * tanh(c20), 1e-15);
    if (k == 2) { /* f near sigma(2) = 0.88; the row reads 0.843, 0.857, 0.864 */
        gate_stats(net, 1, st);
        print_message("lesson 7: forget gate mean %.3g (%.3g to %.3g); sigma(2) = %.4f\n", st[0],
                      st[1], st[2], 1 / (1 + exp(-2.0)));
        assert_near(1 / (1 + exp(-2.0)), 0.88, 5e-3);
        assert_near(st[0], 0.88, 5e-3);
        assert_near(f, 0.843, 5e-4);
        assert_near(gate_at(net, 20, 1, 1), 0.857, 5e-4);
        assert_near(gate_at(net, 20, 1, 2), 0.864, 5e-4);
        narration_says(l, k, "0.843; hovering its strip shows 0.857, 0.864");
    }
    if (k == 3) { /* c20 = 0.843 x (-0.476) + 0.582 x (-0.104) = -0.461 */
        assert_near(c19, -0.476, 5e-4);
        assert_near(i, 0.582, 5e-4);
        assert_near(g, -0.104, 5e-4);
        assert_near(c20, -0.461, 5e-4);
        assert_near(0.843 * -0.476 + 0.582 * -0.104, -0.461, 1e-3);
        narration_says(l, k, "≈ −0.461");
    }
    if (k == 4) { /* h20 = 0.542 tanh(-0.461) = -0.234 */
        assert_near(o, 0.542, 5e-4);
        assert_near(h20, -0.234, 5e-4);
        assert_near(0.542 * tanh(-0.461), -0.234, 5e-4);
        narration_says(l, k, "0.542 × tanh(−0.461) = −0.234");
    }
}

/* The plain RNN of lesson 7's settings on the same batch, run forward and backward and
 * written for the NumPy check: the network compare overlays in blue. Returns its ratio. */
static double lesson_07_rnn(const Lesson *l)
{
    Settings st;
    char msg[800];
    assert_int_equal(lesson_settings(l, &st, msg, sizeof msg), 0);
    st.cell = NET_CELL_RNN;
    Session *rnn = sess_create(&st, msg, sizeof msg);
    assert_non_null(rnn);
    assert_int_equal(sess_forward(rnn, -1, msg, sizeof msg), 0);
    assert_int_equal(sess_backward(rnn, -1, msg, sizeof msg), 0);
    double r = ratio_h(sess_net(rnn), 0, 49);
    dump_state("07-rnn", sess_net(rnn));
    sess_destroy(rnn);
    return r;
}

/* Lesson 7, steps 5 to 8: gradients along the cell, the GRU, training. */
static void claims_07(const Lesson *l, Session *s, int k)
{
    const Net *net = sess_net(s);
    const SessCompare *cmp = sess_comparison(s);
    const int T = 50;
    double r[3], z[3];
    if (k >= 1 && k <= 4) {
        claims_07_gates(l, s, k);
        return;
    }
    for (int c = 0; k >= 5 && c < 3; c++)
        r[c] = cmp->grad_h[c][0] / cmp->grad_h[c][T - 1];
    switch (k) {
    case 5: { /* 0.88^49 = 0.002; RNN 5e-15, LSTM 3e-3; 0.88^500 = 2e-28 */
        double rh = ratio_h(net, 0, T - 1), rnn = lesson_07_rnn(l);
        print_message("lesson 7: ratios RNN %.3g (alone %.3g), LSTM %.3g (session %.3g); "
                      "0.88^49 %.3g, 0.88^500 %.3g\n",
                      r[0], rnn, r[2], rh, pow(0.88, 49), pow(0.88, 500));
        assert_true(cmp->valid);
        assert_near(rnn, r[0], 1e-9 * r[0]);
        assert_near(rh, r[2], 1e-9 * r[2]);
        assert_true(r[0] > 4.5e-15 && r[0] < 5.5e-15);
        assert_true(r[2] > 2.5e-3 && r[2] < 3.5e-3);
        assert_near(pow(0.88, 49), 0.002, 5e-4);
        assert_true(pow(0.88, 500) > 1.5e-28 && pow(0.88, 500) < 2.5e-28);
        narration_says(l, k, "is 5e-15, the LSTM's (orange) 3e-3");
        break;
    }
    case 6: /* the GRU: z averages 0.48, ratio 5e-11, ~10,000 times the RNN's */
        assert_int_equal(net_config(net)->cell, NET_CELL_GRU);
        gate_stats(net, 1, z);
        print_message("lesson 7: GRU ratio %.3g (%.3g times the RNN's); z mean %.3g\n", r[1],
                      r[1] / r[0], z[0]);
        assert_true(z[0] > 0.475 && z[0] < 0.485);
        assert_true(r[1] > 4.5e-11 && r[1] < 5.5e-11);
        assert_true(r[1] > 5e3 * r[0] && r[1] < 2e4 * r[0]);
        narration_says(l, k, "z averages 0.48");
        break;
    case 7:
        claims_07_trained(l, s, k);
        break;
    default:
        break;
    }
}

static void test_lesson_07(void **state)
{
    (void)state;
    run_shipped("07-", claims_07);
}

/* ---- 8. A language model ------------------------------------------------------------------ */

static double lm_accuracy;

/* The three most probable classes of batch row 0 at step t, most probable first. */
static void top3(const Net *net, int t, int V, int k[3])
{
    const double *p = net_prob(net, t);
    k[0] = k[1] = k[2] = -1;
    for (int c = 0; c < V; c++) {
        int at = 3;
        while (at > 0 && (k[at - 1] < 0 || p[c] > p[k[at - 1]]))
            at--;
        for (int m = 2; m > at; m--)
            k[m] = k[m - 1];
        if (at < 3)
            k[at] = c;
    }
}

static void print_top3(Session *s, int t)
{
    const Net *net = sess_net(s);
    int k[3];
    top3(net, t, 53, k);
    for (int m = 0; m < 3; m++)
        print_message("lesson 8: step %d top %d: '%c' %.4f\n", t, m,
                      task_text_byte(sess_task(s), k[m]), net_prob(net, t)[k[m]]);
}

/* With RNNVIZ_CLAIMS_DIR set, the text task's vocabulary as DIR/TAG.vocab.json: the byte
 * of each class, so the NumPy check can name the characters it predicts. */
static void dump_vocab(const char *tag, const Task *task)
{
    const char *dir = getenv("RNNVIZ_CLAIMS_DIR");
    if (!dir || !*dir)
        return;
    FILE *f = open_in(dir, tag, "vocab");
    for (int k = 0; k < task_input_size(task); k++)
        fprintf(f, "%s%d", k ? "," : "[", task_text_byte(task, k));
    fputs("]\n", f);
    fclose(f);
}

/* Lesson 8 step 4: at step 20 of row 0 (input t after a space) the top three
 * characters and their probabilities, and h's share at temperature 0.7. */
static void claims_08_top3(const Lesson *l, Session *s, int k)
{
    const Net *net = sess_net(s);
    const Task *task = sess_task(s);
    const double *p = net_prob(net, 20);
    int top[3];
    top3(net, 20, 53, top);
    print_top3(s, 20);
    dump_vocab("08-s4", task);
    assert_true(net_x(net, 19)[task_text_class(task, ' ')] == 1.0);
    assert_true(net_x(net, 20)[task_text_class(task, 't')] == 1.0);
    assert_int_equal(task_text_byte(task, top[0]), 'h');
    assert_int_equal(task_text_byte(task, top[1]), 'o');
    assert_int_equal(task_text_byte(task, top[2]), 'a');
    assert_near(p[top[0]], 0.44, 5e-3);
    assert_near(p[top[1]], 0.29, 5e-3);
    assert_near(p[top[2]], 0.06, 5e-3);
    double z = 0;
    for (int c = 0; c < 53; c++)
        z += pow(p[c], 1 / 0.7);
    double share = pow(p[top[0]], 1 / 0.7) / z;
    print_message("lesson 8: at temperature 0.7, h is drawn with p = %.4f\n", share);
    assert_near(share, 0.57, 5e-3);
    narration_says(l, k, "h 0.44, o 0.29, a 0.06");
    narration_says(l, k, "draw h 57% of the time, not 44%");
}

static void claims_08(const Lesson *l, Session *s, int k)
{
    const Net *net = sess_net(s);
    const Trainer *tr = sess_trainer(s);
    const int T = 25;
    switch (k) {
    case 2: { /* untrained: every p near 1/53; row 0's best guesses 2% or 3% */
        double lo = 1, hi = 0;
        for (int t = 0; t < T; t++) {
            double best = 0;
            for (int c = 0; c < 53; c++)
                best = fmax(best, net_prob(net, t)[c]);
            lo = fmin(lo, best);
            hi = fmax(hi, best);
        }
        print_message("lesson 8: untrained: row 0's largest p from %.4f to %.4f (1/53 = %.4f)\n",
                      lo, hi, 1 / 53.0);
        assert_near(1 / 53.0, 0.019, 5e-4);
        assert_true(lo >= 0.015 && hi < 0.035);
        narration_says(l, k, "2% or 3%");
        break;
    }
    case 1: { /* untrained: L near 25 log 53 */
        assert_int_equal(task_input_size(sess_task(s)), 53);
        double uniform = T * log(53.0);
        print_message("lesson 8: untrained L = %.2f (25 log 53 = %.2f)\n", net_loss(net), uniform);
        assert_true(fabs(net_loss(net) - uniform) < 0.05 * uniform);
        break;
    }
    case 3: { /* the loss falls */
        double first = history_mean(tr, 0, 10), last = history_mean(tr, 280, 300);
        print_message("lesson 8: train 300: loss %.1f -> %.1f\n", first, last);
        assert_true(last < 0.6 * first);
        break;
    }
    case 4: {
        claims_08_top3(l, s, k);
        double acc = task_accuracy(sess_task(s), net);
        print_message("lesson 8: after 300: accuracy %.0f%% on the window batch\n", 100 * acc);
        assert_true(acc > 0.3);
        lm_accuracy = acc;
        break;
    }
    case 5: { /* stated: below 40 per window */
        int n = train_history_len(tr);
        double tail = history_mean(tr, n - 20, n);
        print_message("lesson 8: after 600: window L = %.2f, training mean of the last 20 = "
                      "%.2f (stated < 40)\n",
                      net_loss(net), tail);
        narration_says(l, k, "below 40");
        assert_true(net_loss(net) < 40);
        assert_true(tail < 40);
        double acc = task_accuracy(sess_task(s), net);
        print_message("lesson 8: after 600: accuracy %.0f%% on the window batch\n", 100 * acc);
        assert_true(acc > lm_accuracy);
        break;
    }
    case 6: { /* level: within a factor 10 across the window */
        double lo = INFINITY, hi = 0;
        for (int t = 0; t < T; t++) {
            lo = fmin(lo, net_grad_h(net, 0, t));
            hi = fmax(hi, net_grad_h(net, 0, t));
        }
        print_message("lesson 8: |dL/dh_t| from %.3g to %.3g across the window\n", lo, hi);
        assert_true(hi < 10 * lo);
        break;
    }
    default:
        break;
    }
}

static void test_lesson_08(void **state)
{
    (void)state;
    run_shipped("08-", claims_08);
}

/* README: with lesson 5's network the line still falls at rho = 1.1 and rises at 1.2. */
static void test_readme_rho_tilt(void **state)
{
    (void)state;
    const char *path = find_lesson("05-", lesson_paths, lesson_n);
    if (!path)
        skip();
    Lesson *l = load(path);
    char msg[800];
    double r[2], rho[2] = {1.1, 1.2};
    for (int i = 0; i < 2; i++) {
        Settings st;
        assert_int_equal(lesson_settings(l, &st, msg, sizeof msg), 0);
        st.spectral_radius = rho[i];
        Session *s = sess_create(&st, msg, sizeof msg);
        assert_non_null(s);
        assert_int_equal(sess_forward(s, -1, msg, sizeof msg), 0);
        assert_int_equal(sess_backward(s, -1, msg, sizeof msg), 0);
        r[i] = ratio_h(sess_net(s), 0, 39);
        sess_destroy(s);
    }
    print_message("README: lesson 5's settings: ratio %.3g at rho 1.1, %.3g at rho 1.2\n", r[0],
                  r[1]);
    assert_true(r[0] < 1 && r[1] > 1);
    lesson_destroy(l);
}

/* Every shipped lesson ends on a recap step: a question and a link to the next lesson. */
static void test_recaps(void **state)
{
    (void)state;
    static const char *const with_recap[] = {"00-", "01-", "02-", "03-", "04-",
                                             "05-", "06-", "07-", "08-"};
    for (int i = 0; i < 9; i++) {
        const char *path = find_lesson(with_recap[i], lesson_paths, lesson_n);
        if (!path)
            skip();
        Lesson *l = load(path);
        int n = lesson_step_count(l);
        assert_string_equal(lesson_step_title(l, n - 1), "Recap");
        narration_says(l, n, "Question:");
        narration_says(l, n, "Next:");
        narration_says(l, n, "lesson ");
        lesson_destroy(l);
    }
}

/* Whether a text command of dl contains needle. */
static bool drawn(const DrawList *d, const char *needle)
{
    for (int i = 0; i < dl_count(d); i++)
        if (dl_cmd(d, i)->kind == DL_CMD_TEXT && strstr(dl_cmd(d, i)->text, needle))
            return true;
    return false;
}

/* Progressive disclosure: lesson 5 (visible = none) shows the rho guide
 * and the bands from step 2 on, the sigma bound from step 4 on, on the
 * gradient plot; a session outside lessons shows all three. */
static void test_disclosure(void **state)
{
    (void)state;
    const char *path = find_lesson("05-", lesson_paths, lesson_n);
    if (!path)
        skip();
    Lesson *l = load(path);
    char msg[800];
    static const struct {
        int step;
        bool rho, bands, sigma;
    } want[] = {{1, false, false, false}, {2, true, true, false}, {5, true, true, true}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        Session *s = lesson_enter(l, want[i].step, msg, sizeof msg);
        assert_non_null(s);
        sess_panel(s, "contrib", true, msg, sizeof msg); /* the gradient plot */
        support_run(s, "backward all");
        draw(s, l, want[i].step, screens[0], dl_a, NULL);
        if (drawn(dl_a, "ρ^(T−1−t)") != want[i].rho || drawn(dl_a, "vanishing") != want[i].bands ||
            drawn(dl_a, "σ_max^(T−1−t)") != want[i].sigma)
            fail_msg("lesson 5 step %d: rho guide %d, bands %d, sigma bound %d drawn; wanted %d %d "
                     "%d",
                     want[i].step, drawn(dl_a, "ρ^(T−1−t)"), drawn(dl_a, "vanishing"),
                     drawn(dl_a, "σ_max^(T−1−t)"), want[i].rho, want[i].bands, want[i].sigma);
        sess_destroy(s);
    }
    Settings st;
    assert_int_equal(lesson_settings(l, &st, msg, sizeof msg), 0);
    Session *free_s = sess_create(&st, msg, sizeof msg);
    support_run(free_s, "forward all; backward all");
    ViewParams vp = {.win_w = 1920, .win_h = 1080, .measure = dl_measure_approx()};
    view_draw(sess_view_model(free_s), &vp, dl_a, NULL);
    assert_true(drawn(dl_a, "ρ^(T−1−t)") && drawn(dl_a, "vanishing") &&
                drawn(dl_a, "σ_max^(T−1−t)"));
    sess_destroy(free_s);
    lesson_destroy(l);
}

/* Whether dl has an outline enclosing r (a highlight ring). */
static bool ringed(const DrawList *d, Rect r)
{
    for (int i = 0; i < dl_count(d); i++) {
        const DlCmd *c = dl_cmd(d, i);
        if (c->kind == DL_CMD_RECT_OUTLINE && c->x < r.x && c->y < r.y && c->x + c->w > r.x + r.w &&
            c->y + c->h > r.y + r.h && c->w < r.w * 1.6f)
            return true;
    }
    return false;
}

/* highlight: lesson 2's "Same input, different state" rings x2, x5, h2
 * and h5, and its question card stays off them; the step before rings
 * nothing (a step's highlights are its own). */
static void test_highlight_drawn(void **state)
{
    (void)state;
    const char *path = find_lesson("02-", lesson_paths, lesson_n);
    if (!path)
        skip();
    Lesson *l = load(path);
    char msg[800];
    int k = 1; /* the step titled "Same input, different state" */
    while (k <= lesson_step_count(l) && !strstr(lesson_step_title(l, k - 1), "different state"))
        k++;
    assert_true(k <= lesson_step_count(l));
    Layout lo;
    for (int step = k - 1; step <= k; step++) {
        Session *s = lesson_enter(l, step, msg, sizeof msg);
        assert_non_null(s);
        draw(s, l, step, screens[0], dl_a, &lo);
        for (int t = 2; t <= 5; t += 3) {
            bool want = step == k;
            if (ringed(dl_a, layout_node(&lo, ROW_LAYER, 0, t)) != want ||
                ringed(dl_a, layout_node(&lo, ROW_INPUT, 0, t)) != want)
                fail_msg("lesson 2 step %d: h%d / x%d ringed %d / %d, wanted %d", step, t, t,
                         ringed(dl_a, layout_node(&lo, ROW_LAYER, 0, t)),
                         ringed(dl_a, layout_node(&lo, ROW_INPUT, 0, t)), want);
        }
        assert_false(ringed(dl_a, layout_node(&lo, ROW_LAYER, 0, 3)));
        sess_destroy(s);
    }
    lesson_destroy(l);
}

/* Lessons a lecturer adds: the generic checks only. */
static void test_other_lessons(void **state)
{
    (void)state;
    static const char *const shipped[] = {"00-", "01-", "02-", "03-", "04-",
                                          "05-", "06-", "07-", "08-"};
    for (int i = 0; i < lesson_n; i++) {
        bool known = false;
        for (int j = 0; j < 9; j++)
            known |= find_lesson(shipped[j], lesson_paths + i, 1) != NULL;
        if (!known)
            run_lesson(lesson_paths[i], NULL);
    }
}

static int setup(void **state)
{
    (void)state;
    dl_a = dl_create(RENDER_MAX_CMDS, RENDER_MAX_TEXT, RENDER_MAX_POINTS);
    dl_b = dl_create(RENDER_MAX_CMDS, RENDER_MAX_TEXT, RENDER_MAX_POINTS);
    lesson_n = lesson_list(lesson_dir(), lesson_paths, 64);
    FontsError err;
    fonts = fonts_create(NULL, &err);
    if (!fonts)
        print_message("fonts not found (%s): narration measured with the estimate only\n", err.msg);
    return dl_a && dl_b ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    dl_destroy(dl_a);
    dl_destroy(dl_b);
    fonts_destroy(fonts);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lesson_00),  cmocka_unit_test(test_lesson_01),
        cmocka_unit_test(test_lesson_02),  cmocka_unit_test(test_lesson_03),
        cmocka_unit_test(test_lesson_04),  cmocka_unit_test(test_lesson_05),
        cmocka_unit_test(test_lesson_06),  cmocka_unit_test(test_lesson_07),
        cmocka_unit_test(test_lesson_08),  cmocka_unit_test(test_other_lessons),
        cmocka_unit_test(test_recaps),     cmocka_unit_test(test_readme_rho_tilt),
        cmocka_unit_test(test_disclosure), cmocka_unit_test(test_highlight_drawn),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
