/*
 * Recording an animation to MP4 or GIF: a session's actions played one op
 * at a time as the window plays them (a value, or a gradient, travelling
 * along each edge into the node just computed, the plots filling in), each
 * frame painted by the software rasteriser and handed to video_out.
 *
 * Timing, at job->fps frames per second and job->speed ops per second:
 * op k of an action starts at frame floor(k * fps / speed) of it, and the
 * animation progress then climbs at max(3, speed) per second, exactly as
 * the window's play clock does. Actions that run no op one by one (train,
 * update, back, reset, compare) show their result for half a second; the
 * others (set, show, select, ...) take no frames of their own. A recording
 * ends with one second of the final state; a lesson adds a one-second title
 * card before each step.
 *
 * SIGINT and SIGTERM during a recording abort it: the file at the path is
 * left as it was, and the call returns VIDEO_RENDER_INTERRUPTED.
 *
 * Conventions: 0 ok, negative on failure with msg for a person: an action's
 * own error code, VIDEO_RENDER_INTERRUPTED or VIDEO_RENDER_WRITE_FAILED.
 */
#ifndef RNNVIZ_VIDEO_RENDER_H
#define RNNVIZ_VIDEO_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "actions.h"
#include "fonts.h"
#include "lesson.h"
#include "session.h"

#define VIDEO_RENDER_INTERRUPTED (-4)
#define VIDEO_RENDER_WRITE_FAILED (-5) /* the file (or memory), not an action */

typedef struct {
    const char *path;   /* .mp4 or .gif */
    int w, h;           /* frame size */
    float scale;        /* UI scale, as for stills */
    bool contrast;      /* the high-contrast theme */
    int fps;            /* frames per second */
    double speed;       /* ops (nodes) per second */
    const char *preset; /* x264 preset, NULL: the default */
    int threads;        /* encoder threads, 0: automatic */
    bool progress;      /* a progress bar on stderr when it is a terminal */
} VideoJob;

typedef struct {
    long frames;
    double wall_s; /* time spent recording */
} VideoStats;

/* Plays the actions on s (which is left at their end state). */
int video_render_actions(Session *s, const ActionList *acts, const VideoJob *job, Fonts *fonts,
                         VideoStats *stats, char *msg, size_t cap);
/* Lesson step `step` (from step - 1's state), or with all every step from
 * the introduction on, each after a title card. */
int video_render_lesson(const Lesson *lesson, int step, bool all, const VideoJob *job, Fonts *fonts,
                        VideoStats *stats, char *msg, size_t cap);

#endif
