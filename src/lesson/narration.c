#include "narration.h"

#include <cmark.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "narration_build.h"

/* Growing arrays while converting; oom latches the first failure. */
typedef struct {
    Narration *nar;
    int block_cap, span_cap;
    size_t text_cap;
    bool oom;
} Builder;

static bool grow(void **p, size_t elem, size_t need, size_t *cap)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

static uint32_t push_text(Builder *b, const char *s, size_t n)
{
    Narration *nar = b->nar;
    if (b->oom || n > UINT32_MAX - nar->text_len - 1 ||
        !grow((void **)&nar->text, 1, nar->text_len + n + 1, &b->text_cap)) {
        b->oom = true;
        return 0;
    }
    uint32_t off = (uint32_t)nar->text_len;
    memcpy(nar->text + off, s, n);
    nar->text_len += n;
    nar->text[nar->text_len] = '\0';
    return off;
}

static void push_span(Builder *b, NarSpanKind kind, uint8_t style, const char *s)
{
    Narration *nar = b->nar;
    size_t cap = (size_t)b->span_cap, n = s ? strlen(s) : 0;
    if (b->oom || nar->span_count == INT32_MAX ||
        !grow((void **)&nar->spans, sizeof *nar->spans, (size_t)nar->span_count + 1, &cap)) {
        b->oom = true;
        return;
    }
    b->span_cap = cap > INT32_MAX ? INT32_MAX : (int)cap;
    NarSpan sp = {push_text(b, s ? s : "", n), (uint32_t)n, (uint8_t)kind, style};
    nar->spans[nar->span_count++] = sp;
    nar->blocks[nar->block_count - 1].span_count++;
}

static void push_block(Builder *b, NarBlockKind kind, int line, const char *s)
{
    Narration *nar = b->nar;
    size_t cap = (size_t)b->block_cap, n = s ? strlen(s) : 0;
    if (b->oom || nar->block_count == INT32_MAX ||
        !grow((void **)&nar->blocks, sizeof *nar->blocks, (size_t)nar->block_count + 1, &cap)) {
        b->oom = true;
        return;
    }
    b->block_cap = cap > INT32_MAX ? INT32_MAX : (int)cap;
    NarBlock blk = {kind, line, push_text(b, s ? s : "", n), (uint32_t)n, nar->span_count, 0};
    nar->blocks[nar->block_count++] = blk;
}

/* Inline markup of a paragraph or heading, walked with cmark_iter (no
 * recursion, so nesting depth costs no stack): counters say how many
 * emphasis, strong and link nodes enclose the current one. */
static void inline_spans(Builder *b, cmark_node *parent)
{
    int emph = 0, strong = 0, link = 0;
    cmark_iter *it = cmark_iter_new(parent);
    if (!it) {
        b->oom = true;
        return;
    }
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && !b->oom) {
        cmark_node *n = cmark_iter_get_node(it);
        int d = ev == CMARK_EVENT_ENTER ? 1 : -1;
        uint8_t style = (uint8_t)((emph > 0 ? NAR_EMPH : 0) | (strong > 0 ? NAR_STRONG : 0) |
                                  (link > 0 ? NAR_LINK : 0));
        switch (n == parent ? CMARK_NODE_NONE : cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
            push_span(b, NAR_SPAN_TEXT, style, cmark_node_get_literal(n));
            break;
        case CMARK_NODE_CODE:
            push_span(b, NAR_SPAN_CODE, style | NAR_CODE, cmark_node_get_literal(n));
            break;
        case CMARK_NODE_SOFTBREAK:
            push_span(b, NAR_SPAN_SOFTBREAK, style, NULL);
            break;
        case CMARK_NODE_LINEBREAK:
            push_span(b, NAR_SPAN_LINEBREAK, style, NULL);
            break;
        case CMARK_NODE_EMPH:
            emph += d;
            break;
        case CMARK_NODE_STRONG:
            strong += d;
            break;
        case CMARK_NODE_LINK:
            link += d;
            break;
        default: /* other inlines: their children, in the enclosing style */
            break;
        }
    }
    cmark_iter_free(it);
}

static void blocks(Builder *b, cmark_node *parent, int depth);

static void list_items(Builder *b, cmark_node *list, int depth)
{
    bool ordered = cmark_node_get_list_type(list) == CMARK_ORDERED_LIST;
    int num = cmark_node_get_list_start(list);
    for (cmark_node *item = cmark_node_first_child(list); item; item = cmark_node_next(item)) {
        char mark[16];
        if (ordered)
            snprintf(mark, sizeof mark, "%d.", num++);
        else
            snprintf(mark, sizeof mark, "•");
        push_block(b, NAR_ITEM_BEGIN, cmark_node_get_start_line(item), mark);
        blocks(b, item, depth + 1);
        push_block(b, NAR_ITEM_END, 0, NULL);
    }
    push_block(b, NAR_LIST_END, 0, NULL);
}

static void block(Builder *b, cmark_node *n, int depth)
{
    int line = cmark_node_get_start_line(n);
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
        push_block(b, cmark_node_get_type(n) == CMARK_NODE_HEADING ? NAR_HEADING : NAR_PARAGRAPH,
                   line, NULL);
        inline_spans(b, n);
        break;
    case CMARK_NODE_LIST:
        list_items(b, n, depth);
        break;
    case CMARK_NODE_CODE_BLOCK:
        push_block(b, NAR_CODE_BLOCK, line, cmark_node_get_literal(n));
        break;
    case CMARK_NODE_BLOCK_QUOTE:
        push_block(b, NAR_QUOTE_BEGIN, line, NULL);
        blocks(b, n, depth + 1);
        push_block(b, NAR_QUOTE_END, 0, NULL);
        break;
    case CMARK_NODE_THEMATIC_BREAK:
        push_block(b, NAR_RULE, line, NULL);
        break;
    default: /* documents, items and other containers: their blocks */
        blocks(b, n, depth + 1);
        break;
    }
}

/* The blocks under parent as one plain paragraph: their words, without
 * markup or nesting, each block's separated by a space. Iterative. */
static void flatten(Builder *b, cmark_node *parent)
{
    push_block(b, NAR_PARAGRAPH, cmark_node_get_start_line(parent), NULL);
    cmark_iter *it = cmark_iter_new(parent);
    if (!it) {
        b->oom = true;
        return;
    }
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && !b->oom) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        if (ev == CMARK_EVENT_ENTER &&
            (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK))
            push_span(b, NAR_SPAN_TEXT, 0, cmark_node_get_literal(n));
        else if ((ev == CMARK_EVENT_ENTER && t == CMARK_NODE_SOFTBREAK) ||
                 (ev == CMARK_EVENT_ENTER && t == CMARK_NODE_LINEBREAK) ||
                 (ev == CMARK_EVENT_EXIT && (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING)))
            push_span(b, NAR_SPAN_SOFTBREAK, 0, NULL);
    }
    cmark_iter_free(it);
}

/* Recursion is bounded: the blocks of containers nested deeper than
 * NARRATION_MAX_DEPTH are flattened into one plain paragraph. */
static void blocks(Builder *b, cmark_node *parent, int depth)
{
    if (depth > NARRATION_MAX_DEPTH) {
        if (cmark_node_first_child(parent))
            flatten(b, parent);
        return;
    }
    for (cmark_node *n = cmark_node_first_child(parent); n && !b->oom; n = cmark_node_next(n))
        block(b, n, depth);
}

Narration *narration_from_cmark(struct cmark_node *node)
{
    Builder b = {calloc(1, sizeof(Narration)), 0, 0, 0, false};
    if (!b.nar)
        return NULL;
    push_text(&b, "", 0); /* text is never NULL */
    if (node && cmark_node_get_type(node) == CMARK_NODE_DOCUMENT)
        blocks(&b, node, 0);
    else if (node)
        block(&b, node, 0);
    if (b.oom) {
        narration_destroy(b.nar);
        return NULL;
    }
    return b.nar;
}

Narration *narration_parse(const char *md, size_t len)
{
    cmark_node *doc = cmark_parse_document(md ? md : "", md ? len : 0, CMARK_OPT_DEFAULT);
    if (!doc)
        return NULL;
    Narration *nar = narration_from_cmark(doc);
    cmark_node_free(doc);
    return nar;
}

void narration_destroy(Narration *nar)
{
    if (!nar)
        return;
    free(nar->blocks);
    free(nar->spans);
    free(nar->text);
    free(nar);
}

const NarBlock *narration_block(const Narration *nar, int i)
{
    EXPECT(nar && i >= 0 && i < nar->block_count);
    return &nar->blocks[i];
}

static size_t put(char *out, size_t cap, size_t at, const char *s, size_t n)
{
    if (at < cap) {
        size_t room = cap - 1 - at;
        memcpy(out + at, s, n < room ? n : room);
    }
    return at + n;
}

size_t narration_plain_text(const Narration *nar, char *out, size_t cap)
{
    size_t at = 0;
    for (int i = 0; nar && i < nar->block_count; i++) {
        const NarBlock *b = &nar->blocks[i];
        if (b->kind == NAR_CODE_BLOCK)
            at = put(out, cap, at, nar->text + b->off, b->len);
        for (int k = 0; k < b->span_count; k++) {
            const NarSpan *s = &nar->spans[b->first_span + k];
            if (s->kind == NAR_SPAN_SOFTBREAK || s->kind == NAR_SPAN_LINEBREAK)
                at = put(out, cap, at, " ", 1);
            else
                at = put(out, cap, at, nar->text + s->off, s->len);
        }
        if (b->kind == NAR_PARAGRAPH || b->kind == NAR_HEADING || b->kind == NAR_CODE_BLOCK)
            at = put(out, cap, at, "\n", 1);
    }
    if (cap)
        out[at < cap ? at : cap - 1] = '\0';
    return at;
}
