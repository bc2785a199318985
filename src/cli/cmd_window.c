/* Placeholder until this command lands; replaced by its real module. */
#include <stdio.h>

#include "commands.h"

int cmd_window(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "rnnviz window: not built yet\n");
    return 2;
}
