/*
 * The parts of the view (network, inspector, plots, controls, help, lesson
 * panel) and the drawing helpers they share. Only view*.c include this.
 */
#ifndef RNNVIZ_VIEW_PARTS_H
#define RNNVIZ_VIEW_PARTS_H

#include "view.h"

/* Everything a part of the view needs while drawing. */
typedef struct {
    const ViewModel *vm;
    const ViewParams *vp;
    const Layout *lo;
    const Theme *th;
    DrawList *dl;
    HitList *hits;
    float k;   /* scale factor: 1 at 1280x720, UI scale 1 */
    char *tip; /* the hover text a part sets, drawn last, on top */
} ViewCtx;

#define VIEW_TIP_CAP 160

/* Shared drawing helpers (view_text.c). */
float vt_width(const ViewCtx *c, DlFont font, float size, const char *s);
float vt_height(const ViewCtx *c, DlFont font, float size);
/* The smallest size text of the class in force may be drawn at, in pixels. */
float vt_floor(const ViewCtx *c);
/* Draws text shrunk (never below vt_floor) or cut with an ellipsis
 * to fit max_w: a caller that must not lose words checks the width first. */
void vt_text(const ViewCtx *c, float x, float y, DlFont font, float size, DlAlign align,
             DlColor color, const char *s, float max_w);
/* Text of parts joined by "  ·  ": the last parts give way until it fits. */
void vt_text_parts(const ViewCtx *c, float x, float y, DlFont font, float size, DlAlign align,
                   DlColor color, const char *s, float max_w);
/* Number for people: 3 decimals, or scientific when tiny or huge; NaN,
 * +Inf, −Inf. */
void vt_num(char *buf, size_t cap, double v);
/* A probability with as many decimals (3 to 9) as it takes for −ln of the
 * printed number to agree with −ln p to 0.5%, so "−ln 0.99917 = 8.3e-04"
 * can be checked from the screen. */
void vt_prob(char *buf, size_t cap, double p);
/* v with a printf format of one double ("%.2f"); NaN, +Inf, −Inf when not
 * finite, never the C library's "nan"/"-inf". */
void vt_fmt(char *buf, size_t cap, const char *fmt, double v);
/* A loss in at most four digits: 0.37, 21.4, 153; scientific past 10⁴. */
void vt_loss(char *buf, size_t cap, double v);
/* A spectral radius or σ_max, one format everywhere: 1.025. */
void vt_rho(char *buf, size_t cap, double v);
/* "12" -> "₁₂" */
void vt_subscript(char *buf, size_t cap, int n);
void vt_button(const ViewCtx *c, Rect r, int id, const char *label, bool on);
/* A button whose label is drawn at fs: a row of buttons shares one size. */
void vt_button_sized(const ViewCtx *c, Rect r, int id, const char *label, bool on, float fs);
/* The largest size up to size at which every label fits its width. */
float vt_fit_size(const ViewCtx *c, DlFont font, float size, const char *const *labels, int n,
                  const float *widths);
/* A row of values as a heatmap strip (diverging, scaled by max |v|). */
void vt_heat_strip(const ViewCtx *c, Rect r, const double *v, int n, double scale);

/* The parts. */
void netview_draw(const ViewCtx *c);
void inspector_draw(const ViewCtx *c);
/* The height the inspector needs at its full size in c->lo->inspector's
 * width, its vector rows in ncol columns (c->dl unused); 0 with no node. */
float inspector_need(const ViewCtx *c, int ncol);
void plots_draw(const ViewCtx *c);
void controls_draw(const ViewCtx *c);
void help_draw(const ViewCtx *c);
void lessonpanel_draw(const ViewCtx *c);
/* Whether the lesson's narration fits a panel r at its floor size (c->dl unused). */
bool lessonpanel_fits(const ViewCtx *c, Rect r);
void picker_draw(const ViewCtx *c);
void drawer_draw(const ViewCtx *c);
void confirm_draw(const ViewCtx *c);
/* What the narration points at (marks.c): shaded columns, ringed nodes. */
void marks_draw(const ViewCtx *c);
/* Whether r covers a node the marks ring (the question card moves). */
bool marks_overlap(const ViewCtx *c, Rect r);
/* The lesson step's question and goal (askpanel.c): a card over the
 * lower part of the diagram, sized to its text whatever the narration's
 * length; askpanel_rect is where it goes (h = 0: nothing to show). */
Rect askpanel_rect(const ViewCtx *c);
void askpanel_draw(const ViewCtx *c);

/* Short Markdown through the narration model (richtext.c): inline code,
 * bold, italic; paragraphs wrapped at w from (x, y). Draws when emit;
 * returns the height. */
typedef struct {
    float size;
    DlColor color;
    bool bold, italic; /* the base style */
} RichStyle;
float rich_flow(const ViewCtx *c, const char *md, float x, float y, float w, const RichStyle *rs,
                bool emit);

#endif
