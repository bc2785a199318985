/* The step's question and goal in the window: answering, revealing, the
 * goal checked live, and holding the next step until the question is
 * answered (prompt.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "lesson.h"
#include "lesson_run.h"
#include "prompt.h"

static const StepPrompt *current(const App *app)
{
    if (!app->lesson || app->step < 1 || app->step > lesson_step_count(app->lesson))
        return NULL;
    return lesson_step_prompt(app->lesson, app->step - 1);
}

/* A new step (or lesson) starts with a fresh prompt state. */
static void sync_step(App *app)
{
    if (app->prompt_lesson == app->lesson && app->prompt_step == app->step)
        return;
    app->prompt_lesson = app->lesson;
    app->prompt_step = app->step;
    app->prompt = prompt_state_new();
}

bool app_prompt_open(App *app)
{
    sync_step(app);
    const StepPrompt *p = current(app);
    return p && p->has_ask && !app->prompt.revealed;
}

void app_prompt_reveal(App *app)
{
    char msg[800];
    const StepPrompt *p = current(app);
    sync_step(app);
    if (!p || !p->has_ask || app->prompt.revealed)
        return;
    app->prompt.revealed = true;
    if (lesson_reveal(app->lesson, app->s, app->step, msg, sizeof msg))
        snprintf(app->lesson_err, sizeof app->lesson_err, "%s", msg);
    app_sync_motion(app);
}

/* A number question: digits, '.', '-', 'e' type; Backspace erases; Enter
 * answers. */
static void type_key(App *app, int key)
{
    PromptState *st = &app->prompt;
    size_t n = strlen(st->typed);
    if (key == '\b' && n > 0) {
        st->typed[n - 1] = '\0';
    } else if (key == '\r' && n > 0) {
        char *end;
        double v = strtod(st->typed, &end);
        if (*end) {
            app_say(app, "not a number: type digits, '.', '-' or 'e', then Enter");
            return;
        }
        st->has_number = true;
        st->number = v;
        app_prompt_reveal(app);
    } else if (key != '\b' && key != '\r' && n + 1 < sizeof st->typed) {
        st->typed[n] = (char)key;
        st->typed[n + 1] = '\0';
    }
}

void app_prompt_key(App *app, int key)
{
    const StepPrompt *p = current(app);
    if (!app_prompt_open(app))
        return;
    if (p->numeric) {
        type_key(app, key);
        return;
    }
    int i = key - '1';
    if (i < 0 || i >= p->n_choices)
        return;
    app->prompt.chosen = i;
    app_prompt_reveal(app);
}

void app_prompt_choose(App *app, int i)
{
    app_prompt_key(app, '1' + i);
}

bool app_prompt_blocks_next(App *app)
{
    if (!app_prompt_open(app))
        return false;
    const StepPrompt *p = current(app);
    app_say(app, p->numeric ? "answer first: type a number and press Enter (X reveals it)"
                            : "answer first: press 1–4 or click a choice (X reveals it)");
    return true;
}

const PromptView *app_prompt_view(App *app)
{
    const StepPrompt *p = current(app);
    sync_step(app);
    if (!p || (!p->has_ask && !p->has_goal))
        return NULL;
    bool was = app->prompt.goal_met;
    prompt_view(p, &app->prompt, app->s, &app->pv);
    app->prompt.goal_met = app->pv.goal_met;
    if (!was && app->pv.goal_met)
        app_say(app, "goal done ✓");
    return &app->pv;
}
