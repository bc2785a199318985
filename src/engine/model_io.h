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
 * The JSON itself is read by json_strict.h, which data_io.c shares.
 */
#ifndef RNNVIZ_MODEL_IO_H
#define RNNVIZ_MODEL_IO_H

#include <stddef.h>

#include "net.h"

typedef struct ModelFile ModelFile;

/* Files larger than their largest valid form are refused from their size
 * alone: the numbers they can hold at the limits, at most
 * FILE_BYTES_PER_NUMBER bytes each on average (a %.17g number with its
 * separator and indentation), plus FILE_BYTES_SLACK for the rest. */
#define FILE_BYTES_PER_NUMBER 48
#define FILE_BYTES_SLACK (1u << 20)

/* The largest valid model file for the limits of net.h (about 3.3 GB). */
size_t modelfile_max_bytes(void);

/* Reads and fully validates a model file; name_for_messages (or path)
 * prefixes every error message. A path that is not a regular file (FIFO,
 * device, directory) or is larger than modelfile_max_bytes() is refused
 * before anything is read; the header's sizes are checked before any
 * parameter is read or allocated. */
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

#endif
