/*
 * check-lesson's step check: runs every step headless and validates its
 * question and goal (prompt.h): the numbers of the question and of its
 * reveal can be read, and the goal is reachable (its scripted solution
 * makes it hold, and it does not hold before).
 */
#ifndef RNNVIZ_LESSON_CHECK_H
#define RNNVIZ_LESSON_CHECK_H

#include <stddef.h>

#include "lesson.h"

/* 0, or -1 with msg "NAME:LINE:COL: problem". *asks, *goals (may be NULL)
 * count what was checked. */
int lesson_check(const Lesson *lesson, int *asks, int *goals, char *msg, size_t cap);

#endif
