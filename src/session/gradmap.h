/*
 * A map of where gradients vanish: over a grid of two settings (e.g.
 * spectral_radius x steps), the measured
 *
 *     log10( ||dL/dh^0_0|| / ||dL/dh^0_{T-1}|| )
 *
 * of layer 0 on the batch a session with those settings shows (the same
 * seed-derived batch, targets as configured), as the median over seeds
 * seed, seed+1, ... (seeds with an undefined ratio left out), optionally after N training
 * iterations (then the task accuracy on that batch is recorded too, median over seeds). Negative:
 * the gradient reaching step 0 is smaller than at the last step
 * (vanishing); 0 is the ratio-1 edge; positive: exploding.
 *
 * The cells are computed by worker threads (one per core by default, each
 * owning the networks it builds, BLAS on one thread), in the background:
 * gradmap_start returns at once, and the caller polls gradmap_filled and
 * reads finished cells with gradmap_ready / gradmap_value while the others
 * are still running. gradmap_run does the same work on the calling thread.
 *
 * Shapes: NX x NY cells, values row-major by y then x.
 *
 * Conventions: gradmap_create returns NULL with a message for a person in
 * msg; actions return 0 or a negative NET_ERR_* code and fill msg. A cell
 * whose runs fail keeps NaN and its message is kept (gradmap_error).
 * Everything is allocated by gradmap_create; the workers allocate the
 * networks of each configuration they run.
 */
#ifndef RNNVIZ_GRADMAP_H
#define RNNVIZ_GRADMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "settings.h"

#define GRADMAP_MAX_AXIS 400 /* cells along one axis */
#define GRADMAP_MAX_SEEDS 64
#define GRADMAP_MAX_THREADS 64

/* One axis: a settings key (as settings_set takes it) swept linearly from
 * lo to hi over n cells; integer keys (steps, hidden, ...) are rounded. */
typedef struct {
    char key[32];
    double lo, hi;
    int n;
} GradmapAxis;

typedef struct {
    Settings base; /* every other setting (cell, hidden, task, seed, ...) */
    GradmapAxis x, y;
    int seeds;        /* 1..GRADMAP_MAX_SEEDS */
    long train_iters; /* 0: measured at initialisation */
    int threads;      /* 0: one per online core */
} GradmapConfig;

typedef struct GradMap GradMap;

/* Parses "key:lo:hi:n" (e.g. "spectral_radius:0.5:2:40") into out; 0 or
 * NET_ERR_ARG with a message naming the problem. */
int gradmap_axis_parse(const char *spec, GradmapAxis *out, char *msg, size_t cap);

/* Checks the axes (known keys, values both ends accept, the settings at the
 * four corners build a network) and allocates the result grid. */
GradMap *gradmap_create(const GradmapConfig *cfg, char *msg, size_t cap);
/* Cancels and joins running workers, then frees; NULL is fine. */
void gradmap_destroy(GradMap *m);

/* Starts the workers and returns (NET_ERR_ARG if already started). */
int gradmap_start(GradMap *m, char *msg, size_t cap);
/* Every cell on the calling thread (not with gradmap_start). */
int gradmap_run(GradMap *m, char *msg, size_t cap);
/* Asks the workers to stop after their current cell; gradmap_wait joins. */
void gradmap_cancel(GradMap *m);
void gradmap_wait(GradMap *m);

int gradmap_filled(const GradMap *m); /* cells finished so far */
bool gradmap_done(const GradMap *m);  /* every cell finished */
int gradmap_threads(const GradMap *m);
/* CPU seconds worker i used (gradmap_run: i = 0), once it has finished;
 * for benchmarks: the busiest worker's time is the wall time the map
 * would take with a core per worker. NaN when i is out of range. */
double gradmap_worker_cpu(const GradMap *m, int i);
const GradmapConfig *gradmap_config(const GradMap *m);

/* The value each axis applies at cell index i (rounded for integer keys). */
double gradmap_x(const GradMap *m, int ix);
double gradmap_y(const GradMap *m, int iy);
bool gradmap_ready(const GradMap *m, int ix, int iy);
/* Median log10 ratio over the seeds whose ratio is defined (not NaN: 0/0
 * when the loss saturated to exactly 0, Inf/Inf); NaN until ready, when a
 * run failed or no seed's ratio is defined; -Inf when the gradient at step
 * 0 is exactly 0, +Inf when only it overflowed. */
double gradmap_value(const GradMap *m, int ix, int iy);
/* Median task accuracy after training; NaN without train_iters. */
double gradmap_accuracy(const GradMap *m, int ix, int iy);
/* The first failure message of a cell run, "" when none; read it once
 * the workers are done (gradmap_done, or after gradmap_wait). */
const char *gradmap_error(const GradMap *m);

/* The settings of cell (ix, iy) for seed number k (0..seeds-1): what a
 * click on the cell loads. */
int gradmap_cell_settings(const GradMap *m, int ix, int iy, int k, Settings *out, char *msg,
                          size_t cap);

/* One configuration, one seed: builds the trainer, trains train_iters
 * iterations, binds the batch a session shows for these settings, runs
 * forward and backward, and gives log10 ||dL/dh_0|| / ||dL/dh_{T-1}|| of
 * layer 0 and the task accuracy on that batch. */
int gradmap_measure(const Settings *st, long train_iters, double *log_ratio, double *accuracy,
                    char *msg, size_t cap);

#endif
