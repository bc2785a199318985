/*
 * Data files: one batch (inputs, targets, optional initial states) as
 * JSON, in the format of shared/spec/engine-contract.md ("rnnviz-data",
 * version 1), checked against the model it will be run on.
 *
 * Shapes: B batch, T steps, I input, H hidden, L layers, O output.
 *   inputs  (B, T, I)
 *   targets softmax_ce: (B, T) class indices for "all", (B, 1) for "last";
 *           mse:        (B, T, O) for "all", (B, 1, O) for "last"
 *   h0, c0  optional (L, B, H); c0 for lstm only
 * with 1 <= B <= NET_MAX_BATCH and 1 <= T <= NET_MAX_STEPS.
 *
 * Conventions: constructors return NULL and fill the caller's NetError
 * with one line naming the file, the key path and the problem, e.g.
 * "d.json: targets[0][2]: class index 3 is out of range [0, 3)".
 */
#ifndef RNNVIZ_DATA_IO_H
#define RNNVIZ_DATA_IO_H

#include <stddef.h>

#include "net.h"

typedef struct DataFile DataFile;

/* Reads and fully validates a data file for a network configured as cfg
 * (cfg's max_batch and max_steps are not used). A path that is not a
 * regular file, or is larger than datafile_max_bytes(cfg), is refused
 * before anything is read; B and T are measured (without reading the
 * numbers) and a batch whose network would be over the memory cap
 * (net_config_bytes > NET_MAX_BYTES with capacity B x T) is refused
 * before any number is read or allocated. */
DataFile *datafile_load(const char *path, const NetConfig *cfg, NetError *err);
DataFile *datafile_parse(const char *text, size_t len, const char *name_for_messages,
                         const NetConfig *cfg, NetError *err);
void datafile_destroy(DataFile *d);

/* The largest valid data file for a network configured as cfg, at the
 * limits B = NET_MAX_BATCH, T = NET_MAX_STEPS (see FILE_BYTES_PER_NUMBER). */
size_t datafile_max_bytes(const NetConfig *cfg);

/* The batch, ready for net_bind; its pointers live as long as d. */
const NetBatch *datafile_batch(const DataFile *d);

/* The JSON library's version (for --version). */
const char *data_io_json_version(void);

#endif
