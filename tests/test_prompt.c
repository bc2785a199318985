/*
 * A step's question and goal (prompt.h): parsing the ask/choice/answer/
 * goal/hint/reveal/solve lines and their messages, the checks at the end
 * of a step, {EXPR} interpolation over a live session, number answers
 * within absolute and relative tolerances, goals that hold or cannot be
 * read yet, and the view's copy before and after the reveal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "prompt.h"
#include "quantity.h"
#include "support.h"

static char msg[400];

/* Parses lines ('\n'-separated) from line 10, column 1; the first failure's
 * return. */
static int parse(StepPrompt *p, const char *lines)
{
    memset(p, 0, sizeof *p);
    p->correct = -1;
    int line = 10;
    msg[0] = '\0';
    for (const char *s = lines; *s; line++) {
        size_t n = strcspn(s, "\n");
        if (!prompt_is_verb(s, n))
            fail_msg("'%.*s' is not a prompt line", (int)n, s);
        if (prompt_parse_line(p, s, n, line, 1, msg, sizeof msg))
            return -1;
        s += n + (s[n] == '\n');
    }
    return prompt_finish(p, 9, msg, sizeof msg);
}

static void refused(const char *lines, const char *want)
{
    StepPrompt p;
    if (parse(&p, lines) == 0)
        fail_msg("accepted:\n%s", lines);
    if (strcmp(msg, want))
        fail_msg("for:\n%s\nmessage '%s', wanted '%s'", lines, msg, want);
    prompt_free(&p);
}

static void test_verbs(void **state)
{
    (void)state;
    static const char *const yes[] = {
        "ask x",         "choice a | b",      "choice* a | b", "answer 1 ± 0 | b",
        "reveal step",   "goal loss < 1 | t", "hint h",        "solve step",
        "  ask indented"};
    static const char *const no[] = {"step 3", "asked", "set cell = rnn", "", "show contrib"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_true(prompt_is_verb(yes[i], strlen(yes[i])));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_false(prompt_is_verb(no[i], strlen(no[i])));
}

static void test_parse_choices(void **state)
{
    (void)state;
    StepPrompt p;
    assert_int_equal(parse(&p, "ask Which is larger, {T} or {H}?\n"
                               "choice T | No: T = {T}\n"
                               "choice* H | Yes: H = {H}\n"
                               "reveal forward all"),
                     0);
    assert_true(p.has_ask && !p.numeric && !p.has_goal);
    assert_int_equal(p.n_choices, 2);
    assert_int_equal(p.correct, 1);
    assert_string_equal(p.choice[0].text, "T");
    assert_string_equal(p.choice[1].why, "Yes: H = {H}");
    assert_int_equal(p.choice[1].line, 12);
    assert_non_null(p.reveal);
    prompt_free(&p);
    assert_null(p.reveal);
}

static void test_parse_errors(void **state)
{
    (void)state;
    refused("choice a | b", "10:8: 'choice' before 'ask': the question comes first");
    refused("ask q\nchoice a",
            "11:8: expected 'choice TEXT | WHY' (the '|' and the text after it)");
    refused("ask q\nchoice* a | b\nchoice* c | d",
            "12:9: a second right choice ('choice*'): mark exactly one");
    refused("ask q\nchoice a | b\nchoice c | d", "10:5: no right choice: mark it 'choice*'");
    refused("ask q\nchoice* a | b",
            "10:5: a question needs 2 to 4 'choice' lines, or an 'answer' line");
    refused("ask q\nchoice a|b\nchoice a|b\nchoice a|b\nchoice* a|b\nchoice a|b",
            "15:8: too many choices (at most 4)");
    refused("ask q\nanswer 1 ± 0 | b\nchoice a | b",
            "12:8: a question has choices or an answer, not both");
    refused("ask q\nanswer 1 | b", "11:8: expected 'EXPR ± TOL' before '|' (e.g. 'H ± 0')");
    refused("ask q\nanswer 1 +- x | b",
            "11:10: expected a tolerance after '±': a number, or a percentage ('10%')");
    refused("ask q\nanswer (1 +- 0 | b", "11:11: expected ')'");
    refused("ask the {T + } steps", "10:14: expression ends early: expected a number or a name");
    refused("ask the {T steps", "10:9: '{' without '}'");
    refused("ask the T} steps", "10:10: '}' without '{'");
    refused("ask", "10:4: 'ask' needs the question after it");
    refused("ask a\nask b", "11:5: a second 'ask' in one step (at most one)");
    refused("goal loss + 1 | t",
            "10:6: a goal is a condition: compare a quantity (e.g. 'loss < 0.02')");
    refused("goal loss < 1 | t\ngoal loss < 2 | t",
            "11:6: a second 'goal' in one step (at most one)");
    refused("hint h", "10:6: 'hint' before 'goal': the goal comes first");
    refused("solve step", "10:1: 'solve' before 'goal': the goal comes first");
    refused("reveal step", "10:1: 'reveal' before 'ask': the question comes first");
}

static void test_interpolate(void **state)
{
    (void)state;
    Session *s = support_session("hidden=4;steps=5");
    char out[200];
    prompt_interpolate("T = {T}, H = {H}, T*H = {T * H}, half {1/2}", s, out, sizeof out);
    assert_string_equal(out, "T = 5, H = 4, T*H = 20, half 0.5");
    /* a gradient before the backward pass cannot be read yet: "?" */
    prompt_interpolate("g = {grad_h[0]}", s, out, sizeof out);
    assert_string_equal(out, "g = ?");
    support_run(s, "forward all; backward all");
    prompt_interpolate("r = {ratio(0, T-1)}", s, out, sizeof out);
    const ViewModel *vm = sess_view_model(s);
    char want[64], v[32];
    quantity_format(vm->grad_h[0] / vm->grad_h[4], v, sizeof v);
    snprintf(want, sizeof want, "r = %s", v);
    assert_string_equal(out, want);
    sess_destroy(s);
}

static void test_number_answer(void **state)
{
    (void)state;
    Session *s = support_session("hidden=4;steps=5");
    StepPrompt abs_p, rel_p;
    assert_int_equal(parse(&abs_p, "ask How many?\nanswer T * H ± 1 | {T} times {H}"), 0);
    assert_true(abs_p.numeric);
    assert_true(prompt_number_right(&abs_p, s, 20));
    assert_true(prompt_number_right(&abs_p, s, 21));
    assert_false(prompt_number_right(&abs_p, s, 21.5));
    assert_int_equal(parse(&rel_p, "ask How many?\nanswer T * H +- 10% | why"), 0);
    assert_true(rel_p.tol_rel);
    assert_true(prompt_number_right(&rel_p, s, 18));
    assert_false(prompt_number_right(&rel_p, s, 17.9));
    /* the view: what is typed, then after the reveal the answer and why */
    PromptState st = prompt_state_new();
    snprintf(st.typed, sizeof st.typed, "21");
    PromptView pv;
    prompt_view(&abs_p, &st, s, &pv);
    assert_true(pv.numeric && !pv.revealed);
    assert_string_equal(pv.typed, "21");
    st.revealed = st.has_number = true;
    st.number = 21;
    prompt_view(&abs_p, &st, s, &pv);
    assert_true(pv.revealed && pv.right);
    assert_string_equal(pv.answer, "20");
    assert_string_equal(pv.why[0], "5 times 4");
    prompt_free(&abs_p);
    prompt_free(&rel_p);
    sess_destroy(s);
}

static void test_choice_view(void **state)
{
    (void)state;
    Session *s = support_session("hidden=4;steps=5");
    StepPrompt p;
    assert_int_equal(
        parse(&p, "ask Steps?\nchoice* {T} | Yes: T = {T}\nchoice {H} | No: that is H"), 0);
    PromptState st = prompt_state_new();
    PromptView pv;
    prompt_view(&p, &st, s, &pv);
    assert_string_equal(pv.question, "Steps?");
    assert_int_equal(pv.chosen, -1);
    assert_string_equal(pv.why[0], ""); /* no explanation before the reveal */
    st.chosen = 1;
    st.revealed = true;
    prompt_view(&p, &st, s, &pv);
    assert_int_equal(pv.chosen, 1);
    assert_int_equal(pv.correct, 0);
    assert_string_equal(pv.why[0], "Yes: T = 5");
    assert_string_equal(pv.why[1], "No: that is H");
    prompt_free(&p);
    sess_destroy(s);
}

static void test_goal(void **state)
{
    (void)state;
    Session *s = support_session("hidden=4;steps=5");
    StepPrompt p;
    assert_int_equal(parse(&p, "goal iteration >= 1 | Finish {T} steps\nhint press U\n"
                               "solve forward all; backward all; update"),
                     0);
    assert_false(prompt_goal_holds(&p, s, msg, sizeof msg));
    assert_int_equal(prompt_check_goal_start(&p, s, msg, sizeof msg), 0);
    assert_int_equal(prompt_check_goal_solved(&p, s, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "the goal does not hold after its 'solve' line (line 12)"));
    support_run(s, "forward all; backward all; update");
    assert_true(prompt_goal_holds(&p, s, msg, sizeof msg));
    assert_int_equal(prompt_check_goal_solved(&p, s, msg, sizeof msg), 0);
    assert_int_equal(prompt_check_goal_start(&p, s, msg, sizeof msg), -1);
    assert_string_equal(msg, "10:6: the goal already holds when the step starts: nothing to do");
    PromptView pv;
    PromptState st = prompt_state_new();
    prompt_view(&p, &st, s, &pv);
    assert_true(pv.has_goal && pv.goal_met);
    assert_string_equal(pv.task, "Finish 5 steps");
    prompt_free(&p);
    /* a goal over a quantity that does not exist yet says why, and does not hold */
    assert_int_equal(parse(&p, "goal grad_h[0] > 1 | t\nsolve backward all"), 0);
    Session *fresh = support_session("hidden=4;steps=5");
    assert_false(prompt_goal_holds(&p, fresh, msg, sizeof msg));
    assert_true(msg[0] != '\0');
    prompt_free(&p);
    assert_int_equal(parse(&p, "goal loss < 1 | t"), 0);
    assert_int_equal(prompt_check_goal_start(&p, fresh, msg, sizeof msg), -1);
    assert_string_equal(msg, "10:6: a goal needs a scripted solution: add a 'solve ACTIONS' line");
    prompt_free(&p);
    sess_destroy(fresh);
    sess_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verbs),         cmocka_unit_test(test_parse_choices),
        cmocka_unit_test(test_parse_errors),  cmocka_unit_test(test_interpolate),
        cmocka_unit_test(test_number_answer), cmocka_unit_test(test_choice_view),
        cmocka_unit_test(test_goal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
