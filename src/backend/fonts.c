/* DejaVu fonts through SDL2_ttf, a per-size font cache and an LRU text cache. */
#include "fonts.h"
#include "paths.h"

#include <SDL2/SDL_ttf.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT_SLOTS 48 /* open (face, pixel size) pairs */
#define BUCKETS 8192  /* hash buckets of the text cache, a power of two */

static const char *const font_files[DL_FONT_COUNT] = {
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSansMono.ttf",
};

typedef struct {
    TTF_Font *ttf; /* NULL: free slot */
    int font, px;
    unsigned long last_use;
} FontSlot;

/* One cached text run: measured on first sight, rasterised on first draw. */
typedef struct {
    bool used;
    bool rendered;
    uint64_t hash;
    int font, px;
    char *text;
    float width;
    int w, h;
    uint8_t *alpha; /* NULL if empty or the rasteriser failed */
    int ink_x0, ink_y0, ink_x1, ink_y1;
    size_t bytes;   /* text + alpha, for the byte bound */
    int prev, next; /* LRU list, most recent first */
    int chain;      /* next entry in the same bucket */
} Entry;

struct Fonts {
    unsigned char *data[DL_FONT_COUNT];
    size_t size[DL_FONT_COUNT];
    FontSlot slots[FONT_SLOTS];
    unsigned long tick;
    Entry *entries;
    int *buckets;
    int free_head; /* free entries chained through .next */
    int lru_head, lru_tail;
    int n_entries;
    size_t bytes;
    long hits, misses;
    FontsText out;
};

static void set_error(FontsError *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_error(FontsError *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

static int read_file(const char *path, unsigned char **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -errno;
    unsigned char *buf = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (n <= 0 || fseek(f, 0, SEEK_SET) != 0 || !(buf = malloc((size_t)n)) ||
        fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return n == 0 ? -EINVAL : -EIO;
    }
    fclose(f);
    *data = buf;
    *size = (size_t)n;
    return 0;
}

static TTF_Font *open_face(Fonts *fonts, int font, int px)
{
    SDL_RWops *rw = SDL_RWFromConstMem(fonts->data[font], (int)fonts->size[font]);
    return rw ? TTF_OpenFontRW(rw, 1, px) : NULL;
}

Fonts *fonts_create(const char *assets_dir, FontsError *err)
{
    if (!assets_dir)
        assets_dir = paths_assets_dir();
    if (TTF_Init() != 0) {
        set_error(err, "fonts: cannot start SDL_ttf: %s", TTF_GetError());
        return NULL;
    }
    Fonts *fonts = calloc(1, sizeof *fonts);
    if (!fonts)
        goto out_quit;
    fonts->entries = calloc(FONTS_CACHE_ENTRIES, sizeof *fonts->entries);
    fonts->buckets = malloc(BUCKETS * sizeof *fonts->buckets);
    if (!fonts->entries || !fonts->buckets) {
        set_error(err, "fonts: out of memory");
        goto out_free;
    }
    for (int i = 0; i < BUCKETS; i++)
        fonts->buckets[i] = -1;
    for (int i = 0; i < FONTS_CACHE_ENTRIES; i++)
        fonts->entries[i].next = i + 1 < FONTS_CACHE_ENTRIES ? i + 1 : -1;
    fonts->free_head = 0;
    fonts->lru_head = fonts->lru_tail = -1;

    for (int f = 0; f < DL_FONT_COUNT; f++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/fonts/%s", assets_dir, font_files[f]);
        int rc = read_file(path, &fonts->data[f], &fonts->size[f]);
        if (rc != 0) {
            set_error(err,
                      "fonts: cannot read '%s': %s (set RNNVIZ_ASSETS to the folder "
                      "holding fonts/)",
                      path, strerror(-rc));
            goto out_free;
        }
        /* Parse it once now, so a corrupt file fails here and not mid-frame. */
        TTF_Font *probe = open_face(fonts, f, 12);
        if (!probe) {
            set_error(err, "fonts: '%s' is not a usable TrueType font: %s", path, TTF_GetError());
            goto out_free;
        }
        TTF_CloseFont(probe);
    }
    return fonts;

out_free:
    fonts_destroy(fonts);
    return NULL;
out_quit:
    set_error(err, "fonts: out of memory");
    TTF_Quit();
    return NULL;
}

void fonts_destroy(Fonts *fonts)
{
    if (!fonts)
        return;
    for (int i = 0; i < FONT_SLOTS; i++)
        if (fonts->slots[i].ttf)
            TTF_CloseFont(fonts->slots[i].ttf);
    if (fonts->entries) {
        for (int i = 0; i < FONTS_CACHE_ENTRIES; i++) {
            free(fonts->entries[i].text);
            free(fonts->entries[i].alpha);
        }
    }
    for (int f = 0; f < DL_FONT_COUNT; f++)
        free(fonts->data[f]);
    free(fonts->entries);
    free(fonts->buckets);
    free(fonts);
    TTF_Quit();
}

static int pixel_size(float size_px)
{
    if (!(size_px >= FONTS_MIN_PX)) /* also catches NaN */
        return FONTS_MIN_PX;
    if (size_px > FONTS_MAX_PX)
        return FONTS_MAX_PX;
    return (int)lrintf(size_px);
}

/* The open face for (font, px), opening it in the least recently used slot. */
static TTF_Font *face(Fonts *fonts, DlFont font, int px)
{
    int f = (unsigned)font < DL_FONT_COUNT ? (int)font : 0;
    FontSlot *victim = &fonts->slots[0];
    fonts->tick++;
    for (int i = 0; i < FONT_SLOTS; i++) {
        FontSlot *s = &fonts->slots[i];
        if (s->ttf && s->font == f && s->px == px) {
            s->last_use = fonts->tick;
            return s->ttf;
        }
        if (!s->ttf || (victim->ttf && s->last_use < victim->last_use))
            victim = s;
    }
    TTF_Font *ttf = open_face(fonts, f, px);
    if (!ttf)
        return NULL;
    if (victim->ttf)
        TTF_CloseFont(victim->ttf);
    victim->ttf = ttf;
    victim->font = f;
    victim->px = px;
    victim->last_use = fonts->tick;
    return ttf;
}

static uint64_t hash_key(int font, int px, const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    h = (h ^ (uint64_t)font) * 1099511628211ULL;
    h = (h ^ (uint64_t)px) * 1099511628211ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void lru_unlink(Fonts *fonts, int i)
{
    Entry *e = &fonts->entries[i];
    if (e->prev >= 0)
        fonts->entries[e->prev].next = e->next;
    else
        fonts->lru_head = e->next;
    if (e->next >= 0)
        fonts->entries[e->next].prev = e->prev;
    else
        fonts->lru_tail = e->prev;
}

static void lru_push_front(Fonts *fonts, int i)
{
    Entry *e = &fonts->entries[i];
    e->prev = -1;
    e->next = fonts->lru_head;
    if (fonts->lru_head >= 0)
        fonts->entries[fonts->lru_head].prev = i;
    fonts->lru_head = i;
    if (fonts->lru_tail < 0)
        fonts->lru_tail = i;
}

static void evict(Fonts *fonts, int i)
{
    Entry *e = &fonts->entries[i];
    int *link = &fonts->buckets[e->hash & (BUCKETS - 1)];
    while (*link != i)
        link = &fonts->entries[*link].chain;
    *link = e->chain;
    lru_unlink(fonts, i);
    fonts->bytes -= e->bytes;
    fonts->n_entries--;
    free(e->text);
    free(e->alpha);
    memset(e, 0, sizeof *e);
    e->next = fonts->free_head;
    fonts->free_head = i;
}

static void evict_to_fit(Fonts *fonts, size_t extra, int keep)
{
    while (fonts->lru_tail >= 0 && fonts->lru_tail != keep &&
           (fonts->n_entries >= FONTS_CACHE_ENTRIES || fonts->bytes + extra > FONTS_CACHE_BYTES))
        evict(fonts, fonts->lru_tail);
}

/* The cache entry for a run, measured; NULL only when out of memory or the font fails. */
static Entry *lookup(Fonts *fonts, DlFont font, float size_px, const char *utf8)
{
    int px = pixel_size(size_px);
    int f = (unsigned)font < DL_FONT_COUNT ? (int)font : 0;
    uint64_t h = hash_key(f, px, utf8);
    int *bucket = &fonts->buckets[h & (BUCKETS - 1)];
    for (int i = *bucket; i >= 0; i = fonts->entries[i].chain) {
        Entry *e = &fonts->entries[i];
        if (e->hash == h && e->font == f && e->px == px && strcmp(e->text, utf8) == 0) {
            lru_unlink(fonts, i);
            lru_push_front(fonts, i);
            return e;
        }
    }
    TTF_Font *ttf = face(fonts, (DlFont)f, px);
    int w = 0, hh = 0;
    if (!ttf || (*utf8 && TTF_SizeUTF8(ttf, utf8, &w, &hh) != 0))
        return NULL;
    size_t len = strlen(utf8) + 1;
    evict_to_fit(fonts, len, -1);
    int i = fonts->free_head;
    char *copy = malloc(len);
    if (i < 0 || !copy) {
        free(copy);
        return NULL;
    }
    memcpy(copy, utf8, len);
    Entry *e = &fonts->entries[i];
    fonts->free_head = e->next;
    memset(e, 0, sizeof *e);
    e->used = true;
    e->hash = h;
    e->font = f;
    e->px = px;
    e->text = copy;
    e->width = (float)w;
    e->bytes = len;
    e->chain = *bucket;
    *bucket = i;
    lru_push_front(fonts, i);
    fonts->n_entries++;
    fonts->bytes += len;
    return e;
}

float fonts_text_width(Fonts *fonts, DlFont font, float size_px, const char *utf8)
{
    Entry *e = lookup(fonts, font, size_px, utf8 ? utf8 : "");
    return e ? e->width : 0.0f;
}

float fonts_line_height(Fonts *fonts, DlFont font, float size_px)
{
    TTF_Font *ttf = face(fonts, font, pixel_size(size_px));
    return ttf ? (float)TTF_FontHeight(ttf) : 0.0f;
}

float fonts_ascent(Fonts *fonts, DlFont font, float size_px)
{
    TTF_Font *ttf = face(fonts, font, pixel_size(size_px));
    return ttf ? (float)TTF_FontAscent(ttf) : 0.0f;
}

static float measure_width(void *ctx, DlFont font, float size_px, const char *utf8)
{
    return fonts_text_width(ctx, font, size_px, utf8);
}

static float measure_line_height(void *ctx, DlFont font, float size_px)
{
    return fonts_line_height(ctx, font, size_px);
}

DlMeasure fonts_measure(Fonts *fonts)
{
    DlMeasure m = {fonts, measure_width, measure_line_height};
    return m;
}

/* Rasterise white text and keep only its alpha: coverage, whatever the colour. */
static void render_entry(Fonts *fonts, Entry *e, int index)
{
    e->rendered = true;
    if (!e->text[0])
        return;
    TTF_Font *ttf = face(fonts, (DlFont)e->font, e->px);
    SDL_Color white = {255, 255, 255, 255};
    SDL_Surface *s = ttf ? TTF_RenderUTF8_Blended(ttf, e->text, white) : NULL;
    if (!s)
        return;
    if (s->format->format != SDL_PIXELFORMAT_ARGB8888) {
        SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
        SDL_FreeSurface(s);
        if (!c)
            return;
        s = c;
    }
    size_t n = (size_t)s->w * (size_t)s->h;
    evict_to_fit(fonts, n, index);
    uint8_t *alpha = malloc(n ? n : 1);
    if (!alpha) {
        SDL_FreeSurface(s);
        return;
    }
    int x0 = s->w, y0 = s->h, x1 = 0, y1 = 0;
    SDL_LockSurface(s);
    for (int y = 0; y < s->h; y++) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * s->pitch);
        for (int x = 0; x < s->w; x++) {
            uint8_t a = (uint8_t)(row[x] >> 24);
            alpha[(size_t)y * s->w + x] = a;
            if (a) {
                x0 = x < x0 ? x : x0, x1 = x + 1 > x1 ? x + 1 : x1;
                y0 = y < y0 ? y : y0, y1 = y + 1;
            }
        }
    }
    SDL_UnlockSurface(s);
    if (x0 >= x1) /* blank text (spaces): an empty ink box */
        x0 = y0 = x1 = y1 = 0;
    e->ink_x0 = x0, e->ink_y0 = y0, e->ink_x1 = x1, e->ink_y1 = y1;
    e->alpha = alpha;
    e->w = s->w;
    e->h = s->h;
    e->bytes += n;
    fonts->bytes += n;
    SDL_FreeSurface(s);
}

const FontsText *fonts_text(Fonts *fonts, DlFont font, float size_px, const char *utf8)
{
    if (!utf8 || !*utf8)
        return NULL;
    Entry *e = lookup(fonts, font, size_px, utf8);
    if (!e)
        return NULL;
    if (e->rendered) {
        fonts->hits++;
    } else {
        fonts->misses++;
        render_entry(fonts, e, (int)(e - fonts->entries));
    }
    if (!e->alpha)
        return NULL;
    fonts->out.w = e->w;
    fonts->out.h = e->h;
    fonts->out.alpha = e->alpha;
    fonts->out.ink_x0 = e->ink_x0, fonts->out.ink_y0 = e->ink_y0;
    fonts->out.ink_x1 = e->ink_x1, fonts->out.ink_y1 = e->ink_y1;
    return &fonts->out;
}

bool fonts_has_glyph(Fonts *fonts, DlFont font, uint32_t codepoint)
{
    TTF_Font *ttf = face(fonts, font, 16);
    return ttf && TTF_GlyphIsProvided32(ttf, codepoint) != 0;
}

FontsStats fonts_stats(const Fonts *fonts)
{
    FontsStats st = {fonts->hits, fonts->misses, fonts->n_entries, fonts->bytes};
    return st;
}
