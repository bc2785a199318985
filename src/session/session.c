#include "session.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_num.h"
#include "init.h"
#include "optim.h"
#include "sample.h"
#include "spectral.h"
#include "vm_fill.h"

struct Session {
    Settings settings;
    Trainer *tr; /* owns the network and the task */
    /* The batch on screen, drawn from its own Rng so training never moves it. */
    double *bx, *by;
    int *bcls;
    NetBatch batch;
    NetOp *ops;    /* the schedule of one pass; the update comes after it */
    ViewModel *vm; /* what the view shows, sized with the network */
    int n_ops, cursor;
    long iteration;
    bool has_sel;
    int sel_l, sel_t;
    SessDisplay display;
    SessMotion motion;
    double rho[NET_MAX_LAYERS], sigma[NET_MAX_LAYERS];
    double *eig_re, *eig_im; /* (G * H) of layer 0, or NULL when H is too large */
    int eig_n;
    SessCompare cmp;
    char sample[SESS_SAMPLE_LEN + 1]; /* text task: what the network writes */
    double last_grad_norm;
    char note[256];
};

static int fail(char *msg, size_t cap, int code, const char *fmt, const char *detail)
{
    if (msg && cap)
        snprintf(msg, cap, fmt, detail);
    return code;
}

static Net *net_of(Session *s)
{
    return train_net(s->tr);
}

static void refresh_sample(Session *s);

/* Largest W_hh block decomposed live: LAPACK's dgeev at H = 256 takes
 * about 40 ms, a few frames. */
#define EIGEN_MAX_H 256

/* W_hh's spectral radius and largest singular value (first gate block),
 * and layer 0's eigenvalues, block by block; called whenever weights change. */
static void refresh_spectral(Session *s)
{
    Net *net = net_of(s);
    const NetConfig *cfg = net_config(net);
    int H = cfg->hidden_size, G = net_gate_count(cfg->cell);
    for (int l = 0; l < cfg->num_layers; l++) {
        const double *w = net_w_hh(net, l);
        s->rho[l] = spectral_radius(w, H);
        s->sigma[l] = spectral_norm(w, H);
    }
    free(s->eig_re);
    free(s->eig_im);
    s->eig_re = s->eig_im = NULL;
    s->eig_n = 0;
    if (H > EIGEN_MAX_H)
        return;
    s->eig_re = calloc((size_t)G * H, sizeof(double));
    s->eig_im = calloc((size_t)G * H, sizeof(double));
    if (!s->eig_re || !s->eig_im)
        return;
    for (int g = 0; g < G; g++)
        if (spectral_eigenvalues(net_w_hh(net, 0) + (size_t)g * H * H, H, s->eig_re + g * H,
                                 s->eig_im + g * H))
            return;
    s->eig_n = H;
}

void sess_refresh_spectral(Session *s)
{
    refresh_spectral(s);
    refresh_sample(s);
}

int sess_eigen(const Session *s, const double **re, const double **im, int *blocks)
{
    *re = s->eig_re;
    *im = s->eig_im;
    *blocks = net_gate_count(net_config(sess_net(s))->cell);
    return s->eig_n;
}

/* Parts of a session that depend on the trainer's shape. */
typedef struct {
    Trainer *tr;
    double *bx, *by;
    int *bcls;
    NetOp *ops;
    ViewModel *vm;
} Parts;

static void parts_free(Parts *p)
{
    if (p->tr)
        train_destroy(p->tr);
    free(p->bx);
    free(p->by);
    free(p->bcls);
    free(p->ops);
    vm_destroy(p->vm);
}

static int parts_build(Parts *p, const Settings *st, char *msg, size_t cap)
{
    NetError err = {{0}};
    memset(p, 0, sizeof *p);
    p->tr = settings_trainer(st, &err);
    if (!p->tr)
        return fail(msg, cap, NET_ERR_ARG, "%s", err.msg);
    Task *task = train_task(p->tr);
    int B = st->batch, T = st->steps;
    p->bx = calloc(task_x_len(task, B, T) + 1, sizeof(double));
    p->by = calloc(task_y_len(task, B, T) + 1, sizeof(double));
    p->bcls = calloc(task_classes_len(task, B, T) + 1, sizeof(int));
    /* pass ops + the update, for the largest schedule this trainer can bind */
    size_t n = (size_t)2 * net_config(train_net(p->tr))->num_layers * T + 2 * (size_t)T + 1;
    p->ops = calloc(n, sizeof(NetOp));
    const NetConfig *nc = net_config(train_net(p->tr));
    p->vm = vm_create(nc->num_layers, T, nc->output_size, nc->hidden_size);
    if (!p->bx || !p->by || !p->bcls || !p->ops || !p->vm) {
        parts_free(p);
        return fail(msg, cap, NET_ERR_NOMEM, "%s", "out of memory building the session");
    }
    return NET_OK;
}

/* Draws the batch on screen from the seed, binds it and starts a pass. */
static int bind_display(Session *s, char *msg, size_t cap)
{
    Net *net = net_of(s);
    Task *task = train_task(s->tr);
    NetError err = {{0}};
    Rng rng;
    rng_seed(&rng, s->settings.seed ^ 0x5EED0F5C4EE4ULL);
    int rc = task_fill(task, &rng, net_config(net)->targets, s->settings.batch, s->settings.steps,
                       false, s->bx, s->bcls, s->by, &s->batch, &err);
    if (!rc)
        rc = net_bind(net, &s->batch, &err);
    if (rc)
        return fail(msg, cap, rc, "%s", err.msg);
    s->n_ops = net_schedule(net, s->settings.order, s->ops, net_schedule_len(net));
    s->cursor = 0;
    net_zero_grad(net);
    return NET_OK;
}

bool sess_train_pending(const Session *s)
{
    return train_pending(s->tr);
}

int sess_settle(Session *s, char *msg, size_t cap)
{
    if (!train_pending(s->tr))
        return NET_OK;
    train_abandon(s->tr);
    return bind_display(s, msg, cap);
}

static void adopt(Session *s, Parts *p)
{
    Parts old = {s->tr, s->bx, s->by, s->bcls, s->ops, s->vm};
    s->tr = p->tr;
    s->bx = p->bx;
    s->by = p->by;
    s->bcls = p->bcls;
    s->ops = p->ops;
    s->vm = p->vm;
    parts_free(&old);
}

Session *sess_create(const Settings *settings, char *msg, size_t cap)
{
    Session *s = calloc(1, sizeof *s);
    if (!s) {
        fail(msg, cap, NET_ERR_NOMEM, "%s", "out of memory");
        return NULL;
    }
    s->settings = *settings;
    Parts p;
    if (parts_build(&p, settings, msg, cap)) {
        free(s);
        return NULL;
    }
    adopt(s, &p);
    if (bind_display(s, msg, cap)) {
        sess_destroy(s);
        return NULL;
    }
    s->display =
        (SessDisplay){.panels = PANEL_INSPECTOR | PANEL_PLOTS | PANEL_CONTROLS | PANEL_LESSON,
                      .plot = PLOT_GRAD,
                      .contrib_param = -1,
                      .shown = SHOW_ALL,
                      .row = 0};
    s->last_grad_norm = NAN;
    refresh_spectral(s);
    return s;
}

void sess_destroy(Session *s)
{
    if (!s)
        return;
    Parts p = {s->tr, s->bx, s->by, s->bcls, s->ops, s->vm};
    parts_free(&p);
    free(s->eig_re);
    free(s->eig_im);
    for (int c = 0; c < 3; c++) {
        free(s->cmp.grad_h[c]);
        free(s->cmp.loss[c]);
    }
    free(s);
}

/* ---- copies --------------------------------------------------------------- */

static void *dup_mem(const void *src, size_t bytes)
{
    void *p = src ? malloc(bytes ? bytes : 1) : NULL;
    if (p)
        memcpy(p, src, bytes);
    return p;
}

/* A pointer into one of src's buffers, moved to the same place in dst's. */
static const void *moved_ptr(const void *p, const void *src_buf, void *dst_buf)
{
    return p && p == src_buf ? dst_buf : p;
}

/* The buffers sized by the trainer's shape, copied (Parts of a clone). */
static int clone_parts(Session *c, const Session *s)
{
    const Task *task = train_task_const(s->tr);
    int B = s->settings.batch, T = s->settings.steps;
    const NetConfig *nc = net_config(sess_net(s));
    /* as parts_build sizes them */
    size_t n_ops = (size_t)2 * nc->num_layers * T + 2 * (size_t)T + 1;
    c->bx = dup_mem(s->bx, (task_x_len(task, B, T) + 1) * sizeof(double));
    c->by = dup_mem(s->by, (task_y_len(task, B, T) + 1) * sizeof(double));
    c->bcls = dup_mem(s->bcls, (task_classes_len(task, B, T) + 1) * sizeof(int));
    c->ops = dup_mem(s->ops, n_ops * sizeof(NetOp));
    c->vm = vm_create(nc->num_layers, T, nc->output_size, nc->hidden_size);
    if (!c->bx || !c->by || !c->bcls || !c->ops || !c->vm)
        return NET_ERR_NOMEM;
    c->batch.x = moved_ptr(s->batch.x, s->bx, c->bx);
    c->batch.y = moved_ptr(s->batch.y, s->by, c->by);
    c->batch.classes = moved_ptr(s->batch.classes, s->bcls, c->bcls);
    return NET_OK;
}

/* The eigenvalues and the comparison, which own their arrays. */
static int clone_arrays(Session *c, const Session *s)
{
    const NetConfig *nc = net_config(sess_net(s));
    size_t eig = (size_t)net_gate_count(nc->cell) * nc->hidden_size * sizeof(double);
    c->eig_re = dup_mem(s->eig_re, eig);
    c->eig_im = dup_mem(s->eig_im, eig);
    if ((s->eig_re && !c->eig_re) || (s->eig_im && !c->eig_im))
        return NET_ERR_NOMEM;
    for (int k = 0; k < 3; k++) {
        c->cmp.grad_h[k] = dup_mem(s->cmp.grad_h[k], (size_t)s->cmp.L * s->cmp.T * sizeof(double));
        c->cmp.loss[k] = dup_mem(s->cmp.loss[k], ((size_t)s->cmp.iters + 1) * sizeof(double));
        if ((s->cmp.grad_h[k] && !c->cmp.grad_h[k]) || (s->cmp.loss[k] && !c->cmp.loss[k]))
            return NET_ERR_NOMEM;
    }
    return NET_OK;
}

Session *sess_clone(const Session *s, char *msg, size_t cap)
{
    Session *c = malloc(sizeof *c);
    if (!c) {
        fail(msg, cap, NET_ERR_NOMEM, "%s", "out of memory copying the session");
        return NULL;
    }
    *c = *s;
    c->tr = NULL;
    c->bx = c->by = c->eig_re = c->eig_im = NULL;
    c->bcls = NULL;
    c->ops = NULL;
    c->vm = NULL;
    for (int k = 0; k < 3; k++)
        c->cmp.grad_h[k] = c->cmp.loss[k] = NULL;
    NetError err = {{0}};
    c->tr = train_clone(s->tr, &err);
    if (!c->tr || clone_parts(c, s) || clone_arrays(c, s)) {
        sess_destroy(c);
        fail(msg, cap, NET_ERR_NOMEM, "%s", "out of memory copying the session");
        return NULL;
    }
    return c;
}

/* ---- end of copies -------------------------------------------------------- */

/* ---- read access ---------------------------------------------------------- */

const Settings *sess_settings(const Session *s)
{
    return &s->settings;
}

const Net *sess_net(const Session *s)
{
    return train_net_const(s->tr);
}

const Task *sess_task(const Session *s)
{
    return train_task_const(s->tr);
}

const Trainer *sess_trainer(const Session *s)
{
    return s->tr;
}

int sess_cursor(const Session *s)
{
    return s->cursor;
}

int sess_op_count(const Session *s)
{
    return s->n_ops + 1;
}

NetOp sess_op(const Session *s, int k)
{
    return s->ops[k];
}

SessPhase sess_phase(const Session *s)
{
    if (s->cursor >= s->n_ops)
        return PHASE_UPDATE;
    NetOpKind k = s->ops[s->cursor].kind;
    return k == NET_OP_FORWARD || k == NET_OP_HEAD_FORWARD ? PHASE_FORWARD : PHASE_BACKWARD;
}

long sess_iteration(const Session *s)
{
    return s->iteration;
}

bool sess_current_op(const Session *s, NetOp *op)
{
    if (s->has_sel) {
        NetOpKind kind = NET_OP_FORWARD;
        NetOp bw = {NET_OP_BACKWARD, s->sel_l, s->sel_t};
        NetOp hb = {NET_OP_HEAD_BACKWARD, -1, s->sel_t};
        if (s->sel_l >= 0)
            kind = net_op_done(sess_net(s), bw) ? NET_OP_BACKWARD : NET_OP_FORWARD;
        else
            kind = net_op_done(sess_net(s), hb) ? NET_OP_HEAD_BACKWARD : NET_OP_HEAD_FORWARD;
        op->kind = kind;
        op->l = s->sel_l;
        op->t = s->sel_t;
        return true;
    }
    if (s->cursor == 0)
        return false;
    *op = s->ops[s->cursor - 1 < s->n_ops ? s->cursor - 1 : s->n_ops - 1];
    return true;
}

bool sess_selected(const Session *s, int *l, int *t)
{
    if (s->has_sel) {
        *l = s->sel_l;
        *t = s->sel_t;
    }
    return s->has_sel;
}

SessDisplay *sess_display(Session *s)
{
    return &s->display;
}

const ViewModel *sess_view_model(const Session *s)
{
    vm_fill(s->vm, s);
    return s->vm;
}

const SessDisplay *sess_display_const(const Session *s)
{
    return &s->display;
}

SessMotion sess_motion(const Session *s)
{
    return s->motion;
}

const char *sess_message(const Session *s)
{
    return s->note;
}

double sess_last_grad_norm(const Session *s)
{
    return s->last_grad_norm;
}

double sess_spectral_radius(const Session *s, int l)
{
    return l >= 0 && l < net_config(sess_net(s))->num_layers ? s->rho[l] : NAN;
}

double sess_spectral_norm(const Session *s, int l)
{
    return l >= 0 && l < net_config(sess_net(s))->num_layers ? s->sigma[l] : NAN;
}

/* ---- stepping ------------------------------------------------------------- */

static void moved(Session *s)
{
    s->has_sel = false;
    s->motion.serial++;
    s->motion.animate = true;
    s->motion.rescroll = false;
}

/* The update closes the iteration: clip, optimizer step, a fresh pass on
 * the same batch so the effect shows in the next forward. */
static int apply_update(Session *s)
{
    Net *net = net_of(s);
    double *g = net_grads(net);
    size_t n = net_num_params(net);
    s->last_grad_norm =
        s->settings.clip > 0 ? optim_clip_grad_norm(g, n, s->settings.clip) : optim_grad_norm(g, n);
    if (isfinite(s->last_grad_norm)) {
        optim_step(train_optim(s->tr), net_params(net), g);
        snprintf(s->note, sizeof s->note, "updated: ‖∇‖ = %.3g%s", s->last_grad_norm,
                 s->settings.clip > 0 && s->last_grad_norm > s->settings.clip ? " (clipped)" : "");
    } else {
        snprintf(s->note, sizeof s->note, "update skipped: the gradient is not finite");
    }
    s->iteration++;
    net_reset_pass(net);
    net_zero_grad(net);
    s->cursor = 0;
    refresh_spectral(s);
    return NET_OK;
}

static int run_next(Session *s, char *msg, size_t cap)
{
    if (s->cursor >= s->n_ops)
        return apply_update(s);
    Net *net = net_of(s);
    int rc = net_run_op(net, s->ops[s->cursor]);
    if (rc)
        return fail(msg, cap, rc, "%s", net_last_error(net));
    s->cursor++;
    if (s->cursor == s->n_ops)
        s->last_grad_norm = optim_grad_norm(net_grads(net), net_num_params(net));
    return NET_OK;
}

int sess_step(Session *s, int n, char *msg, size_t cap)
{
    int settled = sess_settle(s, msg, cap);
    if (settled)
        return settled;
    s->note[0] = '\0';
    for (int i = 0; i < n; i++) {
        int rc = run_next(s, msg, cap);
        if (rc)
            return rc;
    }
    moved(s);
    return NET_OK;
}

/* Replays the pass from its start to op k: exact, since the engine is
 * deterministic and gradients are zeroed at the start of each pass. */
static int replay_to(Session *s, int k, char *msg, size_t cap)
{
    Net *net = net_of(s);
    net_reset_pass(net);
    net_zero_grad(net);
    s->cursor = 0;
    while (s->cursor < k) {
        int rc = run_next(s, msg, cap);
        if (rc)
            return rc;
    }
    return NET_OK;
}

int sess_back(Session *s, int n, char *msg, size_t cap)
{
    int settled = sess_settle(s, msg, cap);
    if (settled)
        return settled;
    s->note[0] = '\0';
    if (s->cursor == 0) {
        snprintf(s->note, sizeof s->note, "at the start of iteration %ld", s->iteration);
        return NET_OK;
    }
    int rc = replay_to(s, s->cursor - n < 0 ? 0 : s->cursor - n, msg, cap);
    moved(s);
    s->motion.animate = false;
    return rc;
}

static bool is_forward(NetOpKind k)
{
    return k == NET_OP_FORWARD || k == NET_OP_HEAD_FORWARD;
}

int sess_forward(Session *s, int n, char *msg, size_t cap)
{
    int settled = sess_settle(s, msg, cap);
    if (settled)
        return settled;
    s->note[0] = '\0';
    if (s->cursor > 0 && !is_forward(s->ops[s->cursor - 1].kind) && s->cursor < s->n_ops) {
        /* mid-backward: a new forward pass starts the iteration over */
        int rc = replay_to(s, 0, msg, cap);
        if (rc)
            return rc;
    } else if (s->cursor == s->n_ops) {
        apply_update(s);
    }
    for (int i = 0; (n < 0 || i < n) && s->cursor < s->n_ops && is_forward(s->ops[s->cursor].kind);
         i++) {
        int rc = run_next(s, msg, cap);
        if (rc)
            return rc;
    }
    moved(s);
    return NET_OK;
}

int sess_backward(Session *s, int n, char *msg, size_t cap)
{
    int settled = sess_settle(s, msg, cap);
    if (settled)
        return settled;
    s->note[0] = '\0';
    int rc = NET_OK;
    while (rc == NET_OK && s->cursor < s->n_ops && is_forward(s->ops[s->cursor].kind))
        rc = run_next(s, msg, cap);
    for (int i = 0; rc == NET_OK && (n < 0 || i < n) && s->cursor < s->n_ops; i++)
        rc = run_next(s, msg, cap);
    moved(s);
    return rc;
}

int sess_update(Session *s, char *msg, size_t cap)
{
    int settled = sess_settle(s, msg, cap);
    if (settled)
        return settled;
    int rc = NET_OK;
    while (rc == NET_OK && s->cursor < s->n_ops)
        rc = run_next(s, msg, cap);
    if (rc == NET_OK)
        rc = apply_update(s);
    moved(s);
    s->motion.animate = false;
    return rc;
}

/* ---- settings and structure ------------------------------------------------ */

/* Rebuilds everything from settings; keep_params copies the old weights
 * (same shapes) so a change of optimizer or carry keeps the training. */
static int rebuild(Session *s, const Settings *st, bool keep_params, char *msg, size_t cap)
{
    Parts p;
    int rc = parts_build(&p, st, msg, cap);
    if (rc)
        return rc;
    if (keep_params)
        memcpy(net_params(train_net(p.tr)), net_params(net_of(s)),
               sizeof(double) * net_num_params(net_of(s)));
    Settings old = s->settings;
    Parts prev = {s->tr, s->bx, s->by, s->bcls, s->ops, s->vm};
    s->settings = *st;
    s->tr = p.tr;
    s->bx = p.bx;
    s->by = p.by;
    s->bcls = p.bcls;
    s->ops = p.ops;
    s->vm = p.vm;
    rc = bind_display(s, msg, cap);
    if (rc) {
        /* put the previous session back exactly as it was */
        s->settings = old;
        s->tr = prev.tr;
        s->bx = prev.bx;
        s->by = prev.by;
        s->bcls = prev.bcls;
        s->ops = prev.ops;
        s->vm = prev.vm;
        parts_free(&p);
        return rc;
    }
    parts_free(&prev);
    s->has_sel = false;
    s->iteration = keep_params ? s->iteration : 0;
    s->last_grad_norm = NAN;
    s->motion.serial++;
    s->motion.animate = false;
    s->motion.rescroll = true;
    refresh_spectral(s);
    return NET_OK;
}

int sess_reset(Session *s, char *msg, size_t cap)
{
    int settled = sess_settle(s, msg, cap);
    if (settled)
        return settled;
    int rc = rebuild(s, &s->settings, false, msg, cap);
    if (!rc)
        snprintf(s->note, sizeof s->note, "reset: fresh weights from seed %llu",
                 (unsigned long long)s->settings.seed);
    return rc;
}

/* Adopts next, which differs from the current settings in setting id:
 * the spectral radius rescales W_hh in place, a setting that keeps the
 * weights rebuilds around them, anything else rebuilds the network. */
static int apply_setting(Session *s, const Settings *next, SettingId id, char *msg, size_t cap)
{
    char value[SETTINGS_PATH_MAX];
    const char *key = settings_info(id)->key;
    if (id == SET_SPECTRAL_RADIUS && next->spectral_radius > 0) {
        /* rescale the current W_hh in place: the slider's whole point */
        Settings keep = s->settings;
        s->settings = *next;
        if (init_set_spectral_radius(net_of(s), next->spectral_radius)) {
            s->settings = keep;
            return fail(msg, cap, NET_ERR_ARG, "%s",
                        "cannot rescale W_hh: its spectral radius is 0 or not finite");
        }
        refresh_spectral(s);
        snprintf(s->note, sizeof s->note, "spectral radius of W_hh set to %g",
                 next->spectral_radius);
        return replay_to(s, s->cursor, msg, cap);
    }
    bool keep = settings_info(id)->keeps_weights;
    int rc = rebuild(s, next, keep, msg, cap);
    if (!rc && settings_get(next, key, value, sizeof value) == 0)
        snprintf(s->note, sizeof s->note, keep ? "%s = %s" : "rebuilt the network (%s = %s)", key,
                 value);
    return rc;
}

int sess_set(Session *s, const char *key, const char *value, char *msg, size_t cap)
{
    int settled = sess_settle(s, msg, cap);
    if (settled)
        return settled;
    Settings next = s->settings;
    if (settings_set(&next, key, value, msg, cap))
        return NET_ERR_ARG;
    return apply_setting(s, &next, (SettingId)settings_find(key), msg, cap);
}

int sess_set_value(Session *s, SettingId id, double v, char *msg, size_t cap)
{
    int settled = sess_settle(s, msg, cap);
    if (settled)
        return settled;
    Settings next = s->settings;
    if (settings_set_value(&next, id, v, msg, cap))
        return NET_ERR_ARG;
    return apply_setting(s, &next, id, msg, cap);
}

int sess_set_seed(Session *s, uint64_t seed, char *msg, size_t cap)
{
    int settled = sess_settle(s, msg, cap);
    if (settled)
        return settled;
    Settings next = s->settings;
    settings_set_seed(&next, seed);
    return apply_setting(s, &next, SET_SEED, msg, cap);
}

int sess_select(Session *s, int l, int t, char *msg, size_t cap)
{
    const Net *net = sess_net(s);
    if (l < -1 || l >= net_config(net)->num_layers || t < 0 || t >= net_steps(net)) {
        if (msg && cap && l == -1)
            snprintf(msg, cap, "no output at step %d (steps 0..%d)", t, net_steps(net) - 1);
        else if (msg && cap)
            snprintf(msg, cap, "no node at layer %d, step %d (layers 0..%d, steps 0..%d)", l, t,
                     net_config(net)->num_layers - 1, net_steps(net) - 1);
        return NET_ERR_ARG;
    }
    s->has_sel = true;
    s->sel_l = l;
    s->sel_t = t;
    s->motion.serial++;
    s->motion.animate = false;
    s->motion.rescroll = false;
    return NET_OK;
}

int sess_set_row(Session *s, int row, char *msg, size_t cap)
{
    int B = net_batch_size(sess_net(s));
    if (row < 0 || row >= B) {
        if (msg && cap)
            snprintf(msg, cap, "no batch row %d (rows 0..%d)", row, B - 1);
        return NET_ERR_ARG;
    }
    s->display.row = row;
    return NET_OK;
}

int sess_order(Session *s, NetOrder order, char *msg, size_t cap)
{
    int settled = sess_settle(s, msg, cap);
    if (settled)
        return settled;
    return sess_set_value(s, SET_ORDER, order, msg, cap);
}

/* Text task: a sample of what the network writes, from the start of the
 * text, drawn at temperature 0.7 with a seeded Rng so it is reproducible. */
static void refresh_sample(Session *s)
{
    s->sample[0] = '\0';
    const Task *task = train_task_const(s->tr);
    size_t len;
    const unsigned char *text = task_text(task, &len);
    if (task_kind(task) != TASK_TEXT || !text || len < 2)
        return;
    NetError err;
    Sampler *sm = sample_create(sess_net(s), task, &err);
    if (!sm)
        return;
    char prime[16];
    size_t n = len < 8 ? len : 8;
    memcpy(prime, text, n);
    prime[n] = '\0';
    Rng rng;
    rng_seed(&rng, s->settings.seed + (uint64_t)s->iteration);
    char out[SESS_SAMPLE_LEN + 1];
    if (sample_run(sm, sess_net(s), prime, SESS_SAMPLE_LEN - (int)n, 0.7, &rng, out, sizeof out,
                   &err) == 0)
        snprintf(s->sample, sizeof s->sample, "%.8s%.*s", prime, SESS_SAMPLE_LEN - 8, out);
    sample_destroy(sm);
}

const char *sess_sample(const Session *s)
{
    return s->sample;
}

/* Stops train_run once the time slice is used up. */
typedef struct {
    SessClock clock;
    void *ctx;
    double start, budget;
    long steps; /* time steps seen by slice_yield */
} Slice;

static int slice_over(const Trainer *tr, const TrainRecord *rec, void *user)
{
    const Slice *sl = user;
    (void)tr;
    (void)rec;
    return sl->clock(sl->ctx) - sl->start >= sl->budget;
}

/* The network's yield hook for a slice: stop between time steps once the
 * slice is used up, looking at the clock every YIELD_CHECK_EVERY steps (a
 * clock reading can cost more than a small network's step). */
#define YIELD_CHECK_EVERY 4
static bool slice_yield(void *user)
{
    Slice *sl = user;
    return ++sl->steps % YIELD_CHECK_EVERY == 0 && slice_over(NULL, NULL, sl);
}

/* train_run within a slice: between iterations and between time steps. */
static long run_sliced(Trainer *tr, long iters, TrainCallback cb, Slice *sl, void *user,
                       NetError *err)
{
    net_set_yield(train_net(tr), slice_yield, sl);
    long ran = train_run(tr, iters, cb, user, err);
    net_set_yield(train_net(tr), NULL, NULL);
    return ran;
}

static long train_impl(Session *s, long iters, bool refresh, Slice *slice, char *msg, size_t cap)
{
    NetError err = {{0}};
    long ran = slice ? run_sliced(s->tr, iters, slice_over, slice, slice, &err)
                     : train_run(s->tr, iters, NULL, NULL, &err);
    if (ran < 0)
        return fail(msg, cap, (int)ran, "%s", err.msg);
    s->iteration += ran;
    /* an iteration stopped between time steps: the network holds its
     * batch until the next slice resumes it (or sess_settle drops it) */
    if (train_pending(s->tr))
        return ran;
    const TrainRecord *last = train_last(s->tr);
    int rc = bind_display(s, msg, cap);
    if (rc)
        return rc;
    if (last)
        snprintf(s->note, sizeof s->note, "iteration %ld: loss %.4g, accuracy %.0f%%", s->iteration,
                 last->loss, 100 * last->accuracy);
    s->has_sel = false;
    s->motion.animate = false;
    if (refresh) {
        refresh_spectral(s);
        refresh_sample(s);
    }
    return ran;
}

int sess_train(Session *s, long iters, char *msg, size_t cap)
{
    long rc = train_impl(s, iters, true, NULL, msg, cap);
    return rc < 0 ? (int)rc : NET_OK;
}

long sess_train_for(Session *s, double budget, SessClock clock, void *ctx, char *msg, size_t cap)
{
    Slice sl = {clock, ctx, clock(ctx), budget, 0};
    return train_impl(s, 1000000000L, false, &sl, msg, cap);
}

/* A growing text buffer for the CSV export. */
typedef struct {
    char *buf;
    size_t len, cap;
    bool failed;
} Text;

static void put(Text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = t->failed ? 0 : vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (t->failed || n < 0) {
            t->failed = true;
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap * 2 + (size_t)n + 1;
        char *b = realloc(t->buf, cap);
        if (!b) {
            t->failed = true;
            return;
        }
        t->buf = b;
        t->cap = cap;
    }
}

char *sess_grad_csv(const Session *s)
{
    const Net *net = sess_net(s);
    int L = net_config(net)->num_layers, T = net_steps(net);
    bool lstm = net_config(net)->cell == NET_CELL_LSTM;
    Text t = {malloc(4096), 0, 4096, false};
    char a[CSV_NUM_CAP], b[CSV_NUM_CAP]; /* numbers spelled for CSV */
    if (!t.buf)
        return NULL;
    t.buf[0] = '\0';
    put(&t, lstm ? "layer,step,grad_h,grad_c\n" : "layer,step,grad_h\n");
    for (int l = 0; l < L; l++)
        for (int tt = 0; tt < T; tt++) {
            put(&t, "%d,%d,%s", l, tt, csv_num(net_grad_h(net, l, tt), a));
            put(&t, lstm ? ",%s\n" : "\n", csv_num(net_grad_c(net, l, tt), b));
        }
    const Trainer *tr = s->tr;
    int n = train_history_len(tr);
    if (n > 0) {
        put(&t, "\niteration,loss,grad_norm");
        for (int l = 0; l < L; l++)
            for (int tt = 0; tt < T; tt++)
                put(&t, ",grad_h_l%d_t%d", l, tt);
        put(&t, "\n");
        for (int k = 0; k < n; k++) {
            const TrainRecord *r = train_history(tr, k);
            put(&t, "%ld,%s,%s", r->iter, csv_num(r->loss, a), csv_num(r->grad_norm, b));
            for (int i = 0; i < L * T; i++)
                put(&t, ",%s", csv_num(r->grad_h[i], a));
            put(&t, "\n");
        }
    }
    if (t.failed) {
        free(t.buf);
        return NULL;
    }
    return t.buf;
}

const SessCompare *sess_comparison(const Session *s)
{
    return &s->cmp;
}

typedef struct {
    double *loss;
    int cap;
} LossLog;

static int log_loss(const Trainer *tr, const TrainRecord *rec, void *user)
{
    LossLog *log = user;
    (void)tr;
    if (rec->iter >= 1 && rec->iter <= log->cap)
        log->loss[rec->iter - 1] = rec->loss;
    return 0;
}

/* One cell of the comparison: same settings but the cell, the batch on
 * screen, gradient norms after iters iterations of training. */
static Settings compare_settings(const Session *s, int c)
{
    static const NetCell cells[3] = {NET_CELL_RNN, NET_CELL_GRU, NET_CELL_LSTM};
    Settings st = s->settings;
    st.cell = cells[c];
    if (st.cell != NET_CELL_RNN) {
        st.nonlinearity = NET_ACT_TANH;
        st.bias_hh = true;
    }
    return st;
}

static int compare_one(Session *s, int c, int iters, char *msg, size_t cap)
{
    Settings st = compare_settings(s, c);
    NetError err = {{0}};
    Trainer *tr = settings_trainer(&st, &err);
    if (!tr)
        return fail(msg, cap, NET_ERR_ARG, "%s", err.msg);
    LossLog log = {s->cmp.loss[c], iters};
    long ran = iters > 0 ? train_run(tr, iters, log_loss, &log, &err) : 0;
    Net *net = train_net(tr);
    int rc = ran < 0 ? (int)ran : net_bind(net, &s->batch, &err);
    if (!rc) {
        net_zero_grad(net);
        rc = net_forward(net);
    }
    if (!rc)
        rc = net_backward(net);
    if (!rc) {
        int L = s->cmp.L, T = s->cmp.T;
        for (int l = 0; l < L; l++)
            for (int t = 0; t < T; t++)
                s->cmp.grad_h[c][l * T + t] = net_grad_h(net, l, t);
    }
    train_destroy(tr);
    if (rc)
        return fail(msg, cap, rc, "%s", err.msg[0] ? err.msg : "comparison failed");
    return NET_OK;
}

/* The comparison's arrays for iters iterations, after every network is
 * checked (memory cap included) before any work: for the whole compare
 * and for the sliced one alike. */
static int compare_alloc(Session *s, int iters, char *msg, size_t cap)
{
    const Net *net = sess_net(s);
    int L = net_config(net)->num_layers, T = net_steps(net);
    if (iters < 0 || iters > 100000)
        return fail(msg, cap, NET_ERR_ARG, "%s", "compare takes 0 to 100000 iterations");
    for (int c = 0; c < 3; c++) {
        Settings st = compare_settings(s, c);
        NetConfig nc;
        NetError err = {{0}};
        if (settings_net_config(&st, NULL, &nc, &err) < 0) {
            if (msg && cap)
                snprintf(msg, cap, "compare: %s: %s", net_cell_name(st.cell), err.msg);
            return NET_ERR_ARG;
        }
    }
    for (int c = 0; c < 3; c++) {
        free(s->cmp.grad_h[c]);
        free(s->cmp.loss[c]);
        s->cmp.grad_h[c] = calloc((size_t)L * T, sizeof(double));
        s->cmp.loss[c] = calloc((size_t)iters + 1, sizeof(double));
        if (!s->cmp.grad_h[c] || !s->cmp.loss[c]) {
            s->cmp.valid = false;
            return fail(msg, cap, NET_ERR_NOMEM, "%s", "out of memory for the comparison");
        }
    }
    s->cmp.L = L;
    s->cmp.T = T;
    s->cmp.iters = iters;
    s->cmp.valid = false;
    return NET_OK;
}

int sess_compare(Session *s, int iters, char *msg, size_t cap)
{
    int rc = sess_settle(s, msg, cap);
    if (rc || (rc = compare_alloc(s, iters, msg, cap)))
        return rc;
    for (int c = 0; c < 3; c++)
        if ((rc = compare_one(s, c, iters, msg, cap)))
            return rc;
    s->cmp.valid = true;
    snprintf(s->note, sizeof s->note, "compared RNN, GRU and LSTM%s",
             iters ? " after training" : "");
    return NET_OK;
}

/* The plot elements' names (show/hide): SessShown bits, 0 when not one. */
static int shown_bits(const char *name)
{
    static const struct {
        const char *name;
        int bits;
    } els[] = {{"sigma", SHOW_SIGMA},
               {"rho", SHOW_RHO},
               {"guides", SHOW_SIGMA | SHOW_RHO},
               {"bands", SHOW_BANDS}};
    for (size_t i = 0; i < sizeof els / sizeof els[0]; i++)
        if (!strcmp(name, els[i].name))
            return els[i].bits;
    return 0;
}

int sess_panel(Session *s, const char *panel, bool show, char *msg, size_t cap)
{
    int bits = shown_bits(panel);
    if (bits) {
        s->display.shown = show ? s->display.shown | bits : s->display.shown & ~bits;
        return NET_OK;
    }
    static const struct {
        const char *name;
        int bit;
        int plot; /* the plot tab it selects, -1 none */
    } map[] = {{"lesson", PANEL_LESSON, -1},       {"inspector", PANEL_INSPECTOR, -1},
               {"plots", PANEL_PLOTS, -1},         {"controls", PANEL_CONTROLS, -1},
               {"help", PANEL_HELP, -1},           {"eigen", PANEL_PLOTS, PLOT_EIGEN},
               {"loss", PANEL_PLOTS, PLOT_LOSS},   {"heatmap", PANEL_PLOTS, PLOT_HEATMAP},
               {"contrib", PANEL_PLOTS, PLOT_GRAD}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(panel, map[i].name)) {
            if (show && map[i].plot >= 0)
                s->display.plot = (SessPlot)map[i].plot;
            else if (show)
                s->display.panels |= map[i].bit;
            else if (map[i].plot < 0 || (int)s->display.plot == map[i].plot)
                s->display.panels &= ~map[i].bit;
            if (show)
                s->display.panels |= map[i].bit;
            return NET_OK;
        }
    return fail(msg, cap, NET_ERR_ARG, "unknown panel '%s'", panel);
}

/* highlight: adds the action's marks (none: clears them); every step
 * must be one of the network's. */
static int sess_highlight(Session *s, const ActionMarks *m, char *msg, size_t cap)
{
    SessDisplay *d = &s->display;
    if (m->what == ACT_MARK_NONE) {
        d->n_marks = 0;
        return NET_OK;
    }
    int T = sess_settings(s)->steps;
    char why[160];
    for (int i = 0; i < m->n; i++)
        if (m->t1[i] >= T) {
            snprintf(why, sizeof why, "highlight: step %d is past the last step, %d", m->t1[i],
                     T - 1);
            return fail(msg, cap, NET_ERR_ARG, "%s", why);
        }
    if (d->n_marks + m->n > SESS_MAX_MARKS) {
        snprintf(why, sizeof why, "highlight: more than %d marks in one step", SESS_MAX_MARKS);
        return fail(msg, cap, NET_ERR_ARG, "%s", why);
    }
    for (int i = 0; i < m->n; i++)
        d->marks[d->n_marks++] = (SessMark){(SessMarkKind)m->what, m->t0[i], m->t1[i]};
    return NET_OK;
}

int sess_run_action(Session *s, const Action *a, char *msg, size_t cap)
{
    int n = a->count;
    switch (a->verb) {
    case ACT_FORWARD:
        return sess_forward(s, n, msg, cap);
    case ACT_BACKWARD:
        return sess_backward(s, n, msg, cap);
    case ACT_STEP:
        return sess_step(s, n, msg, cap);
    case ACT_BACK:
        return sess_back(s, n, msg, cap);
    case ACT_TRAIN:
        return sess_train(s, n, msg, cap);
    case ACT_SET:
        return sess_set(s, a->key, a->value, msg, cap);
    case ACT_RESET:
        return sess_reset(s, msg, cap);
    case ACT_SELECT:
        return sess_select(s, a->layer, a->step, msg, cap);
    case ACT_ROW:
        return sess_set_row(s, a->step, msg, cap);
    case ACT_ORDER:
        return sess_order(s, (NetOrder)a->order, msg, cap);
    case ACT_SHOW:
    case ACT_HIDE:
        return sess_panel(s, action_panel_name(a->panel), a->verb == ACT_SHOW, msg, cap);
    case ACT_FOCUS:
        s->display.focus = (int)a->focus;
        return NET_OK;
    case ACT_FIT:
        s->display.fit_all = a->fit_all;
        return NET_OK;
    case ACT_HIGHLIGHT:
        return sess_highlight(s, &a->marks, msg, cap);
    case ACT_UPDATE:
        return sess_update(s, msg, cap);
    case ACT_COMPARE:
        return sess_compare(s, n, msg, cap);
    case ACT_VERB_COUNT:
        break;
    }
    return fail(msg, cap, NET_ERR_ARG, "'%s' is not available yet", action_verb_name(a->verb));
}

int sess_run_actions(Session *s, const ActionList *list, char *msg, size_t cap)
{
    for (int i = 0; i < list->count; i++) {
        char inner[400];
        int rc = sess_run_action(s, &list->items[i], inner, sizeof inner);
        if (rc) {
            if (msg && cap)
                snprintf(msg, cap, "%d:%d: %s", list->items[i].line, list->items[i].col, inner);
            return rc;
        }
    }
    return NET_OK;
}

/* ---- work in slices ------------------------------------------------------- */

long sess_train_upto(Session *s, long max_iters, double budget, SessClock clock, void *ctx,
                     char *msg, size_t cap)
{
    Slice sl = {clock, ctx, clock(ctx), budget, 0};
    NetError err = {{0}};
    if (max_iters < 0)
        return fail(msg, cap, NET_ERR_ARG, "%s", "cannot train a negative number of iterations");
    /* no display batch between slices: drawing it would move the task's
     * streams, and a carried state would then differ from sess_train's */
    long ran = max_iters > 0 ? run_sliced(s->tr, max_iters, slice_over, &sl, &sl, &err) : 0;
    if (ran < 0)
        return fail(msg, cap, (int)ran, "%s", err.msg);
    s->iteration += ran;
    if (ran < max_iters)
        return ran;
    long rc = train_impl(s, 0, false, NULL, msg, cap); /* sess_train's ending */
    return rc < 0 ? rc : ran;
}

/* `compare N` in slices: one cell's trainer at a time, kept between
 * slices; the same calls in the same order as sess_compare. */
struct SessCompareRun {
    int iters, cell;
    long done; /* iterations of the current cell */
    Trainer *tr;
};

SessCompareRun *sess_compare_start(Session *s, int iters, char *msg, size_t cap)
{
    if (sess_settle(s, msg, cap))
        return NULL;
    SessCompareRun *r = calloc(1, sizeof *r);
    if (!r) {
        fail(msg, cap, NET_ERR_NOMEM, "%s", "out of memory for the comparison");
        return NULL;
    }
    if (compare_alloc(s, iters, msg, cap)) {
        free(r);
        return NULL;
    }
    r->iters = iters;
    return r;
}

/* Cell c's trainer: the settings but the cell, as compare_one builds it. */
static Trainer *compare_trainer(const Session *s, int c, NetError *err)
{
    static const NetCell cells[3] = {NET_CELL_RNN, NET_CELL_GRU, NET_CELL_LSTM};
    Settings st = s->settings;
    st.cell = cells[c];
    if (st.cell != NET_CELL_RNN) {
        st.nonlinearity = NET_ACT_TANH;
        st.bias_hh = true;
    }
    return settings_trainer(&st, err);
}

/* After training: the gradient norms on the batch on screen. */
static int compare_finish(Session *s, int c, Trainer *tr, NetError *err)
{
    Net *net = train_net(tr);
    int rc = net_bind(net, &s->batch, err);
    if (!rc) {
        net_zero_grad(net);
        rc = net_forward(net);
    }
    if (!rc)
        rc = net_backward(net);
    if (!rc)
        for (int l = 0; l < s->cmp.L; l++)
            for (int t = 0; t < s->cmp.T; t++)
                s->cmp.grad_h[c][l * s->cmp.T + t] = net_grad_h(net, l, t);
    return rc;
}

/* Logs the loss and stops train_run at the end of the time slice. */
typedef struct {
    LossLog log;
    Slice sl;
} CompareSlice;

static int compare_tick(const Trainer *tr, const TrainRecord *rec, void *user)
{
    CompareSlice *cs = user;
    log_loss(tr, rec, &cs->log);
    return slice_over(tr, rec, &cs->sl);
}

/* Trains the current cell within the slice; finishes it when trained. */
static int compare_cell_slice(Session *s, SessCompareRun *r, CompareSlice *cs, NetError *err)
{
    if (!r->tr && !(r->tr = compare_trainer(s, r->cell, err)))
        return NET_ERR_ARG;
    cs->log = (LossLog){s->cmp.loss[r->cell], r->iters};
    long ran = r->done < r->iters
                   ? run_sliced(r->tr, r->iters - r->done, compare_tick, &cs->sl, cs, err)
                   : 0;
    if (ran < 0)
        return (int)ran;
    r->done += ran;
    if (r->done < r->iters)
        return NET_OK;
    int rc = compare_finish(s, r->cell, r->tr, err);
    train_destroy(r->tr);
    r->tr = NULL;
    r->cell++;
    r->done = 0;
    return rc;
}

int sess_compare_slice(Session *s, SessCompareRun *r, double budget, SessClock clock, void *ctx,
                       char *msg, size_t cap)
{
    CompareSlice cs = {{NULL, 0}, {clock, ctx, clock(ctx), budget, 0}};
    while (r->cell < 3) {
        NetError err = {{0}};
        int rc = compare_cell_slice(s, r, &cs, &err);
        if (rc)
            return fail(msg, cap, rc, "%s", err.msg[0] ? err.msg : "comparison failed");
        if (r->cell < 3 && slice_over(NULL, NULL, &cs.sl))
            return 0;
    }
    s->cmp.valid = true;
    snprintf(s->note, sizeof s->note, "compared RNN, GRU and LSTM%s",
             r->iters ? " after training" : "");
    return 1;
}

void sess_compare_progress(const SessCompareRun *r, long *done, long *total)
{
    *done = (long)r->cell * r->iters + r->done;
    *total = 3L * r->iters;
}

void sess_compare_stop(SessCompareRun *r)
{
    if (!r)
        return;
    train_destroy(r->tr);
    free(r);
}

/* ---- end of work in slices ------------------------------------------------ */
