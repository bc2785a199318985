#define _GNU_SOURCE /* realpath */
#include "lesson_files.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHIPPED_TEXTS RNNVIZ_ASSETS_DIR "/text"

static bool allow_any;

void lesson_files_allow(bool on)
{
    allow_any = on;
}

int lesson_files_take_flag(int argc, char **argv)
{
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && !strcmp(argv[i], "--allow-files"))
            allow_any = true;
        else
            argv[n++] = argv[i];
    }
    argv[n] = NULL;
    return n;
}

bool lesson_files_is_file_key(const char *key)
{
    return !strcmp(key, "text_file") || !strcmp(key, "text-file");
}

static void folder_of(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, cap, ".");
    else if (slash == path)
        snprintf(out, cap, "/");
    else
        snprintf(out, cap, "%.*s", (int)(slash - path), path);
}

/* value with its `.` and `..` parts removed; false when `..` would climb
 * above the start. */
static bool normalized(const char *value, char *out, size_t cap)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", value);
    size_t n = 0;
    out[0] = '\0';
    for (char *save, *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
        if (!strcmp(part, "."))
            continue;
        if (!strcmp(part, "..")) {
            if (n == 0)
                return false;
            while (n > 0 && out[n - 1] != '/')
                n--;
            n = n > 0 ? n - 1 : 0;
            out[n] = '\0';
            continue;
        }
        n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "/" : "", part);
        if (n >= cap)
            return false;
    }
    return n > 0;
}

/* Whether the file at path, symlinks followed, lies under dir. */
static bool inside(const char *path, const char *dir)
{
    char real_path[PATH_MAX], real_dir[PATH_MAX];
    if (!realpath(path, real_path) || !realpath(dir, real_dir))
        return false;
    size_t n = strlen(real_dir);
    return !strncmp(real_path, real_dir, n) && (real_path[n] == '/' || real_path[n] == '\0');
}

int lesson_files_resolve(const char *lesson_path, const char *value, char *out, size_t cap,
                         char *why, size_t why_cap)
{
    char folder[PATH_MAX], rel[PATH_MAX];
    folder_of(lesson_path, folder, sizeof folder);
    if (allow_any) {
        int n = value[0] == '/' ? snprintf(out, cap, "%s", value)
                                : snprintf(out, cap, "%s/%s", folder, value);
        return n < 0 || (size_t)n >= cap ? (snprintf(why, why_cap, "path too long"), -1) : 0;
    }
    if (value[0] == '/') {
        snprintf(why, why_cap,
                 "an absolute path is not allowed in a lesson (run with "
                 "--allow-files to allow it)");
        return -1;
    }
    if (!normalized(value, rel, sizeof rel)) {
        snprintf(why, why_cap,
                 "'..' leads outside the lesson's folder (run with --allow-files "
                 "to allow it)");
        return -1;
    }
    const char *dirs[2] = {folder, SHIPPED_TEXTS};
    for (int k = 0; k < 2; k++) {
        int n = snprintf(out, cap, "%s/%s", dirs[k], rel);
        if (n < 0 || (size_t)n >= cap || access(out, F_OK) != 0)
            continue;
        if (inside(out, dirs[k]))
            return 0;
        snprintf(why, why_cap,
                 "'%s' leads outside the lesson's folder (a symlink; run with "
                 "--allow-files to allow it)",
                 value);
        return -1;
    }
    snprintf(why, why_cap, "'%s': no such file in the lesson's folder or the shipped texts", value);
    return -1;
}
