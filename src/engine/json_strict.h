/*
 * The strict JSON reader behind the model and data files (model_io.c,
 * data_io.c): RFC 8259 JSON checked by our own scanner, with a line:column
 * for every syntax error. It is stricter than cJSON (which is lenient
 * about 01, 1., +1 and raw control characters, and forgets how a number
 * was written): the contract refuses sizes and class indices written with
 * a fraction or exponent (3.0, 3e0). Objects may not repeat a key; every
 * number must be finite. Paths in messages read like
 * "params.head.weight[2][0]".
 *
 * Memory stays a small multiple of the file: the document keeps its text
 * and a cJSON skeleton of what lies outside arrays (at most SJSON_MAX_NODES
 * keys and values); arrays stay in the text and are read straight into the
 * caller's buffers by sjson_tensor / sjson_classes. An array node of the
 * skeleton has no children: use sjson_shape, never cJSON's array calls.
 *
 * Conventions: constructors return NULL and fill the caller's NetError
 * with one line naming the file; checks return 0 or a negative NET_ERR_*.
 */
#ifndef RNNVIZ_JSON_STRICT_H
#define RNNVIZ_JSON_STRICT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "net.h"

#define SJSON_MAX_NODES 4096 /* keys and values outside arrays in one file */
#define SJSON_SHOW_CHARS 40  /* longest piece of user text quoted in a message */

typedef struct SJson SJson;

/* Reads and parses the file at path, which must be a regular file (a
 * FIFO, device or directory is refused at once, without reading) of at
 * most max_bytes (else refused from its size alone, naming the limit and
 * limit_what, e.g. "I, H, O <= 1024, L <= 8"). The top level must be an
 * object. */
SJson *sjson_load(const char *path, size_t max_bytes, const char *limit_what, NetError *err);
/* The same for text in memory (len bytes, copied). */
SJson *sjson_parse(const char *text, size_t len, const char *name, NetError *err);
void sjson_destroy(SJson *doc);
const cJSON *sjson_root(const SJson *doc);
const char *sjson_name(const SJson *doc);

/* Formats "NAME: PATH: message" (or "NAME: message" when path is NULL or
 * empty) into err; returns NET_ERR_FORMAT. */
int sjson_fail(const SJson *doc, NetError *err, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* "NAME: message" into err (when not NULL); returns code. */
int sjson_fail_name(NetError *err, const char *name, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* At most SJSON_SHOW_CHARS bytes of user text into buf, control
 * characters replaced and "..." when cut, so a message stays one line. */
const char *sjson_shown(char *buf, size_t cap, const char *s, size_t len);

/* "format" equal to format and "version" equal to 1 (an integer). */
int sjson_check_format(const SJson *doc, const char *format, NetError *err);
/* Refuses keys of obj not in known[] (NULL-terminated; with a "did you
 * mean" suggestion) and repeated keys. */
int sjson_check_keys(const SJson *doc, const cJSON *obj, const char *path, const char *const *known,
                     NetError *err);
/* The member named key (exact, case-sensitive) or NULL. */
const cJSON *sjson_get(const cJSON *obj, const char *key);
/* A short description of a value for messages: "a string", "null", ... */
const char *sjson_kind(const cJSON *node);

/* An integer written without fraction or exponent, in [lo, hi]. */
int sjson_int(const SJson *doc, const cJSON *node, const char *path, int lo, int hi, int *out,
              NetError *err);
/* A string equal to one of choices[] (NULL-terminated); *out is its index. */
int sjson_choice(const SJson *doc, const cJSON *node, const char *path, const char *const *choices,
                 int *out, NetError *err);

/* Dimensions of a nested array read along first elements (a ragged array
 * is only found by the readers below), without reading the numbers.
 * Returns the rank found (0 for a non-array), at most max_rank; a 0 in
 * dims means an empty array there. */
int sjson_shape(const SJson *doc, const cJSON *node, int *dims, int max_rank);
/* A rank-dimensional array of exactly dims (row-major) of finite numbers
 * into out, or of class indices (integers in [0, n_classes) written
 * without fraction or exponent) into classes. Refuses other shapes,
 * ragged arrays and anything but numbers. */
int sjson_tensor(const SJson *doc, const cJSON *node, const char *path, int rank, const int *dims,
                 double *out, NetError *err);
int sjson_classes(const SJson *doc, const cJSON *node, const char *path, int rank, const int *dims,
                  int n_classes, int *classes, NetError *err);
/* "8 x 7", "24 numbers", "an empty array", "a string": for shape messages. */
void sjson_describe_shape(const SJson *doc, const cJSON *node, int max_rank, char *out, size_t cap);

#endif
