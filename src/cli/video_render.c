/* The frame loop of `rnnviz render --video`: actions played op by op. */
#include "video_render.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h> /* isatty */

#include "lesson_run.h"
#include "raster.h"
#include "render_file.h" /* draw-list capacities of the largest view */
#include "theme.h"
#include "video_out.h"
#include "view.h"

#define STILL_S 0.5 /* result of an action without an op-by-op animation */
#define END_S 1.0   /* the final state, and the end of each lesson step */
#define CARD_S 1.0  /* a lesson step's title card */

typedef struct {
    const VideoJob *job;
    VideoOut *vo;
    RasterCanvas *cv;
    DrawList *dl;
    Fonts *fonts;
    ViewParams vp;
    ViewState vs; /* what the app's view state would hold: scale, theme, animation */
    double t0, shown_at;
    int unit, n_units; /* progress: actions (or steps) done of all */
    double unit_frac;  /* and the share of the current one */
    bool tty;
    bool per_action; /* progress counts actions (else lesson steps) */
    bool rec_failed; /* the failure is the recording's, not an action's */
    struct sigaction old_int, old_term, old_xfsz;
} Rec;

static volatile sig_atomic_t stop_signal;
static HitList hits;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void on_signal(int sig)
{
    stop_signal = sig;
}

/* An interrupt ends the recording cleanly; a file-size limit (SIGXFSZ)
 * becomes a write error (EFBIG) rather than killing the process. */
static void signals_catch(Rec *r)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, &sa, &r->old_int);
    sigaction(SIGTERM, &sa, &r->old_term);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGXFSZ, &sa, &r->old_xfsz);
}

static void signals_restore(Rec *r)
{
    sigaction(SIGINT, &r->old_int, NULL);
    sigaction(SIGTERM, &r->old_term, NULL);
    sigaction(SIGXFSZ, &r->old_xfsz, NULL);
}

/* The animation progress of the last op, which the view reads from the
 * view state (the window's app keeps its own). */
static void set_anim(Rec *r, double progress)
{
    r->vs.anim = progress;
}

static void progress_draw(Rec *r, bool final)
{
    double t = now_s();
    if (!r->tty || (!final && t - r->shown_at < 0.1))
        return;
    r->shown_at = t;
    double frac = r->n_units > 0 ? (r->unit + fmin(1.0, r->unit_frac)) / r->n_units : 1;
    if (final)
        frac = 1;
    char bar[31];
    int full = (int)(frac * 30 + 0.5);
    for (int i = 0; i < 30; i++)
        bar[i] = i < full ? '#' : '-';
    bar[30] = '\0';
    long n = video_out_frame_count(r->vo);
    fprintf(stderr, "\r[%s] %3.0f%%  frame %ld  %.1f fps ", bar, 100 * frac, n,
            n / fmax(1e-3, t - r->t0));
    if (final)
        fputc('\n', stderr);
}

/* Adds what the canvas holds as the next frame. */
static int rec_push(Rec *r, char *msg, size_t cap)
{
    if (stop_signal) {
        snprintf(msg, cap, "interrupted: '%s' was left as it was", r->job->path);
        r->rec_failed = true;
        return VIDEO_RENDER_INTERRUPTED;
    }
    VideoError err = {{0}};
    if (video_out_add_frame(r->vo, r->cv->pixels, r->cv->w, &err)) {
        snprintf(msg, cap, "%s", err.msg);
        r->rec_failed = true;
        return VIDEO_RENDER_WRITE_FAILED;
    }
    progress_draw(r, false);
    return 0;
}

static int rec_frame(Rec *r, Session *s, char *msg, size_t cap)
{
    view_draw(sess_view_model(s), &r->vp, r->dl, &hits);
    raster_render(r->cv, r->dl, r->fonts, theme_get(r->vs.high_contrast)->bg);
    return rec_push(r, msg, cap);
}

/* The settled state (animation done) for seconds. */
static int rec_still(Rec *r, Session *s, double seconds, char *msg, size_t cap)
{
    long n = lround(seconds * r->job->fps);
    set_anim(r, 1);
    int rc = rec_frame(r, s, msg, cap);
    for (long i = 1; !rc && i < n; i++)
        rc = rec_push(r, msg, cap);
    return rc;
}

/* Text centred on the canvas, shrunk to fit its width. */
static void card_line(Rec *r, float y, DlFont font, float size, DlColor color, const char *text)
{
    float max_w = r->job->w * 0.9f, tw = fonts_text_width(r->fonts, font, size, text);
    if (tw > max_w)
        size *= max_w / tw;
    dl_text(r->dl, r->job->w / 2.0f, y, font, size, DL_ALIGN_CENTER, color, text);
}

static int rec_card(Rec *r, const char *top, const char *title, char *msg, size_t cap)
{
    const Theme *th = theme_get(r->job->contrast);
    float w = r->job->w, h = r->job->h, k = r->job->scale * fminf(1.0f, h / 1080.0f * 1.5f);
    dl_clear(r->dl);
    dl_rect(r->dl, 0, 0, w, h, 0, th->bg);
    card_line(r, h * 0.38f, DL_FONT_SANS, 34 * k, th->text_dim, top);
    card_line(r, h * 0.38f + 56 * k, DL_FONT_SANS_BOLD, 64 * k, th->text, title);
    dl_rect(r->dl, w / 2 - 90 * k, h * 0.38f + 150 * k, 180 * k, 6 * k, 3 * k, th->backward);
    raster_render(r->cv, r->dl, r->fonts, th->bg);
    long n = lround(CARD_S * r->job->fps);
    int rc = 0;
    for (long i = 0; !rc && i < n; i++)
        rc = rec_push(r, msg, cap);
    return rc;
}

/* The frame of an action at which its op k starts. */
static long op_frame(const VideoJob *job, int k)
{
    return (long)floor(k * (double)job->fps / job->speed + 1e-9);
}

static bool in_phase(const Session *s, int phase)
{
    return phase < 0 || (int)sess_phase(s) == phase;
}

/* Ops ahead in this phase (for the progress bar), at most n when n >= 0. */
static int ops_ahead(const Session *s, int phase, int n)
{
    if (phase < 0)
        return n;
    int count = 0, last = sess_op_count(s) - 1;
    for (int k = sess_cursor(s); k < last && (n < 0 || count < n); k++) {
        NetOpKind kind = sess_op(s, k).kind;
        bool fwd = kind == NET_OP_FORWARD || kind == NET_OP_HEAD_FORWARD;
        if (fwd != (phase == PHASE_FORWARD))
            break;
        count++;
    }
    return count;
}

/* Up to n ops (n < 0: all) while the session stays in phase (-1: any),
 * one at a time, each painted over its frames as the window plays it. */
static int play_ops(Rec *r, Session *s, int n, int phase, char *msg, size_t cap)
{
    const VideoJob *job = r->job;
    double rate = fmax(3.0, job->speed) / job->fps;
    int expect = ops_ahead(s, phase, n);
    for (int k = 0; (n < 0 || k < n) && in_phase(s, phase); k++) {
        int rc = sess_step(s, 1, msg, cap);
        if (rc)
            return rc;
        long start = op_frame(job, k), end = op_frame(job, k + 1);
        for (long f = start; f < end; f++) {
            set_anim(r, fmin(1.0, (f - start) * rate));
            r->unit_frac = (k + (double)(f - start) / (end - start)) / fmax(1, expect);
            if ((rc = rec_frame(r, s, msg, cap)))
                return rc;
        }
    }
    return 0;
}

/* One action: op by op where the window would play it, else at once. */
static int play_action(Rec *r, Session *s, const Action *a, char *msg, size_t cap)
{
    int rc;
    r->unit_frac = 0;
    switch (a->verb) {
    case ACT_STEP:
        return play_ops(r, s, a->count, -1, msg, cap);
    case ACT_FORWARD:
        /* starts a new pass when one is under way, as sess_forward does */
        if ((rc = sess_forward(s, 0, msg, cap)))
            return rc;
        return play_ops(r, s, a->count, PHASE_FORWARD, msg, cap);
    case ACT_BACKWARD:
        /* what is left of the forward pass runs first, at once */
        if (sess_phase(s) == PHASE_FORWARD && (rc = sess_forward(s, -1, msg, cap)))
            return rc;
        return play_ops(r, s, a->count, PHASE_BACKWARD, msg, cap);
    case ACT_TRAIN:
    case ACT_UPDATE:
    case ACT_BACK:
    case ACT_RESET:
    case ACT_COMPARE:
        if ((rc = sess_run_action(s, a, msg, cap)))
            return rc;
        return rec_still(r, s, STILL_S, msg, cap);
    default:
        return sess_run_action(s, a, msg, cap);
    }
}

/* Every action; an error is prefixed with the action's LINE:COL. */
static int play_list(Rec *r, Session *s, const ActionList *acts, char *msg, size_t cap)
{
    for (int i = 0; i < acts->count; i++) {
        char inner[480];
        int rc = play_action(r, s, &acts->items[i], inner, sizeof inner);
        if (rc && r->rec_failed) {
            snprintf(msg, cap, "%s", inner);
            return rc;
        }
        if (rc) {
            snprintf(msg, cap, "%d:%d: %s", acts->items[i].line, acts->items[i].col, inner);
            return rc;
        }
        if (r->per_action)
            r->unit++;
    }
    return 0;
}

static int rec_open(Rec *r, const VideoJob *job, Fonts *fonts, char *msg, size_t cap)
{
    memset(r, 0, sizeof *r);
    r->job = job;
    r->fonts = fonts;
    r->tty = job->progress && isatty(STDERR_FILENO);
    r->vs = view_state_default();
    r->vs.ui_scale = job->scale;
    r->vs.high_contrast = job->contrast;
    r->vs.speed = job->speed;
    r->vp = (ViewParams){
        .win_w = job->w, .win_h = job->h, .measure = fonts_measure(fonts), .state = &r->vs};
    r->cv = raster_canvas_create(job->w, job->h);
    r->dl = dl_create(RENDER_MAX_CMDS, RENDER_MAX_TEXT, RENDER_MAX_POINTS);
    if (!r->cv || !r->dl) {
        snprintf(msg, cap, "out of memory for a %dx%d frame", job->w, job->h);
        return VIDEO_RENDER_WRITE_FAILED;
    }
    VideoSpec spec = {job->w, job->h, job->fps, job->preset, job->threads};
    VideoError err = {{0}};
    r->vo = video_out_open(job->path, &spec, &err);
    if (!r->vo) {
        snprintf(msg, cap, "%s", err.msg);
        return VIDEO_RENDER_WRITE_FAILED;
    }
    signals_catch(r);
    r->t0 = r->shown_at = now_s();
    return 0;
}

/* Commits the file when rc is 0, drops it otherwise; frees the recorder. */
static int rec_close(Rec *r, int rc, VideoStats *stats, char *msg, size_t cap)
{
    long frames = video_out_frame_count(r->vo);
    if (r->vo && rc == 0) {
        progress_draw(r, true);
        VideoError err = {{0}};
        if (video_out_commit(r->vo, &err)) {
            snprintf(msg, cap, "%s", err.msg);
            rc = VIDEO_RENDER_WRITE_FAILED;
        }
    } else if (r->vo) {
        if (r->tty)
            fputc('\n', stderr);
        video_out_abort(r->vo);
    }
    if (r->vo)
        signals_restore(r);
    if (stats)
        *stats = (VideoStats){frames, now_s() - r->t0};
    raster_canvas_destroy(r->cv);
    dl_destroy(r->dl);
    return rc;
}

int video_render_actions(Session *s, const ActionList *acts, const VideoJob *job, Fonts *fonts,
                         VideoStats *stats, char *msg, size_t cap)
{
    Rec r;
    int rc = rec_open(&r, job, fonts, msg, cap);
    if (rc == 0) {
        r.n_units = acts ? acts->count : 0;
        r.per_action = true;
        if (acts)
            rc = play_list(&r, s, acts, msg, cap);
        if (rc == 0)
            rc = rec_still(&r, s, END_S, msg, cap);
    }
    return rec_close(&r, rc, stats, msg, cap);
}

/* Step k's actions (none for the introduction), after a title card when
 * card is set; action errors name the lesson file and LINE:COL. */
static int play_step(Rec *r, const Lesson *lesson, Session *s, int k, bool card, char *msg,
                     size_t cap)
{
    char top[160], inner[600];
    snprintf(top, sizeof top, "%s · step %d of %d", lesson_title(lesson), k,
             lesson_step_count(lesson));
    int rc = 0;
    if (card)
        rc = rec_card(r, k ? top : lesson_title(lesson),
                      k ? lesson_step_title(lesson, k - 1) : "Introduction", msg, cap);
    r->vp.lesson = lesson;
    r->vp.lesson_step = k;
    if (!rc && k > 0) {
        rc = play_list(r, s, lesson_step_actions(lesson, k - 1), inner, sizeof inner);
        if (rc && r->rec_failed)
            snprintf(msg, cap, "%s", inner);
        else if (rc)
            snprintf(msg, cap, "%s:%s", lesson_name(lesson), inner);
    }
    return rc ? rc : rec_still(r, s, END_S, msg, cap);
}

int video_render_lesson(const Lesson *lesson, int step, bool all, const VideoJob *job, Fonts *fonts,
                        VideoStats *stats, char *msg, size_t cap)
{
    int n = lesson_step_count(lesson);
    int first = all ? 0 : step, last = all ? n : step;
    if (first < 0 || last > n) {
        snprintf(msg, cap, "%s: no step %d (the lesson has %d)", lesson_name(lesson), step, n);
        return -1;
    }
    Session *s = lesson_enter(lesson, first > 0 ? first - 1 : 0, msg, cap);
    if (!s)
        return -1;
    Rec r;
    int rc = rec_open(&r, job, fonts, msg, cap);
    r.n_units = last - first + 1;
    for (int k = first; rc == 0 && k <= last; k++, r.unit++) {
        r.unit_frac = 0;
        rc = play_step(&r, lesson, s, k, all, msg, cap);
    }
    rc = rec_close(&r, rc, stats, msg, cap);
    sess_destroy(s);
    return rc;
}
