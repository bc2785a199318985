/*
 * One error type for errors a user can cause (files, sizes, values): a code
 * and a message for a person, in a buffer the caller owns, e.g.
 *   Error err = {0};
 *   if (thing_load(path, &err) < 0) fprintf(stderr, "%s\n", err.msg);
 *
 * Conventions: code is 0 when no error was set, otherwise negative (the
 * caller's own codes, or a negative errno); error_set keeps the first error
 * set, so the message names the root cause and later failures do not
 * overwrite it. A NULL Error is accepted and ignored everywhere.
 */
#ifndef RNNVIZ_ERROR_H
#define RNNVIZ_ERROR_H

#include <stdbool.h>

#define ERROR_MSG_CAP 512

typedef struct {
    int code;                /* 0 or negative */
    char msg[ERROR_MSG_CAP]; /* "" or a message for a person */
} Error;

/* Sets err (when not already set) with a printf-style message; returns
 * code, so a failing function can `return error_set(err, -1, ...)`. */
int error_set(Error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefixes an already set message with context ("lessons/05.md: "). */
void error_prefix(Error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void error_clear(Error *err);
bool error_is_set(const Error *err);

#endif
