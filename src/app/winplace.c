#include "winplace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"

#define MAGIC "rnnviz-window 1"

bool winplace_parse(const char *text, AppRect *out)
{
    AppRect r;
    char tail;
    if (!text || sscanf(text, MAGIC " %d %d %d %d %c", &r.x, &r.y, &r.w, &r.h, &tail) != 4)
        return false;
    if (r.w < 200 || r.h < 150 || r.w > 32768 || r.h > 32768 || abs(r.x) > 65536 ||
        abs(r.y) > 65536)
        return false;
    *out = r;
    return true;
}

void winplace_format(const AppRect *r, char *out, size_t cap)
{
    snprintf(out, cap, MAGIC " %d %d %d %d\n", r->x, r->y, r->w, r->h);
}

static int overlap(int a0, int a1, int b0, int b1)
{
    int lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

AppRect winplace_choose(AppRect usable, const AppRect *saved, double frac)
{
    if (saved) {
        long on = (long)overlap(saved->x, saved->x + saved->w, usable.x, usable.x + usable.w) *
                  overlap(saved->y, saved->y + saved->h, usable.y, usable.y + usable.h);
        if (on * 2 >= (long)saved->w * saved->h && saved->w <= usable.w && saved->h <= usable.h)
            return *saved;
    }
    AppRect r = {0, 0, (int)(usable.w * frac), (int)(usable.h * frac)};
    r.x = usable.x + (usable.w - r.w) / 2;
    r.y = usable.y + (usable.h - r.h) / 2;
    return r;
}

bool winplace_path(char *out, size_t cap)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(out, cap, "%s/rnnviz/window", xdg);
    else if (home && home[0])
        n = snprintf(out, cap, "%s/.config/rnnviz/window", home);
    else
        return false;
    return n > 0 && (size_t)n < cap;
}

bool winplace_load(AppRect *out)
{
    char path[1024], text[128];
    if (!winplace_path(path, sizeof path))
        return false;
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    return winplace_parse(text, out);
}

/* mkdir -p of the folders above path. */
static void make_parents(char *path)
{
    for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
}

int winplace_save(const AppRect *r, char *msg, size_t cap)
{
    char path[1024], text[128];
    if (!winplace_path(path, sizeof path)) {
        snprintf(msg, cap, "no HOME or XDG_CONFIG_HOME: window size not kept");
        return -ENOENT;
    }
    make_parents(path);
    winplace_format(r, text, sizeof text);
    return afile_write(path, text, strlen(text), msg, cap);
}
