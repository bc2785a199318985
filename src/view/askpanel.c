/*
 * The step's question and goal, at the foot of the lesson panel
 * (promptview.h): the question with its numbered choices (a click or the
 * number key answers), then, once revealed, the right one marked and why
 * each wrong one is wrong; a number question shows what is typed, then
 * the answer. The goal shows its task, a hint until it holds, and "done"
 * the moment it does.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "view_parts.h"

/* Wraps s at w from (x, y) at size; draws when emit; returns its height. */
static float wrap(const ViewCtx *c, float x, float y, float w, DlFont font, float size, DlColor col,
                  const char *s, bool emit)
{
    float line_h = fmaxf(size * 1.3f, vt_height(c, font, size)), px = 0, py = 0;
    float space = vt_width(c, font, size, " ");
    char word[200];
    while (*s) {
        while (*s == ' ')
            s++;
        size_t n = strcspn(s, " ");
        if (n == 0)
            break;
        size_t k = n < sizeof word ? n : sizeof word - 1;
        memcpy(word, s, k);
        word[k] = '\0';
        float ww = vt_width(c, font, size, word);
        if (px > 0 && px + ww > w) {
            px = 0;
            py += line_h;
        }
        if (emit)
            dl_text(c->dl, x + px, y + py, font, size, DL_ALIGN_LEFT, col, word);
        px += ww + space;
        s += n;
    }
    return py + line_h;
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
    snprintf(line, sizeof line, "%d  %s%s", i + 1, mark, pv->choice[i]);
    DlColor col = !pv->revealed ? th->text : right ? th->good : picked ? th->bad : th->text_dim;
    float hgt =
        wrap(c, x + 6 * k, y + 3 * k, w - 12 * k,
             right && pv->revealed ? DL_FONT_SANS_BOLD : DL_FONT_SANS, size, col, line, false) +
        6 * k;
    if (emit) {
        dl_rect(c->dl, x, y, w, hgt, 5 * k, picked ? color_alpha(th->accent, 50) : th->button);
        wrap(c, x + 6 * k, y + 3 * k, w - 12 * k,
             right && pv->revealed ? DL_FONT_SANS_BOLD : DL_FONT_SANS, size, col, line, true);
        if (!pv->revealed)
            hit(c, (Rect){x, y, w, hgt}, BTN_ASK_CHOICE, i);
    }
    y += hgt + 3 * k;
    if (pv->revealed && pv->why[i][0])
        y += wrap(c, x + 18 * k, y, w - 18 * k, DL_FONT_SANS_ITALIC, size * 0.9f, th->text_dim,
                  pv->why[i], emit) +
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
        snprintf(line, sizeof line, "answer: %s▌ (Enter)", pv->typed);
        return y + wrap(c, x, y, w, DL_FONT_MONO, size, th->text, line, emit);
    }
    snprintf(line, sizeof line, "%s%s — the engine says %s", pv->typed[0] ? pv->typed : "(none)",
             pv->typed[0] ? (pv->right ? " ✓" : " ✗") : "", pv->answer);
    y += wrap(c, x, y, w, DL_FONT_SANS_BOLD, size, pv->right ? th->good : th->bad, line, emit);
    return y + wrap(c, x + 12 * c->k, y, w - 12 * c->k, DL_FONT_SANS_ITALIC, size * 0.9f,
                    th->text_dim, pv->why[0], emit);
}

static float ask_block(const ViewCtx *c, const PromptView *pv, float x, float y, float w,
                       float size, bool emit)
{
    const Theme *th = c->th;
    float k = c->k;
    y += wrap(c, x, y, w, DL_FONT_SANS_BOLD, size * 0.85f, th->accent,
              pv->revealed ? "QUESTION · answered" : "QUESTION · predict: 1–4 (A reveals)", emit);
    y += wrap(c, x, y, w, DL_FONT_SANS_BOLD, size, th->text, pv->question, emit) + 4 * k;
    if (pv->numeric)
        return number(c, pv, x, y, w, size, emit) + 4 * k;
    for (int i = 0; i < pv->n_choices; i++)
        y = choice(c, pv, i, x, y, w, size, emit);
    return y;
}

static float goal_block(const ViewCtx *c, const PromptView *pv, float x, float y, float w,
                        float size, bool emit)
{
    const Theme *th = c->th;
    float k = c->k;
    y += wrap(c, x, y, w, DL_FONT_SANS_BOLD, size * 0.85f, pv->goal_met ? th->good : th->accent,
              pv->goal_met ? "TRY IT · ✓ done" : "TRY IT · not yet", emit);
    y += wrap(c, x, y, w, DL_FONT_SANS, size, th->text, pv->task, emit) + 2 * k;
    if (!pv->goal_met && pv->hint[0])
        y += wrap(c, x, y, w, DL_FONT_SANS_ITALIC, size * 0.9f, th->text_dim, pv->hint, emit);
    if (!pv->goal_met && pv->goal_now[0])
        y += wrap(c, x, y, w, DL_FONT_SANS_ITALIC, size * 0.85f, th->text_dim, pv->goal_now, emit);
    return y;
}

static float layout(const ViewCtx *c, Rect r, float size, bool emit)
{
    const PromptView *pv = c->vp->prompt;
    float k = c->k, pad = 8 * k, y = r.y + pad;
    if (pv->has_ask)
        y = ask_block(c, pv, r.x + pad, y, r.w - 2 * pad, size, emit) + 6 * k;
    if (pv->has_ask && pv->has_goal && emit)
        dl_line(c->dl, r.x + pad, y - 3 * k, r.x + r.w - pad, y - 3 * k, 1 * k, c->th->grid);
    if (pv->has_goal)
        y = goal_block(c, pv, r.x + pad, y + 3 * k, r.w - 2 * pad, size, emit);
    return y + pad - r.y;
}

/* The text size at which the prompt fits in max_h (15 down to 10). */
static float fit(const ViewCtx *c, float w, float max_h)
{
    float size = 15 * c->k;
    while (size > 8 * c->k && layout(c, (Rect){0, 0, w, 0}, size, false) > max_h)
        size -= 0.5f * c->k;
    return size;
}

float askpanel_height(const ViewCtx *c, float w, float max_h)
{
    if (!c->vp->prompt)
        return 0;
    float h = layout(c, (Rect){0, 0, w, 0}, fit(c, w, max_h), false);
    return h < max_h ? h : max_h;
}

void askpanel_draw(const ViewCtx *c, Rect r)
{
    const PromptView *pv = c->vp->prompt;
    if (!pv || r.h <= 0)
        return;
    const Theme *th = c->th;
    float size = fit(c, r.w, r.h);
    DlColor edge = pv->has_goal && pv->goal_met && !pv->has_ask ? th->good : th->accent;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, 8 * c->k, color_alpha(th->accent, 22));
    dl_rect_outline(c->dl, r.x, r.y, r.w, r.h, 8 * c->k, 1.5f * c->k, edge);
    dl_clip_push(c->dl, r.x, r.y, r.w, r.h);
    layout(c, r, size, true);
    dl_clip_pop(c->dl);
    if (pv->has_ask && !pv->revealed) {
        float bw = 92 * c->k, bh = 24 * c->k;
        vt_button_sized(c, (Rect){r.x + r.w - bw - 6 * c->k, r.y + 5 * c->k, bw, bh},
                        BTN_ASK_REVEAL, "reveal (X)", false, 12 * c->k);
    }
}
