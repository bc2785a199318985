/*
 * Atomic file replacement for exported images: the bytes go to a temporary
 * file in the target's directory, are fsync'ed, and only then renamed over
 * the target. A failure at any point leaves the old file as it was and
 * removes the temporary.
 *
 * Conventions: returns 0 on success, negative errno on failure with a
 * message for a person (naming the path and the reason) in msg.
 */
#ifndef RNNVIZ_ATOMIC_FILE_H
#define RNNVIZ_ATOMIC_FILE_H

#include <stddef.h>

int afile_write(const char *path, const void *data, size_t n, char *msg, size_t msg_size);

#endif
