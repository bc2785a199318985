#include "version.h"

#include "data_io.h" /* the JSON library */
#include "la.h"      /* the BLAS library */
#include "lesson.h"  /* the Markdown library */
#if RNNVIZ_GUI
#include "backend_version.h"
#endif

#ifndef RNNVIZ_GIT_DESCRIBE
#define RNNVIZ_GIT_DESCRIBE ""
#endif

void version_print(FILE *out)
{
    fprintf(out, "rnnviz %s", RNNVIZ_VERSION);
    if (*RNNVIZ_GIT_DESCRIBE)
        fprintf(out, " (git %s)", RNNVIZ_GIT_DESCRIBE);
    fprintf(out, "\n");
#if RNNVIZ_GUI
    backend_version_print(out);
#else
    fprintf(out, "SDL: not built in (RNNVIZ_GUI=OFF)\n");
#endif
    fprintf(out, "OpenBLAS %s\n", la_blas_config());
    fprintf(out, "cJSON %s\n", data_io_json_version());
    fprintf(out, "cmark %s\n", lesson_markdown_version());
}
