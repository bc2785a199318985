/* `rnnviz map` run as a user runs it, through RNNVIZ_BIN: the CSV's values
 * against separate session runs of the same configuration at 5 random grid
 * points, the PNG written (and no temporary left beside either), the
 * accuracy column with --train, and one-line messages for bad arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net.h"
#include "rng.h"
#include "session.h"
#include "settings.h"

static char out[1 << 16];
static char dir[256];

/* Runs `rnnviz map ARGS 2>&1`, keeps what it printed, returns the exit status. */
static int run(const char *args)
{
    const char *bin = getenv("RNNVIZ_BIN");
    if (!bin)
        fail_msg("RNNVIZ_BIN is not set");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' map %s 2>&1", dir, bin, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static char *slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s was not written", path);
    static char buf[1 << 20];
    *len = fread(buf, 1, sizeof buf - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* Only the files named remain in dir: nothing temporary left over. */
static void expect_no_temporaries(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.' && !strstr(e->d_name, ".csv") && !strstr(e->d_name, ".png"))
            fail_msg("left behind: %s", e->d_name);
    closedir(d);
}

static double session_ratio(Settings st)
{
    char msg[600];
    Session *s = sess_create(&st, msg, sizeof msg);
    if (!s)
        fail_msg("sess_create: %s", msg);
    assert_int_equal(sess_forward(s, -1, msg, sizeof msg), 0);
    assert_int_equal(sess_backward(s, -1, msg, sizeof msg), 0);
    const Net *net = sess_net(s);
    double r = log10(net_grad_h(net, 0, 0)) - log10(net_grad_h(net, 0, st.steps - 1));
    sess_destroy(s);
    return r;
}

/* Median of three, as the defined ratios (all three here). */
static double median3(double a, double b, double c)
{
    double lo = fmin(a, fmin(b, c)), hi = fmax(a, fmax(b, c));
    return a + b + c - lo - hi;
}

/* The CSV row for (rho, T): its value. */
static double csv_value(const char *csv, double rho, int T)
{
    char key[96];
    snprintf(key, sizeof key, "\ngru,%.17g,%d,", rho, T);
    const char *row = strstr(csv, key);
    if (!row)
        fail_msg("no row '%s' in:\n%.2000s", key + 1, csv);
    return strtod(row + strlen(key), NULL);
}

static void test_csv_matches_sessions(void **state)
{
    (void)state;
    assert_int_equal(run("--cell gru --hidden 8 --x spectral_radius:0.5:2:5 --y steps:5:40:4 "
                         "--seeds 3 --out m.csv"),
                     0);
    size_t len;
    const char *csv = slurp("m.csv", &len);
    assert_true(strncmp(csv, "cell,spectral_radius,steps,log10_ratio\n", 39) == 0);
    int rows = 0;
    for (const char *p = csv; *p; p++)
        rows += *p == '\n';
    assert_int_equal(rows, 1 + 5 * 4);
    Rng rng;
    rng_seed(&rng, 99);
    for (int k = 0; k < 5; k++) {
        int ix = rng_int(&rng, 5), iy = rng_int(&rng, 4);
        Settings st;
        settings_default(&st);
        st.cell = NET_CELL_GRU;
        st.hidden = 8;
        st.targets = NET_TARGETS_LAST;
        st.spectral_radius = 0.5 + 1.5 * ix / 4.0;
        st.steps = (int)lround(5.0 + 35.0 * iy / 3.0);
        double r[3];
        for (int s = 0; s < 3; s++) {
            st.seed = 1 + (uint64_t)s;
            r[s] = session_ratio(st);
        }
        double want = median3(r[0], r[1], r[2]), got = csv_value(csv, st.spectral_radius, st.steps);
        if (!(fabs(got - want) <= 1e-12 * (1.0 + fabs(want))))
            fail_msg("rho %g T %d: CSV %.17g, sessions %.17g", st.spectral_radius, st.steps, got,
                     want);
    }
    expect_no_temporaries();
}

static void test_png_all_cells(void **state)
{
    (void)state;
    assert_int_equal(run("--cell all --hidden 4 --x spectral_radius:0.5:2:4 --y steps:5:20:3 "
                         "--seeds 1 --out m.png"),
                     0);
    assert_non_null(strstr(out, "wrote m.png"));
    size_t len;
    const char *png = slurp("m.png", &len);
    assert_true(len > 10000);
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    expect_no_temporaries();
}

static void test_train_accuracy_column(void **state)
{
    (void)state;
    assert_int_equal(run("--cell rnn --hidden 4 --x spectral_radius:0.5:1:2 --y lr:0.01:0.1:2 "
                         "--seeds 1 --train 3 --out t.csv"),
                     0);
    size_t len;
    const char *csv = slurp("t.csv", &len);
    assert_true(strncmp(csv, "cell,spectral_radius,learning_rate,log10_ratio,accuracy\n", 56) == 0);
}

static void expect_refusal(const char *args, int status, const char *part)
{
    int rc = run(args);
    if (rc != status || !strstr(out, part))
        fail_msg("map %s: exit %d (want %d), printed '%s' (want '%s')", args, rc, status, out,
                 part);
    if (strchr(out, '\n') != out + strlen(out) - 1)
        fail_msg("map %s: more than one line: '%s'", args, out);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    expect_refusal("--y steps:5:20:3 --out a.csv", 2, "missing --x");
    expect_refusal("--x spectral_radius:0.5:2:4 --out a.csv", 2, "missing --y");
    expect_refusal("--x spectral_radius:0.5:2:4 --y steps:5:20:3", 2, "missing --out");
    expect_refusal("--x spectral_radiu:0.5:2:4 --y steps:5:20:3 --out a.csv", 2,
                   "did you mean 'spectral_radius'");
    expect_refusal("--x spectral_radius:0.5:2 --y steps:5:20:3 --out a.csv", 2, "KEY:LO:HI:N");
    expect_refusal("--x spectral_radius:0.5:2:4 --y steps:5:20:3 --out a.txt", 2, ".png or .csv");
    expect_refusal("--cell elman --x spectral_radius:0.5:2:4 --y steps:5:20:3 --out a.csv", 2,
                   "rnn, gru, lstm or all");
    expect_refusal("--seeds 0 --x spectral_radius:0.5:2:4 --y steps:5:20:3 --out a.csv", 2,
                   "--seeds");
    expect_refusal("--metric accuracy --x spectral_radius:0.5:2:4 --y steps:5:20:3 --out a.csv", 2,
                   "needs --train");
    expect_refusal("--bogus 1 --x spectral_radius:0.5:2:4 --y steps:5:20:3 --out a.csv", 2,
                   "unknown option '--bogus'");
    expect_refusal("--x hidden:0:8:3 --y steps:5:20:3 --out a.csv", 1, "bad value '0' for hidden");
    expect_refusal("--hidden 4 --seeds 1 --x spectral_radius:0.5:2:2 --y steps:5:20:2 "
                   "--out no/such/dir/a.csv",
                   1, "no/such/dir/a.csv");
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/rnnviz_test_cli_map_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_matches_sessions),
        cmocka_unit_test(test_png_all_cells),
        cmocka_unit_test(test_train_accuracy_column),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
