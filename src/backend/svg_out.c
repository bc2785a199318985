/* Draw list -> SVG 1.1 text, one element per command. */
#include "svg_out.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"

/* DejaVu's ascender (1901 of 2048 units), as SDL_ttf rounds it: up. */
#define DEJAVU_ASCENT 0.92822f

typedef struct {
    char *s;
    size_t len, cap;
    bool failed;
} Buf;

static void put_n(Buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void put(Buf *b, const char *s)
{
    put_n(b, s, strlen(s));
}

/* A number with at most two decimals, locale-independent, no trailing zeros. */
static void put_num(Buf *b, float v)
{
    char tmp[48];
    long long c = llroundf(fmaxf(fminf(v, 1e9f), -1e9f) * 100.0f);
    const char *sign = c < 0 ? "-" : "";
    long long a = c < 0 ? -c : c;
    if (a % 100 == 0)
        snprintf(tmp, sizeof tmp, "%s%lld", sign, a / 100);
    else if (a % 10 == 0)
        snprintf(tmp, sizeof tmp, "%s%lld.%lld", sign, a / 100, (a % 100) / 10);
    else
        snprintf(tmp, sizeof tmp, "%s%lld.%02lld", sign, a / 100, a % 100);
    put(b, strcmp(tmp, "-0") == 0 ? "0" : tmp);
}

static void put_attr(Buf *b, const char *name, float v)
{
    put(b, " ");
    put(b, name);
    put(b, "=\"");
    put_num(b, v);
    put(b, "\"");
}

static void put_int(Buf *b, long v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%ld", v);
    put(b, tmp);
}

/* fill="#rrggbb" [fill-opacity=".."] (or stroke=...). */
static void put_paint(Buf *b, const char *what, DlColor c)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, " %s=\"#%02x%02x%02x\"", what, c.r, c.g, c.b);
    put(b, tmp);
    if (c.a < 255) {
        snprintf(tmp, sizeof tmp, "%s-opacity", what);
        put_attr(b, tmp, (float)c.a / 255.0f);
    }
}

static int utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    int n = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || (n == 2 && p[0] < 0xC2) || (n == 4 && p[0] > 0xF4))
        return 0;
    for (int i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* Text as XML character data: escapes, and no bytes an XML parser rejects. */
static void put_escaped(Buf *b, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        int n = utf8_len(p);
        if (n == 0) {
            put(b, "\xEF\xBF\xBD"); /* U+FFFD for a malformed byte */
            p++;
            continue;
        }
        if (*p == '&')
            put(b, "&amp;");
        else if (*p == '<')
            put(b, "&lt;");
        else if (*p == '>')
            put(b, "&gt;");
        else if (*p == '"')
            put(b, "&quot;");
        else if (*p == '\'')
            put(b, "&apos;");
        else if (*p < 0x20 && *p != '\t')
            put(b, " ");
        else
            put_n(b, (const char *)p, (size_t)n);
        p += n;
    }
}

static void put_rect(Buf *b, float x, float y, float w, float h, float r)
{
    put(b, "<rect");
    put_attr(b, "x", x);
    put_attr(b, "y", y);
    put_attr(b, "width", w);
    put_attr(b, "height", h);
    r = fminf(r, 0.5f * fminf(w, h));
    if (r > 0.0f) {
        put_attr(b, "rx", r);
        put_attr(b, "ry", r);
    }
}

static void put_stroke(Buf *b, DlColor c, float width)
{
    put(b, " fill=\"none\"");
    put_paint(b, "stroke", c);
    put_attr(b, "stroke-width", width);
}

static int text_px(float size_px)
{
    if (!(size_px >= FONTS_MIN_PX))
        return FONTS_MIN_PX;
    return size_px > FONTS_MAX_PX ? FONTS_MAX_PX : (int)lrintf(size_px);
}

static void emit_text(Buf *b, const DlCmd *c, Fonts *fonts)
{
    int px = text_px(c->size_px);
    float ascent = fonts ? fonts_ascent(fonts, c->font, (float)px) : ceilf(DEJAVU_ASCENT * px);
    static const char *const anchor[] = {"start", "middle", "end"};
    put(b, "<text");
    put_attr(b, "x", c->x);
    put_attr(b, "y", c->y + ascent);
    put(b, c->font == DL_FONT_MONO ? " font-family=\"DejaVu Sans Mono, monospace\""
                                   : " font-family=\"DejaVu Sans, sans-serif\"");
    if (c->font == DL_FONT_SANS_BOLD)
        put(b, " font-weight=\"bold\"");
    if (c->font == DL_FONT_SANS_ITALIC)
        put(b, " font-style=\"oblique\"");
    put(b, " font-size=\"");
    put_int(b, px);
    put(b, "\" text-anchor=\"");
    put(b, anchor[(unsigned)c->align <= DL_ALIGN_RIGHT ? c->align : 0]);
    put(b, "\" xml:space=\"preserve\"");
    put_paint(b, "fill", c->color);
    put(b, ">");
    put_escaped(b, c->text);
    put(b, "</text>\n");
}

static void emit_rect_outline(Buf *b, const DlCmd *c)
{
    float t = c->width;
    if (!(c->w > 0.0f) || !(c->h > 0.0f) || !(t > 0.0f))
        return;
    if (2.0f * t >= fminf(c->w, c->h)) { /* the stroke fills it */
        put_rect(b, c->x, c->y, c->w, c->h, c->radius);
        put_paint(b, "fill", c->color);
    } else { /* SVG strokes straddle the path: inset by half the width */
        put_rect(b, c->x + 0.5f * t, c->y + 0.5f * t, c->w - t, c->h - t,
                 fmaxf(c->radius - 0.5f * t, 0.0f));
        put_stroke(b, c->color, t);
    }
    put(b, "/>\n");
}

static void emit_line(Buf *b, const DlCmd *c)
{
    if (!(c->width > 0.0f))
        return;
    put(b, "<line");
    put_attr(b, "x1", c->x);
    put_attr(b, "y1", c->y);
    put_attr(b, "x2", c->x1);
    put_attr(b, "y2", c->y1);
    put_stroke(b, c->color, c->width);
    put(b, " stroke-linecap=\"round\"/>\n");
}

/* A filled circle, or (outline) a ring of the command's width. */
static void emit_circle(Buf *b, const DlCmd *c, bool outline)
{
    float t = fminf(c->width, c->radius);
    if (!(c->radius > 0.0f) || (outline && !(t > 0.0f)))
        return;
    put(b, "<circle");
    put_attr(b, "cx", c->x);
    put_attr(b, "cy", c->y);
    if (outline) {
        put_attr(b, "r", c->radius - 0.5f * t);
        put_stroke(b, c->color, t);
    } else {
        put_attr(b, "r", c->radius);
        put_paint(b, "fill", c->color);
    }
    put(b, "/>\n");
}

static void emit_polyline(Buf *b, const DlCmd *c)
{
    if (!(c->width > 0.0f))
        return;
    put(b, "<polyline points=\"");
    for (int i = 0; i < c->n_points; i++) {
        if (i)
            put(b, " ");
        put_num(b, c->points[2 * i]);
        put(b, ",");
        put_num(b, c->points[2 * i + 1]);
    }
    put(b, "\"");
    put_stroke(b, c->color, c->width);
    put(b, " stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\n");
}

/* The effective clip is already intersected with the enclosing ones. */
static void emit_clip_push(Buf *b, const DlCmd *c, int *clip_id, int *depth)
{
    put(b, "<defs><clipPath id=\"clip");
    put_int(b, *clip_id);
    put(b, "\">");
    put_rect(b, c->clip_x0, c->clip_y0, c->clip_x1 - c->clip_x0, c->clip_y1 - c->clip_y0, 0);
    put(b, "/></clipPath></defs>\n<g clip-path=\"url(#clip");
    put_int(b, *clip_id);
    put(b, ")\">\n");
    (*clip_id)++;
    (*depth)++;
}

static void emit(Buf *b, const DlCmd *c, Fonts *fonts, int *clip_id, int *depth)
{
    switch (c->kind) {
    case DL_CMD_RECT:
        if (!(c->w > 0.0f) || !(c->h > 0.0f))
            return;
        put_rect(b, c->x, c->y, c->w, c->h, c->radius);
        put_paint(b, "fill", c->color);
        put(b, "/>\n");
        return;
    case DL_CMD_RECT_OUTLINE:
        emit_rect_outline(b, c);
        return;
    case DL_CMD_LINE:
        emit_line(b, c);
        return;
    case DL_CMD_CIRCLE:
    case DL_CMD_CIRCLE_OUTLINE:
        emit_circle(b, c, c->kind == DL_CMD_CIRCLE_OUTLINE);
        return;
    case DL_CMD_POLYLINE:
        emit_polyline(b, c);
        return;
    case DL_CMD_TEXT:
        if (c->text[0])
            emit_text(b, c, fonts);
        return;
    case DL_CMD_CLIP_PUSH:
        emit_clip_push(b, c, clip_id, depth);
        return;
    case DL_CMD_CLIP_POP:
        if (*depth > 0) {
            put(b, "</g>\n");
            (*depth)--;
        }
        return;
    }
}

char *svg_out_string(const DrawList *dl, int w, int h, DlColor bg, Fonts *fonts)
{
    Buf b = {0};
    int clip_id = 0, depth = 0;
    put(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"");
    put_int(&b, w);
    put(&b, "\" height=\"");
    put_int(&b, h);
    put(&b, "\" viewBox=\"0 0 ");
    put_int(&b, w);
    put(&b, " ");
    put_int(&b, h);
    put(&b, "\">\n");
    put_rect(&b, 0, 0, (float)w, (float)h, 0);
    bg.a = 255;
    put_paint(&b, "fill", bg);
    put(&b, "/>\n");
    int n = dl_count(dl);
    for (int i = 0; i < n; i++) {
        const DlCmd *c = dl_cmd(dl, i);
        if (c->color.a == 0 && c->kind != DL_CMD_CLIP_PUSH && c->kind != DL_CMD_CLIP_POP)
            continue;
        emit(&b, c, fonts, &clip_id, &depth);
    }
    while (depth-- > 0) /* an unbalanced list still gives well-formed XML */
        put(&b, "</g>\n");
    put(&b, "</svg>\n");
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

int svg_out_write(const DrawList *dl, int w, int h, DlColor bg, Fonts *fonts, const char *path,
                  SvgError *err)
{
    if (w < 1 || h < 1) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "svg: bad size %dx%d for '%s'", w, h,
                     path ? path : "");
        return -1;
    }
    char *s = svg_out_string(dl, w, h, bg, fonts);
    if (!s) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "svg: out of memory writing '%s'",
                     path ? path : "");
        return -1;
    }
    char msg[512];
    int rc = afile_write(path, s, strlen(s), msg, sizeof msg);
    free(s);
    if (rc != 0) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "svg: %s", msg);
        return -1;
    }
    return 0;
}
