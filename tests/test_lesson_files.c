/* The lesson sandbox: `text_file` resolves against the lesson's folder,
 * then the shipped texts; absolute paths, `..` out of the folder and
 * symlinks that lead out are refused with FILE:LINE:COL unless
 * --allow-files is given; a FIFO never hangs check-lesson, render or
 * `rnnviz lessons`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lesson.h"
#include "lesson_files.h"
#include "lesson_run.h"

static char dir[256], err_text[8192];

static void put(const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* A lesson whose setup sets text_file = value (line 5, column 13). */
static void put_lesson(const char *name, const char *value)
{
    char text[1024];
    snprintf(text, sizeof text,
             "# Text\n\n```rnnviz\ntask = text\ntext_file = %s\n```\n\n## Step\n\n"
             "```rnnviz\nforward 1\n```\n",
             value);
    put(name, text);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/rnnviz-sandbox-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char path[600];
    snprintf(path, sizeof path, "%s/sub", dir);
    mkdir(path, 0755);
    put("mine.txt", "the lesson's own text, long enough to learn from.\n");
    put("sub/deeper.txt", "a text one folder down.\n");
    snprintf(path, sizeof path, "%s/pipe.txt", dir);
    mkfifo(path, 0644);
    snprintf(path, sizeof path, "%s/escape.txt", dir);
    return symlink("/etc/hostname", path);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Resolves value through lesson L in dir; 0 with out, or -1 with why. */
static int resolve(const char *value, char *out, size_t cap, char *why)
{
    char lesson[600];
    snprintf(lesson, sizeof lesson, "%s/lesson.md", dir);
    return lesson_files_resolve(lesson, value, out, cap, why, 400);
}

static void test_resolution(void **state)
{
    (void)state;
    char out[1024], why[400], want[1024];
    assert_int_equal(resolve("mine.txt", out, sizeof out, why), 0);
    snprintf(want, sizeof want, "%s/mine.txt", dir);
    assert_string_equal(out, want);
    assert_int_equal(resolve("./sub/../sub/deeper.txt", out, sizeof out, why), 0);
    snprintf(want, sizeof want, "%s/sub/deeper.txt", dir);
    assert_string_equal(out, want);
    /* not in the folder: the shipped texts */
    assert_int_equal(resolve("nursery-rhymes.txt", out, sizeof out, why), 0);
    assert_string_equal(out, RNNVIZ_ASSETS_DIR "/text/nursery-rhymes.txt");
    /* refused */
    assert_int_equal(resolve("/etc/passwd", out, sizeof out, why), -1);
    assert_non_null(strstr(why, "absolute path is not allowed"));
    assert_non_null(strstr(why, "--allow-files"));
    assert_int_equal(resolve("../x.txt", out, sizeof out, why), -1);
    assert_non_null(strstr(why, "'..' leads outside the lesson's folder"));
    assert_int_equal(resolve("sub/../../x.txt", out, sizeof out, why), -1);
    assert_int_equal(resolve("escape.txt", out, sizeof out, why), -1);
    assert_non_null(strstr(why, "symlink"));
    assert_int_equal(resolve("missing.txt", out, sizeof out, why), -1);
    assert_non_null(strstr(why, "no such file"));
    /* --allow-files: as written */
    lesson_files_allow(true);
    assert_int_equal(resolve("/etc/passwd", out, sizeof out, why), 0);
    assert_string_equal(out, "/etc/passwd");
    assert_int_equal(resolve("../x.txt", out, sizeof out, why), 0);
    lesson_files_allow(false);
}

/* Through a lesson: the setup refuses at FILE:LINE:COL; a good one runs. */
static void test_lesson_setup(void **state)
{
    (void)state;
    char path[600], msg[800], want[800];
    snprintf(path, sizeof path, "%s/abs.md", dir);
    put_lesson("abs.md", "/etc/passwd");
    Lesson *l = lesson_load(path, msg, sizeof msg);
    assert_non_null(l);
    assert_null(lesson_enter(l, 0, msg, sizeof msg));
    snprintf(want, sizeof want, "%s:5:1: text_file: an absolute path is not allowed", path);
    if (strncmp(msg, want, strlen(want)))
        fail_msg("message '%s', expected '%s...'", msg, want);
    lesson_destroy(l);

    snprintf(path, sizeof path, "%s/good.md", dir);
    put_lesson("good.md", "mine.txt");
    l = lesson_load(path, msg, sizeof msg);
    assert_non_null(l);
    Settings st;
    assert_int_equal(lesson_settings(l, &st, msg, sizeof msg), 0);
    snprintf(want, sizeof want, "%s/mine.txt", dir);
    assert_string_equal(st.text_file, want);
    lesson_destroy(l);
}

static int run_cli(const char *args)
{
    const char *bin = getenv("RNNVIZ_BIN");
    if (!bin)
        fail_msg("RNNVIZ_BIN is not set");
    char cmd[2048], err_path[600];
    snprintf(err_path, sizeof err_path, "%s/err.out", dir);
    snprintf(cmd, sizeof cmd, "cd '%s' && timeout -s KILL 20 '%s' %s >/dev/null 2>'%s'", dir, bin,
             args, err_path);
    int status = system(cmd);
    FILE *f = fopen(err_path, "rb");
    size_t n = f ? fread(err_text, 1, sizeof err_text - 1, f) : 0;
    if (f)
        fclose(f);
    err_text[n] = '\0';
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* The command line: refused without the flag, allowed with it; a FIFO
 * named by a lesson or lying in RNNVIZ_LESSONS never hangs. */
static void test_cli(void **state)
{
    (void)state;
    put_lesson("abs.md", "/etc/passwd");
    assert_int_equal(run_cli("check-lesson abs.md"), 1);
    assert_non_null(strstr(err_text, "abs.md:5:1: text_file: an absolute path is not allowed"));
    assert_int_equal(run_cli("check-lesson --allow-files abs.md"), 0);
    assert_int_equal(run_cli("render --lesson abs.md --size 320x240 --out x.png"), 1);
    assert_non_null(strstr(err_text, "absolute path is not allowed"));
    put_lesson("fifo.md", "pipe.txt");
    assert_int_equal(run_cli("check-lesson fifo.md"), 1);
    assert_non_null(strstr(err_text, "cannot read: not a regular file"));
    assert_int_equal(run_cli("render --lesson fifo.md --size 320x240 --out x.png"), 1);
    assert_non_null(strstr(err_text, "cannot read: not a regular file"));
    /* a step's `set text_file` goes through the same gate */
    put("step.md", "# Step set\n\n## Step\n\n```rnnviz\nset text_file = ../../etc/passwd\n```\n");
    assert_int_equal(run_cli("check-lesson step.md"), 1);
    assert_non_null(strstr(err_text, "step.md:6:"));
    assert_non_null(strstr(err_text, "'..' leads outside"));
    /* a FIFO among the lessons */
    setenv("RNNVIZ_LESSONS", dir, 1);
    char fifo[600];
    snprintf(fifo, sizeof fifo, "%s/zz-pipe.md", dir);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    int rc = run_cli("lessons");
    unsetenv("RNNVIZ_LESSONS");
    assert_int_equal(rc, 0);
    unlink(fifo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolution),
        cmocka_unit_test(test_lesson_setup),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
