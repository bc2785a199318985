/*
 * Narration: a lesson's Markdown (introduction, step narration, step
 * headings) converted once, when the lesson is parsed, into plain data the
 * view draws: a flat sequence of blocks, each holding a run of styled
 * spans. No Markdown library type appears here.
 *
 * Blocks come in document order. Containers are bracketed: a list item is
 * NAR_ITEM_BEGIN (its mark, "•" or "3.", in text) ... NAR_ITEM_END, a list
 * ends with NAR_LIST_END, a block quote is NAR_QUOTE_BEGIN ...
 * NAR_QUOTE_END. Containers nest at most NARRATION_MAX_DEPTH deep; what is
 * nested deeper becomes one plain paragraph of its words (no markup, no
 * nesting). Inline markup nests without limit (it is
 * converted without recursion): a span's style says which of emphasis,
 * strong, code and link enclose it.
 *
 * Conventions: narration_parse returns NULL when out of memory;
 * narration_destroy(NULL) is fine; narration_block EXPECTs an index in
 * range. Text is UTF-8, not NUL-terminated per span: use text + len.
 */
#ifndef RNNVIZ_NARRATION_H
#define RNNVIZ_NARRATION_H

#include <stddef.h>
#include <stdint.h>

#define NARRATION_MAX_DEPTH 32

typedef enum {
    NAR_PARAGRAPH,   /* spans */
    NAR_HEADING,     /* spans (a level-3 heading inside narration, or a step heading) */
    NAR_CODE_BLOCK,  /* text: its lines, '\n'-separated */
    NAR_RULE,        /* a thematic break */
    NAR_ITEM_BEGIN,  /* text: the item's mark */
    NAR_ITEM_END,    /* the item's blocks are done */
    NAR_LIST_END,    /* after the last item of a list */
    NAR_QUOTE_BEGIN, /* a block quote's blocks follow */
    NAR_QUOTE_END,
} NarBlockKind;

typedef enum {
    NAR_SPAN_TEXT,      /* words separated by blanks */
    NAR_SPAN_CODE,      /* inline code: one word, blanks included */
    NAR_SPAN_SOFTBREAK, /* a line end inside a paragraph: a space */
    NAR_SPAN_LINEBREAK, /* a hard line break */
} NarSpanKind;

/* Style bits of a span. */
enum { NAR_EMPH = 1, NAR_STRONG = 2, NAR_CODE = 4, NAR_LINK = 8 };

typedef struct {
    uint32_t off, len; /* its text: Narration.text + off, len bytes */
    uint8_t kind;      /* NarSpanKind */
    uint8_t style;     /* NAR_EMPH | NAR_STRONG | NAR_CODE | NAR_LINK */
} NarSpan;

typedef struct {
    NarBlockKind kind;
    int line;          /* source line of the block (1-based; 0 when unknown) */
    uint32_t off, len; /* text of code blocks and item marks */
    int first_span, span_count;
} NarBlock;

typedef struct {
    NarBlock *blocks;
    int block_count;
    NarSpan *spans;
    int span_count;
    char *text; /* every span's and block's text */
    size_t text_len;
} Narration;

/* Parses Markdown text of len bytes (e.g. a message to show as narration). */
Narration *narration_parse(const char *md, size_t len);
void narration_destroy(Narration *nar);

const NarBlock *narration_block(const Narration *nar, int i);

/* The text of every span and code block, spans joined as written (a soft
 * or hard break as one space, blocks separated by "\n"), NUL-terminated
 * and cut to fit cap; returns the full length it would have. For tests
 * and searches ("does the narration say ..."). */
size_t narration_plain_text(const Narration *nar, char *out, size_t cap);

#endif
