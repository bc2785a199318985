/*
 * A lesson's work budget: every step's actions, estimated in floating
 * point operations from the network each action runs on, must fit
 * LESSON_MAX_FLOPS, about a minute of this machine's work (measured: about
 * 10 GFLOP/s on the products of training, less on tiny ones, hence the
 * floor per node). A lesson within every size limit (batch 4096, steps
 * 1000, `train 1000000`) would otherwise run for hours in check-lesson,
 * render and the window.
 *
 * Estimates, per node of the unrolled graph (layer l, step t) with G gate
 * blocks: forward 2 B G H (in + H), the head 2 B O H, backward twice the
 * forward, at least LESSON_NODE_FLOOR each; a training iteration is a
 * forward and a backward pass; `compare N` trains three cells; `set`
 * rebuilds (a forward pass and 10 L H^3 for the spectral radius).
 */
#ifndef RNNVIZ_LESSON_BUDGET_H
#define RNNVIZ_LESSON_BUDGET_H

#include <stddef.h>

#include "lesson.h"

#define LESSON_MAX_FLOPS 6e11 /* about one minute here */
#define LESSON_NODE_FLOOR 2e4 /* a tiny node still costs a few microseconds */

/* 0 when every step fits, else -1 with "FILE:LINE:COL: ..." naming the
 * action that crosses the budget. */
int lesson_check_budget(const Lesson *lesson, char *msg, size_t cap);

#endif
