/*
 * The rnnviz subcommands. Each takes the arguments after its name
 * (argv[0] is the subcommand) and returns the process exit status.
 * Errors go to stderr as one line: "rnnviz CMD: FILE: problem".
 */
#ifndef RNNVIZ_COMMANDS_H
#define RNNVIZ_COMMANDS_H

int cmd_grads(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_window(int argc, char **argv);
int cmd_lessons(int argc, char **argv);
int cmd_check_lesson(int argc, char **argv);
int cmd_jacobian(int argc, char **argv);
int cmd_map(int argc, char **argv);

#endif
