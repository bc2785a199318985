/*
 * rnnviz render: any state of the window, headless, to PNG or SVG.
 * Settings come as flags (--cell lstm --hidden 16 ...), actions as --do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "commands.h"
#include "fonts.h"
#include "render_file.h"
#include "session.h"
#include "settings.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rnnviz render [SETTINGS] [--do ACTIONS] [--size WxH] [--scale S]\n"
            "                     [--contrast] [--train N] --out FILE.png|FILE.svg\n\n"
            "Renders the window's view without a display.\n\n"
            "  --do ACTIONS   action lines as in lessons, separated by ';' or newlines:\n"
            "                 forward N|all, backward N|all, step N, back N, train N,\n"
            "                 set KEY = VALUE, reset, select LAYER STEP, order time|layer,\n"
            "                 show PANEL, hide PANEL, update\n"
            "  --size WxH     image size in pixels (default 1920x1080)\n"
            "  --scale S      UI scale, 0.5 to 3 (default 1)\n"
            "  --contrast     the high-contrast projector theme\n"
            "  --train N      train N iterations before the actions\n"
            "  --out FILE     .png or .svg (default rnnviz.png)\n\n"
            "SETTINGS are --KEY VALUE for any session setting, e.g. --cell lstm\n"
            "--hidden 16 --steps 40 --task adding --spectral-radius 0.8 --seed 7.\n");
}

typedef struct {
    const char *out, *actions;
    int w, h;
    float scale;
    bool contrast;
    long train;
} RenderArgs;

static int parse_size(const char *v, int *w, int *h)
{
    char tail;
    if (sscanf(v, "%dx%d%c", w, h, &tail) != 2 || *w < 64 || *h < 64 || *w > 8192 || *h > 8192)
        return -1;
    return 0;
}

static int parse_args(int argc, char **argv, RenderArgs *a, Settings *st)
{
    char msg[400];
    for (int i = 1; i < argc;) {
        const char *f = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(f, "--help") || !strcmp(f, "-h")) {
            usage(stdout);
            exit(0);
        }
        if (!strcmp(f, "--contrast")) {
            a->contrast = true;
            i++;
            continue;
        }
        bool known = !strcmp(f, "--out") || !strcmp(f, "-o") || !strcmp(f, "--do") ||
                     !strcmp(f, "--size") || !strcmp(f, "--scale") || !strcmp(f, "--train");
        if (known && !v) {
            fprintf(stderr, "rnnviz render: %s needs a value\n", f);
            return 2;
        }
        if (!strcmp(f, "--out") || !strcmp(f, "-o")) {
            a->out = v;
        } else if (!strcmp(f, "--do")) {
            a->actions = v;
        } else if (!strcmp(f, "--size")) {
            if (parse_size(v, &a->w, &a->h)) {
                fprintf(stderr, "rnnviz render: bad --size '%s': expected WxH, 64 to 8192\n", v);
                return 2;
            }
        } else if (!strcmp(f, "--scale")) {
            char *end;
            a->scale = strtof(v, &end);
            if (*end || !(a->scale >= 0.5f && a->scale <= 3.0f)) {
                fprintf(stderr, "rnnviz render: bad --scale '%s': expected 0.5 to 3\n", v);
                return 2;
            }
        } else if (!strcmp(f, "--train")) {
            char *end;
            a->train = strtol(v, &end, 10);
            if (*end || a->train < 0 || a->train > 10000000) {
                fprintf(stderr, "rnnviz render: bad --train '%s': expected 0 to 10000000\n", v);
                return 2;
            }
        } else {
            int rc = settings_set_flag(st, argc, argv, &i, NULL, msg, sizeof msg);
            if (rc) {
                fprintf(stderr, "rnnviz render: %s\n", msg);
                return 2;
            }
            continue;
        }
        i += 2;
    }
    return 0;
}

int cmd_render(int argc, char **argv)
{
    RenderArgs a = {"rnnviz.png", NULL, 1920, 1080, 1.0f, false, 0};
    Settings st;
    settings_default(&st);
    int rc = parse_args(argc, argv, &a, &st);
    if (rc)
        return rc;
    char msg[600];
    static ActionList list;
    if (a.actions && action_parse_block(a.actions, &list, 1, 1, msg, sizeof msg)) {
        fprintf(stderr, "rnnviz render: --do: %s\n", msg);
        return 2;
    }
    Session *s = sess_create(&st, msg, sizeof msg);
    if (!s) {
        fprintf(stderr, "rnnviz render: %s\n", msg);
        return 1;
    }
    FontsError ferr = {{0}};
    Fonts *fonts = fonts_create(NULL, &ferr);
    rc = 1;
    if (!fonts) {
        fprintf(stderr, "rnnviz render: %s\n", ferr.msg);
        goto out_session;
    }
    if (a.train > 0 && sess_train(s, a.train, msg, sizeof msg)) {
        fprintf(stderr, "rnnviz render: --train: %s\n", msg);
        goto out_fonts;
    }
    if (a.actions && sess_run_actions(s, &list, msg, sizeof msg)) {
        fprintf(stderr, "rnnviz render: --do: %s\n", msg);
        goto out_fonts;
    }
    SessView *v = sess_view(s);
    v->ui_scale = a.scale;
    v->high_contrast = a.contrast;
    v->anim = 1;
    ViewParams vp = {a.w, a.h, fonts_measure(fonts), NULL, 0, NULL, NULL};
    if (render_session_file(s, &vp, fonts, a.out, msg, sizeof msg)) {
        fprintf(stderr, "rnnviz render: %s\n", msg);
        goto out_fonts;
    }
    printf("%s\n", a.out);
    rc = 0;
out_fonts:
    fonts_destroy(fonts);
out_session:
    sess_destroy(s);
    return rc;
}
