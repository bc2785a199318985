/* The lesson panel: narration of the current lesson step (issue 5 fills it
 * from the lesson's Markdown tree). Until then it says what is missing. */
#include "view_parts.h"

void lessonpanel_draw(const ViewCtx *c)
{
    const Rect r = c->lo->lesson;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, 0, c->th->panel);
    dl_line(c->dl, r.x + r.w, r.y, r.x + r.w, r.y + r.h, 1.5f * c->k, c->th->panel_edge);
    if (c->vp->lesson_error)
        vt_text(c, r.x + 14 * c->k, r.y + 14 * c->k, DL_FONT_SANS, 15 * c->k, DL_ALIGN_LEFT,
                c->th->bad, c->vp->lesson_error, r.w - 28 * c->k);
}
