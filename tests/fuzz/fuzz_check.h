/* What a broken invariant does inside a harness. libFuzzer wants a crash
 * (abort); tests/test_fuzz_corpus.c includes the harnesses with
 * FUZZ_NO_ENTRY and defines FUZZ_FAIL as cmocka's fail_msg first, so a
 * replayed corpus file fails the test with the same message. */
#ifndef RNNVIZ_FUZZ_CHECK_H
#define RNNVIZ_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_FAIL
#define FUZZ_FAIL(...)                                                                             \
    do {                                                                                           \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        abort();                                                                                   \
    } while (0)
#endif

/* A refusal must say something, and name the file first when it has one
 * (name NULL: any non-empty one-line message). */
static inline void fuzz_check_message(const char *what, const char *msg, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (!msg[0] || (name && (strncmp(msg, name, n) != 0 || msg[n] != ':' || !msg[n + 1])))
        FUZZ_FAIL("%s: refused with message '%s' (expected '%s: ...')", what, msg,
                  name ? name : "");
    if (strchr(msg, '\n'))
        FUZZ_FAIL("%s: message of more than one line: '%s'", what, msg);
}

#endif
