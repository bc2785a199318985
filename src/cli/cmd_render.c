/*
 * rnnviz render: any state of the window, headless, to PNG or SVG.
 * Settings come as flags (--cell lstm --hidden 16 ...), actions as --do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "actions.h"
#include "atomic_file.h"
#include "cmd_render_video.h"
#include "commands.h"
#include "fonts.h"
#include "keymap.h"
#include "lesson.h"
#include "lesson_run.h"
#include "prompt.h"
#include "render_file.h"
#include "session.h"
#include "settings.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: rnnviz render [SETTINGS] [--do ACTIONS] [--size WxH] [--scale S]\n"
                 "                     [--contrast] [--train N] --out FILE.png|FILE.svg\n\n"
                 "Renders the window's view without a display.\n\n"
                 "  --do ACTIONS   action lines as in lessons, separated by ';' or newlines:\n"
                 "                 forward N|all, backward N|all, step N, back N, train N,\n"
                 "                 set KEY = VALUE, reset, select LAYER STEP, row N,\n"
                 "                 order time|layer, show PANEL, hide PANEL, update,\n"
                 "                 focus plot|inspector|diagram|none, fit all|none\n"
                 "  --size WxH     image size in pixels (default 1920x1080)\n"
                 "  --scale S      UI scale, 0.5 to 3 (default 1)\n"
                 "  --contrast     the high-contrast projector theme\n"
                 "  --train N      train N iterations before the actions\n"
                 "  --out FILE     .png or .svg (default rnnviz.png)\n"
                 "  --csv FILE     also write the gradient norms (pass and training) as CSV\n"
                 "  --lesson FILE  render a lesson step (with --step K, 0 = introduction)\n"
                 "  --answer A     with --step: answer the step's question (a choice 1-4,\n"
                 "                 a number, or 'reveal') and show the reveal\n"
                 "  --solve        with --step: run the step goal's scripted solution\n"
                 "  --all          with --lesson: every step into the directory --out,\n"
                 "                 as step-00.png ... (--svg for SVG slides)\n"
                 "  --video FILE   record the animation to .mp4 or .gif instead\n"
                 "                 (rnnviz render --video x.mp4 --help for its flags)\n\n"
                 "SETTINGS are --KEY VALUE for any session setting, e.g. --cell lstm\n"
                 "--hidden 16 --steps 40 --task adding --spectral-radius 0.8 --seed 7.\n");
}

typedef struct {
    const char *out, *actions, *lesson, *csv;
    const char *answer; /* --answer: a choice 1-4, a number, or "reveal" */
    bool solve;         /* --solve: run the step goal's scripted solution */
    int w, h;
    float scale;
    bool contrast, all, svg;
    long train;
    int step;
} RenderArgs;

static int parse_size(const char *v, int *w, int *h)
{
    char tail;
    if (sscanf(v, "%dx%d%c", w, h, &tail) != 2 || *w < 64 || *h < 64 || *w > 8192 || *h > 8192)
        return -1;
    return 0;
}

/* A numeric option's value: 0 when taken, 2 (after a message) when bad,
 * 1 when f is not one of them. */
static int number_option(RenderArgs *a, const char *f, const char *v)
{
    char *end;
    if (!strcmp(f, "--step")) {
        long k = strtol(v, &end, 10);
        if (*end || k < 0 || k > 1000) {
            fprintf(stderr, "rnnviz render: bad --step '%s': expected 0 to the step count\n", v);
            return 2;
        }
        a->step = (int)k;
    } else if (!strcmp(f, "--size")) {
        if (parse_size(v, &a->w, &a->h)) {
            fprintf(stderr, "rnnviz render: bad --size '%s': expected WxH, 64 to 8192\n", v);
            return 2;
        }
    } else if (!strcmp(f, "--scale")) {
        a->scale = strtof(v, &end);
        if (*end || !(a->scale >= 0.5f && a->scale <= 3.0f)) {
            fprintf(stderr, "rnnviz render: bad --scale '%s': expected 0.5 to 3\n", v);
            return 2;
        }
    } else if (!strcmp(f, "--train")) {
        a->train = strtol(v, &end, 10);
        if (*end || a->train < 0 || a->train > 10000000) {
            fprintf(stderr, "rnnviz render: bad --train '%s': expected 0 to 10000000\n", v);
            return 2;
        }
    } else {
        return 1;
    }
    return 0;
}

/* An option of render's own with a value: as number_option. */
static int value_option(RenderArgs *a, const char *f, const char *v)
{
    if (!strcmp(f, "--out") || !strcmp(f, "-o"))
        a->out = v;
    else if (!strcmp(f, "--do"))
        a->actions = v;
    else if (!strcmp(f, "--csv"))
        a->csv = v;
    else if (!strcmp(f, "--lesson"))
        a->lesson = v;
    else if (!strcmp(f, "--answer"))
        a->answer = v;
    else
        return number_option(a, f, v);
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
            return -1;
        }
        if (!strcmp(f, "--contrast") || !strcmp(f, "--all") || !strcmp(f, "--svg") ||
            !strcmp(f, "--solve")) {
            a->solve |= !strcmp(f, "--solve");
            a->contrast |= !strcmp(f, "--contrast");
            a->all |= !strcmp(f, "--all");
            a->svg |= !strcmp(f, "--svg");
            i++;
            continue;
        }
        bool known = !strcmp(f, "--out") || !strcmp(f, "-o") || !strcmp(f, "--do") ||
                     !strcmp(f, "--size") || !strcmp(f, "--scale") || !strcmp(f, "--train") ||
                     !strcmp(f, "--lesson") || !strcmp(f, "--step") || !strcmp(f, "--csv") ||
                     !strcmp(f, "--answer");
        if (known && !v) {
            fprintf(stderr, "rnnviz render: %s needs a value\n", f);
            return 2;
        }
        int rc = value_option(a, f, v);
        if (rc == 2)
            return 2;
        if (rc == 1) {
            rc = settings_set_flag(st, argc, argv, &i, NULL, msg, sizeof msg);
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

/* Applies the view options and writes one file. */
static int write_view(Session *s, const RenderArgs *a, Fonts *fonts, const Lesson *lesson, int step,
                      const PromptView *pv, const char *path)
{
    char msg[600];
    ViewState v = view_state_default();
    v.ui_scale = a->scale;
    v.high_contrast = a->contrast;
    ViewKeyHelp keys[96];
    ViewParams vp = {.win_w = a->w,
                     .win_h = a->h,
                     .measure = fonts_measure(fonts),
                     .lesson = lesson,
                     .lesson_step = step,
                     .prompt = pv,
                     .state = &v,
                     .keys = keys,
                     .n_keys = keymap_help(keys, 96)};
    if (render_session_file(s, &vp, fonts, path, msg, sizeof msg)) {
        fprintf(stderr, "rnnviz render: %s\n", msg);
        return 1;
    }
    printf("%s\n", path);
    return 0;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Step k's question and goal as shown: --answer reveals (running the
 * reveal actions), --solve runs the goal's solution. */
static int step_prompt(const RenderArgs *a, const Lesson *lesson, Session *s, int k, PromptView *pv,
                       char *msg, size_t cap)
{
    const StepPrompt *p = lesson_step_prompt(lesson, k - 1);
    PromptState st = prompt_state_new();
    if (a->answer && !a->all && p->has_ask) {
        char *end;
        double v = strtod(a->answer, &end);
        if (p->numeric && !*end && end != a->answer) {
            st.has_number = true;
            st.number = v;
            snprintf(st.typed, sizeof st.typed, "%s", a->answer);
        } else if (!*end && v >= 1 && v <= p->n_choices) {
            st.chosen = (int)v - 1;
        } else if (strcmp(a->answer, "reveal")) {
            snprintf(msg, cap, "bad --answer '%s': a choice 1 to %d, a number, or 'reveal'",
                     a->answer, p->n_choices);
            return 1;
        }
        st.revealed = true;
        if (lesson_reveal(lesson, s, k, msg, cap))
            return 1;
    }
    if (a->solve && !a->all && p->has_goal && p->solve && sess_run_actions(s, p->solve, msg, cap))
        return 1;
    prompt_view(p, &st, s, pv);
    return 0;
}

/* --lesson: one step, or with --all every step into a directory. */
static int render_lesson(const RenderArgs *a, Fonts *fonts)
{
    char msg[800];
    Lesson *lesson = lesson_load(a->lesson, msg, sizeof msg);
    if (!lesson) {
        fprintf(stderr, "rnnviz render: %s\n", msg);
        return 1;
    }
    int n = lesson_step_count(lesson), rc = 0;
    int first = a->all ? 0 : a->step, last = a->all ? n : a->step;
    int mkdir_errno = a->all && mkdir(a->out, 0777) != 0 ? errno : 0;
    if (mkdir_errno && !is_dir(a->out)) {
        fprintf(stderr, "rnnviz render: cannot create directory %s: %s\n", a->out,
                strerror(mkdir_errno == EEXIST ? ENOTDIR : mkdir_errno));
        lesson_destroy(lesson);
        return 1;
    }
    Session *s = lesson_enter(lesson, first, msg, sizeof msg);
    if (!s)
        rc = 1;
    for (int k = first; !rc && k <= last; k++) {
        if (k > first && (lesson_reveal(lesson, s, k - 1, msg, sizeof msg) ||
                          lesson_advance(lesson, s, k, msg, sizeof msg))) {
            rc = 1;
            break;
        }
        char path[1024];
        if (a->all)
            snprintf(path, sizeof path, "%s/step-%02d.%s", a->out, k, a->svg ? "svg" : "png");
        else
            snprintf(path, sizeof path, "%s", a->out);
        PromptView pv;
        const PromptView *shown = NULL;
        if (k > 0) {
            rc = step_prompt(a, lesson, s, k, &pv, msg, sizeof msg);
            shown = pv.has_ask || pv.has_goal ? &pv : NULL;
        }
        if (!rc)
            rc = write_view(s, a, fonts, lesson, k, shown, path);
    }
    if (rc && !s)
        fprintf(stderr, "rnnviz render: %s\n", msg);
    else if (rc && msg[0])
        fprintf(stderr, "rnnviz render: %s\n", msg);
    sess_destroy(s);
    lesson_destroy(lesson);
    return rc;
}

/* --lesson: every step (--all) or one, with fonts of its own. */
static int render_lesson_file(const RenderArgs *a)
{
    FontsError ferr = {{0}};
    Fonts *fonts = fonts_create(NULL, &ferr);
    if (!fonts) {
        fprintf(stderr, "rnnviz render: %s\n", ferr.msg);
        return 1;
    }
    int rc = render_lesson(a, fonts);
    fonts_destroy(fonts);
    return rc;
}

/* --csv: the gradient norms per step; 0 or 1 after a message. */
static int write_csv(const Session *s, const char *path)
{
    char msg[600];
    char *csv = sess_grad_csv(s);
    int rc = 0;
    if (!csv || afile_write(path, csv, strlen(csv), msg, sizeof msg)) {
        fprintf(stderr, "rnnviz render: %s\n", csv ? msg : "out of memory writing the CSV");
        rc = 1;
    }
    free(csv);
    return rc;
}

int cmd_render(int argc, char **argv)
{
    /* Recordings (--video) have their own flags and loop. */
    if (render_wants_video(argc, argv))
        return cmd_render_video(argc, argv);
    RenderArgs a = {.out = "rnnviz.png", .w = 1920, .h = 1080, .scale = 1.0f};
    Settings st;
    settings_default(&st);
    int rc = parse_args(argc, argv, &a, &st);
    if (rc)
        return rc < 0 ? 0 : rc; /* -1: help shown */
    if (a.all && !a.lesson) {
        fprintf(stderr, "rnnviz render: --all needs --lesson FILE\n");
        return 2;
    }
    if (a.lesson)
        return render_lesson_file(&a);
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
    rc = write_view(s, &a, fonts, NULL, 0, NULL, a.out);
    if (!rc && a.csv)
        rc = write_csv(s, a.csv);
out_fonts:
    fonts_destroy(fonts);
out_session:
    sess_destroy(s);
    return rc;
}
