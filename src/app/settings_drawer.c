#include "settings_drawer.h"

#include <math.h>
#include <stdio.h>

double sdrawer_current(const Session *s, SettingId id)
{
    if (id == SET_SPECTRAL_RADIUS)
        return sess_spectral_radius(s, 0);
    return settings_value(sess_settings(s), id);
}

int sdrawer_nudge(Session *s, SettingId id, int dir, char *msg, size_t cap)
{
    if ((unsigned)id >= SET_COUNT) {
        snprintf(msg, cap, "no such setting");
        return NET_ERR_ARG;
    }
    if (id == SET_SEED) {
        uint64_t seed = sess_settings(s)->seed;
        return sess_set_seed(s, dir > 0 ? seed + 1 : seed > 0 ? seed - 1 : 0, msg, cap);
    }
    double next;
    if (!settings_nudge(id, sdrawer_current(s, id), dir, &next))
        return 0;
    return sess_set_value(s, id, next, msg, cap);
}

int sdrawer_slide(Session *s, double u, char *msg, size_t cap)
{
    return sess_set_value(s, SET_SPECTRAL_RADIUS, settings_from_unit(SET_SPECTRAL_RADIUS, u), msg,
                          cap);
}
