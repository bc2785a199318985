/* The view model's storage and its per-frame fill from the engine. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "la.h"
#include "vm_fill.h"
#include "vm_parts.h"

_Static_assert((int)VM_CELL_LSTM == (int)NET_CELL_LSTM && (int)VM_CELL_GRU == (int)NET_CELL_GRU,
               "VmCell follows NetCell");
_Static_assert((int)VM_OP_BACKWARD == (int)NET_OP_BACKWARD &&
                   (int)VM_OP_HEAD_FORWARD == (int)NET_OP_HEAD_FORWARD &&
                   (int)VM_OP_HEAD_BACKWARD == (int)NET_OP_HEAD_BACKWARD,
               "VmOpKind follows NetOpKind");
_Static_assert((int)VM_PHASE_UPDATE == (int)PHASE_UPDATE, "VmPhase follows SessPhase");
_Static_assert((int)VM_PANEL_HELP == (int)PANEL_HELP && (int)VM_PANEL_LESSON == (int)PANEL_LESSON &&
                   (int)VM_PANEL_CONTROLS == (int)PANEL_CONTROLS &&
                   (int)VM_PANEL_INSPECTOR == (int)PANEL_INSPECTOR &&
                   (int)VM_PANEL_PLOTS == (int)PANEL_PLOTS,
               "VM_PANEL_* follow SessPanel");
_Static_assert((int)VM_PLOT_COUNT == (int)PLOT_COUNT && (int)VM_PLOT_HEATMAP == (int)PLOT_HEATMAP,
               "VmPlot follows SessPlot");
_Static_assert(VM_MAX_LAYERS >= NET_MAX_LAYERS, "room for every layer");
_Static_assert(VM_MAX_CONTROLS >= SET_COUNT, "room for every setting");
_Static_assert(VM_SAMPLE_LEN >= SESS_SAMPLE_LEN, "room for the sample");

/* Records the model keeps: the session's trainers keep at most this many. */
#define VM_HISTORY_CAP TRAIN_HISTORY_DEFAULT

/* The storage behind the model's pointers: one block per array. */
typedef struct {
    ViewModel vm; /* first: a ViewModel * is a VmStore * */
    int L, T, O;  /* capacity */
    /* What depends only on the network and its task, which the model lives
     * as long as: worked out at the first fill. */
    bool known;
    char (*cls_sym)[VM_SYM_LEN]; /* (O) the task's symbol of each class */
    VmScratch scratch;           /* the inspector's computed terms */
    /* The settings and spectral radius the drawer's rows were formatted
     * for: formatting a dozen numbers every frame is not free. */
    bool drawer_known;
    Settings drawer_settings;
    double drawer_rho;
} VmStore;

ViewModel *vm_create(int L, int T, int O, int H)
{
    VmStore *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    size_t nodes = (size_t)L * T;
    ViewModel *vm = &st->vm;
    st->L = L;
    st->T = T;
    st->O = O;
    st->cls_sym = calloc((size_t)O, sizeof *st->cls_sym);
    vm->node = calloc(nodes, sizeof *vm->node);
    vm->step = calloc((size_t)T, sizeof *vm->step);
    vm->grad_h = calloc(nodes, sizeof *vm->grad_h);
    vm->grad_c = calloc(nodes, sizeof *vm->grad_c);
    vm->gain = calloc(nodes, sizeof *vm->gain);
    vm->gain_prod = calloc(nodes, sizeof *vm->gain_prod);
    vm->contrib = calloc((size_t)T, sizeof *vm->contrib);
    vm->hist.loss = calloc(VM_HISTORY_CAP, sizeof *vm->hist.loss);
    vm->hist.grad_h = calloc(VM_HISTORY_CAP, sizeof *vm->hist.grad_h);
    if (!vm->node || !vm->step || !vm->grad_h || !vm->grad_c || !vm->contrib || !vm->hist.loss ||
        !vm->hist.grad_h || !st->cls_sym || !vm->gain || !vm->gain_prod ||
        vm_scratch_init(&st->scratch, H)) {
        vm_destroy(vm);
        return NULL;
    }
    return vm;
}

void vm_destroy(ViewModel *vm)
{
    if (!vm)
        return;
    free(vm->node);
    free(vm->step);
    free(vm->grad_h);
    free(vm->grad_c);
    free(vm->gain);
    free(vm->gain_prod);
    free(vm->contrib);
    vm_scratch_free(&((VmStore *)vm)->scratch);
    free(vm->hist.loss);
    free(vm->hist.grad_h);
    free(((VmStore *)vm)->cls_sym);
    free((VmStore *)vm);
}

static bool op_done(const Net *net, NetOpKind kind, int l, int t)
{
    NetOp op = {kind, l, t};
    return net_op_done(net, op);
}

/* Parameters of layer l (all its tensors), or of the head when l < 0. */
static long layer_params(const Net *net, int l)
{
    char suffix[16];
    snprintf(suffix, sizeof suffix, "_l%d", l);
    long n = 0;
    for (int k = 0; k < net_param_count(net); k++) {
        const NetParam *p = net_param(net, k);
        const char *end = p->name + strlen(p->name) - strlen(suffix);
        bool head = !strncmp(p->name, "head.", 5);
        if ((l < 0 && head) || (l >= 0 && !head && end >= p->name && !strcmp(end, suffix)))
            n += (long)p->rows * p->cols;
    }
    return n;
}

static void fill_config(ViewModel *vm, const Session *s)
{
    const Net *net = sess_net(s);
    const NetConfig *cfg = net_config(net);
    vm->cell = (VmCell)cfg->cell;
    vm->relu = cfg->act == NET_ACT_RELU;
    vm->ce = cfg->loss == NET_LOSS_SOFTMAX_CE;
    vm->targets_all = cfg->targets == NET_TARGETS_ALL;
    vm->bias_hh = cfg->bias_hh;
    vm->T = net_steps(net);
    vm->L = cfg->num_layers;
    vm->H = cfg->hidden_size;
    vm->I = cfg->input_size;
    vm->O = cfg->output_size;
    vm->B = net_batch_size(net);
    vm->cell_name = net_cell_name(cfg->cell);
    vm->task_name = task_kind_name(task_kind(sess_task(s)));
    int row = sess_display_const(s)->row;
    vm->row = row < 0 ? 0 : row >= vm->B ? vm->B - 1 : row;
    TaskKind kind = task_kind(sess_task(s));
    vm->tolerance = kind == TASK_ADDING ? TASK_ADDING_TOLERANCE
                    : vm->ce            ? NAN
                                        : TASK_SINE_TOLERANCE;
}

/* Parameter counts and class symbols: fixed for the model's network. */
static void fill_known(VmStore *st, const Session *s)
{
    const Net *net = sess_net(s);
    ViewModel *vm = &st->vm;
    if (st->known)
        return;
    for (int l = 0; l < vm->L; l++)
        vm->params[l] = layer_params(net, l);
    vm->params[vm->L] = layer_params(net, -1);
    for (int k = 0; k < st->O && k < vm->O; k++)
        if (task_class_symbol(sess_task(s), k, st->cls_sym[k], VM_SYM_LEN) != NET_OK)
            snprintf(st->cls_sym[k], VM_SYM_LEN, "?");
    st->known = true;
}

/* The task's symbol of class k ("?" out of range, as the task says). */
static void class_symbol(const ViewModel *vm, int k, char *out)
{
    const VmStore *st = (const VmStore *)vm;
    if (k >= 0 && k < st->O && k < vm->O)
        memcpy(out, st->cls_sym[k], VM_SYM_LEN);
}

static void fill_progress(ViewModel *vm, const Session *s)
{
    const Net *net = sess_net(s);
    NetOp op;
    vm->phase = (VmPhase)sess_phase(s);
    vm->cursor = sess_cursor(s);
    vm->op_count = sess_op_count(s);
    vm->iteration = sess_iteration(s);
    vm->has_cur = sess_current_op(s, &op);
    vm->cur = vm->has_cur ? (VmOp){(VmOpKind)op.kind, op.l, op.t} : (VmOp){VM_OP_FORWARD, -1, 0};
    vm->loss = net_loss(net);
    vm->any_loss = false; /* the loss means something once an output ran */
    for (int t = 0; t < vm->T && !vm->any_loss; t++)
        vm->any_loss = op_done(net, NET_OP_HEAD_FORWARD, -1, t);
    snprintf(vm->message, sizeof vm->message, "%s", sess_message(s));
    snprintf(vm->sample, sizeof vm->sample, "%s", sess_sample(s));
}

/* A node's state and the gradient norms its edges show. */
static void fill_node(ViewModel *vm, const Net *net, int l, int t)
{
    size_t BH = (size_t)vm->B * vm->H;
    VmNode *n = &vm->node[l * vm->T + t];
    bool lstm = vm->cell == VM_CELL_LSTM;
    n->fwd = op_done(net, NET_OP_FORWARD, l, t);
    n->bwd = op_done(net, NET_OP_BACKWARD, l, t);
    n->h = net_h(net, l, t) + (size_t)vm->row * vm->H;
    n->c = lstm ? net_c(net, l, t) + (size_t)vm->row * vm->H : NULL;
    n->g_below = l > 0 && n->bwd ? la_norm(net_dh_out(net, l - 1, t), BH) : 0;
    n->g_prev = t > 0 && n->bwd ? la_norm(net_dh_next(net, l, t - 1), BH) : 0;
    n->g_cell = t > 0 && n->bwd && lstm ? la_norm(net_dc(net, l, t), BH) : 0;
    vm->grad_h[l * vm->T + t] = net_grad_h(net, l, t);
    vm->grad_c[l * vm->T + t] = lstm ? net_grad_c(net, l, t) : NAN;
}

static int argmax(const double *v, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

/* The output node: its symbol or value, and the gradient halo. */
static void fill_output(ViewModel *vm, const Session *s, int t)
{
    const Net *net = sess_net(s);
    VmStep *st = &vm->step[t];
    st->head_fwd = op_done(net, NET_OP_HEAD_FORWARD, -1, t);
    st->head_bwd = op_done(net, NET_OP_HEAD_BACKWARD, -1, t);
    st->dy_norm = st->g_head = 0;
    if (st->head_bwd) {
        double g = 0;
        const double *dy = net_dy(net, t);
        for (int i = 0; i < vm->B * vm->O; i++)
            g += dy[i] * dy[i];
        st->dy_norm = sqrt(g);
        st->g_head = la_norm(net_dh_out(net, vm->L - 1, t), (size_t)vm->B * vm->H);
    }
    memcpy(st->y_sym, "ŷ", sizeof "ŷ"); /* a literal: no formatting per step */
    st->y_prob = st->y0 = 0;
    size_t row = (size_t)vm->row * vm->O;
    if (st->head_fwd && vm->ce) {
        const double *p = net_prob(net, t) + row;
        int k = argmax(p, vm->O);
        class_symbol(vm, k, st->y_sym);
        st->y_prob = p[k];
    } else if (st->head_fwd) {
        st->y0 = net_y(net, t)[row];
    }
}

/* The input and loss nodes: the task's symbols, the target and the hit. */
static void fill_io(ViewModel *vm, const Session *s, int t)
{
    const Net *net = sess_net(s);
    const Task *task = sess_task(s);
    VmStep *st = &vm->step[t];
    st->x = net_x(net, t) + (size_t)vm->row * vm->I;
    st->x_marked = task_kind(task) == TASK_ADDING && st->x[1] > 0.5;
    if (task_kind(task) == TASK_NOISE ||
        task_input_symbol(task, st->x, st->x_sym, sizeof st->x_sym) != NET_OK)
        st->x_sym[0] = '\0';
    if (task_kind(task) == TASK_ADDING) /* the mark is shown by emphasis, not brackets */
        snprintf(st->x_sym, sizeof st->x_sym, "%.2f", st->x[0]);
    st->has_target = net_has_target(net, t);
    st->hit = false;
    st->target0 = 0;
    st->step_loss = net_step_loss(net, t);
    memcpy(st->target_sym, "?", sizeof "?");
    vm_fill_row_loss(vm, net, t);
    if (!st->has_target)
        return;
    size_t row = (size_t)vm->row * vm->O;
    int cls = vm->ce ? net_target_class(net, t)[vm->row] : 0;
    const double *target = vm->ce ? NULL : net_target_vec(net, t) + row;
    if (vm->ce)
        class_symbol(vm, cls, st->target_sym);
    else
        st->target0 = target[0];
    if (st->head_fwd)
        st->hit = task_hit(task, net_y(net, t) + row, cls, target);
}

static void fill_graph(ViewModel *vm, const Session *s)
{
    const Net *net = sess_net(s);
    for (int t = 0; t < vm->T; t++) {
        for (int l = 0; l < vm->L; l++)
            fill_node(vm, net, l, t);
        fill_output(vm, s, t);
        fill_io(vm, s, t);
    }
}

/* Each step's share of the gradient of the chosen tensor (W_hh of layer 0
 * unless the window chose another). */
static void fill_contrib(ViewModel *vm, const Session *s)
{
    const Net *net = sess_net(s);
    int kp = sess_display_const(s)->contrib_param;
    if (kp < 0) {
        const NetParam *p = net_param_find(net, "weight_hh_l0");
        kp = p ? (int)(p - net_param(net, 0)) : 1;
    }
    snprintf(vm->contrib_name, sizeof vm->contrib_name, "%s", net_param(net, kp)->name);
    for (int t = 0; t < vm->T; t++)
        vm->contrib[t] = net_grad_contrib(net, kp, t);
}

static void fill_history(ViewModel *vm, const Session *s)
{
    const Trainer *tr = sess_trainer(s);
    VmHistory *h = &vm->hist;
    int n = train_history_len(tr), skip = n > VM_HISTORY_CAP ? n - VM_HISTORY_CAP : 0;
    h->n = n - skip;
    for (int i = 0; i < h->n; i++) {
        const TrainRecord *rec = train_history(tr, skip + i);
        h->loss[i] = rec->loss;
        h->grad_h[i] = rec->grad_h;
    }
    h->first_iter = h->n ? train_history(tr, skip)->iter : 1;
    const TrainRecord *last = train_last(tr);
    h->last_iter = last ? last->iter : 0;
    h->last_loss = last ? last->loss : NAN;
    h->last_accuracy = last ? last->accuracy : NAN;
    h->last_grad_norm = last ? last->grad_norm : NAN;
}

static void fill_spectra(ViewModel *vm, const Session *s)
{
    const SessCompare *c = sess_comparison(s);
    vm->rho = sess_spectral_radius(s, 0);
    vm->sigma = sess_spectral_norm(s, 0);
    vm->eig_n = sess_eigen(s, &vm->eig_re, &vm->eig_im, &vm->eig_blocks);
    vm->cmp = (VmCompare){c->valid,
                          c->L,
                          c->T,
                          c->iters,
                          {c->grad_h[0], c->grad_h[1], c->grad_h[2]},
                          {c->loss[0], c->loss[1], c->loss[2]}};
}

static void fill_display(ViewModel *vm, const Session *s)
{
    const SessDisplay *d = sess_display_const(s);
    vm->display = (VmDisplay){.panels = d->panels,
                              .plot = (VmPlot)d->plot,
                              .focus = (VmFocus)d->focus,
                              .fit_all = d->fit_all,
                              .shown = d->shown,
                              .n_marks = d->n_marks < VM_MAX_MARKS ? d->n_marks : VM_MAX_MARKS};
    for (int i = 0; i < vm->display.n_marks; i++)
        vm->display.marks[i] = (VmMark){(int)d->marks[i].what, d->marks[i].t0, d->marks[i].t1};
}

/* The value for display ("0.8", "off", "lstm"). */
static void drawer_value(const Session *s, SettingId id, char *out, size_t cap)
{
    if (id == SET_SPECTRAL_RADIUS) {
        snprintf(out, cap, "%.3f", sess_spectral_radius(s, 0)); /* as the view writes ρ */
        return;
    }
    if (settings_get(sess_settings(s), settings_info(id)->key, out, cap))
        snprintf(out, cap, "?");
    if (id == SET_CLIP && !strcmp(out, "0"))
        snprintf(out, cap, "off");
}

/* The drawer's rows, formatted again only when a setting or rho changed. */
static void fill_drawer(ViewModel *vm, const Session *s)
{
    VmStore *st = (VmStore *)vm;
    double rho = sess_spectral_radius(s, 0);
    if (st->drawer_known && st->drawer_rho == rho &&
        !memcmp(&st->drawer_settings, sess_settings(s), sizeof st->drawer_settings))
        return;
    st->drawer_known = true;
    st->drawer_rho = rho;
    st->drawer_settings = *sess_settings(s);
    VmDrawer *d = &vm->drawer;
    SettingId ids[SET_COUNT];
    d->n = settings_drawer(ids);
    for (int i = 0; i < d->n; i++) {
        const SettingInfo *info = settings_info(ids[i]);
        d->id[i] = (int)ids[i];
        d->label[i] = info->label;
        d->slider[i] = info->scale != SET_SCALE_NONE;
        drawer_value(s, ids[i], d->value[i], sizeof d->value[i]);
    }
    d->rho = sess_spectral_radius(s, 0);
    d->rho_unit = settings_to_unit(SET_SPECTRAL_RADIUS, d->rho);
    d->rho_unit_one = settings_to_unit(SET_SPECTRAL_RADIUS, 1.0);
}

void vm_fill(ViewModel *vm, const Session *s)
{
    const VmStore *st = (const VmStore *)vm;
    fill_config(vm, s);
    /* the model was sized for this network when it was built */
    if (vm->T > st->T || vm->L > st->L)
        vm->T = st->T, vm->L = st->L;
    fill_known((VmStore *)vm, s);
    fill_progress(vm, s);
    fill_graph(vm, s);
    vm_fill_gains(vm, sess_net(s));
    vm_fill_inspect(vm, s, &((VmStore *)vm)->scratch);
    fill_contrib(vm, s);
    fill_history(vm, s);
    fill_spectra(vm, s);
    fill_display(vm, s);
    fill_drawer(vm, s);
}
