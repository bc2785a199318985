/*
 * Saves that lose nothing and respect what is at the path: the bytes go to
 * a temporary file in the target's directory, are fsync'ed, and only then
 * renamed over it. A failure at any point leaves the old file as it was and
 * removes the temporary. Used by every writer in rnnviz: models, CSV logs,
 * PNG and SVG exports.
 *
 * What is at the path:
 * - a symlink is followed (to the end of a chain, dangling or not) and its
 *   target is replaced atomically; the link stays a link;
 * - an existing regular file keeps its mode (and, as root, its owner);
 * - a directory, device, FIFO or socket is refused (AFILE_ENOTREG, or
 *   EISDIR for a directory), so `--out /dev/null` never replaces the node;
 * - a regular file with other hard links is refused (AFILE_EHARDLINK):
 *   replacing it would silently split the links, writing in place would
 *   lose atomicity;
 * - names up to NAME_MAX work: the temporary has a short name of its own.
 * The temporary is an unnamed O_TMPFILE where the filesystem has it (it
 * gets a name only for the instant between linkat and rename, so a kill -9
 * leaves nothing); elsewhere a short hidden name `.rz-HASH-PID-XXXXXX`, and
 * the next save of the same target removes those whose process is gone.
 *
 * Conventions: afile_write returns 0 or a negative error code with a
 * message for a person (naming the path and the reason) in msg; the
 * streaming pair returns NULL / an error code and leaves the message to
 * the caller, who spells the code with afile_strerror (strerror for errno
 * values, words for the two AFILE_ codes).
 */
#ifndef RNNVIZ_ATOMIC_FILE_H
#define RNNVIZ_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Error codes beyond errno's range. */
enum { AFILE_ENOTREG = 4096, AFILE_EHARDLINK = 4097 };

/* Room the opaque tmp record needs (two paths). */
#define AFILE_TMP_CAP 8400

/* Writes n bytes as the new content of path. */
int afile_write(const char *path, const void *data, size_t n, char *msg, size_t msg_size);

/* Streaming: a FILE on a fresh temporary for path (tmp is an opaque record
 * of cap bytes, at least AFILE_TMP_CAP, that the pair below reads back),
 * NULL with errno set to an error code on failure (EISDIR when path is a
 * directory, AFILE_ENOTREG for another non-regular file, AFILE_EHARDLINK
 * for a hard-linked file; errno is cleared on success, so a failed write
 * through the FILE leaves its reason for afile_commit). Then afile_commit
 * flushes, syncs, closes and renames it over path, returning 0 or an error
 * code (the temporary is removed on failure; stage, when not NULL, is set
 * to "write" or "replace" to say which step failed); or afile_abort closes
 * and removes it. */
FILE *afile_open(const char *path, char *tmp, size_t cap);
int afile_commit(FILE *f, const char *tmp, const char *path, const char **stage);
void afile_abort(FILE *f, const char *tmp);

/* 0 when a save to path would be allowed (by what is at it; the write can
 * still fail), else the error code afile_open would give. For commands that
 * find out before long work. */
int afile_check(const char *path);

/* The reason for an error code from the functions above, for a person. */
const char *afile_strerror(int code);

/* Tests: false makes afile_open use named temporaries even where O_TMPFILE
 * works, so the fallback can be exercised; true (the default) restores. */
void afile_use_tmpfile(bool on);

/* Removes the files in dir named prefix + PID + anything whose process is
 * gone: the named temporaries a killed writer left behind. */
void afile_clean_stale(const char *dir, const char *prefix);

#endif
