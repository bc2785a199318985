/*
 * The draw list: what the view wants painted, as plain data. The view emits
 * commands (rects, lines, circles, polylines, text, clip rectangles) in pixel
 * coordinates; a backend (software raster -> window or PNG, SVG text) reads
 * them back with dl_count/dl_cmd and paints them with one switch.
 *
 * No SDL here. All storage is allocated once by dl_create; emitting a command
 * never allocates. A command that does not fit (commands, text bytes or
 * polyline points) is dropped and sets the overflow flag, which the caller
 * checks once per frame with dl_overflowed (and should treat as a bug: raise
 * the capacity). A command with a non-finite coordinate or size (NaN, Inf)
 * is refused with DL_ERR_ARG and not stored: the view draws overflow markers
 * itself, backends never see non-finite geometry.
 *
 * Conventions: constructors return NULL; actions return int (0 ok, negative
 * DL_ERR_*); predicates return bool; dl_destroy(NULL) is fine.
 *
 * Colors are straight (non-premultiplied) RGBA; a < 255 blends over what is
 * already painted ("source over"), in command order.
 */
#ifndef RNNVIZ_DRAWLIST_H
#define RNNVIZ_DRAWLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DL_CLIP_MAX_DEPTH 32 /* nested dl_clip_push levels */

enum {
    DL_OK = 0,
    DL_ERR_OVERFLOW = -1, /* the command did not fit and was dropped */
    DL_ERR_CLIP = -2,     /* pop without push, or pushes nested too deep */
    DL_ERR_ARG = -3,      /* NULL text, n < 2 points, ... */
};

typedef struct {
    uint8_t r, g, b, a;
} DlColor;

typedef enum {
    DL_FONT_SANS,
    DL_FONT_SANS_BOLD,
    DL_FONT_SANS_ITALIC,
    DL_FONT_MONO,
    DL_FONT_COUNT
} DlFont;

/*
 * What a text is, for the legibility floors (theme.h): the view stamps the
 * class in force (dl_text_class) on each text command it emits.
 */
typedef enum {
    DL_TEXT_OTHER,     /* chrome: titles, buttons, row labels */
    DL_TEXT_BODY,      /* lesson narration and body text */
    DL_TEXT_NODE,      /* values inside the network's nodes */
    DL_TEXT_TICK,      /* plot ticks, axis labels and legends */
    DL_TEXT_INSPECTOR, /* the inspector panel */
    DL_TEXT_CLASS_COUNT
} DlTextClass;

/* Which point of the text box (x, y) names: its top-left, top-centre or top-right. */
typedef enum { DL_ALIGN_LEFT, DL_ALIGN_CENTER, DL_ALIGN_RIGHT } DlAlign;

typedef enum {
    DL_CMD_RECT,           /* x, y, w, h, radius */
    DL_CMD_RECT_OUTLINE,   /* x, y, w, h, radius, width (stroke thickness, inside the box) */
    DL_CMD_LINE,           /* (x, y) -> (x1, y1), width; round caps */
    DL_CMD_CIRCLE,         /* centre (x, y), radius */
    DL_CMD_CIRCLE_OUTLINE, /* centre (x, y), radius (outer edge), width (ring thickness inward) */
    DL_CMD_POLYLINE,       /* points[2*n_points] = x0,y0,x1,y1,..., width; round joins/caps */
    DL_CMD_TEXT,           /* (x, y) anchor per align, font, size, text */
    DL_CMD_CLIP_PUSH,      /* x, y, w, h: the requested rectangle; clip_*: the effective clip */
    DL_CMD_CLIP_POP,       /* clip_*: the effective clip after the pop */
} DlCmdKind;

/* One command. Fields not listed for a kind above are zero. */
typedef struct {
    DlCmdKind kind;
    DlColor color;
    float x, y, w, h;
    float x1, y1;
    float radius;
    float width;
    /* Text */
    DlFont font;
    float size_px;
    DlAlign align;
    const char *text; /* NUL-terminated UTF-8, owned by the list */
    DlTextClass text_class;
    /* Polyline */
    const float *points; /* owned by the list */
    int n_points;
    /*
     * Clip commands: the clip in force after this command, already
     * intersected with the enclosing clips ([clip_x0, clip_x1) x [clip_y0,
     * clip_y1)); has_clip is false once the outermost clip is popped.
     * A backend can simply set this rectangle, or keep its own stack.
     */
    bool has_clip;
    float clip_x0, clip_y0, clip_x1, clip_y1;
} DlCmd;

typedef struct DrawList DrawList;

/*
 * Text measuring for layout, without SDL in the view. The font backend
 * provides one (fonts_measure); dl_measure_approx is a font-free estimate
 * for tests of the view. text_width is the advance width of a single line;
 * line_height is the height of the text box a DL_CMD_TEXT occupies.
 */
typedef struct DlMeasure {
    void *ctx;
    float (*text_width)(void *ctx, DlFont font, float size_px, const char *utf8);
    float (*line_height)(void *ctx, DlFont font, float size_px);
} DlMeasure;

/* A deterministic estimate (0.6 em per code point, 1.2 em lines); no fonts needed. */
DlMeasure dl_measure_approx(void);

/* Capacity: commands, bytes of text (NUL terminators included), polyline points. */
DrawList *dl_create(int max_cmds, size_t max_text_bytes, int max_points);
void dl_destroy(DrawList *dl);

/* Forget every command, the overflow flag and the clip stack; keeps the buffers. */
void dl_clear(DrawList *dl);

int dl_rect(DrawList *dl, float x, float y, float w, float h, float radius, DlColor color);
int dl_rect_outline(DrawList *dl, float x, float y, float w, float h, float radius, float thickness,
                    DlColor color);
int dl_line(DrawList *dl, float x0, float y0, float x1, float y1, float width, DlColor color);
int dl_circle(DrawList *dl, float cx, float cy, float r, DlColor color);
int dl_circle_outline(DrawList *dl, float cx, float cy, float r, float thickness, DlColor color);
/* xy holds n points (2n floats), copied into the list; n >= 2. */
int dl_polyline(DrawList *dl, const float *xy, int n, float width, DlColor color);
/* Single line of text; (x, y) is the top-left/top-centre/top-right of its box by align. */
int dl_text(DrawList *dl, float x, float y, DlFont font, float size_px, DlAlign align,
            DlColor color, const char *utf8);

/* The class stamped on the text commands that follow (DL_TEXT_OTHER after
 * dl_clear); returns the class it replaces, to restore. */
DlTextClass dl_text_class(DrawList *dl, DlTextClass cls);
DlTextClass dl_text_class_now(const DrawList *dl);

/*
 * Clip rectangles nest: each push intersects with the enclosing clip. A pop
 * without a push returns DL_ERR_CLIP and sets the clip error flag. A push
 * always leaves room for its pop, so an overflowed list stays balanced.
 */
int dl_clip_push(DrawList *dl, float x, float y, float w, float h);
int dl_clip_pop(DrawList *dl);
int dl_clip_depth(const DrawList *dl);

/* Whether any command was dropped for lack of room since the last dl_clear. */
bool dl_overflowed(const DrawList *dl);
/* Whether a clip pop had no push, or pushes went deeper than DL_CLIP_MAX_DEPTH. */
bool dl_clip_error(const DrawList *dl);

/* Read access for backends and tests. */
int dl_count(const DrawList *dl);
const DlCmd *dl_cmd(const DrawList *dl, int i); /* NULL when i is out of range */
size_t dl_text_bytes_used(const DrawList *dl);
int dl_points_used(const DrawList *dl);

static inline DlColor dl_rgba(uint8_t r, uint8_t g, uint8_t b, uint8_t a)
{
    DlColor c = {r, g, b, a};
    return c;
}

#endif
