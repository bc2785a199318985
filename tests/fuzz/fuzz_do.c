/* libFuzzer harness for the command-line path of `rnnviz render`:
 * settings flags, then --do actions run on a real session, then the view
 * drawn and written as SVG text. Built and run by scripts/fuzz.sh;
 * replayed by tests/test_fuzz_corpus.c (FUZZ_NO_ENTRY).
 *
 * Input: when it starts with "--", its first line is the flags (split at
 * blanks, given to settings_set_flag as argv) and the rest is the --do
 * block; otherwise the whole input is the --do block (so the action
 * parser's corpus seeds this one). To keep runs fast, sizes beyond small
 * limits and large counts are clamped or the action skipped, and the text
 * task's file is never changed (the fuzzer would read arbitrary files).
 *
 * The contract checked: a refused flag leaves the settings untouched and
 * says why; a refused parse says "LINE:COL: ..."; a refused `set` or
 * `select` leaves the session as it was (settings, cursor, iteration,
 * parameters) and says why; no other action fails on a valid session;
 * the view of any reached state is a balanced draw list that fits, and
 * it converts to SVG. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "fuzz_check.h"
#include "session.h"
#include "settings.h"
#include "svg_out.h"
#include "view.h"

#define FUZZ_DO_MAX_ARGS 64
#define FUZZ_DO_MAX_COUNT 64 /* step, back, forward, backward */
#define FUZZ_DO_MAX_TRAIN 8
#define FUZZ_DO_MAX_COMPARE 3

/* Small enough that one input runs in about a millisecond. */
static bool fuzz_do_small(const Settings *st)
{
    static Settings defaults;
    static bool init;
    if (!init) {
        settings_default(&defaults);
        init = true;
    }
    return st->hidden <= 12 && st->layers <= 3 && st->steps <= 16 && st->batch <= 4 &&
           st->input <= 12 && st->output <= 12 && !strcmp(st->text_file, defaults.text_file);
}

/* The flags line: refused flags are checked and skipped. */
static void fuzz_do_flags(Settings *st, char *line)
{
    char *argv[FUZZ_DO_MAX_ARGS + 1];
    int argc = 0;
    argv[argc++] = "render";
    for (char *w = strtok(line, " \t\r"); w && argc < FUZZ_DO_MAX_ARGS; w = strtok(NULL, " \t\r"))
        argv[argc++] = w;
    argv[argc] = NULL;
    for (int i = 1; i < argc;) {
        Settings before = *st;
        char msg[512] = "";
        int at = i;
        const char *key = NULL;
        if (settings_set_flag(st, argc, argv, &i, &key, msg, sizeof msg) == 0) {
            if (i <= at || !key)
                FUZZ_FAIL("flag '%s' accepted without advancing or naming its key", argv[at]);
            continue;
        }
        fuzz_check_message("flags", msg, NULL);
        if (memcmp(&before, st, sizeof before) != 0)
            FUZZ_FAIL("refused flag '%s' changed the settings (%s)", argv[at], msg);
        i = at + 1;
    }
}

typedef struct {
    Settings settings;
    int cursor;
    long iteration;
    size_t n;
    double *params;
} FuzzDoSnap;

static void fuzz_do_snap(const Session *s, FuzzDoSnap *sn)
{
    const Net *net = sess_net(s);
    sn->settings = *sess_settings(s);
    sn->cursor = sess_cursor(s);
    sn->iteration = sess_iteration(s);
    sn->n = net_num_params(net);
    sn->params = malloc(sn->n * sizeof(double) + 1);
    if (sn->params)
        memcpy(sn->params, net_params_const(net), sn->n * sizeof(double));
}

static void fuzz_do_same(const Session *s, const FuzzDoSnap *sn, const Action *a, const char *msg)
{
    const Net *net = sess_net(s);
    if (memcmp(&sn->settings, sess_settings(s), sizeof sn->settings) != 0 ||
        sn->cursor != sess_cursor(s) || sn->iteration != sess_iteration(s) ||
        sn->n != net_num_params(net) ||
        (sn->params && memcmp(sn->params, net_params_const(net), sn->n * sizeof(double)) != 0))
        FUZZ_FAIL("refused '%s' (%s) changed the session", action_verb_name(a->verb), msg);
}

/* Clamps counts; false when the action would leave the small limits. */
static bool fuzz_do_limit(const Session *s, Action *a)
{
    int cap = a->verb == ACT_TRAIN     ? FUZZ_DO_MAX_TRAIN
              : a->verb == ACT_COMPARE ? FUZZ_DO_MAX_COMPARE
                                       : FUZZ_DO_MAX_COUNT;
    if (a->count > cap)
        a->count = cap;
    if (a->verb == ACT_SET) {
        Settings next = *sess_settings(s);
        char msg[256];
        if (settings_set(&next, a->key, a->value, msg, sizeof msg) == 0 && !fuzz_do_small(&next))
            return false;
    }
    return true;
}

static void fuzz_do_action(Session *s, Action *a)
{
    if (!fuzz_do_limit(s, a))
        return;
    bool may_fail = a->verb == ACT_SET || a->verb == ACT_SELECT;
    FuzzDoSnap sn = {.params = NULL};
    if (may_fail)
        fuzz_do_snap(s, &sn);
    char msg[512] = "";
    if (sess_run_action(s, a, msg, sizeof msg) != 0) {
        fuzz_check_message("action", msg, NULL);
        if (!may_fail) {
            char line[256];
            action_format(a, line, sizeof line);
            FUZZ_FAIL("'%s' failed on a valid session: %s", line, msg);
        }
        fuzz_do_same(s, &sn, a, msg);
    }
    free(sn.params);
}

static void fuzz_do_view(const Session *s)
{
    static DrawList *dl;
    static HitList hits;
    if (!dl)
        dl = dl_create(200000, 4u << 20, 400000);
    if (!dl)
        return;
    ViewParams vp = {.win_w = 1280, .win_h = 720, .measure = dl_measure_approx()};
    view_draw(sess_view_model(s), &vp, dl, &hits);
    if (dl_overflowed(dl) || dl_clip_error(dl) || dl_clip_depth(dl) != 0)
        FUZZ_FAIL("view: draw list overflowed (%d) or clips unbalanced (%d, depth %d)",
                  dl_overflowed(dl), dl_clip_error(dl), dl_clip_depth(dl));
    char *svg = svg_out_string(dl, vp.win_w, vp.win_h, dl_rgba(0, 0, 0, 255), NULL);
    if (!svg)
        FUZZ_FAIL("view: no SVG for a valid draw list");
    free(svg);
}

/* 0 when the actions parsed and a session ran them, -1 with msg when the
 * flags made no session or the block was refused. */
static int fuzz_do_run(const uint8_t *data, size_t size, char *msg, size_t cap)
{
    static ActionList list;
    char *text = malloc(size + 1);
    if (!text)
        return -1;
    memcpy(text, data, size);
    text[size] = '\0';
    char *block = text;
    Settings st;
    settings_default(&st);
    st.hidden = 4;
    st.steps = 5;
    if (size >= 2 && text[0] == '-' && text[1] == '-') {
        char *nl = memchr(text, '\n', size);
        block = nl ? nl + 1 : text + size;
        if (nl)
            *nl = '\0';
        fuzz_do_flags(&st, text);
    }
    int rc = -1;
    if (action_parse_block(block, &list, 1, 1, msg, cap) != 0) {
        int line = 0, col = 0;
        if (sscanf(msg, "%d:%d: ", &line, &col) != 2 || line < 1 || col < 1)
            FUZZ_FAIL("--do refused with '%s' (expected 'LINE:COL: ...')", msg);
        goto out;
    }
    if (!fuzz_do_small(&st)) {
        snprintf(msg, cap, "flags beyond the harness's limits");
        goto out;
    }
    Session *s = sess_create(&st, msg, cap);
    if (!s) {
        fuzz_check_message("session", msg, NULL);
        goto out;
    }
    for (int i = 0; i < list.count; i++)
        fuzz_do_action(s, &list.items[i]);
    fuzz_do_view(s);
    sess_destroy(s);
    snprintf(msg, cap, "ok");
    rc = 0;
out:
    free(text);
    return rc;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[600];
    fuzz_do_run(data, size, msg, sizeof msg);
    return 0;
}
#endif
