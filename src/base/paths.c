/* The data lookup of paths.h: candidates in order, the first one present wins. */
#include "paths.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Set by the build (cmake/install.cmake); the fallbacks suit a plain compile. */
#ifndef RNNVIZ_SOURCE_DIR
#define RNNVIZ_SOURCE_DIR "."
#endif
#ifndef RNNVIZ_BUILD_DIR
#define RNNVIZ_BUILD_DIR ""
#endif
#ifndef RNNVIZ_MODULE_DIR
#define RNNVIZ_MODULE_DIR "/usr/local/lib/rnnviz"
#endif
#ifndef RNNVIZ_DATA_DIR
#define RNNVIZ_DATA_DIR "/usr/local/share/rnnviz"
#endif

static bool given(const char *s)
{
    return s && *s;
}

/* The directory part of path into out ("" when it has none). */
static void dir_of(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), path);
}

static bool same_dir(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Installed, lessons sit in share/rnnviz/lessons; in the source tree in lessons/. */
static void add(char out[][PATHS_MAX], int *n, int cap, const char *base, const char *sub)
{
    if (*n >= cap)
        return;
    int len = snprintf(out[*n], PATHS_MAX, "%s%s", base, sub);
    if (len > 0 && len < PATHS_MAX) /* a longer name is left out, not cut */
        (*n)++;
}

int paths_candidates(PathsKind kind, const PathsPlaces *pl, char out[][PATHS_MAX], int cap)
{
    const char *installed = kind == PATHS_LESSONS ? "/lessons" : "";
    const char *source = kind == PATHS_LESSONS ? "/lessons" : "/assets";
    int n = 0;
    if (given(pl->env)) {
        add(out, &n, cap, pl->env, "");
        return n;
    }
    if (given(pl->exe)) {
        char bin[PATHS_MAX], prefix[PATHS_MAX], share[PATHS_MAX + 32];
        dir_of(pl->exe, bin, sizeof bin);
        dir_of(bin, prefix, sizeof prefix); /* exe is resolved: P/bin/.. is P */
        snprintf(share, sizeof share, "%s/share/rnnviz", prefix);
        add(out, &n, cap, share, installed);
        if (given(pl->build_dir) && given(pl->source_dir) && same_dir(bin, pl->build_dir))
            add(out, &n, cap, pl->source_dir, source);
    }
    if (given(pl->data_dir))
        add(out, &n, cap, pl->data_dir, installed);
    if (given(pl->source_dir))
        add(out, &n, cap, pl->source_dir, source);
    return n;
}

int paths_module_candidates(const char *env, const char *exe, char out[][PATHS_MAX], int cap)
{
    int n = 0;
    if (given(env)) {
        add(out, &n, cap, env, "");
        return n;
    }
    if (given(exe)) {
        char bin[PATHS_MAX], prefix[PATHS_MAX];
        dir_of(exe, bin, sizeof bin);
        dir_of(bin, prefix, sizeof prefix);
        add(out, &n, cap, bin, "");
        add(out, &n, cap, prefix, "/lib/rnnviz");
    }
    add(out, &n, cap, RNNVIZ_MODULE_DIR, "");
    return n;
}

/* Assets are there when the first font is; lessons when the directory is. */
static bool holds(PathsKind kind, const char *dir)
{
    char probe[PATHS_MAX + 32];
    struct stat st;
    if (kind == PATHS_LESSONS)
        return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    int len = snprintf(probe, sizeof probe, "%s/fonts/DejaVuSans.ttf", dir);
    return len > 0 && (size_t)len < sizeof probe && access(probe, R_OK) == 0;
}

void paths_find(PathsKind kind, const PathsPlaces *pl, char *out, size_t cap)
{
    char dirs[PATHS_CANDIDATES][PATHS_MAX];
    int n = paths_candidates(kind, pl, dirs, PATHS_CANDIDATES);
    int pick = n - 1;
    for (int i = 0; i < n && !given(pl->env); i++)
        if (holds(kind, dirs[i])) {
            pick = i;
            break;
        }
    snprintf(out, cap, "%s", pick >= 0 ? dirs[pick] : ".");
}

void paths_this_process(PathsKind kind, PathsPlaces *pl, char *exe, size_t exe_cap)
{
    ssize_t len = readlink("/proc/self/exe", exe, exe_cap - 1);
    exe[len > 0 ? len : 0] = '\0';
    pl->env = getenv(kind == PATHS_LESSONS ? "RNNVIZ_LESSONS" : "RNNVIZ_ASSETS");
    pl->exe = exe;
    pl->build_dir = RNNVIZ_BUILD_DIR;
    pl->data_dir = RNNVIZ_DATA_DIR;
    pl->source_dir = RNNVIZ_SOURCE_DIR;
}

/* Looked up again on every call: the environment may change (tests do). */
static const char *lookup(PathsKind kind, char *out)
{
    char exe[PATHS_MAX];
    PathsPlaces pl;
    paths_this_process(kind, &pl, exe, sizeof exe);
    paths_find(kind, &pl, out, PATHS_MAX);
    return out;
}

const char *paths_assets_dir(void)
{
    static char dir[PATHS_MAX];
    return lookup(PATHS_ASSETS, dir);
}

const char *paths_lessons_dir(void)
{
    static char dir[PATHS_MAX];
    return lookup(PATHS_LESSONS, dir);
}
