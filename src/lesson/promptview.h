/*
 * A lesson step's question and goal as the view draws them: plain text
 * with the engine's numbers already filled in (prompt.h builds it). Plain
 * C types only, so the view can read it.
 */
#ifndef RNNVIZ_PROMPTVIEW_H
#define RNNVIZ_PROMPTVIEW_H

#include <stdbool.h>

#define PROMPT_TEXT_CAP 400
#define PROMPT_CHOICE_CAP 120
#define PROMPT_MAX_CHOICES 4

/* The prompt as the view draws it: text with its numbers filled in. */
typedef struct {
    bool has_ask;
    char question[PROMPT_TEXT_CAP];
    int n_choices;
    char choice[PROMPT_MAX_CHOICES][PROMPT_CHOICE_CAP];
    char why[PROMPT_MAX_CHOICES][PROMPT_TEXT_CAP]; /* numeric: why[0] */
    bool numeric;
    char typed[24];
    char answer[32]; /* numeric: the right value */
    int chosen, correct;
    bool revealed, right;

    bool has_goal;
    char task[PROMPT_TEXT_CAP];
    char hint[PROMPT_TEXT_CAP];
    char goal_now[PROMPT_TEXT_CAP]; /* the condition's state or why it cannot be read */
    bool goal_met;
} PromptView;

#endif
