/* Write to a temporary beside the target, fsync, rename: all or nothing. */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Makes the rename itself durable; a failure here loses nothing, so it is
 * ignored. */
static void sync_dir_of(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

FILE *afile_open(const char *path, char *tmp, size_t cap)
{
    struct stat st;
    if (!path || !*path) {
        errno = EINVAL;
        return NULL;
    }
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return NULL;
    }
    /* a hidden temporary in the target's directory, so rename is atomic */
    const char *slash = strrchr(path, '/');
    int dir_len = slash ? (int)(slash - path) : 0;
    const char *base = slash ? slash + 1 : path;
    int n = snprintf(tmp, cap, "%.*s%s.%s.tmp-XXXXXX", dir_len, path, slash ? "/" : "", base);
    if (n < 0 || (size_t)n >= cap) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    int fd = mkstemp(tmp);
    if (fd < 0)
        return NULL;
    errno = 0;
    FILE *f = fchmod(fd, 0644) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmp);
        errno = e;
    }
    return f;
}

int afile_commit(FILE *f, const char *tmp, const char *path, const char **stage)
{
    const char *at = "write";
    /* a write that failed earlier left its reason in errno: callers clear
     * errno before writing, so a stale value is not reported */
    int e = 0;
    if (ferror(f))
        e = errno ? errno : EIO;
    else if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        e = errno ? errno : EIO;
    if (fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    if (!e && rename(tmp, path) != 0) {
        e = errno;
        at = "replace";
    }
    if (stage)
        *stage = at;
    if (e) {
        unlink(tmp);
        return e;
    }
    sync_dir_of(path);
    return 0;
}

void afile_abort(FILE *f, const char *tmp)
{
    if (f)
        fclose(f);
    unlink(tmp);
}

int afile_write(const char *path, const void *data, size_t n, char *msg, size_t msg_size)
{
    char tmp[4200];
    const char *stage = "write";
    FILE *f = afile_open(path, tmp, sizeof tmp);
    int e = 0;
    if (!f) {
        e = errno;
        stage = e == EISDIR ? "replace" : "create a temporary file for";
    } else if (n > 0 && fwrite(data, 1, n, f) != n) {
        e = errno ? errno : EIO;
    }
    if (f && e)
        afile_abort(f, tmp);
    else if (f)
        e = afile_commit(f, tmp, path, &stage);
    if (e && msg && msg_size)
        snprintf(msg, msg_size, "cannot %s '%s': %s", stage, path ? path : "", strerror(e));
    return -e;
}
