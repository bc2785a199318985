/*
 * Where rnnviz finds its data: the assets (fonts/, text/ and their
 * licences) and the lessons. The first place that holds them wins:
 *
 *   1. the environment override, taken as given even when it is wrong
 *      (RNNVIZ_ASSETS, RNNVIZ_LESSONS), so a mistake gets a clear message;
 *   2. beside the binary: P/share/rnnviz for /proc/self/exe = P/bin/rnnviz, an
 *      installed tree wherever its prefix (cmake --install --prefix P, .deb);
 *   3. the source tree, when the binary sits in the build tree it was built
 *      in (a developer's build never picks up an older installed copy);
 *   4. the install prefix compiled in: <prefix>/share/rnnviz;
 *   5. the source tree (assets/, lessons/).
 *
 * Installed, the assets are share/rnnviz itself and the lessons
 * share/rnnviz/lessons; in the source tree, assets/ and lessons/.
 *
 * Conventions: paths_candidates returns a count; the *_dir functions
 * never fail (with nothing found they name the last candidate, so the
 * caller's "cannot read" message shows where it looked).
 */
#ifndef RNNVIZ_PATHS_H
#define RNNVIZ_PATHS_H

#include <stddef.h>

#define PATHS_MAX 1024 /* bytes of one directory name */
#define PATHS_CANDIDATES 5

typedef enum { PATHS_ASSETS, PATHS_LESSONS } PathsKind;

/* The places a lookup starts from; NULL or "" leaves a place out. */
typedef struct {
    const char *env;        /* the override's value */
    const char *exe;        /* absolute path of the running binary */
    const char *build_dir;  /* the build tree the binary was built in */
    const char *data_dir;   /* <prefix>/share/rnnviz */
    const char *source_dir; /* the source tree */
} PathsPlaces;

/* The directories to try for kind, in order, into out[0..cap); returns how many. */
int paths_candidates(PathsKind kind, const PathsPlaces *places, char out[][PATHS_MAX], int cap);

/* The first candidate holding kind's data (the override always), else the last one. */
void paths_find(PathsKind kind, const PathsPlaces *places, char *out, size_t cap);

/* This process's places: the environment, /proc/self/exe and the build's directories. */
void paths_this_process(PathsKind kind, PathsPlaces *places, char *exe, size_t exe_cap);

/* Where a loadable module (rnnviz-video.so) may be, in order: env (a
 * directory, taken alone when given), beside the binary exe (the build
 * tree), P/lib/rnnviz for exe = P/bin/rnnviz (an installed tree wherever its
 * prefix), and the install prefix's lib/rnnviz compiled in. Returns how many. */
int paths_module_candidates(const char *env, const char *exe, char out[][PATHS_MAX], int cap);

/* The directory of the fonts and texts, and of the shipped lessons, for this process. */
const char *paths_assets_dir(void);
const char *paths_lessons_dir(void);

#endif
