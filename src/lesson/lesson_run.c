#include "lesson_run.h"
#include "lesson_budget.h"
#include "lesson_files.h"

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
        char path[SETTINGS_PATH_MAX];
        if (lesson_files_is_file_key(key) &&
            lesson_files_resolve(lesson_name(lesson), value, path, sizeof path, inner,
                                 sizeof inner) < 0) {
            snprintf(msg, cap, "%s:%d:%d: %s: %s", lesson_name(lesson), line, col, key, inner);
            return -1;
        }
        if (lesson_files_is_file_key(key))
            value = path;
        if (settings_set(&st, key, value, inner, sizeof inner)) {
            snprintf(msg, cap, "%s:%d:%d: %s", lesson_name(lesson), line, col, inner);
            return -1;
        }
    }
    *out = st;
    return 0;
}

/* A step's `set text_file = ...` goes through the lesson sandbox: *copy
 * is then a copy of acts with the resolved paths (free() it). */
static int resolve_step_files(const Lesson *lesson, const ActionList *acts, ActionList **copy,
                              char *msg, size_t cap)
{
    for (int i = 0; i < acts->count; i++) {
        const Action *a = &acts->items[i];
        if (a->verb != ACT_SET || !lesson_files_is_file_key(a->key))
            continue;
        if (!*copy) {
            *copy = malloc(sizeof **copy);
            if (!*copy) {
                snprintf(msg, cap, "%s: out of memory", lesson_name(lesson));
                return -1;
            }
            **copy = *acts;
        }
        char path[SETTINGS_PATH_MAX], why[400];
        int rc =
            lesson_files_resolve(lesson_name(lesson), a->value, path, sizeof path, why, sizeof why);
        if (rc == 0 && strlen(path) >= ACTION_VALUE_CAP)
            rc = -1, snprintf(why, sizeof why,
                              "the path is too long for a step (set it in the "
                              "setup block)");
        if (rc < 0) {
            snprintf(msg, cap, "%s:%d:%d: %s: %s", lesson_name(lesson), a->line, a->value_col,
                     a->key, why);
            free(*copy);
            *copy = NULL;
            return -1;
        }
        snprintf((*copy)->items[i].value, ACTION_VALUE_CAP, "%s", path);
    }
    return 0;
}

int lesson_advance(const Lesson *lesson, Session *s, int k, char *msg, size_t cap)
{
    const ActionList *acts = lesson_step_actions(lesson, k - 1);
    if (!acts) {
        snprintf(msg, cap, "%s: no step %d (the lesson has %d)", lesson_name(lesson), k,
                 lesson_step_count(lesson));
        return -1;
    }
    ActionList *copy = NULL;
    if (resolve_step_files(lesson, acts, &copy, msg, cap) < 0)
        return -1;
    char inner[480];
    int rc = sess_run_actions(s, copy ? copy : acts, inner, sizeof inner);
    free(copy);
    if (rc) {
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
    for (int i = 1; i <= k; i++)
        if (lesson_advance(lesson, s, i, msg, cap)) {
            sess_destroy(s);
            return NULL;
        }
    return s;
}

const char *lesson_dir(void)
{
    const char *env = getenv("RNNVIZ_LESSONS");
    return env && *env ? env : RNNVIZ_LESSONS_DIR;
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
