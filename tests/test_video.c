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

#include "screen_rec.h"
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

/* Waits until the child pid has a file in dir open that holds data: the
 * encoder's temporary (an O_TMPFILE has no name in dir to look for). */
static void wait_for_temporary(pid_t pid)
{
    char fds[64];
    snprintf(fds, sizeof fds, "/proc/%d/fd", (int)pid);
    for (int i = 0; i < 3000; i++) {
        DIR *d = opendir(fds);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            char p[600], target[600];
            struct stat st;
            snprintf(p, sizeof p, "%s/%s", fds, e->d_name);
            ssize_t n = readlink(p, target, sizeof target - 1);
            target[n > 0 ? n : 0] = '\0';
            if (n > 0 && !strncmp(target, dir, strlen(dir)) && !strstr(target, "/err") &&
                stat(p, &st) == 0 && st.st_size > 0) {
                closedir(d);
                return;
            }
        }
        if (d)
            closedir(d);
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    fail_msg("no temporary with data appeared in %s", dir);
}

/* Runs rnnviz with args (NULL-ended); stderr into DIR/err. With fsize > 0
 * the child may write no more than fsize bytes to a file. With sig set,
 * it is sent once a temporary holds data. */
static int run(const char *const *args, long fsize, int sig)
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
    if (sig) {
        wait_for_temporary(pid);
        kill(pid, sig);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Names in dir starting ".rz-" (named temporaries: the atomic writer's
 * and the encoder's where there is no O_TMPFILE). */
static int temporaries(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        n += strncmp(e->d_name, ".rz-", 4) == 0;
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
    assert_int_equal(run(args, 0, 0), 0);
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
    assert_int_equal(run(args, 0, 0), 0);
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
    assert_int_equal(run(args, 0, 0), 0);
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
    assert_int_equal(run(ext, 0, 0), 2);
    assert_err_has("cannot tell the video format of");
    const char *fps[] = {"--fps", "0", "--video", out, NULL};
    assert_int_equal(run(fps, 0, 0), 2);
    assert_err_has("bad --fps '0'");
    const char *speed[] = {"--speed", "fast", "--video", out, NULL};
    assert_int_equal(run(speed, 0, 0), 2);
    assert_err_has("bad --speed 'fast'");
    const char *act[] = {"--do", "fowrard 2", "--video", out, NULL};
    assert_int_equal(run(act, 0, 0), 1);
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
    assert_int_equal(run(args, 0, SIGINT), 130);
    assert_err_has("interrupted");
    assert_old(out);
}

/* kill -9 in the middle: the older file as it was, and no temporary
 * behind (the encoder's is an O_TMPFILE). A named temporary a killed
 * export left where there is no O_TMPFILE is removed by the next export. */
static void test_kill_leaves_nothing(void **state)
{
    (void)state;
    char out[300], stale[400];
    path_in(out, sizeof out, "killed.mp4");
    write_old(out);
    const char *args[] = {
        "--do", "forward all; backward all", "--speed", "0.25", "--size", "640x360", "--video", out,
        NULL};
    assert_int_equal(run(args, 0, SIGKILL), 128 + SIGKILL);
    assert_old(out);
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    waitpid(gone, NULL, 0);
    snprintf(stale, sizeof stale, "%s/.rz-video-%d-AbCdEf", dir, (int)gone);
    write_old(stale);
    assert_int_equal(temporaries(), 1);
    const char *small[] = {"--size", "96x64", "--fps", "5", "--video", out, NULL};
    assert_int_equal(run(small, 0, 0), 0);
    assert_int_equal(temporaries(), 0);
}

/* Without the module, --video says what is missing and where it looked. */
static void test_missing_module(void **state)
{
    (void)state;
    char out[300];
    path_in(out, sizeof out, "nomodule.mp4");
    write_old(out);
    setenv("RNNVIZ_MODULES", "/nonexistent/rnnviz-modules", 1);
    const char *args[] = {"--size", "96x64", "--video", out, NULL};
    int rc = run(args, 0, 0);
    unsetenv("RNNVIZ_MODULES");
    assert_int_equal(rc, 1);
    assert_err_has("video export needs rnnviz-video.so: not found in /nonexistent/rnnviz-modules");
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
    assert_int_equal(run(args, 20000, 0), 1);
    assert_err_has("rnnviz render: cannot write '");
    assert_err_has("full.mp4': File too large");
    assert_old(out);
}

/* Pixel (x, y) of frame n of a video, as RGB. */
static void pixel_of(const char *path, int n, int w, int h, int x, int y, uint8_t rgb[3])
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "ffmpeg -v error -i '%s' -vf 'select=eq(n\\,%d)' -frames:v 1 -f rawvideo "
             "-pix_fmt rgb24 -",
             path, n);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    static uint8_t buf[3 * 256 * 256];
    assert_true((size_t)w * h * 3 <= sizeof buf);
    assert_int_equal(fread(buf, 1, (size_t)w * h * 3, f), (size_t)w * h * 3);
    assert_int_equal(pclose(f), 0);
    memcpy(rgb, buf + ((size_t)y * w + x) * 3, 3);
}

static void assert_rgb(const uint8_t rgb[3], int r, int g, int b)
{
    if (abs(rgb[0] - r) > 40 || abs(rgb[1] - g) > 40 || abs(rgb[2] - b) > 40)
        fail_msg("pixel %d %d %d, expected about %d %d %d", rgb[0], rgb[1], rgb[2], r, g, b);
}

/* The window's recorder, through the module: canvases presented at uneven
 * times become frames at a steady 10 fps, each the last canvas presented
 * by then; a canvas of another size (a resized window) is cropped or
 * padded with black; an aborted recording leaves the older file. */
static void test_screen_recording(void **state)
{
    (void)state;
    char out[300];
    path_in(out, sizeof out, "screen.mp4");
    write_old(out);
    static uint32_t red[96 * 64], blue[100 * 60];
    for (int i = 0; i < 96 * 64; i++)
        red[i] = 0xFFE00000u;
    for (int i = 0; i < 100 * 60; i++)
        blue[i] = 0xFF0000E0u;
    VideoError err = {{0}};
    ScreenRec *r = screen_rec_start(out, 96, 64, 10, 100.0, &err);
    assert_non_null(r);
    assert_int_equal(screen_rec_frame(r, red, 96, 64, 100.0, &err), 0);
    screen_rec_abort(r);
    assert_old(out);
    r = screen_rec_start(out, 96, 64, 10, 100.0, &err);
    assert_non_null(r);
    assert_int_equal(screen_rec_frame(r, red, 96, 64, 100.02, &err), 0);   /* frame 0 */
    assert_int_equal(screen_rec_frame(r, red, 96, 64, 100.27, &err), 0);   /* 0-2 due */
    assert_int_equal(screen_rec_frame(r, blue, 100, 60, 100.55, &err), 0); /* 3-5 red */
    long frames = 0;
    assert_int_equal(screen_rec_stop(r, 101.05, &frames, &err), 0); /* 6-10 blue */
    assert_int_equal(frames, 11);
    assert_int_equal(temporaries(), 0);
    Probe p;
    probe(out, &p);
    assert_string_equal(p.codec, "h264");
    assert_int_equal(p.w, 96);
    assert_int_equal(p.h, 64);
    assert_int_equal(p.frames, 11);
    uint8_t rgb[3];
    pixel_of(out, 5, 96, 64, 20, 20, rgb);
    assert_rgb(rgb, 0xE0, 0, 0);
    pixel_of(out, 6, 96, 64, 20, 20, rgb);
    assert_rgb(rgb, 0, 0, 0xE0);
    pixel_of(out, 9, 96, 64, 20, 63, rgb); /* below the 60 rows: padded */
    assert_rgb(rgb, 0, 0, 0);
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
    if (!video_out_available()) {
        printf("test_video: skipped (%s)\n", video_out_unavailable_reason());
        return 0;
    }
    if (system("ffprobe -version >/dev/null 2>&1") != 0) {
        printf("test_video: skipped (no ffprobe: apt-get install ffmpeg)\n");
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
        cmocka_unit_test(test_kill_leaves_nothing),
        cmocka_unit_test(test_missing_module),
        cmocka_unit_test(test_api_commit_and_abort),
        cmocka_unit_test(test_screen_recording),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    return rc;
}
