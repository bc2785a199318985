/*
 * rnnviz check-lesson --watch: a lesson written valid, then broken, then
 * fixed; the watcher prints ok, the FILE:LINE:COL problem, then ok again,
 * and keeps running until interrupted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GOOD "# Watched\n\n## One\n\n```rnnviz\nforward 1\n```\n"
#define BROKEN "# Watched\n\n## One\n\n```rnnviz\nfowrard 1\n```\n"
#define FIXED "# Watched\n\n## One\n\n```rnnviz\nforward 2\n```\n\n## Two\n\nText.\n"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void pause_s(double s)
{
    nanosleep(&(struct timespec){(time_t)s, (long)((s - (time_t)s) * 1e9)}, NULL);
}

static void test_watch(void **state)
{
    (void)state;
    const char *bin = getenv("RNNVIZ_BIN");
    if (!bin)
        skip();
    char dir[] = "/tmp/rnnviz-watch-XXXXXX", path[600], out[600];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/w.md", dir);
    snprintf(out, sizeof out, "%s/out.txt", dir);
    write_file(path, GOOD);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen(out, "w", stdout) || dup2(fileno(stdout), 2) < 0)
            _exit(127);
        execl(bin, bin, "check-lesson", "--watch", path, (char *)NULL);
        _exit(127);
    }
    pause_s(1.0);
    write_file(path, BROKEN);
    pause_s(1.2);
    write_file(path, FIXED);
    pause_s(1.2);
    int status;
    assert_int_equal(waitpid(pid, &status, WNOHANG), 0); /* still watching */
    kill(pid, SIGINT);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    char text[4000] = "";
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    char ok1[700], err[700], ok2[700];
    snprintf(ok1, sizeof ok1, "%s: ok, 1 steps", path);
    snprintf(err, sizeof err, "%s:6:1: unknown verb 'fowrard'", path);
    snprintf(ok2, sizeof ok2, "%s: ok, 2 steps", path);
    const char *a = strstr(text, ok1), *b = a ? strstr(a, err) : NULL,
               *c = b ? strstr(b, ok2) : NULL;
    if (!a || !b || !c)
        fail_msg("expected ok, the error, ok again; the watcher printed:\n%s", text);
    unlink(out);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_watch)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
