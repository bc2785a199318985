/*
 * "Did you mean ...?": the candidate closest to a mistyped word, for error
 * messages about verbs, panels and keys.
 *
 * Closeness is the optimal-string-alignment edit distance (insertions,
 * deletions, substitutions and swaps of two neighbouring letters each cost
 * one), ignoring ASCII case, so 'fowrard' and 'Forward' are both one edit
 * from 'forward'. A candidate is close enough when the distance is at most
 * a third of the longer word (at least 1) and smaller than the word itself,
 * so a one-letter typo never "suggests" an unrelated short word.
 */
#ifndef RNNVIZ_SUGGEST_H
#define RNNVIZ_SUGGEST_H

#define SUGGEST_MAX_LEN 64 /* longer words are never close to anything */

/* The closest of candidates[0..n-1] to word (ties: the first listed), or
 * NULL when none is close enough or an argument is NULL. The returned
 * pointer is one of the candidates. */
const char *suggest_closest(const char *word, const char *const *candidates, int n);

/* The edit distance above, or -1 when a word is longer than
 * SUGGEST_MAX_LEN or NULL. */
int suggest_distance(const char *a, const char *b);

#endif
