#include "theme.h"

#include <math.h>

static const Theme light = {
    .bg = {248, 248, 245, 255},
    .panel = {255, 255, 255, 255},
    .panel_edge = {214, 214, 208, 255},
    .text = {28, 30, 36, 255},
    .text_dim = {96, 100, 110, 255},
    .grid = {226, 226, 220, 255},
    .forward = {0, 114, 178, 255}, /* Okabe-Ito blue */
    .backward = {213, 94, 0, 255}, /* Okabe-Ito vermillion */
    .cell = {204, 121, 167, 255},  /* Okabe-Ito reddish purple */
    .accent = {230, 159, 0, 255},  /* Okabe-Ito orange */
    .ghost = {200, 200, 196, 255},
    .good = {0, 158, 115, 255}, /* bluish green */
    .bad = {213, 94, 0, 255},
    .button = {236, 236, 232, 255},
    .button_on = {0, 114, 178, 255},
    .button_text = {28, 30, 36, 255},
};

static const Theme contrast = {
    .bg = {0, 0, 0, 255},
    .panel = {18, 18, 20, 255},
    .panel_edge = {120, 120, 120, 255},
    .text = {255, 255, 255, 255},
    .text_dim = {210, 210, 210, 255},
    .grid = {70, 70, 70, 255},
    .forward = {86, 180, 233, 255}, /* sky blue */
    .backward = {255, 140, 40, 255},
    .cell = {230, 150, 200, 255},
    .accent = {240, 228, 66, 255}, /* yellow */
    .ghost = {90, 90, 90, 255},
    .good = {0, 200, 150, 255},
    .bad = {255, 120, 60, 255},
    .button = {40, 40, 44, 255},
    .button_on = {86, 180, 233, 255},
    .button_text = {255, 255, 255, 255},
};

const Theme *theme_get(bool high_contrast)
{
    return high_contrast ? &contrast : &light;
}

DlColor color_mix(DlColor a, DlColor b, double t)
{
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    DlColor c = {
        (unsigned char)lround(a.r + (b.r - a.r) * t), (unsigned char)lround(a.g + (b.g - a.g) * t),
        (unsigned char)lround(a.b + (b.b - a.b) * t), (unsigned char)lround(a.a + (b.a - a.a) * t)};
    return c;
}

DlColor color_alpha(DlColor c, unsigned char a)
{
    c.a = a;
    return c;
}

DlColor cmap_diverging(double v)
{
    static const DlColor neg = {33, 102, 172, 255}, mid = {247, 247, 247, 255},
                         pos = {230, 97, 1, 255};
    if (isnan(v))
        return (DlColor){150, 150, 150, 255};
    v = v < -1 ? -1 : v > 1 ? 1 : v;
    return v < 0 ? color_mix(mid, neg, -v) : color_mix(mid, pos, v);
}

DlColor cmap_sequential(double v)
{
    /* viridis at nine stops */
    static const unsigned char stops[9][3] = {{68, 1, 84},    {71, 44, 122},  {59, 81, 139},
                                              {44, 113, 142}, {33, 144, 141}, {39, 173, 129},
                                              {92, 200, 99},  {170, 220, 50}, {253, 231, 37}};
    if (isnan(v))
        return (DlColor){150, 150, 150, 255};
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    double p = v * 8;
    int i = (int)p;
    if (i >= 8)
        i = 7;
    DlColor a = {stops[i][0], stops[i][1], stops[i][2], 255};
    DlColor b = {stops[i + 1][0], stops[i + 1][1], stops[i + 1][2], 255};
    return color_mix(a, b, p - i);
}
