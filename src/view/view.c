#include "view.h"

#include <stdio.h>
#include <string.h>

#include "view_parts.h"

static const ThemeMetrics *const tm = &theme_metrics;

ViewState view_state_default(void)
{
    return (ViewState){.zoom = 1, .follow = true, .anim = 1, .speed = 4, .ui_scale = 1};
}

const ViewState *view_state(const ViewParams *vp)
{
    static const ViewState def = {.zoom = 1, .follow = true, .anim = 1, .speed = 4, .ui_scale = 1};
    return vp->state ? vp->state : &def;
}

LayoutFocus view_focus(const ViewModel *vm, const ViewState *v)
{
    return v->focus > 0 ? (LayoutFocus)(v->focus - 1) : (LayoutFocus)vm->display.focus;
}

void view_layout(const ViewModel *vm, const ViewParams *vp, Layout *lo)
{
    const VmDisplay *d = &vm->display;
    const ViewState *v = view_state(vp);
    LayoutInput in = {
        .win_w = vp->win_w,
        .win_h = vp->win_h,
        .ui_scale = v->ui_scale,
        .steps = vm->T,
        .layers = vm->L,
        .zoom = v->zoom,
        .scroll_x = v->scroll_x,
        .focus_t = vm->has_cur ? vm->cur.t : 0,
        .follow = v->follow,
        .show_lesson = (vp->lesson && (d->panels & VM_PANEL_LESSON)) || v->drawer_open,
        .show_side = (d->panels & (VM_PANEL_INSPECTOR | VM_PANEL_PLOTS)) != 0,
        .show_controls = (d->panels & VM_PANEL_CONTROLS) != 0,
        .band = vm->sample[0] != '\0',
        .focus = view_focus(vm, v),
        .fit_all = v->fit_all || d->fit_all,
    };
    layout_compute(lo, &in);
    ViewCtx c = {vm, vp, lo, theme_get(v->high_contrast), NULL, NULL, lo->s, NULL};
    if (in.show_lesson && vp->lesson) {
        /* a wider lesson panel, in steps, until the narration fits at its floor */
        static const float widths[] = {0.5f, 0.6f, 0.75f, 1.0f};
        for (int i = 0; i < 4 && !lessonpanel_fits(&c, lo->lesson); i++) {
            in.lesson_w_min = widths[i] * vp->win_w;
            layout_compute(lo, &in);
        }
    }
    if (lo->inspector.w > 0 && lo->plots.h > 0 && !lo->stacked) {
        /* the inspector takes the height it needs from the plot, within limits */
        c.k = lo->s_side;
        in.inspector_h = inspector_need(&c, 1);
        in.inspector_h2 = inspector_need(&c, 2);
        layout_compute(lo, &in);
    }
}

static void draw_title(const ViewCtx *c, float y, float fs)
{
    const ViewModel *vm = c->vm;
    char title[160];
    snprintf(title, sizeof title, "rnnviz  ·  %s%s  ·  %s  ·  T=%d  H=%d  L=%d",
             vm->cell == VM_CELL_RNN   ? "RNN "
             : vm->cell == VM_CELL_GRU ? "GRU"
                                       : "LSTM",
             vm->cell == VM_CELL_RNN ? (vm->relu ? "relu" : "tanh") : "", vm->task_name, vm->T,
             vm->H, vm->L);
    vt_text_parts(c, tm->bar_pad * c->k, y, DL_FONT_SANS_BOLD, fs, DL_ALIGN_LEFT, c->th->text,
                  title, c->lo->top.w * 0.5f - tm->bar_pad * c->k);
}

static void draw_top(const ViewCtx *c)
{
    const Layout *lo = c->lo;
    const Theme *th = c->th;
    const ViewModel *vm = c->vm;
    float k = c->k;
    dl_rect(c->dl, lo->top.x, lo->top.y, lo->top.w, lo->top.h, 0, th->panel);
    dl_line(c->dl, 0, lo->top.h, lo->top.w, lo->top.h, tm->lw_panel_edge * k, th->panel_edge);
    float fs = tm->fs_title * k,
          y = lo->top.y + (lo->top.h - vt_height(c, DL_FONT_SANS_BOLD, fs)) / 2;
    draw_title(c, y, fs);
    static const char *phase_names[] = {"forward", "backward", "update"};
    char status[200 + VM_MESSAGE_LEN], loss[32];
    vt_num(loss, sizeof loss, vm->loss);
    snprintf(status, sizeof status, "%s  ·  op %d / %d  ·  iteration %ld  ·  loss %s",
             phase_names[vm->phase], vm->cursor, vm->op_count, vm->iteration,
             vm->any_loss ? loss : "–");
    if (c->vp->notice && c->vp->notice[0])
        snprintf(status, sizeof status, "%s", c->vp->notice);
    else if (vm->message[0])
        snprintf(status + strlen(status), sizeof status - strlen(status), "  ·  %s", vm->message);
    status[199] = '\0'; /* the status line's length before the message moved here */
    vt_text_parts(c, lo->top.w - tm->bar_pad * k, y + tm->status_dy * k, DL_FONT_SANS,
                  tm->fs_status * k, DL_ALIGN_RIGHT, th->text_dim, status,
                  lo->top.w * 0.5f - 2 * tm->bar_pad * k);
}

/* The exact value under the mouse, in a box beside the pointer. */
static void draw_tip(const ViewCtx *c)
{
    float k = c->k, fs = tm->fs_tip * k;
    float w = vt_width(c, DL_FONT_MONO, fs, c->tip) + tm->tip_pad_w * k,
          h = vt_height(c, DL_FONT_MONO, fs) + tm->tip_pad_h * k;
    float x = c->vp->mouse_x + tm->tip_dx * k, y = c->vp->mouse_y + tm->tip_dy * k;
    if (x + w > c->vp->win_w)
        x = c->vp->mouse_x - w - tm->tip_gap * k;
    if (y + h > c->vp->win_h)
        y = c->vp->mouse_y - h - tm->tip_gap * k;
    dl_rect(c->dl, x, y, w, h, tm->radius_tip * k, c->th->text);
    dl_text(c->dl, x + tm->tip_text_x * k, y + tm->tip_text_y * k, DL_FONT_MONO, fs, DL_ALIGN_LEFT,
            c->th->panel, c->tip);
}

void view_draw(const ViewModel *vm, const ViewParams *vp, DrawList *dl, HitList *hits)
{
    Layout lo;
    view_layout(vm, vp, &lo);
    const ViewState *v = view_state(vp);
    char tip[VIEW_TIP_CAP] = "";
    ViewCtx c = {vm, vp, &lo, theme_get(v->high_contrast), dl, hits, lo.s, tip};
    dl_clear(dl);
    if (hits)
        hits->n = 0;
    /* the backends clear to the theme's background: no full-window rect */
    /* a focused part draws at its own, larger scale */
    ViewCtx net = c, side = c;
    net.k = lo.s_net;
    side.k = lo.s_side;
    if (lo.net.w > 0 && lo.net.h > 0) {
        netview_draw(&net);
        marks_draw(&net);
    }
    if (lo.inspector.w > 0 && lo.inspector.h > 0) {
        dl_text_class(dl, DL_TEXT_INSPECTOR);
        inspector_draw(&side);
        dl_text_class(dl, DL_TEXT_OTHER);
    }
    if (lo.plots.w > 0 && lo.plots.h > 0)
        plots_draw(&side);
    if (lo.lesson.w > 0 && vp->lesson) /* the drawer alone opens it too */
        lessonpanel_draw(&c);
    if (vp->lesson && vp->prompt) /* over the diagram, beside the narration */
        askpanel_draw(&c);
    if (lo.controls.h > 0)
        controls_draw(&c);
    draw_top(&c);
    if (tip[0])
        draw_tip(&c);
    if (v->drawer_open)
        drawer_draw(&c);
    if (vp->picker)
        picker_draw(&c);
    if (vm->display.panels & VM_PANEL_HELP)
        help_draw(&c);
    if (v->confirm_quit)
        confirm_draw(&c);
}

const Hit *view_hit(const HitList *hits, float x, float y)
{
    for (int i = hits->n - 1; i >= 0; i--)
        if (rect_contains(hits->hits[i].r, x, y))
            return &hits->hits[i];
    return NULL;
}
