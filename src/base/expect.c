#include "expect.h"

#include <stdio.h>
#include <stdlib.h>

static ExpectHook expect_hook;

_Noreturn void expect_fail(const char *cond, const char *file, int line)
{
    if (expect_hook)
        expect_hook(0, cond, file, line);
    fprintf(stderr, "%s:%d: expected %s\n", file, line, cond);
    fflush(stderr);
    abort();
}

ExpectHook expect_set_hook(ExpectHook hook)
{
    ExpectHook old = expect_hook;
    expect_hook = hook;
    return old;
}
