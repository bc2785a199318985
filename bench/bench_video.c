/*
 * Video encode benchmark: lesson 5 (a tanh RNN, T = 40) after its forward
 * pass, recording its whole backward pass (`backward all`) as the window
 * plays it, at 1920x1080 and 30 fps, to MP4 (H.264). Every frame is drawn
 * (view_draw), painted (software rasteriser), converted to yuv420p and
 * encoded, as `rnnviz render --video` does. Prints the frames per second
 * written and the load average, so a figure taken on a busy machine says
 * so.
 *
 *   bench_video [--preset P] [--threads N] [--speed S] [--size WxH] [--out FILE.mp4|.gif]
 *
 * Exits 1 when fewer than 30 frames per second were written (real time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fonts.h"
#include "lesson.h"
#include "lesson_run.h"
#include "video_render.h"

#define TARGET_FPS 30.0

static double load_average(void)
{
    double load = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &load) != 1)
            load = -1;
        fclose(f);
    }
    return load;
}

static void parse(int argc, char **argv, VideoJob *job)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *f = argv[i], *v = argv[i + 1];
        if (!strcmp(f, "--preset"))
            job->preset = v;
        else if (!strcmp(f, "--threads"))
            job->threads = atoi(v);
        else if (!strcmp(f, "--speed"))
            job->speed = atof(v);
        else if (!strcmp(f, "--out"))
            job->path = v;
        else if (!strcmp(f, "--size") && sscanf(v, "%dx%d", &job->w, &job->h) == 2)
            continue;
        else {
            fprintf(stderr, "bench_video: unknown flag %s\n", f);
            exit(2);
        }
    }
}

/* Lesson 5 at the end of step 1 (`forward all`), ready to go back. */
static Session *lesson5(char *msg, size_t cap)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/05-vanishing-gradients.md", lesson_dir());
    Lesson *lesson = lesson_load(path, msg, cap);
    if (!lesson)
        return NULL;
    Session *s = lesson_enter(lesson, 1, msg, cap);
    lesson_destroy(lesson);
    return s;
}

int main(int argc, char **argv)
{
    VideoJob job = {.path = "/tmp/rnnviz-bench-video.mp4",
                    .w = 1920,
                    .h = 1080,
                    .scale = 1,
                    .fps = 30,
                    .speed = 4,
                    .preset = NULL,
                    .threads = 0,
                    .progress = false};
    parse(argc, argv, &job);
    char msg[1000];
    FontsError ferr = {{0}};
    Fonts *fonts = fonts_create(NULL, &ferr);
    Session *s = fonts ? lesson5(msg, sizeof msg) : NULL;
    if (!s) {
        fprintf(stderr, "bench_video: %s\n", fonts ? msg : ferr.msg);
        fonts_destroy(fonts);
        return 1;
    }
    static ActionList acts;
    action_parse_block("backward all", &acts, 1, 1, msg, sizeof msg);
    double load0 = load_average();
    VideoStats st = {0};
    int rc = video_render_actions(s, &acts, &job, fonts, &st, msg, sizeof msg);
    sess_destroy(s);
    fonts_destroy(fonts);
    if (rc) {
        fprintf(stderr, "bench_video: %s\n", msg);
        return 1;
    }
    double fps = st.frames / st.wall_s;
    printf("bench_video: %s, %dx%d at %d fps, preset %s: %ld frames in %.2f s = %.1f frames/s "
           "written (target >= %.0f: %s); load average %.2f before, %.2f after\n",
           job.path, job.w, job.h, job.fps, job.preset ? job.preset : "veryfast", st.frames,
           st.wall_s, fps, TARGET_FPS, fps >= TARGET_FPS ? "met" : "MISSED", load0, load_average());
    return fps >= TARGET_FPS ? 0 : 1;
}
