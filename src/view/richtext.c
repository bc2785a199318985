/*
 * Short Markdown (a question, a choice, a glossary entry) through the
 * narration model: inline code, bold and italic as the lesson panel draws
 * them, paragraphs wrapped to a width in one colour. Parsed texts are kept
 * in a small cache, so a frame that redraws the same prompt parses nothing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "narration.h"
#include "view_parts.h"

#define CACHE_N 24

typedef struct {
    char *md;
    Narration *nar;
} Cached;

/* The parsed narration of md (NULL when out of memory). */
static const Narration *parsed(const char *md)
{
    static Cached cache[CACHE_N];
    static int next;
    for (int i = 0; i < CACHE_N; i++)
        if (cache[i].md && !strcmp(cache[i].md, md))
            return cache[i].nar;
    Cached *slot = &cache[next];
    next = (next + 1) % CACHE_N;
    narration_destroy(slot->nar);
    free(slot->md);
    slot->nar = narration_parse(md, strlen(md));
    slot->md = slot->nar ? strdup(md) : NULL;
    return slot->md ? slot->nar : NULL;
}

typedef struct {
    const ViewCtx *c;
    const RichStyle *rs;
    float x0, right, x, y, line_h;
    bool emit, empty, space;
} Pen;

static DlFont font_for(const RichStyle *rs, unsigned style)
{
    if (style & NAR_CODE)
        return DL_FONT_MONO;
    if ((style & NAR_STRONG) || rs->bold)
        return DL_FONT_SANS_BOLD;
    return (style & NAR_EMPH) || rs->italic ? DL_FONT_SANS_ITALIC : DL_FONT_SANS;
}

static void put_word(Pen *p, const char *w, size_t n, unsigned style)
{
    char buf[256];
    n = n < sizeof buf ? n : sizeof buf - 1;
    memcpy(buf, w, n);
    buf[n] = '\0';
    DlFont font = font_for(p->rs, style);
    float size = style & NAR_CODE ? p->rs->size * 0.92f : p->rs->size;
    float ww = vt_width(p->c, font, size, buf);
    float sp = p->space && !p->empty ? vt_width(p->c, DL_FONT_SANS, p->rs->size, " ") : 0;
    if (!p->empty && p->x + sp + ww > p->right) {
        p->x = p->x0;
        p->y += p->line_h;
        sp = 0;
    }
    p->x += sp;
    if (p->emit) {
        if (style & NAR_CODE)
            dl_rect(p->c->dl, p->x - 2, p->y + p->line_h * 0.08f, ww + 4, p->line_h * 0.84f,
                    3 * p->c->k, p->c->th->grid);
        float dy = (p->line_h - vt_height(p->c, font, size)) / 2;
        dl_text(p->c->dl, p->x, p->y + dy, font, size, DL_ALIGN_LEFT, p->rs->color, buf);
    }
    p->x += ww;
    p->empty = false;
    p->space = false;
}

static void put_span(Pen *p, const char *s, size_t n, const NarSpan *sp)
{
    if (sp->kind == NAR_SPAN_CODE) {
        put_word(p, s, n, sp->style | NAR_CODE);
        return;
    }
    if (sp->kind != NAR_SPAN_TEXT) {
        p->space = true;
        return;
    }
    const char *end = s + n;
    while (s < end) {
        if (*s == ' ' || *s == '\t' || *s == '\n') {
            p->space = true;
            s++;
            continue;
        }
        size_t w = 0;
        while (s + w < end && s[w] != ' ' && s[w] != '\t' && s[w] != '\n')
            w++;
        put_word(p, s, w, sp->style);
        s += w;
    }
}

float rich_flow(const ViewCtx *c, const char *md, float x, float y, float w, const RichStyle *rs,
                bool emit)
{
    const Narration *nar = md && md[0] ? parsed(md) : NULL;
    float line_h = fmaxf(rs->size * 1.3f, vt_height(c, DL_FONT_SANS, rs->size));
    Pen p = {c, rs, x, x + w, x, y, line_h, emit, true, false};
    int paragraphs = 0;
    for (int i = 0; nar && i < nar->block_count; i++) {
        const NarBlock *b = &nar->blocks[i];
        if (b->kind != NAR_PARAGRAPH && b->kind != NAR_HEADING)
            continue;
        if (paragraphs++ > 0) {
            p.x = p.x0;
            p.y += line_h * 1.25f;
            p.empty = true;
        }
        for (int j = 0; j < b->span_count; j++) {
            const NarSpan *sp = &nar->spans[b->first_span + j];
            put_span(&p, nar->text + sp->off, sp->len, sp);
        }
    }
    return paragraphs ? p.y + line_h - y : 0;
}
