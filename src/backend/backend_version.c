#include "backend_version.h"

#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>

void backend_version_print(FILE *out)
{
    SDL_version built, linked;
    SDL_VERSION(&built);
    SDL_GetVersion(&linked);
    const SDL_version *ttf = TTF_Linked_Version();
    fprintf(out, "SDL %d.%d.%d (built against %d.%d.%d)\n", linked.major, linked.minor,
            linked.patch, built.major, built.minor, built.patch);
    fprintf(out, "SDL_ttf %d.%d.%d\n", ttf->major, ttf->minor, ttf->patch);
}
