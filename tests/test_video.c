/*
 * Video export: `rnnviz render --video` (the binary in RNNVIZ_BIN) and the
 * video_out API, checked with ffprobe (Debian's ffmpeg package, a test-only
 * dependency): codec, pixel format, size, frame count and duration. An
 * interrupted export (SIGINT) and one that hits a file-size limit (as a
 * full disk would) must leave the older file byte-identical and no
 * temporary behind. Skipped when the build has no video support or there
 * is no ffprobe.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "video_out.h"

static char dir[256];

typedef struct {
    char codec[32], pix_fmt[32];
    int w, h;
    long frames;
    double duration;
} Probe;

static void probe(const char *path, Probe *p)
{
    char cmd[1024], line[256];
    snprintf(cmd, sizeof cmd,
             "ffprobe -v error -count_frames -select_streams v:0 -show_entries "
             "stream=codec_name,pix_fmt,width,height,nb_read_frames:format=duration "
             "-of default=nw=1 '%s'",
             path);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    memset(p, 0, sizeof *p);
    while (fgets(line, sizeof line, f)) {
        sscanf(line, "codec_name=%31s", p->codec);
        sscanf(line, "pix_fmt=%31s", p->pix_fmt);
        sscanf(line, "width=%d", &p->w);
        sscanf(line, "height=%d", &p->h);
        sscanf(line, "nb_read_frames=%ld", &p->frames);
        sscanf(line, "duration=%lf", &p->duration);
    }
    assert_int_equal(pclose(f), 0);
}

/* Waits until a temporary of the atomic writer in dir holds data. */
static void wait_for_temporary(void)
{
    for (int i = 0; i < 3000; i++) {
        DIR *d = opendir(dir);
        struct dirent *e;
        while ((e = readdir(d))) {
            struct stat st;
            char p[600];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            if (strstr(e->d_name, ".tmp-") && stat(p, &st) == 0 && st.st_size > 0) {
                closedir(d);
                return;
            }
        }
        closedir(d);
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    fail_msg("no temporary appeared in %s", dir);
}

/* Runs rnnviz with args (NULL-ended); stderr into DIR/err. With fsize > 0
 * the child may write no more than fsize bytes to a file. With watch set,
 * SIGINT is sent once a temporary holds data. */
static int run(const char *const *args, long fsize, const char *watch)
{
    const char *bin = getenv("RNNVIZ_BIN");
    if (!bin)
        fail_msg("RNNVIZ_BIN is not set");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[300];
        snprintf(err, sizeof err, "%s/err", dir);
        int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        dup2(open("/dev/null", O_WRONLY), 1);
        if (fsize > 0) {
            struct rlimit rl = {(rlim_t)fsize, (rlim_t)fsize};
            setrlimit(RLIMIT_FSIZE, &rl);
        }
        char *argv[40] = {(char *)bin, "render"};
        for (int i = 0; args[i] && i < 36; i++)
            argv[i + 2] = (char *)args[i];
        execv(bin, argv);
        _exit(127);
    }
    if (watch) {
        wait_for_temporary();
        kill(pid, SIGINT);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Names in dir holding ".tmp-" (temporaries of the atomic writer). */
static int temporaries(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        n += strstr(e->d_name, ".tmp-") != NULL;
    closedir(d);
    return n;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    *n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

static void assert_err_has(const char *text)
{
    char path[300];
    size_t n = 0;
    snprintf(path, sizeof path, "%s/err", dir);
    char *s = slurp(path, &n);
    assert_non_null(s);
    s[n < 65535 ? n : 65535] = '\0';
    if (!strstr(s, text))
        fail_msg("stderr lacks '%s':\n%s", text, s);
}

static void path_in(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static void write_old(const char *path)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("an older export that must survive", f);
    fclose(f);
}

static void assert_old(const char *path)
{
    size_t n = 0;
    char *s = slurp(path, &n);
    assert_non_null(s);
    assert_int_equal(n, strlen("an older export that must survive"));
    assert_memory_equal(s, "an older export that must survive", n);
    assert_int_equal(temporaries(), 0);
}

/* 4 ops at 3 per second and 30 fps: 10 frames each, then 1 s held. */
static void test_mp4_probe(void **state)
{
    (void)state;
    char out[300];
    path_in(out, sizeof out, "steps.mp4");
    const char *args[] = {"--steps", "6",      "--do",    "step 4",  "--speed", "3", "--fps",
                          "30",      "--size", "320x240", "--video", out,       NULL};
    assert_int_equal(run(args, 0, NULL), 0);
    assert_err_has("70 frames");
    Probe p;
    probe(out, &p);
    assert_string_equal(p.codec, "h264");
    assert_string_equal(p.pix_fmt, "yuv420p");
    assert_int_equal(p.w, 320);
    assert_int_equal(p.h, 240);
    assert_int_equal(p.frames, 70);
    assert_true(p.duration > 70 / 30.0 - 0.05 && p.duration < 70 / 30.0 + 0.05);
}

/* 2 ops at 2 per second and 20 fps: 20 frames, then 20 held. */
static void test_gif_probe(void **state)
{
    (void)state;
    char out[300];
    path_in(out, sizeof out, "steps.gif");
    const char *args[] = {"--steps", "6",      "--do",    "step 2",  "--speed", "2", "--fps",
                          "20",      "--size", "200x120", "--video", out,       NULL};
    assert_int_equal(run(args, 0, NULL), 0);
    Probe p;
    probe(out, &p);
    assert_string_equal(p.codec, "gif");
    assert_int_equal(p.w, 200);
    assert_int_equal(p.h, 120);
    assert_int_equal(p.frames, 40);
    assert_true(p.duration > 1.95 && p.duration < 2.05);
}

/* 4:2:0 needs even sides: an odd size is padded by one, and said so. */
static void test_odd_size_padded(void **state)
{
    (void)state;
    char out[300];
    path_in(out, sizeof out, "odd.mp4");
    const char *args[] = {"--size", "321x241", "--fps", "10", "--video", out, NULL};
    assert_int_equal(run(args, 0, NULL), 0);
    assert_err_has("321x241 padded to 322x242");
    Probe p;
    probe(out, &p);
    assert_int_equal(p.w, 322);
    assert_int_equal(p.h, 242);
    assert_int_equal(p.frames, 10); /* no actions: one second of the state */
}

static void test_bad_arguments(void **state)
{
    (void)state;
    char out[300], avi[300];
    path_in(out, sizeof out, "bad.mp4");
    path_in(avi, sizeof avi, "bad.avi");
    write_old(out);
    const char *ext[] = {"--video", avi, NULL};
    assert_int_equal(run(ext, 0, NULL), 2);
    assert_err_has("cannot tell the video format of");
    const char *fps[] = {"--fps", "0", "--video", out, NULL};
    assert_int_equal(run(fps, 0, NULL), 2);
    assert_err_has("bad --fps '0'");
    const char *speed[] = {"--speed", "fast", "--video", out, NULL};
    assert_int_equal(run(speed, 0, NULL), 2);
    assert_err_has("bad --speed 'fast'");
    const char *act[] = {"--do", "fowrard 2", "--video", out, NULL};
    assert_int_equal(run(act, 0, NULL), 1);
    assert_err_has("--do: 1:1: unknown verb");
    assert_old(out);
}

/* SIGINT in the middle: exit 130, the older file as it was. */
static void test_interrupt_keeps_old_file(void **state)
{
    (void)state;
    char out[300];
    path_in(out, sizeof out, "talk.mp4");
    write_old(out);
    const char *args[] = {
        "--do", "forward all; backward all", "--speed", "0.25", "--size", "640x360", "--video", out,
        NULL};
    assert_int_equal(run(args, 0, out), 130);
    assert_err_has("interrupted");
    assert_old(out);
}

/* A file-size limit (RLIMIT_FSIZE) stands in for a full disk. */
static void test_full_disk_keeps_old_file(void **state)
{
    (void)state;
    char out[300];
    path_in(out, sizeof out, "full.mp4");
    write_old(out);
    const char *args[] = {"--do", "forward all; backward all", "--video", out, NULL};
    assert_int_equal(run(args, 20000, NULL), 1);
    assert_err_has("rnnviz render: cannot write '");
    assert_err_has("full.mp4': File too large");
    assert_old(out);
}

/* The API the window's recorder will use: frames in, commit or abort. */
static void test_api_commit_and_abort(void **state)
{
    (void)state;
    char out[300];
    path_in(out, sizeof out, "api.mp4");
    write_old(out);
    static uint32_t px[64 * 48];
    VideoSpec spec = {64, 48, 25, "ultrafast", 1};
    VideoError err = {{0}};
    VideoOut *vo = video_out_open(out, &spec, &err);
    assert_non_null(vo);
    for (int i = 0; i < 5; i++) {
        for (int k = 0; k < 64 * 48; k++)
            px[k] = 0xFF000000u | (uint32_t)(k * 7 + i * 40);
        assert_int_equal(video_out_add_frame(vo, px, 64, &err), 0);
    }
    assert_int_equal(video_out_frame_count(vo), 5);
    video_out_abort(vo);
    assert_old(out);
    vo = video_out_open(out, &spec, &err);
    assert_non_null(vo);
    for (int i = 0; i < 25; i++)
        assert_int_equal(video_out_add_frame(vo, px, 64, &err), 0);
    assert_int_equal(video_out_commit(vo, &err), 0);
    assert_int_equal(temporaries(), 0);
    Probe p;
    probe(out, &p);
    assert_int_equal(p.frames, 25);
    assert_true(p.duration > 0.95 && p.duration < 1.05);
    VideoFormat fmt;
    assert_int_equal(video_out_format("x.GIF", &fmt), 0);
    assert_int_equal(fmt, VIDEO_GIF);
    assert_int_equal(video_out_format("x.mov", &fmt), -1);
    spec.fps = 0;
    assert_null(video_out_open(out, &spec, &err));
    assert_non_null(strstr(err.msg, "bad frame rate 0"));
}

int main(void)
{
    if (!video_out_available() || system("ffprobe -version >/dev/null 2>&1") != 0) {
        printf("test_video: skipped (%s)\n", video_out_available()
                                                 ? "no ffprobe: apt-get install ffmpeg"
                                                 : "built without video support");
        return 0;
    }
    snprintf(dir, sizeof dir, "/tmp/rnnviz-video-XXXXXX");
    assert_non_null(mkdtemp(dir));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mp4_probe),
        cmocka_unit_test(test_gif_probe),
        cmocka_unit_test(test_odd_size_padded),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_interrupt_keeps_old_file),
        cmocka_unit_test(test_full_disk_keeps_old_file),
        cmocka_unit_test(test_api_commit_and_abort),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    return rc;
}
