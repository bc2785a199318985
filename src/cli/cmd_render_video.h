/* `rnnviz render ... --video FILE`: recordings instead of stills. */
#ifndef RNNVIZ_CMD_RENDER_VIDEO_H
#define RNNVIZ_CMD_RENDER_VIDEO_H

#include <stdbool.h>

/* Whether the arguments ask for a recording (--video). */
bool render_wants_video(int argc, char **argv);
/* The whole command for a recording; an exit status (130: interrupted). */
int cmd_render_video(int argc, char **argv);

#endif
