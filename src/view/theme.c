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
    .cell = {170, 68, 130, 255},   /* Okabe-Ito reddish purple, darkened to 5:1 */
    .accent = {184, 118, 0, 255},  /* Okabe-Ito orange, darkened to 3.5:1 */
    .ghost = {200, 200, 196, 255},
    .good = {0, 122, 88, 255}, /* bluish green, darkened: text at 5:1 */
    .bad = {184, 70, 0, 255},  /* vermillion, darkened: text at 5:1 */
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

const ThemeMetrics theme_metrics = {
    .fs_floor = 10.7f,
    .fs_floor_body = 17.4f,
    .fs_floor_node = 18.7f,
    .fs_floor_tick = 13.4f,
    /* window regions and the network grid */
    .top_h = 46,
    .controls_h = 56,
    .lesson_min_w = 300,
    .side_min_w = 360,
    .net_label_w = 80,
    .net_head_h = 30,
    .net_pad = 10,
    .band_h = 70,
    .band_gap = 4,
    .band_inset = 8,
    .col_min_w = 58,
    .col_max_w = 170,
    .node_max_w = 150,
    .node_max_h = 64,
    .small_max_h = 44,
    .net_min_w = 320,
    .focus_scale = 1.35f,
    .node_aspect = 0.9f,
    .overview_h = 22,
    .semantic_min_w = 34,
    .key_h = 26,
    .key_one_line_w = 400,
    /* title bar and hover tip */
    .bar_pad = 14,
    .lw_panel_edge = 1.5,
    .fs_title = 19,
    .status_dy = 1,
    .fs_status = 17,
    .fs_tip = 15,
    .tip_pad_w = 16,
    .tip_pad_h = 10,
    .tip_dx = 14,
    .tip_dy = 18,
    .tip_gap = 6,
    .radius_tip = 5,
    .tip_text_x = 8,
    .tip_text_y = 5,
    /* buttons */
    .fs_button = 15,
    .radius_button = 7,
    .lw_button_edge = 1.2,
    .button_text_inset = 8,
    /* control bar */
    .bar_gap = 8,
    .bar_side_pad = 12,
    .bar_button_vpad = 16,
    .bar_label_inset = 10,
    .fs_bar_button = 16,
    .bar_button_top = 8,
    /* help overlay */
    .fs_help = 18,
    .help_chrome_h = 90,
    .overlay_inset = 20,
    .help_w = 700,
    .radius_overlay = 14,
    .lw_overlay_edge = 2,
    .overlay_title_y = 18,
    .fs_overlay_title = 24,
    .help_rows_y = 64,
    .help_key_col = 230,
    .help_key_w = 210,
    .help_what_col = 250,
    .help_what_inset = 270,
    /* lesson picker */
    .picker_row = 46,
    .picker_w = 720,
    .overlay_margin = 40,
    .picker_chrome_h = 110,
    .picker_title_y = 16,
    .picker_note_y = 48,
    .fs_overlay_note = 15,
    .picker_pad = 20,
    .picker_rows_y = 80,
    .picker_pad2 = 40,
    .picker_row_gap = 8,
    /* settings drawer */
    .slider_half_h = 3,
    .slider_h = 6,
    .slider_tick_half = 10,
    .lw_slider_mark = 2,
    .fs_slider_mark = 12,
    .slider_knob_r = 9,
    .lw_knob = 2,
    .drawer_pad = 14,
    .fs_drawer_row = 16,
    .drawer_row_inset = 4,
    .drawer_row_inset2 = 8,
    .radius_row = 5,
    .drawer_buttons_gap = 8,
    .drawer_value_gap = 6,
    .drawer_pm_gap = 4,
    .drawer_title_y = 10,
    .fs_drawer_title = 20,
    .drawer_rows_y = 44,
    .drawer_chrome_h = 52,
    .drawer_row_max = 40,
    .slider_inset = 10,
    .slider_inset2 = 20,
    /* quit confirmation */
    .confirm_w = 560,
    .confirm_h = 170,
    .confirm_text_inset = 20,
    .confirm_note_y = 56,
    .fs_confirm_note = 16,
    .confirm_buttons_pad = 60,
    .confirm_pad = 20,
    .confirm_button_bottom = 62,
    .confirm_button_h = 44,
    .confirm_pad2 = 40,
    /* lesson panel */
    .radius_code = 3,
    .list_mark_x = 4,
    .list_indent = 26,
    .list_indent_fs = 16,
    .code_pad = 6,
    .quote_indent = 16,
    .quote_bar_x = 3,
    .quote_bar_w = 4,
    .lw_rule = 1,
    .lesson_pad = 16,
    .lesson_title_y = 12,
    .fs_lesson_title = 20,
    .lesson_title_h = 30,
    .fs_lesson_meta = 15,
    .progress_pitch = 14,
    .progress_dy = 10,
    .progress_r = 4,
    .lesson_meta_h = 30,
    .error_pad_x = 8,
    .error_pad_y = 6,
    .error_pad_x2 = 16,
    .fs_error = 14,
    .error_box_extra = 8,
    .radius_error = 6,
    .error_gap = 18,
    .fs_step_title = 19,
    .step_title_h = 34,
    .step_title_gap = 8,
    .lesson_buttons_h = 52,
    .lesson_body_gap = 8,
    .fs_body_max = 18,
    .fs_body_min = 17.4f,
    .fs_body_step = 0.5,
    .body_clip_margin = 4,
    .body_clip_margin2 = 8,
    .lesson_button_gap = 10,
    .lesson_button_h = 40,
    /* unrolled network */
    .arrow_len = 7,
    .arrow_half_w = 4.5,
    .lw_edge_fwd = 2.0,
    .lw_edge_ghost = 1.4,
    .lw_grad_min = 1.5,
    .lw_grad_gain = 7.0,
    .highlight_glow = 5,
    .radius_glow = 10,
    .highlight_gap = 2,
    .highlight_gap2 = 4,
    .radius_highlight = 8,
    .lw_highlight = 3.5,
    .halo_min = 3,
    .halo_gain = 9,
    .radius_node = 8,
    .radius_node_box = 7,
    .node_inset = 5,
    .node_inset2 = 10,
    .lw_node_edge = 1.6,
    .fs_node_label = 15,
    .node_label_y = 3,
    .node_label_inset = 6,
    .radius_symbol = 6,
    .lw_symbol_edge = 1.4,
    .fs_symbol = 20,
    .symbol_inset = 6,
    .symbol_text_inset = 4,
    .symbol_strip_inset2 = 8,
    .loss_dash_dy = 10,
    .fs_loss_dash = 16,
    .anim_glow_r = 9,
    .anim_dot_r = 5.5,
    .row_label_gap = 14,
    .fs_row_label = 16,
    .row_sub_dy = 1,
    .radius_band = 8,
    .band_label_y = 4,
    .fs_band_label = 13,
    .band_pad2 = 20,
    .fs_band_text = 15,
    .band_text_y = 20,
    .head_clip_margin = 8,
    .head_clip_margin2 = 16,
    .head_y = 6,
    .fs_step_head = 15,
    .head_inset = 4,
    .scroll_hint_dy = 14,
    .fs_scroll_hint = 14,
    .lw_cell_rail = 2.6,
    .lw_cell_ghost = 1.4,
    .lw_cell_grad_gain = 6,
    /* plots */
    .tick_min_gap = 30,
    .lw_grid = 1,
    .tick_gap = 6,
    .tick_dy = 9,
    .fs_tick = 14,
    .lw_minor_grid = 0.8,
    .fs_minor_tick = 12,
    .x_tick_pitch = 60,
    .x_tick_y = 4,
    .axis_label_y = 22,
    .fs_axis_label = 14,
    .lw_frame = 1.2,
    .marker_inset = 7,
    .marker_r = 6,
    .marker_label_below = 8,
    .marker_label_above = 26,
    .fs_marker = 13.4f,
    .series_dot_r = 3.5,
    .legend_gap = 8,
    .legend_top = 4,
    .legend_row_h = 26,
    .swatch_y = 6,
    .swatch_w = 14,
    .swatch_h = 5,
    .radius_swatch = 2,
    .fs_legend = 13.4f,
    .message_dy = 10,
    .fs_message = 15,
    .message_inset = 12,
    .region_label_x = 8,
    .region_label_y = 4,
    .fs_region = 14,
    .region_label_bottom = 22,
    .fs_bars_label = 13.4f,
    .bars_label_h = 18,
    .lw_series_cmp = 3,
    .lw_series = 2.6,
    .lw_series_cell = 2,
    .bars_h = 58,
    .plot_pad_l = 62,
    .plot_pad_t = 6,
    .plot_pad_b_grad = 48,
    .lw_sigma_guide = 1.6,
    .lw_rho_guide = 2.4,
    .bars_gap = 40,
    .bars_bottom_gap = 4,
    .plot_pad_b = 50,
    .lw_series_loss = 2.2,
    .eigen_legend_w = 140,
    .eigen_pad_b = 20,
    .eigen_pad_l = 12,
    .eigen_pad_t = 8,
    .lw_unit_circle = 2,
    .eigen_circle_label_dy = 18,
    .fs_eigen_note = 13.4f,
    .eigen_dot_r = 4,
    .eigen_legend_gap = 12,
    .eigen_legend_y = 30,
    .eigen_legend_row = 20,
    .fs_eigen_legend = 14,
    .eigen_pad_t2 = 6,
    .fs_eigen_rho = 15,
    .fs_heat_label = 13.4f,
    .heat_label_bottom = 16,
    .plot_pad_r = 76,
    .tab_pad2 = 28,
    .tab_gap = 6,
    .tab_pad = 14,
    .tab_label_inset = 8,
    .fs_tab = 15,
    .tab_y = 8,
    .tab_h = 30,
    .tabs_h = 44,
    .legend_w = 150,
    .swatch_gap = 18,
    .legend_text_inset = 4,
};

float theme_text_floor(int text_class)
{
    switch (text_class) {
    case DL_TEXT_BODY:
        return theme_metrics.fs_floor_body;
    case DL_TEXT_NODE:
        return theme_metrics.fs_floor_node;
    case DL_TEXT_TICK:
        return theme_metrics.fs_floor_tick;
    default:
        return theme_metrics.fs_floor;
    }
}

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
