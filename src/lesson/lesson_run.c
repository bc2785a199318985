#include "lesson_run.h"
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
    snprintf(buf, sizeof buf, "%s", value);
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

int lesson_advance(const Lesson *lesson, Session *s, int k, char *msg, size_t cap)
{
    if (k < 1 || k > lesson_step_count(lesson)) {
        snprintf(msg, cap, "%s: no step %d (the lesson has %d)", lesson_name(lesson), k,
                 lesson_step_count(lesson));
        return -1;
    }
    const ActionList *acts = lesson_step_actions(lesson, k - 1);
    char inner[480];
    sess_display(s)->n_marks = 0; /* a step's highlights are its own */
    if (sess_run_actions(s, acts, inner, sizeof inner)) {
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
    if (lesson_settings(lesson, &st, msg, cap))
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
