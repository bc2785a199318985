#include "lesson_run.h"
#include "paths.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lesson_settings(const Lesson *lesson, Settings *out, char *msg, size_t cap)
{
    Settings st;
    settings_default(&st);
    for (int i = 0; i < lesson_setup_count(lesson); i++) {
        const char *key, *value;
        int line, col;
        char inner[400];
        lesson_setup_entry(lesson, i, &key, &value, &line, &col);
        if (settings_set(&st, key, value, inner, sizeof inner)) {
            snprintf(msg, cap, "%s:%d:%d: %s", lesson_name(lesson), line, col, inner);
            return -1;
        }
    }
    *out = st;
    return 0;
}

int lesson_advance(const Lesson *lesson, Session *s, int k, char *msg, size_t cap)
{
    if (k < 1 || k > lesson_step_count(lesson)) {
        snprintf(msg, cap, "%s: no step %d (the lesson has %d)", lesson_name(lesson), k,
                 lesson_step_count(lesson));
        return -1;
    }
    const ActionList *acts = lesson_step_actions(lesson, k - 1);
    char inner[480];
    if (sess_run_actions(s, acts, inner, sizeof inner)) {
        snprintf(msg, cap, "%s:%s", lesson_name(lesson), inner);
        return -1;
    }
    return 0;
}

Session *lesson_enter(const Lesson *lesson, int k, char *msg, size_t cap)
{
    Settings st;
    if (k < 0 || k > lesson_step_count(lesson)) {
        snprintf(msg, cap, "%s: no step %d (the lesson has %d)", lesson_name(lesson), k,
                 lesson_step_count(lesson));
        return NULL;
    }
    if (lesson_settings(lesson, &st, msg, cap))
        return NULL;
    char inner[480];
    Session *s = sess_create(&st, inner, sizeof inner);
    if (!s) {
        snprintf(msg, cap, "%s:%d: setup: %s", lesson_name(lesson), lesson_title_line(lesson),
                 inner);
        return NULL;
    }
    for (int i = 1; i <= k; i++)
        if (lesson_advance(lesson, s, i, msg, cap)) {
            sess_destroy(s);
            return NULL;
        }
    return s;
}

const char *lesson_dir(void)
{
    return paths_lessons_dir();
}

static int by_name(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

int lesson_list(const char *dir, char paths[][512], int cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < cap) {
        size_t len = strlen(e->d_name);
        if (len > 3 && !strcmp(e->d_name + len - 3, ".md") && e->d_name[0] != '.')
            snprintf(paths[n++], 512, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(paths, (size_t)n, 512, by_name);
    return n;
}

/* ---- running steps in slices ---------------------------------------------- */

struct LessonRun {
    const Lesson *lesson;
    int step, to; /* the step being entered (from + 1 ...), the last */
    int action;   /* next action of that step */
    /* the long action under way: train (left to run) or compare */
    bool training;
    long train_left, train_total;
    SessCompareRun *cmp;
};

LessonRun *lesson_run_start(const Lesson *lesson, int from, int to)
{
    if (from < 0 || to <= from || to > lesson_step_count(lesson))
        return NULL;
    LessonRun *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->lesson = lesson;
    r->step = from + 1;
    r->to = to;
    return r;
}

void lesson_run_destroy(LessonRun *r)
{
    if (!r)
        return;
    sess_compare_stop(r->cmp);
    free(r);
}

/* A slice of a train or compare action: 1 when it is complete. */
static int long_action(LessonRun *r, Session *s, const Action *a, double budget, SessClock clock,
                       void *ctx, char *msg, size_t cap)
{
    if (a->verb == ACT_TRAIN) {
        if (!r->training) {
            r->training = true;
            r->train_left = r->train_total = a->count;
        }
        long ran = sess_train_upto(s, r->train_left, budget, clock, ctx, msg, cap);
        if (ran < 0)
            return (int)ran;
        r->train_left -= ran;
        if (r->train_left > 0)
            return 0;
        r->training = false;
        sess_refresh_spectral(s); /* as sess_train ends */
        return 1;
    }
    if (!r->cmp && !(r->cmp = sess_compare_start(s, a->count, msg, cap)))
        return NET_ERR_ARG;
    int rc = sess_compare_slice(s, r->cmp, budget, clock, ctx, msg, cap);
    if (rc != 0) {
        sess_compare_stop(r->cmp);
        r->cmp = NULL;
    }
    return rc;
}

/* One action of the current step (a slice of it when it is long): 1 when
 * it is done, 0 when it needs more slices, negative on error. */
static int run_action(LessonRun *r, Session *s, const Action *a, double budget, SessClock clock,
                      void *ctx, char *msg, size_t cap)
{
    if (a->verb == ACT_TRAIN || a->verb == ACT_COMPARE)
        return long_action(r, s, a, budget, clock, ctx, msg, cap);
    int rc = sess_run_action(s, a, msg, cap);
    return rc ? rc : 1;
}

int lesson_run_slice(LessonRun *r, Session *s, double budget, SessClock clock, void *ctx, char *msg,
                     size_t cap)
{
    double start = clock(ctx);
    while (r->step <= r->to) {
        const ActionList *acts = lesson_step_actions(r->lesson, r->step - 1);
        if (r->action >= acts->count) {
            r->step++;
            r->action = 0;
            return r->step > r->to; /* a step boundary ends the slice */
        }
        const Action *a = &acts->items[r->action];
        char inner[400];
        double left = budget - (clock(ctx) - start);
        int rc = run_action(r, s, a, left > 0 ? left : 0, clock, ctx, inner, sizeof inner);
        if (rc < 0) {
            snprintf(msg, cap, "%s:%d:%d: %s", lesson_name(r->lesson), a->line, a->col, inner);
            return rc;
        }
        r->action += rc;
        if (clock(ctx) - start >= budget)
            return 0;
    }
    return 1;
}

int lesson_run_done_step(const LessonRun *r)
{
    return r->step - 1;
}

int lesson_run_target(const LessonRun *r)
{
    return r->to;
}

void lesson_run_progress(const LessonRun *r, char *out, size_t cap)
{
    long done = 0, total = 0;
    if (r->cmp)
        sess_compare_progress(r->cmp, &done, &total);
    if (r->cmp)
        snprintf(out, cap, "step %d: comparing RNN, GRU and LSTM · training %ld / %ld", r->step,
                 done, total);
    else if (r->training)
        snprintf(out, cap, "step %d: training %ld / %ld", r->step, r->train_total - r->train_left,
                 r->train_total);
    else
        snprintf(out, cap, "entering step %d", r->step);
}

/* ---- end of running steps in slices ---------------------------------------- */
