/*
 * rnnviz render ... --video FILE.mp4|FILE.gif: the flags of a still plus
 * --fps, --speed, --preset and --threads, then a recording (video_render).
 */
#include "cmd_render_video.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fonts.h"
#include "lesson.h"
#include "settings.h"
#include "video_out.h"
#include "video_render.h"

typedef struct {
    VideoJob job;
    const char *actions, *lesson;
    bool all;
    long train;
    int step;
} VideoArgs;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rnnviz render [SETTINGS] [--do ACTIONS | --lesson FILE (--step K | --all)]\n"
            "                     --video FILE.mp4|FILE.gif [--fps N] [--speed S]\n"
            "                     [--size WxH] [--scale S] [--contrast] [--train N]\n\n"
            "Records the animation of the actions (as the window plays them) instead of\n"
            "a still: MP4 (H.264) or GIF, by the file's ending.\n\n"
            "  --video FILE   the recording, written atomically\n"
            "  --fps N        frames per second, 1 to %d (default 30)\n"
            "  --speed S      nodes per second, 0.25 to 1000 (default 4)\n"
            "  --preset P     x264 preset for MP4 (default veryfast)\n"
            "  --threads N    encoder threads (default: one per core)\n"
            "  --all          with --lesson: every step, each after a title card\n"
            "Other flags as for stills (rnnviz render --help).\n",
            VIDEO_MAX_FPS);
}

bool render_wants_video(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--video"))
            return true;
    return false;
}

static int bad(const char *flag, const char *v, const char *expected)
{
    fprintf(stderr, "rnnviz render: bad %s '%s': expected %s\n", flag, v, expected);
    return 2;
}

/* A number from v into *out within [lo, hi]; 0 or the usage exit code. */
static int number(const char *flag, const char *v, double lo, double hi, double *out)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !(x >= lo && x <= hi)) {
        char want[80];
        snprintf(want, sizeof want, "a number from %g to %g", lo, hi);
        return bad(flag, v, want);
    }
    *out = x;
    return 0;
}

/* One flag with a value; 1 when f is not one of ours. */
static int value_flag(VideoArgs *a, const char *f, const char *v)
{
    double x = 0;
    int rc = 0;
    char tail;
    if (!strcmp(f, "--video"))
        a->job.path = v;
    else if (!strcmp(f, "--do"))
        a->actions = v;
    else if (!strcmp(f, "--lesson"))
        a->lesson = v;
    else if (!strcmp(f, "--preset"))
        a->job.preset = v;
    else if (!strcmp(f, "--size")) {
        if (sscanf(v, "%dx%d%c", &a->job.w, &a->job.h, &tail) != 2 || a->job.w < 64 ||
            a->job.h < 64 || a->job.w > 8192 || a->job.h > 8192)
            rc = bad(f, v, "WxH, 64 to 8192");
    } else if (!strcmp(f, "--fps")) {
        if (!(rc = number(f, v, 1, VIDEO_MAX_FPS, &x)) && x != (int)x)
            rc = bad(f, v, "a whole number of frames per second");
        a->job.fps = (int)x;
    } else if (!strcmp(f, "--speed")) {
        rc = number(f, v, 0.25, 1000, &a->job.speed);
    } else if (!strcmp(f, "--scale")) {
        rc = number(f, v, 0.5, 3, &x);
        a->job.scale = (float)x;
    } else if (!strcmp(f, "--threads")) {
        rc = number(f, v, 0, 64, &x);
        a->job.threads = (int)x;
    } else if (!strcmp(f, "--train")) {
        rc = number(f, v, 0, 10000000, &x);
        a->train = (long)x;
    } else if (!strcmp(f, "--step")) {
        rc = number(f, v, 0, 1000, &x);
        a->step = (int)x;
    } else
        return 1;
    return rc;
}

static bool takes_value(const char *f)
{
    static const char *const flags[] = {"--video",   "--do",    "--lesson", "--preset",
                                        "--size",    "--fps",   "--speed",  "--scale",
                                        "--threads", "--train", "--step"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (!strcmp(f, flags[i]))
            return true;
    return false;
}

static int parse(int argc, char **argv, VideoArgs *a, Settings *st)
{
    char msg[400];
    for (int i = 1; i < argc;) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(f, "--help") || !strcmp(f, "-h")) {
            usage(stdout);
            exit(0);
        }
        if (!strcmp(f, "--contrast") || !strcmp(f, "--all")) {
            a->job.contrast |= !strcmp(f, "--contrast");
            a->all |= !strcmp(f, "--all");
            i++;
            continue;
        }
        if (!v && takes_value(f)) {
            fprintf(stderr, "rnnviz render: %s needs a value\n", f);
            return 2;
        }
        int rc = v ? value_flag(a, f, v) : 1;
        if (rc == 1) {
            if (settings_set_flag(st, argc, argv, &i, NULL, msg, sizeof msg) == 0)
                continue;
            fprintf(stderr, "rnnviz render: %s\n", msg);
            return 2;
        }
        if (rc)
            return rc;
        i += 2;
    }
    return 0;
}

/* What can be refused before any work: the file's ending, the size. */
static int check(const VideoArgs *a)
{
    VideoFormat fmt;
    if (video_out_format(a->job.path, &fmt)) {
        fprintf(stderr, "rnnviz render: cannot tell the video format of '%s': use .mp4 or .gif\n",
                a->job.path);
        return 2;
    }
    if (a->all && !a->lesson) {
        fprintf(stderr, "rnnviz render: --all needs --lesson FILE\n");
        return 2;
    }
    if (a->lesson && a->actions) {
        fprintf(stderr, "rnnviz render: --do and --lesson do not go together\n");
        return 2;
    }
    int cw, ch;
    video_out_coded_size(fmt, a->job.w, a->job.h, &cw, &ch);
    if (cw != a->job.w || ch != a->job.h)
        fprintf(stderr, "rnnviz render: %dx%d padded to %dx%d (H.264 in 4:2:0 needs even sides)\n",
                a->job.w, a->job.h, cw, ch);
    return 0;
}

static void summary(const VideoArgs *a, const VideoStats *st)
{
    struct stat sb;
    double mb = stat(a->job.path, &sb) == 0 ? sb.st_size / 1e6 : 0;
    fprintf(stderr,
            "rnnviz render: %s: %dx%d, %d fps, %ld frames (%.2f s), %.2f MB, "
            "written at %.1f frames/s\n",
            a->job.path, a->job.w, a->job.h, a->job.fps, st->frames,
            (double)st->frames / a->job.fps, mb, st->frames / (st->wall_s > 0 ? st->wall_s : 1));
    printf("%s\n", a->job.path);
}

/* --do ACTIONS on a session made from the settings (after --train N). */
static int record_actions(const VideoArgs *a, const Settings *st, Fonts *fonts, VideoStats *vs,
                          char *msg, size_t cap)
{
    static ActionList list;
    char inner[500];
    if (a->actions && action_parse_block(a->actions, &list, 1, 1, inner, sizeof inner)) {
        snprintf(msg, cap, "--do: %s", inner);
        return -1;
    }
    Session *s = sess_create(st, msg, cap);
    if (!s)
        return -1;
    int rc = 0;
    if (a->train > 0 && (rc = sess_train(s, a->train, inner, sizeof inner)))
        snprintf(msg, cap, "--train: %s", inner);
    if (!rc && (rc = video_render_actions(s, a->actions ? &list : NULL, &a->job, fonts, vs, inner,
                                          sizeof inner)))
        snprintf(msg, cap, "%s%s",
                 rc == VIDEO_RENDER_INTERRUPTED || rc == VIDEO_RENDER_WRITE_FAILED ? "" : "--do: ",
                 inner);
    sess_destroy(s);
    return rc;
}

static int record_lesson(const VideoArgs *a, Fonts *fonts, VideoStats *vs, char *msg, size_t cap)
{
    Lesson *lesson = lesson_load(a->lesson, msg, cap);
    if (!lesson)
        return -1;
    int rc = video_render_lesson(lesson, a->step, a->all, &a->job, fonts, vs, msg, cap);
    lesson_destroy(lesson);
    return rc;
}

int cmd_render_video(int argc, char **argv)
{
    VideoArgs a = {
        .job = {.w = 1920, .h = 1080, .scale = 1, .fps = 30, .speed = 4, .progress = true}};
    Settings st;
    settings_default(&st);
    int rc = parse(argc, argv, &a, &st);
    if (rc || (rc = check(&a)))
        return rc;
    FontsError ferr = {{0}};
    Fonts *fonts = fonts_create(NULL, &ferr);
    if (!fonts) {
        fprintf(stderr, "rnnviz render: %s\n", ferr.msg);
        return 1;
    }
    char msg[1000];
    VideoStats vs = {0};
    rc = a.lesson ? record_lesson(&a, fonts, &vs, msg, sizeof msg)
                  : record_actions(&a, &st, fonts, &vs, msg, sizeof msg);
    fonts_destroy(fonts);
    if (rc) {
        fprintf(stderr, "rnnviz render: %s\n", msg);
        return rc == VIDEO_RENDER_INTERRUPTED ? 130 : 1;
    }
    summary(&a, &vs);
    return 0;
}
