/*
 * Bounded reading of model and data files: what is not a regular file is
 * refused at once (a FIFO or /dev/zero never blocks or fills memory); a
 * file larger than the largest valid one is refused from its size alone,
 * with the limit in the message; a batch whose network would be over the
 * memory cap is refused before its numbers are read; and the peak memory
 * of reading stays within 4x the file's size plus the numbers' own
 * buffers (measured with getrusage in a child process).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "data_io.h"
#include "model_io.h"
#include "net.h"

/* tanh rnn, I 1, H 4, L 1, O 1, mse on every step. */
static const NetConfig small = {NET_CELL_RNN, NET_ACT_TANH,    1,    4, 1, 1,
                                NET_LOSS_MSE, NET_TARGETS_ALL, true, 0, 0};

static char dir[256];

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/rnnviz-bounded-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A FIFO (nobody writes), a device, a directory: refused at once, for
 * model and data files alike. An alarm turns a block into a failure. */
static void test_not_regular_refused_at_once(void **state)
{
    (void)state;
    char fifo[512];
    path_of(fifo, sizeof fifo, "pipe.json");
    assert_int_equal(mkfifo(fifo, 0644), 0);
    const char *paths[] = {fifo, "/dev/zero", "/dev/null", dir};
    alarm(20);
    for (size_t k = 0; k < 4; k++) {
        NetError err = {""};
        double t0 = now();
        ModelFile *m = modelfile_load(paths[k], &err);
        assert_null(m);
        if (!strstr(err.msg, paths[k]) || !strstr(err.msg, "cannot read: "))
            fail_msg("model %s: message '%s'", paths[k], err.msg);
        DataFile *d = datafile_load(paths[k], &small, &err);
        assert_null(d);
        if (!strstr(err.msg, paths[k]) || !strstr(err.msg, "cannot read: "))
            fail_msg("data %s: message '%s'", paths[k], err.msg);
        if (now() - t0 > 0.5)
            fail_msg("%s: took %.2f s to refuse", paths[k], now() - t0);
    }
    alarm(0);
    NetError err = {""};
    assert_null(modelfile_load(fifo, &err));
    assert_non_null(strstr(err.msg, "not a regular file"));
    unlink(fifo);
}

/* A sparse file one byte over the limit: refused from its size, with the
 * limit in the message, without reading (it would take 3 GB). */
static void test_oversize_refused_from_size(void **state)
{
    (void)state;
    char path[512], want[200];
    path_of(path, sizeof path, "big.json");
    size_t limits[2] = {modelfile_max_bytes(), datafile_max_bytes(&small)};
    assert_true(limits[0] > (size_t)3 << 30); /* an lstm at the limits is valid */
    for (int k = 0; k < 2; k++) {
        int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, (off_t)limits[k] + 1), 0);
        close(fd);
        NetError err = {""};
        double t0 = now();
        void *got =
            k == 0 ? (void *)modelfile_load(path, &err) : (void *)datafile_load(path, &small, &err);
        assert_null(got);
        snprintf(want, sizeof want, "the file is %zu bytes, more than the %zu bytes", limits[k] + 1,
                 limits[k]);
        if (!strstr(err.msg, want))
            fail_msg("message '%s' does not say '%s'", err.msg, want);
        assert_true(now() - t0 < 0.5);
        /* at the limit exactly, the size is no reason (the text is then
         * refused for what it holds: NUL bytes) */
        fd = open(path, O_WRONLY);
        assert_int_equal(ftruncate(fd, 64), 0);
        close(fd);
        got =
            k == 0 ? (void *)modelfile_load(path, &err) : (void *)datafile_load(path, &small, &err);
        assert_null(got);
        assert_null(strstr(err.msg, "more than the"));
    }
    unlink(path);
}

/* Writes a data file of B x T steps for `small` (inputs and targets), each
 * number written as num; returns its size. */
static size_t write_data(const char *path, int B, int T, const char *num)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("{\"format\": \"rnnviz-data\", \"version\": 1", f);
    const char *keys[] = {"inputs", "targets"};
    for (int k = 0; k < 2; k++) {
        fprintf(f, ", \"%s\": [", keys[k]);
        for (int b = 0; b < B; b++) {
            fputs(b ? ", [" : "[", f);
            for (int t = 0; t < T; t++)
                fprintf(f, t ? ", [%s]" : "[%s]", num);
            fputc(']', f);
        }
        fputc(']', f);
    }
    fputs("}", f);
    long n = ftell(f);
    assert_int_equal(fclose(f), 0);
    return (size_t)n;
}

/* A batch whose network would need more than NET_MAX_BYTES (B 4096, T 300
 * and H 1024: 9.4 GiB) is refused by its shape, before its numbers are
 * read: fast, and the message names the cap. */
static void test_batch_over_memory_cap(void **state)
{
    (void)state;
    char path[512];
    path_of(path, sizeof path, "wide.json");
    write_data(path, 4096, 300, "0");
    NetConfig wide = small;
    wide.hidden_size = 1024;
    NetError err = {""};
    double t0 = now();
    assert_null(datafile_load(path, &wide, &err));
    if (!strstr(err.msg, "inputs: a batch of 4096 x 300 steps needs") ||
        !strstr(err.msg, "beyond the limit of 6 GiB"))
        fail_msg("message '%s'", err.msg);
    print_message("refused a %d x %d batch in %.2f s\n", 4096, 300, now() - t0);
    /* the same file for the small network loads */
    DataFile *d = datafile_load(path, &small, &err);
    if (!d)
        fail_msg("%s", err.msg);
    assert_int_equal(datafile_batch(d)->B, 4096);
    assert_int_equal(datafile_batch(d)->T, 300);
    datafile_destroy(d);
    unlink(path);
}

/* Peak RSS growth of a child that loads path (or fails to): in bytes. */
static long peak_growth(const char *path, bool want_ok)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rusage before, after;
        getrusage(RUSAGE_SELF, &before);
        NetError err = {""};
        DataFile *d = datafile_load(path, &small, &err);
        getrusage(RUSAGE_SELF, &after);
        long grown = (after.ru_maxrss - before.ru_maxrss) * 1024L;
        if ((d != NULL) != want_ok)
            grown = -1;
        (void)!write(fds[1], &grown, sizeof grown);
        _exit(0);
    }
    long grown = 0;
    assert_int_equal(read(fds[0], &grown, sizeof grown), (ssize_t)sizeof grown);
    waitpid(pid, NULL, 0);
    close(fds[0]);
    close(fds[1]);
    return grown;
}

/* A valid 30 MB data file and a 30 MB junk file: the peak stays within 4x
 * the file (the text once, the numbers' destinations, a small skeleton). */
static void test_peak_memory(void **state)
{
    (void)state;
    char path[512];
    path_of(path, sizeof path, "data.json");
    size_t n = write_data(path, 1024, 1000, "0.123456789"); /* 2M numbers */
    long grown = peak_growth(path, true);
    assert_true(grown >= 0);
    print_message("valid %zu MB: peak grew %.1f MB (%.2fx)\n", n >> 20, grown / 1048576.0,
                  (double)grown / (double)n);
    assert_true((double)grown <= 4.0 * (double)n);

    /* junk: 30 MB of numbers in one flat array, refused at the end */
    FILE *f = fopen(path, "wb");
    fputs("{\"format\": \"rnnviz-data\", \"version\": 1, \"inputs\": [", f);
    for (int k = 0; k < 15 << 20; k++)
        fputs("1,", f);
    fputs("\"x\"]}", f);
    n = (size_t)ftell(f);
    fclose(f);
    grown = peak_growth(path, false);
    assert_true(grown >= 0);
    print_message("junk %zu MB: peak grew %.1f MB (%.2fx)\n", n >> 20, grown / 1048576.0,
                  (double)grown / (double)n);
    assert_true((double)grown <= 4.0 * (double)n);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_regular_refused_at_once),
        cmocka_unit_test(test_oversize_refused_from_size),
        cmocka_unit_test(test_batch_over_memory_cap),
        cmocka_unit_test(test_peak_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
