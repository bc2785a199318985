/*
 * base: the Error type keeps the first error and its message; EXPECT
 * passes true conditions, and a false one reaches the installed hook (here
 * cmocka's mock_assert) with the condition's text, file and line, or aborts.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "error.h"
#include "expect.h"

static void test_error_keeps_first(void **state)
{
    (void)state;
    Error err = {0};
    assert_false(error_is_set(&err));
    assert_int_equal(error_set(&err, -3, "%s:%d: bad value '%s'", "a.md", 12, "x"), -3);
    assert_int_equal(error_set(&err, -5, "later"), -5);
    assert_int_equal(err.code, -3);
    assert_string_equal(err.msg, "a.md:12: bad value 'x'");
    error_prefix(&err, "rnnviz %s: ", "render");
    assert_string_equal(err.msg, "rnnviz render: a.md:12: bad value 'x'");
    error_clear(&err);
    assert_false(error_is_set(&err));
    assert_string_equal(err.msg, "");
    assert_int_equal(error_set(NULL, -1, "ignored"), -1);
}

static void test_error_truncates(void **state)
{
    (void)state;
    Error err = {0};
    char big[2 * ERROR_MSG_CAP];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    error_set(&err, -1, "%s", big);
    assert_int_equal(strlen(err.msg), ERROR_MSG_CAP - 1);
    error_prefix(&err, "p: ");
    assert_int_equal(strlen(err.msg), ERROR_MSG_CAP - 1);
    assert_memory_equal(err.msg, "p: aaa", 6);
}

static int checked(int i)
{
    EXPECT(i >= 0 && i < 4);
    return i * 2;
}

static const char *seen_cond, *seen_file;
static int seen_line;
static jmp_buf back;

static void record(int ok, const char *cond, const char *file, int line)
{
    (void)ok;
    seen_cond = cond;
    seen_file = file;
    seen_line = line;
    longjmp(back, 1);
}

static void test_expect_reports_condition_and_place(void **state)
{
    (void)state;
    assert_int_equal(checked(3), 6);
    ExpectHook old = expect_set_hook(record);
    if (!setjmp(back)) {
        checked(4);
        fail_msg("EXPECT did not fire");
    }
    expect_set_hook(old);
    assert_string_equal(seen_cond, "i >= 0 && i < 4");
    assert_non_null(strstr(seen_file, "test_base.c"));
    assert_true(seen_line > 0);
}

static void test_expect_routes_to_cmocka(void **state)
{
    (void)state;
    ExpectHook old = expect_set_hook(mock_assert);
    expect_assert_failure(checked(-1));
    expect_set_hook(old);
}

/* Without a hook, a failed EXPECT prints file:line and aborts. */
static void test_expect_aborts_by_default(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        checked(9);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_keeps_first),
        cmocka_unit_test(test_error_truncates),
        cmocka_unit_test(test_expect_reports_condition_and_place),
        cmocka_unit_test(test_expect_routes_to_cmocka),
        cmocka_unit_test(test_expect_aborts_by_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
