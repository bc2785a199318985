/* The data lookup of paths.h: the order of the candidates, the override,
 * the build-tree rule, and which candidate wins when some are missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

static char root[PATHS_MAX]; /* a scratch tree per test run */

static void make_dir(const char *rel)
{
    char path[PATHS_MAX * 2], *p = path;
    snprintf(path, sizeof path, "%s/%s", root, rel);
    while ((p = strchr(p + 1, '/'))) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    mkdir(path, 0755);
}

static void make_file(const char *rel)
{
    char path[PATHS_MAX * 2];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("x", f);
    fclose(f);
}

static const char *at(const char *rel)
{
    static char bufs[64][PATHS_MAX]; /* enough for one test */
    static int next;
    char *b = bufs[next++ % 64];
    int n = snprintf(b, PATHS_MAX, "%s/%s", root, rel);
    assert_true(n > 0 && n < PATHS_MAX);
    return b;
}

/* A prefix tree (P/bin/rnnviz, P/share/rnnviz), another prefix, a build and a source tree. */
static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/rnnviz-paths-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    make_dir("p/bin");
    make_dir("p/share/rnnviz/fonts");
    make_dir("p/share/rnnviz/lessons");
    make_file("p/share/rnnviz/fonts/DejaVuSans.ttf");
    make_dir("usr/share/rnnviz/fonts");
    make_dir("usr/share/rnnviz/lessons");
    make_file("usr/share/rnnviz/fonts/DejaVuSans.ttf");
    make_dir("src/assets/fonts");
    make_dir("src/lessons");
    make_file("src/assets/fonts/DejaVuSans.ttf");
    make_dir("src/build");
    make_dir("elsewhere/bin");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[PATHS_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static PathsPlaces places(const char *exe)
{
    PathsPlaces pl = {NULL, exe, at("src/build"), at("usr/share/rnnviz"), at("src")};
    return pl;
}

static void test_order_installed_binary(void **state)
{
    (void)state;
    char c[PATHS_CANDIDATES][PATHS_MAX];
    PathsPlaces pl = places(at("p/bin/rnnviz"));
    assert_int_equal(paths_candidates(PATHS_LESSONS, &pl, c, PATHS_CANDIDATES), 3);
    assert_string_equal(c[0], at("p/share/rnnviz/lessons"));
    assert_string_equal(c[1], at("usr/share/rnnviz/lessons"));
    assert_string_equal(c[2], at("src/lessons"));
    assert_int_equal(paths_candidates(PATHS_ASSETS, &pl, c, PATHS_CANDIDATES), 3);
    assert_string_equal(c[0], at("p/share/rnnviz"));
    assert_string_equal(c[2], at("src/assets"));

    char out[PATHS_MAX];
    paths_find(PATHS_ASSETS, &pl, out, sizeof out);
    assert_string_equal(out, at("p/share/rnnviz"));
    paths_find(PATHS_LESSONS, &pl, out, sizeof out);
    assert_string_equal(out, at("p/share/rnnviz/lessons"));
}

/* A binary in its build tree takes the source tree before the install prefix. */
static void test_order_build_tree_binary(void **state)
{
    (void)state;
    char c[PATHS_CANDIDATES][PATHS_MAX], out[PATHS_MAX];
    PathsPlaces pl = places(at("src/build/rnnviz"));
    assert_int_equal(paths_candidates(PATHS_ASSETS, &pl, c, PATHS_CANDIDATES), 4);
    assert_string_equal(c[1], at("src/assets"));
    assert_string_equal(c[2], at("usr/share/rnnviz"));
    paths_find(PATHS_ASSETS, &pl, out, sizeof out);
    assert_string_equal(out, at("src/assets"));
    paths_find(PATHS_LESSONS, &pl, out, sizeof out);
    assert_string_equal(out, at("src/lessons"));
}

/* Nothing beside the binary: the prefix, then the source tree. */
static void test_falls_back_in_order(void **state)
{
    (void)state;
    char out[PATHS_MAX];
    PathsPlaces pl = places(at("elsewhere/bin/rnnviz"));
    paths_find(PATHS_ASSETS, &pl, out, sizeof out);
    assert_string_equal(out, at("usr/share/rnnviz"));
    pl.data_dir = at("nothing/share/rnnviz");
    paths_find(PATHS_ASSETS, &pl, out, sizeof out);
    assert_string_equal(out, at("src/assets"));
    paths_find(PATHS_LESSONS, &pl, out, sizeof out);
    assert_string_equal(out, at("src/lessons"));
    /* Found nowhere: the last candidate, so an error names a real place. */
    pl.source_dir = at("gone");
    paths_find(PATHS_ASSETS, &pl, out, sizeof out);
    assert_string_equal(out, at("gone/assets"));
}

/* The override wins even over an installed tree, and even when it is wrong. */
static void test_override_wins(void **state)
{
    (void)state;
    char c[PATHS_CANDIDATES][PATHS_MAX], out[PATHS_MAX];
    PathsPlaces pl = places(at("p/bin/rnnviz"));
    pl.env = at("nowhere");
    assert_int_equal(paths_candidates(PATHS_ASSETS, &pl, c, PATHS_CANDIDATES), 1);
    paths_find(PATHS_ASSETS, &pl, out, sizeof out);
    assert_string_equal(out, at("nowhere"));
    pl.env = "";
    paths_find(PATHS_ASSETS, &pl, out, sizeof out);
    assert_string_equal(out, at("p/share/rnnviz"));
}

/* This process: the test binary sits in the build tree, so the source tree's
 * data, unless the environment says otherwise. */
static void test_this_process(void **state)
{
    (void)state;
    unsetenv("RNNVIZ_ASSETS");
    unsetenv("RNNVIZ_LESSONS");
    assert_string_equal(paths_assets_dir(), RNNVIZ_ASSETS_DIR);
    assert_string_equal(paths_lessons_dir(), RNNVIZ_LESSONS_DIR);
    setenv("RNNVIZ_LESSONS", at("mine"), 1);
    assert_string_equal(paths_lessons_dir(), at("mine"));
    unsetenv("RNNVIZ_LESSONS");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_installed_binary),
        cmocka_unit_test(test_order_build_tree_binary),
        cmocka_unit_test(test_falls_back_in_order),
        cmocka_unit_test(test_override_wins),
        cmocka_unit_test(test_this_process),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
