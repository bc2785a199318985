/*
 * Experiment settings: the one parser behind CLI flags, lesson setup
 * blocks and `set KEY = VALUE` actions, and the builders that turn a
 * Settings into engine objects (network config, task, trainer).
 *
 * Every key is described once, in the table of settings.c: its name, what
 * it takes, its default, its range, whether changing it keeps the weights,
 * and how the settings drawer shows and nudges it. settings_info() reads
 * that table; --help texts, the drawer and the lesson spec come from it.
 * Keys may be written with '-' for '_' (CLI flags). NaN and infinities are
 * refused everywhere.
 *
 * Conventions: settings_set returns 0, SETTINGS_ERR_KEY or
 * SETTINGS_ERR_VALUE and writes a one-line message for a person into msg;
 * a refused set leaves the Settings untouched. Builders return 0 / NULL on
 * failure with err filled; they check combinations a single key cannot
 * (e.g. bias_hh false with gru, copy_length against steps).
 */
#ifndef RNNVIZ_SETTINGS_H
#define RNNVIZ_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "init.h"
#include "net.h"
#include "optim.h"
#include "tasks.h"
#include "train.h"

#define SETTINGS_PATH_MAX 1024

enum {
    SETTINGS_OK = 0,
    SETTINGS_ERR_KEY = -1,   /* no such key */
    SETTINGS_ERR_VALUE = -2, /* the value is malformed or out of range */
};

typedef struct {
    NetCell cell;
    NetAct nonlinearity;
    int hidden, layers, steps, batch;
    TaskKind task;
    int targets;       /* -1: the task's default, else a NetTargets */
    int input, output; /* 0: the task's */
    bool bias_hh;
    InitScheme init;
    double spectral_radius; /* 0: none */
    double forget_bias;
    double learning_rate;
    OptimKind optimizer;
    double momentum;
    double clip; /* 0: off */
    TrainCarry carry;
    NetOrder order;
    uint64_t seed;
    int copy_symbols, copy_length;
    double sine_period;
    char text_file[SETTINGS_PATH_MAX];
} Settings;

typedef enum {
    SET_CELL,
    SET_NONLINEARITY,
    SET_HIDDEN,
    SET_LAYERS,
    SET_STEPS,
    SET_BATCH,
    SET_TASK,
    SET_TARGETS,
    SET_INPUT,
    SET_OUTPUT,
    SET_BIAS_HH,
    SET_INIT,
    SET_SPECTRAL_RADIUS,
    SET_FORGET_BIAS,
    SET_LEARNING_RATE,
    SET_OPTIMIZER,
    SET_MOMENTUM,
    SET_CLIP,
    SET_CARRY,
    SET_ORDER,
    SET_SEED,
    SET_COPY_SYMBOLS,
    SET_COPY_LENGTH,
    SET_SINE_PERIOD,
    SET_TEXT_FILE,
    SET_COUNT
} SettingId;

typedef enum {
    SET_TYPE_CHOICE, /* one of choices[]; the value is its index */
    SET_TYPE_INT,
    SET_TYPE_NUM,
    SET_TYPE_BOOL,
    SET_TYPE_SEED,
    SET_TYPE_PATH
} SettingType;

/* What a drawer notch does: move to the next of notches[] (choices cycle,
 * numbers stop at the ends), multiply by factor, or add factor. */
typedef enum { SET_NUDGE_NONE, SET_NUDGE_NOTCHES, SET_NUDGE_FACTOR, SET_NUDGE_STEP } SettingNudge;
/* How a slider maps [0, 1] onto [slider_lo, slider_hi]. */
typedef enum { SET_SCALE_NONE, SET_SCALE_LINEAR, SET_SCALE_LOG } SettingScale;

#define SET_MAX_NOTCHES 12

/* One setting, described once. */
typedef struct {
    const char *key;
    const char *expected; /* e.g. "rnn, gru or lstm", "an integer from 1 to 1024" */
    const char *help;
    const char *def; /* the default, as the command line writes it */
    SettingType type;
    const char *const *choices; /* SET_TYPE_CHOICE: NULL-terminated, in enum order */
    size_t offset;              /* where the value lives in Settings (not choices) */
    double lo, hi;              /* SET_TYPE_INT, SET_TYPE_NUM: the accepted range */
    bool lo_open, hi_open;      /* SET_TYPE_NUM: lo < v, v < hi instead of <= */
    bool keeps_weights;         /* a change keeps the trained weights (else rebuilds) */
    const char *label;          /* the drawer's label; NULL: not in the drawer */
    int drawer_row;             /* 1-based position in the drawer */
    SettingNudge nudge;
    int n_notches;
    double notches[SET_MAX_NOTCHES]; /* values, or choice indices */
    double factor;                   /* SET_NUDGE_FACTOR, SET_NUDGE_STEP */
    SettingScale scale;              /* the slider, if any */
    double slider_lo, slider_hi;     /* also the range a nudge stays in */
} SettingInfo;

/* The name the help texts have used. */
typedef SettingInfo SettingsKey;

/* The description of setting id (EXPECTs a valid id). */
const SettingInfo *settings_info(SettingId id);
/* The setting a key names (aliases and '-' allowed), or -1. */
int settings_find(const char *key);

void settings_default(Settings *s);

/* Parses value for key (surrounding spaces ignored) and stores it, or
 * leaves s untouched and explains, e.g.
 *   unknown key 'spectral_radiu' (did you mean 'spectral_radius'?)
 *   bad value 'abc' for hidden: expected an integer from 1 to 1024 */
int settings_set(Settings *s, const char *key, const char *value, char *msg, size_t msgcap);

/* One command-line flag at argv[*i]: "--key value", "--key=value",
 * "--no-key" (a boolean set to false) or a boolean "--key" alone (true,
 * unless the next argument reads as a boolean); '-' and '_' are the same.
 * Advances *i past what it used and, when key is not NULL, points *key at
 * the canonical key name. SETTINGS_ERR_KEY (with "unknown option '--x'
 * (did you mean '--y'?)" in msg) when argv[*i] is no settings flag, so a
 * command can try its own flags first; SETTINGS_ERR_VALUE otherwise. */
int settings_set_flag(Settings *s, int argc, char **argv, int *i, const char **key, char *msg,
                      size_t msgcap);

/* The current value as settings_set would accept it; SETTINGS_ERR_KEY for
 * an unknown key, SETTINGS_ERR_VALUE when cap is too small. */
int settings_get(const Settings *s, const char *key, char *out, size_t cap);

/* Every key, in SettingId order; *count gets the number. */
const SettingsKey *settings_keys(int *count);

/* Typed access, no text in between. The value of a choice is its index
 * (the enum value), of a bool 0 or 1; seeds and paths have their own. */
double settings_value(const Settings *s, SettingId id);
int settings_set_value(Settings *s, SettingId id, double v, char *msg, size_t msgcap);
int settings_set_seed(Settings *s, uint64_t seed);

/* The value one drawer notch from cur in direction dir (+1 up, -1 down);
 * false when the setting does not nudge or is at the end of its range. */
bool settings_nudge(SettingId id, double cur, int dir, double *out);
/* Slider position in [0, 1] of a value, and back, on the setting's scale. */
double settings_to_unit(SettingId id, double v);
double settings_from_unit(SettingId id, double u);

/* The drawer's settings in row order; returns the count. */
int settings_drawer(SettingId out[SET_COUNT]);

/* Writes "  --key  help (expected; default d)" lines, for --help. */
void settings_print_help(FILE *out);
/* The settings section of the lesson spec, a Markdown table. */
void settings_print_markdown(FILE *out);

/* The key closest to an unknown one (edit distance, or a unique prefix),
 * or NULL when none is close. */
const char *settings_suggest(const char *key);

/* The task as configured (reads the text file for task text), for
 * batches of up to s->batch rows. */
void settings_task_config(const Settings *s, TaskConfig *out);
Task *settings_task(const Settings *s, NetError *err);

/* The network for these settings with capacity batch x steps. Sizes,
 * loss and default targets come from task; task may be NULL, and one is
 * then made for the moment only if input or output is 0. */
int settings_net_config(const Settings *s, const Task *task, NetConfig *out, NetError *err);

InitOptions settings_init_options(const Settings *s);
OptimConfig settings_optim_config(const Settings *s);
TrainConfig settings_train_config(const Settings *s);

/* Everything at once: task, network, trainer (Rng seeded with seed), then
 * the parameters initialised from the trainer's Rng, so a seed fixes the
 * initial weights and every batch. */
Trainer *settings_trainer(const Settings *s, NetError *err);

#endif
