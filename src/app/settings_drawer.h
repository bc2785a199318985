/*
 * What the settings drawer's buttons, arrow keys and slider do to a
 * session: one notch of a setting, or the spectral radius slider. The
 * notches, scales and ranges are the settings table's (settings.h); every
 * change goes through the typed sess_set_value, so a structural change
 * rebuilds the network and says so, and a refused one keeps the state.
 *
 * Conventions: 0 or a negative NET_ERR_* code with msg filled.
 */
#ifndef RNNVIZ_SETTINGS_DRAWER_H
#define RNNVIZ_SETTINGS_DRAWER_H

#include <stddef.h>

#include "session.h"

/* The value a notch moves from: the live spectral radius of layer 0's
 * W_hh for SET_SPECTRAL_RADIUS (the setting may be 0, "as initialised"),
 * else the setting's value. */
double sdrawer_current(const Session *s, SettingId id);
/* One notch down (dir < 0) or up (dir > 0); at the end of a range, 0 and
 * nothing changes. */
int sdrawer_nudge(Session *s, SettingId id, int dir, char *msg, size_t cap);
/* The spectral radius slider at u in [0, 1] (its scale from the table). */
int sdrawer_slide(Session *s, double u, char *msg, size_t cap);

#endif
