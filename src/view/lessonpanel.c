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

static const ThemeMetrics *const tm = &theme_metrics;

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
    float size = st.code ? fmaxf(f->size * 0.92f, tm->fs_floor_body * f->c->k) : f->size;
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
                    tm->radius_code * f->c->k, th->grid);
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
    float k = f->c->k, size = fmaxf(f->size * 0.9f, tm->fs_floor_body * f->c->k);
    const char *end = lit + n;
    while (lit < end) {
        size_t len = 0;
        while (lit + len < end && lit[len] != '\n')
            len++;
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < 255 ? len : 255), lit);
        if (f->emit) {
            dl_rect(f->c->dl, f->x0, f->y, f->right - f->x0, f->line_h, 0, f->c->th->grid);
            dl_text(f->c->dl, f->x0 + tm->code_pad * k, f->y, DL_FONT_MONO, size, DL_ALIGN_LEFT,
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
        dl_text(f->c->dl, f->x0 + tm->list_mark_x * k,
                f->y + (f->line_h - vt_height(f->c, DL_FONT_SANS, f->size)) / 2, DL_FONT_SANS_BOLD,
                f->size, DL_ALIGN_LEFT, f->c->th->forward, buf);
    float indent = tm->list_indent * k * (f->size / (tm->list_indent_fs * k));
    o->x0 = f->x0;
    f->x0 += indent;
    f->x = f->x0;
    f->line_empty = true;
}

static void quote_end(Flow *f, const Open *o)
{
    float k = f->c->k;
    if (f->emit)
        dl_rect(f->c->dl, o->x0 + tm->quote_bar_x * k, o->top, tm->quote_bar_w * k,
                f->y - o->top - f->line_h * 0.45f, 0, f->c->th->accent);
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
                    tm->lw_rule * f->c->k, f->c->th->panel_edge);
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
            f->x0 += tm->quote_indent * f->c->k;
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
    Rect text = {x + tm->error_pad_x * k, y + tm->error_pad_y * k, w - tm->error_pad_x2 * k, 0};
    float hgt = flow_doc(c, doc, text, tm->fs_error * k, false);
    dl_rect(c->dl, x, y, w, hgt + tm->error_box_extra * k, tm->radius_error * k,
            color_alpha(c->th->bad, 40));
    flow_doc(c, doc, text, tm->fs_error * k, true);
    return y + (hgt + tm->error_gap * k); /* as y += hgt + gap: the same rounding */
}

/* The step title at y (wrapped when long rather than losing words), and
 * the narration under it; returns the y below the title. */
static float step_title(const ViewCtx *c, Rect r, float y, bool emit, const Narration **doc)
{
    const Lesson *lesson = c->vp->lesson;
    float k = c->k, pad = tm->lesson_pad * k, w = r.w - 2 * pad;
    int n = lesson_step_count(lesson), step = c->vp->lesson_step;
    bool in_step = step > 0 && step <= n;
    const char *title = in_step ? lesson_step_title(lesson, step - 1) : NULL;
    *doc = in_step    ? lesson_step_narration(lesson, step - 1)
           : step > 0 ? NULL
                      : lesson_intro(lesson);
    if (title && vt_width(c, DL_FONT_SANS_BOLD, tm->fs_step_title * k, title) <= w) {
        if (emit)
            vt_text(c, r.x + pad, y, DL_FONT_SANS_BOLD, tm->fs_step_title * k, DL_ALIGN_LEFT,
                    c->th->forward, title, w);
        return y + tm->step_title_h * k;
    }
    if (!title)
        return y;
    float ts = tm->fs_step_title * k;
    Flow f = {c, emit, r.x + pad, r.x + pad + w, r.x + pad, y, ts, ts * 1.3f, true, false};
    Style bold = {.bold = true, .link = true};
    text(&f, title, strlen(title), bold);
    return f.y + f.line_h + tm->step_title_gap * k;
}

bool lessonpanel_fits(const ViewCtx *c, Rect r)
{
    float k = c->k, pad = tm->lesson_pad * k, w = r.w - 2 * pad;
    if (w <= 0)
        return false;
    float y = r.y + (tm->lesson_title_y + tm->lesson_title_h + tm->lesson_meta_h) * k;
    if (vt_width(c, DL_FONT_SANS_BOLD, tm->fs_lesson_title * k, lesson_title(c->vp->lesson)) > w)
        return false;
    if (c->vp->lesson_error) {
        Rect text = {r.x + pad, y, w - tm->error_pad_x2 * k, 0};
        y += flow_doc(c, error_narration(c->vp->lesson_error), text, tm->fs_error * k, false) +
             tm->error_gap * k;
    }
    const Narration *doc;
    y = step_title(c, r, y, false, &doc);
    Rect body = {r.x + pad, y, w,
                 r.y + r.h - tm->lesson_buttons_h * k - y - tm->lesson_body_gap * k};
    return flow_doc(c, doc, body, tm->fs_body_min * k, false) <= body.h;
}

void lessonpanel_draw(const ViewCtx *c)
{
    const Rect r = c->lo->lesson;
    const Theme *th = c->th;
    const Lesson *lesson = c->vp->lesson;
    float k = c->k, pad = tm->lesson_pad * k;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, 0, th->panel);
    dl_line(c->dl, r.x + r.w, r.y, r.x + r.w, r.y + r.h, tm->lw_panel_edge * k, th->panel_edge);
    float y = r.y + tm->lesson_title_y * k, w = r.w - 2 * pad;
    vt_text(c, r.x + pad, y, DL_FONT_SANS_BOLD, tm->fs_lesson_title * k, DL_ALIGN_LEFT, th->text,
            lesson_title(lesson), w);
    y += tm->lesson_title_h * k;
    int n = lesson_step_count(lesson), step = c->vp->lesson_step;
    char buf[96];
    if (step == 0)
        snprintf(buf, sizeof buf, "introduction · %d steps", n);
    else
        snprintf(buf, sizeof buf, "step %d of %d", step, n);
    vt_text(c, r.x + pad, y, DL_FONT_SANS, tm->fs_lesson_meta * k, DL_ALIGN_LEFT, th->text_dim, buf,
            w);
    /* progress: one dot per step */
    float dx = fminf(tm->progress_pitch * k, (w * 0.45f) / (n + 1));
    for (int i = 0; i <= n; i++)
        dl_circle(c->dl, r.x + r.w - pad - (n - i) * dx, y + tm->progress_dy * k,
                  tm->progress_r * k, i <= step ? th->forward : th->grid);
    y += tm->lesson_meta_h * k;
    if (c->vp->lesson_error)
        y = error_box(c, r.x + pad, y, w);
    const Narration *doc = NULL;
    y = step_title(c, r, y, true, &doc);
    float buttons_h = tm->lesson_buttons_h * k;
    Rect body = {r.x + pad, y, w, r.y + r.h - buttons_h - y - tm->lesson_body_gap * k};
    /* the largest size down to the floor at which it all fits */
    float size = tm->fs_body_max * k;
    while (size > tm->fs_body_min * k && flow_doc(c, doc, body, size, false) > body.h)
        size = fmaxf(size - tm->fs_body_step * k, tm->fs_body_min * k);
    dl_clip_push(c->dl, body.x - tm->body_clip_margin * k, body.y,
                 body.w + tm->body_clip_margin2 * k, body.h);
    DlTextClass was = dl_text_class(c->dl, DL_TEXT_BODY);
    flow_doc(c, doc, body, size, true);
    dl_text_class(c->dl, was);
    dl_clip_pop(c->dl);
    float bw = (w - tm->lesson_button_gap * k) / 2, by = r.y + r.h - buttons_h;
    vt_button(c, (Rect){r.x + pad, by, bw, tm->lesson_button_h * k}, BTN_LESSON_PREV,
              "◀ Prev (PgUp)", false);
    vt_button(c,
              (Rect){r.x + pad + bw + tm->lesson_button_gap * k, by, bw, tm->lesson_button_h * k},
              BTN_LESSON_NEXT, step < n ? "Next (PgDn) ▶" : "End", step < n);
}
