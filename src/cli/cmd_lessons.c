/*
 * rnnviz lessons: the shipped lessons with their titles.
 * rnnviz check-lesson FILE: parses a lesson and runs every step headless;
 * prints the first problem as FILE:LINE:COL: message and exits non-zero.
 */
#include <stdio.h>
#include <string.h>

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
    static char paths[64][512];
    int n = lesson_list(lesson_dir(), paths, 64);
    if (n == 0) {
        fprintf(stderr, "rnnviz lessons: no lessons in %s\n", lesson_dir());
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
    return 0;
}

int cmd_check_lesson(int argc, char **argv)
{
    if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *out = argc == 2 ? stdout : stderr;
        fprintf(out, "usage: rnnviz check-lesson FILE.md\n\nParses the lesson and runs every "
                     "step headless; checks each question's numbers and that each goal's "
                     "'solve' line reaches it.\n");
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
