#include "suggest.h"

#include <ctype.h>
#include <string.h>

static int lower(char c)
{
    return tolower((unsigned char)c);
}

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

/* Optimal string alignment: Levenshtein plus adjacent transpositions, on a
 * full (n+1) x (m+1) table; words are short, so the table lives on the stack. */
int suggest_distance(const char *a, const char *b)
{
    if (!a || !b)
        return -1;
    size_t n = strlen(a), m = strlen(b);
    if (n > SUGGEST_MAX_LEN || m > SUGGEST_MAX_LEN)
        return -1;
    int d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            int cost = lower(a[i - 1]) != lower(b[j - 1]);
            d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;
        }
    }
    return d[n][m];
}

const char *suggest_closest(const char *word, const char *const *candidates, int n)
{
    if (!word || !candidates || !word[0])
        return NULL;
    const char *best = NULL;
    int best_d = 0;
    size_t wlen = strlen(word);
    for (int i = 0; i < n; i++) {
        if (!candidates[i])
            continue;
        size_t clen = strlen(candidates[i]);
        size_t longer = wlen > clen ? wlen : clen;
        size_t limit = longer / 3 > 1 ? longer / 3 : 1;
        /* the distance is at least the difference in length */
        if ((wlen > clen ? wlen - clen : clen - wlen) > limit)
            continue;
        int d = suggest_distance(word, candidates[i]);
        if (d < 0 || (size_t)d > limit || (size_t)d >= wlen)
            continue;
        if (!best || d < best_d) {
            best = candidates[i];
            best_d = d;
        }
    }
    return best;
}
