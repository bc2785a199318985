/*
 * Experiment settings: the one parser behind CLI flags, lesson setup
 * blocks and `set KEY = VALUE` actions, and the builders that turn a
 * Settings into engine objects (network config, task, trainer).
 *
 * Keys, their values and defaults (settings_keys() lists them for help):
 *   cell rnn|gru|lstm (rnn)          nonlinearity tanh|relu (tanh; gru and lstm ignore it)
 *   hidden 1..1024 (8)               layers 1..8 (1)
 *   steps 1..10000 (10)              batch 1..4096 (1)
 *   task mod3|noise|sine|adding|copy|text (mod3)
 *   targets default|all|last (default: the task's)
 *   input, output 0..1024 (0: the task's; noise uses 32 and 4)
 *   bias_hh true|false (true)        init uniform|normal|orthogonal|identity
 *   spectral_radius 0..1000 (0 = as initialised)   forget_bias (0, lstm)
 *   learning_rate (alias lr) > 0 (0.1)   optimizer sgd|momentum|adagrad|adam
 *   momentum [0, 1) (0.9)            clip >= 0 (0 = off)
 *   carry none|sequence|mean (none)  order time|layer (time)
 *   seed 0..2^64-1 (1)               copy_symbols (4), copy_length (3)
 *   sine_period > 0 (16)             text_file (the shipped nursery rhymes)
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

/* One key for help texts: its name, the values it takes and what it does. */
typedef struct {
    const char *key;
    const char *expected; /* e.g. "rnn, gru or lstm", "an integer from 1 to 1024" */
    const char *help;
} SettingsKey;

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

/* Every key, in a stable order; *count gets the number. */
const SettingsKey *settings_keys(int *count);

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
