/*
 * The synthetic tasks a network learns in the lessons: deterministic batch
 * generators driven by an Rng, symbol decoding for display, and task
 * accuracy. Each task fixes the network's input and output sizes and its
 * loss; its targets mode is a default the caller may override.
 *
 *   task    I        O        loss        targets  what
 *   mod3    3        3        softmax_ce  all      one-hot n_t, counting up mod 3 from a
 *                                                  random start; target n_{t+1}
 *   noise   I (32)   O (4)    softmax_ce  all      N(0,1) features, random classes
 *                                                  (forward-only demos; nothing to learn)
 *   sine    1        1        mse         all      x_t = sin(w t + phase), random phase;
 *                                                  target x_{t+1}; w = 2 pi / period
 *   adding  2        1        mse         last     (value ~ U(0,1), marker 0/1); one marker
 *                                                  in [0, T/2), one in [T/2, T); target the
 *                                                  sum of the two marked values
 *                                                  (Hochreiter & Schmidhuber 1997)
 *   copy    K+2      K+2      softmax_ce  all      S symbols, T-2S-1 blanks, a delimiter,
 *                                                  then S blanks during which the targets
 *                                                  recall the symbols; blank target elsewhere
 *   text    V        V        softmax_ce  all      character LM on a file: V its distinct
 *                                                  bytes sorted, one-hot input, target the
 *                                                  next character, random windows
 *   mod3_random 3    3        softmax_ce  all      one-hot digits d_t i.i.d. uniform on
 *                                                  {0, 1, 2}; target (d_0 + ... + d_t) mod 3,
 *                                                  the running sum (needs memory; mod3's
 *                                                  target is a function of x_t alone)
 *
 * With targets "all" every step has the target above; adding's target at
 * step t is then the sum of the marked values up to t. With "last" only
 * step T-1 keeps its target.
 *
 * Shapes: B batch, T steps, I input, O output, K copy symbols, S copy
 * length, V vocabulary size. Symbol indices: copy 0..K-1 symbols, K blank,
 * K+1 delimiter; text k is the k-th smallest distinct byte.
 *
 * Random draws, row by row (b = 0..B-1), in this order:
 *   mod3: start rng_int(3).  noise: T*I rng_normal (row-major), then T
 *   rng_int(O).  sine: phase rng_range(0, 2 pi).  adding: T rng_uniform, then
 *   rng_int(T/2) and rng_int(T - T/2).  copy: S rng_int(K).  text: start
 *   rng_int(N - T), N the text length.  mod3_random: T rng_int(3).
 * A resumed stream (task_fill with resume) continues each row where the
 * previous batch of the same B left it and draws nothing, for mod3
 * (counting on), sine (phase on), text (the next window; back to 0 at
 * the end of the text, as min-char-rnn does) and mod3_random (fresh digits,
 * the running sum continuing from the previous batch's). The other tasks have no
 * stream and draw fresh rows.
 *
 * Conventions: actions return 0 or a negative NET_ERR_* code; constructors
 * return NULL. User-caused errors fill a NetError. task_create allocates;
 * task_fill writes into caller buffers and never allocates.
 */
#ifndef RNNVIZ_TASKS_H
#define RNNVIZ_TASKS_H

#include <stdbool.h>
#include <stddef.h>

#include "net.h"
#include "rng.h"

typedef enum {
    TASK_MOD3,
    TASK_NOISE,
    TASK_SINE,
    TASK_ADDING,
    TASK_COPY,
    TASK_TEXT,
    TASK_MOD3_RANDOM,
} TaskKind;

#define TASK_KIND_COUNT 7

/* Defaults used when a TaskConfig field is 0. */
#define TASK_NOISE_INPUT 32
#define TASK_NOISE_OUTPUT 4
#define TASK_COPY_SYMBOLS 4
#define TASK_COPY_LENGTH 3
#define TASK_SINE_PERIOD 16.0
#define TASK_TEXT_MAX_BYTES (64L << 20)
/* Accuracy: an mse prediction is a hit when every |error| is below this. */
#define TASK_ADDING_TOLERANCE 0.04
#define TASK_SINE_TOLERANCE 0.05

typedef struct {
    TaskKind kind;
    int input_size;        /* noise: I (0: TASK_NOISE_INPUT) */
    int output_size;       /* noise: O (0: TASK_NOISE_OUTPUT) */
    int copy_symbols;      /* copy: K (0: TASK_COPY_SYMBOLS) */
    int copy_length;       /* copy: S (0: TASK_COPY_LENGTH) */
    double sine_period;    /* sine: steps per period (0: TASK_SINE_PERIOD) */
    const char *text_path; /* text: the file to learn (read by task_create) */
} TaskConfig;

typedef struct Task Task;

/* Checks the config (and reads the text file) for batches of up to
 * max_batch rows. NULL with err filled on a bad size or an unreadable,
 * empty or oversized text ("PATH: problem"). */
Task *task_create(const TaskConfig *cfg, int max_batch, NetError *err);
void task_destroy(Task *task);
/* A copy of task: its text and stream positions included; NULL (err
 * filled) when out of memory. */
Task *task_clone(const Task *task, NetError *err);

TaskKind task_kind(const Task *task);
int task_input_size(const Task *task);
int task_output_size(const Task *task);
NetLoss task_loss(const Task *task);
NetTargets task_default_targets(const Task *task);
int task_max_batch(const Task *task);

/* Whether sequences of T steps are possible (adding T >= 2, copy
 * T >= 2S + 1, text T <= N - 1); NET_ERR_ARG with err filled otherwise. */
int task_check_steps(const Task *task, int T, NetError *err);

/* Buffer sizes (in elements) task_fill needs for B x T: x (B, T, I);
 * classes (B, T) for softmax_ce, else 0; y (B, T, O) for mse, else 0. */
size_t task_x_len(const Task *task, int B, int T);
size_t task_classes_len(const Task *task, int B, int T);
size_t task_y_len(const Task *task, int B, int T);

/* Fills x (B, T, I) and the targets, classes (B, T) or (B, 1) for "last",
 * or y (B, T, O) or (B, 1, O) for "last" (the unused one may be NULL), and
 * points out's x/classes/y at them (h0, c0 NULL). resume continues the
 * streams of the previous fill if it had the same B (see above). */
int task_fill(Task *task, Rng *rng, NetTargets targets, int B, int T, bool resume, double *x,
              int *classes, double *y, NetBatch *out, NetError *err);

/* Display symbols (UTF-8, NUL-terminated): the input x (I) of one row at
 * one step, e.g. "2", "h", "␣", "0.42", "[0.42]" for a marked adding
 * value; and class k, e.g. "2", "h", "·" (copy blank), ":" (delimiter).
 * NET_ERR_ARG when k is out of range or cap is too small (out truncated). */
int task_input_symbol(const Task *task, const double *x, char *out, size_t cap);
int task_class_symbol(const Task *task, int k, char *out, size_t cap);

/* One prediction y (O) against its target: softmax_ce the argmax equals
 * cls (ties to the lowest index); mse every |y - target| below the task's
 * tolerance. Non-finite predictions never hit. */
bool task_hit(const Task *task, const double *y, int cls, const double *target);

/* Fraction of hits over every (b, t) with a target, after net_forward on a
 * batch of this task; NaN when there is no target. */
double task_accuracy(const Task *task, const Net *net);

/* text: the class of byte c (-1 when not in the vocabulary), the byte of
 * class k (-1 when out of range), the text itself. Other tasks: -1 / NULL. */
int task_text_class(const Task *task, unsigned char c);
int task_text_byte(const Task *task, int k);
const unsigned char *task_text(const Task *task, size_t *len);

/* A kind's loss and default targets, known without creating the task. */
NetLoss task_kind_loss(TaskKind kind);
NetTargets task_kind_default_targets(TaskKind kind);

/* "mod3", "noise", "sine", "adding", "copy", "text", "mod3_random"; "unknown" otherwise. */
const char *task_kind_name(TaskKind kind);
/* Exact lowercase names above; NET_ERR_ARG (out untouched) otherwise. */
int task_kind_parse(const char *name, TaskKind *out);

#endif
