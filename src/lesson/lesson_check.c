#include "lesson_check.h"

#include <stdio.h>

#include "lesson_run.h"
#include "prompt.h"

static int named(const Lesson *l, int rc, const char *inner, char *msg, size_t cap)
{
    if (rc)
        snprintf(msg, cap, "%s:%s", lesson_name(l), inner);
    return rc ? -1 : 0;
}

/* The goal of step k on a session of its own: not met at the start, met
 * after the solve actions. */
static int check_goal(const Lesson *l, int k, char *msg, size_t cap)
{
    const StepPrompt *p = lesson_step_prompt(l, k - 1);
    char inner[600];
    Session *s = lesson_enter(l, k, msg, cap);
    if (!s)
        return -1;
    int rc = lesson_reveal(l, s, k, msg, cap);
    if (!rc)
        rc = named(l, prompt_check_goal_start(p, s, inner, sizeof inner), inner, msg, cap);
    if (!rc)
        rc = named(l, sess_run_actions(s, p->solve, inner, sizeof inner), inner, msg, cap);
    if (!rc)
        rc = named(l, prompt_check_goal_solved(p, s, inner, sizeof inner), inner, msg, cap);
    sess_destroy(s);
    return rc;
}

int lesson_check(const Lesson *lesson, int *asks, int *goals, char *msg, size_t cap)
{
    char inner[600];
    int n_ask = 0, n_goal = 0;
    Session *s = lesson_enter(lesson, 0, msg, cap);
    int rc = s ? 0 : -1;
    for (int k = 1; s && k <= lesson_step_count(lesson) && !rc; k++) {
        const StepPrompt *p = lesson_step_prompt(lesson, k - 1);
        rc = lesson_advance(lesson, s, k, msg, cap);
        if (!rc && p->has_ask) {
            n_ask++;
            rc = named(lesson, prompt_check_question(p, s, inner, sizeof inner), inner, msg, cap);
        }
        if (!rc)
            rc = lesson_reveal(lesson, s, k, msg, cap);
        if (!rc && p->has_ask)
            rc = named(lesson, prompt_check_reveal(p, s, inner, sizeof inner), inner, msg, cap);
        if (!rc && p->has_goal) {
            n_goal++;
            rc = check_goal(lesson, k, msg, cap);
        }
    }
    sess_destroy(s);
    if (asks)
        *asks = n_ask;
    if (goals)
        *goals = n_goal;
    return rc ? -1 : 0;
}
