/*
 * The rnnviz subcommands. Each takes the arguments after its name
 * (argv[0] is the subcommand) and returns the process exit status.
 * Errors go to stderr as one line: "rnnviz CMD: FILE: problem".
 * RNNVIZ_GUI (set by the build) is 0 in a build without SDL, which has
 * no render and no window.
 */
#ifndef RNNVIZ_COMMANDS_H
#define RNNVIZ_COMMANDS_H

int cmd_grads(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_train(int argc, char **argv);
#if RNNVIZ_GUI /* the commands that need a backend (SDL) */
int cmd_render(int argc, char **argv);
int cmd_window(int argc, char **argv);
#endif
int cmd_lessons(int argc, char **argv);
int cmd_check_lesson(int argc, char **argv);
int cmd_jacobian(int argc, char **argv);
#if RNNVIZ_GUI
int cmd_map(int argc, char **argv);
#endif

#endif
