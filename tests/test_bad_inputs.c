/* Bad input end to end: runs every row of tests/bad_inputs.tsv against the
 * rnnviz binary (RNNVIZ_BIN) in a scratch directory filled with broken
 * files, and checks each refusal: the expected exit status (never a
 * signal or a status >= 128, so no crash and, in the sanitizer build, no
 * sanitizer report), exactly one line on stderr, and that line holding
 * the expected message (file, place, problem). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TABLE RNNVIZ_FIXTURES_DIR "/../bad_inputs.tsv"

static char tmp[256]; /* the scratch directory, @T@ */

static void write_file(const char *name, const void *data, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void write_text(const char *name, const char *text)
{
    write_file(name, text, strlen(text));
}

/* A file of n copies of c between head and tail. */
static void write_big(const char *name, const char *head, char c, size_t n, const char *tail)
{
    size_t h = strlen(head), t = strlen(tail);
    char *buf = malloc(h + n + t);
    assert_non_null(buf);
    memcpy(buf, head, h);
    memset(buf + h, c, n);
    memcpy(buf + h + n, tail, t);
    write_file(name, buf, h + n + t);
    free(buf);
}

static void make_dir(const char *name, mode_t mode)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/rnnviz-bad-inputs-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    write_text("empty.json", "");
    write_text("empty.md", "");
    /* the first 100 bytes of a good model file */
    FILE *f = fopen(RNNVIZ_FIXTURES_DIR "/model_rnn_ce.json", "rb");
    assert_non_null(f);
    char head[100];
    assert_int_equal(fread(head, 1, sizeof head, f), sizeof head);
    fclose(f);
    write_file("truncated.json", head, sizeof head);
    write_text("latin1.json", "{\"format\": \"rnnviz-model\", \"cell\": \"caf\xe9\"}");
    write_file("nul.json", "{\"format\": \"rnnviz\0-model\"}", 27);
    write_big("huge.json", "{\"format\": \"", 'x', 8u << 20, "\"}");
    write_big("deep.json", "", '[', 1u << 20, "");
    write_big("huge.md", "# Huge\n\n", 'x', 2u << 20, "\n\n## Step\n");
    write_text("latin1.md", "# Caf\xe9\n\n## Step\n\n```rnnviz\nforward all\n```\n");
    write_text("bad_run.md", "# Bad run\n\nRuns a node that is not there.\n\n## Step\n\n"
                             "```rnnviz\nselect 7 0\n```\n");
    write_text("bad_value.md", "# Bad value\n\n```rnnviz\nhidden = 0\n```\n\n## Step\n\n"
                               "```rnnviz\nforward all\n```\n");
    write_text("hours.md", "# Hours\n\n```rnnviz\nbatch = 4096\nsteps = 1000\n```\n\n"
                           "## Train\n\n```rnnviz\ntrain 1000000\n```\n");
    write_text("unreadable.json", "{}");
    char path[512];
    snprintf(path, sizeof path, "%s/unreadable.json", tmp);
    assert_int_equal(chmod(path, 0), 0);
    make_dir("dir.json", 0755);
    make_dir("dir.md", 0755);
    make_dir("ro", 0555);
    /* what is at a save's path: a FIFO, a hard-linked file, a plain file
     * where a directory should be */
    snprintf(path, sizeof path, "%s/fifo", tmp);
    assert_int_equal(mkfifo(path, 0644), 0);
    write_text("plain.txt", "not a directory\n");
    write_text("linked.json", "{}\n");
    char other[512];
    snprintf(path, sizeof path, "%s/linked.json", tmp);
    snprintf(other, sizeof other, "%s/linked2.json", tmp);
    assert_int_equal(link(path, other), 0);
    /* a sparse 4 GB file: beyond the largest valid model or data file */
    snprintf(path, sizeof path, "%s/sparse.json", tmp);
    FILE *f4 = fopen(path, "wb");
    assert_non_null(f4);
    assert_int_equal(ftruncate(fileno(f4), (off_t)4 << 30), 0);
    fclose(f4);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s' && rm -rf '%s'", tmp, tmp);
    return system(cmd) == 0 ? 0 : -1;
}

/* Copies s into out replacing @T@ and @F@. */
static void expand(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    while (*s && n + 1 < cap) {
        const char *rep = !strncmp(s, "@T@", 3)   ? tmp
                          : !strncmp(s, "@F@", 3) ? RNNVIZ_FIXTURES_DIR
                                                  : NULL;
        if (rep) {
            n += (size_t)snprintf(out + n, cap - n, "%s", rep);
            s += 3;
        } else {
            out[n++] = *s++;
        }
    }
    assert_true(n + 1 < cap);
    out[n] = '\0';
}

static char err_text[1 << 16];

/* Runs one row; returns false (with why) when it does not hold. */
static bool run_row(int line, int want_exit, const char *want_msg, const char *args, char *why,
                    size_t cap)
{
    const char *bin = getenv("RNNVIZ_BIN");
    if (!bin)
        fail_msg("RNNVIZ_BIN is not set");
    /* leading NAME=VALUE words become the environment */
    char env[512] = "";
    while (*args >= 'A' && *args <= 'Z') {
        const char *eq = strchr(args, '='), *sp = strchr(args, ' ');
        if (!eq || !sp || eq > sp)
            break;
        size_t used = strlen(env);
        snprintf(env + used, sizeof env - used, "%.*s ", (int)(sp - args), args);
        args = sp + 1;
    }
    static char cmd[1 << 16], err_path[600];
    snprintf(err_path, sizeof err_path, "%s/stderr-%d.txt", tmp, line);
    int n = snprintf(cmd, sizeof cmd, "cd '%s' && %s timeout 120 '%s' %s >/dev/null 2>'%s'", tmp,
                     env, bin, args, err_path);
    assert_true(n > 0 && (size_t)n < sizeof cmd);
    int status = system(cmd);
    FILE *f = fopen(err_path, "rb");
    size_t got = f ? fread(err_text, 1, sizeof err_text - 1, f) : 0;
    if (f)
        fclose(f);
    err_text[got] = '\0';
    int lines = 0;
    for (size_t i = 0; i < got; i++)
        lines += err_text[i] == '\n';
    if (!WIFEXITED(status) || WEXITSTATUS(status) >= 128)
        snprintf(why, cap, "crashed or timed out (status %d)", status);
    else if (WEXITSTATUS(status) != want_exit)
        snprintf(why, cap, "exit %d, expected %d", WEXITSTATUS(status), want_exit);
    else if (lines != 1 || err_text[got - 1] != '\n')
        snprintf(why, cap, "%d lines on stderr, expected one", lines);
    else if (!strstr(err_text, want_msg))
        snprintf(why, cap, "message does not contain '%s'", want_msg);
    else
        return true;
    return false;
}

static void test_table(void **state)
{
    (void)state;
    FILE *f = fopen(TABLE, "r");
    if (!f)
        fail_msg("cannot open %s", TABLE);
    static char raw[8192], row[16384];
    int line = 0, rows = 0, failed = 0, skipped = 0;
    bool root = geteuid() == 0;
    while (fgets(raw, sizeof raw, f)) {
        line++;
        raw[strcspn(raw, "\n")] = '\0';
        if (!raw[0] || raw[0] == '#')
            continue;
        expand(raw, row, sizeof row);
        char *msg = strchr(row, '\t');
        char *args = msg ? strchr(msg + 1, '\t') : NULL;
        if (!args)
            fail_msg("%s:%d: expected EXIT<TAB>MESSAGE<TAB>ARGS", TABLE, line);
        *msg++ = '\0';
        *args++ = '\0';
        if (!strncmp(args, "@nonroot ", 9)) {
            args += 9;
            if (root) {
                skipped++;
                continue;
            }
        }
        rows++;
        char why[512];
        if (!run_row(line, atoi(row), msg, args, why, sizeof why)) {
            failed++;
            print_error("%s:%d: rnnviz %.200s\n  %s; stderr was:\n%.2000s\n", TABLE, line, args,
                        why, err_text);
        }
    }
    fclose(f);
    print_message("%d rows run, %d skipped (running as root), %d failed\n", rows, skipped, failed);
    assert_true(rows >= 100);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
