/*
 * Video output: frames of the software canvas (0xAARRGGBB pixels, as
 * raster.h paints them) encoded through FFmpeg's libraries into
 *   - MP4: H.264 (libx264), yuv420p, BT.709, +faststart, which PowerPoint,
 *     Keynote and browsers play; odd sides are padded by one pixel (the
 *     last row or column repeated), since 4:2:0 needs even sizes;
 *   - GIF: one palette learnt from every frame (libavfilter palettegen),
 *     applied with ordered (Bayer) dithering (paletteuse), which keeps
 *     flat areas still from frame to frame. The filter keeps every frame
 *     until the palette is known, so GIF memory grows with w * h * frames.
 *
 * The file goes to the atomic writer's temporary beside the target and is
 * renamed over it only by video_out_commit: an aborted or failed export
 * (an interrupt, a full disk) leaves any older file byte-identical.
 *
 *   VideoOut *vo = video_out_open("talk.mp4", &spec, &err);
 *   for each frame: video_out_add_frame(vo, pixels, stride, &err)
 *   then video_out_commit(vo, &err), or video_out_abort(vo) to drop it.
 *
 * Conventions: video_out_open returns NULL with err filled; actions return
 * 0 or a negative error with err->msg naming the path and the problem.
 * Commit and abort free the VideoOut whatever happens (NULL is fine for
 * abort); after a failed add_frame, call abort. Built without FFmpeg
 * (CMake option RNNVIZ_VIDEO off or the libraries missing), open fails with
 * a message saying so and video_out_available is false.
 */
#ifndef RNNVIZ_VIDEO_OUT_H
#define RNNVIZ_VIDEO_OUT_H

#include <stdbool.h>
#include <stdint.h>

typedef enum { VIDEO_MP4, VIDEO_GIF } VideoFormat;

#define VIDEO_MAX_FPS 120
#define VIDEO_MIN_SIDE 16
#define VIDEO_MAX_SIDE 8192

typedef struct {
    int w, h;           /* frame size in pixels, VIDEO_MIN_SIDE..VIDEO_MAX_SIDE */
    int fps;            /* 1..VIDEO_MAX_FPS */
    const char *preset; /* MP4: an x264 preset; NULL: "veryfast" */
    int threads;        /* encoder threads; 0: one per core */
} VideoSpec;

typedef struct {
    char msg[600];
} VideoError;

typedef struct VideoOut VideoOut;

/* Whether this build can write video at all. */
bool video_out_available(void);
/* The format a path's ending asks for (.mp4, .gif, any case): 0 or -1. */
int video_out_format(const char *path, VideoFormat *fmt);
/* The size the file will hold: MP4 rounds odd sides up to even. */
void video_out_coded_size(VideoFormat fmt, int w, int h, int *cw, int *ch);

VideoOut *video_out_open(const char *path, const VideoSpec *spec, VideoError *err);
/* One frame of spec->w x spec->h pixels, rows stride_px pixels apart. */
int video_out_add_frame(VideoOut *vo, const uint32_t *argb, int stride_px, VideoError *err);
long video_out_frame_count(const VideoOut *vo);
/* Finishes the stream, syncs and renames the file into place. */
int video_out_commit(VideoOut *vo, VideoError *err);
/* Drops the export: the temporary is removed, the target untouched. */
void video_out_abort(VideoOut *vo);

#endif
