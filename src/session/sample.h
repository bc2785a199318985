/*
 * Sampling text from a character-level model (task text): the network is
 * run one character at a time, each step a batch of one row and one step
 * whose initial state is the state the previous step ended in, so n
 * characters cost n single steps rather than a growing sequence each.
 *
 * A Sampler owns a scratch copy of the network's shape (B = 1, T = 1), so
 * sampling never touches the network it reads (its caches, the batch on
 * screen): sample_run copies that network's current parameters first,
 * which lets one Sampler follow a network while it trains.
 *
 *   prime:  the characters fed first (at least one); the state after the
 *           last of them starts the sample
 *   temperature <= 0: greedy, the most probable character (ties to the
 *           lowest class); > 0: drawn from softmax(ŷ / temperature)
 *           with the caller's Rng, so a seed fixes the sample
 *
 * Shapes: L layers, H hidden, V vocabulary (the network's input and
 * output size, the task's distinct bytes).
 *
 * Conventions: sample_create returns NULL with err filled; sample_run
 * returns 0 or a negative NET_ERR_* code with err filled, never allocates,
 * and on failure leaves out as an empty string (when cap > 0).
 * sample_destroy(NULL) is fine.
 */
#ifndef RNNVIZ_SAMPLE_H
#define RNNVIZ_SAMPLE_H

#include <stddef.h>

#include "net.h"
#include "rng.h"
#include "tasks.h"

typedef struct Sampler Sampler;

/* For networks shaped like net on task (which must be task text, with
 * the network's input and output size equal to the vocabulary size and
 * a softmax loss). */
Sampler *sample_create(const Net *net, const Task *task, NetError *err);
void sample_destroy(Sampler *s);

/* Writes n sampled bytes and a NUL into out (cap >= n + 1), after feeding
 * prime (NUL-terminated, every byte in the vocabulary). net must have the
 * shape sample_create saw. rng may be NULL when temperature <= 0. */
int sample_run(Sampler *s, const Net *net, const char *prime, int n, double temperature, Rng *rng,
               char *out, size_t cap, NetError *err);

#endif
