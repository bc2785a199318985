/*
 * The absolute colour scales of the view, and their colour bars:
 * - gradients: sign by hue, magnitude on one fixed log scale from
 *   10^CS_GRAD_LOG_LO (white) to 10^CS_GRAD_LOG_HI (full colour), so a
 *   1e-8 gradient looks faint beside a 0.1 one wherever it is drawn;
 * - activations: a fixed symmetric scale -1..1 (tanh states, gates);
 *   relu states and LSTM cells beyond +-1 show at full colour.
 * Halo sizes and edge widths use cs_grad_unit, the same log scale.
 */
#ifndef RNNVIZ_COLORSCALE_H
#define RNNVIZ_COLORSCALE_H

#include "view_parts.h"

#define CS_GRAD_LOG_LO (-8)
#define CS_GRAD_LOG_HI 1

/* |g| on the gradient scale: 0 at or below 1e-8, 1 at or above 10 (and for
 * Inf); NaN gives 0. */
double cs_grad_unit(double g);
DlColor cs_grad_color(double v);
DlColor cs_act_color(double v);
/* A row of values as a strip on one of the two scales. */
void cs_grad_strip(const ViewCtx *c, Rect r, const double *v, int n);
void cs_act_strip(const ViewCtx *c, Rect r, const double *v, int n);
/* A colour bar on one line, "10⁻⁸ [bar] 10¹" (grad) or "−1 [bar] +1",
 * w wide at (x, y); returns its height, 0 when too narrow to draw. */
float cs_bar_line(const ViewCtx *c, float x, float y, float w, float fs, bool grad);

#endif
