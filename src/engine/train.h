/*
 * Training: a Trainer owns a network, a task, an optimizer and the Rng
 * that draws its batches, and runs iterations of
 *
 *     batch -> forward -> zero grads -> backward -> clip -> update
 *
 * recording per iteration the loss, the pre-clip global gradient norm, the
 * task accuracy (both on the iteration's batch, before its update) and
 * grad_h[l][t] = ||dL/dh^l_t||, in a ring of the last records.
 *
 * The hidden state can be carried from one batch to the next (truncated
 * BPTT: values carry over, gradients do not):
 *   none      every batch starts from h = 0 (and c = 0)
 *   sequence  row b starts where row b of the previous batch ended, and
 *             the task continues its streams (min-char-rnn style)
 *   mean      every row starts from the previous batch's final state
 *             averaged over the batch (Weidman's layered design); the
 *             task streams continue as for sequence
 * A non-finite carried state is dropped (the next batch starts from 0).
 *
 * A non-finite gradient norm skips the update (the record says so) so that
 * one overflowing batch does not turn every parameter into NaN; the plots
 * still show the overflow.
 *
 * Shapes: B batch, T steps, L layers, H hidden.
 *
 * Conventions: actions return 0 or a negative NET_ERR_* code, with err
 * filled when given; constructors return NULL. train_create allocates
 * everything (batch buffers, carried state, history); train_step and
 * train_run never allocate.
 */
#ifndef RNNVIZ_TRAIN_H
#define RNNVIZ_TRAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "net.h"
#include "optim.h"
#include "rng.h"
#include "tasks.h"

typedef enum { TRAIN_CARRY_NONE, TRAIN_CARRY_SEQUENCE, TRAIN_CARRY_MEAN } TrainCarry;

#define TRAIN_CARRY_COUNT 3
/* Records kept when TrainConfig.history is 0 (fewer if L*T is large). */
#define TRAIN_HISTORY_DEFAULT 1000

typedef struct {
    int batch, steps; /* B, T of every batch (within the net's capacity) */
    OptimConfig optim;
    double clip; /* > 0: clip the global gradient norm to this; else off */
    TrainCarry carry;
    uint64_t seed; /* seeds the trainer's Rng */
    int history;   /* records kept; 0: TRAIN_HISTORY_DEFAULT */
} TrainConfig;

typedef struct {
    long iter;            /* 1 for the first iteration */
    double loss;          /* L on the batch, before the update */
    double grad_norm;     /* global gradient norm before clipping */
    double accuracy;      /* task accuracy on the batch, before the update */
    bool clipped;         /* the gradient was scaled down */
    bool skipped;         /* non-finite gradient norm: no update */
    int nonfinite;        /* net_nonfinite() flags of the pass */
    const double *grad_h; /* (L, T): grad_h[l * T + t]; valid while kept */
} TrainRecord;

typedef struct Trainer Trainer;

/* Called after each iteration of train_run; a non-zero return stops it. */
typedef int (*TrainCallback)(const Trainer *tr, const TrainRecord *rec, void *user);

/* Takes ownership of net and task on success only (on failure the caller
 * still owns them). Refuses a task whose input size, output size or loss
 * differ from the network's, steps the task cannot use, a batch or steps
 * beyond the network's capacity and a bad optimizer config. */
Trainer *train_create(Net *net, Task *task, const TrainConfig *cfg, NetError *err);
void train_destroy(Trainer *tr);

/* ---- copies ---- */
/* A copy of tr that continues exactly as tr would: its own network, task
 * and optimizer (each cloned), Rng, last batch, carried state, iteration
 * count and history. NULL (err filled) on failure. */
Trainer *train_clone(const Trainer *tr, NetError *err);
/* ---- end of copies ---- */

Net *train_net(Trainer *tr);
const Net *train_net_const(const Trainer *tr);
Task *train_task(Trainer *tr);
const Task *train_task_const(const Trainer *tr);
Optim *train_optim(Trainer *tr);
Rng *train_rng(Trainer *tr);
const TrainConfig *train_config(const Trainer *tr);

/* One iteration. Fails only when the batch cannot be made or bound, or an
 * engine call refuses; the network is then left as the failed call left it.
 * When the network's yield hook (net_set_yield) stops a pass between time
 * steps, returns NET_ERR_CANCELLED with the iteration pending: the next
 * train_step resumes it where it stopped (same batch, same numbers as an
 * uninterrupted run). Using the network otherwise in between needs
 * train_abandon first (the batch is then dropped, the Rng has moved on). */
int train_step(Trainer *tr, NetError *err);
bool train_pending(const Trainer *tr);
void train_abandon(Trainer *tr);

/* Up to n iterations, calling cb (may be NULL) after each. Returns the
 * number of iterations finished (fewer when a cancel stopped one, which
 * stays pending), or a negative error code. */
long train_run(Trainer *tr, long n, TrainCallback cb, void *user, NetError *err);

/* Iterations run since create or reset. */
long train_iterations(const Trainer *tr);
/* Records kept: k = 0 is the oldest kept, train_history_len - 1 the newest;
 * NULL when k is out of range. */
int train_history_len(const Trainer *tr);
const TrainRecord *train_history(const Trainer *tr, int k);
const TrainRecord *train_last(const Trainer *tr);

/* Forward only on a fresh batch of B rows (1 <= B <= the configured batch)
 * from zero state: loss and task accuracy with the current parameters.
 * The network keeps this batch bound; the carried state and the task
 * streams start afresh at the next iteration. */
int train_evaluate(Trainer *tr, int B, double *loss, double *accuracy, NetError *err);

/* Forgets iterations, history, carried state and optimizer state, and
 * reseeds the Rng; the parameters are untouched (re-initialise them with
 * init_params(train_net(tr), ..., train_rng(tr)) for a fresh start). */
void train_reset(Trainer *tr, uint64_t seed);

/* Changes the clipping threshold (> 0 on, else off) or, keeping the
 * optimizer state, the learning rate (NET_ERR_ARG unless finite > 0). */
void train_set_clip(Trainer *tr, double clip);
int train_set_lr(Trainer *tr, double lr);

/* "none", "sequence", "mean"; "unknown" otherwise. */
const char *train_carry_name(TrainCarry carry);
/* Exact lowercase names above; NET_ERR_ARG (out untouched) otherwise. */
int train_carry_parse(const char *name, TrainCarry *out);

#endif
