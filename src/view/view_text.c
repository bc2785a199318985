/* Drawing helpers shared by the parts of the view. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h> /* strtod */
#include <string.h>

#include "view_parts.h"

static const ThemeMetrics *const tm = &theme_metrics;

float vt_width(const ViewCtx *c, DlFont font, float size, const char *s)
{
    return c->vp->measure.text_width(c->vp->measure.ctx, font, size, s);
}

float vt_height(const ViewCtx *c, DlFont font, float size)
{
    return c->vp->measure.line_height(c->vp->measure.ctx, font, size);
}

/* Byte length of the longest UTF-8 prefix of s that is at most n bytes. */
static size_t utf8_cut(const char *s, size_t n)
{
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

float vt_floor(const ViewCtx *c)
{
    return ceilf(theme_text_floor(dl_text_class_now(c->dl)) * c->k * 100) / 100;
}

void vt_text(const ViewCtx *c, float x, float y, DlFont font, float size, DlAlign align,
             DlColor color, const char *s, float max_w)
{
    float w = vt_width(c, font, size, s);
    if (max_w > 0 && w > max_w) {
        /* smaller, never below the floor of the text's class; text
         * already under its floor (overlays) shrinks to 60% as it did */
        float floor_px = vt_floor(c);
        bool legacy = size < floor_px - 0.05f;
        float shrunk = legacy ? floorf(size * fmaxf(0.6f, max_w / w))
                              : fmaxf(floorf(size * max_w / w), floor_px);
        if (shrunk < size) {
            size = shrunk;
            w = vt_width(c, font, size, s);
        }
    }
    if (max_w > 0 && w > max_w) {
        /* the longest prefix that fits with an ellipsis, by bisection:
         * each probe is a text measurement, which is not free */
        char buf[512];
        size_t lo = 0, hi = strlen(s) < sizeof buf - 4 ? strlen(s) : sizeof buf - 4;
        while (lo < hi) {
            size_t mid = utf8_cut(s, (lo + hi + 1) / 2);
            if (mid <= lo)
                mid = lo + 1;
            while (mid < hi && ((unsigned char)s[mid] & 0xC0) == 0x80)
                mid++;
            memcpy(buf, s, mid);
            memcpy(buf + mid, "…", 4);
            if (vt_width(c, font, size, buf) <= max_w)
                lo = mid;
            else
                hi = mid - 1;
        }
        size_t n = utf8_cut(s, lo);
        if (n == 0)
            return;
        memcpy(buf, s, n);
        memcpy(buf + n, "…", 4);
        dl_text(c->dl, x, y, font, size, align, color, buf);
        return;
    }
    dl_text(c->dl, x, y, font, size, align, color, s);
}

void vt_text_parts(const ViewCtx *c, float x, float y, DlFont font, float size, DlAlign align,
                   DlColor color, const char *s, float max_w)
{
    static const char sep[] = "  ·  ";
    char buf[512];
    snprintf(buf, sizeof buf, "%s", s);
    while (vt_width(c, font, size, buf) > max_w) {
        char *last = NULL;
        for (char *p = strstr(buf, sep); p; p = strstr(p + 1, sep))
            last = p;
        if (!last)
            break;
        *last = '\0';
    }
    vt_text(c, x, y, font, size, align, color, buf, max_w);
}

void vt_prob(char *buf, size_t cap, double p)
{
    if (!(p > 0 && p < 1)) {
        vt_num(buf, cap, p);
        return;
    }
    for (int d = 3; d <= 9; d++) {
        snprintf(buf, cap, "%.*f", d, p);
        double shown = strtod(buf, NULL);
        if (shown > 0 && shown < 1 && fabs(log(shown) - log(p)) <= 0.005 * fabs(log(p)))
            return;
    }
}

void vt_num(char *buf, size_t cap, double v)
{
    if (isnan(v))
        snprintf(buf, cap, "NaN");
    else if (isinf(v))
        snprintf(buf, cap, v > 0 ? "+Inf" : "−Inf");
    else if (v != 0 && (fabs(v) >= 1e4 || fabs(v) < 1e-3))
        snprintf(buf, cap, "%.2e", v);
    else
        snprintf(buf, cap, "%.3f", v);
}

void vt_loss(char *buf, size_t cap, double v)
{
    if (!isfinite(v) || v >= 1e4 || (v != 0 && fabs(v) < 1e-3))
        vt_num(buf, cap, v);
    else
        snprintf(buf, cap, fabs(v) >= 100 ? "%.0f" : fabs(v) >= 10 ? "%.1f" : "%.2f", v);
}

void vt_rho(char *buf, size_t cap, double v)
{
    vt_fmt(buf, cap, "%.3f", v);
}

void vt_fmt(char *buf, size_t cap, const char *fmt, double v)
{
    if (isfinite(v))
        snprintf(buf, cap, fmt, v);
    else
        vt_num(buf, cap, v);
}

void vt_subscript(char *buf, size_t cap, int n)
{
    char digits[16];
    snprintf(digits, sizeof digits, "%d", n);
    size_t o = 0;
    for (const char *d = digits; *d && o + 4 < cap; d++) {
        if (*d == '-') {
            memcpy(buf + o, "₋", 3);
        } else {
            buf[o] = (char)0xE2;
            buf[o + 1] = (char)0x82;
            buf[o + 2] = (char)(0x80 + (*d - '0'));
        }
        o += 3;
    }
    buf[o] = '\0';
}

float vt_fit_size(const ViewCtx *c, DlFont font, float size, const char *const *labels, int n,
                  const float *widths)
{
    for (int i = 0; i < n; i++) {
        float w = vt_width(c, font, size, labels[i]);
        if (w > widths[i] && w > 0)
            size = floorf(size * widths[i] / w);
    }
    return size;
}

void vt_button(const ViewCtx *c, Rect r, int id, const char *label, bool on)
{
    vt_button_sized(c, r, id, label, on, tm->fs_button * c->k);
}

void vt_button_sized(const ViewCtx *c, Rect r, int id, const char *label, bool on, float fs)
{
    const Theme *th = c->th;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, tm->radius_button * c->k, on ? th->button_on : th->button);
    dl_rect_outline(c->dl, r.x, r.y, r.w, r.h, tm->radius_button * c->k, tm->lw_button_edge * c->k,
                    th->panel_edge);
    vt_text(c, r.x + r.w / 2, r.y + (r.h - vt_height(c, DL_FONT_SANS_BOLD, fs)) / 2,
            DL_FONT_SANS_BOLD, fs, DL_ALIGN_CENTER, on ? th->panel : th->button_text, label,
            r.w - tm->button_text_inset * c->k);
    if (c->hits && c->hits->n < VIEW_MAX_HITS) {
        Hit *h = &c->hits->hits[c->hits->n++];
        h->kind = HIT_BUTTON;
        h->id = id;
        h->arg = 0;
        h->r = r;
        h->l = h->t = -1;
        h->row = ROW_LAYER;
    }
}

void vt_heat_strip(const ViewCtx *c, Rect r, const double *v, int n, double scale)
{
    if (n <= 0)
        return;
    /* Cells narrower than 2 px would alias: average groups of values. */
    int cells = n, group = 1;
    while (r.w / cells < 2.0f && cells > 1) {
        group *= 2;
        cells = (n + group - 1) / group;
    }
    float cw = r.w / cells;
    for (int i = 0; i < cells; i++) {
        double s = 0;
        int m = 0;
        for (int j = i * group; j < n && j < (i + 1) * group; j++, m++)
            s += v[j];
        double val = m ? s / m : 0;
        double u = scale > 0 && isfinite(scale) ? val / scale : 0;
        DlColor col = isfinite(val) ? cmap_diverging(u) : c->th->bad;
        dl_rect(c->dl, r.x + i * cw, r.y, cw + 0.5f, r.h, 0, col);
    }
}
