#include "version.h"

#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>
#include <cblas.h> /* openblas_get_config */
#include <cjson/cJSON.h>
#include <cmark.h>

#ifndef RNNVIZ_GIT_DESCRIBE
#define RNNVIZ_GIT_DESCRIBE ""
#endif

void version_print(FILE *out)
{
    SDL_version built, linked;
    SDL_VERSION(&built);
    SDL_GetVersion(&linked);
    const SDL_version *ttf = TTF_Linked_Version();
    fprintf(out, "rnnviz %s", RNNVIZ_VERSION);
    if (*RNNVIZ_GIT_DESCRIBE)
        fprintf(out, " (git %s)", RNNVIZ_GIT_DESCRIBE);
    fprintf(out, "\nSDL %d.%d.%d (built against %d.%d.%d)\n", linked.major, linked.minor,
            linked.patch, built.major, built.minor, built.patch);
    fprintf(out, "SDL_ttf %d.%d.%d\n", ttf->major, ttf->minor, ttf->patch);
    fprintf(out, "OpenBLAS %s\n", openblas_get_config());
    fprintf(out, "cJSON %s\n", cJSON_Version());
    fprintf(out, "cmark %s\n", cmark_version_string());
}
