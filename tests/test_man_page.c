/* rnnviz --man against rnnviz --help and every `rnnviz CMD --help`: each
 * line of help text must be in the manual page (roff markup and line
 * breaks aside), and every command must have its section. Run through
 * RNNVIZ_BIN, the installed man page being this output gzipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define OUT_MAX (256 * 1024)

static char man_raw[OUT_MAX], man_text[OUT_MAX];

static void run(const char *args, char *out)
{
    const char *bin = getenv("RNNVIZ_BIN");
    if (!bin)
        fail_msg("RNNVIZ_BIN is not set");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s", bin, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, OUT_MAX - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("rnnviz %s failed (status %d)", args, status);
}

/* Appends s (n bytes) to out with runs of blanks as one space. */
static void append_collapsed(char *out, const char *s, size_t n)
{
    size_t len = strlen(out);
    for (size_t i = 0; i < n && len + 2 < OUT_MAX; i++) {
        bool blank = s[i] == ' ' || s[i] == '\t';
        if (blank && (len == 0 || out[len - 1] == ' '))
            continue;
        out[len++] = blank ? ' ' : s[i];
    }
    if (len && out[len - 1] != ' ')
        out[len++] = ' ';
    out[len] = '\0';
}

/* The man page as plain words: requests dropped (.B keeps its words), escapes undone. */
static void man_to_text(const char *roff, char *out)
{
    out[0] = '\0';
    for (const char *s = roff; *s;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        char line[2048], plain[2048];
        snprintf(line, sizeof line, "%.*s", (int)n, s);
        s += n + (nl ? 1 : 0);
        const char *from = line;
        if (!strncmp(line, ".B ", 3))
            from = line + 3;
        else if (line[0] == '.')
            continue;
        size_t k = 0;
        for (const char *c = from; *c && k + 1 < sizeof plain; c++) {
            if (c[0] == '\\' && (c[1] == '-' || c[1] == 'e' || c[1] == '&')) {
                if (c[1] != '&')
                    plain[k++] = c[1] == 'e' ? '\\' : '-';
                c++;
            } else {
                plain[k++] = *c;
            }
        }
        append_collapsed(out, plain, k);
    }
}

/* Every non-blank line of help must appear in the man page's text. */
static void expect_lines_in_man(const char *help, const char *what)
{
    int checked = 0;
    for (const char *s = help; *s;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        char want[2048] = "";
        append_collapsed(want, s, n);
        s += n + (nl ? 1 : 0);
        size_t len = strlen(want);
        if (len && want[len - 1] == ' ')
            want[--len] = '\0';
        if (!len)
            continue;
        if (!strstr(man_text, want))
            fail_msg("%s: the man page lacks the help line '%s'", what, want);
        checked++;
    }
    assert_true(checked >= 1);
}

static void test_header(void **state)
{
    (void)state;
    assert_true(strncmp(man_raw, ".TH RNNVIZ 1 ", 13) == 0);
    assert_non_null(strstr(man_raw, ".SH NAME\nrnnviz \\- "));
    assert_non_null(strstr(man_raw, ".SH SYNOPSIS\n"));
    assert_non_null(strstr(man_raw, ".B RNNVIZ_LESSONS\n"));
}

/* rnnviz --help's lines, and each listed command's --help, all in the page. */
static void test_every_command_help_in_man(void **state)
{
    (void)state;
    static char top[OUT_MAX], help[OUT_MAX];
    run("--help", top);
    expect_lines_in_man(top, "rnnviz --help");
    const char *list = strstr(top, "commands:\n");
    assert_non_null(list);
    int commands = 0;
    char name[64], section[128], args[128];
    for (const char *s = list + 10; sscanf(s, "  %63s", name) == 1 && s[0] == ' ';) {
        snprintf(section, sizeof section, ".SS \"rnnviz %s\"\n", name);
        if (!strstr(man_raw, section))
            fail_msg("no section for command %s", name);
        snprintf(args, sizeof args, "%s --help", name);
        run(args, help);
        expect_lines_in_man(help, args);
        commands++;
        s = strchr(s, '\n') + 1;
    }
    assert_true(commands >= 7);
}

/* The checker itself notices a missing line. */
static void test_checker_notices_a_difference(void **state)
{
    (void)state;
    assert_null(strstr(man_text, "--no-such-option FILE a help line nobody wrote"));
    assert_non_null(strstr(man_text, "--lesson FILE render a lesson step"));
}

int main(void)
{
    run("--man", man_raw);
    man_to_text(man_raw, man_text);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_every_command_help_in_man),
        cmocka_unit_test(test_checker_notices_a_difference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
