#include "colorscale.h"

#include <math.h>
#include <stdio.h>

double cs_grad_unit(double g)
{
    g = fabs(g);
    if (isnan(g) || g <= 0)
        return 0;
    if (isinf(g))
        return 1;
    double u = (log10(g) - CS_GRAD_LOG_LO) / (CS_GRAD_LOG_HI - CS_GRAD_LOG_LO);
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

DlColor cs_grad_color(double v)
{
    double u = cs_grad_unit(v);
    return cmap_diverging(v < 0 ? -u : u);
}

DlColor cs_act_color(double v)
{
    return cmap_diverging(v);
}

/* Cells narrower than 2 px would alias: each cell shows the value of
 * largest magnitude in its group (gradients) or the group's mean. */
static void strip(const ViewCtx *c, Rect r, const double *v, int n, bool grad)
{
    if (n <= 0 || !v)
        return;
    int cells = n, group = 1;
    while (r.w / cells < 2.0f && cells > 1) {
        group *= 2;
        cells = (n + group - 1) / group;
    }
    float cw = r.w / cells;
    for (int i = 0; i < cells; i++) {
        double s = 0, big = 0;
        int m = 0;
        for (int j = i * group; j < n && j < (i + 1) * group; j++, m++) {
            s += v[j];
            if (!(fabs(v[j]) <= fabs(big)))
                big = v[j];
        }
        double val = grad ? big : m ? s / m : 0;
        DlColor col = isnan(val) ? c->th->bad : grad ? cs_grad_color(val) : cs_act_color(val);
        dl_rect(c->dl, r.x + i * cw, r.y, cw + 0.5f, r.h, 0, col);
    }
}

void cs_grad_strip(const ViewCtx *c, Rect r, const double *v, int n)
{
    strip(c, r, v, n, true);
}

void cs_act_strip(const ViewCtx *c, Rect r, const double *v, int n)
{
    strip(c, r, v, n, false);
}

float cs_bar_line(const ViewCtx *c, float x, float y, float w, float fs, bool grad)
{
    /* gradients are signed: −10¹ … (white: |∂L| ≤ 10⁻⁸) … +10¹, a log
     * scale on each side of the middle, as the strips colour them */
    const char *lo = grad ? "−10¹" : "−1", *hi = grad ? "+10¹" : "+1";
    float k = c->k, lw = vt_width(c, DL_FONT_SANS, fs, lo) + 4 * k;
    float hw = vt_width(c, DL_FONT_SANS, fs, hi) + 4 * k, fh = vt_height(c, DL_FONT_SANS, fs);
    if (w - lw - hw < 20 * k)
        return 0;
    vt_text(c, x, y, DL_FONT_SANS, fs, DL_ALIGN_LEFT, c->th->text_dim, lo, lw);
    vt_text(c, x + w, y, DL_FONT_SANS, fs, DL_ALIGN_RIGHT, c->th->text_dim, hi, hw);
    Rect r = {x + lw, y + fh * 0.2f, w - lw - hw, fh * 0.6f};
    for (int i = 0; i < 24; i++) {
        double u = (i + 0.5) / 24, s = 2 * u - 1, m = fabs(s);
        DlColor col =
            grad ? cs_grad_color(
                       copysign(pow(10, CS_GRAD_LOG_LO + m * (CS_GRAD_LOG_HI - CS_GRAD_LOG_LO)), s))
                 : cs_act_color(s);
        dl_rect(c->dl, r.x + i * r.w / 24, r.y, r.w / 24 + 0.5f, r.h, 0, col);
    }
    dl_rect_outline(c->dl, r.x, r.y, r.w, r.h, 0, 1 * k, c->th->panel_edge);
    return fh;
}
