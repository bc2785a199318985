#include "settings.h"
#include "suggest.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TEXT_FILE RNNVIZ_ASSETS_DIR "/text/nursery-rhymes.txt"
#define KEY_MAX 64

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
/* Table shorthands: type, choices, storage and accepted range. */
#define CHOICE(list) SET_TYPE_CHOICE, list, 0, 0, 0, false, false
#define INT(f, lo, hi) SET_TYPE_INT, NULL, OFF(f), lo, hi, false, false
#define NUM(f, lo, hi, lo_open, hi_open) SET_TYPE_NUM, NULL, OFF(f), lo, hi, lo_open, hi_open
#define OTHER(type, f) type, NULL, OFF(f), 0, 0, false, false
/* How the drawer shows and nudges it: label, row (1-based), nudge. */
#define NOTCHES(...) SET_NUDGE_NOTCHES, NARGS(__VA_ARGS__), {__VA_ARGS__}, 0, SET_SCALE_NONE, 0, 0
#define NARGS(...) ((int)(sizeof((double[]){__VA_ARGS__}) / sizeof(double)))
/* ×f a notch, and a slider on scale from lo to hi (also a notch's range) */
#define TIMES(f, scale, lo, hi) SET_NUDGE_FACTOR, 0, {0}, f, scale, lo, hi
#define PLUS(f) SET_NUDGE_STEP, 0, {0}, f, SET_SCALE_NONE, 0, 0
#define HIDDEN NULL, 0, SET_NUDGE_NONE, 0, {0}, 0, SET_SCALE_NONE, 0, 0
#define REBUILDS false
#define KEEPS true

/* Every setting, once: key, what it expects, what it does, its default as
 * the command line writes it, type and range, whether a change keeps the
 * weights, and its drawer row (choices cycle through their notches, given
 * as choice indices). */
static const SettingInfo table[SET_COUNT] = {
    [SET_CELL] = {"cell", "rnn, gru or lstm", "recurrent cell type", "rnn", CHOICE(cells), REBUILDS,
                  "cell", 1, NOTCHES(0, 1, 2)},
    [SET_NONLINEARITY] = {"nonlinearity", "tanh or relu", "activation of the rnn cell", "tanh",
                          CHOICE(acts), REBUILDS, "nonlinearity", 2, NOTCHES(0, 1)},
    [SET_HIDDEN] = {"hidden", "an integer from 1 to 1024", "hidden size H", "8",
                    INT(hidden, 1, NET_MAX_SIZE), REBUILDS, "hidden H", 5,
                    NOTCHES(2, 4, 8, 10, 16, 32, 64, 128, 256)},
    [SET_LAYERS] = {"layers", "an integer from 1 to 8", "number of stacked layers L", "1",
                    INT(layers, 1, NET_MAX_LAYERS), REBUILDS, "layers L", 6, NOTCHES(1, 2, 3, 4)},
    [SET_STEPS] = {"steps", "an integer from 1 to 10000", "sequence length T", "10",
                   INT(steps, 1, NET_MAX_STEPS), REBUILDS, "steps T", 4,
                   NOTCHES(3, 5, 10, 20, 30, 40, 50, 75, 100)},
    [SET_BATCH] = {"batch", "an integer from 1 to 4096", "batch size B", "1",
                   INT(batch, 1, NET_MAX_BATCH), REBUILDS, "batch B", 7,
                   NOTCHES(1, 2, 4, 8, 16, 32)},
    /* the drawer goes mod3, mod3_random, sine, adding, copy, text, noise */
    [SET_TASK] = {"task", "mod3, noise, sine, adding, copy, text or mod3_random",
                  "what the network learns", "mod3", CHOICE(tasks), REBUILDS, "task", 3,
                  NOTCHES(0, 6, 2, 3, 4, 5, 1)},
    [SET_TARGETS] = {"targets", "default, all or last",
                     "which steps have a target (default: the task's)", "default", CHOICE(targets),
                     REBUILDS, HIDDEN},
    [SET_INPUT] = {"input", "an integer from 0 to 1024", "input size I (0: the task's; noise: 32)",
                   "0", INT(input, 0, NET_MAX_SIZE), REBUILDS, HIDDEN},
    [SET_OUTPUT] = {"output", "an integer from 0 to 1024",
                    "output size O (0: the task's; noise: 4)", "0", INT(output, 0, NET_MAX_SIZE),
                    REBUILDS, HIDDEN},
    [SET_BIAS_HH] = {"bias_hh", "true or false",
                     "second bias per layer (false: one bias, Keras style; rnn and lstm)", "true",
                     OTHER(SET_TYPE_BOOL, bias_hh), REBUILDS, HIDDEN},
    [SET_INIT] = {"init", "uniform, normal, orthogonal, identity or uniform01",
                  "weight initialisation", "uniform", CHOICE(inits), REBUILDS, "init", 9,
                  NOTCHES(0, 1, 2, 3, 4)},
    /* above 0 it rescales W_hh in place (session.c); ×1.1 a notch on a log
     * slider from 0.1 to 3 */
    [SET_SPECTRAL_RADIUS] = {"spectral_radius", "a number from 0 to 1000",
                             "spectral radius of each W_hh block (0: as initialised)", "0",
                             NUM(spectral_radius, 0, 1000, false, false), REBUILDS,
                             "spectral radius ρ", 8, TIMES(1.1, SET_SCALE_LOG, 0.1, 3.0)},
    [SET_FORGET_BIAS] = {"forget_bias", "a number from -100 to 100",
                         "added to the lstm forget gate bias", "0",
                         NUM(forget_bias, -100, 100, false, false), REBUILDS, "forget bias (LSTM)",
                         10, NOTCHES(0, 0.5, 1, 2, 3, 5)},
    [SET_LEARNING_RATE] = {"learning_rate", "a number > 0 and <= 1000",
                           "optimizer step size (alias lr)", "0.1",
                           NUM(learning_rate, 0, 1000, true, false), KEEPS, "learning rate", 11,
                           NOTCHES(0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)},
    [SET_OPTIMIZER] = {"optimizer", "sgd, momentum, adagrad or adam", "update rule", "sgd",
                       CHOICE(optimizers), KEEPS, "optimizer", 12, NOTCHES(0, 1, 2, 3)},
    [SET_MOMENTUM] = {"momentum", "a number >= 0 and < 1", "momentum of the momentum optimizer",
                      "0.9", NUM(momentum, 0, 1, false, true), KEEPS, HIDDEN},
    [SET_CLIP] = {"clip", "a number >= 0", "clip the global gradient norm to this (0: off)", "0",
                  NUM(clip, 0, 1e308, false, false), KEEPS, "clip ‖∇‖", 13,
                  NOTCHES(0, 0.1, 0.5, 1, 5, 10, 100)},
    [SET_CARRY] = {"carry", "none, sequence or mean", "hidden state carried between batches",
                   "none", CHOICE(carries), KEEPS, HIDDEN},
    [SET_ORDER] = {"order", "time or layer", "traversal order of the unrolled graph", "time",
                   CHOICE(orders), KEEPS, "order", 14, NOTCHES(0, 1)},
    [SET_SEED] = {"seed", "an integer from 0 to 18446744073709551615",
                  "seed of every random number", "1", OTHER(SET_TYPE_SEED, seed), REBUILDS, "seed",
                  15, PLUS(1)},
    [SET_COPY_SYMBOLS] = {"copy_symbols", "an integer from 1 to 1022",
                          "copy task: number of distinct symbols K", "4",
                          INT(copy_symbols, 1, NET_MAX_SIZE - 2), REBUILDS, HIDDEN},
    [SET_COPY_LENGTH] = {"copy_length", "an integer from 1 to 4999",
                         "copy task: symbols to remember S (steps >= 2S + 1)", "3",
                         INT(copy_length, 1, (NET_MAX_STEPS - 1) / 2), REBUILDS, HIDDEN},
    [SET_SINE_PERIOD] = {"sine_period", "a number > 0 and <= 1000000",
                         "sine task: steps per period", "16", NUM(sine_period, 0, 1e6, true, false),
                         REBUILDS, HIDDEN},
    [SET_TEXT_FILE] = {"text_file", "a file path", "text task: the text to learn",
                       DEFAULT_TEXT_FILE, OTHER(SET_TYPE_PATH, text_file), REBUILDS, HIDDEN},
};

/* Other spellings accepted for a key (not suggested). */
static const struct {
    const char *alias;
    SettingId id;
} aliases[] = {{"lr", SET_LEARNING_RATE}};

/* Enum-typed fields are written through a switch, not through pointers. */
static void put_choice(Settings *s, SettingId id, int v)
{
    switch (id) {
    case SET_CELL:
        s->cell = (NetCell)v;
        break;
    case SET_NONLINEARITY:
        s->nonlinearity = (NetAct)v;
        break;
    case SET_TASK:
        s->task = (TaskKind)v;
        break;
    case SET_TARGETS:
        s->targets = v - 1; /* "default" is -1 */
        break;
    case SET_INIT:
        s->init = (InitScheme)v;
        break;
    case SET_OPTIMIZER:
        s->optimizer = (OptimKind)v;
        break;
    case SET_CARRY:
        s->carry = (TrainCarry)v;
        break;
    case SET_ORDER:
        s->order = (NetOrder)v;
        break;
    default:
        break;
    }
}

static int get_choice(const Settings *s, SettingId id)
{
    switch (id) {
    case SET_CELL:
        return (int)s->cell;
    case SET_NONLINEARITY:
        return (int)s->nonlinearity;
    case SET_TASK:
        return (int)s->task;
    case SET_TARGETS:
        return s->targets + 1;
    case SET_INIT:
        return (int)s->init;
    case SET_OPTIMIZER:
        return (int)s->optimizer;
    case SET_CARRY:
        return (int)s->carry;
    case SET_ORDER:
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

int settings_find(const char *key)
{
    if (strlen(key) >= KEY_MAX)
        return -1;
    char k[KEY_MAX];
    normalise_key(key, k);
    for (int i = 0; i < SET_COUNT; i++) {
        if (!strcmp(k, table[i].key))
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
    for (int i = 0; i < SET_COUNT; i++) {
        int dist = suggest_distance(k, table[i].key);
        size_t d = dist < 0 ? (size_t)-1 : (size_t)dist;
        if (d < best_d) {
            best_d = d;
            best = table[i].key;
        }
        if (len >= 3 && !strncmp(k, table[i].key, len)) {
            prefix = table[i].key;
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

static bool num_in_range(double d, const SettingInfo *r)
{
    if (!isfinite(d))
        return false;
    if (r->lo_open ? !(d > r->lo) : !(d >= r->lo))
        return false;
    return r->hi_open ? d < r->hi : d <= r->hi;
}

static bool parse_num(const char *v, const SettingInfo *r, double *out)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !num_in_range(d, r))
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
static bool apply(Settings *s, SettingId id, const char *v)
{
    const SettingInfo *r = &table[id];
    char *field = (char *)s + r->offset;
    switch (r->type) {
    case SET_TYPE_CHOICE: {
        int k = parse_choice(v, r->choices);
        if (k < 0)
            return false;
        put_choice(s, id, k);
        return true;
    }
    case SET_TYPE_INT:
        return parse_int(v, r->lo, r->hi, (int *)(void *)field);
    case SET_TYPE_NUM:
        return parse_num(v, r, (double *)(void *)field);
    case SET_TYPE_BOOL:
        return parse_bool(v, (bool *)(void *)field);
    case SET_TYPE_SEED:
        return parse_seed(v, (uint64_t *)(void *)field);
    case SET_TYPE_PATH:
        if (!*v)
            return false;
        snprintf(field, SETTINGS_PATH_MAX, "%s", v);
        return true;
    }
    return false;
}

int settings_set(Settings *s, const char *key, const char *value, char *msg, size_t msgcap)
{
    int id = settings_find(key);
    if (id < 0) {
        const char *near = settings_suggest(key);
        if (near)
            write_msg(msg, msgcap, "unknown key '%s' (did you mean '%s'?)", key, near);
        else
            write_msg(msg, msgcap, "unknown key '%s'", key);
        return SETTINGS_ERR_KEY;
    }
    const char *name = table[id].key, *expected = table[id].expected;
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
    if (!apply(&next, (SettingId)id, v)) {
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

    int id = settings_find(name);
    const char *value = eq ? eq + 1 : NULL;
    int used = 1;
    if (id < 0 && !eq && (!strncmp(name, "no-", 3) || !strncmp(name, "no_", 3)) &&
        settings_find(name + 3) >= 0 && table[settings_find(name + 3)].type == SET_TYPE_BOOL) {
        id = settings_find(name + 3);
        value = "false";
    }
    if (id < 0)
        return unknown_flag(arg, msg, msgcap);
    bool b;
    if (!value && table[id].type == SET_TYPE_BOOL) {
        value = "true";
        if (*i + 1 < argc && parse_bool(argv[*i + 1], &b)) {
            value = argv[*i + 1];
            used = 2;
        }
    } else if (!value) {
        if (*i + 1 >= argc) {
            write_msg(msg, msgcap, "missing value for %s: expected %s", arg, table[id].expected);
            return SETTINGS_ERR_VALUE;
        }
        value = argv[*i + 1];
        used = 2;
    }
    int rc = settings_set(s, table[id].key, value, msg, msgcap);
    if (rc < 0)
        return rc;
    *i += used;
    if (key)
        *key = table[id].key;
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
    int id = settings_find(key);
    if (id < 0)
        return SETTINGS_ERR_KEY;
    const SettingInfo *r = &table[id];
    const char *field = (const char *)s + r->offset;
    char buf[SETTINGS_PATH_MAX];
    switch (r->type) {
    case SET_TYPE_CHOICE:
        snprintf(buf, sizeof buf, "%s", r->choices[get_choice(s, (SettingId)id)]);
        break;
    case SET_TYPE_INT:
        snprintf(buf, sizeof buf, "%d", *(const int *)(const void *)field);
        break;
    case SET_TYPE_NUM:
        format_num(*(const double *)(const void *)field, buf, sizeof buf);
        break;
    case SET_TYPE_BOOL:
        snprintf(buf, sizeof buf, "%s", *(const bool *)(const void *)field ? "true" : "false");
        break;
    case SET_TYPE_SEED:
        snprintf(buf, sizeof buf, "%" PRIu64, *(const uint64_t *)(const void *)field);
        break;
    case SET_TYPE_PATH:
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
        *count = SET_COUNT;
    return table;
}

const SettingInfo *settings_info(SettingId id)
{
    return &table[(unsigned)id < SET_COUNT ? id : 0];
}

void settings_default(Settings *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < SET_COUNT; i++) {
        bool ok = apply(s, (SettingId)i, table[i].def);
        (void)ok; /* the defaults are checked by test_settings */
    }
}

double settings_value(const Settings *s, SettingId id)
{
    const SettingInfo *r = settings_info(id);
    const char *field = (const char *)s + r->offset;
    switch (r->type) {
    case SET_TYPE_CHOICE:
        return get_choice(s, id);
    case SET_TYPE_INT:
        return *(const int *)(const void *)field;
    case SET_TYPE_NUM:
        return *(const double *)(const void *)field;
    case SET_TYPE_BOOL:
        return *(const bool *)(const void *)field;
    case SET_TYPE_SEED:
        return (double)*(const uint64_t *)(const void *)field;
    case SET_TYPE_PATH:
        break;
    }
    return NAN;
}

/* Stores v for id into s; false when v is out of range or of no type. */
static bool put_value(Settings *s, SettingId id, double v)
{
    const SettingInfo *r = settings_info(id);
    char *field = (char *)s + r->offset;
    int n = 0;
    while (r->type == SET_TYPE_CHOICE && r->choices[n])
        n++;
    switch (r->type) {
    case SET_TYPE_CHOICE:
        if (!(v >= 0 && v < n && v == floor(v)))
            return false;
        put_choice(s, id, (int)v);
        return true;
    case SET_TYPE_INT:
        if (!(v >= r->lo && v <= r->hi && v == floor(v)))
            return false;
        *(int *)(void *)field = (int)v;
        return true;
    case SET_TYPE_NUM:
        if (!num_in_range(v, r))
            return false;
        *(double *)(void *)field = v;
        return true;
    case SET_TYPE_BOOL:
        if (v != 0 && v != 1)
            return false;
        *(bool *)(void *)field = v == 1;
        return true;
    case SET_TYPE_SEED:
        if (!(v >= 0 && v < 18446744073709551616.0 && v == floor(v)))
            return false;
        *(uint64_t *)(void *)field = (uint64_t)v;
        return true;
    case SET_TYPE_PATH:
        break;
    }
    return false;
}

int settings_set_value(Settings *s, SettingId id, double v, char *msg, size_t msgcap)
{
    const SettingInfo *r = settings_info(id);
    if ((unsigned)id >= SET_COUNT || !put_value(s, id, v)) {
        write_msg(msg, msgcap, "bad value %g for %s: expected %s", v, r->key, r->expected);
        return SETTINGS_ERR_VALUE;
    }
    if (msg && msgcap)
        msg[0] = '\0';
    return SETTINGS_OK;
}

int settings_set_seed(Settings *s, uint64_t seed)
{
    s->seed = seed;
    return SETTINGS_OK;
}

/* The notch at or below cur (numbers) or equal to it (choices); -1 none. */
static int notch_at(const SettingInfo *r, double cur)
{
    int at = -1;
    for (int i = 0; i < r->n_notches; i++)
        if (r->type == SET_TYPE_CHOICE ? r->notches[i] == cur : r->notches[i] <= cur + 1e-12)
            at = i;
    return at;
}

static bool nudge_notches(const SettingInfo *r, double cur, int dir, double *out)
{
    int n = r->n_notches, at = notch_at(r, cur), k = at + (dir > 0 ? 1 : -1);
    if (r->type == SET_TYPE_CHOICE)
        k = ((at < 0 ? 0 : k) % n + n) % n;
    else if (at >= 0 && dir < 0 && r->notches[at] < cur - 1e-12)
        k = at; /* a value between notches steps down to the notch below it */
    if (k < 0 || k >= n)
        return false; /* at the end of the range: nothing to do */
    *out = r->notches[k];
    return true;
}

bool settings_nudge(SettingId id, double cur, int dir, double *out)
{
    const SettingInfo *r = settings_info(id);
    double v;
    switch (r->nudge) {
    case SET_NUDGE_NOTCHES:
        return nudge_notches(r, cur, dir, out);
    case SET_NUDGE_FACTOR:
        if (!isfinite(cur) || cur <= 0)
            return false;
        v = dir > 0 ? cur * r->factor : cur / r->factor;
        *out = fmin(r->slider_hi, fmax(r->slider_lo, v));
        return true;
    case SET_NUDGE_STEP:
        v = dir > 0 ? cur + r->factor : cur - r->factor;
        *out = v < 0 ? 0 : v;
        return true;
    case SET_NUDGE_NONE:
        break;
    }
    return false;
}

double settings_to_unit(SettingId id, double v)
{
    const SettingInfo *r = settings_info(id);
    double lo = r->slider_lo, hi = r->slider_hi;
    if (r->scale == SET_SCALE_LOG)
        return (log(v) - log(lo)) / (log(hi) - log(lo));
    return (v - lo) / (hi - lo);
}

double settings_from_unit(SettingId id, double u)
{
    const SettingInfo *r = settings_info(id);
    double lo = r->slider_lo, hi = r->slider_hi;
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    if (r->scale == SET_SCALE_LOG)
        return exp(log(lo) + u * (log(hi) - log(lo)));
    return lo + u * (hi - lo);
}

int settings_drawer(SettingId out[SET_COUNT])
{
    int n = 0;
    for (int row = 1; row <= SET_COUNT; row++)
        for (int i = 0; i < SET_COUNT; i++)
            if (table[i].label && table[i].drawer_row == row)
                out[n++] = (SettingId)i;
    return n;
}

void settings_print_help(FILE *out)
{
    for (int i = 0; i < SET_COUNT; i++)
        fprintf(out, "  --%-18s %s (%s; default %s)\n", table[i].key, table[i].help,
                table[i].expected,
                i == SET_TEXT_FILE ? "the shipped nursery rhymes" : table[i].def);
}

void settings_print_markdown(FILE *out)
{
    fprintf(out, "| key | value | default | what it does | a change |\n"
                 "|---|---|---|---|---|\n");
    for (int i = 0; i < SET_COUNT; i++)
        fprintf(out, "| `%s` | %s | %s | %s | %s |\n", table[i].key, table[i].expected,
                i == SET_TEXT_FILE ? "the shipped nursery rhymes" : table[i].def, table[i].help,
                table[i].keeps_weights ? "keeps the weights" : "rebuilds the network");
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
