/*
 * Recording what the window shows: the canvases it presents, at irregular
 * times, become a video at a steady frame rate. Frame k of the video (k /
 * fps seconds after the start) is the last canvas presented at or before
 * that moment, so a still window costs repeated frames, not time, and a
 * stall shows as long as it lasted. The video keeps the size it started
 * with: a canvas of another size (the window resized) is cropped at the
 * right and bottom, or padded with black.
 *
 *   ScreenRec *r = screen_rec_start("rnnviz-001.mp4", w, h, 30, now, &err);
 *   each presented frame: screen_rec_frame(r, pixels, w, h, now, &err)
 *   then screen_rec_stop(r, now, &frames, &err), or screen_rec_abort(r).
 *
 * Conventions (those of video_out.h): start returns NULL with err filled;
 * the others 0 or a negative error with err filled; stop and abort free the
 * recorder whatever happens; after a failed frame, call abort.
 */
#ifndef RNNVIZ_SCREEN_REC_H
#define RNNVIZ_SCREEN_REC_H

#include <stdint.h>

#include "video_out.h"

#define SCREEN_REC_FPS 30
#define SCREEN_REC_PRESET "ultrafast" /* encoding in the window's own thread */

typedef struct ScreenRec ScreenRec;

ScreenRec *screen_rec_start(const char *path, int w, int h, int fps, double t0, VideoError *err);
/* The canvas (w x h, rows w pixels apart) presented at time t (seconds, the
 * clock of t0): the frames due before t are written, showing the canvas
 * before it. */
int screen_rec_frame(ScreenRec *r, const uint32_t *argb, int w, int h, double t, VideoError *err);
/* The last canvas until t (at least one frame), then the file in place. */
int screen_rec_stop(ScreenRec *r, double t, long *frames, VideoError *err);
void screen_rec_abort(ScreenRec *r);

#endif
