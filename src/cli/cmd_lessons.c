/*
 * rnnviz lessons: the shipped lessons with their titles.
 * rnnviz check-lesson FILE: parses a lesson and runs every step headless;
 * prints the first problem as FILE:LINE:COL: message and exits non-zero.
 * rnnviz check-lesson --watch FILE: checks again on each change of the
 * file, until interrupted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "commands.h"
#include "lesson.h"
#include "lesson_check.h"
#include "lesson_run.h"

int cmd_lessons(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: rnnviz lessons\n\nLists the shipped lessons (open one with "
               "rnnviz FILE.md).\n");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "rnnviz lessons: unexpected argument '%s'\n", argv[1]);
        return 2;
    }
    int n = lesson_count(lesson_dir());
    char(*paths)[512] = n > 0 ? malloc((size_t)n * sizeof *paths) : NULL;
    if (n > 0 && !paths) {
        fprintf(stderr, "rnnviz lessons: out of memory\n");
        return 1;
    }
    n = n > 0 ? lesson_list(lesson_dir(), paths, n) : 0;
    if (n == 0) {
        fprintf(stderr, "rnnviz lessons: no lessons in %s\n", lesson_dir());
        free(paths);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        char msg[600];
        Lesson *l = lesson_load(paths[i], msg, sizeof msg);
        if (l)
            printf("%-40s %s (%d steps)\n", paths[i], lesson_title(l), lesson_step_count(l));
        else
            printf("%-40s (broken: %s)\n", paths[i], msg);
        lesson_destroy(l);
    }
    free(paths);
    return 0;
}

/* ---- check-lesson --watch ---- */

/* What tells a changed file: device, inode, size, mtime; zeros when absent. */
static void watch_id(const char *path, long long id[5])
{
    struct stat st;
    memset(id, 0, 5 * sizeof *id);
    if (stat(path, &st))
        return;
    id[0] = (long long)st.st_dev;
    id[1] = (long long)st.st_ino;
    id[2] = (long long)st.st_size;
    id[3] = (long long)st.st_mtim.tv_sec;
    id[4] = (long long)st.st_mtim.tv_nsec;
}

/* Checks path now and again whenever it changes (looked at twice a
 * second), printing ok or the problem each time; runs until Ctrl+C. */
_Noreturn static void check_lesson_watch(const char *path)
{
    char *args[] = {"check-lesson", (char *)path, NULL};
    long long seen[5], now[5];
    watch_id(path, seen);
    cmd_check_lesson(2, args);
    printf("watching %s for changes (Ctrl+C stops)\n", path);
    for (;;) {
        fflush(stdout);
        fflush(stderr);
        nanosleep(&(struct timespec){0, 500000000L}, NULL);
        watch_id(path, now);
        if (!memcmp(now, seen, sizeof now))
            continue;
        memcpy(seen, now, sizeof seen);
        cmd_check_lesson(2, args);
    }
}

/* ---- end of check-lesson --watch ---- */

int cmd_check_lesson(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--watch"))
        check_lesson_watch(argv[2]);
    if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *out = argc == 2 ? stdout : stderr;
        fprintf(out, "usage: rnnviz check-lesson [--watch] FILE.md\n\nParses the lesson and runs "
                     "every step headless; checks each question's numbers and that each goal's "
                     "'solve' line reaches it; --watch checks again on each change of the file "
                     "until Ctrl+C.\n");
        return argc == 2 ? 0 : 2;
    }
    char msg[800];
    Lesson *l = lesson_load(argv[1], msg, sizeof msg);
    if (!l) {
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    int asks = 0, goals = 0;
    int rc = lesson_check(l, &asks, &goals, msg, sizeof msg) ? 1 : 0;
    if (rc)
        fprintf(stderr, "%s\n", msg);
    else
        printf("%s: ok, %d steps, %d questions, %d goals (each reached by its solution)\n", argv[1],
               lesson_step_count(l), asks, goals);
    lesson_destroy(l);
    return rc;
}
