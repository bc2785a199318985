/*
 * Helpers shared by the tests that drive a whole session (include after
 * cmocka.h). Header-only: each test is its own executable.
 */
#ifndef RNNVIZ_TEST_SUPPORT_H
#define RNNVIZ_TEST_SUPPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "drawlist.h"
#include "session.h"
#include "settings.h"

/* A session from "key=value;key=value" over the defaults; fails the test
 * with the settings module's message on a bad entry. */
static inline Session *support_session(const char *spec)
{
    Settings st;
    settings_default(&st);
    char buf[512], msg[400];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *item = strtok(buf, ";"); item; item = strtok(NULL, ";")) {
        char *eq = strchr(item, '=');
        assert_non_null(eq);
        *eq = '\0';
        if (settings_set(&st, item, eq + 1, msg, sizeof msg))
            fail_msg("settings_set %s: %s", item, msg);
    }
    Session *s = sess_create(&st, msg, sizeof msg);
    if (!s)
        fail_msg("sess_create(%s): %s", spec, msg);
    return s;
}

/* Runs action lines (as in lessons and --do) on a session. */
static inline void support_run(Session *s, const char *actions)
{
    static ActionList list;
    char msg[400];
    if (action_parse_block(actions, &list, 1, 1, msg, sizeof msg))
        fail_msg("parse '%s': %s", actions, msg);
    if (sess_run_actions(s, &list, msg, sizeof msg))
        fail_msg("run '%s': %s", actions, msg);
}

static inline bool support_same_color(DlColor a, DlColor b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

/* Index of the first draw command that differs in any field, or -1 when
 * the two lists are identical. */
static inline int support_first_difference(const DrawList *a, const DrawList *b)
{
    int n = dl_count(a) < dl_count(b) ? dl_count(a) : dl_count(b);
    for (int i = 0; i < n; i++) {
        const DlCmd *p = dl_cmd(a, i), *q = dl_cmd(b, i);
        if (p->kind != q->kind || !support_same_color(p->color, q->color) || p->x != q->x ||
            p->y != q->y || p->w != q->w || p->h != q->h || p->x1 != q->x1 || p->y1 != q->y1 ||
            p->radius != q->radius || p->width != q->width || p->font != q->font ||
            p->size_px != q->size_px || p->align != q->align || p->n_points != q->n_points ||
            p->has_clip != q->has_clip || p->clip_x0 != q->clip_x0 || p->clip_y0 != q->clip_y0 ||
            p->clip_x1 != q->clip_x1 || p->clip_y1 != q->clip_y1)
            return i;
        if ((p->text || q->text) && (!p->text || !q->text || strcmp(p->text, q->text)))
            return i;
        if (p->n_points &&
            memcmp(p->points, q->points, sizeof(float) * 2 * (size_t)p->n_points) != 0)
            return i;
    }
    return dl_count(a) == dl_count(b) ? -1 : n;
}

/* Whether two draw lists are identical; why says where they part. */
static inline bool support_lists_equal(const DrawList *a, const DrawList *b, char *why, size_t cap)
{
    int i = support_first_difference(a, b);
    if (i < 0)
        return true;
    const DlCmd *x = dl_cmd(a, i), *y = dl_cmd(b, i);
    if (!x || !y)
        snprintf(why, cap, "%d commands vs %d", dl_count(a), dl_count(b));
    else
        snprintf(why, cap, "command %d differs (kind %d/%d, text '%s'/'%s')", i, x->kind, y->kind,
                 x->text ? x->text : "", y->text ? y->text : "");
    return false;
}

#endif
