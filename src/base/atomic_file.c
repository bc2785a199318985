/* Write to a temporary beside the target, fsync, rename: all or nothing,
 * and only over a regular file (or a symlink to one). */
#define _GNU_SOURCE /* O_TMPFILE, linkat's AT_EMPTY_PATH */
#include "atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The opaque record: kind, then the temporary's name, then the target. */
#define REC_HALF (AFILE_TMP_CAP / 2)
#define MAX_LINKS 40

static bool use_tmpfile = true;

void afile_use_tmpfile(bool on)
{
    use_tmpfile = on;
}

const char *afile_strerror(int code)
{
    if (code == AFILE_ENOTREG)
        return "not a regular file (a device, FIFO or socket); rnnviz does not replace it";
    if (code == AFILE_EHARDLINK)
        return "the file has other hard links; rnnviz does not break them (save under "
               "another name, or remove the other links)";
    return strerror(code);
}

/* dir (no trailing slash, "." when none) and base of path. */
static void split_path(const char *path, char *dir, size_t cap, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!slash)
        snprintf(dir, cap, ".");
    else if (slash == path)
        snprintf(dir, cap, "/");
    else
        snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

/* Follows a chain of symlinks from path to the name that will be replaced
 * (which may not exist yet); 0 or an errno value. */
static int resolve_target(const char *path, char *out, size_t cap)
{
    if (snprintf(out, cap, "%s", path) >= (int)cap)
        return ENAMETOOLONG;
    for (int hop = 0; hop < MAX_LINKS; hop++) {
        struct stat st;
        if (lstat(out, &st) != 0 || !S_ISLNK(st.st_mode))
            return 0;
        char link[PATH_MAX], dir[PATH_MAX];
        ssize_t n = readlink(out, link, sizeof link - 1);
        if (n < 0)
            return errno;
        link[n] = '\0';
        const char *base;
        split_path(out, dir, sizeof dir, &base);
        int w = link[0] == '/' ? snprintf(out, cap, "%s", link)
                               : snprintf(out, cap, "%s/%s", dir, link);
        if (w < 0 || (size_t)w >= cap)
            return ENAMETOOLONG;
    }
    return ELOOP;
}

/* What is at the resolved target: 0 with *exists and st filled, or the
 * code that refuses it. */
static int check_target(const char *target, struct stat *st, bool *exists)
{
    *exists = false;
    if (lstat(target, st) != 0)
        return errno == ENOENT ? 0 : errno;
    if (S_ISDIR(st->st_mode))
        return EISDIR;
    if (!S_ISREG(st->st_mode))
        return AFILE_ENOTREG;
    if (st->st_nlink > 1)
        return AFILE_EHARDLINK;
    *exists = true;
    return 0;
}

/* FNV-1a of the target's base name: temporaries of one target share it. */
static uint32_t name_hash(const char *base)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)base; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

/* Removes `.rz-HASH-PID-*` temporaries of this target whose process is
 * gone (a writer killed where O_TMPFILE is missing). */
void afile_clean_stale(const char *dir, const char *prefix)
{
    size_t np = strlen(prefix);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, np) != 0)
            continue;
        long pid = strtol(e->d_name + np, NULL, 10);
        if (pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char stale[PATH_MAX];
        if (snprintf(stale, sizeof stale, "%s/%s", dir, e->d_name) < (int)sizeof stale)
            unlink(stale);
    }
    closedir(d);
}

static void clean_stale(const char *dir, uint32_t hash)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, ".rz-%08x-", (unsigned)hash);
    afile_clean_stale(dir, prefix);
}

/* 0, or -1 when the name does not fit in cap. */
static int temp_name(char *out, size_t cap, const char *dir, uint32_t hash)
{
    int n = snprintf(out, cap, "%s/.rz-%08x-%ld-XXXXXX", dir, (unsigned)hash, (long)getpid());
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* The mode a new file gets: 0666 less the umask, as open() would. */
static mode_t new_file_mode(void)
{
    mode_t mask = umask(022);
    umask(mask);
    return 0666 & ~mask;
}

/* Gives the temporary the old file's mode (and, as root, owner). */
static int apply_mode(int fd, bool exists, const struct stat *st)
{
    if (!exists)
        return fchmod(fd, new_file_mode()) == 0 ? 0 : errno;
    if (geteuid() == 0 && fchown(fd, st->st_uid, st->st_gid) != 0)
        return errno;
    return fchmod(fd, st->st_mode & 07777) == 0 ? 0 : errno;
}

/* An unnamed O_TMPFILE in dir, or a named one (its name in name); a file
 * descriptor or -1 with errno set. */
static int open_temp(const char *dir, uint32_t hash, char *name, size_t cap)
{
    name[0] = '\0';
#ifdef O_TMPFILE
    if (use_tmpfile) {
        int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
        if (fd >= 0)
            return fd;
        if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT)
            return -1;
    }
#endif
    if (temp_name(name, cap, dir, hash) < 0) {
        name[0] = '\0';
        errno = ENAMETOOLONG;
        return -1;
    }
    return mkstemp(name);
}

int afile_check(const char *path)
{
    if (!path || !*path)
        return EINVAL;
    char target[REC_HALF];
    struct stat st;
    bool exists;
    int e = resolve_target(path, target, sizeof target);
    return e ? e : check_target(target, &st, &exists);
}

FILE *afile_open(const char *path, char *tmp, size_t cap)
{
    if (!path || !*path || cap < AFILE_TMP_CAP) {
        errno = EINVAL;
        return NULL;
    }
    char *name = tmp + 1, *target = tmp + REC_HALF;
    int e = resolve_target(path, target, REC_HALF);
    struct stat st;
    bool exists = false;
    if (!e)
        e = check_target(target, &st, &exists);
    if (e) {
        errno = e;
        return NULL;
    }
    char dir[REC_HALF];
    const char *base;
    split_path(target, dir, sizeof dir, &base);
    clean_stale(dir, name_hash(base));
    int fd = open_temp(dir, name_hash(base), name, REC_HALF - 1);
    if (fd < 0)
        return NULL;
    tmp[0] = name[0] ? 'N' : 'T';
    e = apply_mode(fd, exists, &st);
    FILE *f = e ? NULL : fdopen(fd, "w");
    if (!f) {
        e = e ? e : errno;
        close(fd);
        if (name[0])
            unlink(name);
        errno = e;
        return NULL;
    }
    errno = 0;
    return f;
}

/* Gives an O_TMPFILE a short name beside target (in name); 0 or errno. */
static int link_tmpfile(int fd, const char *target, char *name, size_t cap)
{
    char dir[REC_HALF], proc[64];
    const char *base;
    split_path(target, dir, sizeof dir, &base);
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    int e = ENAMETOOLONG;
    for (int attempt = 0; attempt < 100; attempt++) {
        if (temp_name(name, cap, dir, name_hash(base)) < 0)
            break;
        int w = (int)strlen(name) - 6;
        snprintf(name + w, 7, "%06x", (unsigned)(rand() ^ (attempt * 7919)) & 0xffffffu);
        if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0)
            return 0;
        e = errno;
        if (e == EEXIST)
            continue;
#ifdef AT_EMPTY_PATH
        if (linkat(fd, "", AT_FDCWD, name, AT_EMPTY_PATH) == 0)
            return 0;
#endif
        break;
    }
    name[0] = '\0';
    return e;
}

/* Flushes and syncs f; 0 or the reason the data may not be on disk. */
static int flush_and_sync(FILE *f)
{
    /* a write that failed earlier left its reason in errno: callers clear
     * errno before writing, so a stale value is not reported */
    if (ferror(f))
        return errno ? errno : EIO;
    if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        return errno ? errno : EIO;
    return 0;
}

/* Makes the rename itself durable; a failure here loses nothing, so it is
 * ignored. */
static void sync_dir_of(const char *path)
{
    char dir[REC_HALF];
    const char *base;
    split_path(path, dir, sizeof dir, &base);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int afile_commit(FILE *f, const char *tmp, const char *path, const char **stage)
{
    (void)path; /* the record holds the resolved target */
    const char *target = tmp + REC_HALF;
    char name[REC_HALF];
    snprintf(name, sizeof name, "%s", tmp + 1);
    const char *at = "write";
    int e = flush_and_sync(f);
    if (!e && tmp[0] == 'T')
        e = link_tmpfile(fileno(f), target, name, sizeof name);
    if (fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    if (!e && rename(name, target) != 0) {
        e = errno;
        at = "replace";
    }
    if (stage)
        *stage = at;
    if (e) {
        if (name[0])
            unlink(name);
        return e;
    }
    sync_dir_of(target);
    return 0;
}

void afile_abort(FILE *f, const char *tmp)
{
    if (f)
        fclose(f);
    if (tmp[0] == 'N')
        unlink(tmp + 1);
}

int afile_write(const char *path, const void *data, size_t n, char *msg, size_t msg_size)
{
    char tmp[AFILE_TMP_CAP];
    const char *stage = "write";
    FILE *f = afile_open(path, tmp, sizeof tmp);
    int e = 0;
    if (!f) {
        e = errno;
        stage = e == EISDIR || e == AFILE_ENOTREG || e == AFILE_EHARDLINK
                    ? "replace"
                    : "create a temporary file for";
    } else if (n > 0 && fwrite(data, 1, n, f) != n) {
        e = errno ? errno : EIO;
    }
    if (f && e)
        afile_abort(f, tmp);
    else if (f)
        e = afile_commit(f, tmp, path, &stage);
    if (e && msg && msg_size)
        snprintf(msg, msg_size, "cannot %s '%s': %s", stage, path ? path : "", afile_strerror(e));
    return -e;
}
