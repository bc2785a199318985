/* Anti-aliased software rasteriser for draw lists: each command dispatched
 * to its painter (shapes and boxes in raster_shape.c and raster_box.c),
 * painted band by band so each band stays in cache. */
#include "raster.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h> /* coverage and blending, four pixels at a time */
#endif

#include "raster_blend.h"
#include "raster_shape.h"

/*
 * Pull the sides of a box that lie far outside the canvas in to FAR plus
 * margin beyond it: nothing visible changes. The margin must exceed twice
 * the corner radius, so that the shortened box keeps its corner radius.
 */
static void clamp_box(const Painter *p, float margin, float *x, float *y, float *w, float *h)
{
    float x1 = *x + *w, y1 = *y + *h;
    margin += FAR;
    float lo_x = -margin, hi_x = (float)p->cv->w + margin;
    float lo_y = -margin, hi_y = (float)p->cv->h + margin;
    if (*x < lo_x && x1 > lo_x)
        *x = lo_x;
    if (x1 > hi_x && *x < hi_x)
        x1 = hi_x;
    if (*y < lo_y && y1 > lo_y)
        *y = lo_y;
    if (y1 > hi_y && *y < hi_y)
        y1 = hi_y;
    *w = x1 - *x, *h = y1 - *y;
}

static void paint_rect(Painter *p, const DlCmd *c)
{
    if (!(c->w > 0.0f) || !(c->h > 0.0f))
        return;
    Ink k = make_ink(c->color, 1.0f);
    if (c->radius < 0.5f) {
        raster_fill_box(p, c->x, c->y, c->x + c->w, c->y + c->h, &k);
        return;
    }
    float x = c->x, y = c->y, w = c->w, h = c->h;
    clamp_box(p, 2.0f * fmin2(c->radius, 0.5f * fmin2(w, h)) + 2.0f, &x, &y, &w, &h);
    Shape s = raster_shape_rrect(x, y, w, h, c->radius);
    raster_paint_shape(p, &s, NULL, &k, false);
}

static void paint_rect_outline(Painter *p, const DlCmd *c)
{
    float x = c->x, y = c->y, w = c->w, h = c->h, t = c->width;
    if (!(w > 0.0f) || !(h > 0.0f) || !(t > 0.0f))
        return;
    if (2.0f * t >= fmin2(w, h)) {
        paint_rect(p, c);
        return;
    }
    Ink k = make_ink(c->color, 1.0f);
    if (c->radius < 0.5f) { /* four strips that do not overlap */
        raster_fill_box(p, x, y, x + w, y + t, &k);
        raster_fill_box(p, x, y + h - t, x + w, y + h, &k);
        raster_fill_box(p, x, y + t, x + t, y + h - t, &k);
        raster_fill_box(p, x + w - t, y + t, x + w, y + h - t, &k);
        return;
    }
    float r = fmin2(c->radius, 0.5f * fmin2(w, h));
    clamp_box(p, 2.0f * r + t + 2.0f, &x, &y, &w, &h);
    Shape outer = raster_shape_rrect(x, y, w, h, r);
    Shape hole = raster_shape_rrect(x + t, y + t, w - 2 * t, h - 2 * t, fmax2(r - t, 0.0f));
    raster_paint_shape(p, &outer, &hole, &k, false);
}

/* Circles smaller than a pixel keep a pixel-sized footprint and fade by area. */
static void paint_circle(Painter *p, const DlCmd *c)
{
    float r = c->radius;
    if (!(r > 0.0f))
        return;
    Ink k = make_ink(c->color, r < 0.5f ? 4.0f * r * r : 1.0f);
    if (r < 0.5f)
        r = 0.5f;
    Shape s = raster_shape_disc(c->x, c->y, r);
    raster_paint_shape(p, &s, NULL, &k, false);
}

static void paint_circle_outline(Painter *p, const DlCmd *c)
{
    float r = c->radius, t = c->width;
    if (!(r > 0.0f) || !(t > 0.0f))
        return;
    if (t >= r) {
        paint_circle(p, c);
        return;
    }
    Ink k = make_ink(c->color, 1.0f);
    float ri = r - t;
    Shape outer = raster_shape_disc(c->x, c->y, r);
    Shape hole = raster_shape_disc(c->x, c->y, ri);
    raster_paint_shape(p, &outer, &hole, &k, false);
}

/* Cut a segment to the canvas grown by margin (Liang-Barsky); false if nothing is left. */
static bool clip_segment(const Painter *p, float margin, float *x0, float *y0, float *x1, float *y1)
{
    float dx = *x1 - *x0, dy = *y1 - *y0, t0 = 0.0f, t1 = 1.0f;
    float w = (float)p->cv->w, h = (float)p->cv->h;
    margin += FAR;
    const float q[4] = {*x0 + margin, (w + margin) - *x0, *y0 + margin, (h + margin) - *y0};
    const float pp[4] = {-dx, dx, -dy, dy};
    for (int i = 0; i < 4; i++) {
        if (pp[i] == 0.0f) {
            if (q[i] < 0.0f)
                return false;
            continue;
        }
        float t = q[i] / pp[i];
        if (pp[i] < 0.0f)
            t0 = t > t0 ? t : t0;
        else
            t1 = t < t1 ? t : t1;
    }
    if (t0 > t1)
        return false;
    float ax = *x0 + t0 * dx, ay = *y0 + t0 * dy;
    *x1 = *x0 + t1 * dx, *y1 = *y0 + t1 * dy;
    *x0 = ax, *y0 = ay;
    return true;
}

/* Lines thinner than a pixel are drawn a pixel wide and faded by their width. */
static float stroke_radius(float width, float *alpha_scale)
{
    *alpha_scale = width < 1.0f ? fmax2(width, 0.0f) : 1.0f;
    return width < 1.0f ? 0.5f : 0.5f * width;
}

static void paint_line(Painter *p, const DlCmd *c)
{
    float fade;
    float r = stroke_radius(c->width, &fade);
    if (!(c->width > 0.0f))
        return;
    Ink k = make_ink(c->color, fade);
    float x0 = c->x, y0 = c->y, x1 = c->x1, y1 = c->y1;
    if (!clip_segment(p, r + 2.0f, &x0, &y0, &x1, &y1))
        return;
    Shape s = raster_shape_capsule(x0, y0, x1, y1, r);
    raster_paint_shape(p, &s, NULL, &k, false);
}

/*
 * Blend one row of a coverage mask (m indexed by canvas column) in colour k:
 * a = coverage * alpha, then mix(). Branch-free, four pixels at a time:
 * glyph edges make a per-pixel branch mispredict half the time.
 */
static void blit_mask_row(uint32_t *row, const uint8_t *m, int x0, int x1, const Ink *k)
{
    int x = x0;
#ifdef __SSE2__
    const __m128i zero = _mm_setzero_si128();
    const __m128i s16 = _mm_unpacklo_epi8(_mm_set1_epi32((int)k->opaque), zero);
    const __m128i ka = _mm_set1_epi16((short)(k->a << 8)); /* used only when k->a < 256 */
    for (; x + 4 <= x1; x += 4) {
        uint64_t m8 = 1;
        if (x + 8 <= x1)
            memcpy(&m8, m + x, 8);
        if (!m8) { /* blank stretch: skip eight */
            x += 4;
            continue;
        }
        uint32_t m4;
        memcpy(&m4, m + x, 4);
        if (!m4)
            continue;
        __m128i mm = _mm_unpacklo_epi8(_mm_cvtsi32_si128((int)m4), zero);
        mm = _mm_add_epi16(mm, _mm_srli_epi16(mm, 7));          /* 0..256 */
        __m128i a = k->a >= 256 ? mm : _mm_mulhi_epu16(mm, ka); /* (mm * ka) >> 8 */
        blend4(row + x, a, s16);
    }
#endif
    for (; x < x1; x++) {
        unsigned a = m[x];
        if (!a)
            continue;
        a = ((a + (a >> 7)) * k->a) >> 8;
        row[x] = mix(row[x], k, a);
    }
}

/*
 * A polyline is the union of its capsules: coverage goes into the mask as a
 * per-pixel maximum, then blends once, so translucent joints do not darken.
 */
static void paint_polyline(Painter *p, const DlCmd *c)
{
    if (!(c->width > 0.0f) || c->n_points < 2)
        return;
    float fade;
    float r = stroke_radius(c->width, &fade);
    Ink k = make_ink(c->color, fade);
    RasterCanvas *cv = p->cv;
    int ry0 = INT_MAX, ry1 = INT_MIN;
    for (int i = 0; i + 1 < c->n_points; i++) {
        const float *q = c->points + 2 * i;
        float ax = q[0], ay = q[1], bx = q[2], by = q[3];
        if (!clip_segment(p, r + 2.0f, &ax, &ay, &bx, &by))
            continue;
        Shape s = raster_shape_capsule(ax, ay, bx, by, r);
        raster_paint_shape(p, &s, NULL, &k, true);
        int y0 = ifloor(fmin2(ay, by) - r - 1.0f), y1 = ceil_i(fmax2(ay, by) + r + 1.0f);
        if (y0 < ry0)
            ry0 = y0;
        if (y1 > ry1)
            ry1 = y1;
    }
    if (ry0 < p->y0)
        ry0 = p->y0;
    if (ry1 > p->y1 - 1)
        ry1 = p->y1 - 1;
    for (int y = ry0; y <= ry1; y++) {
        if (cv->span0[y] > cv->span1[y])
            continue;
        uint32_t *row = cv->pixels + (size_t)y * cv->w;
        uint8_t *mrow = cv->mask + (size_t)y * cv->w;
        blit_mask_row(row, mrow, cv->span0[y], cv->span1[y] + 1, &k);
        memset(mrow + cv->span0[y], 0, (size_t)(cv->span1[y] - cv->span0[y] + 1));
        cv->span0[y] = INT_MAX;
        cv->span1[y] = -1;
    }
}

static void paint_text(Painter *p, const DlCmd *c, Fonts *fonts)
{
    if (!fonts || !c->text[0] || c->color.a == 0)
        return;
    /*
     * Cull before rasterising: text far off-screen is never rendered. The
     * ink may reach below the line height (and the mask is placed at
     * y rounded), so the bound is cmd_rows' two em.
     */
    if (c->y >= (float)p->y1 || c->y + 2.0f * c->size_px + 1.0f <= (float)p->y0)
        return;
    float tw = fonts_text_width(fonts, c->font, c->size_px, c->text);
    float x = c->x - (c->align == DL_ALIGN_CENTER  ? 0.5f * tw
                      : c->align == DL_ALIGN_RIGHT ? tw
                                                   : 0);
    if (x >= (float)p->x1 || x + tw + 2.0f <= (float)p->x0)
        return;
    const FontsText *t = fonts_text(fonts, c->font, c->size_px, c->text);
    if (!t)
        return;
    /* Re-anchor on the mask's own width, then snap to whole pixels. */
    x = c->x - (c->align == DL_ALIGN_CENTER  ? 0.5f * (float)t->w
                : c->align == DL_ALIGN_RIGHT ? (float)t->w
                                             : 0.0f);
    int ox = ifloor(x + 0.5f), oy = ifloor(c->y + 0.5f);
    int x0 = ox + t->ink_x0, x1 = ox + t->ink_x1, y0 = oy + t->ink_y0, y1 = oy + t->ink_y1;
    x0 = x0 > p->x0 ? x0 : p->x0, x1 = x1 < p->x1 ? x1 : p->x1;
    y0 = y0 > p->y0 ? y0 : p->y0, y1 = y1 < p->y1 ? y1 : p->y1;
    Ink k = make_ink(c->color, 1.0f);
    for (int y = y0; y < y1; y++) {
        uint32_t *row = p->cv->pixels + (size_t)y * p->cv->w;
        const uint8_t *m = t->alpha + (size_t)(y - oy) * t->w - ox;
        if (y + 2 < y1)
            prefetch_row(row + 2 * p->cv->w + x0);
        blit_mask_row(row, m, x0, x1, &k);
    }
}

/* The clip a clip command sets, within the band [band_y0, band_y1). */
static void set_clip(Painter *p, const DlCmd *c, int band_y0, int band_y1)
{
    RasterCanvas *cv = p->cv;
    p->x0 = 0, p->y0 = band_y0, p->x1 = cv->w, p->y1 = band_y1;
    if (c->has_clip) {
        int x0 = ifloor(c->clip_x0 + 0.5f), x1 = ifloor(c->clip_x1 + 0.5f);
        int y0 = ifloor(c->clip_y0 + 0.5f), y1 = ifloor(c->clip_y1 + 0.5f);
        p->x0 = x0 > 0 ? x0 : 0;
        p->x1 = x1 < cv->w ? x1 : cv->w;
        p->y0 = y0 > band_y0 ? y0 : band_y0;
        p->y1 = y1 < band_y1 ? y1 : band_y1;
    }
    if (p->x1 < p->x0)
        p->x1 = p->x0;
    if (p->y1 < p->y0)
        p->y1 = p->y0;
}

/* Rows a command may touch (generous: only for skipping it in other bands). */
static void cmd_rows(const DlCmd *c, float *y0, float *y1)
{
    float pad = 2.0f;
    switch (c->kind) {
    case DL_CMD_RECT:
    case DL_CMD_RECT_OUTLINE:
        *y0 = c->y, *y1 = c->y + c->h;
        break;
    case DL_CMD_LINE:
        pad += 0.5f * c->width;
        *y0 = fmin2(c->y, c->y1), *y1 = fmax2(c->y, c->y1);
        break;
    case DL_CMD_CIRCLE:
    case DL_CMD_CIRCLE_OUTLINE:
        *y0 = c->y - c->radius, *y1 = c->y + c->radius;
        break;
    case DL_CMD_POLYLINE:
        pad += 0.5f * c->width;
        *y0 = *y1 = c->points[1];
        for (int i = 1; i < c->n_points; i++)
            grow(y0, y1, c->points[2 * i + 1]);
        break;
    case DL_CMD_TEXT: /* DejaVu's line box is under 1.2 em; any descent fits in 2 em */
        *y0 = c->y, *y1 = c->y + 2.0f * c->size_px;
        break;
    default:
        *y0 = -INFINITY, *y1 = INFINITY;
        return;
    }
    *y0 -= pad, *y1 += pad;
}

static void paint_cmd(Painter *p, const DlCmd *c, Fonts *fonts)
{
    switch (c->kind) {
    case DL_CMD_RECT:
        paint_rect(p, c);
        break;
    case DL_CMD_RECT_OUTLINE:
        paint_rect_outline(p, c);
        break;
    case DL_CMD_LINE:
        paint_line(p, c);
        break;
    case DL_CMD_CIRCLE:
        paint_circle(p, c);
        break;
    case DL_CMD_CIRCLE_OUTLINE:
        paint_circle_outline(p, c);
        break;
    case DL_CMD_POLYLINE:
        paint_polyline(p, c);
        break;
    case DL_CMD_TEXT:
        paint_text(p, c, fonts);
        break;
    case DL_CMD_CLIP_PUSH:
    case DL_CMD_CLIP_POP:
        break; /* the caller keeps the clip */
    }
}

/*
 * Rows per band: about 192 KiB of canvas, so that the overdraw of a frame
 * (background, panels, nodes, text on top) stays in the L2 cache and memory
 * sees each pixel written about once; but at least 48 rows (368 KiB at
 * 1920 wide, still within L2), since every band pays for walking the list
 * and for starting each shape afresh.
 */
static int band_rows(int w)
{
    int rows = (192 * 1024) / (4 * (w > 0 ? w : 1));
    return rows < 48 ? 48 : rows;
}

/*
 * Commands are sized up once per paint, CHUNK at a time on the stack, not
 * once per band: a band then skips a command with two integer compares.
 * Every band paints one chunk before the next, so each pixel still sees the
 * commands in list order.
 */
#define CHUNK 1024
#define SKIP_ROW INT_MAX /* r0 of a command no band paints */

typedef struct {
    const DlCmd *cmd[CHUNK];
    int r0[CHUNK], r1[CHUNK]; /* rows the command may touch, inclusive */
    int n;
} Chunk;

static void chunk_load(Chunk *ch, const DrawList *dl, int i0, int n, int canvas_h)
{
    ch->n = n - i0 < CHUNK ? n - i0 : CHUNK;
    for (int j = 0; j < ch->n; j++) {
        const DlCmd *c = dl_cmd(dl, i0 + j);
        ch->cmd[j] = c;
        if (c->kind == DL_CMD_CLIP_PUSH || c->kind == DL_CMD_CLIP_POP) {
            ch->r0[j] = INT_MIN, ch->r1[j] = INT_MAX;
            continue;
        }
        float y0, y1;
        cmd_rows(c, &y0, &y1);
        ch->r0[j] = ifloor(y0), ch->r1[j] = ifloor(y1) + 1;
        if (c->color.a == 0 || ch->r1[j] < 0 || ch->r0[j] >= canvas_h)
            ch->r0[j] = SKIP_ROW;
    }
}

/* The fill raster_clear asked for, done band by band while the band is in cache. */
static void clear_rows(RasterCanvas *cv, int y0, int y1)
{
    fill(cv->pixels + (size_t)y0 * cv->w, 0, (y1 - y0) * cv->w, cv->clear_argb);
}

/* One chunk over one band; clip is the clip command in force at the chunk's start (or NULL). */
static void paint_chunk_band(RasterCanvas *cv, const Chunk *ch, const DlCmd *clip, int by0, int by1,
                             Fonts *fonts)
{
    Painter p = {cv, 0, by0, cv->w, by1};
    if (clip)
        set_clip(&p, clip, by0, by1);
    for (int j = 0; j < ch->n; j++) {
        if (ch->r1[j] < p.y0 || ch->r0[j] >= p.y1)
            continue;
        const DlCmd *c = ch->cmd[j];
        if (c->kind == DL_CMD_CLIP_PUSH || c->kind == DL_CMD_CLIP_POP) {
            set_clip(&p, c, by0, by1);
            continue;
        }
        if (p.x0 < p.x1)
            paint_cmd(&p, c, fonts);
    }
}

int raster_paint(RasterCanvas *cv, const DrawList *dl, Fonts *fonts)
{
    Chunk ch;
    int n = dl_count(dl), band = band_rows(cv->w);
    const DlCmd *clip = NULL;
    for (int i0 = 0; i0 == 0 || i0 < n; i0 += CHUNK) {
        chunk_load(&ch, dl, i0, n, cv->h);
        for (int by0 = 0; by0 < cv->h; by0 += band) {
            int by1 = by0 + band < cv->h ? by0 + band : cv->h;
            if (i0 == 0 && cv->clear_pending)
                clear_rows(cv, by0, by1);
            paint_chunk_band(cv, &ch, clip, by0, by1, fonts);
        }
        for (int j = 0; j < ch.n; j++)
            if (ch.cmd[j]->kind == DL_CMD_CLIP_PUSH || ch.cmd[j]->kind == DL_CMD_CLIP_POP)
                clip = ch.cmd[j];
    }
    cv->clear_pending = false;
    return 0;
}

int raster_render(RasterCanvas *cv, const DrawList *dl, Fonts *fonts, DlColor bg)
{
    const DlCmd *c = dl_count(dl) > 0 ? dl_cmd(dl, 0) : NULL;
    bool covered = c && c->kind == DL_CMD_RECT && c->color.a == 255 && c->radius < 0.5f &&
                   c->x <= 0.0f && c->y <= 0.0f && c->x + c->w >= (float)cv->w &&
                   c->y + c->h >= (float)cv->h;
    if (covered)
        cv->clear_pending = false;
    else
        raster_clear(cv, bg);
    return raster_paint(cv, dl, fonts);
}

void raster_clear(RasterCanvas *cv, DlColor bg)
{
    cv->clear_argb = raster_argb(bg);
    cv->clear_pending = true;
}

static int alloc_buffers(RasterCanvas *cv, int w, int h)
{
    size_t n = (size_t)w * (size_t)h;
    if (n <= cv->cap_px && h <= cv->cap_h)
        return 0;
    size_t cap = n > cv->cap_px ? n : cv->cap_px;
    int cap_h = h > cv->cap_h ? h : cv->cap_h;
    uint32_t *px = malloc((cap + PAD_PX) * sizeof *px);
    uint8_t *mask = calloc(cap + PAD_PX, 1);
    int *s0 = malloc((size_t)cap_h * sizeof *s0), *s1 = malloc((size_t)cap_h * sizeof *s1);
    if (!px || !mask || !s0 || !s1) {
        free(px), free(mask), free(s0), free(s1);
        return -1;
    }
    for (int i = 0; i < cap_h; i++)
        s0[i] = INT_MAX, s1[i] = -1;
    free(cv->pixels), free(cv->mask), free(cv->span0), free(cv->span1);
    cv->pixels = px, cv->mask = mask, cv->span0 = s0, cv->span1 = s1;
    cv->cap_px = cap, cv->cap_h = cap_h;
    return 0;
}

int raster_canvas_resize(RasterCanvas *cv, int w, int h)
{
    if (w < 1 || h < 1 || w > RASTER_MAX_SIDE || h > RASTER_MAX_SIDE)
        return -1;
    if (alloc_buffers(cv, w, h) != 0)
        return -1;
    cv->w = w, cv->h = h;
    return 0;
}

RasterCanvas *raster_canvas_create(int w, int h)
{
    RasterCanvas *cv = calloc(1, sizeof *cv);
    if (!cv)
        return NULL;
    if (raster_canvas_resize(cv, w, h) != 0) {
        raster_canvas_destroy(cv);
        return NULL;
    }
    return cv;
}

void raster_canvas_destroy(RasterCanvas *cv)
{
    if (!cv)
        return;
    free(cv->pixels);
    free(cv->mask);
    free(cv->span0);
    free(cv->span1);
    free(cv);
}
