/*
 * rnnviz: the command line. A thin dispatcher: each subcommand parses its
 * own arguments and calls session/engine functions.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "blas_env.h"
#include "commands.h"
#include "la.h"
#include "lesson_files.h"
#include "man_page.h"
#include "version.h"

typedef CliCommand Command;

static const Command commands[] = {
    {"grads", cmd_grads, "loss, outputs and every gradient of a model on data, as JSON"},
    {"summary", cmd_summary, "Keras-style table of layers, shapes and parameter counts"},
    {"train", cmd_train, "train a network on a synthetic task from the terminal"},
#if RNNVIZ_GUI
    {"render", cmd_render, "render a view to PNG or SVG without a display"},
    {"window", cmd_window, "open the window (the default; rnnviz FILE.md opens a lesson)"},
#endif
    {"lessons", cmd_lessons, "list the shipped lessons"},
    {"check-lesson", cmd_check_lesson, "check a lesson file: parse it and run every step"},
    {"jacobian", cmd_jacobian, "singular values of dh_{T-1}/dh_t for every t, as JSON"},
#if RNNVIZ_GUI /* its PNG goes through the backend */
    {"map", cmd_map, "map log10 ||dL/dh_0|| / ||dL/dh_{T-1}|| over two settings (PNG or CSV)"},
#endif
};

static void print_usage(FILE *out)
{
    fprintf(out, "usage: rnnviz [COMMAND] [OPTIONS]\n\n"
                 "Watch recurrent networks compute, forward and backward.\n\n"
                 "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].help);
    fprintf(out, "\nrnnviz COMMAND --help shows a command's options.\n"
                 "--allow-files (any command) lets a lesson read files outside its folder.\n");
}

/* The window, or, in a build without it, a message saying so. */
static int open_window(int argc, char **argv)
{
#if RNNVIZ_GUI
    return cmd_window(argc, argv);
#else
    (void)argc;
    (void)argv;
    fprintf(stderr, "rnnviz: this build has no window (built with RNNVIZ_GUI=OFF); "
                    "try rnnviz --help\n");
    return 2;
#endif
}

/* Every command's output is checked once more at the end: a write that
 * failed (a full disk, /dev/full, a closed pipe) is an error, not exit 0. */
static int close_stdout(int rc)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        /* a command that failed has said why already */
        if (rc == 0)
            fprintf(stderr, "rnnviz: cannot write to stdout: %s\n", strerror(errno ? errno : EIO));
        return rc ? rc : 1;
    }
    return rc;
}

static int run(int argc, char **argv)
{
    if (argc < 2)
        return open_window(argc, argv);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        print_usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        version_print(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--man"))
        return man_page_write(stdout, commands, sizeof commands / sizeof commands[0], print_usage)
                   ? 1
                   : 0;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    }
    size_t n = strlen(argv[1]);
    if (argv[1][0] == '-' || (n > 3 && !strcmp(argv[1] + n - 3, ".md")))
        return open_window(argc, argv);
    fprintf(stderr, "rnnviz: unknown command '%s' (try rnnviz --help)\n", argv[1]);
    return 2;
}

int main(int argc, char **argv)
{
    blas_env_reexec(argv);
    la_single_thread();
    argc = lesson_files_take_flag(argc, argv); /* --allow-files, for any command */
    int rc = blas_env_ready(argc, argv);
    return close_stdout(rc ? rc : run(argc, argv));
}
