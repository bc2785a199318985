/*
 * Questions and try-it goals of a lesson step (docs/lessons.md, "ask" and
 * "goal"). They are lines of a step's rnnviz block, taken out before the
 * action parser sees them:
 *
 *   ask QUESTION                   the question (one per step)
 *   choice TEXT | WHY              a wrong choice and why it is wrong
 *   choice* TEXT | WHY             the right choice (exactly one)
 *   answer EXPR ± TOL | WHY        or: a number question (TOL may end in %;
 *                                  "+-" for "±")
 *   reveal ACTIONS                 actions run when the answer is shown
 *                                  (';'-separated, as in the block)
 *   goal EXPR | TASK               a condition and the task it checks (one per step)
 *   hint TEXT                      shown under the task until it is done
 *   solve ACTIONS                  a scripted solution: check-lesson runs it
 *                                  and checks that the goal then holds
 *
 * QUESTION, WHY, TASK and HINT may hold {EXPR}: an expression (expr.h) over
 * the session's quantities (quantity.h), replaced by its value when shown
 * ("{ratio(0, T-1)}" -> "2.4e-07"). A question has 2 to 4 choices, or one
 * answer. Text is cut at PROMPT_TEXT_CAP bytes.
 *
 * Conventions: functions return 0, or -1 with msg "LINE:COL: problem".
 */
#ifndef RNNVIZ_PROMPT_H
#define RNNVIZ_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#include "actions.h"
#include "expr.h"
#include "promptview.h"
#include "session.h"

typedef struct {
    char text[PROMPT_CHOICE_CAP];
    char why[PROMPT_TEXT_CAP];
    int line, col;
} PromptChoice;

/* One step's question and goal, as parsed. */
typedef struct StepPrompt {
    bool has_ask;
    int ask_line, ask_col;
    char question[PROMPT_TEXT_CAP];
    int n_choices, correct; /* correct: index of the choice* */
    PromptChoice choice[PROMPT_MAX_CHOICES];
    bool numeric; /* an answer line instead of choices */
    Expr answer;
    double tol;
    bool tol_rel;
    char answer_why[PROMPT_TEXT_CAP];
    ActionList *reveal; /* NULL: nothing to run */

    bool has_goal;
    int goal_line, goal_col;
    Expr cond;
    char task[PROMPT_TEXT_CAP];
    char hint[PROMPT_TEXT_CAP];
    ActionList *solve; /* NULL: no scripted solution */
    int solve_line;
} StepPrompt;

/* What the student did with the step's prompt (the app keeps it). */
typedef struct {
    int chosen;      /* choice picked, -1 none */
    bool has_number; /* a number question: the number typed */
    double number;
    char typed[24]; /* the digits typed so far */
    bool revealed;  /* the answer is shown (answered or skipped) */
    bool goal_met;  /* latched: the goal held once */
} PromptState;

/* Verbs this module takes out of rnnviz blocks. */
bool prompt_is_verb(const char *line, size_t len);
/* One such line (len bytes at line:col) into p. */
int prompt_parse_line(StepPrompt *p, const char *text, size_t len, int line, int col, char *msg,
                      size_t cap);
/* After the step's last block: 2-4 choices with one right, or an answer;
 * hint/solve only with a goal. step_line places the message. */
int prompt_finish(const StepPrompt *p, int step_line, char *msg, size_t cap);
void prompt_free(StepPrompt *p);

PromptState prompt_state_new(void);
/* Fills text with {EXPR} replaced by values on s (an expression that cannot
 * be read yet shows as "?"). */
void prompt_interpolate(const char *text, const Session *s, char *out, size_t cap);
/* Does the goal hold on s? false (msg set) when it cannot be read yet. */
bool prompt_goal_holds(const StepPrompt *p, const Session *s, char *msg, size_t cap);
/* Is the number typed right (within the tolerance of the answer on s)? */
bool prompt_number_right(const StepPrompt *p, const Session *s, double v);
/* The view's copy of the prompt, numbers filled in from s. */
void prompt_view(const StepPrompt *p, const PromptState *st, const Session *s, PromptView *out);

/* check-lesson: the question's numbers can be read on entering the step;
 * the reveal's after its reveal actions; the goal has a solve line and
 * does not hold at the start; it holds after the solve actions. */
int prompt_check_question(const StepPrompt *p, const Session *s, char *msg, size_t cap);
int prompt_check_reveal(const StepPrompt *p, const Session *s, char *msg, size_t cap);
int prompt_check_goal_start(const StepPrompt *p, const Session *s, char *msg, size_t cap);
int prompt_check_goal_solved(const StepPrompt *p, const Session *s, char *msg, size_t cap);

#endif
