/* OpenBLAS's thread server and first buffer, before any work (see the
 * header for why). */
#define _GNU_SOURCE /* execv of /proc/self/exe, setenv */
#include "blas_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "la.h"

void blas_env_reexec(char **argv)
{
    const char *v = getenv("OPENBLAS_NUM_THREADS");
    if (v && !strcmp(v, "1"))
        return;
    if (setenv("OPENBLAS_NUM_THREADS", "1", 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    /* no /proc: carry on; la_single_thread still limits the work to one
     * thread, only an exhausted limit can then spin */
}

int blas_env_ready(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") || !strcmp(argv[i], "--version"))
            return 0;
    if (la_reserve() == 0)
        return 0;
    fprintf(stderr,
            "rnnviz: out of memory: the linear algebra library (OpenBLAS) needs %zu MB of work "
            "space (check ulimit -v)\n",
            la_reserve_bytes() >> 20);
    return 1;
}
