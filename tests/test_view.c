/* The view against its draw list, laid out with the font-free measure:
 * which nodes are drawn as computed (forward colour) or ghosted, the
 * current node's highlight, the inspector's equations and the engine's
 * numbers beside them, backward halos that grow with grad_h on a log scale,
 * a deterministic list, overflow markers in the gradient plot, UI scaling,
 * and a list that stays inside the window, balanced and within capacity. */
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

#include "keymap.h"
#include "session.h"
#include "view.h"

static DrawList *dl, *dl2;
static HitList hits, hits2;

/* ---- helpers ---- */

static ViewState vstate; /* the window's view state the tests draw with */
static ViewKeyHelp keys[96];

static ViewParams params(int w, int h)
{
    if (vstate.ui_scale == 0)
        vstate = view_state_default();
    ViewParams vp = {.win_w = w,
                     .win_h = h,
                     .measure = dl_measure_approx(),
                     .state = &vstate,
                     .keys = keys,
                     .n_keys = keymap_help(keys, 96)};
    return vp;
}

static void draw_into(const Session *s, int w, int h, DrawList *out, HitList *hl)
{
    ViewParams vp = params(w, h);
    view_draw(sess_view_model(s), &vp, out, hl);
    assert_false(dl_overflowed(out));
    assert_false(dl_clip_error(out));
    assert_int_equal(dl_clip_depth(out), 0);
}

static void draw(const Session *s, int w, int h)
{
    draw_into(s, w, h, dl, &hits);
}

static bool same_rect(const DlCmd *c, Rect r)
{
    return c->x == r.x && c->y == r.y && c->w == r.w && c->h == r.h;
}

/* The number as the inspector prints it: 3 decimals, or scientific when
 * tiny or huge. */
static void fmt_num(char *buf, size_t cap, double v)
{
    if (isnan(v))
        snprintf(buf, cap, "NaN");
    else if (isinf(v))
        snprintf(buf, cap, v > 0 ? "+Inf" : "−Inf");
    else if (v != 0 && (fabs(v) >= 1e4 || fabs(v) < 1e-3))
        snprintf(buf, cap, "%.2e", v);
    else
        snprintf(buf, cap, "%.3f", v);
}

static void fmt_vec(char *buf, size_t cap, const char *prefix, const double *v, int n)
{
    size_t o = (size_t)snprintf(buf, cap, "%s", prefix);
    for (int i = 0; i < n && o < cap; i++) {
        char num[32];
        fmt_num(num, sizeof num, v[i]);
        o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? " " : "", num);
    }
}

static double norm(const double *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

static int count_text(const DrawList *l, const char *text, Rect in)
{
    int n = 0;
    for (int i = 0; i < dl_count(l); i++) {
        const DlCmd *c = dl_cmd(l, i);
        if (c->kind == DL_CMD_TEXT && !strcmp(c->text, text) && rect_contains(in, c->x, c->y))
            n++;
    }
    return n;
}

static void dump_texts(const DrawList *l, Rect in)
{
    for (int i = 0; i < dl_count(l); i++) {
        const DlCmd *c = dl_cmd(l, i);
        if (c->kind == DL_CMD_TEXT && rect_contains(in, c->x, c->y))
            print_message("  text (%.1f, %.1f) '%s'\n", c->x, c->y, c->text);
    }
}

static int entries(const char *s) /* numbers after the norm's "│ ", if any */
{
    const char *bar = strstr(s, "│ ");
    s = bar ? bar + strlen("│ ") : s;
    int n = 0;
    for (const char *q = s; *q; q++)
        n += *q != ' ' && (q == s || q[-1] == ' ');
    return n;
}

/* Whether shown is values, or its start cut after a whole number (the
 * inspector prints as many whole numbers as fit, at least one), then
 * " +N" with N the entries left out. */
static bool shows_values(const char *full, const char *values)
{
    char shown[512];
    snprintf(shown, sizeof shown, "%s", full);
    const char *plus = strrchr(shown, '+');
    if (plus && plus > shown + 1 && plus[-1] == ' ' && strspn(plus + 1, "0123456789") > 0 &&
        plus[1 + strspn(plus + 1, "0123456789")] == '\0') {
        int more = atoi(plus + 1);
        shown[plus - 1 - shown] = '\0';
        if (entries(shown) + more != entries(values))
            return false;
    }
    size_t n = strlen(shown);
    if (!strcmp(shown, values))
        return true;
    if (n == 0 || strncmp(shown, values, n) || values[n] != ' ')
        return false;
    const char *bar = strstr(values, "│ ");
    return !bar || (size_t)(bar - values) + 4 < n;
}

/* A labelled row: text `label`, and on the same line to its right the
 * text `values` (or its start, cut after a whole number). */
static void expect_row(const DrawList *l, Rect area, float k, const char *label, const char *values)
{
    for (int i = 0; i < dl_count(l); i++) {
        const DlCmd *a = dl_cmd(l, i);
        if (a->kind != DL_CMD_TEXT || strcmp(a->text, label) || !rect_contains(area, a->x, a->y))
            continue;
        for (int j = 0; j < dl_count(l); j++) {
            const DlCmd *b = dl_cmd(l, j);
            if (b->kind == DL_CMD_TEXT && shows_values(b->text, values) && b->x > a->x &&
                fabsf(b->y - a->y) <= 2 * k)
                return;
        }
    }
    dump_texts(l, area);
    fail_msg("no row '%s' with values '%s'", label, values);
}

static Layout layout_of(const Session *s, int w, int h)
{
    ViewParams vp = params(w, h);
    Layout lo;
    view_layout(sess_view_model(s), &vp, &lo);
    return lo;
}

static const Hit *node_hit(const HitList *hl, RowKind row, int l, int t)
{
    for (int i = 0; i < hl->n; i++) {
        const Hit *h = &hl->hits[i];
        if (h->kind == HIT_NODE && h->row == row && h->l == l && h->t == t)
            return h;
    }
    return NULL;
}

/* The outline drawn exactly on a node's box: its colour says computed
 * (forward) or not yet (ghost). */
static const DlCmd *node_outline(const DrawList *l, Rect r)
{
    const DlCmd *found = NULL;
    for (int i = 0; i < dl_count(l); i++) {
        const DlCmd *c = dl_cmd(l, i);
        if (c->kind == DL_CMD_RECT_OUTLINE && same_rect(c, r)) {
            if (found)
                fail_msg("two outlines on the box (%.1f, %.1f)", r.x, r.y);
            found = c;
        }
    }
    if (!found)
        fail_msg("no outline on the box (%.1f, %.1f)", r.x, r.y);
    return found;
}

/* ---- forward: computed nodes vs ghosts ---- */

/* Index in the schedule of a forward op (head: l = -1), by the engine's
 * documented orders, worked out by hand here. */
static int fwd_index(NetOrder order, int L, int T, int l, int t)
{
    if (order == NET_ORDER_TIME)
        return t * (L + 1) + (l < 0 ? L : l);
    if (l >= 0 && l < L - 1)
        return l * T + t;
    return (L - 1) * T + 2 * t + (l < 0 ? 1 : 0);
}

static void check_forward_progress(Session *s, NetOrder order, int L, int T)
{
    const Theme *th = theme_get(false);
    int total = T * (L + 1);
    for (int k = 0; k <= total; k++) {
        if (k > 0)
            assert_int_equal(sess_step(s, 1, NULL, 0), 0);
        draw(s, 1280, 720);
        int fwd = 0, ghost = 0;
        for (int t = 0; t < T; t++)
            for (int l = -1; l < L; l++) {
                RowKind row = l < 0 ? ROW_OUTPUT : ROW_LAYER;
                const Hit *h = node_hit(&hits, row, l, t);
                if (!h)
                    fail_msg("k=%d: no hit for node (%d, %d)", k, l, t);
                const DlCmd *o = node_outline(dl, h->r);
                bool want = fwd_index(order, L, T, l, t) < k;
                NetOp op = {l < 0 ? NET_OP_HEAD_FORWARD : NET_OP_FORWARD, l, t};
                assert_true(net_op_done(sess_net(s), op) == want);
                if (want && !support_same_color(o->color, th->forward))
                    fail_msg("k=%d: computed node (%d, %d) not in the forward colour", k, l, t);
                if (!want && !support_same_color(o->color, th->ghost))
                    fail_msg("k=%d: node (%d, %d) not computed yet but not ghosted", k, l, t);
                fwd += want;
                ghost += !want;
            }
        assert_int_equal(fwd, k);
        assert_int_equal(ghost, total - k);
        /* exactly one highlight, around the node the last op computed */
        int accents = 0;
        const DlCmd *acc = NULL;
        for (int i = 0; i < dl_count(dl); i++) {
            const DlCmd *c = dl_cmd(dl, i);
            if (c->kind == DL_CMD_RECT_OUTLINE && support_same_color(c->color, th->accent)) {
                accents++;
                acc = c;
            }
        }
        assert_int_equal(accents, k > 0 ? 1 : 0);
        if (k > 0) {
            int found = 0;
            for (int t = 0; t < T; t++)
                for (int l = -1; l < L; l++)
                    if (fwd_index(order, L, T, l, t) == k - 1) {
                        const Hit *h = node_hit(&hits, l < 0 ? ROW_OUTPUT : ROW_LAYER, l, t);
                        Rect r = h->r;
                        assert_true(acc->x < r.x && acc->y < r.y && acc->x + acc->w > r.x + r.w &&
                                    acc->y + acc->h > r.y + r.h);
                        found++;
                    }
            assert_int_equal(found, 1);
        }
    }
}

static void test_forward_ops_colour_nodes(void **state)
{
    (void)state;
    Session *s = support_session("hidden=4;steps=5;layers=2");
    check_forward_progress(s, NET_ORDER_TIME, 2, 5);
    sess_destroy(s);
    s = support_session("hidden=4;steps=5;layers=3;order=layer");
    check_forward_progress(s, NET_ORDER_LAYER, 3, 5);
    sess_destroy(s);
}

/* ---- the inspector ---- */

typedef struct {
    const char *label;
    const double *v;
    int n;
} Row;

static int insp_w = 1920, insp_h = 1200; /* the size the inspector tests draw at */

static void expect_rows(const Session *s, const Row *rows, int n)
{
    Layout lo = layout_of(s, insp_w, insp_h);
    char buf[512];
    for (int i = 0; i < n; i++) {
        fmt_vec(buf, sizeof buf, "", rows[i].v, rows[i].n);
        expect_row(dl, lo.inspector, lo.s, rows[i].label, buf);
    }
}

static void expect_texts(const Session *s, const char *const *texts)
{
    Layout lo = layout_of(s, insp_w, insp_h);
    for (; *texts; texts++)
        if (count_text(dl, *texts, lo.inspector) != 1) {
            dump_texts(dl, lo.inspector);
            fail_msg("the inspector does not show '%s' once", *texts);
        }
}

/* Forward of layer 0 at step 3 (op 7 of a one-layer time-major pass). */
static void test_inspector_rnn(void **state)
{
    (void)state;
    const char *acts[2] = {"tanh", "relu"};
    for (int a = 0; a < 2; a++) {
        char spec[96];
        snprintf(spec, sizeof spec, "hidden=4;steps=5;nonlinearity=%s", acts[a]);
        Session *s = support_session(spec);
        support_run(s, "step 7");
        draw(s, 1920, 1200);
        const Net *net = sess_net(s);
        const char *eqs[] = {"Forward · layer 0 · step 3", "aₜ = W_ih xₜ + b_ih + W_hh hₜ₋₁ + b_hh",
                             a == 0 ? "hₜ = tanh(aₜ)" : "hₜ = relu(aₜ)", NULL};
        expect_texts(s, eqs);
        Row rows[] = {
            {"xₜ", net_x(net, 3), 3}, {"hₜ₋₁", net_h(net, 0, 2), 4}, {"hₜ", net_h(net, 0, 3), 4}};
        expect_rows(s, rows, 3);
        sess_destroy(s);
    }
}

static void test_inspector_gru(void **state)
{
    (void)state;
    Session *s = support_session("hidden=4;steps=5;cell=gru");
    support_run(s, "step 7");
    draw(s, 1920, 1200);
    const Net *net = sess_net(s);
    const char *eqs[] = {"rₜ = σ(W_ir xₜ + b_ir + W_hr hₜ₋₁ + b_hr)",
                         "zₜ = σ(W_iz xₜ + b_iz + W_hz hₜ₋₁ + b_hz)",
                         "nₜ = tanh(W_in xₜ + b_in + rₜ ⊙ (W_hn hₜ₋₁ + b_hn))",
                         "hₜ = (1 − zₜ) ⊙ nₜ + zₜ ⊙ hₜ₋₁", NULL};
    expect_texts(s, eqs);
    /* gate blocks in the contract's order r, z, n */
    const double *g = net_gates(net, 0, 3);
    Row rows[] = {{"xₜ", net_x(net, 3), 3}, {"hₜ₋₁", net_h(net, 0, 2), 4},
                  {"rₜ reset", g, 4},       {"zₜ update", g + 4, 4},
                  {"nₜ", g + 8, 4},         {"hₜ", net_h(net, 0, 3), 4}};
    expect_rows(s, rows, 6);
    sess_destroy(s);
}

static void test_inspector_lstm(void **state)
{
    (void)state;
    Session *s = support_session("hidden=4;steps=5;cell=lstm");
    support_run(s, "step 7");
    draw(s, 1920, 1200);
    const Net *net = sess_net(s);
    const char *eqs[] = {"cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ gₜ", "hₜ = oₜ ⊙ tanh(cₜ)", NULL};
    expect_texts(s, eqs);
    /* gate blocks in the contract's order i, f, g, o */
    const double *g = net_gates(net, 0, 3);
    Row rows[] = {
        {"iₜ input", g, 4},         {"fₜ forget", g + 4, 4},       {"gₜ", g + 8, 4},
        {"oₜ output", g + 12, 4},   {"cₜ₋₁", net_c(net, 0, 2), 4}, {"cₜ", net_c(net, 0, 3), 4},
        {"hₜ", net_h(net, 0, 3), 4}};
    expect_rows(s, rows, 7);
    sess_destroy(s);
}

/* A clicked node: the inspector follows the selection, not the cursor. */
static void test_inspector_selection(void **state)
{
    (void)state;
    Session *s = support_session("hidden=4;steps=5;layers=2");
    support_run(s, "forward all; select 1 2");
    draw(s, 1920, 1200);
    const Net *net = sess_net(s);
    const char *eqs[] = {"Forward · layer 1 · step 2", NULL};
    expect_texts(s, eqs);
    Row rows[] = {{"xₜ = hₜ below", net_h(net, 0, 2), 4},
                  {"hₜ₋₁", net_h(net, 1, 1), 4},
                  {"hₜ", net_h(net, 1, 2), 4}};
    expect_rows(s, rows, 3);
    sess_destroy(s);
}

/* Backward of layer 0 at the last step: the gradient sum and its parts. */
static void test_inspector_backward(void **state)
{
    (void)state;
    Session *s = support_session("hidden=4;steps=5");
    support_run(s, "forward all; backward 4");
    /* time-major backward: head 4, layer 4, head 3, layer 3 */
    NetOp op;
    assert_true(sess_current_op(s, &op));
    assert_int_equal(op.kind, NET_OP_BACKWARD);
    assert_int_equal(op.t, 3);
    draw(s, 1920, 1200);
    const Net *net = sess_net(s);
    char g[32], want[96];
    fmt_num(g, sizeof g, net_grad_h(net, 0, 3));
    const char *eqs[] = {"Backward · layer 0 · step 3", "∂L/∂aₜ = ∂L/∂hₜ ⊙ (1 − hₜ²)", NULL};
    expect_texts(s, eqs);
    /* the norm of the total, the engine's grad_h, is spelled out */
    Layout lo = layout_of(s, 1920, 1200);
    snprintf(want, sizeof want, "‖∂L/∂hₜ‖ = %s", g);
    bool shown = false;
    for (int i = 0; i < dl_count(dl); i++) {
        const DlCmd *c = dl_cmd(dl, i);
        shown |= c->kind == DL_CMD_TEXT && rect_contains(lo.inspector, c->x, c->y) &&
                 strstr(c->text, want) != NULL;
    }
    if (!shown) {
        dump_texts(dl, lo.inspector);
        fail_msg("no '%s'", want);
    }
    assert_true(fabs(norm(net_dh(net, 0, 3), 4) - net_grad_h(net, 0, 3)) <=
                1e-12 * net_grad_h(net, 0, 3));
    /* the two parts and their sum, each with its norm first */
    struct {
        const char *label;
        const double *v;
    } parts[3] = {{"from above", net_dh_out(net, 0, 3)},
                  {"from t+1", net_dh_next(net, 0, 3)},
                  {"∂L/∂hₜ", net_dh(net, 0, 3)}};
    for (int i = 0; i < 3; i++) {
        char pre[64], num[32], vals[512];
        fmt_num(num, sizeof num, norm(parts[i].v, 4));
        snprintf(pre, sizeof pre, "norm %s │ ", num);
        fmt_vec(vals, sizeof vals, pre, parts[i].v, 4);
        expect_row(dl, lo.inspector, lo.s, parts[i].label, vals);
    }
    sess_destroy(s);
}

/* ---- backward: halos ---- */

typedef struct {
    int t;
    double g;
    float halo;
} Halo;

/* The halo rect around a layer node: backward colour, centred on the node,
 * larger than it. Returns its margin, or -1 when there is none. */
static float halo_of(const DrawList *l, Rect r)
{
    DlColor want = color_alpha(theme_get(false)->backward, 85);
    float found = -1;
    for (int i = 0; i < dl_count(l); i++) {
        const DlCmd *c = dl_cmd(l, i);
        if (c->kind != DL_CMD_RECT || !support_same_color(c->color, want) || c->w <= r.w)
            continue;
        if (fabsf(c->x + c->w / 2 - (r.x + r.w / 2)) < 0.01f &&
            fabsf(c->y + c->h / 2 - (r.y + r.h / 2)) < 0.01f) {
            assert_true(found < 0);
            found = (c->w - r.w) / 2;
            assert_true(fabsf((c->h - r.h) / 2 - found) < 0.01f);
        }
    }
    return found;
}

static void test_backward_halos_follow_grad_h(void **state)
{
    (void)state;
    /* many-to-one with a contracting W_hh: grad_h shrinks away from T-1 */
    enum { T = 6 };
    Session *s = support_session("hidden=4;steps=6;targets=last;spectral_radius=0.5");
    const Net *net = sess_net(s);
    support_run(s, "forward all");
    for (int k = 0; k <= T + 1; k++) {
        if (k > 0)
            support_run(s, "backward 1");
        draw(s, 1280, 720);
        int halos = 0;
        for (int t = 0; t < T; t++) {
            NetOp op = {NET_OP_BACKWARD, 0, t};
            float h = halo_of(dl, node_hit(&hits, ROW_LAYER, 0, t)->r);
            assert_true(net_op_done(net, op) == (h >= 0));
            halos += h >= 0;
        }
        /* the head's backward comes first: k ops give k - 1 layer nodes */
        assert_int_equal(halos, k == 0 ? 0 : k - 1);
    }
    Halo hl[T];
    for (int t = 0; t < T; t++) {
        hl[t].t = t;
        hl[t].g = net_grad_h(net, 0, t);
        hl[t].halo = halo_of(dl, node_hit(&hits, ROW_LAYER, 0, t)->r);
        assert_true(isfinite(hl[t].g) && hl[t].g > 0);
    }
    /* a larger gradient, a larger halo */
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++)
            if (hl[i].g > hl[j].g * 1.01 && !(hl[i].halo > hl[j].halo))
                fail_msg("grad_h %g at t=%d > %g at t=%d but halo %.3f <= %.3f", hl[i].g, i,
                         hl[j].g, j, hl[i].halo, hl[j].halo);
    /* and on a log scale: equal ratios of grad_h, equal steps of halo */
    double per_decade = (hl[T - 1].halo - hl[0].halo) / log10(hl[T - 1].g / hl[0].g);
    assert_true(per_decade > 0);
    for (int t = 1; t < T; t++) {
        double want = per_decade * log10(hl[t].g / hl[t - 1].g);
        double got = hl[t].halo - hl[t - 1].halo;
        if (fabs(got - want) > 0.01)
            fail_msg("halo step %d: %.4f, a log scale gives %.4f", t, got, want);
    }
    sess_destroy(s);
}

/* ---- determinism ---- */

static void test_same_session_same_list(void **state)
{
    (void)state;
    const char *spec = "cell=lstm;hidden=8;steps=12;layers=2";
    const char *acts = "forward all; backward 9";
    Session *a = support_session(spec), *b = support_session(spec);
    support_run(a, acts);
    support_run(b, acts);
    char why[256];
    const int sz[3][2] = {{1280, 720}, {1920, 1080}, {3840, 2160}};
    for (int i = 0; i < 3; i++) {
        draw_into(a, sz[i][0], sz[i][1], dl, &hits);
        draw_into(b, sz[i][0], sz[i][1], dl2, &hits2);
        if (!support_lists_equal(dl, dl2, why, sizeof why))
            fail_msg("two sessions, %dx%d: %s", sz[i][0], sz[i][1], why);
        assert_int_equal(hits.n, hits2.n);
        assert_memory_equal(hits.hits, hits2.hits, sizeof(Hit) * (size_t)hits.n);
        draw_into(a, sz[i][0], sz[i][1], dl2, &hits2);
        if (!support_lists_equal(dl, dl2, why, sizeof why))
            fail_msg("same session twice, %dx%d: %s", sz[i][0], sz[i][1], why);
    }
    /* and a different state gives a different list */
    support_run(b, "backward 1");
    draw_into(b, 1280, 720, dl2, &hits2);
    draw_into(a, 1280, 720, dl, &hits);
    assert_false(support_lists_equal(dl, dl2, why, sizeof why));
    sess_destroy(a);
    sess_destroy(b);
}

/* ---- overflow in the gradient plot ---- */

typedef struct {
    int inf, nan_done, zero, finite;
} GradCount;

static GradCount count_grads(const Net *net)
{
    GradCount gc = {0, 0, 0, 0};
    for (int l = 0; l < net_config(net)->num_layers; l++)
        for (int t = 0; t < net_steps(net); t++) {
            NetOp op = {NET_OP_BACKWARD, l, t};
            double g = net_grad_h(net, l, t);
            if (isinf(g))
                gc.inf++;
            else if (isnan(g) && net_op_done(net, op))
                gc.nan_done++;
            else if (g == 0)
                gc.zero++;
            else if (isfinite(g))
                gc.finite++;
        }
    return gc;
}

static int count_circles(const DrawList *l, DlColor col, Rect in)
{
    int n = 0;
    for (int i = 0; i < dl_count(l); i++) {
        const DlCmd *c = dl_cmd(l, i);
        if (c->kind == DL_CMD_CIRCLE && support_same_color(c->color, col) &&
            rect_contains(in, c->x, c->y))
            n++;
    }
    return n;
}

/* relu with W_hh at spectral radius 1000 on the adding task (mse): the
 * gradient overflows to Inf a few steps back, then to NaN. */
static Session *exploding(void)
{
    Session *s =
        support_session("task=adding;nonlinearity=relu;spectral_radius=1000;steps=60;hidden=8");
    support_run(s, "backward all");
    sess_display(s)->plot = PLOT_GRAD;
    return s;
}

static void test_overflow_inf_marker(void **state)
{
    (void)state;
    Session *s = exploding();
    GradCount gc = count_grads(sess_net(s));
    assert_true(gc.inf >= 1); /* the scenario does overflow */
    assert_true(gc.finite >= 2);
    draw(s, 1280, 720);
    Layout lo = layout_of(s, 1280, 720);
    /* one labelled marker per overflowing step */
    assert_int_equal(count_text(dl, "Inf", lo.plots), gc.inf);
    assert_true(count_circles(dl, theme_get(false)->bad, lo.plots) >= gc.inf);
    /* the series lines stay inside the plot: no point thrown off by Inf */
    for (int i = 0; i < dl_count(dl); i++) {
        const DlCmd *c = dl_cmd(dl, i);
        if (c->kind != DL_CMD_POLYLINE || !rect_contains(lo.plots, c->points[0], c->points[1]))
            continue;
        for (int p = 0; p < c->n_points; p++)
            if (!rect_contains(lo.plots, c->points[2 * p], c->points[2 * p + 1]))
                fail_msg("plot line point %d (%.1f, %.1f) outside the plot", p, c->points[2 * p],
                         c->points[2 * p + 1]);
    }
    sess_destroy(s);
}

/* The spec: "Overflow (Inf/NaN) is drawn as a labelled marker". A NaN
 * gradient of a node whose backward ran is overflow too, unlike the NaN
 * of a node not reached yet. */
static void test_overflow_nan_marker(void **state)
{
    (void)state;
    Session *s = exploding();
    GradCount gc = count_grads(sess_net(s));
    assert_true(gc.nan_done >= 1);
    draw(s, 1280, 720);
    Layout lo = layout_of(s, 1280, 720);
    int markers = count_circles(dl, theme_get(false)->bad, lo.plots);
    if (markers != gc.inf + gc.nan_done + gc.zero)
        fail_msg("%d markers for %d Inf, %d NaN and %d zero gradients", markers, gc.inf,
                 gc.nan_done, gc.zero);
    assert_int_equal(count_text(dl, "NaN", lo.plots), gc.nan_done);
    sess_destroy(s);
}

/* ---- scale, bounds, hits ---- */

/* The inspector's heading: short enough never to be shrunk to fit. */
static const DlCmd *title(const DrawList *l)
{
    for (int i = 0; i < dl_count(l); i++) {
        const DlCmd *c = dl_cmd(l, i);
        if (c->kind == DL_CMD_TEXT && !strncmp(c->text, "Forward · ", strlen("Forward · ")))
            return c;
    }
    fail_msg("no inspector title");
    return NULL;
}

static void test_text_and_nodes_grow_with_window(void **state)
{
    (void)state;
    Session *s = support_session("hidden=8;steps=10");
    support_run(s, "step 5");
    draw(s, 1280, 720);
    float base = title(dl)->size_px;
    Rect node = node_hit(&hits, ROW_LAYER, 0, 2)->r;
    const int sz[2][2] = {{1920, 1080}, {3840, 2160}};
    for (int i = 0; i < 2; i++) {
        float f = sz[i][0] / 1280.0f;
        draw(s, sz[i][0], sz[i][1]);
        assert_true(fabsf(title(dl)->size_px - f * base) < 0.01f);
        Rect r = node_hit(&hits, ROW_LAYER, 0, 2)->r;
        assert_true(fabsf(r.w - f * node.w) < 0.02f && fabsf(r.h - f * node.h) < 0.02f);
    }
    /* the presenter scale, same window: text grows (a long line may give
     * back a little to stay inside its panel, which stops growing at a
     * third of the window) */
    draw(s, 1920, 1080);
    float base1920 = title(dl)->size_px;
    vstate.ui_scale = 1.5f;
    draw(s, 1920, 1080);
    assert_true(title(dl)->size_px > 1.3f * base1920);
    assert_true(title(dl)->size_px <= 1.5f * base1920 + 0.01f);
    vstate.ui_scale = 1;
    sess_destroy(s);
}

/* Text outside any clip must fit in the window as the view measured it. */
static void check_inside_window(const DrawList *l, int W, int H, const char *what)
{
    DlMeasure m = dl_measure_approx();
    bool clipped = false;
    for (int i = 0; i < dl_count(l); i++) {
        const DlCmd *c = dl_cmd(l, i);
        if (c->kind == DL_CMD_CLIP_PUSH || c->kind == DL_CMD_CLIP_POP) {
            clipped = c->has_clip;
            continue;
        }
        if (clipped)
            continue;
        float x0 = c->x, x1 = c->x + c->w, y0 = c->y, y1 = c->y + c->h;
        if (c->kind == DL_CMD_TEXT) {
            float w = m.text_width(m.ctx, c->font, c->size_px, c->text);
            x0 = c->align == DL_ALIGN_LEFT     ? c->x
                 : c->align == DL_ALIGN_CENTER ? c->x - w / 2
                                               : c->x - w;
            x1 = x0 + w;
            y1 = c->y + m.line_height(m.ctx, c->font, c->size_px);
        } else if (c->kind != DL_CMD_RECT && c->kind != DL_CMD_RECT_OUTLINE) {
            continue;
        }
        if (x0 < -0.5f || y0 < -0.5f || x1 > W + 0.5f || y1 > H + 0.5f)
            fail_msg("%dx%d %s: command %d (kind %d, '%s') spans (%.1f, %.1f)-(%.1f, %.1f)", W, H,
                     what, i, c->kind, c->text ? c->text : "", x0, y0, x1, y1);
    }
}

static void test_largest_view_fits(void **state)
{
    (void)state;
    Session *s = support_session("cell=lstm;layers=3;steps=100;hidden=32");
    support_run(s, "forward all; backward 250");
    const int sz[3][2] = {{1280, 720}, {1920, 1080}, {3840, 2160}};
    const float scales[2] = {1.0f, 1.5f};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 2; k++)
            for (int help = 0; help < 2; help++) {
                vstate.ui_scale = scales[k];
                support_run(s, help ? "show help" : "hide help");
                draw(s, sz[i][0], sz[i][1]);
                char what[64];
                snprintf(what, sizeof what, "UI scale %.1f%s", scales[k], help ? ", help" : "");
                check_inside_window(dl, sz[i][0], sz[i][1], what);
            }
    vstate.ui_scale = 1;
    sess_destroy(s);
}

static void test_hits(void **state)
{
    (void)state;
    Session *s = support_session("hidden=4;steps=40;layers=2");
    support_run(s, "step 30");
    draw(s, 1280, 720);
    Layout lo = layout_of(s, 1280, 720);
    int t0, t1, nodes = 0;
    layout_visible_cols(&lo, &t0, &t1);
    for (int t = t0; t <= t1; t++)
        for (int l = 0; l < 2; l++) {
            const Hit *h = node_hit(&hits, ROW_LAYER, l, t);
            assert_non_null(h);
            const Hit *got = view_hit(&hits, h->r.x + h->r.w / 2, h->r.y + h->r.h / 2);
            assert_non_null(got);
            assert_int_equal(got->kind, HIT_NODE);
            assert_int_equal(got->l, l);
            assert_int_equal(got->t, t);
            nodes++;
        }
    assert_true(nodes >= 4);
    /* the current node (op 30 of 3 per step: the head at step 9) is in view */
    assert_true(t0 <= 9 && 9 <= t1);
    /* every control is a button in the bar */
    bool seen[BTN_COUNT] = {false};
    Rect win = {0, 0, 1280, 720};
    for (int i = 0; i < hits.n; i++)
        if (hits.hits[i].kind == HIT_BUTTON) {
            int id = hits.hits[i].id;
            assert_true(id >= 0 && id < BTN_COUNT);
            assert_true(rect_inside(hits.hits[i].r, id <= BTN_HELP ? lo.controls : win));
            seen[id] = true;
        }
    for (int b = BTN_BACK; b <= BTN_HELP; b++)
        if (!seen[b])
            fail_msg("no button %d", b);
    assert_null(view_hit(&hits, lo.net.x + 2, lo.net.y + lo.net.h - 2));
    sess_destroy(s);
}

static int setup(void **state)
{
    (void)state;
    dl = dl_create(200000, 4u << 20, 400000);
    dl2 = dl_create(200000, 4u << 20, 400000);
    return dl && dl2 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    dl_destroy(dl);
    dl_destroy(dl2);
    return 0;
}

/* ---- a frame from a hand-filled view model, no network ---- */

/* A one-layer RNN over two steps, mid-backward, written by hand: the view
 * shows these numbers and nothing else (no session, no engine). */
static void test_hand_filled_model(void **state)
{
    (void)state;
    static double h[2][2] = {{0.5, -0.25}, {0.75, 0.125}}, x[2][1] = {{1}, {0}};
    static double grad_h[2] = {0.002, 0.04}, grad_c[2] = {NAN, NAN}, contrib[2] = {1, 2};
    static double dh[2] = {0.3, -0.4}, hist_loss[1] = {1};
    static VmNode node[2];
    static VmStep step[2];
    static ViewModel vm;
    memset(&vm, 0, sizeof vm);
    vm.cell = VM_CELL_RNN;
    vm.T = 2, vm.L = 1, vm.H = 2, vm.I = 1, vm.O = 3, vm.B = 1;
    vm.ce = vm.targets_all = true;
    vm.cell_name = "rnn", vm.task_name = "hand";
    vm.phase = VM_PHASE_BACKWARD, vm.cursor = 5, vm.op_count = 9, vm.iteration = 7;
    vm.any_loss = true, vm.loss = 1.5;
    vm.node = node, vm.step = step, vm.grad_h = grad_h, vm.grad_c = grad_c;
    vm.contrib = contrib;
    snprintf(vm.contrib_name, sizeof vm.contrib_name, "weight_hh_l0");
    vm.hist.loss = hist_loss;
    for (int t = 0; t < 2; t++) {
        node[t] = (VmNode){.fwd = true, .bwd = t == 1, .h = h[t]};
        step[t] = (VmStep){.x = x[t],
                           .head_fwd = true,
                           .head_bwd = t == 1,
                           .has_target = true,
                           .hit = t == 0,
                           .y_prob = 0.5,
                           .step_loss = 0.25};
        snprintf(step[t].x_sym, sizeof step[t].x_sym, "%s", t ? "Q" : "P");
        snprintf(step[t].y_sym, sizeof step[t].y_sym, "K%d", t);
        snprintf(step[t].target_sym, sizeof step[t].target_sym, "Z%d", t);
    }
    vm.has_cur = true, vm.cur = (VmOp){VM_OP_BACKWARD, 0, 1};
    vm.inspect = (VmInspect){.has_op = true, .op = vm.cur, .done = true, .grad_h = 0.5};
    vm.inspect.term[VM_T_DH] = (VmVec){dh, 2, 0.5};
    vm.rho = NAN, vm.sigma = INFINITY;
    vm.display = (VmDisplay){.panels = VM_PANEL_INSPECTOR | VM_PANEL_PLOTS | VM_PANEL_CONTROLS};
    ViewParams vp = params(1280, 720);
    view_draw(&vm, &vp, dl, &hits);
    assert_false(dl_overflowed(dl));
    Rect all = {0, 0, 1280, 720};
    /* the task's symbols, the target and hit marks, the output's probability */
    assert_int_equal(count_text(dl, "P", all), 1);
    assert_int_equal(count_text(dl, "Q", all), 1);
    assert_int_equal(count_text(dl, "✓ Z0", all), 1);
    assert_int_equal(count_text(dl, "✗ Z1", all), 1);
    assert_int_equal(count_text(dl, "K1", all), 1);
    assert_int_equal(count_text(dl, "50%", all), 2);
    /* the inspector's title and the norm it was handed, not one it worked out */
    assert_int_equal(count_text(dl, "Backward · layer 0 · step 1", all), 1);
    assert_int_equal(count_text(dl, "norm 0.500 │ 0.300 -0.400", all), 1);
    /* the status line from the model's progress */
    assert_int_equal(count_text(dl, "backward  ·  op 5 / 9  ·  iteration 7  ·  loss 1.500", all),
                     1);
    /* each step's share under the gradient plot, by the tensor's name */
    /* (the longest wording that fits at the legend floor) */
    assert_int_equal(count_text(dl, "share of ∂L/∂weight_hh_l0", all) +
                         count_text(dl, "∂L/∂weight_hh_l0 by step", all) +
                         count_text(dl, "each step's share of ∂L/∂weight_hh_l0", all),
                     1);
    /* node hits for both steps of the one layer */
    int layer_hits = 0;
    for (int i = 0; i < hits.n; i++)
        layer_hits += hits.hits[i].kind == HIT_NODE && hits.hits[i].row == ROW_LAYER;
    assert_int_equal(layer_hits, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forward_ops_colour_nodes),
        cmocka_unit_test(test_inspector_rnn),
        cmocka_unit_test(test_inspector_gru),
        cmocka_unit_test(test_inspector_lstm),
        cmocka_unit_test(test_inspector_selection),
        cmocka_unit_test(test_inspector_backward),
        cmocka_unit_test(test_backward_halos_follow_grad_h),
        cmocka_unit_test(test_same_session_same_list),
        cmocka_unit_test(test_overflow_inf_marker),
        cmocka_unit_test(test_overflow_nan_marker),
        cmocka_unit_test(test_text_and_nodes_grow_with_window),
        cmocka_unit_test(test_largest_view_fits),
        cmocka_unit_test(test_hits),
        cmocka_unit_test(test_hand_filled_model),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
