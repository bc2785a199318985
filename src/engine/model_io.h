/*
 * Model files: a network's configuration and parameters as JSON, in the
 * format of shared/spec/engine-contract.md ("rnnviz-model", version 1).
 *
 * Shapes: I input, H hidden, L layers, O output, G gate blocks per layer
 * (rnn 1, gru 3, lstm 4), in = I for layer 0 else H. Parameters per layer
 * weight_ih_l{l} (G*H, in), weight_hh_l{l} (G*H, H), bias_ih_l{l} (G*H),
 * bias_hh_l{l} (G*H, absent when "bias_hh": false); then head.weight (O, H)
 * and head.bias (O).
 *
 * Conventions: actions return int (0 ok, negative NET_ERR_*); constructors
 * return NULL; every error fills the caller's NetError with one line that
 * names the file, the key path and the problem, e.g.
 * "m.json: params.weight_hh_l0: expected 8 x 8, got 8 x 7". Loading is all
 * or nothing: on error no object is returned and no output is touched.
 *
 * The second half of this header is the strict JSON reader both file
 * formats share (data_io.c uses it); it is not meant for other callers.
 */
#ifndef RNNVIZ_MODEL_IO_H
#define RNNVIZ_MODEL_IO_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "net.h"

typedef struct ModelFile ModelFile;

/* Reads and fully validates a model file; name_for_messages (or path)
 * prefixes every error message. */
ModelFile *modelfile_load(const char *path, NetError *err);
ModelFile *modelfile_parse(const char *text, size_t len, const char *name_for_messages,
                           NetError *err);
void modelfile_destroy(ModelFile *m);

/* The file's configuration; max_batch and max_steps are 0 (the caller
 * chooses the capacity before net_create). */
const NetConfig *modelfile_config(const ModelFile *m);

/* Copies the parameters into net, which must have the same cell,
 * nonlinearity, sizes and bias_hh (loss and targets may differ: they do not
 * shape the parameters). Checks everything before copying anything. */
int modelfile_apply(const ModelFile *m, Net *net, NetError *err);

/* Writes net's configuration and parameters (numbers as %.17g, so a load
 * gives back the same bits). Atomic: a temporary file in the same
 * directory, flushed and fsync'ed, then renamed over path; on failure any
 * old file is left intact and err says why. Non-finite parameters are
 * refused (JSON cannot hold them, and the loader would refuse the file). */
int model_save(const Net *net, const char *path, NetError *err);

/* ---- Strict JSON shared with data_io.c ---------------------------------
 * RFC 8259 JSON checked by our own scanner before cJSON builds the tree:
 * cJSON is lenient (01, 1., +1, raw control characters) and forgets how a
 * number was written, while the contract refuses sizes and class indices
 * written with a fraction or exponent (3.0, 3e0). Objects may not repeat
 * a key; every number must be finite. Paths in messages read like
 * "params.head.weight[2][0]". */

typedef struct ModelJson ModelJson;

/* Reads a whole file into a NUL-terminated buffer (free() it). */
char *model_json_read_file(const char *path, size_t *len, NetError *err);
/* Parses text (len bytes) whose top level must be an object. */
ModelJson *model_json_parse(const char *text, size_t len, const char *name, NetError *err);
void model_json_destroy(ModelJson *doc);
const cJSON *model_json_root(const ModelJson *doc);
const char *model_json_name(const ModelJson *doc);

/* Formats "NAME: PATH: message" (or "NAME: message" when path is NULL or
 * empty) into err; returns NET_ERR_FORMAT. */
int model_json_fail(const ModelJson *doc, NetError *err, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* "format" equal to format and "version" equal to 1 (an integer). */
int model_json_check_format(const ModelJson *doc, const char *format, NetError *err);
/* Refuses keys of obj not in known[] (NULL-terminated; with a "did you
 * mean" suggestion) and repeated keys. */
int model_json_check_keys(const ModelJson *doc, const cJSON *obj, const char *path,
                          const char *const *known, NetError *err);
/* The member named key (exact, case-sensitive) or NULL. */
const cJSON *model_json_get(const cJSON *obj, const char *key);
/* A short description of a value for messages: "a string", "null", ... */
const char *model_json_kind(const cJSON *node);

/* An integer written without fraction or exponent, in [lo, hi]. */
int model_json_int(const ModelJson *doc, const cJSON *node, const char *path, int lo, int hi,
                   int *out, NetError *err);
/* A string equal to one of choices[] (NULL-terminated); *out is its index. */
int model_json_choice(const ModelJson *doc, const cJSON *node, const char *path,
                      const char *const *choices, int *out, NetError *err);

/* Dimensions of a nested array read along first elements (a ragged array
 * is only found by the readers below). Returns the rank found (0 for a
 * non-array), at most max_rank; a 0 in dims means an empty array there. */
int model_json_shape(const cJSON *node, int *dims, int max_rank);
/* A rank-dimensional array of exactly dims (row-major) of finite numbers
 * into out, or of class indices (integers in [0, n_classes) written
 * without fraction or exponent) into classes. Refuses other shapes,
 * ragged arrays and anything but numbers. */
int model_json_tensor(const ModelJson *doc, const cJSON *node, const char *path, int rank,
                      const int *dims, double *out, NetError *err);
int model_json_classes(const ModelJson *doc, const cJSON *node, const char *path, int rank,
                       const int *dims, int n_classes, int *classes, NetError *err);
/* "8 x 7", "24 numbers", "an empty array", "a string": for shape messages. */
void model_json_describe_shape(const cJSON *node, int max_rank, char *out, size_t cap);

#endif
