/*
 * Colours: one palette per theme (light for laptops, high contrast for
 * projectors), Okabe-Ito hues so colour-blind viewers see every
 * distinction, and the two colour maps of values: diverging blue-white-
 * orange for signed values, sequential (viridis) for magnitudes.
 */
#ifndef RNNVIZ_THEME_H
#define RNNVIZ_THEME_H

#include <stdbool.h>

#include "drawlist.h"

typedef struct {
    DlColor bg, panel, panel_edge, text, text_dim, grid;
    DlColor forward;  /* values flowing forward */
    DlColor backward; /* gradients flowing back */
    DlColor cell;     /* the LSTM cell-state rail */
    DlColor accent;   /* the current node */
    DlColor ghost;    /* not yet computed */
    DlColor good, bad;
    DlColor button, button_on, button_text;
} Theme;

const Theme *theme_get(bool high_contrast);

/* v in [-1, 1] -> blue (negative), white (0), orange (positive). */
DlColor cmap_diverging(double v);
/* v in [0, 1] -> viridis; NaN gives grey. */
DlColor cmap_sequential(double v);
DlColor color_alpha(DlColor c, unsigned char a);
DlColor color_mix(DlColor a, DlColor b, double t);

#endif
