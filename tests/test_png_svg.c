/* PNG and SVG output without a display: PNG files that decode to the painted
 * pixels, byte-identical for the same list, SVG that an XML parser accepts
 * with the expected elements, atomic replacement (a failed write leaves the
 * old file and no temporary), and the window's export matching png_out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <SDL2/SDL.h>
#include <SDL2/SDL_image.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drawlist.h"
#include "fonts.h"
#include "png_out.h"
#include "svg_out.h"
#include "window.h"

typedef struct {
    char dir[64];
    DrawList *dl;
    Fonts *fonts;
} Fixture;

static const DlColor bg = {250, 250, 245, 255};

static void build_list(DrawList *dl)
{
    dl_clear(dl);
    dl_rect(dl, 10, 10, 80, 40, 0, dl_rgba(30, 60, 200, 255));
    dl_rect(dl, 100, 10, 80, 40, 8, dl_rgba(230, 120, 20, 160));
    dl_rect_outline(dl, 10, 60, 80, 40, 6, 3, dl_rgba(0, 0, 0, 255));
    dl_circle(dl, 140, 80, 20, dl_rgba(0, 150, 0, 255));
    dl_circle_outline(dl, 140, 80, 25, 2, dl_rgba(0, 0, 0, 200));
    dl_line(dl, 10, 110, 190, 130, 3, dl_rgba(200, 0, 0, 255));
    float xy[8] = {10, 140, 60, 170, 110, 145, 190, 175};
    dl_polyline(dl, xy, 4, 2.5f, dl_rgba(0, 0, 0, 255));
    dl_clip_push(dl, 0, 180, 100, 20);
    dl_text(dl, 5, 180, DL_FONT_SANS, 14, DL_ALIGN_LEFT, dl_rgba(0, 0, 0, 255),
            "h\xe2\x82\x9c <&> \"q\" 'a'");
    dl_clip_pop(dl);
    dl_text(dl, 150, 180, DL_FONT_MONO, 14, DL_ALIGN_CENTER, dl_rgba(0, 0, 0, 255),
            "\xe2\x80\x96\xe2\x88\x82L\xe2\x80\x96");
    dl_text(dl, 195, 0, DL_FONT_SANS_BOLD, 12, DL_ALIGN_RIGHT, dl_rgba(0, 0, 0, 255), "R");
    dl_text(dl, 5, 0, DL_FONT_SANS_ITALIC, 12, DL_ALIGN_LEFT, dl_rgba(0, 0, 0, 255),
            "bad \xff\xfe utf8 \x01 ctl");
}

static int setup(void **state)
{
    static Fixture fx;
    FontsError err = {{0}};
    strcpy(fx.dir, "/tmp/rnnviz-test-pngsvg-XXXXXX");
    if (!mkdtemp(fx.dir))
        return -1;
    fx.dl = dl_create(256, 4096, 64);
    fx.fonts = fonts_create(NULL, &err);
    if (!fx.fonts)
        fprintf(stderr, "%s\n", err.msg);
    *state = &fx;
    return fx.dl && fx.fonts ? 0 : -1;
}

static int teardown(void **state)
{
    Fixture *fx = *state;
    DIR *d = opendir(fx->dir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || strcmp(e->d_name, "..") == 0))
            continue;
        snprintf(path, sizeof path, "%s/%s", fx->dir, e->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            rmdir(path);
        else
            unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(fx->dir);
    dl_destroy(fx->dl);
    fonts_destroy(fx->fonts);
    return 0;
}

static char *path_in(const Fixture *fx, const char *name)
{
    static char buf[4][256];
    static int next;
    char *p = buf[next++ & 3];
    snprintf(p, sizeof buf[0], "%s/%s", fx->dir, name);
    return p;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)len + 1);
    *n = fread(buf, 1, (size_t)len, f);
    buf[*n] = 0;
    fclose(f);
    return buf;
}

/* Entries in the test directory: a leftover temporary would show here. */
static int count_files(const Fixture *fx)
{
    DIR *d = opendir(fx->dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static uint32_t surface_px(SDL_Surface *s, int x, int y)
{
    return ((uint32_t *)((uint8_t *)s->pixels + (size_t)y * s->pitch))[x];
}

static void test_png_written_headless(void **state)
{
    Fixture *fx = *state;
    assert_int_equal(SDL_WasInit(SDL_INIT_VIDEO), 0); /* no display involved */
    build_list(fx->dl);
    PngError err = {{0}};
    const char *p = path_in(fx, "a.png");
    assert_int_equal(png_out_write(fx->dl, 200, 200, bg, fx->fonts, p, &err), 0);
    size_t n = 0;
    unsigned char *bytes = slurp(p, &n);
    assert_non_null(bytes);
    assert_memory_equal(bytes, "\x89PNG\r\n\x1a\n", 8);
    free(bytes);
    SDL_Surface *raw = IMG_Load(p);
    assert_non_null(raw);
    SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(raw);
    assert_int_equal(s->w, 200);
    assert_int_equal(s->h, 200);
    /* The pixels are what was painted: opaque blue rect, green circle, background. */
    assert_int_equal(surface_px(s, 50, 30), 0xFF1E3CC8u);
    assert_int_equal(surface_px(s, 140, 80), 0xFF009600u);
    assert_int_equal(surface_px(s, 195, 60), 0xFFFAFAF5u);
    /* Text made it into the image: dark pixels in the clipped label's box. */
    int dark = 0;
    for (int y = 180; y < 200; y++)
        for (int x = 0; x < 100; x++)
            dark += (surface_px(s, x, y) & 0xFF) < 100;
    assert_true(dark > 20);
    SDL_FreeSurface(s);
}

static void test_png_deterministic(void **state)
{
    Fixture *fx = *state;
    build_list(fx->dl);
    PngError err = {{0}};
    const char *a = path_in(fx, "d1.png"), *b = path_in(fx, "d2.png");
    assert_int_equal(png_out_write(fx->dl, 200, 200, bg, fx->fonts, a, &err), 0);
    assert_int_equal(png_out_write(fx->dl, 200, 200, bg, fx->fonts, b, &err), 0);
    size_t na = 0, nb = 0;
    unsigned char *ba = slurp(a, &na), *bb = slurp(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(ba, bb, na);
    free(ba);
    free(bb);
    /* A different list gives different bytes: the comparison can fail. */
    dl_rect(fx->dl, 0, 0, 1, 1, 0, dl_rgba(255, 0, 0, 255));
    assert_int_equal(png_out_write(fx->dl, 200, 200, bg, fx->fonts, b, &err), 0);
    bb = slurp(b, &nb);
    ba = slurp(a, &na);
    assert_true(na != nb || memcmp(ba, bb, na) != 0);
    free(ba);
    free(bb);
}

static void test_png_errors(void **state)
{
    Fixture *fx = *state;
    build_list(fx->dl);
    PngError err = {{0}};
    assert_int_equal(png_out_write(fx->dl, 200, 200, bg, NULL, "/nonexistent-dir/x.png", &err), -1);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.png"));
    assert_non_null(strstr(err.msg, "No such file or directory"));
    assert_int_equal(png_out_write(fx->dl, 0, 10, bg, NULL, path_in(fx, "z.png"), &err), -1);
    assert_non_null(strstr(err.msg, "0x10"));
}

/* A write that fails midway (file size limit) keeps the old file and leaves no temporary. */
static void test_failed_write_keeps_old_file(void **state)
{
    Fixture *fx = *state;
    build_list(fx->dl);
    PngError perr = {{0}};
    SvgError serr = {{0}};
    const char *png = path_in(fx, "keep.png"), *svg = path_in(fx, "keep.svg");
    assert_int_equal(png_out_write(fx->dl, 200, 200, bg, fx->fonts, png, &perr), 0);
    assert_int_equal(svg_out_write(fx->dl, 200, 200, bg, fx->fonts, svg, &serr), 0);
    size_t n0 = 0, s0 = 0;
    unsigned char *old_png = slurp(png, &n0), *old_svg = slurp(svg, &s0);
    int files = count_files(fx);

    struct rlimit saved, small;
    getrlimit(RLIMIT_FSIZE, &saved);
    small = saved;
    small.rlim_cur = 100; /* bytes: both documents are larger */
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    dl_rect(fx->dl, 0, 0, 200, 200, 0, dl_rgba(255, 0, 0, 255)); /* new content */
    int rp = png_out_write(fx->dl, 200, 200, bg, fx->fonts, png, &perr);
    int rs = svg_out_write(fx->dl, 200, 200, bg, fx->fonts, svg, &serr);
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, old_handler);

    assert_int_equal(rp, -1);
    assert_int_equal(rs, -1);
    assert_non_null(strstr(perr.msg, png));
    assert_non_null(strstr(perr.msg, "File too large"));
    assert_non_null(strstr(serr.msg, svg));
    size_t n1 = 0, s1 = 0;
    unsigned char *now_png = slurp(png, &n1), *now_svg = slurp(svg, &s1);
    assert_int_equal(n1, n0);
    assert_memory_equal(now_png, old_png, n0);
    assert_int_equal(s1, s0);
    assert_memory_equal(now_svg, old_svg, s0);
    assert_int_equal(count_files(fx), files);
    free(old_png), free(old_svg), free(now_png), free(now_svg);

    /* The target is a directory: the rename fails, the directory stays, no temporary. */
    const char *dir = path_in(fx, "adir");
    assert_int_equal(mkdir(dir, 0755), 0);
    files = count_files(fx);
    assert_int_equal(svg_out_write(fx->dl, 200, 200, bg, NULL, dir, &serr), -1);
    assert_non_null(strstr(serr.msg, "cannot replace"));
    assert_int_equal(count_files(fx), files);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
}

static bool xml_parses(const char *path, bool quiet)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import sys,xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' '%s'%s",
             path, quiet ? " 2>/dev/null" : "");
    return system(cmd) == 0;
}

static bool xml_well_formed(const char *path)
{
    return xml_parses(path, false);
}

static void test_svg_well_formed(void **state)
{
    Fixture *fx = *state;
    build_list(fx->dl);
    SvgError err = {{0}};
    const char *p = path_in(fx, "a.svg");
    assert_int_equal(svg_out_write(fx->dl, 200, 200, bg, fx->fonts, p, &err), 0);
    assert_true(xml_well_formed(p));
    size_t n = 0;
    char *s = (char *)slurp(p, &n);
    assert_non_null(strstr(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
                              "width=\"200\" height=\"200\""));
    /* Text: escaped, families and anchors, UTF-8 kept, bad bytes replaced. */
    assert_non_null(strstr(s, ">h\xe2\x82\x9c &lt;&amp;&gt; &quot;q&quot; &apos;a&apos;</text>"));
    assert_non_null(strstr(s, "font-family=\"DejaVu Sans Mono, monospace\""));
    assert_non_null(strstr(s, "text-anchor=\"middle\""));
    assert_non_null(strstr(s, "text-anchor=\"end\""));
    assert_non_null(strstr(s, "font-weight=\"bold\""));
    assert_non_null(strstr(s, "bad \xef\xbf\xbd\xef\xbf\xbd utf8   ctl"));
    /* Shapes with their exact geometry. */
    assert_non_null(strstr(s, "<rect x=\"10\" y=\"10\" width=\"80\" height=\"40\" "
                              "fill=\"#1e3cc8\"/>"));
    assert_non_null(strstr(s, "rx=\"8\" ry=\"8\" fill=\"#e67814\" fill-opacity=\"0.63\""));
    /* Outline stroke inset by half its width: x 11.5, width 77, rx 4.5. */
    assert_non_null(strstr(s, "<rect x=\"11.5\" y=\"61.5\" width=\"77\" height=\"37\" "
                              "rx=\"4.5\" ry=\"4.5\" fill=\"none\" stroke=\"#000000\" "
                              "stroke-width=\"3\"/>"));
    assert_non_null(strstr(s, "<circle cx=\"140\" cy=\"80\" r=\"24\" fill=\"none\""));
    assert_non_null(strstr(s, "stroke-linecap=\"round\""));
    assert_non_null(strstr(s, "<polyline points=\"10,140 60,170 110,145 190,175\""));
    assert_non_null(strstr(s, "stroke-linejoin=\"round\""));
    assert_non_null(strstr(s, "<clipPath id=\"clip0\"><rect x=\"0\" y=\"180\" width=\"100\" "
                              "height=\"20\"/></clipPath>"));
    assert_non_null(strstr(s, "<g clip-path=\"url(#clip0)\">"));
    free(s);
}

/* An unbalanced list (a push never popped) still gives well-formed XML. */
static void test_svg_unbalanced_clip(void **state)
{
    Fixture *fx = *state;
    dl_clear(fx->dl);
    dl_clip_push(fx->dl, 0, 0, 10, 10);
    dl_clip_push(fx->dl, 0, 0, 5, 5);
    dl_rect(fx->dl, 0, 0, 10, 10, 0, dl_rgba(0, 0, 0, 255));
    SvgError err = {{0}};
    const char *p = path_in(fx, "unbalanced.svg");
    assert_int_equal(svg_out_write(fx->dl, 10, 10, bg, NULL, p, &err), 0);
    assert_true(xml_well_formed(p));
    /* And the check itself rejects broken XML. */
    const char *bad = path_in(fx, "bad.svg");
    FILE *f = fopen(bad, "w");
    fputs("<svg><g></svg>", f);
    fclose(f);
    assert_false(xml_parses(bad, true));
}

/* Under the dummy video driver the window exports exactly png_out's bytes. */
static void test_window_export_matches_png(void **state)
{
    Fixture *fx = *state;
    build_list(fx->dl);
    WinError werr = {{0}};
    Win *win = win_create("test", 200, 160, fx->fonts, &werr);
    if (!win)
        fail_msg("%s", werr.msg);
    WinSize sz = win_size(win);
    assert_int_equal(sz.drawable_w, 200);
    assert_int_equal(sz.drawable_h, 160);
    assert_int_equal(win_present(win, fx->dl, bg), 0);
    const char *a = path_in(fx, "win.png"), *b = path_in(fx, "direct.png");
    assert_int_equal(win_save_png(win, fx->dl, bg, a, &werr), 0);
    PngError perr = {{0}};
    assert_int_equal(png_out_write(fx->dl, 200, 160, bg, fx->fonts, b, &perr), 0);
    size_t na = 0, nb = 0;
    unsigned char *ba = slurp(a, &na), *bb = slurp(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(ba, bb, na);
    free(ba);
    free(bb);
    assert_int_equal(win_save_svg(win, fx->dl, bg, path_in(fx, "win.svg"), &werr), 0);
    assert_true(xml_well_formed(path_in(fx, "win.svg")));
    assert_int_equal(win_save_png(win, fx->dl, bg, "/nonexistent-dir/w.png", &werr), -1);
    assert_non_null(strstr(werr.msg, "/nonexistent-dir/w.png"));
    win_destroy(win);
    assert_int_equal(SDL_WasInit(SDL_INIT_VIDEO), 0); /* the window shut down what it started */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png_written_headless),
        cmocka_unit_test(test_png_deterministic),
        cmocka_unit_test(test_png_errors),
        cmocka_unit_test(test_failed_write_keeps_old_file),
        cmocka_unit_test(test_svg_well_formed),
        cmocka_unit_test(test_svg_unbalanced_clip),
        cmocka_unit_test(test_window_export_matches_png),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
