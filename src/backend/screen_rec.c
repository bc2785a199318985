/* Presented canvases in, frames at a steady rate out (see screen_rec.h). */
#include "screen_rec.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ScreenRec {
    VideoOut *vo;
    int w, h, fps;
    double t0;
    long due;       /* frames written so far */
    bool have;      /* a canvas came: the video starts with the first one */
    uint32_t *last; /* (h, w): the canvas shown now */
};

ScreenRec *screen_rec_start(const char *path, int w, int h, int fps, double t0, VideoError *err)
{
    ScreenRec *r = calloc(1, sizeof *r);
    VideoSpec spec = {w, h, fps, SCREEN_REC_PRESET, 0};
    if (r)
        r->last = calloc((size_t)w * (size_t)h, sizeof *r->last);
    if (!r || !r->last) {
        snprintf(err->msg, sizeof err->msg, "out of memory recording to '%.400s'", path);
        screen_rec_abort(r);
        return NULL;
    }
    r->w = w;
    r->h = h;
    r->fps = fps;
    r->t0 = t0;
    if (!(r->vo = video_out_open(path, &spec, err))) {
        screen_rec_abort(r);
        return NULL;
    }
    return r;
}

/* Frames until (strictly before, or with inclusive at) time t. */
static int write_due(ScreenRec *r, double t, bool inclusive, VideoError *err)
{
    for (;;) {
        double at = r->t0 + (double)r->due / r->fps;
        if (inclusive ? at > t : at >= t)
            return 0;
        int rc = video_out_add_frame(r->vo, r->last, r->w, err);
        if (rc)
            return rc;
        r->due++;
    }
}

/* The canvas into the recording's size: cropped, or padded with black. */
static void keep(ScreenRec *r, const uint32_t *argb, int w, int h)
{
    int cw = w < r->w ? w : r->w;
    for (int y = 0; y < r->h; y++) {
        uint32_t *dst = r->last + (size_t)y * r->w;
        int from = 0;
        if (y < h) {
            memcpy(dst, argb + (size_t)y * w, (size_t)cw * sizeof *dst);
            from = cw;
        }
        for (int x = from; x < r->w; x++)
            dst[x] = 0xFF000000u;
    }
}

int screen_rec_frame(ScreenRec *r, const uint32_t *argb, int w, int h, double t, VideoError *err)
{
    if (!r->have)
        r->t0 = t; /* frame 0 is the first canvas */
    int rc = r->have ? write_due(r, t, false, err) : 0;
    if (rc == 0)
        keep(r, argb, w, h);
    r->have = true;
    return rc;
}

int screen_rec_stop(ScreenRec *r, double t, long *frames, VideoError *err)
{
    int rc = write_due(r, t, true, err);
    if (rc == 0 && r->due == 0) /* stopped at once: one frame */
        rc = write_due(r, r->t0, true, err);
    if (frames)
        *frames = r->due;
    if (rc) {
        screen_rec_abort(r);
        return rc;
    }
    rc = video_out_commit(r->vo, err);
    r->vo = NULL;
    screen_rec_abort(r);
    return rc;
}

void screen_rec_abort(ScreenRec *r)
{
    if (!r)
        return;
    video_out_abort(r->vo);
    free(r->last);
    free(r);
}
