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

/*
 * Pixel metrics: every padding, font size (fs_*), line width (lw_*) and
 * corner radius (radius_*) of the view, in pixels of the 1280x720 design at
 * UI scale 1. The view multiplies each by the layout's scale, so one table
 * says how large everything is drawn; no part of the view carries its own
 * "N * k" numbers.
 */
typedef struct {
    /* legibility floors: no text of a class is drawn smaller (26, 28, 20
     * and 16 px at 1920x1080, scale 1, where k = 1.5) */
    float fs_floor, fs_floor_body, fs_floor_node, fs_floor_tick;
    /* window regions and the network grid */
    float top_h, controls_h, lesson_min_w, side_min_w, net_label_w, net_head_h, net_pad, band_h,
        band_gap, band_inset, col_min_w, col_max_w, node_max_w, node_max_h, small_max_h;
    float net_min_w;      /* below this the side panels stack under the network */
    float focus_scale;    /* how much larger a focused panel's text is drawn */
    float node_aspect;    /* node height at most this times its width */
    float overview_h;     /* the overview strip of the whole sequence */
    float semantic_min_w; /* nodes narrower than this are marks, not numbers */
    float key_h;          /* a line of the colour key under the network */
    float key_one_line_w; /* the network width the key needs on one line */
    /* title bar and hover tip */
    float bar_pad, lw_panel_edge, fs_title, status_dy, fs_status, fs_tip, tip_pad_w, tip_pad_h,
        tip_dx, tip_dy, tip_gap, radius_tip, tip_text_x, tip_text_y;
    /* buttons */
    float fs_button, radius_button, lw_button_edge, button_text_inset;
    /* control bar */
    float bar_gap, bar_side_pad, bar_button_vpad, bar_label_inset, fs_bar_button, bar_button_top;
    /* help overlay */
    float fs_help, help_chrome_h, overlay_inset, help_w, radius_overlay, lw_overlay_edge,
        overlay_title_y, fs_overlay_title, help_rows_y, help_key_col, help_key_w, help_what_col,
        help_what_inset;
    /* lesson picker */
    float picker_row, picker_w, overlay_margin, picker_chrome_h, picker_title_y, picker_note_y,
        fs_overlay_note, picker_pad, picker_rows_y, picker_pad2, picker_row_gap;
    /* settings drawer */
    float slider_half_h, slider_h, slider_tick_half, lw_slider_mark, fs_slider_mark, slider_knob_r,
        lw_knob, drawer_pad, fs_drawer_row, drawer_row_inset, drawer_row_inset2, radius_row,
        drawer_buttons_gap, drawer_value_gap, drawer_pm_gap, drawer_title_y, fs_drawer_title,
        drawer_rows_y, drawer_chrome_h, drawer_row_max, slider_inset, slider_inset2;
    /* quit confirmation */
    float confirm_w, confirm_h, confirm_text_inset, confirm_note_y, fs_confirm_note,
        confirm_buttons_pad, confirm_pad, confirm_button_bottom, confirm_button_h, confirm_pad2;
    /* lesson panel */
    float radius_code, list_mark_x, list_indent, list_indent_fs, code_pad, quote_indent,
        quote_bar_x, quote_bar_w, lw_rule, lesson_pad, lesson_title_y, fs_lesson_title,
        lesson_title_h, fs_lesson_meta, progress_pitch, progress_dy, progress_r, lesson_meta_h,
        error_pad_x, error_pad_y, error_pad_x2, fs_error, error_box_extra, radius_error, error_gap,
        fs_step_title, step_title_h, step_title_gap, lesson_buttons_h, lesson_body_gap, fs_body_max,
        fs_body_min, fs_body_step, body_clip_margin, body_clip_margin2, lesson_button_gap,
        lesson_button_h;
    /* unrolled network */
    float arrow_len, arrow_half_w, lw_edge_fwd, lw_edge_ghost, lw_grad_min, lw_grad_gain,
        highlight_glow, radius_glow, highlight_gap, highlight_gap2, radius_highlight, lw_highlight,
        halo_min, halo_gain, radius_node, radius_node_box, node_inset, node_inset2, lw_node_edge,
        fs_node_label, node_label_y, node_label_inset, radius_symbol, lw_symbol_edge, fs_symbol,
        symbol_inset, symbol_text_inset, symbol_strip_inset2, loss_dash_dy, fs_loss_dash,
        anim_glow_r, anim_dot_r, row_label_gap, fs_row_label, row_sub_dy, radius_band, band_label_y,
        fs_band_label, band_pad2, fs_band_text, band_text_y, head_clip_margin, head_clip_margin2,
        head_y, fs_step_head, head_inset, scroll_hint_dy, fs_scroll_hint, lw_cell_rail,
        lw_cell_ghost, lw_cell_grad_gain;
    /* plots */
    float tick_min_gap, lw_grid, tick_gap, tick_dy, fs_tick, lw_minor_grid, fs_minor_tick,
        x_tick_pitch, x_tick_y, axis_label_y, fs_axis_label, lw_frame, marker_inset, marker_r,
        marker_label_below, marker_label_above, fs_marker, series_dot_r, legend_gap, legend_top,
        legend_row_h, swatch_y, swatch_w, swatch_h, radius_swatch, fs_legend, message_dy,
        fs_message, message_inset, region_label_x, region_label_y, fs_region, region_label_bottom,
        fs_bars_label, bars_label_h, lw_series_cmp, lw_series, lw_series_cell, bars_h, plot_pad_l,
        plot_pad_t, plot_pad_b_grad, lw_sigma_guide, lw_rho_guide, bars_gap, bars_bottom_gap,
        plot_pad_b, lw_series_loss, eigen_legend_w, eigen_pad_b, eigen_pad_l, eigen_pad_t,
        lw_unit_circle, eigen_circle_label_dy, fs_eigen_note, eigen_dot_r, eigen_legend_gap,
        eigen_legend_y, eigen_legend_row, fs_eigen_legend, eigen_pad_t2, fs_eigen_rho,
        fs_heat_label, heat_label_bottom, plot_pad_r, tab_pad2, tab_gap, tab_pad, tab_label_inset,
        fs_tab, tab_y, tab_h, tabs_h, legend_w, swatch_gap, legend_text_inset;
} ThemeMetrics;

extern const ThemeMetrics theme_metrics;

const Theme *theme_get(bool high_contrast);
/* The floor of a text class (DlTextClass), in design pixels. */
float theme_text_floor(int text_class);

/* v in [-1, 1] -> blue (negative), white (0), orange (positive). */
DlColor cmap_diverging(double v);
/* v in [0, 1] -> viridis; NaN gives grey. */
DlColor cmap_sequential(double v);
DlColor color_alpha(DlColor c, unsigned char a);
DlColor color_mix(DlColor a, DlColor b, double t);

#endif
