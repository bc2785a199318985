#include "actions.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

#define PANEL_LIST                                                                                 \
    "lesson, inspector, plots, controls, help, eigen, loss, heatmap, contrib, sigma, rho, guides " \
    "or bands"
#define QUOTE_MAX 32 /* bytes of a user's word repeated in a message */

static const char *const verb_names[ACT_VERB_COUNT] = {
    "forward", "backward", "step",   "back",    "train", "set", "reset",     "select", "order",
    "show",    "hide",     "update", "compare", "focus", "fit", "highlight", "row",
};

static const char *const mark_names[ACT_MARK_COUNT] = {"none", "steps", "h", "y", "x"};

static const char *const order_names[ACT_ORDER_COUNT] = {"time", "layer"};

static const char *const focus_names[ACT_FOCUS_COUNT] = {"none", "plot", "inspector", "diagram"};

static const char *const fit_names[2] = {"none", "all"};

static const char *const panel_names[ACT_PANEL_COUNT] = {
    "lesson",  "inspector", "plots", "controls", "help",   "eigen", "loss",
    "heatmap", "contrib",   "sigma", "rho",      "guides", "bands",
};

typedef enum { MODE_ACTIONS, MODE_SETTINGS } Mode;

/* One statement being parsed: its bytes [0, len) within a line that starts
 * at column col0 (offsets are relative to the line start). */
typedef struct {
    const char *line; /* line start */
    size_t beg, end;  /* the statement within the line */
    int lineno, col0;
    char *msg;
    size_t cap;
} Stmt;

typedef struct {
    size_t beg, len; /* len 0: no token */
} Tok;

const char *action_verb_name(ActionVerb verb)
{
    return (int)verb >= 0 && verb < ACT_VERB_COUNT ? verb_names[verb] : "?";
}

const char *action_order_name(ActionOrder order)
{
    return (int)order >= 0 && order < ACT_ORDER_COUNT ? order_names[order] : "?";
}

const char *action_panel_name(ActionPanel panel)
{
    return (int)panel >= 0 && panel < ACT_PANEL_COUNT ? panel_names[panel] : "?";
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static bool is_key_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_key_char(char c)
{
    return is_key_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int col_at(const Stmt *st, size_t off)
{
    long long c = (long long)st->col0 + (long long)off;
    if (c < 1)
        return 1;
    return c > INT_MAX ? INT_MAX : (int)c;
}

/* Copies a user's word for a message: at most QUOTE_MAX bytes, cut on a
 * UTF-8 boundary, control bytes shown as '?' so a message is one line. */
static void quote(char *out, size_t cap, const char *s, size_t n)
{
    size_t cut = n;
    if (n > QUOTE_MAX) {
        cut = QUOTE_MAX;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
    }
    size_t k = 0;
    for (size_t i = 0; i < cut && k + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        out[k++] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
    }
    if (cut < n) {
        for (const char *d = "..."; *d && k + 1 < cap; d++)
            out[k++] = *d;
    }
    out[k] = '\0';
}

/* "LINE:COL: problem" into st->msg. */
#ifdef __GNUC__
__attribute__((format(printf, 3, 4)))
#endif
static int
fail(const Stmt *st, size_t off, const char *fmt, ...)
{
    if (!st->msg || st->cap == 0)
        return ACTION_ERR_SYNTAX;
    int n = snprintf(st->msg, st->cap, "%d:%d: ", st->lineno, col_at(st, off));
    if (n >= 0 && (size_t)n < st->cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(st->msg + n, st->cap - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return ACTION_ERR_SYNTAX;
}

static Tok next_token(const Stmt *st, size_t *pos)
{
    size_t p = *pos;
    while (p < st->end && is_blank(st->line[p]))
        p++;
    Tok t = {p, 0};
    while (p < st->end && !is_blank(st->line[p]))
        p++;
    t.len = p - t.beg;
    *pos = p;
    return t;
}

static bool tok_is(const Stmt *st, Tok t, const char *word)
{
    size_t n = strlen(word);
    return t.len == n && memcmp(st->line + t.beg, word, n) == 0;
}

/* An integer token ("-"? digits); values beyond 10^9 in magnitude are
 * clamped, which keeps them out of every range we accept. */
static bool tok_int(const Stmt *st, Tok t, long long *v)
{
    const char *s = st->line + t.beg;
    size_t i = 0;
    bool neg = false;
    if (t.len > 0 && s[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i == t.len)
        return false;
    long long x = 0;
    for (; i < t.len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        if (x < 1000000000LL)
            x = x * 10 + (s[i] - '0');
    }
    *v = neg ? -x : x;
    return true;
}

/* The text of the statement from its start to off, for "after '...'". */
static void quote_upto(const Stmt *st, size_t from, size_t to, char *out, size_t cap)
{
    while (to > from && is_blank(st->line[to - 1]))
        to--;
    quote(out, cap, st->line + from, to - from);
}

static void quote_tok(const Stmt *st, Tok t, char *out, size_t cap)
{
    quote(out, cap, st->line + t.beg, t.len);
}

/* A count after the verb at *pos: 1..ACTION_MAX_COUNT, or ACTION_ALL for
 * forward and backward; compare's is optional (absent gives 0). */
static int parse_count(const Stmt *st, size_t verb_beg, size_t *pos, ActionVerb verb, int *out)
{
    bool allow_all = verb == ACT_FORWARD || verb == ACT_BACKWARD;
    char after[64], got[64];
    quote_upto(st, verb_beg, *pos, after, sizeof after);
    const char *what = allow_all ? "a count or 'all'" : "a count";
    size_t gap = *pos; /* where a missing argument is reported */
    Tok t = next_token(st, pos);
    if (t.len == 0) {
        if (verb == ACT_COMPARE) {
            *out = 0;
            return 0;
        }
        return fail(st, gap, "expected %s after '%s'", what, after);
    }
    quote_tok(st, t, got, sizeof got);
    if (allow_all && tok_is(st, t, "all")) {
        *out = ACTION_ALL;
        return 0;
    }
    long long v;
    if (!tok_int(st, t, &v))
        return fail(st, t.beg, "expected %s after '%s', got '%s'", what, after, got);
    if (v < 1 || v > ACTION_MAX_COUNT) {
        const char *hint = v < 0 && verb == ACT_STEP ? " (use 'back N' to go back)" : "";
        return fail(st, t.beg, "count must be from 1 to %d, got '%s'%s", ACTION_MAX_COUNT, got,
                    hint);
    }
    *out = (int)v;
    return 0;
}

/* An index 0..ACTION_MAX_COUNT for select. */
static int parse_index(const Stmt *st, size_t verb_beg, size_t *pos, const char *what, int *out)
{
    char after[64], got[64];
    quote_upto(st, verb_beg, *pos, after, sizeof after);
    size_t gap = *pos; /* where a missing argument is reported */
    Tok t = next_token(st, pos);
    if (t.len == 0)
        return fail(st, gap, "expected a %s index after '%s'", what, after);
    quote_tok(st, t, got, sizeof got);
    long long v;
    if (!tok_int(st, t, &v))
        return fail(st, t.beg, "expected a %s index after '%s', got '%s'", what, after, got);
    if (v < 0 || v > ACTION_MAX_COUNT)
        return fail(st, t.beg, "%s index must be from 0 to %d, got '%s'", what, ACTION_MAX_COUNT,
                    got);
    *out = (int)v;
    return 0;
}

/* A word from a fixed set (orders, panels), as messages spell it. */
typedef struct {
    const char *const *names;
    int n;
    const char *kind;     /* "panel" */
    const char *expected; /* what is missing: "a panel" */
    const char *list;     /* the choices: "lesson, ... or contrib" */
    bool list_if_missing;
} Choice;

static const Choice order_choice = {
    order_names, ACT_ORDER_COUNT, "order", "'time' or 'layer'", "time or layer", false,
};

static const Choice focus_choice = {
    focus_names, ACT_FOCUS_COUNT, "focus", "a panel", "plot, inspector, diagram or none", true,
};

static const Choice fit_choice = {
    fit_names, 2, "fit", "'all' or 'none'", "all or none", false,
};

static const Choice mark_choice = {
    mark_names, ACT_MARK_COUNT, "highlight", "what to mark", "steps, h, y, x or none", true,
};

static const Choice panel_choice = {
    panel_names, ACT_PANEL_COUNT, "panel", "a panel", PANEL_LIST, true,
};

static int parse_choice(const Stmt *st, size_t verb_beg, size_t *pos, const Choice *c, int *out)
{
    char after[64], got[64];
    quote_upto(st, verb_beg, *pos, after, sizeof after);
    size_t gap = *pos; /* where a missing argument is reported */
    Tok t = next_token(st, pos);
    if (t.len == 0)
        return fail(st, gap, "expected %s after '%s'%s%s%s", c->expected, after,
                    c->list_if_missing ? " (" : "", c->list_if_missing ? c->list : "",
                    c->list_if_missing ? ")" : "");
    for (int i = 0; i < c->n; i++) {
        if (tok_is(st, t, c->names[i])) {
            *out = i;
            return 0;
        }
    }
    quote_tok(st, t, got, sizeof got);
    const char *near = NULL;
    if (t.len <= SUGGEST_MAX_LEN) {
        char word[SUGGEST_MAX_LEN + 1];
        memcpy(word, st->line + t.beg, t.len);
        word[t.len] = '\0';
        near = suggest_closest(word, c->names, c->n);
    }
    if (near)
        return fail(st, t.beg, "unknown %s '%s' (did you mean '%s'?)", c->kind, got, near);
    return fail(st, t.beg, "unknown %s '%s' (expected %s)", c->kind, got, c->list);
}

/* `KEY = VALUE` from *pos to the end of the statement; before names what
 * came before the key, for messages ("" in setup blocks). */
static int parse_assignment(const Stmt *st, size_t *pos, const char *before, Action *a)
{
    char got[64], key[64];
    size_t p = *pos;
    while (p < st->end && is_blank(st->line[p]))
        p++;
    size_t kbeg = p;
    while (p < st->end && is_key_char(st->line[p]))
        p++;
    size_t klen = p - kbeg;
    if (klen == 0 || !is_key_start(st->line[kbeg])) {
        size_t q = kbeg;
        Tok t = next_token(st, &q);
        if (t.len == 0)
            return fail(st, *pos, "expected a setting name after '%s'", before);
        quote_tok(st, t, got, sizeof got);
        if (before[0] == '\0')
            return fail(st, t.beg, "expected 'key = value', got '%s'", got);
        return fail(st, t.beg, "expected a setting name after '%s', got '%s'", before, got);
    }
    quote(key, sizeof key, st->line + kbeg, klen);
    if (klen >= ACTION_KEY_CAP)
        return fail(st, kbeg, "setting name '%s' is too long (at most %d bytes)", key,
                    ACTION_KEY_CAP - 1);
    while (p < st->end && is_blank(st->line[p]))
        p++;
    if (p >= st->end || st->line[p] != '=') {
        size_t q = p;
        Tok t = next_token(st, &q);
        const char *hint = "";
        if (before[0] == '\0' && klen == 3 && memcmp(st->line + kbeg, "set", 3) == 0)
            hint = " (setup lines are 'key = value', without 'set')";
        if (t.len == 0)
            return fail(st, kbeg + klen, "expected '=' after '%s'%s", key, hint);
        quote_tok(st, t, got, sizeof got);
        return fail(st, t.beg, "expected '=' after '%s', got '%s'%s", key, got, hint);
    }
    size_t eq = p++;
    while (p < st->end && is_blank(st->line[p]))
        p++;
    size_t vbeg = p, vend = st->end;
    while (vend > vbeg && is_blank(st->line[vend - 1]))
        vend--;
    if (vend == vbeg)
        return fail(st, eq + 1, "expected a value after '%s ='", key);
    if (vend - vbeg >= ACTION_VALUE_CAP)
        return fail(st, vbeg, "value for '%s' is too long (at most %d bytes)", key,
                    ACTION_VALUE_CAP - 1);
    memcpy(a->key, st->line + kbeg, klen);
    a->key[klen] = '\0';
    memcpy(a->value, st->line + vbeg, vend - vbeg);
    a->value[vend - vbeg] = '\0';
    a->key_col = col_at(st, kbeg);
    a->value_col = col_at(st, vbeg);
    *pos = st->end;
    return 0;
}

/* One highlight step "T" or range "A..B" (0 <= A <= B <= ACTION_MAX_COUNT). */
static bool mark_range(const Stmt *st, Tok t, int *t0, int *t1)
{
    char buf[32];
    if (t.len >= sizeof buf)
        return false;
    memcpy(buf, st->line + t.beg, t.len);
    buf[t.len] = '\0';
    char *end;
    long a = strtol(buf, &end, 10), b = a;
    if (end == buf || buf[0] == '-' || buf[0] == '+')
        return false;
    if (end[0] == '.' && end[1] == '.') {
        char *s = end + 2;
        b = strtol(s, &end, 10);
        if (end == s || s[0] == '-' || s[0] == '+')
            return false;
    }
    if (*end || a > b || b > ACTION_MAX_COUNT)
        return false;
    *t0 = (int)a;
    *t1 = (int)b;
    return true;
}

/* highlight WHAT STEPS... | highlight none */
static int parse_highlight(const Stmt *st, size_t vbeg, size_t *pos, Action *a)
{
    int v = 0;
    if (parse_choice(st, vbeg, pos, &mark_choice, &v))
        return ACTION_ERR_SYNTAX;
    a->marks = (ActionMarks){.what = (ActionMark)v};
    for (size_t at = *pos; a->marks.what != ACT_MARK_NONE; at = *pos) {
        Tok t = next_token(st, pos);
        if (t.len == 0 && a->marks.n > 0)
            break;
        char got[64];
        quote_tok(st, t, got, sizeof got);
        if (t.len == 0)
            return fail(st, at, "expected a step or a range A..B after 'highlight %s'",
                        mark_names[v]);
        if (a->marks.n == ACTION_MAX_MARKS)
            return fail(st, t.beg, "too many steps to highlight (at most %d)", ACTION_MAX_MARKS);
        int i = a->marks.n;
        if (!mark_range(st, t, &a->marks.t0[i], &a->marks.t1[i]))
            return fail(st, t.beg, "expected a step or a range A..B (A <= B), got '%s'", got);
        a->marks.n++;
    }
    return 0;
}

static int parse_args(const Stmt *st, size_t vbeg, size_t *pos, Action *a)
{
    int v = 0, rc = 0;
    switch (a->verb) {
    case ACT_FORWARD:
    case ACT_BACKWARD:
    case ACT_STEP:
    case ACT_BACK:
    case ACT_TRAIN:
    case ACT_COMPARE:
        return parse_count(st, vbeg, pos, a->verb, &a->count);
    case ACT_SET:
        return parse_assignment(st, pos, "set", a);
    case ACT_SELECT: {
        /* `select out T` points at the output node of step T */
        size_t at = *pos;
        Tok t = next_token(st, pos);
        if (t.len > 0 && tok_is(st, t, "out")) {
            a->layer = ACTION_OUTPUT;
            rc = 0;
        } else {
            *pos = at;
            rc = parse_index(st, vbeg, pos, "layer", &a->layer);
        }
        return rc ? rc : parse_index(st, vbeg, pos, "step", &a->step);
    }
    case ACT_ROW:
        return parse_index(st, vbeg, pos, "row", &a->step);
    case ACT_ORDER:
        rc = parse_choice(st, vbeg, pos, &order_choice, &v);
        a->order = (ActionOrder)v;
        return rc;
    case ACT_SHOW:
    case ACT_HIDE:
        rc = parse_choice(st, vbeg, pos, &panel_choice, &v);
        a->panel = (ActionPanel)v;
        return rc;
    case ACT_FOCUS:
        rc = parse_choice(st, vbeg, pos, &focus_choice, &v);
        a->focus = (ActionFocus)v;
        return rc;
    case ACT_FIT:
        rc = parse_choice(st, vbeg, pos, &fit_choice, &v);
        a->fit_all = v == 1;
        return rc;
    case ACT_HIGHLIGHT:
        return parse_highlight(st, vbeg, pos, a);
    default: /* reset, update: no arguments */
        return 0;
    }
}

static int parse_verb(const Stmt *st, Tok t, ActionVerb *verb)
{
    for (int i = 0; i < ACT_VERB_COUNT; i++) {
        if (tok_is(st, t, verb_names[i])) {
            *verb = (ActionVerb)i;
            return 0;
        }
    }
    char got[64];
    quote_tok(st, t, got, sizeof got);
    const char *near = NULL;
    if (t.len <= SUGGEST_MAX_LEN) {
        char word[SUGGEST_MAX_LEN + 1];
        memcpy(word, st->line + t.beg, t.len);
        word[t.len] = '\0';
        near = suggest_closest(word, verb_names, ACT_VERB_COUNT);
    }
    if (near)
        return fail(st, t.beg, "unknown verb '%s' (did you mean '%s'?)", got, near);
    return fail(st, t.beg,
                "unknown verb '%s' (verbs: forward, backward, step, back, train, set, reset, "
                "select, order, show, hide, update, compare, focus, fit)",
                got);
}

/* One non-empty statement into *a; returns 1 when it held an action, 0
 * when it was blank, or an error. */
static int parse_statement(const Stmt *st, Mode mode, Action *a)
{
    size_t pos = st->beg;
    memset(a, 0, sizeof *a);
    a->line = st->lineno;
    if (mode == MODE_SETTINGS) {
        while (pos < st->end && is_blank(st->line[pos]))
            pos++;
        if (pos == st->end)
            return 0;
        a->verb = ACT_SET;
        a->col = col_at(st, pos);
        int rc = parse_assignment(st, &pos, "", a);
        return rc ? rc : 1;
    }
    Tok verb = next_token(st, &pos);
    if (verb.len == 0)
        return 0;
    a->col = col_at(st, verb.beg);
    int rc = parse_verb(st, verb, &a->verb);
    if (!rc)
        rc = parse_args(st, verb.beg, &pos, a);
    if (rc)
        return rc;
    Tok extra = next_token(st, &pos);
    if (extra.len > 0) {
        char got[64], after[64];
        quote_tok(st, extra, got, sizeof got);
        quote_upto(st, verb.beg, extra.beg, after, sizeof after);
        return fail(st, extra.beg, "unexpected '%s' after '%s'", got, after);
    }
    return 1;
}

/* Parses one line; with out == NULL only validates. *count is the number
 * of actions in the list so far and grows with each one. */
static int parse_line(const char *text, size_t len, int lineno, int col, Mode mode, ActionList *out,
                      int *count, char *msg, size_t cap)
{
    size_t end = 0;
    while (end < len && text[end] != '\n' && text[end] != '\r' && text[end] != '\0' &&
           text[end] != '#')
        end++;
    Stmt st = {text, 0, 0, lineno, col, msg, cap};
    while (st.beg <= end) {
        st.end = st.beg;
        while (st.end < end && text[st.end] != ';')
            st.end++;
        Action a;
        int rc = parse_statement(&st, mode, &a);
        if (rc < 0)
            return rc;
        if (rc > 0) {
            size_t first = st.beg;
            while (first < st.end && is_blank(text[first]))
                first++;
            if (*count >= ACTION_LIST_CAP)
                return fail(&st, first,
                            mode == MODE_SETTINGS ? "too many settings (at most %d)"
                                                  : "too many actions (at most %d in one list)",
                            ACTION_LIST_CAP);
            if (out)
                out->items[*count] = a;
            (*count)++;
        }
        st.beg = st.end + 1;
    }
    return 0;
}

static int append_line(const char *text, size_t len, ActionList *out, int line, int col, Mode mode,
                       char *msg, size_t cap)
{
    Stmt none = {"", 0, 0, line, col, msg, cap};
    if (!out || !text || out->count < 0 || out->count > ACTION_LIST_CAP)
        return fail(&none, 0, "internal error: bad arguments to the action parser");
    int n = out->count;
    int rc = parse_line(text, len, line, col, mode, NULL, &n, msg, cap);
    if (rc)
        return rc;
    n = out->count;
    parse_line(text, len, line, col, mode, out, &n, msg, cap);
    out->count = n;
    return 0;
}

int action_parse_line(const char *text, size_t len, ActionList *out, int line, int col, char *msg,
                      size_t cap)
{
    return append_line(text, len, out, line, col, MODE_ACTIONS, msg, cap);
}

int action_parse_settings_line(const char *text, size_t len, ActionList *out, int line, int col,
                               char *msg, size_t cap)
{
    return append_line(text, len, out, line, col, MODE_SETTINGS, msg, cap);
}

/* Every line of a NUL-terminated block; lines end at "\n", "\r\n" or "\r". */
static int parse_block(const char *text, int first_line, int first_col, ActionList *out, int *count,
                       char *msg, size_t cap)
{
    const char *p = text;
    long long lineno = first_line;
    for (;;) {
        size_t len = strcspn(p, "\r\n");
        int ln = lineno > INT_MAX ? INT_MAX : (int)lineno;
        int rc = parse_line(p, len, ln, first_col, MODE_ACTIONS, out, count, msg, cap);
        if (rc)
            return rc;
        p += len;
        if (*p == '\0')
            return 0;
        p += (p[0] == '\r' && p[1] == '\n') ? 2 : 1;
        lineno++;
    }
}

int action_parse_block(const char *text, ActionList *out, int first_line, int first_col, char *msg,
                       size_t cap)
{
    Stmt none = {"", 0, 0, first_line, first_col, msg, cap};
    if (!out || !text)
        return fail(&none, 0, "internal error: bad arguments to the action parser");
    int n = 0;
    int rc = parse_block(text, first_line, first_col, NULL, &n, msg, cap);
    if (rc)
        return rc;
    n = 0;
    parse_block(text, first_line, first_col, out, &n, msg, cap);
    out->count = n;
    return 0;
}

/* A set action formats back only if its key and value parse back as such. */
/* strlen bounded by cap (strnlen is POSIX, this file is plain C11). */
static size_t bounded_len(const char *s, size_t cap)
{
    const char *z = memchr(s, '\0', cap);
    return z ? (size_t)(z - s) : cap;
}

static bool key_ok(const char *k)
{
    size_t n = bounded_len(k, ACTION_KEY_CAP);
    if (n == 0 || n == ACTION_KEY_CAP || !is_key_start(k[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_key_char(k[i]))
            return false;
    return true;
}

static bool value_ok(const char *v)
{
    size_t n = bounded_len(v, ACTION_VALUE_CAP);
    if (n == 0 || n == ACTION_VALUE_CAP || is_blank(v[0]) || is_blank(v[n - 1]))
        return false;
    return strcspn(v, ";#\r\n") == n;
}

static bool count_ok(int n)
{
    return n >= 1 && n <= ACTION_MAX_COUNT;
}

/* The word after an order, show, hide, focus or fit verb; NULL when out of range. */
static const char *choice_word(const Action *a)
{
    switch (a->verb) {
    case ACT_ORDER:
        return (int)a->order >= 0 && a->order < ACT_ORDER_COUNT ? order_names[a->order] : NULL;
    case ACT_SHOW:
    case ACT_HIDE:
        return (int)a->panel >= 0 && a->panel < ACT_PANEL_COUNT ? panel_names[a->panel] : NULL;
    case ACT_FOCUS:
        return (int)a->focus >= 0 && a->focus < ACT_FOCUS_COUNT ? focus_names[a->focus] : NULL;
    default:
        return fit_names[a->fit_all];
    }
}

/* "highlight h 2 5..7" */
static int format_marks(const ActionMarks *m, char *out, size_t cap)
{
    if ((int)m->what < 0 || m->what >= ACT_MARK_COUNT || m->n < 0 || m->n > ACTION_MAX_MARKS ||
        (m->what == ACT_MARK_NONE) != (m->n == 0))
        return -1;
    int n = snprintf(out, cap, "highlight %s", mark_names[m->what]);
    for (int i = 0; i < m->n && n >= 0 && (size_t)n < cap; i++) {
        if (m->t0[i] < 0 || m->t0[i] > m->t1[i] || m->t1[i] > ACTION_MAX_COUNT)
            return -1;
        n += m->t0[i] == m->t1[i]
                 ? snprintf(out + n, cap - (size_t)n, " %d", m->t0[i])
                 : snprintf(out + n, cap - (size_t)n, " %d..%d", m->t0[i], m->t1[i]);
    }
    return n;
}

/* "select L T" or "select out T"; -1 when out of range. */
static int format_select(const Action *a, const char *v, char *out, size_t cap)
{
    bool step_ok = a->step >= 0 && a->step <= ACTION_MAX_COUNT;
    if (a->layer == ACTION_OUTPUT && step_ok)
        return snprintf(out, cap, "%s out %d", v, a->step);
    if (a->layer >= 0 && a->layer <= ACTION_MAX_COUNT && step_ok)
        return snprintf(out, cap, "%s %d %d", v, a->layer, a->step);
    return -1;
}

int action_format(const Action *a, char *out, size_t cap)
{
    if (!out || cap == 0)
        return ACTION_ERR_SYNTAX;
    out[0] = '\0';
    if (!a || (int)a->verb < 0 || a->verb >= ACT_VERB_COUNT)
        return ACTION_ERR_SYNTAX;
    const char *v = verb_names[a->verb];
    int n = -1;
    switch (a->verb) {
    case ACT_FORWARD:
    case ACT_BACKWARD:
        if (a->count == ACTION_ALL)
            n = snprintf(out, cap, "%s all", v);
        else if (count_ok(a->count))
            n = snprintf(out, cap, "%s %d", v, a->count);
        break;
    case ACT_STEP:
    case ACT_BACK:
    case ACT_TRAIN:
        if (count_ok(a->count))
            n = snprintf(out, cap, "%s %d", v, a->count);
        break;
    case ACT_COMPARE:
        if (a->count == 0)
            n = snprintf(out, cap, "%s", v);
        else if (count_ok(a->count))
            n = snprintf(out, cap, "%s %d", v, a->count);
        break;
    case ACT_SET:
        if (key_ok(a->key) && value_ok(a->value))
            n = snprintf(out, cap, "%s %s = %s", v, a->key, a->value);
        break;
    case ACT_SELECT:
        n = format_select(a, v, out, cap);
        break;
    case ACT_ROW:
        if (a->step >= 0 && a->step <= ACTION_MAX_COUNT)
            n = snprintf(out, cap, "%s %d", v, a->step);
        break;
    case ACT_ORDER:
    case ACT_SHOW:
    case ACT_HIDE:
    case ACT_FOCUS:
    case ACT_FIT:
        if (choice_word(a))
            n = snprintf(out, cap, "%s %s", v, choice_word(a));
        break;
    case ACT_HIGHLIGHT:
        n = format_marks(&a->marks, out, cap);
        break;
    default: /* reset, update */
        n = snprintf(out, cap, "%s", v);
        break;
    }
    if (n < 0) {
        out[0] = '\0';
        return ACTION_ERR_SYNTAX;
    }
    return (size_t)n < cap ? 0 : ACTION_ERR_SYNTAX;
}
