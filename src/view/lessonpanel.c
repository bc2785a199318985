/*
 * The lesson panel: the current step's narration rendered from its
 * Markdown tree (paragraphs, bold, italic, inline code, lists, headings,
 * code blocks), wrapped to the panel width and shrunk until it fits, with
 * "step k of n" and previous / next buttons.
 */
#include <cmark.h>
#include <math.h>
#include <stdio.h>
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
                    tm->radius_code * f->c->k, th->grid);
        float dy = (f->line_h - vt_height(f->c, font, size)) / 2;
        dl_text(f->c->dl, f->x, f->y + dy, font, size, DL_ALIGN_LEFT,
                st.link ? th->forward : th->text, buf);
    }
    f->x += ww;
    f->line_empty = false;
    f->space_pending = false;
}

/* Splits text into words; spaces between words, and at either end, are
 * remembered so runs of different styles join correctly. */
static void text(Flow *f, const char *s, Style st)
{
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\n') {
            f->space_pending = true;
            s++;
            continue;
        }
        size_t n = strcspn(s, " \t\n");
        word(f, s, n, st);
        s += n;
    }
}

static void inlines(Flow *f, cmark_node *parent, Style st)
{
    for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
        Style inner = st;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
            text(f, cmark_node_get_literal(n), st);
            break;
        case CMARK_NODE_CODE:
            inner.code = true;
            word(f, cmark_node_get_literal(n), strlen(cmark_node_get_literal(n)), inner);
            break;
        case CMARK_NODE_SOFTBREAK:
            f->space_pending = true;
            break;
        case CMARK_NODE_LINEBREAK:
            newline(f);
            break;
        case CMARK_NODE_EMPH:
            inner.italic = true;
            inlines(f, n, inner);
            break;
        case CMARK_NODE_STRONG:
            inner.bold = true;
            inlines(f, n, inner);
            break;
        case CMARK_NODE_LINK:
            inner.link = true;
            inlines(f, n, inner);
            break;
        default:
            inlines(f, n, st);
            break;
        }
    }
}

static void blocks(Flow *f, cmark_node *parent, int depth);

static void block(Flow *f, cmark_node *n, int depth)
{
    Style plain = {0};
    float k = f->c->k;
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_PARAGRAPH:
        inlines(f, n, plain);
        newline(f);
        f->y += f->line_h * 0.45f;
        break;
    case CMARK_NODE_HEADING: {
        Style bold = {.bold = true};
        inlines(f, n, bold);
        newline(f);
        f->y += f->line_h * 0.2f;
        break;
    }
    case CMARK_NODE_LIST: {
        bool ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
        int num = cmark_node_get_list_start(n);
        for (cmark_node *item = cmark_node_first_child(n); item; item = cmark_node_next(item)) {
            char mark[16];
            snprintf(mark, sizeof mark, ordered ? "%d." : "•", num++);
            if (f->emit)
                dl_text(f->c->dl, f->x0 + tm->list_mark_x * k,
                        f->y + (f->line_h - vt_height(f->c, DL_FONT_SANS, f->size)) / 2,
                        DL_FONT_SANS_BOLD, f->size, DL_ALIGN_LEFT, f->c->th->forward, mark);
            float keep = f->x0, indent = tm->list_indent * k * (f->size / (tm->list_indent_fs * k));
            f->x0 += indent;
            f->x = f->x0;
            f->line_empty = true;
            blocks(f, item, depth + 1);
            f->y -= f->line_h * 0.3f; /* tighter than paragraphs */
            f->x0 = keep;
            f->x = keep;
        }
        f->y += f->line_h * 0.3f;
        break;
    }
    case CMARK_NODE_CODE_BLOCK: {
        const char *lit = cmark_node_get_literal(n);
        float size = f->size * 0.9f;
        while (*lit) {
            size_t len = strcspn(lit, "\n");
            char buf[256];
            snprintf(buf, sizeof buf, "%.*s", (int)(len < 255 ? len : 255), lit);
            if (f->emit) {
                dl_rect(f->c->dl, f->x0, f->y, f->right - f->x0, f->line_h, 0, f->c->th->grid);
                dl_text(f->c->dl, f->x0 + tm->code_pad * k, f->y, DL_FONT_MONO, size, DL_ALIGN_LEFT,
                        f->c->th->text, buf);
            }
            f->y += f->line_h;
            lit += len + (lit[len] == '\n');
        }
        f->y += f->line_h * 0.45f;
        break;
    }
    case CMARK_NODE_BLOCK_QUOTE: {
        float keep = f->x0, top = f->y;
        f->x0 += tm->quote_indent * k;
        f->x = f->x0;
        blocks(f, n, depth + 1);
        if (f->emit)
            dl_rect(f->c->dl, keep + tm->quote_bar_x * k, top, tm->quote_bar_w * k,
                    f->y - top - f->line_h * 0.45f, 0, f->c->th->accent);
        f->x0 = keep;
        f->x = keep;
        break;
    }
    case CMARK_NODE_THEMATIC_BREAK:
        if (f->emit)
            dl_line(f->c->dl, f->x0, f->y + f->line_h / 2, f->right, f->y + f->line_h / 2,
                    tm->lw_rule * k, f->c->th->panel_edge);
        f->y += f->line_h;
        break;
    default:
        blocks(f, n, depth + 1);
        break;
    }
}

static void blocks(Flow *f, cmark_node *parent, int depth)
{
    if (depth > 32)
        return; /* deeply nested quotes: stop rather than overflow */
    for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n))
        block(f, n, depth);
}

static float flow_doc(const ViewCtx *c, cmark_node *doc, Rect r, float size, bool emit)
{
    Flow f = {c, emit, r.x, r.x + r.w, r.x, r.y, size, size * 1.42f, true, false};
    if (doc)
        blocks(&f, doc, 0);
    return f.y - r.y;
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
    if (c->vp->lesson_error) {
        Rect box = {r.x + pad, y, w, 10};
        float hgt = 0;
        /* the error, wrapped, on a tinted box */
        cmark_node *doc = cmark_parse_document(c->vp->lesson_error, strlen(c->vp->lesson_error),
                                               CMARK_OPT_DEFAULT);
        hgt = flow_doc(c, doc,
                       (Rect){box.x + tm->error_pad_x * k, y + tm->error_pad_y * k,
                              w - tm->error_pad_x2 * k, 0},
                       tm->fs_error * k, false);
        dl_rect(c->dl, box.x, y, w, hgt + tm->error_box_extra * k, tm->radius_error * k,
                color_alpha(th->bad, 40));
        flow_doc(c, doc,
                 (Rect){box.x + tm->error_pad_x * k, y + tm->error_pad_y * k,
                        w - tm->error_pad_x2 * k, 0},
                 tm->fs_error * k, true);
        cmark_node_free(doc);
        y += hgt + tm->error_gap * k;
    }
    const char *title = step > 0 ? lesson_step_title(lesson, step - 1) : NULL;
    if (title && vt_width(c, DL_FONT_SANS_BOLD, tm->fs_step_title * k, title) <= w) {
        vt_text(c, r.x + pad, y, DL_FONT_SANS_BOLD, tm->fs_step_title * k, DL_ALIGN_LEFT,
                th->forward, title, w);
        y += tm->step_title_h * k;
    } else if (title) {
        /* a long step title wraps rather than losing words */
        float ts = tm->fs_step_title * k;
        Flow f = {c, true, r.x + pad, r.x + pad + w, r.x + pad, y, ts, ts * 1.3f, true, false};
        Style bold = {.bold = true, .link = true};
        text(&f, title, bold);
        y = f.y + f.line_h + tm->step_title_gap * k;
    }
    cmark_node *doc = step > 0 ? lesson_step_narration(lesson, step - 1) : lesson_intro(lesson);
    float buttons_h = tm->lesson_buttons_h * k;
    Rect body = {r.x + pad, y, w, r.y + r.h - buttons_h - y - tm->lesson_body_gap * k};
    /* the largest size (17 down to 10 at scale 1) at which it all fits */
    float size = tm->fs_body_max * k;
    while (size > tm->fs_body_min * k && flow_doc(c, doc, body, size, false) > body.h)
        size -= tm->fs_body_step * k;
    dl_clip_push(c->dl, body.x - tm->body_clip_margin * k, body.y,
                 body.w + tm->body_clip_margin2 * k, body.h);
    flow_doc(c, doc, body, size, true);
    dl_clip_pop(c->dl);
    float bw = (w - tm->lesson_button_gap * k) / 2, by = r.y + r.h - buttons_h;
    vt_button(c, (Rect){r.x + pad, by, bw, tm->lesson_button_h * k}, BTN_LESSON_PREV,
              "◀ Prev (PgUp)", false);
    vt_button(c,
              (Rect){r.x + pad + bw + tm->lesson_button_gap * k, by, bw, tm->lesson_button_h * k},
              BTN_LESSON_NEXT, step < n ? "Next (PgDn) ▶" : "End", step < n);
}
