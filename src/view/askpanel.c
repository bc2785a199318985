/*
 * The step's question and goal (promptview.h) as a card over the lower
 * part of the diagram (the upper part when the lower hides a node the
 * step highlights), beside the narration, so the room sees it large
 * whatever the narration's length, and it stays in view while the drawer
 * covers the lesson panel. The question with its numbered choices (a click
 * or the number key answers), then, once revealed, the right one marked
 * and why each wrong one is wrong; a number question shows what is typed,
 * then the answer. The goal shows its task and its hint (with live
 * numbers), and "done" the moment it holds. Texts are Markdown (richtext.c).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "view_parts.h"

/* The card's metrics, in units of the view's scale (k). */
static const struct {
    float pad, gap, radius, edge, fs_max, fs_min, fs_step, max_w, share, button_w, button_h,
        fs_button, indent;
} am = {10, 5, 8, 2, 19, 11, 0.5f, 760, 0.55f, 110, 26, 13, 20};

/* One line of Markdown at size, in colour; returns the y below it. */
static float say(const ViewCtx *c, const char *md, float x, float y, float w, float size,
                 DlColor col, bool bold, bool italic, bool emit)
{
    RichStyle rs = {size, col, bold, italic};
    return y + rich_flow(c, md, x, y, w, &rs, emit);
}

static void hit(const ViewCtx *c, Rect r, int id, int arg)
{
    if (!c->hits || c->hits->n >= VIEW_MAX_HITS)
        return;
    Hit *h = &c->hits->hits[c->hits->n++];
    *h = (Hit){.kind = HIT_BUTTON, .id = id, .r = r, .arg = arg, .l = -1, .t = -1};
}

/* One choice: "N  text", marked once revealed, with why under it. */
static float choice(const ViewCtx *c, const PromptView *pv, int i, float x, float y, float w,
                    float size, bool emit)
{
    const Theme *th = c->th;
    float k = c->k;
    char line[PROMPT_CHOICE_CAP + 16];
    bool right = i == pv->correct, picked = i == pv->chosen;
    const char *mark = !pv->revealed ? "" : right ? "✓ " : picked ? "✗ " : "";
    snprintf(line, sizeof line, "**%d**  %s%s", i + 1, mark, pv->choice[i]);
    DlColor col = !pv->revealed ? th->text : right ? th->good : picked ? th->bad : th->text_dim;
    bool bold = right && pv->revealed;
    float in = 6 * k, hgt = say(c, line, 0, 0, w - 2 * in, size, col, bold, false, false) + 6 * k;
    if (emit) {
        dl_rect(c->dl, x, y, w, hgt, 5 * k, picked ? color_alpha(th->accent, 50) : th->button);
        say(c, line, x + in, y + 3 * k, w - 2 * in, size, col, bold, false, true);
        if (!pv->revealed)
            hit(c, (Rect){x, y, w, hgt}, BTN_ASK_CHOICE, i);
    }
    y += hgt + 3 * k;
    if (pv->revealed && pv->why[i][0])
        y = say(c, pv->why[i], x + am.indent * k, y, w - am.indent * k, size * 0.9f, th->text_dim,
                false, true, emit) +
            3 * k;
    return y;
}

/* The number question's answer line(s). */
static float number(const ViewCtx *c, const PromptView *pv, float x, float y, float w, float size,
                    bool emit)
{
    const Theme *th = c->th;
    char line[PROMPT_TEXT_CAP];
    if (!pv->revealed) {
        snprintf(line, sizeof line, "answer: `%s▌` then Enter", pv->typed);
        return say(c, line, x, y, w, size, th->text, false, false, emit);
    }
    snprintf(line, sizeof line, "%s%s — the engine says %s", pv->typed[0] ? pv->typed : "(none)",
             pv->typed[0] ? (pv->right ? " ✓" : " ✗") : "", pv->answer);
    y = say(c, line, x, y, w, size, pv->right ? th->good : th->bad, true, false, emit);
    return say(c, pv->why[0], x + am.indent * c->k, y, w - am.indent * c->k, size * 0.9f,
               th->text_dim, false, true, emit);
}

/* The label row: what the card is, and the reveal button at its right
 * while the question is open (the label wraps short of the button). */
static float header(const ViewCtx *c, const char *label, DlColor col, bool button, float x, float y,
                    float w, float size, bool emit)
{
    float k = c->k, bw = button ? am.button_w * k + am.gap * k : 0;
    float h = say(c, label, x, y, w - bw, size * 0.85f, col, true, false, emit) - y;
    if (button) {
        h = fmaxf(h, am.button_h * k);
        if (emit)
            vt_button_sized(c, (Rect){x + w - am.button_w * k, y, am.button_w * k, am.button_h * k},
                            BTN_ASK_REVEAL, "reveal (X)", false, am.fs_button * k);
    }
    return y + h + am.gap * k;
}

static float ask_block(const ViewCtx *c, const PromptView *pv, float x, float y, float w,
                       float size, bool emit)
{
    const Theme *th = c->th;
    const char *label = pv->revealed  ? "QUESTION · answered"
                        : pv->numeric ? "QUESTION · predict: type a number"
                                      : "QUESTION · predict: press 1–4";
    y = header(c, label, th->accent, !pv->revealed, x, y, w, size, emit);
    y = say(c, pv->question, x, y, w, size, th->text, true, false, emit) + 4 * c->k;
    if (pv->numeric)
        return number(c, pv, x, y, w, size, emit) + 4 * c->k;
    for (int i = 0; i < pv->n_choices; i++)
        y = choice(c, pv, i, x, y, w, size, emit);
    return y;
}

static float goal_block(const ViewCtx *c, const PromptView *pv, float x, float y, float w,
                        float size, bool emit)
{
    const Theme *th = c->th;
    y = header(c, pv->goal_met ? "TRY IT · ✓ done" : "TRY IT · not yet",
               pv->goal_met ? th->good : th->accent, false, x, y, w, size, emit);
    y = say(c, pv->task, x, y, w, size, th->text, false, false, emit) + 2 * c->k;
    /* the hint stays once done: its live numbers are what the student reached */
    if (pv->hint[0])
        y = say(c, pv->hint, x, y, w, size * 0.9f, th->text_dim, false, true, emit);
    if (!pv->goal_met && pv->goal_now[0])
        y = say(c, pv->goal_now, x, y, w, size * 0.85f, th->text_dim, false, true, emit);
    return y;
}

/* The card's content laid out in r (r.h unused); returns its height. */
static float layout(const ViewCtx *c, Rect r, float size, bool emit)
{
    const PromptView *pv = c->vp->prompt;
    float k = c->k, pad = am.pad * k, y = r.y + pad;
    if (pv->has_ask)
        y = ask_block(c, pv, r.x + pad, y, r.w - 2 * pad, size, emit) + 6 * k;
    if (pv->has_ask && pv->has_goal && emit)
        dl_line(c->dl, r.x + pad, y - 3 * k, r.x + r.w - pad, y - 3 * k, 1 * k, c->th->grid);
    if (pv->has_goal)
        y = goal_block(c, pv, r.x + pad, y + 3 * k, r.w - 2 * pad, size, emit);
    return y + pad - r.y;
}

/* The largest text size (fs_max down to fs_min) at which the prompt fits
 * in max_h. */
static float fit(const ViewCtx *c, float w, float max_h)
{
    float size = am.fs_max * c->k;
    while (size > am.fs_min * c->k && layout(c, (Rect){0, 0, w, 0}, size, false) > max_h)
        size -= am.fs_step * c->k;
    return size;
}

/* The card: left in the diagram, on its lower part; up to a share of the
 * diagram's height, or all of it when the text needs that at the smallest
 * size. */
/* Where the card goes: the diagram, or, when a focus or a wide lesson
 * panel hides it, the largest panel on screen (a question must be seen). */
static Rect host(const ViewCtx *c)
{
    const Layout *lo = c->lo;
    if (lo->net.w > 0 && lo->net.h > 0)
        return lo->net;
    const Rect cand[3] = {lo->plots, lo->inspector, lo->lesson};
    Rect best = {0};
    for (int i = 0; i < 3; i++)
        if (cand[i].w > 0 && cand[i].h > 0 && cand[i].w * cand[i].h > best.w * best.h)
            best = cand[i];
    return best;
}

/* The card's size in a host rect: its text size and height (clamped to the
 * host); returns whether it fits. */
static bool size_in(const ViewCtx *c, Rect host, float *w, float *size, float *h)
{
    float gap = am.pad * c->k, most = host.h - 2 * gap;
    *w = fminf(host.w - 2 * gap, am.max_w * c->k);
    if (*w <= 0 || most <= 0)
        return false;
    float max_h = fminf(most, fmaxf(host.h * am.share, 0));
    *size = fit(c, *w, max_h);
    *h = layout(c, (Rect){0, 0, *w, 0}, *size, false);
    if (*h > max_h) {
        *size = fit(c, *w, most);
        *h = layout(c, (Rect){0, 0, *w, 0}, *size, false);
    }
    bool fits = *h <= most;
    *h = fminf(*h, most);
    return fits;
}

static Rect place(const ViewCtx *c, float *size)
{
    Rect net = host(c);
    float w, h, gap = am.pad * c->k;
    if (!c->vp->prompt)
        return (Rect){0};
    if (!size_in(c, net, &w, size, &h)) {
        /* too tall for the diagram: the whole area right of the narration,
         * down to the controls (panels stacked under the diagram included) */
        const Layout *lo = c->lo;
        float bottom = lo->controls.h > 0 ? lo->controls.y : (float)c->vp->win_h;
        Rect wide = {net.x, net.y, (float)c->vp->win_w - net.x, bottom - net.y};
        if (wide.w > 0 && wide.h > 0) {
            net = wide;
            size_in(c, net, &w, size, &h);
        }
    }
    if (w <= 0 || h <= 0)
        return (Rect){0};
    Rect low = {net.x + gap, net.y + net.h - gap - h, w, h}, high = low;
    high.y = net.y + gap;
    /* the card never hides what the narration points at, when it can help it */
    return marks_overlap(c, low) && !marks_overlap(c, high) ? high : low;
}

Rect askpanel_rect(const ViewCtx *c)
{
    float size;
    return place(c, &size);
}

void askpanel_draw(const ViewCtx *c)
{
    const PromptView *pv = c->vp->prompt;
    float size = 0;
    Rect r = place(c, &size);
    if (!pv || r.h <= 0)
        return;
    const Theme *th = c->th;
    float k = c->k;
    DlColor edge = pv->has_goal && pv->goal_met && !pv->has_ask ? th->good : th->accent;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, am.radius * k, th->panel);
    dl_rect(c->dl, r.x, r.y, r.w, r.h, am.radius * k, color_alpha(th->accent, 22));
    dl_rect_outline(c->dl, r.x, r.y, r.w, r.h, am.radius * k, am.edge * k, edge);
    dl_clip_push(c->dl, r.x, r.y, r.w, r.h);
    layout(c, r, size, true);
    dl_clip_pop(c->dl);
}
