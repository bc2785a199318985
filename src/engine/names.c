#include "names.h"

#include <string.h>

const char *names_get(const char *const *names, int n, int i)
{
    return i >= 0 && i < n ? names[i] : "unknown";
}

int names_find(const char *const *names, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (!strcmp(name, names[i]))
            return i;
    return -1;
}
