/* MP4 (libx264) and GIF (palettegen + paletteuse) through FFmpeg's libraries. */
#include "video_out.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"

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

/* What every build checks before touching a file. */
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

#ifndef RNNVIZ_HAVE_VIDEO

bool video_out_available(void)
{
    return false;
}

VideoOut *video_out_open(const char *path, const VideoSpec *spec, VideoError *err)
{
    VideoFormat fmt;
    if (check_spec(path, spec, &fmt, err) == 0)
        snprintf(err->msg, sizeof err->msg,
                 "cannot write '%.400s': this rnnviz was built without video support "
                 "(FFmpeg's libavcodec, libavformat, libavfilter, libswscale)",
                 path);
    return NULL;
}

int video_out_add_frame(VideoOut *vo, const uint32_t *argb, int stride_px, VideoError *err)
{
    (void)vo, (void)argb, (void)stride_px;
    snprintf(err->msg, sizeof err->msg, "no video support in this build");
    return -ENOSYS;
}

long video_out_frame_count(const VideoOut *vo)
{
    (void)vo;
    return 0;
}

int video_out_commit(VideoOut *vo, VideoError *err)
{
    (void)vo;
    snprintf(err->msg, sizeof err->msg, "no video support in this build");
    return -ENOSYS;
}

void video_out_abort(VideoOut *vo)
{
    (void)vo;
}

#else

#include <libavcodec/avcodec.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>

/* The GIF palette: learnt from all frames, applied with a Bayer matrix;
 * diff_mode=rectangle re-codes only the part of a frame that changed. */
#define GIF_FILTERS                                                                                \
    "split[a][b];[a]palettegen=stats_mode=full:reserve_transparent=0[p];"                          \
    "[b][p]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle"

struct VideoOut {
    VideoFormat fmt;
    int w, h, cw, ch, fps;
    char path[4096], tmp[4200];
    FILE *hold; /* the atomic writer's temporary, kept open for afile_commit */
    AVFormatContext *oc;
    AVStream *st;
    AVCodecContext *enc;
    AVPacket *pkt;
    AVFrame *yuv;           /* MP4: the converted frame */
    struct SwsContext *sws; /* MP4: RGB32 -> yuv420p, BT.709, limited range */
    uint32_t *pad;          /* MP4 with an odd side: the frame, edge repeated */
    AVFilterGraph *graph;   /* GIF */
    AVFilterContext *src, *sink;
    AVFrame *out; /* GIF: paletted frames from the graph */
    long frames;
};

bool video_out_available(void)
{
    return true;
}

static int fail_av(VideoError *err, const VideoOut *vo, const char *what, int rc)
{
    char why[AV_ERROR_MAX_STRING_SIZE] = "";
    av_strerror(rc, why, sizeof why);
    snprintf(err->msg, sizeof err->msg, "cannot %s '%.400s': %s", what, vo->path, why);
    return rc < 0 ? rc : -EIO;
}

/* libx264 for MP4, FFmpeg's own GIF encoder for GIF; sets up the stream. */
static int open_encoder(VideoOut *vo, const VideoSpec *spec, VideoError *err)
{
    bool mp4 = vo->fmt == VIDEO_MP4;
    const AVCodec *codec =
        mp4 ? avcodec_find_encoder_by_name("libx264") : avcodec_find_encoder(AV_CODEC_ID_GIF);
    if (!codec) {
        snprintf(err->msg, sizeof err->msg, "cannot write '%.400s': FFmpeg has no %s encoder", vo->path,
                 mp4 ? "libx264" : "GIF");
        return -ENOSYS;
    }
    vo->st = avformat_new_stream(vo->oc, NULL);
    vo->enc = avcodec_alloc_context3(codec);
    if (!vo->st || !vo->enc)
        return fail_av(err, vo, "set up the encoder for", AVERROR(ENOMEM));
    AVCodecContext *c = vo->enc;
    c->width = vo->cw;
    c->height = vo->ch;
    c->time_base = (AVRational){1, vo->fps};
    c->framerate = (AVRational){vo->fps, 1};
    c->sample_aspect_ratio = (AVRational){1, 1};
    c->pix_fmt = mp4 ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_PAL8;
    c->thread_count = spec->threads;
    if (mp4) {
        c->gop_size = 2 * vo->fps;
        c->color_range = AVCOL_RANGE_MPEG;
        c->color_primaries = AVCOL_PRI_BT709;
        c->color_trc = AVCOL_TRC_BT709;
        c->colorspace = AVCOL_SPC_BT709;
        av_opt_set(c->priv_data, "preset", spec->preset ? spec->preset : "veryfast", 0);
        av_opt_set(c->priv_data, "crf", "20", 0);
        av_opt_set(c->priv_data, "profile", "high", 0);
    }
    if (vo->oc->oformat->flags & AVFMT_GLOBALHEADER)
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int rc = avcodec_open2(c, codec, NULL);
    if (rc < 0)
        return fail_av(err, vo, "open the encoder for", rc);
    vo->st->time_base = c->time_base;
    vo->st->avg_frame_rate = c->framerate;
    rc = avcodec_parameters_from_context(vo->st->codecpar, c);
    return rc < 0 ? fail_av(err, vo, "set up the stream of", rc) : 0;
}

static int open_mp4_converter(VideoOut *vo, VideoError *err)
{
    vo->sws = sws_getContext(vo->cw, vo->ch, AV_PIX_FMT_RGB32, vo->cw, vo->ch, AV_PIX_FMT_YUV420P,
                             SWS_POINT, NULL, NULL, NULL);
    vo->yuv = av_frame_alloc();
    if (!vo->sws || !vo->yuv)
        return fail_av(err, vo, "set up the colour conversion for", AVERROR(ENOMEM));
    /* full-range RGB in, BT.709 limited-range YUV out, as players assume for HD */
    sws_setColorspaceDetails(vo->sws, sws_getCoefficients(SWS_CS_DEFAULT), 1,
                             sws_getCoefficients(SWS_CS_ITU709), 0, 0, 1 << 16, 1 << 16);
    vo->yuv->format = AV_PIX_FMT_YUV420P;
    vo->yuv->width = vo->cw;
    vo->yuv->height = vo->ch;
    int rc = av_frame_get_buffer(vo->yuv, 0);
    if (rc < 0)
        return fail_av(err, vo, "allocate a frame for", rc);
    if (vo->cw != vo->w || vo->ch != vo->h) {
        vo->pad = malloc((size_t)vo->cw * vo->ch * sizeof *vo->pad);
        if (!vo->pad)
            return fail_av(err, vo, "allocate a frame for", AVERROR(ENOMEM));
    }
    return 0;
}

/* buffer -> split -> palettegen / paletteuse -> buffersink (pal8). */
static int open_gif_graph(VideoOut *vo, VideoError *err)
{
    char args[200];
    snprintf(args, sizeof args, "video_size=%dx%d:pix_fmt=%d:time_base=1/%d:pixel_aspect=1/1",
             vo->w, vo->h, AV_PIX_FMT_RGB32, vo->fps);
    vo->graph = avfilter_graph_alloc();
    vo->out = av_frame_alloc();
    if (!vo->graph || !vo->out)
        return fail_av(err, vo, "set up the GIF palette for", AVERROR(ENOMEM));
    int rc = avfilter_graph_create_filter(&vo->src, avfilter_get_by_name("buffer"), "in", args,
                                          NULL, vo->graph);
    if (rc >= 0)
        rc = avfilter_graph_create_filter(&vo->sink, avfilter_get_by_name("buffersink"), "out",
                                          NULL, NULL, vo->graph);
    AVFilterInOut *outs = avfilter_inout_alloc(), *ins = avfilter_inout_alloc();
    if (rc >= 0 && (!outs || !ins))
        rc = AVERROR(ENOMEM);
    if (rc >= 0) {
        outs->name = av_strdup("in");
        outs->filter_ctx = vo->src;
        ins->name = av_strdup("out");
        ins->filter_ctx = vo->sink;
        rc = avfilter_graph_parse_ptr(vo->graph, GIF_FILTERS, &ins, &outs, NULL);
    }
    if (rc >= 0)
        rc = avfilter_graph_config(vo->graph, NULL);
    avfilter_inout_free(&ins);
    avfilter_inout_free(&outs);
    return rc < 0 ? fail_av(err, vo, "set up the GIF palette for", rc) : 0;
}

static void free_all(VideoOut *vo)
{
    if (vo->oc && vo->oc->pb)
        avio_closep(&vo->oc->pb);
    avformat_free_context(vo->oc);
    avcodec_free_context(&vo->enc);
    av_packet_free(&vo->pkt);
    av_frame_free(&vo->yuv);
    av_frame_free(&vo->out);
    sws_freeContext(vo->sws);
    avfilter_graph_free(&vo->graph);
    free(vo->pad);
    free(vo);
}

void video_out_abort(VideoOut *vo)
{
    if (!vo)
        return;
    FILE *hold = vo->hold;
    char tmp[sizeof vo->tmp];
    memcpy(tmp, vo->tmp, sizeof tmp);
    free_all(vo);
    if (hold)
        afile_abort(hold, tmp);
}

/* The container on the temporary's path (so +faststart can reopen it). */
static int open_container(VideoOut *vo, const VideoSpec *spec, VideoError *err)
{
    bool mp4 = vo->fmt == VIDEO_MP4;
    int rc = avformat_alloc_output_context2(&vo->oc, NULL, mp4 ? "mp4" : "gif", vo->tmp);
    if (rc < 0 || !vo->oc)
        return fail_av(err, vo, "set up the container of", rc < 0 ? rc : AVERROR(ENOMEM));
    vo->pkt = av_packet_alloc();
    if (!vo->pkt)
        return fail_av(err, vo, "write", AVERROR(ENOMEM));
    if ((rc = open_encoder(vo, spec, err)) ||
        (rc = mp4 ? open_mp4_converter(vo, err) : open_gif_graph(vo, err)))
        return rc;
    rc = avio_open(&vo->oc->pb, vo->tmp, AVIO_FLAG_WRITE);
    if (rc < 0)
        return fail_av(err, vo, "write", rc);
    AVDictionary *opts = NULL;
    if (mp4)
        av_dict_set(&opts, "movflags", "+faststart", 0);
    else
        av_dict_set(&opts, "loop", "0", 0);
    rc = avformat_write_header(vo->oc, &opts);
    av_dict_free(&opts);
    return rc < 0 ? fail_av(err, vo, "write the header of", rc) : 0;
}

VideoOut *video_out_open(const char *path, const VideoSpec *spec, VideoError *err)
{
    VideoFormat fmt;
    if (check_spec(path, spec, &fmt, err))
        return NULL;
    av_log_set_level(AV_LOG_QUIET); /* our messages say what failed */
    VideoOut *vo = calloc(1, sizeof *vo);
    if (!vo) {
        snprintf(err->msg, sizeof err->msg, "out of memory writing '%.400s'", path);
        return NULL;
    }
    vo->fmt = fmt;
    vo->w = spec->w;
    vo->h = spec->h;
    vo->fps = spec->fps;
    video_out_coded_size(fmt, vo->w, vo->h, &vo->cw, &vo->ch);
    snprintf(vo->path, sizeof vo->path, "%s", path);
    vo->hold = afile_open(path, vo->tmp, sizeof vo->tmp);
    if (!vo->hold) {
        snprintf(err->msg, sizeof err->msg, "cannot %s '%.400s': %s",
                 errno == EISDIR ? "replace" : "create a temporary file for", path,
                 strerror(errno));
        free(vo);
        return NULL;
    }
    if (open_container(vo, spec, err)) {
        video_out_abort(vo);
        return NULL;
    }
    return vo;
}

/* Sends a frame (NULL: flush) and writes every packet that comes out. */
static int encode(VideoOut *vo, const AVFrame *frame, VideoError *err)
{
    int rc = avcodec_send_frame(vo->enc, frame);
    while (rc >= 0) {
        rc = avcodec_receive_packet(vo->enc, vo->pkt);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return 0;
        if (rc < 0)
            break;
        av_packet_rescale_ts(vo->pkt, vo->enc->time_base, vo->st->time_base);
        vo->pkt->stream_index = vo->st->index;
        rc = av_interleaved_write_frame(vo->oc, vo->pkt);
    }
    return fail_av(err, vo, "write", rc);
}

/* Copies the frame into the even-sized buffer, repeating the last column and row. */
static const uint32_t *padded(VideoOut *vo, const uint32_t *argb, int stride_px)
{
    for (int y = 0; y < vo->ch; y++) {
        const uint32_t *row = argb + (size_t)(y < vo->h ? y : vo->h - 1) * stride_px;
        uint32_t *dst = vo->pad + (size_t)y * vo->cw;
        memcpy(dst, row, (size_t)vo->w * sizeof *dst);
        for (int x = vo->w; x < vo->cw; x++)
            dst[x] = row[vo->w - 1];
    }
    return vo->pad;
}

static int add_mp4_frame(VideoOut *vo, const uint32_t *argb, int stride_px, VideoError *err)
{
    int rc = av_frame_make_writable(vo->yuv);
    if (rc < 0)
        return fail_av(err, vo, "encode a frame of", rc);
    if (vo->pad) {
        argb = padded(vo, argb, stride_px);
        stride_px = vo->cw;
    }
    const uint8_t *src[1] = {(const uint8_t *)argb};
    int src_stride[1] = {stride_px * 4};
    sws_scale(vo->sws, src, src_stride, 0, vo->ch, vo->yuv->data, vo->yuv->linesize);
    vo->yuv->pts = vo->frames;
    return encode(vo, vo->yuv, err);
}

/* Paletted frames the graph has ready (none until the palette is known). */
static int drain_gif(VideoOut *vo, VideoError *err)
{
    for (;;) {
        int rc = av_buffersink_get_frame(vo->sink, vo->out);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return 0;
        if (rc < 0)
            return fail_av(err, vo, "make the GIF palette of", rc);
        rc = encode(vo, vo->out, err);
        av_frame_unref(vo->out);
        if (rc)
            return rc;
    }
}

static int add_gif_frame(VideoOut *vo, const uint32_t *argb, int stride_px, VideoError *err)
{
    AVFrame *f = av_frame_alloc();
    if (!f)
        return fail_av(err, vo, "encode a frame of", AVERROR(ENOMEM));
    f->format = AV_PIX_FMT_RGB32;
    f->width = vo->w;
    f->height = vo->h;
    f->pts = vo->frames;
    int rc = av_frame_get_buffer(f, 0);
    if (rc >= 0)
        av_image_copy_plane(f->data[0], f->linesize[0], (const uint8_t *)argb, stride_px * 4,
                            vo->w * 4, vo->h);
    if (rc >= 0)
        rc = av_buffersrc_add_frame(vo->src, f); /* takes the frame's data */
    av_frame_free(&f);
    return rc < 0 ? fail_av(err, vo, "encode a frame of", rc) : drain_gif(vo, err);
}

int video_out_add_frame(VideoOut *vo, const uint32_t *argb, int stride_px, VideoError *err)
{
    int rc = vo->fmt == VIDEO_MP4 ? add_mp4_frame(vo, argb, stride_px, err)
                                  : add_gif_frame(vo, argb, stride_px, err);
    if (rc == 0)
        vo->frames++;
    return rc;
}

long video_out_frame_count(const VideoOut *vo)
{
    return vo ? vo->frames : 0;
}

/* The rest of the stream, the trailer (faststart moves the index forward),
 * and any write error the buffered I/O still holds. */
static int finish_stream(VideoOut *vo, VideoError *err)
{
    int rc = 0;
    if (vo->fmt == VIDEO_GIF) {
        rc = av_buffersrc_add_frame(vo->src, NULL);
        if (rc < 0)
            return fail_av(err, vo, "finish the GIF palette of", rc);
        if ((rc = drain_gif(vo, err)))
            return rc;
    }
    if ((rc = encode(vo, NULL, err)))
        return rc;
    rc = av_write_trailer(vo->oc);
    if (rc < 0)
        return fail_av(err, vo, "finish", rc);
    avio_flush(vo->oc->pb);
    if (vo->oc->pb->error < 0)
        return fail_av(err, vo, "write", vo->oc->pb->error);
    rc = avio_closep(&vo->oc->pb);
    return rc < 0 ? fail_av(err, vo, "close", rc) : 0;
}

int video_out_commit(VideoOut *vo, VideoError *err)
{
    if (vo->frames == 0) {
        snprintf(err->msg, sizeof err->msg, "cannot write '%.400s': no frames", vo->path);
        video_out_abort(vo);
        return -EINVAL;
    }
    int rc = finish_stream(vo, err);
    if (rc) {
        video_out_abort(vo);
        return rc;
    }
    FILE *hold = vo->hold;
    char tmp[sizeof vo->tmp], path[sizeof vo->path];
    memcpy(tmp, vo->tmp, sizeof tmp);
    memcpy(path, vo->path, sizeof path);
    vo->hold = NULL;
    free_all(vo);
    const char *stage = "write";
    int e = afile_commit(hold, tmp, path, &stage);
    if (e)
        snprintf(err->msg, sizeof err->msg, "cannot %s '%.400s': %.100s", stage, path, strerror(e));
    return -e;
}

#endif
