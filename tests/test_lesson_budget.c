/* A lesson's work budget: a step whose actions would run for hours is
 * refused at FILE:LINE:COL before any work, by check-lesson and by every
 * lesson consumer (lesson_enter); the shipped lessons fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lesson.h"
#include "lesson_budget.h"
#include "lesson_run.h"

static Lesson *parse(const char *text)
{
    char msg[800];
    Lesson *l = lesson_parse(text, strlen(text), "b.md", msg, sizeof msg);
    if (!l)
        fail_msg("%s", msg);
    return l;
}

static void test_hours_refused(void **state)
{
    (void)state;
    Lesson *l = parse("# Hours\n\n```rnnviz\nbatch = 4096\nsteps = 1000\n```\n\n## Train\n\n"
                      "```rnnviz\nforward all\ntrain 1000000\n```\n");
    char msg[800];
    clock_t t0 = clock();
    assert_int_equal(lesson_check_budget(l, msg, sizeof msg), -1);
    if (strncmp(msg, "b.md:12:1: step 1 needs about ", 30) || !strstr(msg, "budget of 600 GFLOP"))
        fail_msg("message '%s'", msg);
    assert_null(lesson_enter(l, 0, msg, sizeof msg));
    assert_non_null(strstr(msg, "b.md:12:1: step 1 needs"));
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
    lesson_destroy(l);
}

/* A `set` earlier in the step counts: the train after it runs on the
 * larger network. The same work split over steps fits each. */
static void test_set_counts(void **state)
{
    (void)state;
    char msg[800];
    Lesson *l = parse("# Set\n\n## Grow\n\n```rnnviz\nset hidden = 1024\nset layers = 8\n"
                      "set steps = 2000\ntrain 100\n```\n");
    assert_int_equal(lesson_check_budget(l, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "b.md:9:1: step 1"));
    lesson_destroy(l);
    l = parse("# Small\n\n## Train\n\n```rnnviz\ntrain 1000\n```\n\n## More\n\n```rnnviz\n"
              "train 1000\n```\n");
    assert_int_equal(lesson_check_budget(l, msg, sizeof msg), 0);
    lesson_destroy(l);
}

static void test_shipped_lessons_fit(void **state)
{
    (void)state;
    static char paths[64][512];
    int n = lesson_list(lesson_dir(), paths, 64);
    assert_true(n >= 8);
    for (int k = 0; k < n; k++) {
        char msg[800];
        Lesson *l = lesson_load(paths[k], msg, sizeof msg);
        assert_non_null(l);
        if (lesson_check_budget(l, msg, sizeof msg))
            fail_msg("%s", msg);
        lesson_destroy(l);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hours_refused),
        cmocka_unit_test(test_set_counts),
        cmocka_unit_test(test_shipped_lessons_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
