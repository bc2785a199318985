/* Write to a temporary beside the target, fsync, rename: all or nothing. */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *msg, size_t msg_size, const char *what, const char *path, int e)
{
    if (msg && msg_size)
        snprintf(msg, msg_size, "cannot %s '%s': %s", what, path, strerror(e));
    return -e;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k < 0 ? errno : EIO;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Make the rename itself durable; a failure here loses nothing, so it is ignored. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int afile_write(const char *path, const void *data, size_t n, char *msg, size_t msg_size)
{
    if (!path || !*path)
        return fail(msg, msg_size, "write", "", EINVAL);
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) : 0;
    const char *base = slash ? slash + 1 : path;
    char dir[4096], tmp[4096];
    if (dir_len + 1 > sizeof dir || strlen(path) + 16 > sizeof tmp)
        return fail(msg, msg_size, "write", path, ENAMETOOLONG);
    if (slash) {
        memcpy(dir, path, dir_len);
        dir[dir_len] = '\0';
        if (dir_len == 0)
            strcpy(dir, "/");
    } else {
        strcpy(dir, ".");
    }
    snprintf(tmp, sizeof tmp, "%.*s%s.%s.tmp-XXXXXX", (int)dir_len, path, slash ? "/" : "", base);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return fail(msg, msg_size, "create a temporary file for", path, errno);
    int e = write_all(fd, data, n);
    if (e == 0 && fchmod(fd, 0644) != 0)
        e = errno;
    if (e == 0 && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e != 0) {
        unlink(tmp);
        return fail(msg, msg_size, "write", path, e);
    }
    if (rename(tmp, path) != 0) {
        e = errno;
        unlink(tmp);
        return fail(msg, msg_size, "replace", path, e);
    }
    sync_dir(dir);
    return 0;
}
