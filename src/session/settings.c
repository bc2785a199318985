#include "settings.h"
#include "paths.h"
#include "suggest.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 64

typedef enum {
    K_CELL,
    K_NONLINEARITY,
    K_HIDDEN,
    K_LAYERS,
    K_STEPS,
    K_BATCH,
    K_TASK,
    K_TARGETS,
    K_INPUT,
    K_OUTPUT,
    K_BIAS_HH,
    K_INIT,
    K_SPECTRAL_RADIUS,
    K_FORGET_BIAS,
    K_LEARNING_RATE,
    K_OPTIMIZER,
    K_MOMENTUM,
    K_CLIP,
    K_CARRY,
    K_ORDER,
    K_SEED,
    K_COPY_SYMBOLS,
    K_COPY_LENGTH,
    K_SINE_PERIOD,
    K_TEXT_FILE,
    K_COUNT
} KeyId;

typedef enum { V_CHOICE, V_INT, V_NUM, V_BOOL, V_SEED, V_PATH } ValueType;

/* How a key's value is read and where it is stored. */
typedef struct {
    ValueType type;
    const char *const *choices; /* V_CHOICE: NULL-terminated, in enum order */
    size_t offset;              /* V_INT int, V_NUM double, V_BOOL bool, V_SEED
                                   uint64_t, V_PATH char[SETTINGS_PATH_MAX] */
    double lo, hi;              /* V_INT, V_NUM: the accepted range */
    bool lo_open, hi_open;      /* V_NUM: lo < v, v < hi instead of <= */
} KeyRule;

static const char *const cells[] = {"rnn", "gru", "lstm", NULL};
static const char *const acts[] = {"tanh", "relu", NULL};
static const char *const tasks[] = {"mod3", "noise", "sine",        "adding",
                                    "copy", "text",  "mod3_random", NULL};
static const char *const targets[] = {"default", "all", "last", NULL};
static const char *const inits[] = {"uniform",  "normal",    "orthogonal",
                                    "identity", "uniform01", NULL};
static const char *const optimizers[] = {"sgd", "momentum", "adagrad", "adam", NULL};
static const char *const carries[] = {"none", "sequence", "mean", NULL};
static const char *const orders[] = {"time", "layer", NULL};

#define OFF(field) offsetof(Settings, field)

static const SettingsKey keys[K_COUNT] = {
    [K_CELL] = {"cell", "rnn, gru or lstm", "recurrent cell type"},
    [K_NONLINEARITY] = {"nonlinearity", "tanh or relu", "activation of the rnn cell"},
    [K_HIDDEN] = {"hidden", "an integer from 1 to 1024", "hidden size H"},
    [K_LAYERS] = {"layers", "an integer from 1 to 8", "number of stacked layers L"},
    [K_STEPS] = {"steps", "an integer from 1 to 10000", "sequence length T"},
    [K_BATCH] = {"batch", "an integer from 1 to 4096", "batch size B"},
    [K_TASK] = {"task", "mod3, noise, sine, adding, copy, text or mod3_random",
                "what the network learns"},
    [K_TARGETS] = {"targets", "default, all or last",
                   "which steps have a target (default: the task's)"},
    [K_INPUT] = {"input", "an integer from 0 to 1024", "input size I (0: the task's; noise: 32)"},
    [K_OUTPUT] = {"output", "an integer from 0 to 1024", "output size O (0: the task's; noise: 4)"},
    [K_BIAS_HH] = {"bias_hh", "true or false",
                   "second bias per layer (false: one bias, Keras style; rnn and lstm)"},
    [K_INIT] = {"init", "uniform, normal, orthogonal, identity or uniform01",
                "weight initialisation"},
    [K_SPECTRAL_RADIUS] = {"spectral_radius", "a number from 0 to 1000",
                           "spectral radius of each W_hh block (0: as initialised)"},
    [K_FORGET_BIAS] = {"forget_bias", "a number from -100 to 100",
                       "added to the lstm forget gate bias"},
    [K_LEARNING_RATE] = {"learning_rate", "a number > 0 and <= 1000",
                         "optimizer step size (alias lr)"},
    [K_OPTIMIZER] = {"optimizer", "sgd, momentum, adagrad or adam", "update rule"},
    [K_MOMENTUM] = {"momentum", "a number >= 0 and < 1", "momentum of the momentum optimizer"},
    [K_CLIP] = {"clip", "a number >= 0", "clip the global gradient norm to this (0: off)"},
    [K_CARRY] = {"carry", "none, sequence or mean", "hidden state carried between batches"},
    [K_ORDER] = {"order", "time or layer", "traversal order of the unrolled graph"},
    [K_SEED] = {"seed", "an integer from 0 to 18446744073709551615", "seed of every random number"},
    [K_COPY_SYMBOLS] = {"copy_symbols", "an integer from 1 to 1022",
                        "copy task: number of distinct symbols K"},
    [K_COPY_LENGTH] = {"copy_length", "an integer from 1 to 4999",
                       "copy task: symbols to remember S (steps >= 2S + 1)"},
    [K_SINE_PERIOD] = {"sine_period", "a number > 0 and <= 1000000", "sine task: steps per period"},
    [K_TEXT_FILE] = {"text_file", "a file path", "text task: the text to learn"},
};

static const KeyRule rules[K_COUNT] = {
    [K_CELL] = {V_CHOICE, cells, 0, 0, 0, false, false},
    [K_NONLINEARITY] = {V_CHOICE, acts, 0, 0, 0, false, false},
    [K_HIDDEN] = {V_INT, NULL, OFF(hidden), 1, NET_MAX_SIZE, false, false},
    [K_LAYERS] = {V_INT, NULL, OFF(layers), 1, NET_MAX_LAYERS, false, false},
    [K_STEPS] = {V_INT, NULL, OFF(steps), 1, NET_MAX_STEPS, false, false},
    [K_BATCH] = {V_INT, NULL, OFF(batch), 1, NET_MAX_BATCH, false, false},
    [K_TASK] = {V_CHOICE, tasks, 0, 0, 0, false, false},
    [K_TARGETS] = {V_CHOICE, targets, 0, 0, 0, false, false},
    [K_INPUT] = {V_INT, NULL, OFF(input), 0, NET_MAX_SIZE, false, false},
    [K_OUTPUT] = {V_INT, NULL, OFF(output), 0, NET_MAX_SIZE, false, false},
    [K_BIAS_HH] = {V_BOOL, NULL, OFF(bias_hh), 0, 0, false, false},
    [K_INIT] = {V_CHOICE, inits, 0, 0, 0, false, false},
    [K_SPECTRAL_RADIUS] = {V_NUM, NULL, OFF(spectral_radius), 0, 1000, false, false},
    [K_FORGET_BIAS] = {V_NUM, NULL, OFF(forget_bias), -100, 100, false, false},
    [K_LEARNING_RATE] = {V_NUM, NULL, OFF(learning_rate), 0, 1000, true, false},
    [K_OPTIMIZER] = {V_CHOICE, optimizers, 0, 0, 0, false, false},
    [K_MOMENTUM] = {V_NUM, NULL, OFF(momentum), 0, 1, false, true},
    [K_CLIP] = {V_NUM, NULL, OFF(clip), 0, 1e308, false, false},
    [K_CARRY] = {V_CHOICE, carries, 0, 0, 0, false, false},
    [K_ORDER] = {V_CHOICE, orders, 0, 0, 0, false, false},
    [K_SEED] = {V_SEED, NULL, OFF(seed), 0, 0, false, false},
    [K_COPY_SYMBOLS] = {V_INT, NULL, OFF(copy_symbols), 1, NET_MAX_SIZE - 2, false, false},
    [K_COPY_LENGTH] = {V_INT, NULL, OFF(copy_length), 1, (NET_MAX_STEPS - 1) / 2, false, false},
    [K_SINE_PERIOD] = {V_NUM, NULL, OFF(sine_period), 0, 1e6, true, false},
    [K_TEXT_FILE] = {V_PATH, NULL, OFF(text_file), 0, 0, false, false},
};

/* Other spellings accepted for a key (not suggested). */
static const struct {
    const char *alias;
    KeyId id;
} aliases[] = {{"lr", K_LEARNING_RATE}};

void settings_default(Settings *s)
{
    memset(s, 0, sizeof *s);
    s->cell = NET_CELL_RNN;
    s->nonlinearity = NET_ACT_TANH;
    s->hidden = 8;
    s->layers = 1;
    s->steps = 10;
    s->batch = 1;
    s->task = TASK_MOD3;
    s->targets = -1;
    s->input = 0;
    s->output = 0;
    s->bias_hh = true;
    s->init = INIT_UNIFORM;
    s->spectral_radius = 0.0;
    s->forget_bias = 0.0;
    s->learning_rate = 0.1;
    s->optimizer = OPTIM_SGD;
    s->momentum = 0.9;
    s->clip = 0.0;
    s->carry = TRAIN_CARRY_NONE;
    s->order = NET_ORDER_TIME;
    s->seed = 1;
    s->copy_symbols = TASK_COPY_SYMBOLS;
    s->copy_length = TASK_COPY_LENGTH;
    s->sine_period = TASK_SINE_PERIOD;
    snprintf(s->text_file, sizeof s->text_file, "%s/text/nursery-rhymes.txt", paths_assets_dir());
}

/* Enum-typed fields are written through a switch, not through pointers. */
static void put_choice(Settings *s, KeyId id, int v)
{
    switch (id) {
    case K_CELL:
        s->cell = (NetCell)v;
        break;
    case K_NONLINEARITY:
        s->nonlinearity = (NetAct)v;
        break;
    case K_TASK:
        s->task = (TaskKind)v;
        break;
    case K_TARGETS:
        s->targets = v - 1; /* "default" is -1 */
        break;
    case K_INIT:
        s->init = (InitScheme)v;
        break;
    case K_OPTIMIZER:
        s->optimizer = (OptimKind)v;
        break;
    case K_CARRY:
        s->carry = (TrainCarry)v;
        break;
    case K_ORDER:
        s->order = (NetOrder)v;
        break;
    default:
        break;
    }
}

static int get_choice(const Settings *s, KeyId id)
{
    switch (id) {
    case K_CELL:
        return (int)s->cell;
    case K_NONLINEARITY:
        return (int)s->nonlinearity;
    case K_TASK:
        return (int)s->task;
    case K_TARGETS:
        return s->targets + 1;
    case K_INIT:
        return (int)s->init;
    case K_OPTIMIZER:
        return (int)s->optimizer;
    case K_CARRY:
        return (int)s->carry;
    case K_ORDER:
        return (int)s->order;
    default:
        return 0;
    }
}

/* Keys compare with '-' read as '_', so CLI flags are keys too. */
static void normalise_key(const char *key, char out[KEY_MAX])
{
    size_t i = 0;
    for (; key[i] && i < KEY_MAX - 1; i++)
        out[i] = key[i] == '-' ? '_' : key[i];
    out[i] = '\0';
}

static int find_key(const char *key)
{
    if (strlen(key) >= KEY_MAX)
        return -1;
    char k[KEY_MAX];
    normalise_key(key, k);
    for (int i = 0; i < K_COUNT; i++) {
        if (!strcmp(k, keys[i].key))
            return i;
    }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (!strcmp(k, aliases[i].alias))
            return (int)aliases[i].id;
    }
    return -1;
}

const char *settings_suggest(const char *key)
{
    if (strlen(key) >= KEY_MAX || !*key)
        return NULL;
    char k[KEY_MAX];
    normalise_key(key, k);
    size_t len = strlen(k), best_d = (size_t)-1;
    const char *best = NULL, *prefix = NULL;
    int prefixes = 0;
    for (int i = 0; i < K_COUNT; i++) {
        int dist = suggest_distance(k, keys[i].key);
        size_t d = dist < 0 ? (size_t)-1 : (size_t)dist;
        if (d < best_d) {
            best_d = d;
            best = keys[i].key;
        }
        if (len >= 3 && !strncmp(k, keys[i].key, len)) {
            prefix = keys[i].key;
            prefixes++;
        }
    }
    size_t near = len / 3 > 2 ? len / 3 : 2;
    if (best_d <= near && best_d < len)
        return best;
    return prefixes == 1 ? prefix : NULL;
}

/* Copies value without surrounding spaces; false when it does not fit. */
static bool trim_value(const char *value, char *out, size_t cap)
{
    while (*value == ' ' || *value == '\t')
        value++;
    size_t n = strlen(value);
    while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t' || value[n - 1] == '\n' ||
                     value[n - 1] == '\r'))
        n--;
    if (n >= cap)
        return false;
    memcpy(out, value, n);
    out[n] = '\0';
    return true;
}

static bool parse_int(const char *v, double lo, double hi, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (end == v || *end || errno == ERANGE || n < lo || n > hi)
        return false;
    *out = (int)n;
    return true;
}

static bool parse_num(const char *v, const KeyRule *r, double *out)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !isfinite(d))
        return false;
    if (r->lo_open ? !(d > r->lo) : !(d >= r->lo))
        return false;
    if (r->hi_open ? !(d < r->hi) : !(d <= r->hi))
        return false;
    *out = d;
    return true;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (!strcmp(v, yes[i]) || !strcmp(v, no[i])) {
            *out = !strcmp(v, yes[i]);
            return true;
        }
    }
    return false;
}

static bool parse_seed(const char *v, uint64_t *out)
{
    if (*v < '0' || *v > '9') /* strtoull would accept a sign */
        return false;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end || errno == ERANGE)
        return false;
    *out = (uint64_t)n;
    return true;
}

static int parse_choice(const char *v, const char *const *choices)
{
    for (int i = 0; choices[i]; i++) {
        if (!strcmp(v, choices[i]))
            return i;
    }
    return -1;
}

static void write_msg(char *msg, size_t cap, const char *fmt, ...)
{
    if (msg && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, cap, fmt, ap);
        va_end(ap);
    }
}

/* Parses v for key id into s; false when v is not acceptable. */
static bool apply(Settings *s, KeyId id, const char *v)
{
    const KeyRule *r = &rules[id];
    char *field = (char *)s + r->offset;
    switch (r->type) {
    case V_CHOICE: {
        int k = parse_choice(v, r->choices);
        if (k < 0)
            return false;
        put_choice(s, id, k);
        return true;
    }
    case V_INT:
        return parse_int(v, r->lo, r->hi, (int *)(void *)field);
    case V_NUM:
        return parse_num(v, r, (double *)(void *)field);
    case V_BOOL:
        return parse_bool(v, (bool *)(void *)field);
    case V_SEED:
        return parse_seed(v, (uint64_t *)(void *)field);
    case V_PATH:
        if (!*v)
            return false;
        snprintf(field, SETTINGS_PATH_MAX, "%s", v);
        return true;
    }
    return false;
}

int settings_set(Settings *s, const char *key, const char *value, char *msg, size_t msgcap)
{
    int id = find_key(key);
    if (id < 0) {
        const char *near = settings_suggest(key);
        if (near)
            write_msg(msg, msgcap, "unknown key '%s' (did you mean '%s'?)", key, near);
        else
            write_msg(msg, msgcap, "unknown key '%s'", key);
        return SETTINGS_ERR_KEY;
    }
    const char *name = keys[id].key, *expected = keys[id].expected;
    char v[SETTINGS_PATH_MAX];
    if (!trim_value(value ? value : "", v, sizeof v)) {
        write_msg(msg, msgcap, "value too long for %s (at most %d bytes)", name,
                  SETTINGS_PATH_MAX - 1);
        return SETTINGS_ERR_VALUE;
    }
    if (!*v) {
        write_msg(msg, msgcap, "missing value for %s: expected %s", name, expected);
        return SETTINGS_ERR_VALUE;
    }
    /* parse into a copy so a refused value changes nothing */
    Settings next = *s;
    if (!apply(&next, (KeyId)id, v)) {
        char shown[72];
        snprintf(shown, sizeof shown, "%.60s%s", v, strlen(v) > 60 ? "..." : "");
        write_msg(msg, msgcap, "bad value '%s' for %s: expected %s", shown, name, expected);
        return SETTINGS_ERR_VALUE;
    }
    *s = next;
    if (msg && msgcap)
        msg[0] = '\0';
    return SETTINGS_OK;
}

static void flag_name(const char *key, char out[KEY_MAX])
{
    size_t i = 0;
    for (; key[i] && i < KEY_MAX - 1; i++)
        out[i] = key[i] == '_' ? '-' : key[i];
    out[i] = '\0';
}

static int unknown_flag(const char *arg, char *msg, size_t cap)
{
    char flag[KEY_MAX] = "";
    const char *bare = arg;
    while (*bare == '-')
        bare++;
    const char *near = settings_suggest(bare);
    if (near)
        flag_name(near, flag);
    if (near)
        write_msg(msg, cap, "unknown option '%s' (did you mean '--%s'?)", arg, flag);
    else
        write_msg(msg, cap, "unknown option '%s'", arg);
    return SETTINGS_ERR_KEY;
}

int settings_set_flag(Settings *s, int argc, char **argv, int *i, const char **key, char *msg,
                      size_t msgcap)
{
    const char *arg = argv[*i];
    if (strncmp(arg, "--", 2) != 0 || !arg[2])
        return unknown_flag(arg, msg, msgcap);
    char name[KEY_MAX];
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
    if (len >= KEY_MAX)
        return unknown_flag(arg, msg, msgcap);
    memcpy(name, arg + 2, len);
    name[len] = '\0';

    int id = find_key(name);
    const char *value = eq ? eq + 1 : NULL;
    int used = 1;
    if (id < 0 && !eq && (!strncmp(name, "no-", 3) || !strncmp(name, "no_", 3)) &&
        find_key(name + 3) >= 0 && rules[find_key(name + 3)].type == V_BOOL) {
        id = find_key(name + 3);
        value = "false";
    }
    if (id < 0)
        return unknown_flag(arg, msg, msgcap);
    bool b;
    if (!value && rules[id].type == V_BOOL) {
        value = "true";
        if (*i + 1 < argc && parse_bool(argv[*i + 1], &b)) {
            value = argv[*i + 1];
            used = 2;
        }
    } else if (!value) {
        if (*i + 1 >= argc) {
            write_msg(msg, msgcap, "missing value for %s: expected %s", arg, keys[id].expected);
            return SETTINGS_ERR_VALUE;
        }
        value = argv[*i + 1];
        used = 2;
    }
    int rc = settings_set(s, keys[id].key, value, msg, msgcap);
    if (rc < 0)
        return rc;
    *i += used;
    if (key)
        *key = keys[id].key;
    return SETTINGS_OK;
}

/* Shortest of %.15g / %.17g that reads back as the same double. */
static void format_num(double d, char *buf, size_t cap)
{
    snprintf(buf, cap, "%.15g", d);
    if (strtod(buf, NULL) != d)
        snprintf(buf, cap, "%.17g", d);
}

int settings_get(const Settings *s, const char *key, char *out, size_t cap)
{
    int id = find_key(key);
    if (id < 0)
        return SETTINGS_ERR_KEY;
    const KeyRule *r = &rules[id];
    const char *field = (const char *)s + r->offset;
    char buf[SETTINGS_PATH_MAX];
    switch (r->type) {
    case V_CHOICE:
        snprintf(buf, sizeof buf, "%s", r->choices[get_choice(s, (KeyId)id)]);
        break;
    case V_INT:
        snprintf(buf, sizeof buf, "%d", *(const int *)(const void *)field);
        break;
    case V_NUM:
        format_num(*(const double *)(const void *)field, buf, sizeof buf);
        break;
    case V_BOOL:
        snprintf(buf, sizeof buf, "%s", *(const bool *)(const void *)field ? "true" : "false");
        break;
    case V_SEED:
        snprintf(buf, sizeof buf, "%" PRIu64, *(const uint64_t *)(const void *)field);
        break;
    case V_PATH:
        snprintf(buf, sizeof buf, "%s", field);
        break;
    }
    if (!out || strlen(buf) >= cap)
        return SETTINGS_ERR_VALUE;
    memcpy(out, buf, strlen(buf) + 1);
    return SETTINGS_OK;
}

const SettingsKey *settings_keys(int *count)
{
    if (count)
        *count = K_COUNT;
    return keys;
}

void settings_task_config(const Settings *s, TaskConfig *out)
{
    TaskConfig tc = {
        .kind = s->task,
        .input_size = s->input,
        .output_size = s->output,
        .copy_symbols = s->copy_symbols,
        .copy_length = s->copy_length,
        .sine_period = s->sine_period,
        .text_path = s->text_file,
    };
    *out = tc;
}

Task *settings_task(const Settings *s, NetError *err)
{
    TaskConfig tc;
    settings_task_config(s, &tc);
    return task_create(&tc, s->batch, err);
}

int settings_net_config(const Settings *s, const Task *task, NetConfig *out, NetError *err)
{
    NetConfig cfg = {
        .cell = s->cell,
        /* the nonlinearity applies to rnn only; gated cells ignore it */
        .act = s->cell == NET_CELL_RNN ? s->nonlinearity : NET_ACT_TANH,
        .input_size = s->input,
        .hidden_size = s->hidden,
        .num_layers = s->layers,
        .output_size = s->output,
        .loss = task_kind_loss(s->task),
        .targets = s->targets < 0 ? task_kind_default_targets(s->task) : (NetTargets)s->targets,
        .bias_hh = s->bias_hh,
        .max_batch = s->batch,
        .max_steps = s->steps,
    };
    if (cfg.input_size == 0 || cfg.output_size == 0) {
        Task *own = NULL;
        if (!task) {
            own = settings_task(s, err);
            if (!own)
                return NET_ERR_ARG;
            task = own;
        }
        if (cfg.input_size == 0)
            cfg.input_size = task_input_size(task);
        if (cfg.output_size == 0)
            cfg.output_size = task_output_size(task);
        task_destroy(own);
    }
    int rc = net_config_check(&cfg, err);
    if (rc < 0)
        return rc;
    *out = cfg;
    return NET_OK;
}

InitOptions settings_init_options(const Settings *s)
{
    InitOptions o = {s->init, s->spectral_radius, s->forget_bias};
    return o;
}

OptimConfig settings_optim_config(const Settings *s)
{
    OptimConfig oc = optim_default_config(s->optimizer, s->learning_rate);
    oc.momentum = s->momentum;
    return oc;
}

TrainConfig settings_train_config(const Settings *s)
{
    TrainConfig tc = {
        .batch = s->batch,
        .steps = s->steps,
        .optim = settings_optim_config(s),
        .clip = s->clip,
        .carry = s->carry,
        .seed = s->seed,
        .history = 0,
    };
    return tc;
}

Trainer *settings_trainer(const Settings *s, NetError *err)
{
    Task *task = settings_task(s, err);
    if (!task)
        return NULL;
    NetConfig nc;
    if (settings_net_config(s, task, &nc, err) < 0)
        goto out_task;
    Net *net = net_create(&nc, err);
    if (!net)
        goto out_task;
    TrainConfig tc = settings_train_config(s);
    Trainer *tr = train_create(net, task, &tc, err);
    if (!tr) {
        net_destroy(net);
        goto out_task;
    }
    InitOptions io = settings_init_options(s);
    if (init_params(train_net(tr), &io, train_rng(tr)) < 0) {
        if (err)
            snprintf(err->msg, sizeof err->msg,
                     "cannot initialise the weights (init %s, spectral_radius %g)",
                     init_scheme_name(s->init), s->spectral_radius);
        train_destroy(tr);
        return NULL;
    }
    return tr;

out_task:
    task_destroy(task);
    return NULL;
}
