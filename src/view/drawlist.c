/* The draw list: fixed-capacity command, text and point buffers. */
#include "drawlist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    bool recorded; /* false when the push itself was dropped for lack of room */
    bool has_clip;
    float x0, y0, x1, y1;
} ClipLevel;

struct DrawList {
    DlCmd *cmds;
    int max_cmds, n_cmds;
    char *text;
    size_t max_text, text_used;
    float *points;
    int max_points, points_used;
    bool overflow, clip_err;
    int depth;         /* pushes minus pops, may exceed DL_CLIP_MAX_DEPTH after an error */
    int reserved_pops; /* recorded pushes whose pop is still to come */
    DlTextClass text_class;
    ClipLevel stack[DL_CLIP_MAX_DEPTH];
};

DrawList *dl_create(int max_cmds, size_t max_text_bytes, int max_points)
{
    if (max_cmds < 1 || max_points < 0)
        return NULL;
    DrawList *dl = calloc(1, sizeof *dl);
    if (!dl)
        return NULL;
    dl->cmds = calloc((size_t)max_cmds, sizeof *dl->cmds);
    dl->text = malloc(max_text_bytes ? max_text_bytes : 1);
    dl->points = malloc(sizeof(float) * 2 * (size_t)(max_points ? max_points : 1));
    if (!dl->cmds || !dl->text || !dl->points) {
        dl_destroy(dl);
        return NULL;
    }
    dl->max_cmds = max_cmds;
    dl->max_text = max_text_bytes;
    dl->max_points = max_points;
    return dl;
}

void dl_destroy(DrawList *dl)
{
    if (!dl)
        return;
    free(dl->cmds);
    free(dl->text);
    free(dl->points);
    free(dl);
}

void dl_clear(DrawList *dl)
{
    dl->n_cmds = 0;
    dl->text_used = 0;
    dl->points_used = 0;
    dl->overflow = false;
    dl->clip_err = false;
    dl->depth = 0;
    dl->reserved_pops = 0;
    dl->text_class = DL_TEXT_OTHER;
}

DlTextClass dl_text_class_now(const DrawList *dl)
{
    return dl->text_class;
}

DlTextClass dl_text_class(DrawList *dl, DlTextClass cls)
{
    DlTextClass old = dl->text_class;
    dl->text_class = cls;
    return old;
}

/* A slot for a drawing command, keeping room for the pops of open clips. */
static DlCmd *new_cmd(DrawList *dl, DlCmdKind kind, DlColor color)
{
    if (dl->n_cmds + dl->reserved_pops >= dl->max_cmds) {
        dl->overflow = true;
        return NULL;
    }
    DlCmd *c = &dl->cmds[dl->n_cmds++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->color = color;
    return c;
}

static bool finite4(float a, float b, float c, float d)
{
    return isfinite(a) && isfinite(b) && isfinite(c) && isfinite(d);
}

int dl_rect(DrawList *dl, float x, float y, float w, float h, float radius, DlColor color)
{
    if (!finite4(x, y, w, h) || !isfinite(radius))
        return DL_ERR_ARG;
    DlCmd *c = new_cmd(dl, DL_CMD_RECT, color);
    if (!c)
        return DL_ERR_OVERFLOW;
    c->x = x, c->y = y, c->w = w, c->h = h, c->radius = radius;
    return DL_OK;
}

int dl_rect_outline(DrawList *dl, float x, float y, float w, float h, float radius, float thickness,
                    DlColor color)
{
    if (!finite4(x, y, w, h) || !isfinite(radius) || !isfinite(thickness))
        return DL_ERR_ARG;
    DlCmd *c = new_cmd(dl, DL_CMD_RECT_OUTLINE, color);
    if (!c)
        return DL_ERR_OVERFLOW;
    c->x = x, c->y = y, c->w = w, c->h = h, c->radius = radius, c->width = thickness;
    return DL_OK;
}

int dl_line(DrawList *dl, float x0, float y0, float x1, float y1, float width, DlColor color)
{
    if (!finite4(x0, y0, x1, y1) || !isfinite(width))
        return DL_ERR_ARG;
    DlCmd *c = new_cmd(dl, DL_CMD_LINE, color);
    if (!c)
        return DL_ERR_OVERFLOW;
    c->x = x0, c->y = y0, c->x1 = x1, c->y1 = y1, c->width = width;
    return DL_OK;
}

int dl_circle(DrawList *dl, float cx, float cy, float r, DlColor color)
{
    if (!finite4(cx, cy, r, 0.0f))
        return DL_ERR_ARG;
    DlCmd *c = new_cmd(dl, DL_CMD_CIRCLE, color);
    if (!c)
        return DL_ERR_OVERFLOW;
    c->x = cx, c->y = cy, c->radius = r;
    return DL_OK;
}

int dl_circle_outline(DrawList *dl, float cx, float cy, float r, float thickness, DlColor color)
{
    if (!finite4(cx, cy, r, thickness))
        return DL_ERR_ARG;
    DlCmd *c = new_cmd(dl, DL_CMD_CIRCLE_OUTLINE, color);
    if (!c)
        return DL_ERR_OVERFLOW;
    c->x = cx, c->y = cy, c->radius = r, c->width = thickness;
    return DL_OK;
}

int dl_polyline(DrawList *dl, const float *xy, int n, float width, DlColor color)
{
    if (!xy || n < 2 || !isfinite(width))
        return DL_ERR_ARG;
    for (int i = 0; i < 2 * n; i++)
        if (!isfinite(xy[i]))
            return DL_ERR_ARG;
    if (n > dl->max_points - dl->points_used) {
        dl->overflow = true;
        return DL_ERR_OVERFLOW;
    }
    DlCmd *c = new_cmd(dl, DL_CMD_POLYLINE, color);
    if (!c)
        return DL_ERR_OVERFLOW;
    float *dst = dl->points + 2 * (size_t)dl->points_used;
    memcpy(dst, xy, sizeof(float) * 2 * (size_t)n);
    dl->points_used += n;
    c->points = dst;
    c->n_points = n;
    c->width = width;
    return DL_OK;
}

int dl_text(DrawList *dl, float x, float y, DlFont font, float size_px, DlAlign align,
            DlColor color, const char *utf8)
{
    if (!utf8 || !finite4(x, y, size_px, 0.0f) || (unsigned)font >= DL_FONT_COUNT)
        return DL_ERR_ARG;
    size_t len = strlen(utf8) + 1;
    if (len > dl->max_text - dl->text_used) {
        dl->overflow = true;
        return DL_ERR_OVERFLOW;
    }
    DlCmd *c = new_cmd(dl, DL_CMD_TEXT, color);
    if (!c)
        return DL_ERR_OVERFLOW;
    char *dst = dl->text + dl->text_used;
    memcpy(dst, utf8, len);
    dl->text_used += len;
    c->x = x, c->y = y, c->font = font, c->size_px = size_px, c->align = align;
    c->text = dst;
    c->text_class = dl->text_class;
    return DL_OK;
}

static void set_clip_fields(DlCmd *c, const ClipLevel *lv)
{
    c->has_clip = lv->has_clip;
    c->clip_x0 = lv->x0, c->clip_y0 = lv->y0, c->clip_x1 = lv->x1, c->clip_y1 = lv->y1;
}

/* The clip in force at the current depth (none at depth 0). */
static ClipLevel current_clip(const DrawList *dl)
{
    ClipLevel none = {false, false, 0, 0, 0, 0};
    int d = dl->depth < DL_CLIP_MAX_DEPTH ? dl->depth : DL_CLIP_MAX_DEPTH;
    return d > 0 ? dl->stack[d - 1] : none;
}

int dl_clip_push(DrawList *dl, float x, float y, float w, float h)
{
    if (!finite4(x, y, w, h))
        return DL_ERR_ARG;
    if (dl->depth >= DL_CLIP_MAX_DEPTH) {
        dl->depth++; /* keep pops matched; the clip stays as it was */
        dl->clip_err = true;
        return DL_ERR_CLIP;
    }
    ClipLevel outer = current_clip(dl);
    ClipLevel lv = {false, true, x, y, x + (w > 0 ? w : 0), y + (h > 0 ? h : 0)};
    if (outer.has_clip) {
        lv.x0 = fmaxf(lv.x0, outer.x0), lv.y0 = fmaxf(lv.y0, outer.y0);
        lv.x1 = fminf(lv.x1, outer.x1), lv.y1 = fminf(lv.y1, outer.y1);
        lv.x1 = fmaxf(lv.x1, lv.x0), lv.y1 = fmaxf(lv.y1, lv.y0);
    }
    int rc = DL_OK;
    /* Room for the push and its pop, besides the pops already reserved. */
    if (dl->n_cmds + dl->reserved_pops + 2 <= dl->max_cmds) {
        DlCmd *c = &dl->cmds[dl->n_cmds++];
        memset(c, 0, sizeof *c);
        c->kind = DL_CMD_CLIP_PUSH;
        c->x = x, c->y = y, c->w = w, c->h = h;
        set_clip_fields(c, &lv);
        lv.recorded = true;
        dl->reserved_pops++;
    } else {
        dl->overflow = true;
        rc = DL_ERR_OVERFLOW;
    }
    dl->stack[dl->depth++] = lv;
    return rc;
}

int dl_clip_pop(DrawList *dl)
{
    if (dl->depth <= 0) {
        dl->clip_err = true;
        return DL_ERR_CLIP;
    }
    if (dl->depth > DL_CLIP_MAX_DEPTH) {
        dl->depth--;
        return DL_OK;
    }
    bool recorded = dl->stack[dl->depth - 1].recorded;
    dl->depth--;
    if (!recorded)
        return DL_OK;
    ClipLevel now = current_clip(dl);
    DlCmd *c = &dl->cmds[dl->n_cmds++]; /* reserved by the push */
    memset(c, 0, sizeof *c);
    c->kind = DL_CMD_CLIP_POP;
    set_clip_fields(c, &now);
    dl->reserved_pops--;
    return DL_OK;
}

int dl_clip_depth(const DrawList *dl)
{
    return dl->depth;
}

bool dl_overflowed(const DrawList *dl)
{
    return dl->overflow;
}

bool dl_clip_error(const DrawList *dl)
{
    return dl->clip_err;
}

int dl_count(const DrawList *dl)
{
    return dl->n_cmds;
}

const DlCmd *dl_cmd(const DrawList *dl, int i)
{
    if (i < 0 || i >= dl->n_cmds)
        return NULL;
    return &dl->cmds[i];
}

size_t dl_text_bytes_used(const DrawList *dl)
{
    return dl->text_used;
}

int dl_points_used(const DrawList *dl)
{
    return dl->points_used;
}

static float approx_width(void *ctx, DlFont font, float size_px, const char *utf8)
{
    (void)ctx;
    (void)font;
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)utf8; *p; p++)
        if ((*p & 0xC0) != 0x80) /* count lead bytes, not continuation bytes */
            n++;
    return 0.6f * size_px * (float)n;
}

static float approx_line_height(void *ctx, DlFont font, float size_px)
{
    (void)ctx;
    (void)font;
    return 1.2f * size_px;
}

DlMeasure dl_measure_approx(void)
{
    DlMeasure m = {NULL, approx_width, approx_line_height};
    return m;
}
