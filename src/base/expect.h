/*
 * EXPECT(cond): a check for programmer errors (an index out of range, a call
 * out of order), never for bad input a user can cause. When cond is false it
 * reports "file:line: expected cond" on stderr and aborts.
 *
 * Tests route it elsewhere: expect_set_hook installs a function that is
 * called instead of the report (cmocka's mock_assert, which jumps back to
 * expect_assert_failure), so a test can prove a check fires. If the hook
 * returns, the process still aborts: a failed EXPECT never continues.
 */
#ifndef RNNVIZ_EXPECT_H
#define RNNVIZ_EXPECT_H

typedef void (*ExpectHook)(int ok, const char *cond, const char *file, int line);

#define EXPECT(cond) ((cond) ? (void)0 : expect_fail(#cond, __FILE__, __LINE__))

_Noreturn void expect_fail(const char *cond, const char *file, int line);

/* Installs hook (NULL restores the default report); returns the previous. */
ExpectHook expect_set_hook(ExpectHook hook);

#endif
