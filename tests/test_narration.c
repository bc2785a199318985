/*
 * Narration (the lesson layer's plain model of Markdown): inline styles at
 * any nesting depth, converted without recursion (issue 13: emphasis
 * nested 300,000 deep overflowed the stack of the old recursive walk);
 * containers nested past NARRATION_MAX_DEPTH flattened to plain text; the
 * plain text; parsing a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "narration.h"

enum { DEEP = 300000 };

/* "# Deep\n...## Emphasis\n" + DEEP stars + "deepword" + DEEP stars + ... */
static char *deep_lesson(size_t *len)
{
    size_t cap = 2 * DEEP + 4096;
    char *s = malloc(cap);
    assert_non_null(s);
    size_t n = (size_t)snprintf(s, cap, "# Deep\n\nIntro.\n\n## Emphasis\n\n");
    memset(s + n, '*', DEEP);
    n += DEEP;
    n += (size_t)snprintf(s + n, cap - n, "deepword");
    memset(s + n, '*', DEEP);
    n += DEEP;
    n += (size_t)snprintf(s + n, cap - n, "\n\n## Quotes\n\n");
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(s + n, cap - n, "> ");
    n += (size_t)snprintf(s + n, cap - n, "quoted *words*\n");
    *len = n;
    return s;
}

static int count_kind(const Narration *nar, NarBlockKind kind)
{
    int n = 0;
    for (int i = 0; i < nar->block_count; i++)
        n += nar->blocks[i].kind == kind;
    return n;
}

static void test_deep_emphasis(void **state)
{
    (void)state;
    size_t len;
    char *text = deep_lesson(&len);
    assert_true(len < LESSON_MAX_BYTES);
    char msg[512];
    Lesson *l = lesson_parse(text, len, "deep.md", msg, sizeof msg);
    if (!l)
        fail_msg("%s", msg);
    const Narration *nar = lesson_step_narration(l, 0);
    assert_int_equal(nar->block_count, 1);
    assert_int_equal(nar->blocks[0].kind, NAR_PARAGRAPH);
    /* the word keeps the styles that enclose it, however deep */
    int found = 0;
    for (int i = 0; i < nar->span_count; i++) {
        const NarSpan *s = &nar->spans[i];
        if (s->len == 8 && !memcmp(nar->text + s->off, "deepword", 8)) {
            assert_true(s->style & NAR_STRONG); /* 300,000 stars: strong inside strong */
            found++;
        }
    }
    assert_int_equal(found, 1);
    lesson_destroy(l);
    free(text);
}

static void test_deep_quotes_flattened(void **state)
{
    (void)state;
    size_t len;
    char *text = deep_lesson(&len);
    char msg[512];
    Lesson *l = lesson_parse(text, len, "deep.md", msg, sizeof msg);
    if (!l)
        fail_msg("%s", msg);
    const Narration *nar = lesson_step_narration(l, 1);
    /* quotes at depths 0..NARRATION_MAX_DEPTH, then one plain paragraph */
    assert_int_equal(count_kind(nar, NAR_QUOTE_BEGIN), NARRATION_MAX_DEPTH + 1);
    assert_int_equal(count_kind(nar, NAR_QUOTE_END), NARRATION_MAX_DEPTH + 1);
    assert_int_equal(count_kind(nar, NAR_PARAGRAPH), 1);
    char plain[64];
    narration_plain_text(nar, plain, sizeof plain);
    assert_string_equal(plain, "quoted words \n");
    lesson_destroy(l);
    free(text);
}

static void test_parse_message(void **state)
{
    (void)state;
    const char *md = "lessons/x.md:3:1: unknown verb `fowrard`\nsecond *line*";
    Narration *nar = narration_parse(md, strlen(md));
    assert_non_null(nar);
    assert_int_equal(nar->block_count, 1);
    const NarBlock *b = narration_block(nar, 0);
    assert_int_equal(b->span_count, 5);
    assert_int_equal(nar->spans[b->first_span + 1].kind, NAR_SPAN_CODE);
    assert_int_equal(nar->spans[b->first_span + 2].kind, NAR_SPAN_SOFTBREAK);
    assert_int_equal(nar->spans[b->first_span + 4].style, NAR_EMPH);
    char plain[128];
    size_t n = narration_plain_text(nar, plain, sizeof plain);
    assert_string_equal(plain, "lessons/x.md:3:1: unknown verb fowrard second line\n");
    assert_int_equal(n, strlen(plain));
    /* cut to fit, NUL-terminated, full length returned */
    char small[8];
    assert_int_equal(narration_plain_text(nar, small, sizeof small), n);
    assert_string_equal(small, "lessons");
    narration_destroy(nar);
    narration_destroy(NULL);
}

static void test_lists_and_code(void **state)
{
    (void)state;
    const char *md = "3. three\n4. four\n   - inner\n\n```\na\nb\n```\n\n---\n";
    Narration *nar = narration_parse(md, strlen(md));
    assert_non_null(nar);
    const NarBlockKind want[] = {NAR_ITEM_BEGIN, NAR_PARAGRAPH,  NAR_ITEM_END,  NAR_ITEM_BEGIN,
                                 NAR_PARAGRAPH,  NAR_ITEM_BEGIN, NAR_PARAGRAPH, NAR_ITEM_END,
                                 NAR_LIST_END,   NAR_ITEM_END,   NAR_LIST_END,  NAR_CODE_BLOCK,
                                 NAR_RULE};
    assert_int_equal(nar->block_count, sizeof want / sizeof want[0]);
    for (int i = 0; i < nar->block_count; i++)
        assert_int_equal(nar->blocks[i].kind, want[i]);
    assert_memory_equal(nar->text + nar->blocks[0].off, "3.", 2);
    assert_memory_equal(nar->text + nar->blocks[3].off, "4.", 2);
    assert_memory_equal(nar->text + nar->blocks[5].off, "•", strlen("•"));
    assert_int_equal(nar->blocks[11].len, 4);
    assert_memory_equal(nar->text + nar->blocks[11].off, "a\nb\n", 4);
    narration_destroy(nar);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deep_emphasis),
        cmocka_unit_test(test_deep_quotes_flattened),
        cmocka_unit_test(test_parse_message),
        cmocka_unit_test(test_lists_and_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
