/*
 * rnnviz --man: the manual page rnnviz.1 as roff, made from the same
 * command table and the same per-command --help text the program prints,
 * so the two cannot disagree. The build writes it with `rnnviz --man`.
 *
 * Conventions: man_page_write returns 0, or -1 when a command's help
 * could not be captured (a message is printed on stderr).
 */
#ifndef RNNVIZ_MAN_PAGE_H
#define RNNVIZ_MAN_PAGE_H

#include <stddef.h>
#include <stdio.h>

/* One subcommand: its name, its entry point, its one-line summary. */
typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} CliCommand;

/* The page: usage (rnnviz --help) as DESCRIPTION, then each command's --help. */
int man_page_write(FILE *out, const CliCommand *cmds, size_t n, void (*usage)(FILE *out));

#endif
