#include "lesson.h"
#include "file_open.h"

#include <cmark.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "narration_build.h"
#include "prompt.h"

typedef struct {
    char *title;
    int line;
    cmark_node *heading;                    /* inside lesson->doc, while parsing */
    cmark_node *narration;                  /* a document of its own, while parsing */
    Narration *heading_nar, *narration_nar; /* converted at the end of the parse */
    ActionList actions;
    StepPrompt prompt; /* its ask and goal lines */
} LessonStep;

struct Lesson {
    char *name;
    char *title;
    int title_line;
    cmark_node *doc;   /* what is left of the parse: title, step headings, rnnviz blocks */
    cmark_node *intro; /* a document of its own */
    Narration *intro_nar;
    ActionList setup;
    int step_count, step_cap;
    LessonStep *steps;
};

/* State of one parse: the text (for mapping code lines back to source
 * columns), its line starts, and where messages go. */
typedef struct {
    const char *text;
    size_t len;
    uint32_t *line_start; /* line_start[i]: offset of line i + 1 */
    int line_count;
    const char *name;
    char *msg;
    size_t cap;
} Parse;

#ifdef __GNUC__
__attribute__((format(printf, 4, 5)))
#endif
static void
fail(const Parse *p, int line, int col, const char *fmt, ...)
{
    if (!p->msg || p->cap == 0)
        return;
    int n = line > 0 ? snprintf(p->msg, p->cap, "%s:%d:%d: ", p->name, line, col)
                     : snprintf(p->msg, p->cap, "%s: ", p->name);
    if (n >= 0 && (size_t)n < p->cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->msg + n, p->cap - (size_t)n, fmt, ap);
        va_end(ap);
    }
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* ---- the raw text: size, NUL bytes, UTF-8, line starts ---- */

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

/* Lines end at "\n", "\r\n" or "\r", as cmark counts them. */
static bool index_lines(Parse *p)
{
    int count = 1;
    for (size_t i = 0; i < p->len; i++) {
        if (p->text[i] == '\n' ||
            (p->text[i] == '\r' && (i + 1 == p->len || p->text[i + 1] != '\n')))
            count++;
    }
    p->line_start = malloc((size_t)count * sizeof *p->line_start);
    if (!p->line_start)
        return false;
    p->line_start[0] = 0;
    int k = 1;
    for (size_t i = 0; i < p->len; i++) {
        if (p->text[i] == '\n' ||
            (p->text[i] == '\r' && (i + 1 == p->len || p->text[i + 1] != '\n')))
            p->line_start[k++] = (uint32_t)(i + 1);
    }
    p->line_count = count;
    return true;
}

/* Line number and column of byte offset off. */
static void position(const Parse *p, size_t off, int *line, int *col)
{
    int lo = 0, hi = p->line_count - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (p->line_start[mid] <= off)
            lo = mid;
        else
            hi = mid - 1;
    }
    *line = lo + 1;
    *col = (int)(off - p->line_start[lo]) + 1;
}

static bool check_text(const Parse *p)
{
    const unsigned char *s = (const unsigned char *)p->text;
    for (size_t i = 0; i < p->len;) {
        int line, col;
        if (s[i] == 0) {
            position(p, i, &line, &col);
            fail(p, line, col, "NUL byte: a lesson is a UTF-8 text file");
            return false;
        }
        size_t n = utf8_seq(s + i, p->len - i);
        if (n == 0) {
            position(p, i, &line, &col);
            fail(p, line, col, "invalid UTF-8 (byte 0x%02X): save the lesson as UTF-8", s[i]);
            return false;
        }
        i += n;
    }
    return true;
}

/* Bytes of line (1-based) without its line end; NULL when out of range. */
static const char *source_line(const Parse *p, int line, size_t *len)
{
    if (line < 1 || line > p->line_count)
        return NULL;
    size_t beg = p->line_start[line - 1];
    size_t end = line < p->line_count ? p->line_start[line] : p->len;
    while (end > beg && (p->text[end - 1] == '\n' || p->text[end - 1] == '\r'))
        end--;
    *len = end - beg;
    return p->text + beg;
}

/* The column where content line c (as cmark gives it inside a fenced block)
 * starts in source line `line`. cmark strips up to the fence's indentation
 * and may turn a partly stripped tab into spaces, so the text after the
 * leading blanks is matched against the end of the source line; a column
 * for an offset inside the leading blanks may then be off, but the parser
 * reports only positions at or after the first word. */
static int content_col(const Parse *p, int line, const char *c, size_t clen, int fallback)
{
    size_t slen;
    const char *s = source_line(p, line, &slen);
    if (!s)
        return fallback;
    size_t lead = 0;
    while (lead < clen && (c[lead] == ' ' || c[lead] == '\t'))
        lead++;
    size_t rlen = clen - lead;
    if (rlen > slen || memcmp(s + slen - rlen, c + lead, rlen) != 0)
        return fallback;
    return (int)slen - (int)clen + 1;
}

/* ---- cmark nodes ---- */

typedef enum { FENCE_OTHER, FENCE_RNNVIZ, FENCE_RNNVIZ_EXTRA } FenceKind;

static FenceKind fence_kind(cmark_node *node, const char **extra)
{
    if (cmark_node_get_type(node) != CMARK_NODE_CODE_BLOCK)
        return FENCE_OTHER;
    const char *info = cmark_node_get_fence_info(node);
    if (!info)
        return FENCE_OTHER;
    while (*info == ' ' || *info == '\t')
        info++;
    static const char word[] = "rnnviz";
    for (size_t i = 0; i < sizeof word - 1; i++) {
        char c = info[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return FENCE_OTHER;
    }
    const char *rest = info + sizeof word - 1;
    if (*rest == '\0')
        return FENCE_RNNVIZ;
    if (*rest != ' ' && *rest != '\t')
        return FENCE_OTHER; /* "rnnvizard" is some other language */
    while (*rest == ' ' || *rest == '\t')
        rest++;
    if (*rest == '\0')
        return FENCE_RNNVIZ;
    *extra = rest;
    return FENCE_RNNVIZ_EXTRA;
}

/* The plain text of a heading: text and code spans, breaks as spaces,
 * surrounding blanks trimmed. Walks with cmark_iter (no recursion). */
static char *plain_text(cmark_node *heading)
{
    size_t need = 1;
    char *out = NULL;
    for (int pass = 0; pass < 2; pass++) {
        size_t n = 0;
        cmark_iter *it = cmark_iter_new(heading);
        cmark_event_type ev;
        while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
            if (ev != CMARK_EVENT_ENTER)
                continue;
            cmark_node *nd = cmark_iter_get_node(it);
            cmark_node_type t = cmark_node_get_type(nd);
            const char *s = NULL;
            if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
                s = cmark_node_get_literal(nd);
            else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
                s = " ";
            if (!s)
                continue;
            size_t k = strlen(s);
            if (pass == 1)
                memcpy(out + n, s, k);
            n += k;
        }
        cmark_iter_free(it);
        if (pass == 0) {
            need = n + 1;
            out = malloc(need);
            if (!out)
                return NULL;
        } else {
            out[n] = '\0';
        }
    }
    size_t b = 0, e = strlen(out);
    while (b < e && (out[b] == ' ' || out[b] == '\t'))
        b++;
    while (e > b && (out[e - 1] == ' ' || out[e - 1] == '\t'))
        e--;
    memmove(out, out + b, e - b);
    out[e - b] = '\0';
    return out;
}

/* An rnnviz block inside node (a list, a quote, ...), or NULL. */
static cmark_node *nested_rnnviz(cmark_node *node)
{
    cmark_node *found = NULL;
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    while (!found && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *nd = cmark_iter_get_node(it);
        const char *extra = NULL;
        if (ev == CMARK_EVENT_ENTER && nd != node && fence_kind(nd, &extra) != FENCE_OTHER)
            found = nd;
    }
    cmark_iter_free(it);
    return found;
}

/* ---- the lesson ---- */

static void free_steps(Lesson *l)
{
    for (int k = 0; k < l->step_count; k++) {
        free(l->steps[k].title);
        if (l->steps[k].narration)
            cmark_node_free(l->steps[k].narration);
        narration_destroy(l->steps[k].heading_nar);
        narration_destroy(l->steps[k].narration_nar);
        prompt_free(&l->steps[k].prompt);
    }
    free(l->steps);
}

void lesson_destroy(Lesson *lesson)
{
    if (!lesson)
        return;
    free_steps(lesson);
    if (lesson->intro)
        cmark_node_free(lesson->intro);
    if (lesson->doc)
        cmark_node_free(lesson->doc);
    narration_destroy(lesson->intro_nar);
    free(lesson->title);
    free(lesson->name);
    free(lesson);
}

/* One line of a step's block: a question or goal line (prompt.h), else
 * actions. */
static int parse_step_line(const char *lit, size_t n, ActionList *out, StepPrompt *prompt, int line,
                           int col, char *why, size_t cap)
{
    if (prompt && prompt_is_verb(lit, n))
        return prompt_parse_line(prompt, lit, n, line, col, why, cap);
    return action_parse_line(lit, n, out, line, col, why, cap);
}

/* Feeds each line of an rnnviz block's content to the action (or setup)
 * parser at its place in the file; prompt: the step's questions and goals
 * (NULL in the setup). */
static bool parse_block_lines(const Parse *p, cmark_node *block, ActionList *out,
                              StepPrompt *prompt, bool setup)
{
    const char *lit = cmark_node_get_literal(block);
    if (!lit)
        return true;
    int fence_line = cmark_node_get_start_line(block);
    int fence_col = cmark_node_get_start_column(block);
    int line = fence_line + 1;
    while (*lit) {
        size_t n = strcspn(lit, "\r\n");
        int col = content_col(p, line, lit, n, fence_col);
        char why[256];
        int rc = setup ? action_parse_settings_line(lit, n, out, line, col, why, sizeof why)
                       : parse_step_line(lit, n, out, prompt, line, col, why, sizeof why);
        if (rc) {
            if (p->msg && p->cap) /* why starts with "LINE:COL: " */
                snprintf(p->msg, p->cap, "%s:%s", p->name, why);
            return false;
        }
        lit += n;
        if (*lit == '\r' && lit[1] == '\n')
            lit++;
        if (*lit)
            lit++;
        line++;
    }
    return true;
}

/* '-' and '_' are the same in setting names (CLI flags use '-'). */
static bool same_key(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
        if (x != y)
            return false;
        if (!x)
            return true;
    }
}

static bool parse_setup(const Parse *p, Lesson *l, cmark_node *block)
{
    if (!parse_block_lines(p, block, &l->setup, NULL, true))
        return false;
    for (int i = 1; i < l->setup.count; i++) {
        const Action *a = &l->setup.items[i];
        for (int j = 0; j < i; j++) {
            if (same_key(a->key, l->setup.items[j].key)) {
                fail(p, a->line, a->col, "'%s' is set twice in the setup block (first on line %d)",
                     a->key, l->setup.items[j].line);
                return false;
            }
        }
    }
    return true;
}

static bool add_step(const Parse *p, Lesson *l, cmark_node *heading)
{
    int line = cmark_node_get_start_line(heading), col = cmark_node_get_start_column(heading);
    if (l->step_count == LESSON_MAX_STEPS) {
        fail(p, line, col, "too many steps (at most %d)", LESSON_MAX_STEPS);
        return false;
    }
    if (l->step_count == l->step_cap) {
        int cap = l->step_cap ? 2 * l->step_cap : 8;
        if (cap > LESSON_MAX_STEPS)
            cap = LESSON_MAX_STEPS;
        LessonStep *s = realloc(l->steps, (size_t)cap * sizeof *s);
        if (!s)
            goto out_nomem;
        l->steps = s;
        l->step_cap = cap;
    }
    LessonStep *st = &l->steps[l->step_count];
    memset(st, 0, sizeof *st);
    st->title = plain_text(heading);
    if (!st->title)
        goto out_nomem;
    st->narration = cmark_node_new(CMARK_NODE_DOCUMENT);
    if (!st->narration) {
        free(st->title);
        goto out_nomem;
    }
    st->line = line;
    st->heading = heading;
    l->step_count++;
    if (st->title[0] == '\0') {
        fail(p, line, col, "empty step title: write it after '## '");
        return false;
    }
    return true;
out_nomem:
    fail(p, line, col, "out of memory");
    return false;
}

static bool set_title(const Parse *p, Lesson *l, cmark_node *heading)
{
    int line = cmark_node_get_start_line(heading), col = cmark_node_get_start_column(heading);
    l->title = plain_text(heading);
    if (!l->title) {
        fail(p, line, col, "out of memory");
        return false;
    }
    l->title_line = line;
    if (l->title[0] == '\0') {
        fail(p, line, col, "empty title: write it after '# '");
        return false;
    }
    return true;
}

/* One top-level block after the title: a step heading, the setup, a step's
 * actions, or narration moved into the intro or the current step. */
static bool take_block(const Parse *p, Lesson *l, cmark_node *node, bool *setup_seen)
{
    int line = cmark_node_get_start_line(node), col = cmark_node_get_start_column(node);
    int level =
        cmark_node_get_type(node) == CMARK_NODE_HEADING ? cmark_node_get_heading_level(node) : 0;
    if (level == 1) {
        fail(p, line, col,
             "a second title (level-1 heading; the title is on line %d): steps use '## '",
             l->title_line);
        return false;
    }
    if (level == 2)
        return add_step(p, l, node);
    const char *extra = NULL;
    FenceKind kind = fence_kind(node, &extra);
    if (kind == FENCE_RNNVIZ_EXTRA) {
        char word[40];
        size_t n = strcspn(extra, " \t");
        snprintf(word, sizeof word, "%.*s%s", n > 32 ? 32 : (int)n, extra, n > 32 ? "..." : "");
        fail(p, line, col, "unexpected '%s' after 'rnnviz': the fence line is just ```rnnviz",
             word);
        return false;
    }
    if (kind == FENCE_RNNVIZ) {
        if (l->step_count > 0) {
            LessonStep *st = &l->steps[l->step_count - 1];
            return parse_block_lines(p, node, &st->actions, &st->prompt, false);
        }
        if (*setup_seen) {
            fail(p, line, col,
                 "a second setup block: the setup is one rnnviz block before the first step "
                 "('## ' heading)");
            return false;
        }
        *setup_seen = true;
        return parse_setup(p, l, node);
    }
    cmark_node *inner = nested_rnnviz(node);
    if (inner) {
        fail(p, cmark_node_get_start_line(inner), cmark_node_get_start_column(inner),
             "an rnnviz block inside a list or a quote: start its fence at the left margin");
        return false;
    }
    cmark_node *into = l->step_count > 0 ? l->steps[l->step_count - 1].narration : l->intro;
    cmark_node_unlink(node);
    if (!cmark_node_append_child(into, node)) {
        cmark_node_free(node);
        fail(p, line, col, "internal error: cannot move a block into the narration");
        return false;
    }
    return true;
}

static bool build(const Parse *p, Lesson *l)
{
    bool setup_seen = false;
    cmark_node *next;
    for (cmark_node *node = cmark_node_first_child(l->doc); node; node = next) {
        next = cmark_node_next(node);
        if (l->title) {
            if (!take_block(p, l, node, &setup_seen))
                return false;
            continue;
        }
        cmark_node_type t = cmark_node_get_type(node);
        if (t == CMARK_NODE_HTML_BLOCK)
            continue; /* a comment (licence, notes) before the title */
        if (t != CMARK_NODE_HEADING || cmark_node_get_heading_level(node) != 1) {
            fail(p, cmark_node_get_start_line(node), cmark_node_get_start_column(node),
                 "missing title: a lesson starts with a level-1 heading ('# Title')");
            return false;
        }
        if (!set_title(p, l, node))
            return false;
    }
    if (!l->title) {
        fail(p, 1, 1, "missing title: a lesson starts with a level-1 heading ('# Title')");
        return false;
    }
    if (l->step_count == 0) {
        fail(p, l->title_line, 1,
             "the lesson has no steps: each step starts with a level-2 heading ('## Step')");
        return false;
    }
    for (int k = 0; k < l->step_count; k++) {
        char why[256];
        if (prompt_finish(&l->steps[k].prompt, l->steps[k].line, why, sizeof why)) {
            if (p->msg && p->cap)
                snprintf(p->msg, p->cap, "%s:%s", p->name, why);
            return false;
        }
    }
    return true;
}

/* Turns the Markdown trees into narration for the view and frees them:
 * after the parse, no cmark node is left in the lesson. */
static bool convert(Lesson *l)
{
    l->intro_nar = narration_from_cmark(l->intro);
    bool ok = l->intro_nar != NULL;
    for (int k = 0; k < l->step_count; k++) {
        LessonStep *st = &l->steps[k];
        st->heading_nar = narration_from_cmark(st->heading);
        st->narration_nar = narration_from_cmark(st->narration);
        ok = ok && st->heading_nar && st->narration_nar;
        cmark_node_free(st->narration);
        st->narration = NULL;
        st->heading = NULL;
    }
    cmark_node_free(l->intro);
    cmark_node_free(l->doc);
    l->intro = l->doc = NULL;
    return ok;
}

Lesson *lesson_parse(const char *text, size_t len, const char *name, char *msg, size_t cap)
{
    Parse p = {text, len, NULL, 0, name ? name : "<lesson>", msg, cap};
    if (msg && cap)
        msg[0] = '\0';
    if (!text && len > 0) {
        fail(&p, 0, 0, "no text");
        return NULL;
    }
    if (len > LESSON_MAX_BYTES) {
        fail(&p, 0, 0, "too large: %zu bytes, a lesson has at most 1 MiB", len);
        return NULL;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* byte order mark */
        p.text += 3;
        p.len -= 3;
    }
    if (!p.text)
        p.text = "";
    Lesson *l = calloc(1, sizeof *l);
    if (!l || !index_lines(&p)) {
        free(l);
        fail(&p, 0, 0, "out of memory");
        return NULL;
    }
    if (!check_text(&p))
        goto out_fail;
    l->name = dup_str(p.name);
    l->doc = cmark_parse_document(p.text, p.len, CMARK_OPT_DEFAULT);
    l->intro = cmark_node_new(CMARK_NODE_DOCUMENT);
    if (!l->name || !l->doc || !l->intro) {
        fail(&p, 0, 0, "out of memory");
        goto out_fail;
    }
    if (!build(&p, l))
        goto out_fail;
    if (!convert(l)) {
        fail(&p, 0, 0, "out of memory");
        goto out_fail;
    }
    free(p.line_start);
    return l;
out_fail:
    free(p.line_start);
    lesson_destroy(l);
    return NULL;
}

/* Reads at most LESSON_MAX_BYTES + 1 bytes, so a huge file or a device
 * that never ends is refused without reading it all. */
Lesson *lesson_load(const char *path, char *msg, size_t cap)
{
    Parse p = {NULL, 0, NULL, 0, path ? path : "<lesson>", msg, cap};
    if (!path) {
        fail(&p, 0, 0, "no file name");
        return NULL;
    }
    char why[128];
    FILE *f = file_open_regular(path, why, sizeof why); /* a FIFO never blocks */
    if (!f) {
        fail(&p, 0, 0, "%s", why);
        return NULL;
    }
    char *buf = malloc((size_t)LESSON_MAX_BYTES + 1);
    if (!buf) {
        fclose(f);
        fail(&p, 0, 0, "out of memory");
        return NULL;
    }
    size_t n = fread(buf, 1, (size_t)LESSON_MAX_BYTES + 1, f);
    int err = ferror(f) ? errno : 0;
    fclose(f);
    Lesson *l = NULL;
    if (err)
        fail(&p, 0, 0, "cannot read: %s", strerror(err));
    else if (n > LESSON_MAX_BYTES)
        fail(&p, 0, 0, "too large: over 1 MiB, a lesson has at most 1 MiB");
    else
        l = lesson_parse(buf, n, path, msg, cap);
    free(buf);
    return l;
}

/* ---- accessors ---- */

static const LessonStep *step_at(const Lesson *l, int k)
{
    EXPECT(l && k >= 0 && k < l->step_count);
    return &l->steps[k];
}

const char *lesson_name(const Lesson *lesson)
{
    return lesson ? lesson->name : NULL;
}

const char *lesson_title(const Lesson *lesson)
{
    return lesson ? lesson->title : NULL;
}

int lesson_title_line(const Lesson *lesson)
{
    return lesson ? lesson->title_line : -1;
}

const Narration *lesson_intro(const Lesson *lesson)
{
    return lesson ? lesson->intro_nar : NULL;
}

const ActionList *lesson_setup(const Lesson *lesson)
{
    return lesson ? &lesson->setup : NULL;
}

int lesson_setup_count(const Lesson *lesson)
{
    return lesson ? lesson->setup.count : 0;
}

int lesson_setup_entry(const Lesson *lesson, int i, const char **key, const char **value, int *line,
                       int *col)
{
    EXPECT(lesson && i >= 0 && i < lesson->setup.count);
    const Action *a = &lesson->setup.items[i];
    if (key)
        *key = a->key;
    if (value)
        *value = a->value;
    if (line)
        *line = a->line;
    if (col)
        *col = a->col;
    return 0;
}

int lesson_step_count(const Lesson *lesson)
{
    return lesson ? lesson->step_count : 0;
}

const char *lesson_step_title(const Lesson *lesson, int k)
{
    return step_at(lesson, k)->title;
}

int lesson_step_line(const Lesson *lesson, int k)
{
    return step_at(lesson, k)->line;
}

const Narration *lesson_step_heading(const Lesson *lesson, int k)
{
    return step_at(lesson, k)->heading_nar;
}

const Narration *lesson_step_narration(const Lesson *lesson, int k)
{
    return step_at(lesson, k)->narration_nar;
}

const ActionList *lesson_step_actions(const Lesson *lesson, int k)
{
    return &step_at(lesson, k)->actions;
}

const StepPrompt *lesson_step_prompt(const Lesson *lesson, int k)
{
    return &step_at(lesson, k)->prompt;
}

const char *lesson_markdown_version(void)
{
    return cmark_version_string();
}
