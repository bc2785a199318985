/*
 * Help text to roff. Each command's --help runs in a child process (some
 * commands exit after printing it) with stdout on a pipe. Lines become:
 * "  -x, --opt ARG   text" an indented paragraph (.TP) that takes the
 * deeper-indented lines after it; other indented lines verbatim (.nf);
 * the rest filled text, blank lines starting paragraphs.
 */
#define _DEFAULT_SOURCE /* fdopen, fork */
#include "man_page.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Writes s with roff's special characters escaped. */
static void put_escaped(FILE *out, const char *s, size_t n)
{
    if (n && (*s == '.' || *s == '\''))
        fputs("\\&", out);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\')
            fputs("\\e", out);
        else if (s[i] == '-')
            fputs("\\-", out);
        else
            fputc(s[i], out);
    }
}

static void put_line(FILE *out, const char *s, size_t n)
{
    put_escaped(out, s, n);
    fputc('\n', out);
}

/* "  --opt ARG   text": where the option ends (0: not an option line) and its text starts. */
static size_t option_split(const char *s, size_t n, size_t *text)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    if (i == 0 || i > 4 || i + 1 >= n || s[i] != '-')
        return 0;
    const char *gap = strstr(s + i, "  ");
    if (!gap || (size_t)(gap - s) >= n)
        return 0;
    size_t end = (size_t)(gap - s), t = end;
    while (t < n && s[t] == ' ')
        t++;
    *text = t;
    return end;
}

static size_t indent_of(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    return i;
}

typedef enum { M_FILL, M_OPTION, M_VERBATIM } Mode;

/* One line of help text, given the mode the previous line left. */
static Mode put_help_line(FILE *out, const char *s, size_t n, Mode mode)
{
    size_t text = 0, opt = option_split(s, n, &text);
    size_t ind = indent_of(s, n);
    if (mode == M_VERBATIM && (ind == 0 || opt))
        fputs(".fi\n", out);
    if (opt) {
        fputs(".TP\n.B ", out);
        put_line(out, s + ind, opt - ind);
        put_line(out, s + text, n - text);
        return M_OPTION;
    }
    if (ind == n) {
        fputs(".PP\n", out);
        return M_FILL;
    }
    if (mode == M_OPTION && ind > 4) {
        put_line(out, s + ind, n - ind);
        return M_OPTION;
    }
    if (ind == 0 && strncmp(s, "usage:", 6) != 0) {
        if (mode == M_OPTION)
            fputs(".PP\n", out);
        put_line(out, s, n);
        return M_FILL;
    }
    if (mode != M_VERBATIM)
        fputs(".PP\n.nf\n", out);
    put_line(out, s, n);
    return M_VERBATIM;
}

static void put_help(FILE *out, const char *text)
{
    Mode mode = M_FILL;
    for (const char *s = text; *s;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        mode = put_help_line(out, s, n, mode);
        s += n + (nl ? 1 : 0);
    }
    if (mode == M_VERBATIM)
        fputs(".fi\n", out);
}

/* Reads fd to its end into a malloc'ed string, or NULL. */
static char *read_all(int fd)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    ssize_t got;
    while (buf && (got = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)got;
        if (cap - len < 2) {
            char *more = realloc(buf, cap * 2);
            if (!more)
                free(buf);
            buf = more;
            cap *= 2;
        }
    }
    if (buf)
        buf[len] = '\0';
    return buf;
}

/* What `rnnviz NAME --help` prints, run in a child; NULL on failure. */
static char *capture_help(const CliCommand *cmd)
{
    int fd[2];
    fflush(NULL);
    if (pipe(fd) != 0)
        return NULL;
    pid_t pid = fork();
    if (pid == 0) {
        char name[64], flag[] = "--help";
        snprintf(name, sizeof name, "%s", cmd->name);
        char *argv[] = {name, flag, NULL};
        close(fd[0]);
        if (dup2(fd[1], STDOUT_FILENO) < 0)
            _exit(127);
        int rc = cmd->run(2, argv);
        fflush(stdout);
        _exit(rc);
    }
    close(fd[1]);
    char *text = pid > 0 ? read_all(fd[0]) : NULL;
    close(fd[0]);
    int status = 0;
    if (pid > 0 &&
        (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
        free(text);
        text = NULL;
    }
    return text;
}

static void put_header(FILE *out)
{
    fprintf(out, ".TH RNNVIZ 1 \"\" \"rnnviz %s\" \"User Commands\"\n", RNNVIZ_VERSION);
    fputs(".SH NAME\nrnnviz \\- watch recurrent neural networks compute, forward and backward\n"
          ".SH SYNOPSIS\n.B rnnviz\n.RI [ COMMAND ] \" \" [ OPTIONS ]\n.br\n.B rnnviz\n"
          ".I LESSON.md\n.SH DESCRIPTION\n",
          out);
}

static void put_footer(FILE *out)
{
    fputs(".SH FILES\n.TP\n.I /usr/share/rnnviz\n"
          "Fonts (with their licence) and texts; found beside the binary as\n"
          ".IR ../share/rnnviz ,\nthen under the install prefix, then in the source tree.\n"
          ".TP\n.I /usr/share/rnnviz/lessons\nThe shipped lessons, as Markdown.\n"
          ".SH ENVIRONMENT\n.TP\n.B RNNVIZ_ASSETS\n"
          "A directory holding fonts/ and text/ to use instead of the shipped ones.\n"
          ".TP\n.B RNNVIZ_LESSONS\nA directory of lessons to list and open instead.\n"
          ".SH \"SEE ALSO\"\n.I /usr/share/doc/rnnviz/README.md\n",
          out);
}

int man_page_write(FILE *out, const CliCommand *cmds, size_t n, void (*usage)(FILE *out))
{
    char *top = NULL;
    size_t top_len = 0;
    FILE *mem = open_memstream(&top, &top_len);
    if (!mem)
        return -1;
    usage(mem);
    fclose(mem);
    put_header(out);
    put_help(out, top);
    free(top);
    fputs(".SH COMMANDS\n", out);
    for (size_t i = 0; i < n; i++) {
        char *help = capture_help(&cmds[i]);
        if (!help) {
            fprintf(stderr, "rnnviz --man: cannot capture 'rnnviz %s --help'\n", cmds[i].name);
            return -1;
        }
        fprintf(out, ".SS \"rnnviz %s\"\n", cmds[i].name);
        put_help(out, help);
        free(help);
    }
    put_footer(out);
    return 0;
}
