/* Lesson files: a full fixture (title, intro, setup, three steps with
 * narration and actions) parsed with the right nodes, values, lines and
 * columns, the same from memory with CRLF / CR / BOM, and every structural
 * error with its exact "file:line:col: problem" message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "lesson.h"

#define FIX(name) RNNVIZ_FIXTURES_DIR "/" name

static char *read_fixture(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char *out = malloc(*len + 1);
    assert_non_null(out);
    memcpy(out, buf, *len);
    out[*len] = '\0';
    return out;
}

static void expect_action(const ActionList *list, int i, const char *text, int line, int col)
{
    assert_true(i < list->count);
    char buf[256];
    assert_int_equal(action_format(&list->items[i], buf, sizeof buf), 0);
    if (strcmp(buf, text) != 0 || list->items[i].line != line || list->items[i].col != col)
        fail_msg("action %d: got '%s' at %d:%d, want '%s' at %d:%d", i, buf, list->items[i].line,
                 list->items[i].col, text, line, col);
}

static void expect_setup(const Lesson *l, int i, const char *key, const char *value, int line,
                         int col)
{
    const char *k = NULL, *v = NULL;
    int ln = 0, c = 0;
    assert_int_equal(lesson_setup_entry(l, i, &k, &v, &ln, &c), 0);
    assert_string_equal(k, key);
    assert_string_equal(v, value);
    assert_int_equal(ln, line);
    assert_int_equal(c, col);
}

/* The kinds of a narration's blocks, in order, checked against want. */
static void expect_kinds(const Narration *nar, const NarBlockKind *want, int n)
{
    assert_non_null(nar);
    assert_int_equal(nar->block_count, n);
    for (int i = 0; i < n; i++)
        if (nar->blocks[i].kind != want[i])
            fail_msg("block %d: kind %d, want %d", i, nar->blocks[i].kind, want[i]);
}

/* Span i of block b: its kind, style and text. */
static void expect_span(const Narration *nar, int b, int i, NarSpanKind kind, int style,
                        const char *text)
{
    const NarBlock *blk = narration_block(nar, b);
    assert_true(i < blk->span_count);
    const NarSpan *s = &nar->spans[blk->first_span + i];
    assert_int_equal(s->kind, kind);
    assert_int_equal(s->style, style);
    assert_int_equal(s->len, strlen(text));
    assert_memory_equal(nar->text + s->off, text, s->len);
}

/* Block b's own text (a code block's lines, an item's mark). */
static void expect_block_text(const Narration *nar, int b, const char *text)
{
    const NarBlock *blk = narration_block(nar, b);
    assert_int_equal(blk->len, strlen(text));
    assert_memory_equal(nar->text + blk->off, text, blk->len);
}

/* Everything lesson_full.md holds; see the fixture for the line numbers. */
static void check_full(const Lesson *l)
{
    assert_string_equal(lesson_title(l), "Vanishing gradients in tanh RNNs");
    assert_int_equal(lesson_title_line(l), 2);

    const Narration *intro = lesson_intro(l);
    expect_kinds(intro, (NarBlockKind[]){NAR_PARAGRAPH}, 1);
    assert_int_equal(intro->blocks[0].line, 4);
    assert_int_equal(intro->blocks[0].span_count, 3);
    expect_span(intro, 0, 0, NAR_SPAN_TEXT, 0, "An introduction with ");
    expect_span(intro, 0, 1, NAR_SPAN_TEXT, NAR_STRONG, "bold");
    expect_span(intro, 0, 2, NAR_SPAN_TEXT, 0, " text.");

    assert_int_equal(lesson_setup_count(l), 4);
    expect_setup(l, 0, "cell", "rnn", 7, 1);
    expect_setup(l, 1, "hidden", "16", 8, 1);
    expect_setup(l, 2, "steps", "40", 9, 1);
    expect_setup(l, 3, "spectral_radius", "0.8", 11, 1);
    assert_int_equal(lesson_setup(l)->items[1].value_col, 10);
    assert_int_equal(lesson_setup(l)->items[2].value_col, 7);
    assert_int_equal(lesson_setup(l)->items[3].value_col, 19);

    assert_int_equal(lesson_step_count(l), 3);
    assert_string_equal(lesson_step_title(l, 0), "1. The loss only sees the last step");
    assert_string_equal(lesson_step_title(l, 1), "2. Stepping back");
    assert_string_equal(lesson_step_title(l, 2), "3. Training");
    assert_int_equal(lesson_step_line(l, 0), 14);
    assert_int_equal(lesson_step_line(l, 1), 26);
    assert_int_equal(lesson_step_line(l, 2), 40);

    /* the heading keeps its inline markup for rendering */
    const Narration *h = lesson_step_heading(l, 1);
    expect_kinds(h, (NarBlockKind[]){NAR_HEADING}, 1);
    assert_int_equal(h->blocks[0].line, 26);
    expect_span(h, 0, 0, NAR_SPAN_TEXT, 0, "2. Stepping ");
    expect_span(h, 0, 1, NAR_SPAN_CODE, NAR_CODE, "back");

    /* step 1: a paragraph with strong, emph and code, then a bullet list */
    const Narration *n0 = lesson_step_narration(l, 0);
    expect_kinds(n0,
                 (NarBlockKind[]){NAR_PARAGRAPH, NAR_ITEM_BEGIN, NAR_PARAGRAPH, NAR_ITEM_END,
                                  NAR_ITEM_BEGIN, NAR_PARAGRAPH, NAR_ITEM_END, NAR_LIST_END},
                 8);
    assert_int_equal(n0->blocks[0].line, 16);
    expect_span(n0, 0, 1, NAR_SPAN_TEXT, NAR_STRONG, "emphasis");
    expect_span(n0, 0, 3, NAR_SPAN_TEXT, NAR_EMPH, "italics");
    expect_span(n0, 0, 5, NAR_SPAN_CODE, NAR_CODE, "code");
    expect_block_text(n0, 1, "•");
    expect_span(n0, 5, 0, NAR_SPAN_TEXT, 0, "second item");

    const ActionList *a0 = lesson_step_actions(l, 0);
    assert_int_equal(a0->count, 3);
    expect_action(a0, 0, "forward all", 22, 1);
    expect_action(a0, 1, "backward 5", 23, 1);
    expect_action(a0, 2, "select 0 39", 23, 13);

    /* step 2: another language's block stays narration; the indented
     * rnnviz fence maps each line to its own column */
    const Narration *n1 = lesson_step_narration(l, 1);
    expect_kinds(n1,
                 (NarBlockKind[]){NAR_CODE_BLOCK, NAR_ITEM_BEGIN, NAR_PARAGRAPH, NAR_ITEM_END,
                                  NAR_ITEM_BEGIN, NAR_PARAGRAPH, NAR_ITEM_END, NAR_LIST_END},
                 8);
    expect_block_text(n1, 0, "print(\"not an action block\")\n");
    assert_int_equal(n1->blocks[0].line, 28);
    expect_block_text(n1, 1, "1.");
    expect_block_text(n1, 4, "2.");
    const ActionList *a1 = lesson_step_actions(l, 1);
    assert_int_equal(a1->count, 2);
    expect_action(a1, 0, "step 3", 36, 2); /* less indented than the fence */
    expect_action(a1, 1, "back 1", 37, 5);

    /* step 3: two blocks, in order; "RNNviz" counts (any case) */
    const Narration *n2 = lesson_step_narration(l, 2);
    expect_kinds(n2, (NarBlockKind[]){NAR_PARAGRAPH}, 1);
    expect_span(n2, 0, 0, NAR_SPAN_TEXT, 0, "Nothing but actions, in two blocks.");
    const ActionList *a2 = lesson_step_actions(l, 2);
    assert_int_equal(a2->count, 5);
    expect_action(a2, 0, "set learning_rate = 0.05", 45, 1);
    assert_int_equal(a2->items[0].value_col, 21);
    expect_action(a2, 1, "train 200", 46, 1);
    expect_action(a2, 2, "show plots", 50, 1);
    expect_action(a2, 3, "hide inspector", 50, 13);
    expect_action(a2, 4, "order layer", 51, 1);

    /* no rnnviz block is left in any narration (the kinds above say so);
     * the plain text joins them */
    char plain[256];
    narration_plain_text(n0, plain, sizeof plain);
    assert_string_equal(plain, "Narration with emphasis, italics and code:\nfirst item\n"
                               "second item\n");
}

static void test_full_fixture(void **state)
{
    (void)state;
    char msg[512] = "";
    Lesson *l = lesson_load(FIX("lesson_full.md"), msg, sizeof msg);
    if (!l)
        fail_msg("%s", msg);
    assert_string_equal(lesson_name(l), FIX("lesson_full.md"));
    check_full(l);

    /* out of range: a programmer error, EXPECT fires */
    ExpectHook old = expect_set_hook(mock_assert);
    expect_assert_failure(lesson_step_title(l, 3));
    expect_assert_failure(lesson_step_title(l, -1));
    expect_assert_failure(lesson_step_line(l, 3));
    expect_assert_failure(lesson_step_heading(l, 3));
    expect_assert_failure(lesson_step_narration(l, -1));
    expect_assert_failure(lesson_step_actions(l, 3));
    const char *k = "untouched";
    int line = 77;
    expect_assert_failure(lesson_setup_entry(l, 4, &k, NULL, &line, NULL));
    expect_assert_failure(lesson_setup_entry(l, -1, &k, NULL, &line, NULL));
    expect_assert_failure(narration_block(lesson_intro(l), 1));
    expect_set_hook(old);
    assert_string_equal(k, "untouched");
    assert_int_equal(line, 77);
    lesson_destroy(l);
    lesson_destroy(NULL);
    assert_int_equal(lesson_step_count(NULL), 0);
    assert_null(lesson_title(NULL));
}

/* Replaces every "\n" of src by eol, optionally after a byte order mark. */
static char *convert(const char *src, size_t len, const char *eol, int bom, size_t *out_len)
{
    char *out = malloc(2 * len + 4);
    assert_non_null(out);
    size_t n = 0;
    if (bom) {
        memcpy(out, "\xEF\xBB\xBF", 3);
        n = 3;
    }
    for (size_t i = 0; i < len; i++) {
        if (src[i] == '\n') {
            memcpy(out + n, eol, strlen(eol));
            n += strlen(eol);
        } else {
            out[n++] = src[i];
        }
    }
    *out_len = n;
    return out;
}

static void test_memory_line_endings_bom(void **state)
{
    (void)state;
    size_t len;
    char *text = read_fixture(FIX("lesson_full.md"), &len);
    const char *eols[3] = {"\n", "\r\n", "\r"};
    for (int bom = 0; bom < 2; bom++) {
        for (int e = 0; e < 3; e++) {
            size_t n;
            char *conv = convert(text, len, eols[e], bom, &n);
            char msg[512] = "";
            /* not NUL-terminated: only n bytes may be read */
            char *exact = malloc(n);
            assert_non_null(exact);
            memcpy(exact, conv, n);
            Lesson *l = lesson_parse(exact, n, "mem.md", msg, sizeof msg);
            if (!l)
                fail_msg("eol %d bom %d: %s", e, bom, msg);
            assert_string_equal(lesson_name(l), "mem.md");
            check_full(l);
            lesson_destroy(l);
            free(exact);
            free(conv);
        }
    }
    free(text);
}

static void expect_load_error(const char *fixture, const char *want_tail)
{
    char path[512], want[1024], msg[1024] = "";
    snprintf(path, sizeof path, "%s/%s", RNNVIZ_FIXTURES_DIR, fixture);
    snprintf(want, sizeof want, "%s:%s", path, want_tail);
    Lesson *l = lesson_load(path, msg, sizeof msg);
    assert_null(l);
    if (strcmp(msg, want) != 0)
        fail_msg("%s:\n got  '%s'\n want '%s'", fixture, msg, want);
}

static void test_error_fixtures(void **state)
{
    (void)state;
    expect_load_error("lesson_bad_verb.md",
                      "13:4: unknown verb 'fowrard' (did you mean 'forward'?)");
    expect_load_error("lesson_no_title.md",
                      "1:1: missing title: a lesson starts with a level-1 heading ('# Title')");
    expect_load_error("lesson_no_steps.md", "1:1: the lesson has no steps: each step starts "
                                            "with a level-2 heading ('## Step')");
    expect_load_error("lesson_second_setup.md",
                      "9:1: a second setup block: the setup is one rnnviz block before the "
                      "first step ('## ' heading)");
    expect_load_error("lesson_nested_block.md", "7:3: an rnnviz block inside a list or a quote: "
                                                "start its fence at the left margin");
    expect_load_error("lesson_bad_setup.md", "5:8: expected '=' after 'hidden', got '16'");
    expect_load_error("lesson_second_title.md",
                      "5:1: a second title (level-1 heading; the title is on line 1): steps "
                      "use '## '");
    expect_load_error("lesson_bad_utf8.md",
                      "5:3: invalid UTF-8 (byte 0xEF): save the lesson as UTF-8");
    expect_load_error("lesson_does_not_exist.md", " cannot open: No such file or directory");
    /* a directory opens but cannot be read */
    char msg[512];
    assert_null(lesson_load(RNNVIZ_FIXTURES_DIR, msg, sizeof msg));
    assert_string_equal(msg, RNNVIZ_FIXTURES_DIR ": cannot read: Is a directory");
}

static void expect_parse_error(const char *text, size_t len, const char *want)
{
    char msg[1024] = "";
    Lesson *l = lesson_parse(text, len, "m.md", msg, sizeof msg);
    if (l) {
        lesson_destroy(l);
        fail_msg("parsed, but wanted '%s'", want);
    }
    if (strcmp(msg, want) != 0)
        fail_msg("got  '%s'\n want '%s'", msg, want);
}

#define PARSE_ERR(text, want) expect_parse_error(text, sizeof(text) - 1, want)

static void test_structural_errors(void **state)
{
    (void)state;
    PARSE_ERR("", "m.md:1:1: missing title: a lesson starts with a level-1 heading ('# Title')");
    PARSE_ERR("<!-- only a comment -->\n",
              "m.md:1:1: missing title: a lesson starts with a level-1 heading ('# Title')");
    PARSE_ERR("\n\n## Step first\n# Title\n",
              "m.md:3:1: missing title: a lesson starts with a level-1 heading ('# Title')");
    PARSE_ERR("\n```rnnviz\nforward all\n```\n",
              "m.md:2:1: missing title: a lesson starts with a level-1 heading ('# Title')");
    PARSE_ERR("#\n\n## Step\n", "m.md:1:1: empty title: write it after '# '");
    PARSE_ERR("# T\n\n##   \n", "m.md:3:1: empty step title: write it after '## '");
    PARSE_ERR("# T\n\n```rnnviz setup\ncell = gru\n```\n## S\n",
              "m.md:3:1: unexpected 'setup' after 'rnnviz': the fence line is just ```rnnviz");
    PARSE_ERR("# T\n```rnnviz\nhidden = 4\n\n  hidden=5\n```\n## S\n",
              "m.md:5:3: 'hidden' is set twice in the setup block (first on line 3)");
    PARSE_ERR("# T\n```rnnviz\nlearning-rate = 1\nlearning_rate = 2\n```\n## S\n",
              "m.md:4:1: 'learning_rate' is set twice in the setup block (first on line 3)");
    PARSE_ERR("# T\n```rnnviz\n  = 3\n```\n## S\n", "m.md:3:3: expected 'key = value', got '='");
    PARSE_ERR("# T\n## S\n> quoted\n> ```rnnviz\n> step 1\n> ```\n",
              "m.md:4:3: an rnnviz block inside a list or a quote: start its fence at the left "
              "margin");
    PARSE_ERR("# T\n## S\n```rnnviz\nforward all\n\tstep x\n```\n",
              "m.md:5:7: expected a count after 'step', got 'x'");
    /* a tab partly eaten by the fence's indentation: cmark hands over spaces */
    PARSE_ERR("# T\n## S\n  ```rnnviz\n\tstep x\n  ```\n",
              "m.md:4:7: expected a count after 'step', got 'x'");
    /* an unterminated fence runs to the end of the file */
    PARSE_ERR("# T\n## S\n```rnnviz\nforward all\nreset 1",
              "m.md:5:7: unexpected '1' after 'reset'");
}

static void test_bad_bytes(void **state)
{
    (void)state;
    PARSE_ERR("# T\n\n## S\0\n", "m.md:3:5: NUL byte: a lesson is a UTF-8 text file");
    PARSE_ERR("# T\n## S\n\xc0\xaf\n", /* overlong '/' */
              "m.md:3:1: invalid UTF-8 (byte 0xC0): save the lesson as UTF-8");
    PARSE_ERR("# T\n## S\nx \xed\xa0\x80\n", /* a UTF-16 surrogate */
              "m.md:3:3: invalid UTF-8 (byte 0xED): save the lesson as UTF-8");
    PARSE_ERR("# T\n## S\n\xf4\x90\x80\x80\n", /* above U+10FFFF */
              "m.md:3:1: invalid UTF-8 (byte 0xF4): save the lesson as UTF-8");
    PARSE_ERR("# T\n## S\nabc\xe2\x82", /* cut short at the end */
              "m.md:3:4: invalid UTF-8 (byte 0xE2): save the lesson as UTF-8");
    PARSE_ERR("# T\r\n\r\n## S\r\n\xff",
              "m.md:4:1: invalid UTF-8 (byte 0xFF): save the lesson as UTF-8");
    /* valid multi-byte text is fine, and columns count bytes */
    char msg[512];
    const char ok[] = "# h\xe2\x82\x9c = tanh(W x\xe2\x82\x9c)\n## \xf0\x9f\x99\x82\n```rnnviz\n"
                      "forward all\n```\n";
    Lesson *l = lesson_parse(ok, sizeof ok - 1, "m.md", msg, sizeof msg);
    if (!l)
        fail_msg("%s", msg);
    assert_string_equal(lesson_title(l), "h\xe2\x82\x9c = tanh(W x\xe2\x82\x9c)");
    assert_string_equal(lesson_step_title(l, 0), "\xf0\x9f\x99\x82");
    lesson_destroy(l);
}

static void test_limits(void **state)
{
    (void)state;
    char msg[512];
    /* exactly LESSON_MAX_BYTES is accepted, one more byte is not */
    size_t n = LESSON_MAX_BYTES;
    char *big = malloc(n + 1);
    assert_non_null(big);
    const char head[] = "# Big\n## S\n";
    memcpy(big, head, sizeof head - 1);
    for (size_t i = sizeof head - 1; i < n + 1; i++)
        big[i] = (i % 64 == 63) ? '\n' : 'a';
    Lesson *l = lesson_parse(big, n, "big.md", msg, sizeof msg);
    if (!l)
        fail_msg("%s", msg);
    lesson_destroy(l);
    expect_parse_error(big, n + 1, "m.md: too large: 1048577 bytes, a lesson has at most 1 MiB");
    free(big);

    /* LESSON_MAX_STEPS steps, then one more */
    static char text[16384];
    size_t k = (size_t)snprintf(text, sizeof text, "# T\n");
    for (int i = 0; i < LESSON_MAX_STEPS; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "## s%d\n```rnnviz\nstep %d\n```\n", i,
                              i + 1);
    l = lesson_parse(text, k, "m.md", msg, sizeof msg);
    if (!l)
        fail_msg("%s", msg);
    assert_int_equal(lesson_step_count(l), LESSON_MAX_STEPS);
    assert_string_equal(lesson_step_title(l, 99), "s99");
    assert_int_equal(lesson_step_actions(l, 99)->items[0].count, 100);
    lesson_destroy(l);
    k += (size_t)snprintf(text + k, sizeof text - k, "## one too many\n");
    /* the title is line 1, each step four lines: step 101 is on line 402 */
    expect_parse_error(text, k, "m.md:402:1: too many steps (at most 100)");

    /* ACTION_LIST_CAP actions in a step, across two blocks, then one more */
    static char acts[8192];
    k = (size_t)snprintf(acts, sizeof acts, "# T\n## S\n```rnnviz\n");
    for (int i = 0; i < 200; i++)
        k += (size_t)snprintf(acts + k, sizeof acts - k, "step 1\n");
    k += (size_t)snprintf(acts + k, sizeof acts - k, "```\ntext\n```rnnviz\n");
    for (int i = 200; i < ACTION_LIST_CAP; i++)
        k += (size_t)snprintf(acts + k, sizeof acts - k, "back 1\n");
    l = lesson_parse(acts, k, "m.md", msg, sizeof msg);
    if (!l)
        fail_msg("%s", msg);
    assert_int_equal(lesson_step_actions(l, 0)->count, ACTION_LIST_CAP);
    lesson_destroy(l);
    k += (size_t)snprintf(acts + k, sizeof acts - k, "  reset\n");
    /* 3 lines, 200 actions, fence, text, fence, 56 actions: line 263 */
    expect_parse_error(acts, k, "m.md:263:3: too many actions (at most 256 in one list)");
}

static void test_forgiving_layout(void **state)
{
    (void)state;
    char msg[512];
    /* setext title, HTML comment first, no setup, a step without actions,
     * ~~~ fences, a level-3 heading as narration, "rnnvizard" is just code,
     * trailing spaces after "rnnviz" */
    const char text[] = "<!-- licence -->\n"
                        "Lesson *title*\n"
                        "==============\n"
                        "## Only words\n"
                        "### A sub-heading\n"
                        "```rnnvizard\nnot an action\n```\n"
                        "## Actions\n"
                        "~~~ rnnviz  \n"
                        "forward 2\n"
                        "~~~\n";
    Lesson *l = lesson_parse(text, sizeof text - 1, NULL, msg, sizeof msg);
    if (!l)
        fail_msg("%s", msg);
    assert_string_equal(lesson_name(l), "<lesson>");
    assert_string_equal(lesson_title(l), "Lesson title");
    assert_int_equal(lesson_title_line(l), 2);
    assert_int_equal(lesson_setup_count(l), 0);
    assert_int_equal(lesson_setup(l)->count, 0);
    assert_int_equal(lesson_intro(l)->block_count, 0);
    assert_int_equal(lesson_step_count(l), 2);
    assert_int_equal(lesson_step_actions(l, 0)->count, 0);
    const Narration *n0 = lesson_step_narration(l, 0);
    expect_kinds(n0, (NarBlockKind[]){NAR_HEADING, NAR_CODE_BLOCK}, 2);
    expect_span(n0, 0, 0, NAR_SPAN_TEXT, 0, "A sub-heading");
    expect_block_text(n0, 1, "not an action\n");
    expect_action(lesson_step_actions(l, 1), 0, "forward 2", 11, 1);
    lesson_destroy(l);

    /* a NULL message buffer is fine */
    assert_null(lesson_parse("no title", 8, "m.md", NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_fixture),     cmocka_unit_test(test_memory_line_endings_bom),
        cmocka_unit_test(test_error_fixtures),   cmocka_unit_test(test_structural_errors),
        cmocka_unit_test(test_bad_bytes),        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_forgiving_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
