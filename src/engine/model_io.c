/*
 * Model files and the strict JSON reader behind them (see model_io.h).
 *
 * Reading is two passes over the text: our scanner checks RFC 8259 syntax
 * (with a line:column for every syntax error) and records each number
 * token in document order; then cJSON builds the tree, whose numbers,
 * walked in document order, are matched to those tokens. That is how a
 * size written 3.0 is told from one written 3.
 */
#include "model_io.h"
#include "atomic_file.h"
#include "suggest.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 64        /* our files nest 4 deep; cJSON's own limit is 1000 */
#define MAX_NUMBER_CHARS 63 /* cJSON copies at most 63 characters of a number */
#define MAX_TENSORS (4 * NET_MAX_LAYERS + 2)
#define SHOW_CHARS 40 /* longest piece of user text quoted in a message */
#define MAX_RANK 8    /* of the arrays read (ours have 3 at most) */

/* ---- messages ------------------------------------------------------------ */

static int vfail(NetError *err, const char *name, const char *path, const char *fmt, va_list ap)
{
    if (!err)
        return NET_ERR_FORMAT;
    char what[400];
    vsnprintf(what, sizeof what, fmt, ap);
    if (path && path[0])
        snprintf(err->msg, sizeof err->msg, "%s: %s: %s", name, path, what);
    else
        snprintf(err->msg, sizeof err->msg, "%s: %s", name, what);
    return NET_ERR_FORMAT;
}

static int fail_name(NetError *err, const char *name, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail_name(NetError *err, const char *name, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, name, NULL, fmt, ap);
    va_end(ap);
    return code;
}

/* Copies at most SHOW_CHARS bytes of user text, control characters
 * replaced, so a message stays one readable line. */
static const char *shown(char *buf, size_t cap, const char *s, size_t len)
{
    size_t n = 0;
    bool cut = len > SHOW_CHARS;
    size_t take = cut ? SHOW_CHARS : len;
    while (cut && take > 0 && ((unsigned char)s[take] & 0xC0) == 0x80)
        take--; /* do not split a UTF-8 sequence */
    for (size_t i = 0; i < take && n + 4 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (cut && n + 4 < cap) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

/* ---- reading a file ------------------------------------------------------ */

char *model_json_read_file(const char *path, size_t *len, NetError *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail_name(err, path, NET_ERR_IO, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        fail_name(err, path, NET_ERR_IO, "cannot read: is a directory");
        return NULL;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 2) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nbuf = ncap > cap ? realloc(buf, ncap) : NULL;
            if (!nbuf) {
                free(buf);
                fclose(f);
                fail_name(err, path, NET_ERR_NOMEM, "out of memory reading the file");
                return NULL;
            }
            buf = nbuf;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        fail_name(err, path, NET_ERR_IO, "cannot read: %s", strerror(e));
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* ---- the scanner ----------------------------------------------------------- */

/* One number token of the text, in document order, packed in 8 bytes
 * (files can hold millions): offset << 8 | length << 1 | integral, where
 * integral means written without fraction or exponent. */
typedef uint64_t NumTok;

typedef struct {
    const char *text;
    unsigned len;
    bool integral;
} Lexeme;

struct ModelJson {
    char *name;
    char *text; /* NUL-terminated copy */
    size_t len;
    cJSON *root;
    NumTok *toks; /* a number node's valueint is its index here */
    size_t n_toks;
};

typedef struct {
    const unsigned char *s;
    size_t n, i;
    NumTok *toks;
    size_t n_toks, cap_toks;
    size_t err_at;
    char msg[200];
    bool nomem;
} Scan;

static int scan_fail(Scan *sc, size_t at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int scan_fail(Scan *sc, size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sc->msg, sizeof sc->msg, fmt, ap);
    va_end(ap);
    sc->err_at = at;
    return -1;
}

static int scan_unexpected(Scan *sc)
{
    if (sc->i >= sc->n)
        return scan_fail(sc, sc->i, "unexpected end of file");
    unsigned char c = sc->s[sc->i];
    if (c > 0x20 && c < 0x7f)
        return scan_fail(sc, sc->i, "unexpected '%c'", c);
    return scan_fail(sc, sc->i, "unexpected byte 0x%02x", c);
}

static void skip_ws(Scan *sc)
{
    while (sc->i < sc->n) {
        unsigned char c = sc->s[sc->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        sc->i++;
    }
}

static bool is_word_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == '.' || c == '+' || c == '-';
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int hex4(const unsigned char *p)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        int c = p[k], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Length of the valid UTF-8 sequence at s[0..avail), or 0. */
static int utf8_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    int len;
    unsigned min, cp;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, min = 0x80, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, min = 0x800, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, min = 0x10000, cp = c & 0x07;
    } else {
        return 0;
    }
    if ((size_t)len > avail)
        return 0;
    for (int k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static int scan_escape(Scan *sc, size_t start)
{
    const unsigned char *s = sc->s;
    size_t i = sc->i; /* at the backslash */
    if (i + 1 >= sc->n)
        return scan_fail(sc, start, "unterminated string");
    unsigned char e = s[i + 1];
    if (e && strchr("\"\\/bfnrt", e)) {
        sc->i = i + 2;
        return 0;
    }
    if (e != 'u') {
        if (e > 0x20 && e < 0x7f)
            return scan_fail(sc, i, "invalid escape '\\%c' in a string", e);
        return scan_fail(sc, i, "invalid escape in a string");
    }
    int cp = i + 6 <= sc->n ? hex4(s + i + 2) : -1;
    if (cp < 0)
        return scan_fail(sc, i, "invalid \\u escape in a string (four hex digits expected)");
    if (cp == 0)
        return scan_fail(sc, i, "\\u0000 is not allowed in a string");
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return scan_fail(sc, i, "unpaired UTF-16 surrogate \\u%04X in a string", (unsigned)cp);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        int lo = (i + 12 <= sc->n && s[i + 6] == '\\' && s[i + 7] == 'u') ? hex4(s + i + 8) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return scan_fail(sc, i, "unpaired UTF-16 surrogate \\u%04X in a string", (unsigned)cp);
        sc->i = i + 12;
        return 0;
    }
    sc->i = i + 6;
    return 0;
}

static int scan_string(Scan *sc)
{
    size_t start = sc->i++;
    for (;;) {
        if (sc->i >= sc->n)
            return scan_fail(sc, start, "unterminated string");
        unsigned char c = sc->s[sc->i];
        if (c == '"') {
            sc->i++;
            return 0;
        }
        if (c == '\\') {
            if (scan_escape(sc, start) < 0)
                return -1;
        } else if (c < 0x20) {
            return scan_fail(sc, sc->i, "control character 0x%02x in a string (escape it)", c);
        } else if (c >= 0x80) {
            int k = utf8_len(sc->s + sc->i, sc->n - sc->i);
            if (!k)
                return scan_fail(sc, sc->i, "invalid UTF-8 in a string");
            sc->i += (size_t)k;
        } else {
            sc->i++;
        }
    }
}

static bool has_word(const unsigned char *s, size_t len, const char *w)
{
    size_t wl = strlen(w);
    for (size_t k = 0; k + wl <= len; k++)
        if (!memcmp(s + k, w, wl))
            return true;
    return false;
}

static int scan_bad_word(Scan *sc, size_t start)
{
    size_t end = start;
    while (end < sc->n && is_word_char(sc->s[end]))
        end++;
    if (end == start)
        return scan_unexpected(sc);
    const unsigned char *w = sc->s + start;
    char buf[SHOW_CHARS + 8];
    shown(buf, sizeof buf, (const char *)w, end - start);
    if (has_word(w, end - start, "NaN") || has_word(w, end - start, "Infinity") ||
        has_word(w, end - start, "inf") || has_word(w, end - start, "nan"))
        return scan_fail(sc, start, "'%s' is not allowed (numbers must be finite)", buf);
    if (is_digit(w[0]) || w[0] == '-' || w[0] == '+' || w[0] == '.')
        return scan_fail(sc, start, "invalid number '%s'", buf);
    return scan_fail(sc, start, "unexpected word '%s'", buf);
}

static int push_tok(Scan *sc, size_t start, size_t end, bool integral)
{
    if (sc->n_toks >= INT_MAX) /* token indices live in cJSON's int valueint */
        return scan_fail(sc, start, "more than %d numbers in one file", INT_MAX);
    if (sc->n_toks == sc->cap_toks) {
        size_t ncap = sc->cap_toks ? sc->cap_toks * 2 : 256;
        NumTok *t = realloc(sc->toks, ncap * sizeof *t);
        if (!t) {
            sc->nomem = true;
            return scan_fail(sc, start, "out of memory");
        }
        sc->toks = t;
        sc->cap_toks = ncap;
    }
    sc->toks[sc->n_toks++] = (uint64_t)start << 8 | (uint64_t)(end - start) << 1 | integral;
    return 0;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and nothing glued on. */
static int scan_number(Scan *sc)
{
    const unsigned char *s = sc->s;
    size_t start = sc->i, i = sc->i, n = sc->n;
    bool integral = true;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0') {
        i++;
    } else if (i < n && s[i] >= '1' && s[i] <= '9') {
        while (i < n && is_digit(s[i]))
            i++;
    } else {
        return scan_bad_word(sc, start);
    }
    if (i < n && s[i] == '.') {
        integral = false;
        i++;
        if (i >= n || !is_digit(s[i]))
            return scan_bad_word(sc, start);
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        integral = false;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !is_digit(s[i]))
            return scan_bad_word(sc, start);
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (i < n && is_word_char(s[i]))
        return scan_bad_word(sc, start);
    if (i - start > MAX_NUMBER_CHARS) {
        char buf[SHOW_CHARS + 8];
        return scan_fail(sc, start, "number '%s' is longer than %d characters",
                         shown(buf, sizeof buf, (const char *)s + start, i - start),
                         MAX_NUMBER_CHARS);
    }
    sc->i = i;
    return push_tok(sc, start, i, integral);
}

static int scan_word(Scan *sc)
{
    static const char *const words[] = {"true", "false", "null"};
    size_t start = sc->i, end = start;
    while (end < sc->n && is_word_char(sc->s[end]))
        end++;
    for (size_t k = 0; k < 3; k++) {
        size_t wl = strlen(words[k]);
        if (end - start == wl && !memcmp(sc->s + start, words[k], wl)) {
            sc->i = end;
            return 0;
        }
    }
    return scan_bad_word(sc, start);
}

static int scan_value(Scan *sc, int depth);

static int scan_container(Scan *sc, int depth)
{
    bool object = sc->s[sc->i] == '{';
    char close = object ? '}' : ']';
    if (depth >= MAX_DEPTH)
        return scan_fail(sc, sc->i, "nested deeper than %d levels", MAX_DEPTH);
    sc->i++;
    skip_ws(sc);
    if (sc->i < sc->n && sc->s[sc->i] == (unsigned char)close) {
        sc->i++;
        return 0;
    }
    for (;;) {
        if (object) {
            skip_ws(sc);
            if (sc->i >= sc->n)
                return scan_unexpected(sc);
            if (sc->s[sc->i] != '"')
                return scan_fail(sc, sc->i, "expected a key in double quotes");
            if (scan_string(sc) < 0)
                return -1;
            skip_ws(sc);
            if (sc->i >= sc->n)
                return scan_unexpected(sc);
            if (sc->s[sc->i] != ':')
                return scan_fail(sc, sc->i, "expected ':' after a key");
            sc->i++;
        }
        if (scan_value(sc, depth + 1) < 0)
            return -1;
        skip_ws(sc);
        if (sc->i >= sc->n)
            return scan_unexpected(sc);
        if (sc->s[sc->i] == ',') {
            sc->i++;
            continue;
        }
        if (sc->s[sc->i] == (unsigned char)close) {
            sc->i++;
            return 0;
        }
        return scan_fail(sc, sc->i, "expected ',' or '%c' after a value", close);
    }
}

static int scan_value(Scan *sc, int depth)
{
    skip_ws(sc);
    if (sc->i >= sc->n)
        return scan_unexpected(sc);
    unsigned char c = sc->s[sc->i];
    if (c == '{' || c == '[')
        return scan_container(sc, depth);
    if (c == '"')
        return scan_string(sc);
    if (c == '-' || is_digit(c))
        return scan_number(sc);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return scan_word(sc);
    if (c == '+' || c == '.')
        return scan_bad_word(sc, sc->i);
    return scan_unexpected(sc);
}

static int scan_document(Scan *sc)
{
    if (sc->n >= 3 && !memcmp(sc->s, "\xEF\xBB\xBF", 3))
        sc->i = 3; /* a UTF-8 byte order mark, which cJSON skips too */
    skip_ws(sc);
    if (sc->i >= sc->n)
        return scan_fail(sc, sc->i, "the file is empty");
    if (scan_value(sc, 0) < 0)
        return -1;
    skip_ws(sc);
    if (sc->i < sc->n) {
        scan_unexpected(sc);
        size_t l = strlen(sc->msg);
        snprintf(sc->msg + l, sizeof sc->msg - l, " after the end of the JSON value");
        return -1;
    }
    return 0;
}

/* ---- the document ------------------------------------------------------------ */

static void line_col(const char *s, size_t at, size_t *line, size_t *col)
{
    size_t l = 1, c = 1;
    for (size_t k = 0; k < at; k++) {
        if (s[k] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* Numbers walked in document order meet their tokens in the same order.
 * cJSON's valueint (a saturated copy of the value, which we never read)
 * is reused to hold the token index. */
static void link_numbers(cJSON *node, size_t *k)
{
    if (cJSON_IsNumber(node))
        node->valueint = (int)(*k)++;
    for (cJSON *c = node->child; c; c = c->next)
        link_numbers(c, k);
}

void model_json_destroy(ModelJson *doc)
{
    if (!doc)
        return;
    cJSON_Delete(doc->root);
    free(doc->toks);
    free(doc->text);
    free(doc->name);
    free(doc);
}

static ModelJson *doc_nomem(ModelJson *doc, const char *name, NetError *err)
{
    model_json_destroy(doc);
    fail_name(err, name, NET_ERR_NOMEM, "out of memory parsing the file");
    return NULL;
}

ModelJson *model_json_parse(const char *text, size_t len, const char *name, NetError *err)
{
    ModelJson *doc = calloc(1, sizeof *doc);
    if (!doc)
        return doc_nomem(doc, name, err);
    doc->name = malloc(strlen(name) + 1);
    doc->text = malloc(len + 1);
    if (!doc->name || !doc->text)
        return doc_nomem(doc, name, err);
    strcpy(doc->name, name);
    memcpy(doc->text, text, len);
    doc->text[len] = '\0';
    doc->len = len;

    Scan sc = {(const unsigned char *)doc->text, len, 0, NULL, 0, 0, 0, "", false};
    int rc = scan_document(&sc);
    doc->toks = sc.toks;
    doc->n_toks = sc.n_toks;
    if (rc < 0) {
        if (sc.nomem)
            return doc_nomem(doc, name, err);
        size_t line, col;
        line_col(doc->text, sc.err_at, &line, &col);
        if (err)
            snprintf(err->msg, sizeof err->msg, "%s:%zu:%zu: not valid JSON: %s", name, line, col,
                     sc.msg);
        model_json_destroy(doc);
        return NULL;
    }

    doc->root = cJSON_ParseWithLength(doc->text, len);
    if (!doc->root)
        return doc_nomem(doc, name, err); /* the scanner accepted it: only memory fails */
    if (!cJSON_IsObject(doc->root)) {
        fail_name(err, name, NET_ERR_FORMAT, "expected a JSON object at the top level, got %s",
                  model_json_kind(doc->root));
        model_json_destroy(doc);
        return NULL;
    }
    size_t k = 0;
    link_numbers(doc->root, &k);
    if (k != doc->n_toks) {
        fail_name(err, name, NET_ERR_FORMAT,
                  "internal error: cJSON found %zu numbers, the scanner %zu", k, doc->n_toks);
        model_json_destroy(doc);
        return NULL;
    }
    return doc;
}

const cJSON *model_json_root(const ModelJson *doc)
{
    return doc->root;
}

const char *model_json_name(const ModelJson *doc)
{
    return doc->name;
}

int model_json_fail(const ModelJson *doc, NetError *err, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, doc->name, path, fmt, ap);
    va_end(ap);
    return NET_ERR_FORMAT;
}

/* How a number node was written; false for anything but a number. */
static bool lexeme_of(const ModelJson *doc, const cJSON *node, Lexeme *out)
{
    if (!cJSON_IsNumber(node) || node->valueint < 0 || (size_t)node->valueint >= doc->n_toks)
        return false;
    NumTok t = doc->toks[node->valueint];
    *out = (Lexeme){doc->text + (t >> 8), (unsigned)(t >> 1 & 0x7F), t & 1};
    return true;
}

const char *model_json_kind(const cJSON *node)
{
    if (cJSON_IsNumber(node))
        return "a number";
    if (cJSON_IsString(node))
        return "a string";
    if (cJSON_IsBool(node))
        return cJSON_IsTrue(node) ? "true" : "false";
    if (cJSON_IsNull(node))
        return "null";
    if (cJSON_IsArray(node))
        return "an array";
    if (cJSON_IsObject(node))
        return "an object";
    return "nothing";
}

/* A value as the user wrote it, for "got ..." in messages: a number's own
 * characters, a string in quotes, otherwise its kind. */
static const char *as_written(const ModelJson *doc, const cJSON *node, char *buf, size_t cap)
{
    Lexeme lx;
    if (lexeme_of(doc, node, &lx))
        return shown(buf, cap, lx.text, lx.len);
    if (cJSON_IsString(node) && cap > 3) {
        buf[0] = '"';
        shown(buf + 1, cap - 2, node->valuestring, strlen(node->valuestring));
        strcat(buf, "\"");
        return buf;
    }
    return model_json_kind(node);
}

/* ---- keys ---------------------------------------------------------------------- */

/* The known key closest to key, if close enough to be a typo. */
static const char *closest(const char *const *known, const char *key)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (size_t k = 0; known[k]; k++) {
        int dist = suggest_distance(known[k], key);
        size_t d = dist < 0 ? SIZE_MAX : (size_t)dist;
        size_t longer = strlen(known[k]) > strlen(key) ? strlen(known[k]) : strlen(key);
        if (d < best_d && d * 3 <= longer) {
            best = known[k];
            best_d = d;
        }
    }
    return best;
}

const cJSON *model_json_get(const cJSON *obj, const char *key)
{
    for (const cJSON *c = obj ? obj->child : NULL; c; c = c->next)
        if (c->string && !strcmp(c->string, key))
            return c;
    return NULL;
}

int model_json_check_keys(const ModelJson *doc, const cJSON *obj, const char *path,
                          const char *const *known, NetError *err)
{
    char buf[SHOW_CHARS + 8];
    for (const cJSON *c = obj->child; c; c = c->next) {
        const char *key = c->string ? c->string : "";
        bool ok = false;
        for (size_t k = 0; known[k] && !ok; k++)
            ok = !strcmp(known[k], key);
        if (!ok) {
            const char *hint = closest(known, key);
            if (hint)
                return model_json_fail(doc, err, path, "unknown key '%s' (did you mean '%s'?)",
                                       shown(buf, sizeof buf, key, strlen(key)), hint);
            return model_json_fail(doc, err, path, "unknown key '%s'",
                                   shown(buf, sizeof buf, key, strlen(key)));
        }
        for (const cJSON *p = obj->child; p != c; p = p->next)
            if (!strcmp(p->string, key))
                return model_json_fail(doc, err, path, "duplicate key '%s'", key);
    }
    return 0;
}

/* ---- scalars --------------------------------------------------------------------- */

int model_json_int(const ModelJson *doc, const cJSON *node, const char *path, int lo, int hi,
                   int *out, NetError *err)
{
    char buf[SHOW_CHARS + 8];
    Lexeme lx;
    if (!lexeme_of(doc, node, &lx) || !lx.integral)
        return model_json_fail(doc, err, path, "expected an integer, got %s",
                               as_written(doc, node, buf, sizeof buf));
    double v = node->valuedouble;
    if (v < lo)
        return model_json_fail(doc, err, path, "must be at least %d, got %s", lo,
                               as_written(doc, node, buf, sizeof buf));
    if (v > hi)
        return model_json_fail(doc, err, path, "%s is beyond the limit of %d",
                               as_written(doc, node, buf, sizeof buf), hi);
    *out = (int)v;
    return 0;
}

int model_json_choice(const ModelJson *doc, const cJSON *node, const char *path,
                      const char *const *choices, int *out, NetError *err)
{
    if (cJSON_IsString(node)) {
        for (int k = 0; choices[k]; k++) {
            if (!strcmp(node->valuestring, choices[k])) {
                *out = k;
                return 0;
            }
        }
    }
    char list[200] = "", buf[SHOW_CHARS + 8];
    for (int k = 0; choices[k]; k++) {
        size_t l = strlen(list);
        const char *sep = k == 0 ? "" : choices[k + 1] ? ", " : " or ";
        snprintf(list + l, sizeof list - l, "%s\"%s\"", sep, choices[k]);
    }
    return model_json_fail(doc, err, path, "expected %s, got %s", list,
                           as_written(doc, node, buf, sizeof buf));
}

/* ---- arrays ------------------------------------------------------------------------ */

int model_json_shape(const cJSON *node, int *dims, int max_rank)
{
    int r = 0;
    while (r < max_rank && cJSON_IsArray(node)) {
        int n = cJSON_GetArraySize(node);
        dims[r++] = n;
        if (n == 0)
            break;
        node = node->child;
    }
    return r;
}

void model_json_describe_shape(const cJSON *node, int max_rank, char *out, size_t cap)
{
    if (!cJSON_IsArray(node)) {
        snprintf(out, cap, "%s", model_json_kind(node));
        return;
    }
    int dims[MAX_RANK + 1];
    if (max_rank > MAX_RANK + 1)
        max_rank = MAX_RANK + 1;
    int r = model_json_shape(node, dims, max_rank);
    if (r == 1 && dims[0] == 0) {
        snprintf(out, cap, "an empty array");
        return;
    }
    if (r == 1 && cJSON_IsNumber(node->child)) {
        snprintf(out, cap, "%d %s", dims[0], dims[0] == 1 ? "number" : "numbers");
        return;
    }
    size_t l = 0;
    out[0] = '\0';
    const cJSON *deepest = node;
    for (int k = 0; k < r && l < cap; k++) {
        l += (size_t)snprintf(out + l, cap - l, "%s%d", k ? " x " : "", dims[k]);
        deepest = deepest ? deepest->child : NULL;
    }
    if (r == max_rank && dims[r - 1] > 0 && cJSON_IsArray(deepest) && l < cap)
        snprintf(out + l, cap - l, " x ...");
}

static void describe_dims(int rank, const int *dims, char *out, size_t cap)
{
    size_t l = 0;
    out[0] = '\0';
    if (rank == 1) {
        snprintf(out, cap, "%d %s", dims[0], dims[0] == 1 ? "number" : "numbers");
        return;
    }
    for (int k = 0; k < rank && l < cap; k++)
        l += (size_t)snprintf(out + l, cap - l, "%s%d", k ? " x " : "", dims[k]);
}

typedef struct {
    const ModelJson *doc;
    NetError *err;
    int rank;
    const int *dims;
    double *out;  /* numbers, or */
    int *classes; /* class indices in [0, n_classes) */
    int n_classes;
    size_t k;          /* next element written */
    const char *base;  /* the array's own path */
    int idx[MAX_RANK]; /* where the walk is */
    char path[256];    /* formatted only for a message */
} Walk;

/* Fails with the path of the element at depth (base[i][j]...). */
static int walk_fail(Walk *w, int depth, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int walk_fail(Walk *w, int depth, const char *fmt, ...)
{
    size_t l = (size_t)snprintf(w->path, sizeof w->path, "%s", w->base);
    for (int d = 0; d < depth && l < sizeof w->path; d++)
        l += (size_t)snprintf(w->path + l, sizeof w->path - l, "[%d]", w->idx[d]);
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return model_json_fail(w->doc, w->err, w->path, "%s", what);
}

static int walk_leaf(Walk *w, const cJSON *node)
{
    char buf[SHOW_CHARS + 8];
    if (!cJSON_IsNumber(node))
        return walk_fail(w, w->rank, "expected a number, got %s", model_json_kind(node));
    if (w->classes) {
        Lexeme lx;
        if (!lexeme_of(w->doc, node, &lx) || !lx.integral)
            return walk_fail(w, w->rank, "expected an integer class index, got %s",
                             as_written(w->doc, node, buf, sizeof buf));
        double v = node->valuedouble;
        if (!(v >= 0 && v < w->n_classes))
            return walk_fail(w, w->rank, "class index %s is out of range [0, %d)",
                             as_written(w->doc, node, buf, sizeof buf), w->n_classes);
        w->classes[w->k++] = (int)v;
        return 0;
    }
    if (!isfinite(node->valuedouble))
        return walk_fail(w, w->rank, "%s is not a finite number",
                         as_written(w->doc, node, buf, sizeof buf));
    w->out[w->k++] = node->valuedouble;
    return 0;
}

static int walk(Walk *w, const cJSON *node, int level)
{
    if (level == w->rank)
        return walk_leaf(w, node);
    if (!cJSON_IsArray(node))
        return walk_fail(w, level, "expected an array of %d, got %s", w->dims[level],
                         model_json_kind(node));
    int n = cJSON_GetArraySize(node);
    if (n != w->dims[level])
        return walk_fail(w, level, "ragged array: expected %d %s, got %d", w->dims[level],
                         w->dims[level] == 1 ? "entry" : "entries", n);
    int i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        w->idx[level] = i;
        if (walk(w, c, level + 1) < 0)
            return NET_ERR_FORMAT;
    }
    return 0;
}

static int read_array(Walk *w, const cJSON *node, const char *path)
{
    int got[MAX_RANK + 1];
    if (w->rank < 1 || w->rank > MAX_RANK)
        return model_json_fail(w->doc, w->err, path, "internal error: rank %d", w->rank);
    int r = model_json_shape(node, got, w->rank + 1);
    bool same = r == w->rank;
    for (int k = 0; same && k < r; k++)
        same = got[k] == w->dims[k];
    if (!same) {
        char want[96], have[96];
        describe_dims(w->rank, w->dims, want, sizeof want);
        model_json_describe_shape(node, w->rank + 1, have, sizeof have);
        return model_json_fail(w->doc, w->err, path, "expected %s, got %s", want, have);
    }
    w->base = path;
    return walk(w, node, 0);
}

int model_json_tensor(const ModelJson *doc, const cJSON *node, const char *path, int rank,
                      const int *dims, double *out, NetError *err)
{
    Walk w = {doc, err, rank, dims, out, NULL, 0, 0, path, {0}, ""};
    return read_array(&w, node, path);
}

int model_json_classes(const ModelJson *doc, const cJSON *node, const char *path, int rank,
                       const int *dims, int n_classes, int *classes, NetError *err)
{
    Walk w = {doc, err, rank, dims, NULL, classes, n_classes, 0, path, {0}, ""};
    return read_array(&w, node, path);
}

/* ---- the model file ------------------------------------------------------------------ */

/* One parameter tensor as the file holds it. */
typedef struct {
    char name[32];
    int rank; /* 1 for biases, 2 for weights */
    int rows, cols;
    size_t offset; /* into values */
} Tensor;

struct ModelFile {
    char *name;
    NetConfig cfg;
    int n_tensors;
    Tensor tensors[MAX_TENSORS];
    size_t n_values;
    double *values;
};

static const char *const cell_names[] = {"rnn", "gru", "lstm", NULL};
static const char *const act_names[] = {"tanh", "relu", NULL};
static const char *const loss_names[] = {"softmax_ce", "mse", NULL};
static const char *const target_names[] = {"all", "last", NULL};

/* The contract's parameter list for cfg, in file (and PyTorch) order. */
static int expected_tensors(const NetConfig *cfg, Tensor *out)
{
    int GH = net_gate_count(cfg->cell) * cfg->hidden_size, H = cfg->hidden_size, n = 0;
    size_t off = 0;
    for (int l = 0; l < cfg->num_layers; l++) {
        int in = l == 0 ? cfg->input_size : H;
        const struct {
            const char *fmt;
            int rank, rows, cols;
        } t[4] = {{"weight_ih_l%d", 2, GH, in},
                  {"weight_hh_l%d", 2, GH, H},
                  {"bias_ih_l%d", 1, GH, 1},
                  {"bias_hh_l%d", 1, GH, 1}};
        for (int k = 0; k < (cfg->bias_hh ? 4 : 3); k++) {
            Tensor *p = &out[n++];
            snprintf(p->name, sizeof p->name, t[k].fmt, l);
            p->rank = t[k].rank, p->rows = t[k].rows, p->cols = t[k].cols, p->offset = off;
            off += (size_t)p->rows * (size_t)p->cols;
        }
    }
    out[n] = (Tensor){"head.weight", 2, cfg->output_size, H, off};
    off += (size_t)cfg->output_size * (size_t)H;
    n++;
    out[n] = (Tensor){"head.bias", 1, cfg->output_size, 1, off};
    n++;
    return n;
}

int model_json_check_format(const ModelJson *doc, const char *format, NetError *err)
{
    const cJSON *root = model_json_root(doc);
    char buf[SHOW_CHARS + 8];
    const cJSON *f = model_json_get(root, "format");
    if (!f)
        return model_json_fail(doc, err, NULL, "missing key 'format' (expected \"%s\")", format);
    if (!cJSON_IsString(f) || strcmp(f->valuestring, format))
        return model_json_fail(doc, err, "format", "expected \"%s\", got %s", format,
                               as_written(doc, f, buf, sizeof buf));
    const cJSON *v = model_json_get(root, "version");
    if (!v)
        return model_json_fail(doc, err, NULL, "missing key 'version' (expected 1)");
    Lexeme lx;
    if (!lexeme_of(doc, v, &lx) || !lx.integral || v->valuedouble != 1)
        return model_json_fail(doc, err, "version", "expected 1, got %s",
                               as_written(doc, v, buf, sizeof buf));
    return 0;
}

static int parse_sizes(const ModelJson *doc, NetConfig *cfg, NetError *err)
{
    const cJSON *root = model_json_root(doc);
    const struct {
        const char *key;
        int *out;
        int limit;
    } sizes[] = {{"input_size", &cfg->input_size, NET_MAX_SIZE},
                 {"hidden_size", &cfg->hidden_size, NET_MAX_SIZE},
                 {"num_layers", &cfg->num_layers, NET_MAX_LAYERS},
                 {"output_size", &cfg->output_size, NET_MAX_SIZE}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        if (model_json_int(doc, model_json_get(root, sizes[k].key), sizes[k].key, 1, sizes[k].limit,
                           sizes[k].out, err) < 0)
            return NET_ERR_FORMAT;
    return 0;
}

static int parse_header(const ModelJson *doc, NetConfig *out, NetError *err)
{
    static const char *const known[] = {"format",     "version",     "cell",       "nonlinearity",
                                        "input_size", "hidden_size", "num_layers", "output_size",
                                        "loss",       "targets",     "bias_hh",    "params",
                                        NULL};
    static const char *const required[] = {"cell",       "input_size",  "hidden_size",
                                           "num_layers", "output_size", "loss",
                                           "targets",    "params",      NULL};
    const cJSON *root = model_json_root(doc);
    NetConfig cfg = {0};
    int v;
    if (model_json_check_format(doc, "rnnviz-model", err) < 0 ||
        model_json_check_keys(doc, root, NULL, known, err) < 0)
        return NET_ERR_FORMAT;
    for (int k = 0; required[k]; k++)
        if (!model_json_get(root, required[k]))
            return model_json_fail(doc, err, NULL, "missing key '%s'", required[k]);

    if (model_json_choice(doc, model_json_get(root, "cell"), "cell", cell_names, &v, err) < 0)
        return NET_ERR_FORMAT;
    cfg.cell = (NetCell)v;
    const cJSON *act = model_json_get(root, "nonlinearity");
    cfg.act = NET_ACT_TANH;
    if (act && cfg.cell != NET_CELL_RNN)
        return model_json_fail(doc, err, "nonlinearity",
                               "allowed with cell \"rnn\" only, not \"%s\"", cell_names[cfg.cell]);
    if (act) {
        if (model_json_choice(doc, act, "nonlinearity", act_names, &v, err) < 0)
            return NET_ERR_FORMAT;
        cfg.act = (NetAct)v;
    }
    if (parse_sizes(doc, &cfg, err) < 0)
        return NET_ERR_FORMAT;
    if (model_json_choice(doc, model_json_get(root, "loss"), "loss", loss_names, &v, err) < 0)
        return NET_ERR_FORMAT;
    cfg.loss = (NetLoss)v;
    if (model_json_choice(doc, model_json_get(root, "targets"), "targets", target_names, &v, err) <
        0)
        return NET_ERR_FORMAT;
    cfg.targets = (NetTargets)v;

    const cJSON *bias = model_json_get(root, "bias_hh");
    cfg.bias_hh = true;
    if (bias && !cJSON_IsBool(bias))
        return model_json_fail(doc, err, "bias_hh", "expected true or false, got %s",
                               model_json_kind(bias));
    if (bias && cJSON_IsFalse(bias)) {
        if (cfg.cell == NET_CELL_GRU)
            return model_json_fail(doc, err, "bias_hh",
                                   "false is allowed with cell \"rnn\" or \"lstm\" only, not "
                                   "\"gru\"");
        cfg.bias_hh = false;
    }

    /* The engine's own limits (total bytes too), before anything is allocated. */
    NetConfig probe = cfg;
    probe.max_batch = 1;
    probe.max_steps = 1;
    NetError net_err;
    if (net_config_check(&probe, &net_err) != NET_OK)
        return model_json_fail(doc, err, NULL, "%s", net_err.msg);
    *out = cfg;
    return 0;
}

/* A parameter name the contract knows but this configuration does not
 * have: say why instead of only "unknown". */
static const char *why_not_expected(const NetConfig *cfg, const char *key)
{
    static const char *const stems[] = {"weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l"};
    for (int s = 0; s < 4; s++) {
        size_t n = strlen(stems[s]);
        if (strncmp(key, stems[s], n) || !is_digit((unsigned char)key[n]))
            continue;
        char *end;
        long l = strtol(key + n, &end, 10);
        if (*end || (key[n] == '0' && key[n + 1]))
            continue;
        if (l >= cfg->num_layers)
            return "num_layers is %d";
        if (s == 3 && !cfg->bias_hh)
            return "\"bias_hh\" is false";
    }
    return NULL;
}

static int parse_params(const ModelJson *doc, ModelFile *m, NetError *err)
{
    const cJSON *params = model_json_get(model_json_root(doc), "params");
    if (!cJSON_IsObject(params))
        return model_json_fail(doc, err, "params", "expected an object, got %s",
                               model_json_kind(params));
    const char *known[MAX_TENSORS + 1];
    m->n_tensors = expected_tensors(&m->cfg, m->tensors);
    for (int k = 0; k < m->n_tensors; k++)
        known[k] = m->tensors[k].name;
    known[m->n_tensors] = NULL;

    char buf[SHOW_CHARS + 8], why[64];
    for (const cJSON *c = params->child; c; c = c->next) {
        const char *fmt = why_not_expected(&m->cfg, c->string);
        if (fmt) {
            snprintf(why, sizeof why, fmt, m->cfg.num_layers);
            return model_json_fail(doc, err, "params", "unknown key '%s' (%s)",
                                   shown(buf, sizeof buf, c->string, strlen(c->string)), why);
        }
    }
    if (model_json_check_keys(doc, params, "params", known, err) < 0)
        return NET_ERR_FORMAT;
    for (int k = 0; k < m->n_tensors; k++)
        if (!model_json_get(params, known[k]))
            return model_json_fail(doc, err, "params", "missing key '%s'", known[k]);

    const Tensor *last = &m->tensors[m->n_tensors - 1];
    m->n_values = last->offset + (size_t)last->rows * (size_t)last->cols;
    m->values = malloc(m->n_values * sizeof *m->values);
    if (!m->values)
        return model_json_fail(doc, err, NULL, "out of memory reading the parameters");
    for (int k = 0; k < m->n_tensors; k++) {
        const Tensor *t = &m->tensors[k];
        char path[64];
        int dims[2] = {t->rows, t->cols};
        snprintf(path, sizeof path, "params.%s", t->name);
        if (model_json_tensor(doc, model_json_get(params, t->name), path, t->rank, dims,
                              m->values + t->offset, err) < 0)
            return NET_ERR_FORMAT;
    }
    return 0;
}

void modelfile_destroy(ModelFile *m)
{
    if (!m)
        return;
    free(m->values);
    free(m->name);
    free(m);
}

ModelFile *modelfile_parse(const char *text, size_t len, const char *name_for_messages,
                           NetError *err)
{
    ModelJson *doc = model_json_parse(text, len, name_for_messages, err);
    if (!doc)
        return NULL;
    ModelFile *m = calloc(1, sizeof *m);
    if (m)
        m->name = malloc(strlen(name_for_messages) + 1);
    if (!m || !m->name) {
        fail_name(err, name_for_messages, NET_ERR_NOMEM, "out of memory");
        goto out_free;
    }
    strcpy(m->name, name_for_messages);
    if (parse_header(doc, &m->cfg, err) < 0 || parse_params(doc, m, err) < 0)
        goto out_free;
    model_json_destroy(doc);
    return m;

out_free:
    modelfile_destroy(m);
    model_json_destroy(doc);
    return NULL;
}

ModelFile *modelfile_load(const char *path, NetError *err)
{
    size_t len;
    char *text = model_json_read_file(path, &len, err);
    if (!text)
        return NULL;
    ModelFile *m = modelfile_parse(text, len, path, err);
    free(text);
    return m;
}

const NetConfig *modelfile_config(const ModelFile *m)
{
    return &m->cfg;
}

/* ---- applying to a network ------------------------------------------------------------ */

static int check_fits(const ModelFile *m, const NetConfig *nc, NetError *err)
{
    const NetConfig *mc = &m->cfg;
    const struct {
        const char *what;
        int model, net;
    } fields[] = {{"input_size", mc->input_size, nc->input_size},
                  {"hidden_size", mc->hidden_size, nc->hidden_size},
                  {"num_layers", mc->num_layers, nc->num_layers},
                  {"output_size", mc->output_size, nc->output_size}};
    if (mc->cell != nc->cell)
        return fail_name(err, m->name, NET_ERR_ARG,
                         "the model's cell %s does not match the network's %s",
                         net_cell_name(mc->cell), net_cell_name(nc->cell));
    if (mc->cell == NET_CELL_RNN && mc->act != nc->act)
        return fail_name(err, m->name, NET_ERR_ARG,
                         "the model's nonlinearity %s does not match the network's %s",
                         act_names[mc->act], act_names[nc->act]);
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
        if (fields[k].model != fields[k].net)
            return fail_name(err, m->name, NET_ERR_ARG,
                             "the model's %s %d does not match the network's %d", fields[k].what,
                             fields[k].model, fields[k].net);
    if (mc->bias_hh != nc->bias_hh)
        return fail_name(err, m->name, NET_ERR_ARG,
                         "the model's bias_hh %s does not match the network's %s",
                         mc->bias_hh ? "true" : "false", nc->bias_hh ? "true" : "false");
    return 0;
}

static const Tensor *find_tensor(const ModelFile *m, const char *name)
{
    for (int k = 0; k < m->n_tensors; k++)
        if (!strcmp(m->tensors[k].name, name))
            return &m->tensors[k];
    return NULL;
}

int modelfile_apply(const ModelFile *m, Net *net, NetError *err)
{
    if (check_fits(m, net_config(net), err) < 0)
        return NET_ERR_ARG;
    int n = net_param_count(net);
    if (n != m->n_tensors)
        return fail_name(err, m->name, NET_ERR_ARG,
                         "the network has %d parameter tensors, the model %d", n, m->n_tensors);
    /* Check every tensor before copying any, so a refusal changes nothing. */
    for (int k = 0; k < n; k++) {
        const NetParam *p = net_param(net, k);
        const Tensor *t = find_tensor(m, p->name);
        if (!t || t->rows != p->rows || t->cols != p->cols)
            return fail_name(err, m->name, NET_ERR_ARG,
                             "network parameter '%s' (%d x %d) has no match in the model", p->name,
                             p->rows, p->cols);
    }
    double *dst = net_params(net);
    for (int k = 0; k < n; k++) {
        const NetParam *p = net_param(net, k);
        const Tensor *t = find_tensor(m, p->name);
        memcpy(dst + p->offset, m->values + t->offset,
               (size_t)t->rows * (size_t)t->cols * sizeof *dst);
    }
    return 0;
}

/* ---- saving ----------------------------------------------------------------------------- */

static int check_finite(const Net *net, const Tensor *ts, int n, const char *path, NetError *err)
{
    const double *v = net_params_const(net);
    for (int k = 0; k < n; k++) {
        const NetParam *p = net_param_find(net, ts[k].name);
        for (int r = 0; r < ts[k].rows; r++) {
            for (int c = 0; c < ts[k].cols; c++) {
                double x = v[p->offset + (size_t)r * (size_t)ts[k].cols + (size_t)c];
                if (isfinite(x))
                    continue;
                char where[96];
                if (ts[k].rank == 1)
                    snprintf(where, sizeof where, "params.%.31s[%d]", ts[k].name, r);
                else
                    snprintf(where, sizeof where, "params.%.31s[%d][%d]", ts[k].name, r, c);
                return fail_name(err, path, NET_ERR_ARG,
                                 "cannot save: %s is %s (JSON holds finite numbers only)", where,
                                 isnan(x) ? "NaN"
                                 : x > 0  ? "Infinity"
                                          : "-Infinity");
            }
        }
    }
    return 0;
}

static void write_row(FILE *f, const double *v, int n)
{
    fputc('[', f);
    for (int k = 0; k < n; k++)
        fprintf(f, "%s%.17g", k ? ", " : "", v[k]);
    fputc(']', f);
}

static void write_model(FILE *f, const Net *net, const Tensor *ts, int n)
{
    const NetConfig *c = net_config(net);
    fprintf(f, "{\n  \"format\": \"rnnviz-model\",\n  \"version\": 1,\n  \"cell\": \"%s\",\n",
            cell_names[c->cell]);
    if (c->cell == NET_CELL_RNN)
        fprintf(f, "  \"nonlinearity\": \"%s\",\n", act_names[c->act]);
    fprintf(f,
            "  \"input_size\": %d,\n  \"hidden_size\": %d,\n  \"num_layers\": %d,\n"
            "  \"output_size\": %d,\n  \"loss\": \"%s\",\n  \"targets\": \"%s\",\n"
            "  \"bias_hh\": %s,\n  \"params\": {\n",
            c->input_size, c->hidden_size, c->num_layers, c->output_size, loss_names[c->loss],
            target_names[c->targets], c->bias_hh ? "true" : "false");
    const double *v = net_params_const(net);
    for (int k = 0; k < n; k++) {
        const double *x = v + net_param_find(net, ts[k].name)->offset;
        fprintf(f, "    \"%s\": ", ts[k].name);
        if (ts[k].rank == 1) {
            write_row(f, x, ts[k].rows);
        } else {
            fputs("[\n", f);
            for (int r = 0; r < ts[k].rows; r++) {
                fputs("      ", f);
                write_row(f, x + (size_t)r * (size_t)ts[k].cols, ts[k].cols);
                fputs(r + 1 < ts[k].rows ? ",\n" : "\n", f);
            }
            fputs("    ]", f);
        }
        fputs(k + 1 < n ? ",\n" : "\n", f);
    }
    fputs("  }\n}\n", f);
}

int model_save(const Net *net, const char *path, NetError *err)
{
    Tensor ts[MAX_TENSORS];
    int n = expected_tensors(net_config(net), ts);
    if (n != net_param_count(net))
        return fail_name(err, path, NET_ERR_ARG,
                         "internal error: the network has %d tensors, "
                         "the contract %d",
                         net_param_count(net), n);
    for (int k = 0; k < n; k++) {
        const NetParam *p = net_param_find(net, ts[k].name);
        if (!p || p->rows != ts[k].rows || p->cols != ts[k].cols)
            return fail_name(err, path, NET_ERR_ARG,
                             "internal error: the network has no parameter %s", ts[k].name);
    }
    if (check_finite(net, ts, n, path, err) < 0)
        return NET_ERR_ARG;

    char tmp[AFILE_TMP_CAP];
    FILE *f = afile_open(path, tmp, sizeof tmp);
    if (!f)
        return fail_name(err, path, NET_ERR_IO, "cannot save: %s", afile_strerror(errno));
    errno = 0;
    write_model(f, net, ts, n);
    int e = afile_commit(f, tmp, path, NULL);
    if (e)
        return fail_name(err, path, NET_ERR_IO, "cannot save: %s", afile_strerror(e));
    return 0;
}
