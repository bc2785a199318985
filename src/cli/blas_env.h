/*
 * OpenBLAS under memory limits (ulimit -v, containers). Two things in
 * OpenBLAS 0.3 make a limited process spin forever instead of failing:
 * - its thread server starts when the library loads, before main; a
 *   worker allocates its work buffer (128 MB) at once and, when malloc
 *   fails, retries forever, and exit() then waits for it in
 *   blas_thread_shutdown_ (so even `rnnviz --help` never ends). Only the
 *   environment, read at load time, prevents the server: so rnnviz
 *   re-executes itself once with OPENBLAS_NUM_THREADS=1.
 * - the calling thread's own buffer is allocated at the first product,
 *   with the same endless retry. la_reserve() checks that the memory is
 *   there and makes that first product at startup, before anything else
 *   is allocated; OpenBLAS keeps the buffer for the process's life.
 */
#ifndef RNNVIZ_BLAS_ENV_H
#define RNNVIZ_BLAS_ENV_H

/* Re-executes the program with OPENBLAS_NUM_THREADS=1 unless it is set to
 * 1 already; returns only when that is so or exec is impossible. */
void blas_env_reexec(char **argv);

/* 0 when BLAS is ready for work; otherwise prints "rnnviz: out of memory"
 * with the reason and returns 1 (the exit status). Commands asking only
 * for --help / -h / --version skip it. */
int blas_env_ready(int argc, char **argv);

#endif
