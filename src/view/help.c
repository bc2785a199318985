/* The ? overlay: every key, in two columns, over a dimmed window. */
#include <math.h>

#include "view_parts.h"

static const char *const keys[][2] = {
    {"→ / ←", "one node forward / back"},
    {"Space", "play / pause"},
    {"Page Down / Up", "next / previous lesson step"},
    {"F / B", "whole forward / backward pass"},
    {"U", "apply the update (end the iteration)"},
    {"T", "train (toggle)"},
    {"R", "reset the weights from the seed"},
    {"1 / 2 / 3", "RNN / GRU / LSTM"},
    {"+ / −", "spectral radius up / down"},
    {"Ctrl + = / Ctrl + −", "scale the whole UI"},
    {"F11", "full screen"},
    {"S / Shift+S", "save PNG / SVG of this view"},
    {"E", "save the gradient norms as CSV"},
    {"O", "settings drawer: cell, task, sizes, ρ slider, optimizer…"},
    {"↑ ↓ then ← →", "in the drawer: choose a setting, change it"},
    {"L / N", "lesson picker / hide the lesson panel"},
    {"Tab", "hide the control bar (presenting)"},
    {"C", "high-contrast theme"},
    {"P", "next plot: gradients, loss, eigenvalues, heatmap"},
    {"V / Shift+V", "compare RNN, GRU, LSTM gradients / train all three"},
    {"Wheel / drag", "zoom / pan the network"},
    {"Click", "inspect a node"},
    {"? or H", "this help"},
    {"Esc / Q", "close overlay / quit"},
};

void help_draw(const ViewCtx *c)
{
    const Theme *th = c->th;
    float k = c->k, W = (float)c->vp->win_w, H = (float)c->vp->win_h;
    dl_rect(c->dl, 0, 0, W, H, 0, color_alpha(th->text, 120));
    int n = (int)(sizeof keys / sizeof keys[0]);
    float fs = 18 * k, row = fs * 1.6f;
    if (row * n + 90 * k > H - 20 * k) {
        row = (H - 20 * k - 90 * k) / n;
        fs = row / 1.6f;
    }
    float bw = fminf(640 * k, W - 20 * k), bh = row * n + 90 * k;
    float x = (W - bw) / 2, y = (H - bh) / 2;
    dl_rect(c->dl, x, y, bw, bh, 14 * k, th->panel);
    dl_rect_outline(c->dl, x, y, bw, bh, 14 * k, 2 * k, th->panel_edge);
    vt_text(c, x + bw / 2, y + 18 * k, DL_FONT_SANS_BOLD, 24 * k, DL_ALIGN_CENTER, th->text, "Keys",
            bw);
    float ty = y + 64 * k;
    for (int i = 0; i < n; i++, ty += row) {
        vt_text(c, x + 230 * k, ty, DL_FONT_SANS_BOLD, fs, DL_ALIGN_RIGHT, th->forward, keys[i][0],
                210 * k);
        vt_text(c, x + 250 * k, ty, DL_FONT_SANS, fs, DL_ALIGN_LEFT, th->text, keys[i][1],
                bw - 270 * k);
    }
}
