/*
 * Fonts: the four DejaVu faces shipped in assets/fonts, opened per pixel size
 * on demand, a DlMeasure for the view's layout, and a cache of rasterised
 * text runs so that text unchanged from one frame to the next is never
 * rasterised again.
 *
 * Text is cached as an 8-bit coverage mask keyed by (font, pixel size,
 * string), independent of colour: the rasteriser tints it while blending,
 * so an animated colour costs nothing extra. The cache is a bounded LRU
 * (entries and bytes); the least recently used runs are evicted first.
 *
 * Sizes are whole pixels: size_px is rounded to the nearest integer and
 * clamped to [FONTS_MIN_PX, FONTS_MAX_PX], the same way for measuring and
 * drawing, so measured and drawn widths agree.
 *
 * Conventions: constructors return NULL and fill the caller's FontsError;
 * fonts_destroy(NULL) is fine. Needs SDL2_ttf, not SDL video.
 */
#ifndef RNNVIZ_FONTS_H
#define RNNVIZ_FONTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drawlist.h" /* DlFont, DlMeasure */

#define FONTS_MIN_PX 4
#define FONTS_MAX_PX 400
#define FONTS_CACHE_ENTRIES 4096      /* text runs kept */
#define FONTS_CACHE_BYTES (48u << 20) /* bytes of coverage masks kept */

typedef struct {
    char msg[512];
} FontsError;

typedef struct Fonts Fonts;

/*
 * One rasterised run of text: w x h coverage bytes, row-major, stride w.
 * Coverage is zero outside the ink box [ink_x0, ink_x1) x [ink_y0, ink_y1),
 * so painters can skip the blank margins above and below the glyphs.
 */
typedef struct {
    int w, h;
    const uint8_t *alpha;
    int ink_x0, ink_y0, ink_x1, ink_y1;
} FontsText;

/*
 * Loads DejaVuSans.ttf, DejaVuSans-Bold.ttf, DejaVuSans-Oblique.ttf and
 * DejaVuSansMono.ttf from <assets_dir>/fonts. assets_dir NULL means
 * paths_assets_dir() (RNNVIZ_ASSETS, else beside the binary, the install
 * prefix or the source tree: see paths.h). A missing or unreadable font
 * fails with a message naming its path.
 */
Fonts *fonts_create(const char *assets_dir, FontsError *err);
void fonts_destroy(Fonts *fonts);

/* The measuring functions the view lays out with (ctx is this Fonts). */
DlMeasure fonts_measure(Fonts *fonts);
float fonts_text_width(Fonts *fonts, DlFont font, float size_px, const char *utf8);
float fonts_line_height(Fonts *fonts, DlFont font, float size_px);
/* Pixels from the top of the text box to the baseline. */
float fonts_ascent(Fonts *fonts, DlFont font, float size_px);

/*
 * The coverage mask of one line of text, rasterised on first use and then
 * served from the cache. Returns NULL for empty text or a rasterising
 * failure. The mask stays valid until the next call into this Fonts.
 */
const FontsText *fonts_text(Fonts *fonts, DlFont font, float size_px, const char *utf8);

/* Whether the face has its own glyph for a code point (no fallback box). */
bool fonts_has_glyph(Fonts *fonts, DlFont font, uint32_t codepoint);

/* Cache statistics, for tests and the frame bench. */
typedef struct {
    long hits, misses; /* fonts_text lookups since creation */
    int entries;       /* text runs currently cached */
    size_t bytes;      /* bytes of coverage masks currently cached */
} FontsStats;
FontsStats fonts_stats(const Fonts *fonts);

#endif
