/*
 * Numbers in CSV files: %.17g (round-trips a double), and one spelling for
 * the values that are not finite, `nan`, `inf` and `-inf`, which NumPy,
 * pandas and R read (C's printf would also write `-nan`).
 */
#ifndef RNNVIZ_CSV_NUM_H
#define RNNVIZ_CSV_NUM_H

#define CSV_NUM_CAP 32

/* Writes v into buf (CSV_NUM_CAP bytes) and returns buf. */
const char *csv_num(double v, char *buf);

#endif
