/*
 * Saves that lose nothing: the bytes go to a temporary file beside the
 * target, are fsync'ed, and only then renamed over it. A failure at any
 * point leaves the old file as it was and removes the temporary. Used by
 * every writer in rnnviz: models, CSV logs, PNG and SVG exports.
 *
 * Conventions: afile_write returns 0 or a negative errno with a message
 * for a person (naming the path and the reason) in msg; the streaming
 * pair returns NULL / an errno value and leaves the message to the caller.
 */
#ifndef RNNVIZ_ATOMIC_FILE_H
#define RNNVIZ_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

/* Writes n bytes as the new content of path. */
int afile_write(const char *path, const void *data, size_t n, char *msg, size_t msg_size);

/* Streaming: a FILE on a fresh temporary beside path (its name in tmp,
 * cap bytes), NULL with errno set on failure (EISDIR when path is a
 * directory; errno is cleared on success, so a failed write through the
 * FILE leaves its reason for afile_commit). Then afile_commit flushes, syncs, closes and renames it
 * over path, returning 0 or an errno value (the temporary is removed on failure; stage, when not
 * NULL, is set to "write" or "replace" to say which step failed); or afile_abort closes and removes
 * it. */
FILE *afile_open(const char *path, char *tmp, size_t cap);
int afile_commit(FILE *f, const char *tmp, const char *path, const char **stage);
void afile_abort(FILE *f, const char *tmp);

#endif
