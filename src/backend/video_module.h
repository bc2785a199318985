/*
 * The video module's interface: rnnviz-video.so (built from video_module.c,
 * the one file that links FFmpeg's libraries) exports one function,
 * VIDEO_MODULE_SYMBOL, returning this table. video_out.c loads the module
 * with dlopen only when a video is asked for, so rnnviz itself starts
 * without FFmpeg mapped (it matters under `ulimit -v`).
 *
 * The module knows nothing of rnnviz otherwise (it uses no symbol of the
 * binary): it encodes frames into the file libavformat opens at `file` and
 * names `name` in its messages. Atomic replacement is the caller's.
 *
 * Conventions: open returns NULL with err filled; the others return 0 or a
 * negative error with err filled; destroy(NULL) is fine and closes the
 * file if finish did not.
 */
#ifndef RNNVIZ_VIDEO_MODULE_H
#define RNNVIZ_VIDEO_MODULE_H

#include <stdint.h>

#include "video_out.h"

#define VIDEO_MODULE_NAME "rnnviz-video.so"
#define VIDEO_MODULE_SYMBOL "rnnviz_video_module"
#define VIDEO_MODULE_ABI 1 /* bumped whenever the table or the types change */

typedef struct VideoEnc VideoEnc;

typedef struct {
    int abi;         /* VIDEO_MODULE_ABI */
    int sizeof_spec; /* sizeof(VideoSpec), a second check of the ABI */
    VideoEnc *(*open)(const char *file, const char *name, VideoFormat fmt, const VideoSpec *spec,
                      VideoError *err);
    int (*add_frame)(VideoEnc *enc, const uint32_t *argb, int stride_px, VideoError *err);
    /* the rest of the stream, the trailer, and the file flushed and closed */
    int (*finish)(VideoEnc *enc, VideoError *err);
    void (*destroy)(VideoEnc *enc);
} VideoModule;

typedef const VideoModule *(*VideoModuleFn)(void);

/* Defined by the module only. */
const VideoModule *rnnviz_video_module(void);

#endif
