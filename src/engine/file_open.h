/*
 * Opening a file to read it whole, without ever blocking: a FIFO (which
 * would wait for a writer forever), a device (which may never end) or a
 * directory is refused with a reason, before anything is read.
 */
#ifndef RNNVIZ_FILE_OPEN_H
#define RNNVIZ_FILE_OPEN_H

#include <stdio.h>

/* A FILE for reading path when it is a regular file; otherwise NULL with
 * the reason in why ("cannot open: No such file or directory", "cannot
 * read: Is a directory", "cannot read: not a regular file (a FIFO, device
 * or socket)"). */
FILE *file_open_regular(const char *path, char *why, size_t cap);

#endif
