/* The SDL libraries the backends run with (for --version). */
#ifndef RNNVIZ_BACKEND_VERSION_H
#define RNNVIZ_BACKEND_VERSION_H

#include <stdio.h>

/* "SDL a.b.c (built against x.y.z)" and "SDL_ttf a.b.c", a line each. */
void backend_version_print(FILE *out);

#endif
