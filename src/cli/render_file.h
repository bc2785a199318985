/*
 * Paints a session's view into a PNG or SVG file (by the path's ending):
 * shared by `rnnviz render`, the window's S / Shift+S and the lessons.
 */
#ifndef RNNVIZ_RENDER_FILE_H
#define RNNVIZ_RENDER_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "fonts.h"
#include "session.h"
#include "view.h"

/* Draw-list capacity that holds the largest lesson view. */
#define RENDER_MAX_CMDS 200000
#define RENDER_MAX_TEXT (4u << 20)
#define RENDER_MAX_POINTS 400000

bool render_path_is_svg(const char *path);
/* 0 ok; otherwise msg says why (the file, if any, is left as it was). */
int render_session_file(const Session *s, const ViewParams *vp, Fonts *fonts, const char *path,
                        char *msg, size_t cap);

#endif
