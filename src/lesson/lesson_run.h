/*
 * Running a lesson on a session. Entering step k is defined as: apply the
 * setup, then the actions of steps 1..k in order, each step before k
 * followed by its question's reveal actions (k = 0 is the introduction).
 * lesson_advance applies one more step to a session that is exactly at
 * step k-1 with its reveal run (lesson_reveal), which gives the same state
 * as entering step k.
 */
#ifndef RNNVIZ_LESSON_RUN_H
#define RNNVIZ_LESSON_RUN_H

#include <stddef.h>

#include "lesson.h"
#include "session.h"
#include "settings.h"

/* Settings of the setup block; msg "NAME:LINE:COL: problem" on error. */
int lesson_settings(const Lesson *lesson, Settings *out, char *msg, size_t cap);
/* A new session at step k; NULL with msg on error. */
Session *lesson_enter(const Lesson *lesson, int k, char *msg, size_t cap);
/* Step k's actions on a session at step k-1 (1 <= k <= steps). */
int lesson_advance(const Lesson *lesson, Session *s, int k, char *msg, size_t cap);

/* ---- running steps in slices, for a window that must stay live ---- */
/* Runs steps from+1..to on a session at step from, a time slice at a time,
 * with the same result as lesson_advance on each step: train and compare
 * run in slices, other actions whole. NULL unless 0 <= from < to <= steps
 * (or out of memory). The lesson must outlive the run. */
typedef struct LessonRun LessonRun;
LessonRun *lesson_run_start(const Lesson *lesson, int from, int to);
void lesson_run_destroy(LessonRun *r); /* NULL is fine */
/* Works on s for about budget seconds of clock(ctx); a slice also ends
 * when a step is complete. Returns 1 once step `to` is complete, 0 when
 * more remains, negative with msg "NAME:LINE:COL: problem" on error (s is
 * then part-way through a step). */
int lesson_run_slice(LessonRun *r, Session *s, double budget, SessClock clock, void *ctx, char *msg,
                     size_t cap);
int lesson_run_done_step(const LessonRun *r); /* the last step complete */
int lesson_run_target(const LessonRun *r);
/* What it is doing, for the status line: "step 5: training 120 / 500". */
void lesson_run_progress(const LessonRun *r, char *out, size_t cap);
/* ---- end of running steps in slices ---- */
/* Step k's reveal actions (its question's answer shown); 0 when it has
 * none or k is out of range. */
int lesson_reveal(const Lesson *lesson, Session *s, int k, char *msg, size_t cap);

/* The shipped lessons: directory (env RNNVIZ_LESSONS, else as paths.h finds it). */
const char *lesson_dir(void);
/* Sorted paths of the *.md files in dir; returns the count (<= cap). */
int lesson_list(const char *dir, char paths[][512], int cap);
/* How many *.md files dir holds (to size the list). */
int lesson_count(const char *dir);

#endif
