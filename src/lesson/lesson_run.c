#include "lesson_run.h"
#include "lesson_budget.h"
#include "lesson_files.h"
#include "paths.h"
#include "prompt.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The setup's `visible = WORDS`: the plot elements shown from the start
 * (sigma, rho, guides, bands; none), separated by ',' or blanks. Calls
 * fn on each word; a word fn refuses stops it (returns -1). */
static int each_visible(const char *value, int (*fn)(void *ctx, const char *word), void *ctx)
{
    char buf[ACTION_VALUE_CAP];
    snprintf(buf, sizeof buf, "%.*s", (int)sizeof buf - 1, value);
    char *save = NULL;
    for (char *w = strtok_r(buf, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save))
        if (strcmp(w, "none") && fn(ctx, w))
            return -1;
    return 0;
}

static int known_element(void *ctx, const char *word)
{
    static const char *const names[] = {"sigma", "rho", "guides", "bands"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(word, names[i]))
            return 0;
    snprintf(ctx, 200, "visible: unknown plot element '%.40s' (sigma, rho, guides, bands or none)",
             word);
    return -1;
}

static int show_element(void *ctx, const char *word)
{
    char why[200];
    return sess_panel(ctx, word, true, why, sizeof why);
}

/* A lesson with a `visible` line starts with just those plot elements,
 * and its steps `show` the others when they teach them; a lesson without
 * one shows them all, as free exploration does. */
static void apply_visible(const Lesson *lesson, Session *s)
{
    for (int i = 0; i < lesson_setup_count(lesson); i++) {
        const char *key, *value;
        int line, col;
        lesson_setup_entry(lesson, i, &key, &value, &line, &col);
        if (!strcmp(key, "visible")) {
            sess_display(s)->shown = 0;
            each_visible(value, show_element, s);
        }
    }
}

int lesson_settings(const Lesson *lesson, Settings *out, char *msg, size_t cap)
{
    Settings st;
    settings_default(&st);
    for (int i = 0; i < lesson_setup_count(lesson); i++) {
        const char *key, *value;
        int line, col;
        char inner[400];
        lesson_setup_entry(lesson, i, &key, &value, &line, &col);
        char path[SETTINGS_PATH_MAX];
        if (lesson_files_is_file_key(key) &&
            lesson_files_resolve(lesson_name(lesson), value, path, sizeof path, inner,
                                 sizeof inner) < 0) {
            snprintf(msg, cap, "%s:%d:%d: %s: %s", lesson_name(lesson), line, col, key, inner);
            return -1;
        }
        if (lesson_files_is_file_key(key))
            value = path;
        bool vis = !strcmp(key, "visible");
        if (vis ? each_visible(value, known_element, inner)
                : settings_set(&st, key, value, inner, sizeof inner)) {
            snprintf(msg, cap, "%s:%d:%d: %s", lesson_name(lesson), line, col, inner);
            return -1;
        }
    }
    *out = st;
    return 0;
}

/* A step's `set text_file = ...` goes through the lesson sandbox: the
 * resolved path into out (ACTION_VALUE_CAP bytes); -1 with msg saying
 * "KEY: why" (the caller adds the place). */
static int resolve_file_value(const Lesson *lesson, const Action *a, char *out, char *msg,
                              size_t cap)
{
    char path[SETTINGS_PATH_MAX], why[400];
    int rc =
        lesson_files_resolve(lesson_name(lesson), a->value, path, sizeof path, why, sizeof why);
    if (rc == 0 && strlen(path) >= ACTION_VALUE_CAP)
        rc = -1,
        snprintf(why, sizeof why, "the path is too long for a step (set it in the setup block)");
    if (rc < 0) {
        snprintf(msg, cap, "%s: %.380s", a->key, why);
        return -1;
    }
    snprintf(out, ACTION_VALUE_CAP, "%s", path);
    return 0;
}

static bool is_file_action(const Action *a)
{
    return a->verb == ACT_SET && lesson_files_is_file_key(a->key);
}

/* The step's actions with every file path resolved: *copy is then a copy
 * of acts (free() it), or stays NULL when no action names a file. */
static int resolve_step_files(const Lesson *lesson, const ActionList *acts, ActionList **copy,
                              char *msg, size_t cap)
{
    for (int i = 0; i < acts->count; i++) {
        if (!is_file_action(&acts->items[i]))
            continue;
        if (!*copy) {
            if (!(*copy = malloc(sizeof **copy))) {
                snprintf(msg, cap, "%s: out of memory", lesson_name(lesson));
                return -1;
            }
            **copy = *acts;
        }
        char why[480];
        const Action *a = &acts->items[i];
        if (resolve_file_value(lesson, a, (*copy)->items[i].value, why, sizeof why) < 0) {
            snprintf(msg, cap, "%s:%d:%d: %s", lesson_name(lesson), a->line, a->value_col, why);
            free(*copy);
            *copy = NULL;
            return -1;
        }
    }
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
    ActionList *copy = NULL;
    if (resolve_step_files(lesson, acts, &copy, msg, cap) < 0)
        return -1;
    char inner[480];
    sess_display(s)->n_marks = 0; /* a step's highlights are its own */
    int rc = sess_run_actions(s, copy ? copy : acts, inner, sizeof inner);
    free(copy);
    if (rc) {
        snprintf(msg, cap, "%s:%s", lesson_name(lesson), inner);
        return -1;
    }
    return 0;
}

int lesson_reveal(const Lesson *lesson, Session *s, int k, char *msg, size_t cap)
{
    if (k < 1 || k > lesson_step_count(lesson))
        return 0;
    const StepPrompt *p = lesson_step_prompt(lesson, k - 1);
    char inner[480];
    if (p->reveal && sess_run_actions(s, p->reveal, inner, sizeof inner)) {
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
    if (lesson_settings(lesson, &st, msg, cap) || lesson_check_budget(lesson, msg, cap))
        return NULL;
    char inner[480];
    Session *s = sess_create(&st, inner, sizeof inner);
    if (!s) {
        snprintf(msg, cap, "%s:%d: setup: %s", lesson_name(lesson), lesson_title_line(lesson),
                 inner);
        return NULL;
    }
    apply_visible(lesson, s);
    for (int i = 1; i <= k; i++)
        if ((i > 1 && lesson_reveal(lesson, s, i - 1, msg, cap)) ||
            lesson_advance(lesson, s, i, msg, cap)) {
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

int lesson_count(const char *dir)
{
    return lesson_list(dir, NULL, 0);
}

int lesson_list(const char *dir, char paths[][512], int cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0, total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= 3 || strcmp(e->d_name + len - 3, ".md") || e->d_name[0] == '.')
            continue;
        if (n < cap)
            snprintf(paths[n++], 512, "%s/%s", dir, e->d_name);
        total++;
    }
    closedir(d);
    if (cap == 0)
        return total;
    qsort(paths, (size_t)n, 512, by_name);
    return n;
}

/* ---- running steps in slices ---------------------------------------------- */

struct LessonRun {
    const Lesson *lesson;
    int step, to; /* the step being entered (from + 1 ...), the last */
    int action;   /* next action of that step */
    bool begun;   /* the step's start (earlier reveal, marks cleared) is done */
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
    Action resolved;
    if (is_file_action(a)) { /* the sandbox, as lesson_advance applies it */
        resolved = *a;
        if (resolve_file_value(r->lesson, a, resolved.value, msg, cap) < 0)
            return -1;
        a = &resolved;
    }
    int rc = sess_run_action(s, a, msg, cap);
    return rc ? rc : 1;
}

int lesson_run_slice(LessonRun *r, Session *s, double budget, SessClock clock, void *ctx, char *msg,
                     size_t cap)
{
    double start = clock(ctx);
    while (r->step <= r->to) {
        /* as lesson_enter: the previous step's reveal, then this step's
         * actions on a diagram without the previous step's highlights */
        if (!r->begun) {
            if (r->step > 1 && lesson_reveal(r->lesson, s, r->step - 1, msg, cap))
                return -1;
            sess_display(s)->n_marks = 0;
            r->begun = true;
        }
        const ActionList *acts = lesson_step_actions(r->lesson, r->step - 1);
        if (r->action >= acts->count) {
            r->step++;
            r->action = 0;
            r->begun = false;
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
