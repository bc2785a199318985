/*
 * video_out.h in the binary: the checks, the FFmpeg module loaded on first
 * use, and the atomic write around it.
 *
 * Why a temporary of our own: libavformat opens its output by name and,
 * for MP4's +faststart, opens the finished file a second time to move the
 * index to the front. The atomic writer's temporary is an unnamed
 * O_TMPFILE behind a write-only FILE, which libavformat cannot reopen. So
 * the encoder writes a read-write O_TMPFILE in the target's directory,
 * reached by its /proc/self/fd name: it has no name on disk, so a kill -9
 * leaves nothing. Where the filesystem has no O_TMPFILE (or there is no
 * /proc), it is a named `.rz-video-PID-XXXXXX`, removed on abort and after
 * commit, and removed by the next export into that directory when its
 * process is gone. At commit the finished bytes are copied through
 * afile_open/afile_commit, so a video obeys every rule of the other saves
 * (symlinks followed, mode kept, devices and hard links refused, fsync
 * then rename), at the cost of writing the file twice and needing twice
 * its size free for a moment. (The other way, an AVIOContext over the
 * writer's FILE plus an io_open for faststart's second pass, would need
 * the writer to hand out a readable descriptor; this keeps both simple.)
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include "video_out.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "paths.h"
#include "video_module.h"

#define TEMP_PREFIX ".rz-video-"

struct VideoOut {
    const VideoModule *m;
    VideoEnc *enc;
    int fd;               /* the temporary the encoder writes, read back at commit */
    char named[PATH_MAX]; /* its name on disk, "" for an O_TMPFILE */
    char file[PATH_MAX];  /* the name the encoder opens it by */
    char path[4096];      /* the target */
    long frames;
};

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    if (n < k)
        return false;
    for (size_t i = 0; i < k; i++)
        if (tolower((unsigned char)s[n - k + i]) != tail[i])
            return false;
    return true;
}

int video_out_format(const char *path, VideoFormat *fmt)
{
    if (path && ends_with(path, ".mp4")) {
        *fmt = VIDEO_MP4;
        return 0;
    }
    if (path && ends_with(path, ".gif")) {
        *fmt = VIDEO_GIF;
        return 0;
    }
    return -1;
}

void video_out_coded_size(VideoFormat fmt, int w, int h, int *cw, int *ch)
{
    *cw = fmt == VIDEO_MP4 ? (w + 1) & ~1 : w;
    *ch = fmt == VIDEO_MP4 ? (h + 1) & ~1 : h;
}

/* What is checked before touching a file. */
static int check_spec(const char *path, const VideoSpec *spec, VideoFormat *fmt, VideoError *err)
{
    if (video_out_format(path, fmt)) {
        snprintf(err->msg, sizeof err->msg,
                 "cannot tell the video format of '%.400s': use a name ending in .mp4 or .gif",
                 path ? path : "");
        return -EINVAL;
    }
    if (spec->fps < 1 || spec->fps > VIDEO_MAX_FPS) {
        snprintf(err->msg, sizeof err->msg, "bad frame rate %d for '%.400s': expected 1 to %d",
                 spec->fps, path, VIDEO_MAX_FPS);
        return -EINVAL;
    }
    if (spec->w < VIDEO_MIN_SIDE || spec->h < VIDEO_MIN_SIDE || spec->w > VIDEO_MAX_SIDE ||
        spec->h > VIDEO_MAX_SIDE) {
        snprintf(err->msg, sizeof err->msg, "bad video size %dx%d for '%.400s': expected %d to %d",
                 spec->w, spec->h, path, VIDEO_MIN_SIDE, VIDEO_MAX_SIDE);
        return -EINVAL;
    }
    return 0;
}

/* ---- the module ---- */

static const VideoModule *module;
static char module_err[700];

/* dlopen of one candidate: the table, or NULL with module_err filled. */
static const VideoModule *load_from(const char *file)
{
    void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        bool oom = why && (strstr(why, "map") || strstr(why, "memory"));
        snprintf(module_err, sizeof module_err, "video export needs %s: %s%.500s",
                 VIDEO_MODULE_NAME, oom ? "out of memory loading it: " : "", why ? why : file);
        return NULL;
    }
    void *sym = dlsym(h, VIDEO_MODULE_SYMBOL);
    VideoModuleFn fn = NULL;
    memcpy(&fn, &sym, sizeof fn); /* POSIX: a data pointer from dlsym is the function's */
    const VideoModule *m = fn ? fn() : NULL;
    if (!m || m->abi != VIDEO_MODULE_ABI || m->sizeof_spec != (int)sizeof(VideoSpec)) {
        snprintf(module_err, sizeof module_err,
                 "video export needs %s: '%.500s' is from another version of rnnviz",
                 VIDEO_MODULE_NAME, file);
        dlclose(h);
        return NULL;
    }
    return m; /* stays loaded for the life of the process */
}

/* The first candidate present is loaded; its failure is final. */
static const VideoModule *load_module(void)
{
    if (module || module_err[0])
        return module;
    char dirs[PATHS_CANDIDATES][PATHS_MAX], exe[PATHS_MAX], file[PATHS_MAX + 64];
    char where[400] = "";
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len > 0 ? len : 0] = '\0';
    int n = paths_module_candidates(getenv("RNNVIZ_MODULES"), exe, dirs, PATHS_CANDIDATES);
    for (int i = 0; i < n; i++) {
        snprintf(file, sizeof file, "%.1000s/%s", dirs[i], VIDEO_MODULE_NAME);
        if (access(file, F_OK) == 0)
            return module = load_from(file);
        size_t at = strlen(where);
        snprintf(where + at, sizeof where - at, "%s%.300s", at ? ", " : "", dirs[i]);
    }
    snprintf(module_err, sizeof module_err,
             "video export needs %s: not found in %s (install rnnviz's video module; a build "
             "makes it with RNNVIZ_VIDEO=ON and FFmpeg's -dev packages)",
             VIDEO_MODULE_NAME, where);
    return NULL;
}

bool video_out_available(void)
{
    return load_module() != NULL;
}

const char *video_out_unavailable_reason(void)
{
    load_module();
    return module_err;
}

/* ---- the temporary ---- */

/* The directory of path ("." when it has none). */
static void dir_of(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, cap, ".");
    else if (slash == path)
        snprintf(out, cap, "/");
    else
        snprintf(out, cap, "%.*s", (int)(slash - path), path);
}

/* An unnamed O_TMPFILE in dir that can be reopened by its /proc name. */
static int open_unnamed(const char *dir, char *file, size_t cap)
{
#ifdef O_TMPFILE
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    snprintf(file, cap, "/proc/self/fd/%d", fd);
    int probe = open(file, O_RDONLY | O_CLOEXEC);
    if (probe >= 0) {
        close(probe);
        return fd;
    }
    close(fd);
#else
    (void)dir, (void)file, (void)cap;
#endif
    return -1;
}

/* The encoder's temporary beside path: 0, or an errno value. */
static int open_temp(VideoOut *vo)
{
    char dir[PATH_MAX];
    dir_of(vo->path, dir, sizeof dir);
    afile_clean_stale(dir, TEMP_PREFIX); /* what a killed export left */
    vo->named[0] = '\0';
    vo->fd = open_unnamed(dir, vo->file, sizeof vo->file);
    if (vo->fd >= 0)
        return 0;
    int n =
        snprintf(vo->named, sizeof vo->named, "%s/" TEMP_PREFIX "%ld-XXXXXX", dir, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof vo->named) {
        vo->named[0] = '\0';
        return ENAMETOOLONG;
    }
    vo->fd = mkstemp(vo->named);
    if (vo->fd < 0) {
        int e = errno;
        vo->named[0] = '\0';
        return e;
    }
    snprintf(vo->file, sizeof vo->file, "%s", vo->named);
    return 0;
}

static void drop_temp(VideoOut *vo)
{
    if (vo->fd >= 0)
        close(vo->fd);
    vo->fd = -1;
    if (vo->named[0])
        unlink(vo->named);
    vo->named[0] = '\0';
}

/* The finished temporary's bytes into f; 0 or an errno value. */
static int copy_temp(int fd, FILE *f)
{
    static char buf[1 << 16];
    off_t at = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof buf, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            return 0;
        if (fwrite(buf, 1, (size_t)n, f) != (size_t)n)
            return errno ? errno : EIO;
        at += n;
    }
}

/* ---- the API ---- */

VideoOut *video_out_open(const char *path, const VideoSpec *spec, VideoError *err)
{
    VideoFormat fmt;
    if (check_spec(path, spec, &fmt, err))
        return NULL;
    const VideoModule *m = load_module();
    int e = m ? afile_check(path) : 0;
    if (!m || e) {
        if (!m)
            snprintf(err->msg, sizeof err->msg, "%.590s", module_err);
        else
            snprintf(err->msg, sizeof err->msg, "cannot replace '%.400s': %s", path,
                     afile_strerror(e));
        return NULL;
    }
    VideoOut *vo = calloc(1, sizeof *vo);
    if (!vo) {
        snprintf(err->msg, sizeof err->msg, "out of memory writing '%.400s'", path);
        return NULL;
    }
    vo->m = m;
    snprintf(vo->path, sizeof vo->path, "%s", path);
    if ((e = open_temp(vo))) {
        snprintf(err->msg, sizeof err->msg, "cannot create a temporary file for '%.400s': %s", path,
                 strerror(e));
        free(vo);
        return NULL;
    }
    vo->enc = m->open(vo->file, path, fmt, spec, err);
    if (!vo->enc) {
        drop_temp(vo);
        free(vo);
        return NULL;
    }
    return vo;
}

int video_out_add_frame(VideoOut *vo, const uint32_t *argb, int stride_px, VideoError *err)
{
    int rc = vo->m->add_frame(vo->enc, argb, stride_px, err);
    if (rc == 0)
        vo->frames++;
    return rc;
}

long video_out_frame_count(const VideoOut *vo)
{
    return vo ? vo->frames : 0;
}

void video_out_abort(VideoOut *vo)
{
    if (!vo)
        return;
    vo->m->destroy(vo->enc);
    drop_temp(vo);
    free(vo);
}

/* The temporary's bytes through the atomic writer to the target. */
static int publish(VideoOut *vo, VideoError *err)
{
    char tmp[AFILE_TMP_CAP];
    const char *stage = "write";
    FILE *f = afile_open(vo->path, tmp, sizeof tmp);
    int e = f ? copy_temp(vo->fd, f) : errno;
    if (!f)
        stage = "create a temporary file for";
    else if (e)
        afile_abort(f, tmp);
    else
        e = afile_commit(f, tmp, vo->path, &stage);
    if (e)
        snprintf(err->msg, sizeof err->msg, "cannot %s '%.400s': %.100s", stage, vo->path,
                 afile_strerror(e));
    return -e;
}

int video_out_commit(VideoOut *vo, VideoError *err)
{
    int rc = 0;
    if (vo->frames == 0) {
        snprintf(err->msg, sizeof err->msg, "cannot write '%.400s': no frames", vo->path);
        rc = -EINVAL;
    }
    if (rc == 0)
        rc = vo->m->finish(vo->enc, err);
    if (rc == 0)
        rc = publish(vo, err);
    video_out_abort(vo);
    return rc;
}
