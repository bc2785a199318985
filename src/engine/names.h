/*
 * Enum names, both ways: the engine's enums (optimizers, init schemes,
 * tasks, carry modes) each keep a table of lower-case names and answer
 * through these two lookups.
 */
#ifndef RNNVIZ_NAMES_H
#define RNNVIZ_NAMES_H

/* names[i], or "unknown" when i is out of [0, n). */
const char *names_get(const char *const *names, int n, int i);
/* The index of name in names[0..n-1] (exact match), or -1. */
int names_find(const char *const *names, int n, const char *name);

#endif
