/* The action-line parser: every verb with its arguments and positions,
 * blocks (newlines, ';', comments, CRLF), every error with its exact
 * message and position, "no output on failure", capacity, the formatter's
 * round trip, and the "did you mean" helper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "suggest.h"

/* ActionLists are ~50 KiB: keep them off the stack. */
static ActionList list, list2;

static void parse_ok(const char *text)
{
    char msg[256] = "";
    int rc = action_parse_block(text, &list, 1, 1, msg, sizeof msg);
    if (rc != 0)
        fail_msg("'%s' failed: %s", text, msg);
}

static void expect_error(const char *text, int line, int col, const char *want)
{
    char msg[512] = "";
    assert_int_equal(action_parse_block(text, &list, line, col, msg, sizeof msg),
                     ACTION_ERR_SYNTAX);
    if (strcmp(msg, want) != 0)
        fail_msg("'%s':\n got  '%s'\n want '%s'", text, msg, want);
}

static void expect_format(const Action *a, const char *want)
{
    char buf[256];
    assert_int_equal(action_format(a, buf, sizeof buf), 0);
    assert_string_equal(buf, want);
}

/* ---- verbs ---- */

static void test_count_verbs(void **state)
{
    (void)state;
    parse_ok("forward all\nforward 3\nbackward all\nbackward 1000000\nstep 1\nback 7\ntrain 200");
    assert_int_equal(list.count, 7);
    const ActionVerb verbs[7] = {ACT_FORWARD, ACT_FORWARD, ACT_BACKWARD, ACT_BACKWARD,
                                 ACT_STEP,    ACT_BACK,    ACT_TRAIN};
    const int counts[7] = {ACTION_ALL, 3, ACTION_ALL, 1000000, 1, 7, 200};
    for (int i = 0; i < 7; i++) {
        assert_int_equal(list.items[i].verb, verbs[i]);
        assert_int_equal(list.items[i].count, counts[i]);
        assert_int_equal(list.items[i].line, i + 1);
        assert_int_equal(list.items[i].col, 1);
    }
    /* leading zeros are still a count */
    parse_ok("step 007");
    assert_int_equal(list.items[0].count, 7);
}

static void test_compare(void **state)
{
    (void)state;
    parse_ok("compare; compare 50");
    assert_int_equal(list.count, 2);
    assert_int_equal(list.items[0].verb, ACT_COMPARE);
    assert_int_equal(list.items[0].count, 0);
    assert_int_equal(list.items[1].count, 50);
    assert_int_equal(list.items[1].col, 10);
}

/* focus PANEL and fit all|none: the presenter's layout, from a lesson */
static void test_focus_fit(void **state)
{
    (void)state;
    parse_ok("focus plot; focus none; fit all; fit none; focus diagram");
    assert_int_equal(list.count, 5);
    assert_int_equal(list.items[0].verb, ACT_FOCUS);
    assert_int_equal(list.items[0].focus, ACT_FOCUS_PLOT);
    assert_int_equal(list.items[1].focus, ACT_FOCUS_NONE);
    assert_int_equal(list.items[2].verb, ACT_FIT);
    assert_true(list.items[2].fit_all);
    assert_false(list.items[3].fit_all);
    assert_int_equal(list.items[4].focus, ACT_FOCUS_DIAGRAM);
    char out[64];
    assert_int_equal(action_format(&list.items[0], out, sizeof out), 0);
    assert_string_equal(out, "focus plot");
    assert_int_equal(action_format(&list.items[2], out, sizeof out), 0);
    assert_string_equal(out, "fit all");
}

static void test_highlight(void **state)
{
    (void)state;
    parse_ok(
        "highlight h 2 5; highlight steps 0..3 7; highlight none; highlight x 0; highlight y 39");
    assert_int_equal(list.count, 5);
    const ActionMarks *m = &list.items[0].marks;
    assert_int_equal(list.items[0].verb, ACT_HIGHLIGHT);
    assert_int_equal(m->what, ACT_MARK_H);
    assert_int_equal(m->n, 2);
    assert_true(m->t0[0] == 2 && m->t1[0] == 2 && m->t0[1] == 5 && m->t1[1] == 5);
    m = &list.items[1].marks;
    assert_int_equal(m->what, ACT_MARK_STEPS);
    assert_true(m->n == 2 && m->t0[0] == 0 && m->t1[0] == 3 && m->t0[1] == 7);
    assert_int_equal(list.items[2].marks.what, ACT_MARK_NONE);
    expect_format(&list.items[0], "highlight h 2 5");
    expect_format(&list.items[1], "highlight steps 0..3 7");
    expect_format(&list.items[2], "highlight none");
    expect_format(&list.items[4], "highlight y 39");
    expect_error("highlight", 1, 1,
                 "1:10: expected what to mark after 'highlight' (steps, h, y, x or none)");
    expect_error("highlight hh 2", 1, 1, "1:11: unknown highlight 'hh' (did you mean 'h'?)");
    expect_error("highlight h", 1, 1, "1:12: expected a step or a range A..B after 'highlight h'");
    expect_error("highlight h 3..1", 1, 1,
                 "1:13: expected a step or a range A..B (A <= B), got '3..1'");
    expect_error("highlight h -1", 1, 1,
                 "1:13: expected a step or a range A..B (A <= B), got '-1'");
    expect_error("highlight x 1..", 1, 1,
                 "1:13: expected a step or a range A..B (A <= B), got '1..'");
    expect_error("highlight h 1 2 3 4 5 6 7 8 9", 1, 1,
                 "1:29: too many steps to highlight (at most 8)");
    expect_error("highlight none 3", 1, 1, "1:16: unexpected '3' after 'highlight none'");
}

static void test_set(void **state)
{
    (void)state;
    parse_ok("set hidden = 16\nset lr=0.1\n  set\ttask =adding problem  # comment\nset a-b.c_2= "
             "x;reset");
    assert_int_equal(list.count, 5);
    const Action *a = &list.items[0];
    assert_int_equal(a->verb, ACT_SET);
    assert_string_equal(a->key, "hidden");
    assert_string_equal(a->value, "16");
    assert_int_equal(a->col, 1);
    assert_int_equal(a->key_col, 5);
    assert_int_equal(a->value_col, 14);
    assert_string_equal(list.items[1].key, "lr");
    assert_string_equal(list.items[1].value, "0.1");
    assert_int_equal(list.items[1].value_col, 8);
    a = &list.items[2]; /* inner spaces kept, outer ones and the comment dropped */
    assert_string_equal(a->key, "task");
    assert_string_equal(a->value, "adding problem");
    assert_int_equal(a->line, 3);
    assert_int_equal(a->col, 3);
    assert_int_equal(a->key_col, 7);
    assert_int_equal(a->value_col, 13);
    assert_string_equal(list.items[3].key, "a-b.c_2");
    assert_string_equal(list.items[3].value, "x");
    assert_int_equal(list.items[4].verb, ACT_RESET);
    assert_int_equal(list.items[4].col, 16);
}

static void test_select_order_panels(void **state)
{
    (void)state;
    parse_ok("select 0 39; select 2 0\norder time\norder layer\nreset\nupdate");
    assert_int_equal(list.count, 6);
    assert_int_equal(list.items[0].verb, ACT_SELECT);
    assert_int_equal(list.items[0].layer, 0);
    assert_int_equal(list.items[0].step, 39);
    assert_int_equal(list.items[1].layer, 2);
    assert_int_equal(list.items[1].step, 0);
    assert_int_equal(list.items[1].col, 14);
    assert_int_equal(list.items[2].verb, ACT_ORDER);
    assert_int_equal(list.items[2].order, ACT_ORDER_TIME);
    assert_int_equal(list.items[3].order, ACT_ORDER_LAYER);
    assert_int_equal(list.items[4].verb, ACT_RESET);
    assert_int_equal(list.items[5].verb, ACT_UPDATE);

    /* the output node of a step */
    parse_ok("select out 7");
    assert_int_equal(list.items[0].layer, ACTION_OUTPUT);
    assert_int_equal(list.items[0].step, 7);
    char line[64];
    assert_int_equal(action_format(&list.items[0], line, sizeof line), 0);
    assert_string_equal(line, "select out 7");
    expect_error("select out", 1, 1, "1:11: expected a step index after 'select out'");

    const char *panels[ACT_PANEL_COUNT] = {"lesson", "inspector", "plots",   "controls", "help",
                                           "eigen",  "loss",      "heatmap", "contrib",  "sigma",
                                           "rho",    "guides",    "bands"};
    for (int p = 0; p < ACT_PANEL_COUNT; p++) {
        char text[64];
        snprintf(text, sizeof text, "show %s\nhide %s", panels[p], panels[p]);
        parse_ok(text);
        assert_int_equal(list.count, 2);
        assert_int_equal(list.items[0].verb, ACT_SHOW);
        assert_int_equal(list.items[0].panel, p);
        assert_int_equal(list.items[1].verb, ACT_HIDE);
        assert_int_equal(list.items[1].panel, p);
        assert_string_equal(action_panel_name((ActionPanel)p), panels[p]);
    }
}

static void test_names(void **state)
{
    (void)state;
    const char *want[ACT_VERB_COUNT] = {
        "forward", "backward", "step",   "back",    "train", "set", "reset",     "select", "order",
        "show",    "hide",     "update", "compare", "focus", "fit", "highlight", "row"};
    for (int v = 0; v < ACT_VERB_COUNT; v++)
        assert_string_equal(action_verb_name((ActionVerb)v), want[v]);
    assert_string_equal(action_verb_name(ACT_VERB_COUNT), "?");
    assert_string_equal(action_order_name(ACT_ORDER_LAYER), "layer");
    assert_string_equal(action_panel_name((ActionPanel)-1), "?");
}

/* ---- blocks and positions ---- */

static void test_block_layout(void **state)
{
    (void)state;
    /* blank lines, comment lines, empty statements, CRLF and lone CR */
    parse_ok("# a comment\r\n\r\n  forward 2 ;; backward all # trailing\r\n;\rstep 1\n\t reset");
    assert_int_equal(list.count, 4);
    assert_int_equal(list.items[0].verb, ACT_FORWARD);
    assert_int_equal(list.items[0].line, 3);
    assert_int_equal(list.items[0].col, 3);
    assert_int_equal(list.items[1].verb, ACT_BACKWARD);
    assert_int_equal(list.items[1].line, 3);
    assert_int_equal(list.items[1].col, 16);
    assert_int_equal(list.items[2].verb, ACT_STEP);
    assert_int_equal(list.items[2].line, 5);
    assert_int_equal(list.items[3].line, 6);
    assert_int_equal(list.items[3].col, 3);

    /* first_line / first_col shift every position */
    char msg[256];
    assert_int_equal(action_parse_block("forward 1\n  back 2", &list, 10, 5, msg, sizeof msg), 0);
    assert_int_equal(list.items[0].line, 10);
    assert_int_equal(list.items[0].col, 5);
    assert_int_equal(list.items[1].line, 11);
    assert_int_equal(list.items[1].col, 7);

    /* an empty or comment-only block gives an empty list */
    parse_ok("");
    assert_int_equal(list.count, 0);
    parse_ok("  # nothing\n\n;");
    assert_int_equal(list.count, 0);
}

static void test_parse_line_append(void **state)
{
    (void)state;
    char msg[256];
    list.count = 0;
    assert_int_equal(action_parse_line("forward all; step 2", 19, &list, 4, 3, msg, sizeof msg), 0);
    /* only len bytes are read: "back 1" is cut to "back" here and fails... */
    assert_int_equal(action_parse_line("back 1", 4, &list, 5, 1, msg, sizeof msg),
                     ACTION_ERR_SYNTAX);
    assert_string_equal(msg, "5:5: expected a count after 'back'");
    assert_int_equal(list.count, 2);
    /* ...and a NUL or a line break ends the line */
    assert_int_equal(action_parse_line("reset\0garbage", 13, &list, 5, 1, msg, sizeof msg), 0);
    assert_int_equal(action_parse_line("update\nforward x", 16, &list, 6, 1, msg, sizeof msg), 0);
    assert_int_equal(list.count, 4);
    assert_int_equal(list.items[0].verb, ACT_FORWARD);
    assert_int_equal(list.items[0].line, 4);
    assert_int_equal(list.items[0].col, 3);
    assert_int_equal(list.items[1].verb, ACT_STEP);
    assert_int_equal(list.items[1].col, 16);
    assert_int_equal(list.items[2].verb, ACT_RESET);
    assert_int_equal(list.items[3].verb, ACT_UPDATE);
}

static void test_settings_line(void **state)
{
    (void)state;
    char msg[256];
    list.count = 0;
    assert_int_equal(
        action_parse_settings_line("  cell = gru ; hidden=8 # c", 27, &list, 7, 1, msg, sizeof msg),
        0);
    assert_int_equal(action_parse_settings_line("   ", 3, &list, 8, 1, msg, sizeof msg), 0);
    assert_int_equal(list.count, 2);
    assert_int_equal(list.items[0].verb, ACT_SET);
    assert_string_equal(list.items[0].key, "cell");
    assert_string_equal(list.items[0].value, "gru");
    assert_int_equal(list.items[0].line, 7);
    assert_int_equal(list.items[0].col, 3);
    assert_int_equal(list.items[0].key_col, 3);
    assert_int_equal(list.items[0].value_col, 10);
    assert_string_equal(list.items[1].key, "hidden");
    assert_int_equal(list.items[1].col, 16);
    assert_int_equal(list.items[1].value_col, 23);

    const struct {
        const char *text;
        const char *want;
    } bad[] = {
        {"hidden 16", "3:8: expected '=' after 'hidden', got '16'"},
        {"hidden", "3:7: expected '=' after 'hidden'"},
        {"= 4", "3:1: expected 'key = value', got '='"},
        {"hidden =", "3:9: expected a value after 'hidden ='"},
        {"set cell = rnn",
         "3:5: expected '=' after 'set', got 'cell' (setup lines are 'key = value', without "
         "'set')"},
        {"forward all", "3:9: expected '=' after 'forward', got 'all'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        msg[0] = '\0';
        assert_int_equal(action_parse_settings_line(bad[i].text, strlen(bad[i].text), &list, 3, 1,
                                                    msg, sizeof msg),
                         ACTION_ERR_SYNTAX);
        assert_string_equal(msg, bad[i].want);
        assert_int_equal(list.count, 2);
    }
}

/* ---- errors ---- */

static void test_errors(void **state)
{
    (void)state;
    const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"forward 1\nstep 2\nfowrard 3", "3:1: unknown verb 'fowrard' (did you mean 'forward'?)"},
        {"\n  forward x", "2:11: expected a count or 'all' after 'forward', got 'x'"},
        {"forward", "1:8: expected a count or 'all' after 'forward'"},
        {"backward  ", "1:9: expected a count or 'all' after 'backward'"},
        {"backward 2.5", "1:10: expected a count or 'all' after 'backward', got '2.5'"},
        {"forward 0", "1:9: count must be from 1 to 1000000, got '0'"},
        {"forward 1000001", "1:9: count must be from 1 to 1000000, got '1000001'"},
        {"forward 99999999999999999999",
         "1:9: count must be from 1 to 1000000, got '99999999999999999999'"},
        {"step -1", "1:6: count must be from 1 to 1000000, got '-1' (use 'back N' to go back)"},
        {"step", "1:5: expected a count after 'step'"},
        {"back all", "1:6: expected a count after 'back', got 'all'"},
        {"train 1e3", "1:7: expected a count after 'train', got '1e3'"},
        {"compare -", "1:9: expected a count after 'compare', got '-'"},
        {"forward all 3", "1:13: unexpected '3' after 'forward all'"},
        {"reset now", "1:7: unexpected 'now' after 'reset'"},
        {"update 1", "1:8: unexpected '1' after 'update'"},
        {"set", "1:4: expected a setting name after 'set'"},
        {"set = 3", "1:5: expected a setting name after 'set', got '='"},
        {"set 3d = 1", "1:5: expected a setting name after 'set', got '3d'"},
        {"set hidden", "1:11: expected '=' after 'hidden'"},
        {"set hidden 16", "1:12: expected '=' after 'hidden', got '16'"},
        {"set hidden =   # no value", "1:13: expected a value after 'hidden ='"},
        {"set hidden = ; forward 1", "1:13: expected a value after 'hidden ='"},
        {"select", "1:7: expected a layer index after 'select'"},
        {"select x 3", "1:8: expected a layer index after 'select', got 'x'"},
        {"select -1 3", "1:8: layer index must be from 0 to 1000000, got '-1'"},
        {"select 0", "1:9: expected a step index after 'select 0'"},
        {"select 0  last", "1:11: expected a step index after 'select 0', got 'last'"},
        {"select 0 1000001", "1:10: step index must be from 0 to 1000000, got '1000001'"},
        {"select 0 3 4", "1:12: unexpected '4' after 'select 0 3'"},
        {"order", "1:6: expected 'time' or 'layer' after 'order'"},
        {"order tiem", "1:7: unknown order 'tiem' (did you mean 'time'?)"},
        {"order depth", "1:7: unknown order 'depth' (expected time or layer)"},
        {"show",
         "1:5: expected a panel after 'show' (lesson, inspector, plots, controls, help, eigen, "
         "loss, heatmap, contrib, sigma, rho, guides or bands)"},
        {"hide plot", "1:6: unknown panel 'plot' (did you mean 'plots'?)"},
        {"show window",
         "1:6: unknown panel 'window' (expected lesson, inspector, plots, controls, help, "
         "eigen, loss, heatmap, contrib, sigma, rho, guides or bands)"},
        {"show plots loss", "1:12: unexpected 'loss' after 'show plots'"},
        {"Forward 1", "1:1: unknown verb 'Forward' (did you mean 'forward'?)"},
        {"stpe 1", "1:1: unknown verb 'stpe' (did you mean 'step'?)"},
        {"run 5",
         "1:1: unknown verb 'run' (verbs: forward, backward, step, back, train, set, reset, "
         "select, order, show, hide, update, compare, focus, fit)"},
        {"forward 1; bogus",
         "1:12: unknown verb 'bogus' (verbs: forward, backward, step, back, "
         "train, set, reset, select, order, show, hide, update, compare, focus, fit)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_error(cases[i].text, 1, 1, cases[i].want);

    /* positions honour first_line / first_col */
    expect_error("forward 1\n  forwrd 2", 12, 3,
                 "13:5: unknown verb 'forwrd' (did you mean 'forward'?)");
}

static void test_error_quoting(void **state)
{
    (void)state;
    /* words longer than 32 bytes are cut, on a UTF-8 boundary */
    expect_error("forward aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1, 1,
                 "1:9: expected a count or 'all' after 'forward', got "
                 "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");
    /* 31 ASCII bytes then a 2-byte letter crossing byte 32: cut before it */
    expect_error("forward bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\xc3\xa9zz", 1, 1,
                 "1:9: expected a count or 'all' after 'forward', got "
                 "'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb...'");
    /* control bytes are shown as '?', so the message stays on one line */
    expect_error("step \x1b[2J", 1, 1, "1:6: expected a count after 'step', got '?[2J'");

    char key[64], text[256];
    memset(key, 'k', 32);
    key[32] = '\0';
    snprintf(text, sizeof text, "set %s = 1", key);
    expect_error(text, 1, 1,
                 "1:5: setting name 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk' is too long (at most 31 "
                 "bytes)");
    key[31] = '\0'; /* 31 bytes fit */
    snprintf(text, sizeof text, "set %s = 1", key);
    parse_ok(text);
    assert_string_equal(list.items[0].key, key);

    char value[200];
    memset(value, 'v', 128);
    value[128] = '\0';
    snprintf(text, sizeof text, "set text_file = %s", value);
    expect_error(text, 1, 1, "1:17: value for 'text_file' is too long (at most 127 bytes)");
    value[127] = '\0';
    snprintf(text, sizeof text, "set text_file = %s", value);
    parse_ok(text);
    assert_string_equal(list.items[0].value, value);

    /* a small message buffer is truncated, never overrun */
    char small[8];
    assert_int_equal(action_parse_block("xyz", &list, 1, 1, small, sizeof small),
                     ACTION_ERR_SYNTAX);
    assert_string_equal(small, "1:1: un");
    assert_int_equal(action_parse_block("xyz", &list, 1, 1, NULL, 0), ACTION_ERR_SYNTAX);
}

/* A failed parse leaves the list exactly as it was. */
static void test_no_partial_output(void **state)
{
    (void)state;
    char msg[256];
    parse_ok("forward 1\nstep 2");
    memcpy(&list2, &list, sizeof list);
    assert_int_equal(
        action_parse_block("reset\nupdate\ntrain 5\nforward nope", &list, 1, 1, msg, sizeof msg),
        ACTION_ERR_SYNTAX);
    assert_memory_equal(&list, &list2, sizeof list);
    assert_int_equal(action_parse_line("reset; update; train 0", 22, &list, 1, 1, msg, sizeof msg),
                     ACTION_ERR_SYNTAX);
    assert_memory_equal(&list, &list2, sizeof list);
}

static void test_capacity(void **state)
{
    (void)state;
    static char text[ACTION_LIST_CAP * 8 + 64];
    size_t n = 0;
    for (int i = 0; i < ACTION_LIST_CAP; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "step 1\n");
    parse_ok(text);
    assert_int_equal(list.count, ACTION_LIST_CAP);
    snprintf(text + n, sizeof text - n, "  back 1");
    expect_error(text, 1, 1, "257:3: too many actions (at most 256 in one list)");
    assert_int_equal(list.count, ACTION_LIST_CAP); /* untouched */

    /* appending stops at the same limit */
    char msg[256];
    assert_int_equal(action_parse_line("reset", 5, &list, 9, 1, msg, sizeof msg),
                     ACTION_ERR_SYNTAX);
    assert_string_equal(msg, "9:1: too many actions (at most 256 in one list)");
    assert_int_equal(action_parse_settings_line("a = 1", 5, &list, 9, 2, msg, sizeof msg),
                     ACTION_ERR_SYNTAX);
    assert_string_equal(msg, "9:2: too many settings (at most 256)");
    assert_int_equal(list.count, ACTION_LIST_CAP);
}

/* ---- the formatter ---- */

static void test_format_round_trip(void **state)
{
    (void)state;
    const char *lines[] = {
        "forward all",  "forward 3",  "backward all",    "backward 5",     "step 1",
        "back 1000000", "train 200",  "set hidden = 16", "set task = a b", "reset",
        "select 0 39",  "order time", "order layer",     "show plots",     "hide contrib",
        "update",       "compare",    "compare 10",
    };
    size_t n = sizeof lines / sizeof lines[0];
    for (size_t i = 0; i < n; i++) {
        parse_ok(lines[i]);
        assert_int_equal(list.count, 1);
        expect_format(&list.items[0], lines[i]);
        /* and the formatted line parses back to the same action */
        char buf[256];
        assert_int_equal(action_format(&list.items[0], buf, sizeof buf), 0);
        memcpy(&list2, &list, sizeof list);
        parse_ok(buf);
        assert_memory_equal(&list.items[0], &list2.items[0], sizeof(Action));
    }
    /* layout is normalised */
    parse_ok("  set   lr=0.5   ");
    expect_format(&list.items[0], "set lr = 0.5");
}

static void test_format_errors(void **state)
{
    (void)state;
    Action a;
    char buf[64];
    memset(&a, 0, sizeof a);
    a.verb = ACT_FORWARD;
    a.count = 0;
    assert_int_equal(action_format(&a, buf, sizeof buf), ACTION_ERR_SYNTAX);
    assert_string_equal(buf, "");
    a.verb = ACT_STEP;
    a.count = ACTION_ALL; /* 'all' is for forward and backward only */
    assert_int_equal(action_format(&a, buf, sizeof buf), ACTION_ERR_SYNTAX);
    a.verb = ACT_SET; /* empty key */
    assert_int_equal(action_format(&a, buf, sizeof buf), ACTION_ERR_SYNTAX);
    strcpy(a.key, "hidden");
    strcpy(a.value, "1; reset"); /* would not parse back */
    assert_int_equal(action_format(&a, buf, sizeof buf), ACTION_ERR_SYNTAX);
    strcpy(a.value, "16");
    assert_int_equal(action_format(&a, buf, sizeof buf), 0);
    assert_string_equal(buf, "set hidden = 16");
    assert_int_equal(action_format(&a, buf, 8), ACTION_ERR_SYNTAX); /* truncated */
    assert_string_equal(buf, "set hid");
    a.verb = ACT_SELECT;
    a.layer = -2; /* -1 is ACTION_OUTPUT, `select out` */
    assert_int_equal(action_format(&a, buf, sizeof buf), ACTION_ERR_SYNTAX);
    a.verb = ACT_SHOW;
    a.panel = ACT_PANEL_COUNT;
    assert_int_equal(action_format(&a, buf, sizeof buf), ACTION_ERR_SYNTAX);
    a.verb = ACT_VERB_COUNT;
    assert_int_equal(action_format(&a, buf, sizeof buf), ACTION_ERR_SYNTAX);
    assert_int_equal(action_format(NULL, buf, sizeof buf), ACTION_ERR_SYNTAX);
}

/* ---- did you mean ---- */

static void test_suggest(void **state)
{
    (void)state;
    assert_int_equal(suggest_distance("kitten", "sitting"), 3);
    assert_int_equal(suggest_distance("fowrard", "forward"), 1); /* a swap is one edit */
    assert_int_equal(suggest_distance("FORWARD", "forward"), 0);
    assert_int_equal(suggest_distance("", "abc"), 3);
    assert_int_equal(suggest_distance(NULL, "abc"), -1);

    const char *const words[] = {"forward", "backward", "back", "step", "set", "spectral_radius"};
    assert_string_equal(suggest_closest("fowrard", words, 6), "forward");
    assert_string_equal(suggest_closest("bak", words, 6), "back");
    assert_string_equal(suggest_closest("spectral_radiu", words, 6), "spectral_radius");
    assert_string_equal(suggest_closest("backwrds", words, 6), "backward");
    assert_null(suggest_closest("x", words, 6));    /* one letter: too short to guess */
    assert_null(suggest_closest("zzzz", words, 6)); /* nothing close */
    assert_null(suggest_closest("", words, 6));
    assert_null(suggest_closest("forward", NULL, 0));
    /* ties go to the first listed: 'sep' is one edit from both */
    assert_string_equal(suggest_closest("sep", words, 6), "step");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_verbs),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_focus_fit),
        cmocka_unit_test(test_highlight),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_select_order_panels),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_block_layout),
        cmocka_unit_test(test_parse_line_append),
        cmocka_unit_test(test_settings_line),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_error_quoting),
        cmocka_unit_test(test_no_partial_output),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_format_errors),
        cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
