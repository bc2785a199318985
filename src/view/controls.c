/* The button bar: every control is also a key (shown on the button). */
#include <stdio.h>

#include "view_parts.h"

static const ThemeMetrics *const tm = &theme_metrics;

void controls_draw(const ViewCtx *c)
{
    const Rect r = c->lo->controls;
    const Theme *th = c->th;
    const ViewState *v = view_state(c->vp);
    int panels = c->vm->display.panels;
    float k = c->k;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, 0, th->panel);
    dl_line(c->dl, r.x, r.y, r.x + r.w, r.y, tm->lw_panel_edge * k, th->panel_edge);
    char speed[32];
    snprintf(speed, sizeof speed, "Speed %g/s", v->speed);
    VmCell cell = c->vm->cell;
    struct {
        int id;
        const char *label;
        bool on;
        float w;
    } b[] = {
        {BTN_BACK, "◀ Back", false, 1},
        {BTN_STEP, "Step ▶", false, 1},
        {BTN_PLAY, v->playing ? "❚❚ Pause" : "▶ Play", v->playing, 1.05f},
        {BTN_SPEED, speed, false, 1.15f},
        {BTN_FORWARD_ALL, "Forward all", false, 1.25f},
        {BTN_BACKWARD_ALL, "Backward all", false, 1.4f},
        {BTN_UPDATE, "Update", false, 0.95f},
        {BTN_TRAIN, "Train", false, 0.85f},
        {BTN_RESET, "Reset", false, 0.85f},
        {BTN_RNN, "RNN", cell == VM_CELL_RNN, 0.8f},
        {BTN_GRU, "GRU", cell == VM_CELL_GRU, 0.8f},
        {BTN_LSTM, "LSTM", cell == VM_CELL_LSTM, 0.85f},
        {BTN_SETTINGS, "Settings", v->drawer_open, 1.0f},
        {BTN_HELP, "? Keys", (panels & VM_PANEL_HELP) != 0, 0.8f},
    };
    int n = (int)(sizeof b / sizeof b[0]);
    float total = 0, gap = tm->bar_gap * k, pad = tm->bar_side_pad * k;
    for (int i = 0; i < n; i++)
        total += b[i].w;
    float unit = (r.w - 2 * pad - gap * (n - 1)) / total;
    float x = r.x + pad, h = r.h - tm->bar_button_vpad * k;
    const char *labels[16];
    float widths[16];
    for (int i = 0; i < n; i++) {
        labels[i] = b[i].label;
        widths[i] = b[i].w * unit - tm->bar_label_inset * k;
    }
    /* one label size for the whole bar, so it reads as one row */
    float fs = vt_fit_size(c, DL_FONT_SANS_BOLD, tm->fs_bar_button * k, labels, n, widths);
    for (int i = 0; i < n; i++) {
        Rect br = {x, r.y + tm->bar_button_top * k, b[i].w * unit, h};
        vt_button_sized(c, br, b[i].id, b[i].label, b[i].on, fs);
        x += br.w + gap;
    }
}
