/*
 * The lesson panel: the current step's narration (narration.h: paragraphs,
 * bold, italic, inline code, lists, headings, code blocks, quotes), wrapped to the panel width and
 * shrunk until it fits, with "step k of n" and previous / next buttons.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "view_parts.h"

/* Text flow: words placed left to right, wrapped at the right edge. */
typedef struct {
    const ViewCtx *c;
    bool emit;       /* false: measure only */
    float x0, right; /* line start (indent) and right edge */
    float x, y;      /* pen */
    float size;      /* body size */
    float line_h;
    bool line_empty;
    bool space_pending;
} Flow;

typedef struct {
    bool bold, italic, code, link;
} Style;

static DlFont font_of(Style st)
{
    return st.code     ? DL_FONT_MONO
           : st.bold   ? DL_FONT_SANS_BOLD
           : st.italic ? DL_FONT_SANS_ITALIC
                       : DL_FONT_SANS;
}

static void newline(Flow *f)
{
    f->x = f->x0;
    f->y += f->line_h;
    f->line_empty = true;
    f->space_pending = false;
}

static void word(Flow *f, const char *w, size_t n, Style st)
{
    char buf[256];
    if (n == 0)
        return;
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, w, n);
    buf[n] = '\0';
    DlFont font = font_of(st);
    float size = st.code ? f->size * 0.92f : f->size;
    float ww = vt_width(f->c, font, size, buf);
    float sp = f->space_pending && !f->line_empty ? vt_width(f->c, DL_FONT_SANS, f->size, " ") : 0;
    if (!f->line_empty && f->x + sp + ww > f->right) {
        newline(f);
        sp = 0;
    }
    f->x += sp;
    if (f->emit) {
        const Theme *th = f->c->th;
        if (st.code)
            dl_rect(f->c->dl, f->x - 2, f->y + f->line_h * 0.08f, ww + 4, f->line_h * 0.84f,
                    3 * f->c->k, th->grid);
        float dy = (f->line_h - vt_height(f->c, font, size)) / 2;
        dl_text(f->c->dl, f->x, f->y + dy, font, size, DL_ALIGN_LEFT,
                st.link ? th->forward : th->text, buf);
    }
    f->x += ww;
    f->line_empty = false;
    f->space_pending = false;
}

/* Splits n bytes of text into words; spaces between words, and at either
 * end, are remembered so runs of different styles join correctly. */
static void text(Flow *f, const char *s, size_t n, Style st)
{
    const char *end = s + n;
    while (s < end) {
        if (*s == ' ' || *s == '\t' || *s == '\n') {
            f->space_pending = true;
            s++;
            continue;
        }
        size_t w = 0;
        while (s + w < end && s[w] != ' ' && s[w] != '\t' && s[w] != '\n')
            w++;
        word(f, s, w, st);
        s += w;
    }
}

/* A paragraph's or heading's spans; base is the block's own style. */
static void spans(Flow *f, const Narration *nar, const NarBlock *b, Style base)
{
    for (int i = 0; i < b->span_count; i++) {
        const NarSpan *sp = &nar->spans[b->first_span + i];
        Style st = base;
        st.bold |= (sp->style & NAR_STRONG) != 0;
        st.italic |= (sp->style & NAR_EMPH) != 0;
        st.code |= (sp->style & NAR_CODE) != 0;
        st.link |= (sp->style & NAR_LINK) != 0;
        switch ((NarSpanKind)sp->kind) {
        case NAR_SPAN_TEXT:
            text(f, nar->text + sp->off, sp->len, st);
            break;
        case NAR_SPAN_CODE:
            word(f, nar->text + sp->off, sp->len, st);
            break;
        case NAR_SPAN_SOFTBREAK:
            f->space_pending = true;
            break;
        case NAR_SPAN_LINEBREAK:
            newline(f);
            break;
        }
    }
}

static void code_block(Flow *f, const char *lit, size_t n)
{
    float k = f->c->k, size = f->size * 0.9f;
    const char *end = lit + n;
    while (lit < end) {
        size_t len = 0;
        while (lit + len < end && lit[len] != '\n')
            len++;
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < 255 ? len : 255), lit);
        if (f->emit) {
            dl_rect(f->c->dl, f->x0, f->y, f->right - f->x0, f->line_h, 0, f->c->th->grid);
            dl_text(f->c->dl, f->x0 + 6 * k, f->y, DL_FONT_MONO, size, DL_ALIGN_LEFT,
                    f->c->th->text, buf);
        }
        f->y += f->line_h;
        lit += len + (lit + len < end);
    }
    f->y += f->line_h * 0.45f;
}

/* Where an open list item or quote started: restored at its end. */
typedef struct {
    float x0, top;
} Open;

static void item_begin(Flow *f, const char *mark, size_t n, Open *o)
{
    float k = f->c->k;
    char buf[16];
    snprintf(buf, sizeof buf, "%.*s", (int)(n < 15 ? n : 15), mark);
    if (f->emit)
        dl_text(f->c->dl, f->x0 + 4 * k,
                f->y + (f->line_h - vt_height(f->c, DL_FONT_SANS, f->size)) / 2, DL_FONT_SANS_BOLD,
                f->size, DL_ALIGN_LEFT, f->c->th->forward, buf);
    float indent = 26 * k * (f->size / (16 * k));
    o->x0 = f->x0;
    f->x0 += indent;
    f->x = f->x0;
    f->line_empty = true;
}

static void quote_end(Flow *f, const Open *o)
{
    float k = f->c->k;
    if (f->emit)
        dl_rect(f->c->dl, o->x0 + 3 * k, o->top, 4 * k, f->y - o->top - f->line_h * 0.45f, 0,
                f->c->th->accent);
    f->x0 = o->x0;
    f->x = o->x0;
}

/* One block; open is the stack of list items and quotes (the narration
 * nests them at most NARRATION_MAX_DEPTH deep). */
static void block(Flow *f, const Narration *nar, const NarBlock *b, Open *open, int *depth)
{
    Style plain = {0}, bold = {.bold = true};
    switch (b->kind) {
    case NAR_PARAGRAPH:
        spans(f, nar, b, plain);
        newline(f);
        f->y += f->line_h * 0.45f;
        break;
    case NAR_HEADING:
        spans(f, nar, b, bold);
        newline(f);
        f->y += f->line_h * 0.2f;
        break;
    case NAR_CODE_BLOCK:
        code_block(f, nar->text + b->off, b->len);
        break;
    case NAR_RULE:
        if (f->emit)
            dl_line(f->c->dl, f->x0, f->y + f->line_h / 2, f->right, f->y + f->line_h / 2,
                    1 * f->c->k, f->c->th->panel_edge);
        f->y += f->line_h;
        break;
    case NAR_ITEM_BEGIN:
    case NAR_QUOTE_BEGIN:
        if (*depth > NARRATION_MAX_DEPTH)
            break; /* cannot happen: the narration is depth-limited */
        open[*depth].top = f->y;
        if (b->kind == NAR_ITEM_BEGIN) {
            item_begin(f, nar->text + b->off, b->len, &open[*depth]);
        } else {
            open[*depth].x0 = f->x0;
            f->x0 += 16 * f->c->k;
            f->x = f->x0;
        }
        ++*depth;
        break;
    case NAR_ITEM_END:
    case NAR_QUOTE_END:
        if (*depth == 0)
            break;
        --*depth;
        if (b->kind == NAR_QUOTE_END) {
            quote_end(f, &open[*depth]);
            break;
        }
        f->y -= f->line_h * 0.3f; /* tighter than paragraphs */
        f->x0 = open[*depth].x0;
        f->x = open[*depth].x0;
        break;
    case NAR_LIST_END:
        f->y += f->line_h * 0.3f;
        break;
    }
}

static float flow_doc(const ViewCtx *c, const Narration *nar, Rect r, float size, bool emit)
{
    Flow f = {c, emit, r.x, r.x + r.w, r.x, r.y, size, size * 1.42f, true, false};
    Open open[NARRATION_MAX_DEPTH + 1];
    int depth = 0;
    for (int i = 0; nar && i < nar->block_count; i++)
        block(&f, nar, &nar->blocks[i], open, &depth);
    return f.y - r.y;
}

/* The error text as narration, converted when it changes, not every frame.
 * (One entry: the window shows one error at a time.) */
static const Narration *error_narration(const char *msg)
{
    static char *cached_msg;
    static Narration *cached;
    if (cached_msg && !strcmp(cached_msg, msg))
        return cached;
    narration_destroy(cached);
    free(cached_msg);
    cached = narration_parse(msg, strlen(msg));
    cached_msg = cached ? strdup(msg) : NULL;
    return cached;
}

/* The lesson's error, wrapped, on a tinted box at (x, y), w wide; returns
 * the y below it. */
static float error_box(const ViewCtx *c, float x, float y, float w)
{
    float k = c->k;
    const Narration *doc = error_narration(c->vp->lesson_error);
    Rect text = {x + 8 * k, y + 6 * k, w - 16 * k, 0};
    float hgt = flow_doc(c, doc, text, 14 * k, false);
    dl_rect(c->dl, x, y, w, hgt + 8 * k, 6 * k, color_alpha(c->th->bad, 40));
    flow_doc(c, doc, text, 14 * k, true);
    return y + (hgt + 18 * k); /* as y += hgt + 18 * k: the same rounding */
}

void lessonpanel_draw(const ViewCtx *c)
{
    const Rect r = c->lo->lesson;
    const Theme *th = c->th;
    const Lesson *lesson = c->vp->lesson;
    float k = c->k, pad = 16 * k;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, 0, th->panel);
    dl_line(c->dl, r.x + r.w, r.y, r.x + r.w, r.y + r.h, 1.5f * k, th->panel_edge);
    float y = r.y + 12 * k, w = r.w - 2 * pad;
    vt_text(c, r.x + pad, y, DL_FONT_SANS_BOLD, 20 * k, DL_ALIGN_LEFT, th->text,
            lesson_title(lesson), w);
    y += 30 * k;
    int n = lesson_step_count(lesson), step = c->vp->lesson_step;
    char buf[96];
    if (step == 0)
        snprintf(buf, sizeof buf, "introduction · %d steps", n);
    else
        snprintf(buf, sizeof buf, "step %d of %d", step, n);
    vt_text(c, r.x + pad, y, DL_FONT_SANS, 15 * k, DL_ALIGN_LEFT, th->text_dim, buf, w);
    /* progress: one dot per step */
    float dx = fminf(14 * k, (w * 0.45f) / (n + 1));
    for (int i = 0; i <= n; i++)
        dl_circle(c->dl, r.x + r.w - pad - (n - i) * dx, y + 10 * k, 4 * k,
                  i <= step ? th->forward : th->grid);
    y += 30 * k;
    if (c->vp->lesson_error)
        y = error_box(c, r.x + pad, y, w);
    bool in_step = step > 0 && step <= n;
    const char *title = in_step ? lesson_step_title(lesson, step - 1) : NULL;
    if (title && vt_width(c, DL_FONT_SANS_BOLD, 19 * k, title) <= w) {
        vt_text(c, r.x + pad, y, DL_FONT_SANS_BOLD, 19 * k, DL_ALIGN_LEFT, th->forward, title, w);
        y += 34 * k;
    } else if (title) {
        /* a long step title wraps rather than losing words */
        float ts = 19 * k;
        Flow f = {c, true, r.x + pad, r.x + pad + w, r.x + pad, y, ts, ts * 1.3f, true, false};
        Style bold = {.bold = true, .link = true};
        text(&f, title, strlen(title), bold);
        y = f.y + f.line_h + 8 * k;
    }
    const Narration *doc = in_step    ? lesson_step_narration(lesson, step - 1)
                           : step > 0 ? NULL
                                      : lesson_intro(lesson);
    float buttons_h = 52 * k;
    Rect body = {r.x + pad, y, w, r.y + r.h - buttons_h - y - 8 * k};
    /* the largest size (17 down to 10 at scale 1) at which it all fits */
    float size = 17 * k;
    while (size > 10 * k && flow_doc(c, doc, body, size, false) > body.h)
        size -= 0.5f * k;
    dl_clip_push(c->dl, body.x - 4 * k, body.y, body.w + 8 * k, body.h);
    flow_doc(c, doc, body, size, true);
    dl_clip_pop(c->dl);
    float bw = (w - 10 * k) / 2, by = r.y + r.h - buttons_h;
    vt_button(c, (Rect){r.x + pad, by, bw, 40 * k}, BTN_LESSON_PREV, "◀ Prev (PgUp)", false);
    vt_button(c, (Rect){r.x + pad + bw + 10 * k, by, bw, 40 * k}, BTN_LESSON_NEXT,
              step < n ? "Next (PgDn) ▶" : "End", step < n);
}
