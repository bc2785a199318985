/*
 * The seeded PRNG behind every random number in rnnviz: xoshiro256**
 * (Blackman & Vigna), its state filled from the seed by splitmix64.
 * Same seed, same numbers on every machine.
 */
#ifndef RNNVIZ_RNG_H
#define RNNVIZ_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} Rng;

void rng_seed(Rng *rng, uint64_t seed);
uint64_t rng_next(Rng *rng);
/* Uniform in [0, 1) with 53 random bits. */
double rng_uniform(Rng *rng);
/* Uniform in [lo, hi). */
double rng_range(Rng *rng, double lo, double hi);
/* Uniform integer in [0, n), n >= 1, without modulo bias. */
int rng_int(Rng *rng, int n);
/* Standard normal by Box-Muller (two uniforms per call, no cached state). */
double rng_normal(Rng *rng);

#endif
