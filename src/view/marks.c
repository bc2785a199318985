/*
 * What the narration points at (a lesson's `highlight`, VmDisplay.marks):
 * shaded columns for steps, rings around the hidden, output or input nodes
 * of the steps named, over the network and inside its grid.
 */
#include "view_parts.h"

/* The metrics, in units of the network's scale (k). */
static const struct {
    float ring_gap, ring_w, radius, column_edge;
    unsigned char column_alpha;
} mm = {5, 3.5f, 8, 2, 38};

static void column(const ViewCtx *c, int t)
{
    const Layout *lo = c->lo;
    float k = c->k, x = layout_col_x(lo, t) - lo->col_w / 2;
    dl_rect(c->dl, x, lo->grid.y, lo->col_w, lo->grid.h, 0,
            color_alpha(c->th->accent, mm.column_alpha));
    dl_rect_outline(c->dl, x, lo->grid.y, lo->col_w, lo->grid.h, 0, mm.column_edge * k,
                    color_alpha(c->th->accent, 150));
}

static void ring(const ViewCtx *c, RowKind row, int l, int t)
{
    float k = c->k, g = mm.ring_gap * k;
    Rect r = layout_node(c->lo, row, l, t);
    dl_rect_outline(c->dl, r.x - g, r.y - g, r.w + 2 * g, r.h + 2 * g, mm.radius * k, mm.ring_w * k,
                    c->th->accent);
}

static void mark(const ViewCtx *c, const VmMark *m, int t0, int t1)
{
    for (int t = m->t0 > t0 ? m->t0 : t0; t <= m->t1 && t <= t1; t++) {
        if (m->what == VM_MARK_STEPS)
            column(c, t);
        else if (m->what == VM_MARK_H)
            for (int l = 0; l < c->vm->L; l++)
                ring(c, ROW_LAYER, l, t);
        else
            ring(c, m->what == VM_MARK_Y ? ROW_OUTPUT : ROW_INPUT, 0, t);
    }
}

bool marks_overlap(const ViewCtx *c, Rect r)
{
    const VmDisplay *d = &c->vm->display;
    for (int i = 0; i < d->n_marks; i++) {
        const VmMark *m = &d->marks[i];
        RowKind row = m->what == VM_MARK_H   ? ROW_LAYER
                      : m->what == VM_MARK_Y ? ROW_OUTPUT
                                             : ROW_INPUT;
        for (int t = m->t0; m->what != VM_MARK_STEPS && t <= m->t1 && t < c->vm->T; t++)
            if (rect_overlap(r, layout_node(c->lo, row, 0, t)))
                return true;
    }
    return false;
}

void marks_draw(const ViewCtx *c)
{
    const VmDisplay *d = &c->vm->display;
    const Layout *lo = c->lo;
    if (d->n_marks == 0 || lo->grid.w <= 0)
        return;
    int t0, t1;
    layout_visible_cols(lo, &t0, &t1);
    if (t1 >= c->vm->T)
        t1 = c->vm->T - 1;
    dl_clip_push(c->dl, lo->grid.x, lo->net.y, lo->grid.w, lo->net.h);
    for (int i = 0; i < d->n_marks; i++)
        mark(c, &d->marks[i], t0, t1);
    dl_clip_pop(c->dl);
}
