#include "prompt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quantity.h"

static const char *const verbs[] = {"ask",    "choice", "choice*", "answer",
                                    "reveal", "goal",   "hint",    "solve"};
enum { V_ASK, V_CHOICE, V_RIGHT, V_ANSWER, V_REVEAL, V_GOAL, V_HINT, V_SOLVE, V_COUNT };

static int err(char *msg, size_t cap, int line, int col, const char *why)
{
    snprintf(msg, cap, "%d:%d: %s", line, col, why);
    return -1;
}

/* The first word of the line (after blanks): its index in verbs, or -1;
 * *rest is where the text after it starts. */
static int verb_of(const char *s, size_t len, size_t *rest)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t j = i;
    while (j < len && s[j] != ' ' && s[j] != '\t')
        j++;
    for (int v = 0; v < V_COUNT; v++)
        if (strlen(verbs[v]) == j - i && !memcmp(s + i, verbs[v], j - i)) {
            while (j < len && (s[j] == ' ' || s[j] == '\t'))
                j++;
            *rest = j;
            return v;
        }
    return -1;
}

bool prompt_is_verb(const char *line, size_t len)
{
    size_t rest;
    return verb_of(line, len, &rest) >= 0;
}

/* Copies [s, s + n) trimmed into out (cut to cap). */
static void copy_trim(char *out, size_t cap, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* Checks every {EXPR} of text (n bytes at line:col) parses. */
static int check_braces(const char *s, size_t n, int line, int col, char *msg, size_t cap)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '}')
            return err(msg, cap, line, col + (int)i, "'}' without '{'");
        if (s[i] != '{')
            continue;
        size_t j = i + 1;
        while (j < n && s[j] != '}')
            j++;
        if (j == n)
            return err(msg, cap, line, col + (int)i, "'{' without '}'");
        Expr e;
        if (expr_parse(s + i + 1, j - i - 1, &e, line, col + (int)i + 1, msg, cap))
            return -1;
        i = j;
    }
    return 0;
}

/* TEXT | WHY: splits at the first '|'; both parts required. */
static int split_bar(const char *s, size_t n, int line, int col, const char *what, size_t *bar,
                     char *msg, size_t cap)
{
    const char *b = memchr(s, '|', n);
    if (!b) {
        char why[160];
        snprintf(why, sizeof why, "expected '%s | WHY' (the '|' and the text after it)", what);
        return err(msg, cap, line, col, why);
    }
    *bar = (size_t)(b - s);
    return 0;
}

static ActionList *actions_into(ActionList **list, const char *s, size_t n, int line, int col,
                                char *msg, size_t cap)
{
    if (!*list)
        *list = calloc(1, sizeof **list);
    if (!*list) {
        err(msg, cap, line, col, "out of memory");
        return NULL;
    }
    return action_parse_line(s, n, *list, line, col, msg, cap) ? NULL : *list;
}

static int parse_choice(StepPrompt *p, bool right, const char *s, size_t n, int line, int col,
                        char *msg, size_t cap)
{
    size_t bar = 0;
    if (!p->has_ask)
        return err(msg, cap, line, col, "'choice' before 'ask': the question comes first");
    if (p->numeric)
        return err(msg, cap, line, col, "a question has choices or an answer, not both");
    if (p->n_choices == PROMPT_MAX_CHOICES)
        return err(msg, cap, line, col, "too many choices (at most 4)");
    if (right && p->correct >= 0)
        return err(msg, cap, line, col, "a second right choice ('choice*'): mark exactly one");
    if (split_bar(s, n, line, col, "choice TEXT", &bar, msg, cap) ||
        check_braces(s, n, line, col, msg, cap))
        return -1;
    PromptChoice *c = &p->choice[p->n_choices];
    copy_trim(c->text, sizeof c->text, s, bar);
    copy_trim(c->why, sizeof c->why, s + bar + 1, n - bar - 1);
    if (!c->text[0] || !c->why[0])
        return err(msg, cap, line, col, "a choice needs its text and, after '|', why");
    c->line = line;
    c->col = col;
    if (right)
        p->correct = p->n_choices;
    p->n_choices++;
    return 0;
}

/* "EXPR ± TOL" (or "+-"); TOL a number, with '%' relative. */
static int parse_answer(StepPrompt *p, const char *s, size_t n, int line, int col, char *msg,
                        size_t cap)
{
    size_t bar = 0;
    if (!p->has_ask || p->n_choices || p->numeric)
        return err(msg, cap, line, col, "'answer' belongs to an 'ask' without choices, once");
    if (split_bar(s, n, line, col, "answer EXPR ± TOL", &bar, msg, cap))
        return -1;
    const char *pm = NULL;
    size_t pm_len = 0;
    for (size_t i = 0; i + 1 < bar && !pm; i++)
        if (!memcmp(s + i, "±", 2) || !memcmp(s + i, "+-", 2))
            pm = s + i, pm_len = 2;
    if (!pm)
        return err(msg, cap, line, col, "expected 'EXPR ± TOL' before '|' (e.g. 'H ± 0')");
    if (expr_parse(s, (size_t)(pm - s), &p->answer, line, col, msg, cap))
        return -1;
    char tol[32];
    copy_trim(tol, sizeof tol, pm + pm_len, (size_t)(s + bar - pm - pm_len));
    char *end;
    p->tol = strtod(tol, &end);
    p->tol_rel = *end == '%';
    if (end == tol || (*end && strcmp(end, "%")) || !(p->tol >= 0))
        return err(msg, cap, line, col + (int)(pm - s),
                   "expected a tolerance after '±': a number, or a percentage ('10%')");
    if (check_braces(s + bar + 1, n - bar - 1, line, col + (int)bar + 1, msg, cap))
        return -1;
    copy_trim(p->answer_why, sizeof p->answer_why, s + bar + 1, n - bar - 1);
    p->numeric = true;
    return 0;
}

static int parse_goal(StepPrompt *p, const char *s, size_t n, int line, int col, char *msg,
                      size_t cap)
{
    size_t bar = 0;
    if (p->has_goal)
        return err(msg, cap, line, col, "a second 'goal' in one step (at most one)");
    if (split_bar(s, n, line, col, "goal EXPR", &bar, msg, cap) ||
        expr_parse(s, bar, &p->cond, line, col, msg, cap))
        return -1;
    if (!expr_is_condition(&p->cond))
        return err(msg, cap, line, col,
                   "a goal is a condition: compare a quantity (e.g. 'loss < 0.02')");
    if (check_braces(s + bar + 1, n - bar - 1, line, col + (int)bar + 1, msg, cap))
        return -1;
    copy_trim(p->task, sizeof p->task, s + bar + 1, n - bar - 1);
    p->has_goal = true;
    p->goal_line = line;
    p->goal_col = col;
    return 0;
}

static int parse_text(StepPrompt *p, int v, const char *s, size_t n, int line, int col, char *msg,
                      size_t cap)
{
    if (v == V_ASK && p->has_ask)
        return err(msg, cap, line, col, "a second 'ask' in one step (at most one)");
    if (v == V_HINT && !p->has_goal)
        return err(msg, cap, line, col, "'hint' before 'goal': the goal comes first");
    if (!n)
        return err(msg, cap, line, col,
                   v == V_ASK ? "'ask' needs the question after it"
                              : "'hint' needs its text after it");
    if (check_braces(s, n, line, col, msg, cap))
        return -1;
    if (v == V_ASK) {
        copy_trim(p->question, sizeof p->question, s, n);
        p->has_ask = true;
        p->ask_line = line;
        p->ask_col = col;
        p->correct = -1;
    } else {
        copy_trim(p->hint, sizeof p->hint, s, n);
    }
    return 0;
}

int prompt_parse_line(StepPrompt *p, const char *text, size_t len, int line, int col, char *msg,
                      size_t cap)
{
    size_t rest;
    int v = verb_of(text, len, &rest);
    const char *s = text + rest;
    size_t n = len - rest;
    int at = col + (int)rest;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    switch (v) {
    case V_ASK:
    case V_HINT:
        return parse_text(p, v, s, n, line, at, msg, cap);
    case V_CHOICE:
    case V_RIGHT:
        return parse_choice(p, v == V_RIGHT, s, n, line, at, msg, cap);
    case V_ANSWER:
        return parse_answer(p, s, n, line, at, msg, cap);
    case V_GOAL:
        return parse_goal(p, s, n, line, at, msg, cap);
    case V_REVEAL:
        if (!p->has_ask)
            return err(msg, cap, line, col, "'reveal' before 'ask': the question comes first");
        return actions_into(&p->reveal, s, n, line, at, msg, cap) ? 0 : -1;
    case V_SOLVE:
        if (!p->has_goal)
            return err(msg, cap, line, col, "'solve' before 'goal': the goal comes first");
        p->solve_line = p->solve_line ? p->solve_line : line;
        return actions_into(&p->solve, s, n, line, at, msg, cap) ? 0 : -1;
    default:
        return err(msg, cap, line, col, "not a question or goal line");
    }
}

int prompt_finish(const StepPrompt *p, int step_line, char *msg, size_t cap)
{
    (void)step_line;
    if (p->has_ask && !p->numeric) {
        if (p->n_choices < 2)
            return err(msg, cap, p->ask_line, p->ask_col,
                       "a question needs 2 to 4 'choice' lines, or an 'answer' line");
        if (p->correct < 0)
            return err(msg, cap, p->ask_line, p->ask_col, "no right choice: mark it 'choice*'");
    }
    return 0;
}

void prompt_free(StepPrompt *p)
{
    free(p->reveal);
    free(p->solve);
    p->reveal = p->solve = NULL;
}

PromptState prompt_state_new(void)
{
    return (PromptState){.chosen = -1};
}

void prompt_interpolate(const char *text, const Session *s, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = text; *p && o + 1 < cap; p++) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            out[o++] = *p;
            continue;
        }
        Expr e;
        double v;
        char val[32], why[200];
        if (expr_parse(p + 1, (size_t)(close - p - 1), &e, 1, 1, why, sizeof why) ||
            quantity_eval(&e, s, &v, why, sizeof why))
            snprintf(val, sizeof val, "?");
        else
            quantity_format(v, val, sizeof val);
        size_t n = strlen(val);
        if (o + n >= cap)
            break;
        memcpy(out + o, val, n);
        o += n;
        p = close;
    }
    out[o] = '\0';
}

bool prompt_goal_holds(const StepPrompt *p, const Session *s, char *msg, size_t cap)
{
    double v;
    if (!p->has_goal || quantity_eval(&p->cond, s, &v, msg, cap))
        return false;
    return v != 0;
}

bool prompt_number_right(const StepPrompt *p, const Session *s, double v)
{
    double want;
    char why[200];
    if (!p->numeric || quantity_eval(&p->answer, s, &want, why, sizeof why))
        return false;
    double tol = p->tol_rel ? fabs(want) * p->tol / 100 : p->tol;
    return fabs(v - want) <= tol + 1e-12 * fabs(want);
}

static void view_ask(const StepPrompt *p, const PromptState *st, const Session *s, PromptView *out)
{
    out->has_ask = true;
    prompt_interpolate(p->question, s, out->question, sizeof out->question);
    out->numeric = p->numeric;
    out->n_choices = p->n_choices;
    out->correct = p->correct;
    out->chosen = st->chosen;
    out->revealed = st->revealed;
    snprintf(out->typed, sizeof out->typed, "%s", st->typed);
    for (int i = 0; i < p->n_choices; i++) {
        snprintf(out->choice[i], sizeof out->choice[i], "%s", p->choice[i].text);
        if (st->revealed)
            prompt_interpolate(p->choice[i].why, s, out->why[i], sizeof out->why[i]);
    }
    if (p->numeric && st->revealed) {
        double want;
        char why[200];
        if (quantity_eval(&p->answer, s, &want, why, sizeof why) == 0)
            quantity_format(want, out->answer, sizeof out->answer);
        prompt_interpolate(p->answer_why, s, out->why[0], sizeof out->why[0]);
        out->right = st->has_number && prompt_number_right(p, s, st->number);
    } else {
        out->right = st->chosen >= 0 && st->chosen == p->correct;
    }
}

void prompt_view(const StepPrompt *p, const PromptState *st, const Session *s, PromptView *out)
{
    memset(out, 0, sizeof *out);
    out->chosen = -1;
    if (p && p->has_ask)
        view_ask(p, st, s, out);
    if (!p || !p->has_goal)
        return;
    out->has_goal = true;
    prompt_interpolate(p->task, s, out->task, sizeof out->task);
    prompt_interpolate(p->hint, s, out->hint, sizeof out->hint);
    char why[PROMPT_TEXT_CAP];
    why[0] = '\0';
    bool holds = prompt_goal_holds(p, s, why, sizeof why);
    out->goal_met = st->goal_met || holds;
    if (!holds && why[0]) {
        const char *w = strstr(why, ": ");
        snprintf(out->goal_now, sizeof out->goal_now, "%s", w ? w + 2 : why);
    }
}

/* Every {EXPR} of text evaluates on s. */
static int check_text(const char *text, int line, const Session *s, char *msg, size_t cap)
{
    for (const char *p = strchr(text, '{'); p; p = strchr(p + 1, '{')) {
        const char *close = strchr(p, '}');
        Expr e;
        double v;
        char why[300];
        if (!close)
            break;
        if (expr_parse(p + 1, (size_t)(close - p - 1), &e, line, 1, why, sizeof why) ||
            quantity_eval(&e, s, &v, why, sizeof why)) {
            const char *w = strstr(why, ": ");
            snprintf(msg, cap, "%d:1: {%.*s}: %s", line, (int)(close - p - 1), p + 1,
                     w ? w + 2 : why);
            return -1;
        }
    }
    return 0;
}

int prompt_check_question(const StepPrompt *p, const Session *s, char *msg, size_t cap)
{
    return p->has_ask ? check_text(p->question, p->ask_line, s, msg, cap) : 0;
}

int prompt_check_reveal(const StepPrompt *p, const Session *s, char *msg, size_t cap)
{
    if (!p->has_ask)
        return 0;
    for (int i = 0; i < p->n_choices; i++)
        if (check_text(p->choice[i].why, p->choice[i].line, s, msg, cap))
            return -1;
    double v;
    char why[300];
    if (p->numeric && quantity_eval(&p->answer, s, &v, why, sizeof why)) {
        snprintf(msg, cap, "%s", why);
        return -1;
    }
    return p->numeric ? check_text(p->answer_why, p->ask_line, s, msg, cap) : 0;
}

int prompt_check_goal_start(const StepPrompt *p, const Session *s, char *msg, size_t cap)
{
    char why[300];
    if (!p->has_goal)
        return 0;
    if (!p->solve)
        return err(msg, cap, p->goal_line, p->goal_col,
                   "a goal needs a scripted solution: add a 'solve ACTIONS' line");
    if (prompt_goal_holds(p, s, why, sizeof why))
        return err(msg, cap, p->goal_line, p->goal_col,
                   "the goal already holds when the step starts: nothing to do");
    return check_text(p->task, p->goal_line, s, msg, cap);
}

int prompt_check_goal_solved(const StepPrompt *p, const Session *s, char *msg, size_t cap)
{
    char why[300] = "";
    if (!p->has_goal || prompt_goal_holds(p, s, why, sizeof why))
        return 0;
    char m[400];
    snprintf(m, sizeof m, "the goal does not hold after its 'solve' line (line %d)%s%s",
             p->solve_line, why[0] ? ": " : "", why);
    return err(msg, cap, p->goal_line, p->goal_col, m);
}
