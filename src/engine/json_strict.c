/*
 * The strict JSON reader (see json_strict.h).
 *
 * Reading is two passes over the text, which the reader owns: our scanner
 * checks RFC 8259 syntax (with a line:column for every syntax error); then
 * a skeleton is built for what lies outside arrays (objects, keys, strings,
 * scalars, with how each number was written), while every array stays in
 * the text as a span, read by the walkers below straight into the
 * caller's buffers. So the memory a file costs is its text, a small
 * skeleton and the numbers' destinations; nothing per number.
 */
#include "json_strict.h"
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
#define SHOW_CHARS SJSON_SHOW_CHARS
#define MAX_RANK 8 /* of the arrays read (ours have 3 at most) */

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

int sjson_fail_name(NetError *err, const char *name, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, name, NULL, fmt, ap);
    va_end(ap);
    return code;
}

/* Copies at most SHOW_CHARS bytes of user text, control characters
 * replaced, so a message stays one readable line. */
const char *sjson_shown(char *buf, size_t cap, const char *s, size_t len)
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

/* Opens path for reading without blocking (a FIFO opens at once) and
 * checks that it is a regular file no larger than max_bytes; -1 with err
 * filled otherwise. */
static int open_regular(const char *path, size_t max_bytes, const char *limit_what, struct stat *st,
                        NetError *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return sjson_fail_name(err, path, NET_ERR_IO, "cannot open: %s", strerror(errno)), -1;
    const char *why = NULL;
    if (fstat(fd, st) != 0)
        why = strerror(errno);
    else if (S_ISDIR(st->st_mode))
        why = "is a directory";
    else if (!S_ISREG(st->st_mode))
        why = "not a regular file (a FIFO, device or socket)";
    if (why) {
        close(fd);
        return sjson_fail_name(err, path, NET_ERR_IO, "cannot read: %s", why), -1;
    }
    if ((uint64_t)st->st_size > (uint64_t)max_bytes) {
        close(fd);
        return sjson_fail_name(err, path, NET_ERR_FORMAT,
                               "the file is %lld bytes, more than the %zu bytes of the largest "
                               "valid file (%s)",
                               (long long)st->st_size, max_bytes, limit_what),
               -1;
    }
    return fd;
}

/* Reads the file's st_size bytes (no more: a file that grows meanwhile is
 * cut there) into a NUL-terminated buffer. */
static char *read_regular(const char *path, size_t max_bytes, const char *limit_what, size_t *len,
                          NetError *err)
{
    struct stat st;
    int fd = open_regular(path, max_bytes, limit_what, &st, err);
    if (fd < 0)
        return NULL;
    size_t size = (size_t)st.st_size, n = 0;
    char *buf = malloc(size + 1);
    if (!buf) {
        close(fd);
        sjson_fail_name(err, path, NET_ERR_NOMEM, "out of memory reading the file");
        return NULL;
    }
    while (n < size) {
        ssize_t got = read(fd, buf + n, size - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            close(fd);
            sjson_fail_name(err, path, NET_ERR_IO, "cannot read: %s", strerror(e));
            return NULL;
        }
        if (got == 0)
            break; /* the file shrank */
        n += (size_t)got;
    }
    close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* ---- the scanner ----------------------------------------------------------- */

/* One skeleton number as written, packed in 8 bytes: offset << 8 |
 * length << 1 | integral, where integral means written without fraction
 * or exponent. */
typedef uint64_t NumTok;

typedef struct {
    const char *text;
    unsigned len;
    bool integral;
} Lexeme;

struct SJson {
    char *name;
    char *text; /* NUL-terminated, owned */
    size_t len;
    cJSON *root;  /* the skeleton: arrays are childless, their text offset in valuedouble */
    NumTok *toks; /* a skeleton number's valueint is its index here */
    size_t n_toks, cap_toks;
};

typedef struct {
    const unsigned char *s;
    size_t n, i;
    int arr_depth;  /* arrays open around sc->i */
    size_t n_nodes; /* values outside arrays, the skeleton's size */
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
    sjson_shown(buf, sizeof buf, (const char *)w, end - start);
    if (has_word(w, end - start, "NaN") || has_word(w, end - start, "Infinity") ||
        has_word(w, end - start, "inf") || has_word(w, end - start, "nan"))
        return scan_fail(sc, start, "'%s' is not allowed (numbers must be finite)", buf);
    if (is_digit(w[0]) || w[0] == '-' || w[0] == '+' || w[0] == '.')
        return scan_fail(sc, start, "invalid number '%s'", buf);
    return scan_fail(sc, start, "unexpected word '%s'", buf);
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
                         sjson_shown(buf, sizeof buf, (const char *)s + start, i - start),
                         MAX_NUMBER_CHARS);
    }
    (void)integral; /* read again where it matters */
    sc->i = i;
    return 0;
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
    sc->arr_depth += !object;
    skip_ws(sc);
    if (sc->i < sc->n && sc->s[sc->i] == (unsigned char)close) {
        sc->i++;
        sc->arr_depth -= !object;
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
            sc->arr_depth -= !object;
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
    if (sc->arr_depth == 0 && ++sc->n_nodes > SJSON_MAX_NODES)
        return scan_fail(sc, sc->i,
                         "more than %d keys and values outside arrays (a model or data file "
                         "has fewer than 100)",
                         SJSON_MAX_NODES);
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

/* Walking text the scanner accepted: no checks needed. */
static size_t text_ws(const char *s, size_t i)
{
    while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
        i++;
    return i;
}

static size_t skip_string(const char *s, size_t i)
{
    for (i++; s[i] != '"'; i++)
        if (s[i] == '\\')
            i++;
    return i + 1;
}

static bool ends_scalar(char c)
{
    switch (c) {
    case '\0':
    case ',':
    case ']':
    case '}':
    case ' ':
    case '\t':
    case '\r':
    case '\n':
        return true;
    default:
        return false;
    }
}

/* The end of the value at i (a container, a string or a scalar). */
static size_t skip_value(const char *s, size_t i)
{
    if (s[i] == '"')
        return skip_string(s, i);
    if (s[i] != '[' && s[i] != '{') {
        while (!ends_scalar(s[i]))
            i++;
        return i;
    }
    int depth = 0;
    for (;;) {
        char c = s[i];
        if (c == '"') {
            i = skip_string(s, i);
            continue;
        }
        depth += (c == '[' || c == '{') - (c == ']' || c == '}');
        i++;
        if (depth == 0)
            return i;
    }
}

static bool push_tok(SJson *doc, size_t start, size_t end)
{
    if (doc->n_toks == doc->cap_toks) {
        size_t ncap = doc->cap_toks ? doc->cap_toks * 2 : 64;
        NumTok *t = realloc(doc->toks, ncap * sizeof *t);
        if (!t)
            return false;
        doc->toks = t;
        doc->cap_toks = ncap;
    }
    bool integral = !memchr(doc->text + start, '.', end - start) &&
                    !memchr(doc->text + start, 'e', end - start) &&
                    !memchr(doc->text + start, 'E', end - start);
    doc->toks[doc->n_toks++] = (uint64_t)start << 8 | (uint64_t)(end - start) << 1 | integral;
    return true;
}

static cJSON *build_value(SJson *doc, size_t *i);

static cJSON *build_object(SJson *doc, size_t *i)
{
    const char *s = doc->text;
    cJSON *obj = cJSON_CreateObject();
    *i = text_ws(s, *i + 1);
    while (obj && s[*i] != '}') {
        size_t end = skip_string(s, *i);
        cJSON *key = cJSON_ParseWithLength(s + *i, end - *i);
        *i = text_ws(s, text_ws(s, end) + 1); /* past ':' */
        cJSON *val = key ? build_value(doc, i) : NULL;
        if (!val || !cJSON_AddItemToObject(obj, key->valuestring, val)) {
            cJSON_Delete(val);
            cJSON_Delete(obj);
            obj = NULL;
        }
        cJSON_Delete(key);
        *i = text_ws(s, *i);
        if (s[*i] == ',')
            *i = text_ws(s, *i + 1);
    }
    (*i)++;
    return obj;
}

/* The skeleton of the value at *i (moved past it). */
static cJSON *build_value(SJson *doc, size_t *i)
{
    const char *s = doc->text;
    size_t at = *i, end;
    cJSON *node = NULL;
    switch (s[at]) {
    case '{':
        return build_object(doc, i);
    case '[':
        node = cJSON_CreateArray();
        if (node)
            node->valuedouble = (double)at; /* the array stays in the text */
        break;
    case '"':
        node = cJSON_ParseWithLength(s + at, skip_string(s, at) - at);
        break;
    case 't':
    case 'f':
    case 'n':
        node = s[at] == 't'   ? cJSON_CreateTrue()
               : s[at] == 'f' ? cJSON_CreateFalse()
                              : cJSON_CreateNull();
        break;
    default:
        end = skip_value(s, at);
        node = push_tok(doc, at, end) ? cJSON_CreateNumber(strtod(s + at, NULL)) : NULL;
        if (node)
            node->valueint = (int)(doc->n_toks - 1);
    }
    *i = skip_value(s, at);
    return node;
}

void sjson_destroy(SJson *doc)
{
    if (!doc)
        return;
    cJSON_Delete(doc->root);
    free(doc->toks);
    free(doc->text);
    free(doc->name);
    free(doc);
}

static SJson *doc_nomem(SJson *doc, const char *name, NetError *err)
{
    sjson_destroy(doc);
    sjson_fail_name(err, name, NET_ERR_NOMEM, "out of memory parsing the file");
    return NULL;
}

/* Scans and builds the skeleton of doc->text; takes doc. */
static SJson *parse_doc(SJson *doc, const char *name, NetError *err)
{
    Scan sc = {(const unsigned char *)doc->text, doc->len, 0, 0, 0, 0, "", false};
    if (scan_document(&sc) < 0) {
        if (sc.nomem)
            return doc_nomem(doc, name, err);
        size_t line, col;
        line_col(doc->text, sc.err_at, &line, &col);
        if (err)
            snprintf(err->msg, sizeof err->msg, "%s:%zu:%zu: not valid JSON: %s", name, line, col,
                     sc.msg);
        sjson_destroy(doc);
        return NULL;
    }
    size_t at = doc->len >= 3 && !memcmp(doc->text, "\xEF\xBB\xBF", 3) ? 3 : 0;
    at = text_ws(doc->text, at);
    if (doc->text[at] != '{') {
        cJSON *top = build_value(doc, &at);
        sjson_fail_name(err, name, NET_ERR_FORMAT,
                        "expected a JSON object at the top level, got %s",
                        top ? sjson_kind(top) : "nothing");
        cJSON_Delete(top);
        sjson_destroy(doc);
        return NULL;
    }
    doc->root = build_value(doc, &at);
    if (!doc->root)
        return doc_nomem(doc, name, err); /* the scanner accepted it: only memory fails */
    return doc;
}

static SJson *new_doc(const char *name, char *text, size_t len)
{
    SJson *doc = calloc(1, sizeof *doc);
    if (doc)
        doc->name = malloc(strlen(name) + 1);
    if (!doc || !doc->name) {
        free(doc);
        return NULL;
    }
    strcpy(doc->name, name);
    doc->text = text;
    doc->len = len;
    return doc;
}

SJson *sjson_parse(const char *text, size_t len, const char *name, NetError *err)
{
    char *copy = malloc(len + 1);
    SJson *doc = copy ? new_doc(name, copy, len) : NULL;
    if (!doc) {
        free(copy);
        return doc_nomem(NULL, name, err);
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    return parse_doc(doc, name, err);
}

SJson *sjson_load(const char *path, size_t max_bytes, const char *limit_what, NetError *err)
{
    size_t len;
    char *text = read_regular(path, max_bytes, limit_what, &len, err);
    if (!text)
        return NULL;
    SJson *doc = new_doc(path, text, len);
    if (!doc) {
        free(text);
        return doc_nomem(NULL, path, err);
    }
    return parse_doc(doc, path, err);
}

const cJSON *sjson_root(const SJson *doc)
{
    return doc->root;
}

const char *sjson_name(const SJson *doc)
{
    return doc->name;
}

int sjson_fail(const SJson *doc, NetError *err, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, doc->name, path, fmt, ap);
    va_end(ap);
    return NET_ERR_FORMAT;
}

/* How a skeleton number was written; false for anything but a number. */
static bool lexeme_of(const SJson *doc, const cJSON *node, Lexeme *out)
{
    if (!cJSON_IsNumber(node) || node->valueint < 0 || (size_t)node->valueint >= doc->n_toks)
        return false;
    NumTok t = doc->toks[node->valueint];
    *out = (Lexeme){doc->text + (t >> 8), (unsigned)(t >> 1 & 0x7F), t & 1};
    return true;
}

const char *sjson_kind(const cJSON *node)
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
static const char *as_written(const SJson *doc, const cJSON *node, char *buf, size_t cap)
{
    Lexeme lx;
    if (lexeme_of(doc, node, &lx))
        return sjson_shown(buf, cap, lx.text, lx.len);
    if (cJSON_IsString(node) && cap > 3) {
        buf[0] = '"';
        sjson_shown(buf + 1, cap - 2, node->valuestring, strlen(node->valuestring));
        strcat(buf, "\"");
        return buf;
    }
    return sjson_kind(node);
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

const cJSON *sjson_get(const cJSON *obj, const char *key)
{
    for (const cJSON *c = obj ? obj->child : NULL; c; c = c->next)
        if (c->string && !strcmp(c->string, key))
            return c;
    return NULL;
}

int sjson_check_keys(const SJson *doc, const cJSON *obj, const char *path, const char *const *known,
                     NetError *err)
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
                return sjson_fail(doc, err, path, "unknown key '%s' (did you mean '%s'?)",
                                  sjson_shown(buf, sizeof buf, key, strlen(key)), hint);
            return sjson_fail(doc, err, path, "unknown key '%s'",
                              sjson_shown(buf, sizeof buf, key, strlen(key)));
        }
        for (const cJSON *p = obj->child; p != c; p = p->next)
            if (!strcmp(p->string, key))
                return sjson_fail(doc, err, path, "duplicate key '%s'", key);
    }
    return 0;
}

/* ---- scalars --------------------------------------------------------------------- */

int sjson_int(const SJson *doc, const cJSON *node, const char *path, int lo, int hi, int *out,
              NetError *err)
{
    char buf[SHOW_CHARS + 8];
    Lexeme lx;
    if (!lexeme_of(doc, node, &lx) || !lx.integral)
        return sjson_fail(doc, err, path, "expected an integer, got %s",
                          as_written(doc, node, buf, sizeof buf));
    double v = node->valuedouble;
    if (v < lo)
        return sjson_fail(doc, err, path, "must be at least %d, got %s", lo,
                          as_written(doc, node, buf, sizeof buf));
    if (v > hi)
        return sjson_fail(doc, err, path, "%s is beyond the limit of %d",
                          as_written(doc, node, buf, sizeof buf), hi);
    *out = (int)v;
    return 0;
}

int sjson_choice(const SJson *doc, const cJSON *node, const char *path, const char *const *choices,
                 int *out, NetError *err)
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
    return sjson_fail(doc, err, path, "expected %s, got %s", list,
                      as_written(doc, node, buf, sizeof buf));
}

/* ---- arrays ------------------------------------------------------------------------ */

/* Arrays are read from the text the scanner accepted. An array node of
 * the skeleton holds the offset of its '[' in valuedouble; within it,
 * elements are found by offset: the first (0 for an empty array: no
 * element starts at 0) and the one after another (0 after the last). */
static size_t span_of(const cJSON *node)
{
    return (size_t)node->valuedouble;
}

static size_t arr_first(const char *s, size_t at)
{
    size_t i = text_ws(s, at + 1);
    return s[i] == ']' ? 0 : i;
}

static size_t arr_next(const char *s, size_t elem)
{
    size_t i = text_ws(s, skip_value(s, elem));
    return s[i] == ',' ? text_ws(s, i + 1) : 0;
}

static long arr_count(const char *s, size_t at)
{
    long n = 0;
    for (size_t e = arr_first(s, at); e; e = arr_next(s, e))
        n++;
    return n;
}

static const char *kind_at(const char *s, size_t i)
{
    switch (s[i]) {
    case '[':
        return "an array";
    case '{':
        return "an object";
    case '"':
        return "a string";
    case 't':
        return "true";
    case 'f':
        return "false";
    case 'n':
        return "null";
    default:
        return "a number";
    }
}

static bool is_number_at(const char *s, size_t i)
{
    return s[i] == '-' || (s[i] >= '0' && s[i] <= '9');
}

/* Dimensions along first elements from the array at offset at. */
static int text_shape(const char *s, size_t at, int *dims, int max_rank, size_t *deepest)
{
    int r = 0;
    while (r < max_rank && s[at] == '[') {
        long n = arr_count(s, at);
        dims[r++] = n > INT_MAX ? INT_MAX : (int)n;
        *deepest = at;
        if (n == 0)
            break;
        at = arr_first(s, at);
    }
    if (r > 0 && dims[r - 1] > 0)
        *deepest = arr_first(s, *deepest);
    return r;
}

int sjson_shape(const SJson *doc, const cJSON *node, int *dims, int max_rank)
{
    size_t deepest = 0;
    return cJSON_IsArray(node) ? text_shape(doc->text, span_of(node), dims, max_rank, &deepest) : 0;
}

void sjson_describe_shape(const SJson *doc, const cJSON *node, int max_rank, char *out, size_t cap)
{
    if (!cJSON_IsArray(node)) {
        snprintf(out, cap, "%s", sjson_kind(node));
        return;
    }
    int dims[MAX_RANK + 1];
    if (max_rank > MAX_RANK + 1)
        max_rank = MAX_RANK + 1;
    size_t deepest = 0; /* the first element at the last level measured */
    int r = text_shape(doc->text, span_of(node), dims, max_rank, &deepest);
    if (r == 1 && dims[0] == 0) {
        snprintf(out, cap, "an empty array");
        return;
    }
    if (r == 1 && is_number_at(doc->text, deepest)) {
        snprintf(out, cap, "%d %s", dims[0], dims[0] == 1 ? "number" : "numbers");
        return;
    }
    size_t l = 0;
    out[0] = '\0';
    for (int k = 0; k < r && l < cap; k++)
        l += (size_t)snprintf(out + l, cap - l, "%s%d", k ? " x " : "", dims[k]);
    if (r == max_rank && dims[r - 1] > 0 && doc->text[deepest] == '[' && l < cap)
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
    const SJson *doc;
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
    return sjson_fail(w->doc, w->err, w->path, "%s", what);
}

static int walk_leaf(Walk *w, size_t at)
{
    const char *s = w->doc->text;
    char buf[SHOW_CHARS + 8];
    if (!is_number_at(s, at))
        return walk_fail(w, w->rank, "expected a number, got %s", kind_at(s, at));
    char *end;
    double v = strtod(s + at, &end);
    size_t len = (size_t)(end - (s + at));
    if (w->classes) {
        if (memchr(s + at, '.', len) || memchr(s + at, 'e', len) || memchr(s + at, 'E', len))
            return walk_fail(w, w->rank, "expected an integer class index, got %s",
                             sjson_shown(buf, sizeof buf, s + at, len));
        if (!(v >= 0 && v < w->n_classes))
            return walk_fail(w, w->rank, "class index %s is out of range [0, %d)",
                             sjson_shown(buf, sizeof buf, s + at, len), w->n_classes);
        w->classes[w->k++] = (int)v;
        return 0;
    }
    if (!isfinite(v))
        return walk_fail(w, w->rank, "%s is not a finite number",
                         sjson_shown(buf, sizeof buf, s + at, len));
    w->out[w->k++] = v;
    return 0;
}

static int walk(Walk *w, size_t at, int level)
{
    const char *s = w->doc->text;
    if (level == w->rank)
        return walk_leaf(w, at);
    if (s[at] != '[')
        return walk_fail(w, level, "expected an array of %d, got %s", w->dims[level],
                         kind_at(s, at));
    int i = 0;
    size_t e = arr_first(s, at);
    for (; e && i < w->dims[level]; e = arr_next(s, e), i++) {
        w->idx[level] = i;
        if (walk(w, e, level + 1) < 0)
            return NET_ERR_FORMAT;
    }
    if (i < w->dims[level] || e) /* only a ragged array is counted */
        return walk_fail(w, level, "ragged array: expected %d %s, got %ld", w->dims[level],
                         w->dims[level] == 1 ? "entry" : "entries", arr_count(s, at));
    return 0;
}

static int read_array(Walk *w, const cJSON *node, const char *path)
{
    int got[MAX_RANK + 1];
    if (w->rank < 1 || w->rank > MAX_RANK)
        return sjson_fail(w->doc, w->err, path, "internal error: rank %d", w->rank);
    int r = sjson_shape(w->doc, node, got, w->rank + 1);
    bool same = r == w->rank;
    for (int k = 0; same && k < r; k++)
        same = got[k] == w->dims[k];
    if (!same) {
        char want[96], have[96];
        describe_dims(w->rank, w->dims, want, sizeof want);
        sjson_describe_shape(w->doc, node, w->rank + 1, have, sizeof have);
        return sjson_fail(w->doc, w->err, path, "expected %s, got %s", want, have);
    }
    w->base = path;
    return walk(w, span_of(node), 0);
}

int sjson_tensor(const SJson *doc, const cJSON *node, const char *path, int rank, const int *dims,
                 double *out, NetError *err)
{
    Walk w = {doc, err, rank, dims, out, NULL, 0, 0, path, {0}, ""};
    return read_array(&w, node, path);
}

int sjson_classes(const SJson *doc, const cJSON *node, const char *path, int rank, const int *dims,
                  int n_classes, int *classes, NetError *err)
{
    Walk w = {doc, err, rank, dims, NULL, classes, n_classes, 0, path, {0}, ""};
    return read_array(&w, node, path);
}

int sjson_check_format(const SJson *doc, const char *format, NetError *err)
{
    const cJSON *root = sjson_root(doc);
    char buf[SHOW_CHARS + 8];
    const cJSON *f = sjson_get(root, "format");
    if (!f)
        return sjson_fail(doc, err, NULL, "missing key 'format' (expected \"%s\")", format);
    if (!cJSON_IsString(f) || strcmp(f->valuestring, format))
        return sjson_fail(doc, err, "format", "expected \"%s\", got %s", format,
                          as_written(doc, f, buf, sizeof buf));
    const cJSON *v = sjson_get(root, "version");
    if (!v)
        return sjson_fail(doc, err, NULL, "missing key 'version' (expected 1)");
    Lexeme lx;
    if (!lexeme_of(doc, v, &lx) || !lx.integral || v->valuedouble != 1)
        return sjson_fail(doc, err, "version", "expected 1, got %s",
                          as_written(doc, v, buf, sizeof buf));
    return 0;
}
