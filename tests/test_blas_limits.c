/* OpenBLAS under memory limits: under an address-space limit (prlimit
 * --as, as ulimit -v) from 150 MB to 1 GB, every command either succeeds
 * or says "out of memory" and exits non-zero, within 10 s; none spins.
 * `rnnviz --help` exits 0 within a second even at 200 MB. The variable
 * OPENBLAS_NUM_THREADS that ctest sets is removed, as a user would not
 * have it. (Skipped under AddressSanitizer, whose shadow memory needs
 * terabytes of address space.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static char dir[256], err_text[8192];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Runs rnnviz ARGS under an address-space limit of mb MB; the exit status
 * (124 on a timeout), its stderr kept, and the time taken in *secs. */
static int run_limited(long mb, const char *args, double *secs)
{
    const char *bin = getenv("RNNVIZ_BIN");
    if (!bin)
        fail_msg("RNNVIZ_BIN is not set");
    char cmd[2048], err_path[512];
    snprintf(err_path, sizeof err_path, "%s/err.txt", dir);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && env -u OPENBLAS_NUM_THREADS timeout -s KILL 20 prlimit --as=%ld '%s' %s "
             ">/dev/null 2>'%s'",
             dir, mb * 1000 * 1000, bin, args, err_path);
    double t0 = now();
    int status = system(cmd);
    *secs = now() - t0;
    FILE *f = fopen(err_path, "rb");
    size_t n = f ? fread(err_text, 1, sizeof err_text - 1, f) : 0;
    if (f)
        fclose(f);
    err_text[n] = '\0';
    if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 137))
        return 124;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/rnnviz-blas-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_help_at_200_mb(void **state)
{
    (void)state;
#ifdef UNDER_ASAN
    skip();
#endif
    double secs;
    int rc = run_limited(200, "--help", &secs);
    if (rc != 0 || secs > 1.0)
        fail_msg("--help at 200 MB: exit %d after %.2f s: %s", rc, secs, err_text);
}

static void test_commands_under_limits(void **state)
{
    (void)state;
#ifdef UNDER_ASAN
    skip();
#endif
    const char *cmds[] = {
        "summary",
        "train --iters 20 --quiet",
        "train --iters 2 --quiet --hidden 1024 --layers 8 --steps 200 --batch 64",
        "lessons",
        "check-lesson " RNNVIZ_FIXTURES_DIR "/lesson_full.md",
        "grads --model " RNNVIZ_FIXTURES_DIR "/model_rnn_ce.json --data " RNNVIZ_FIXTURES_DIR
        "/data_rnn_ce.json",
        "render --size 320x240 --out o.png",
        "render --size 320x240 --fps 10 --video o.mp4", /* loads the FFmpeg module */
    };
    const long limits[] = {150, 200, 300, 600, 1000};
    int ok = 0, oom = 0;
    for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++) {
        for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++) {
            double secs;
            int rc = run_limited(limits[l], cmds[k], &secs);
            if (secs > 10.0 || rc == 124)
                fail_msg("%ld MB: rnnviz %s: still running after %.1f s", limits[l], cmds[k], secs);
            if (rc != 0 && !strstr(err_text, "out of memory"))
                fail_msg("%ld MB: rnnviz %s: exit %d without 'out of memory': %s", limits[l],
                         cmds[k], rc, err_text);
            ok += rc == 0;
            oom += rc != 0;
        }
    }
    print_message("%d runs succeeded, %d said out of memory\n", ok, oom);
    assert_true(ok > 0); /* at 1 GB the small commands work */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_at_200_mb),
        cmocka_unit_test(test_commands_under_limits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
