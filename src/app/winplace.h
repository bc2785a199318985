/*
 * Where the window opens: about 85% of the display's usable area, or the
 * size and position it had when it was last closed, kept in a small file
 * ($XDG_CONFIG_HOME/rnnviz/window, else ~/.config/rnnviz/window) written
 * atomically. Bad or foreign contents are ignored.
 *
 * Conventions: predicates return bool; winplace_save returns 0 or a
 * negative errno with msg filled.
 */
#ifndef RNNVIZ_WINPLACE_H
#define RNNVIZ_WINPLACE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int x, y, w, h;
} AppRect;

#define WINPLACE_FRACTION 0.85

/* "rnnviz-window 1 X Y W H": false for anything else or absurd sizes. */
bool winplace_parse(const char *text, AppRect *out);
void winplace_format(const AppRect *r, char *out, size_t cap);
/* The saved rectangle when it lies mostly on the usable area, else frac
 * of the usable area, centred. */
AppRect winplace_choose(AppRect usable, const AppRect *saved, double frac);
/* The file's path; false when neither XDG_CONFIG_HOME nor HOME is set. */
bool winplace_path(char *out, size_t cap);
bool winplace_load(AppRect *out);
int winplace_save(const AppRect *r, char *msg, size_t cap);

#endif
