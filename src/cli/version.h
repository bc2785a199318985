/* rnnviz --version: this build and the library versions it runs with. */
#ifndef RNNVIZ_VERSION_INFO_H
#define RNNVIZ_VERSION_INFO_H

#include <stdio.h>

/*
 * One line each: rnnviz's version (and `git describe` when built from a
 * git checkout, taken at configure time), then SDL, SDL_ttf, OpenBLAS,
 * cJSON and cmark as linked at run time (SDL also as compiled against).
 */
void version_print(FILE *out);

#endif
