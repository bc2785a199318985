/* Headless output with the real fonts: a PNG that holds a picture (decoded
 * with SDL2_image, the node colours where the layout puts the nodes), the
 * same bytes for the same session, an SVG that is well-formed XML, and the
 * `rnnviz render` command's errors: one line on stderr, a non-zero exit and
 * no output file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support.h"

#include <SDL2/SDL.h>
#include <SDL2/SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fonts.h"
#include "render_file.h"
#include "session.h"
#include "view.h"

static Fonts *fonts;
static char dir[64];

/* ---- helpers ---- */

static Session *make(const char *spec, const char *actions)
{
    Session *s = support_session(spec);
    support_run(s, actions);
    return s;
}

static ViewParams params(int w, int h)
{
    ViewParams vp = {.win_w = w, .win_h = h, .measure = fonts_measure(fonts)};
    return vp;
}

static void path_in(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static void render(const Session *s, int w, int h, const char *path)
{
    ViewParams vp = params(w, h);
    char msg[600] = "";
    if (render_session_file(s, &vp, fonts, path, msg, sizeof msg))
        fail_msg("render %s: %s", path, msg);
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = 0;
    fclose(f);
    *n = (size_t)len;
    return buf;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The decoded image as 0xRRGGBB words. */
typedef struct {
    int w, h;
    uint32_t *px;
} Image;

static Image load_png(const char *path)
{
    SDL_Surface *raw = IMG_Load(path);
    if (!raw)
        fail_msg("IMG_Load %s: %s", path, IMG_GetError());
    SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(raw);
    assert_non_null(s);
    Image im = {s->w, s->h, malloc(sizeof(uint32_t) * (size_t)s->w * s->h)};
    assert_non_null(im.px);
    SDL_LockSurface(s);
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++)
            im.px[y * s->w + x] =
                ((const uint32_t *)((const uint8_t *)s->pixels + y * s->pitch))[x] & 0xFFFFFF;
    SDL_UnlockSurface(s);
    SDL_FreeSurface(s);
    return im;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int distinct_colours(const Image *im)
{
    size_t n = (size_t)im->w * im->h;
    uint32_t *c = malloc(sizeof(uint32_t) * n);
    assert_non_null(c);
    memcpy(c, im->px, sizeof(uint32_t) * n);
    qsort(c, n, sizeof(uint32_t), cmp_u32);
    int d = 1;
    for (size_t i = 1; i < n; i++)
        d += c[i] != c[i - 1];
    free(c);
    return d;
}

static void expect_pixel(const Image *im, int x, int y, DlColor want, int tol, const char *what)
{
    uint32_t p = im->px[y * im->w + x];
    int r = (int)(p >> 16 & 255), g = (int)(p >> 8 & 255), b = (int)(p & 255);
    if (abs(r - want.r) > tol || abs(g - want.g) > tol || abs(b - want.b) > tol)
        fail_msg("%s: pixel (%d, %d) is #%02x%02x%02x, wanted #%02x%02x%02x", what, x, y, r, g, b,
                 want.r, want.g, want.b);
}

/* ---- PNG ---- */

static void test_png_shows_the_view(void **state)
{
    (void)state;
    const int sz[2][2] = {{1280, 720}, {1920, 1080}};
    for (int i = 0; i < 2; i++) {
        int W = sz[i][0], H = sz[i][1];
        Session *s = make("hidden=8;steps=10", "forward 13");
        char path[128];
        path_in(path, sizeof path, "view.png");
        render(s, W, H, path);
        Image im = load_png(path);
        assert_int_equal(im.w, W);
        assert_int_equal(im.h, H);
        int d = distinct_colours(&im);
        if (d < 200)
            fail_msg("%dx%d: only %d colours", W, H, d);
        /* where the layout puts things, the PNG has their colours */
        const Theme *th = theme_get(false);
        ViewParams vp = params(W, H);
        Layout lo;
        view_layout(sess_view_model(s), &vp, &lo);
        expect_pixel(&im, (int)(lo.net.x + 3), (int)(lo.net.y + lo.net.h - 3), th->bg, 0,
                     "network background");
        expect_pixel(&im, 3, 3, th->panel, 0, "top bar");
        /* layer 0 at step 0 is computed (forward outline), step 9 not yet (ghost) */
        Rect done = layout_node(&lo, ROW_LAYER, 0, 0), ghost = layout_node(&lo, ROW_LAYER, 0, 9);
        expect_pixel(&im, (int)(done.x + done.w / 2), (int)(done.y + 1.2f), th->forward, 12,
                     "outline of a computed node");
        expect_pixel(&im, (int)(ghost.x + ghost.w / 2), (int)(ghost.y + 1.2f), th->ghost, 12,
                     "outline of a node not computed yet");
        free(im.px);
        sess_destroy(s);
    }
}

static void test_png_deterministic(void **state)
{
    (void)state;
    Session *a = make("cell=lstm;hidden=16;steps=20;layers=2", "forward all; backward 17");
    Session *b = make("cell=lstm;hidden=16;steps=20;layers=2", "forward all; backward 17");
    char p1[128], p2[128], p3[128];
    path_in(p1, sizeof p1, "a1.png");
    path_in(p2, sizeof p2, "a2.png");
    path_in(p3, sizeof p3, "b.png");
    render(a, 1920, 1080, p1);
    render(a, 1920, 1080, p2);
    render(b, 1920, 1080, p3);
    size_t n1, n2, n3;
    unsigned char *x1 = slurp(p1, &n1), *x2 = slurp(p2, &n2), *x3 = slurp(p3, &n3);
    assert_non_null(x1);
    assert_non_null(x2);
    assert_non_null(x3);
    assert_true(n1 > 1000);
    assert_int_equal(n1, n2);
    assert_memory_equal(x1, x2, n1);
    assert_int_equal(n1, n3);
    assert_memory_equal(x1, x3, n1);
    /* one more op, another picture */
    static ActionList list;
    char msg[400];
    assert_int_equal(action_parse_block("backward 1", &list, 1, 1, msg, sizeof msg), 0);
    assert_int_equal(sess_run_actions(b, &list, msg, sizeof msg), 0);
    render(b, 1920, 1080, p3);
    free(x3);
    x3 = slurp(p3, &n3);
    assert_true(n1 != n3 || memcmp(x1, x3, n1) != 0);
    free(x1);
    free(x2);
    free(x3);
    sess_destroy(a);
    sess_destroy(b);
}

static void test_render_failure_reports_path(void **state)
{
    (void)state;
    Session *s = make("hidden=4;steps=4", "forward 2");
    char path[160], msg[600] = "";
    path_in(path, sizeof path, "no-such-dir/x.png");
    ViewParams vp = params(640, 360);
    assert_true(render_session_file(s, &vp, fonts, path, msg, sizeof msg) != 0);
    if (!strstr(msg, "no-such-dir"))
        fail_msg("message does not name the path: '%s'", msg);
    assert_false(exists(path));
    sess_destroy(s);
}

/* ---- SVG ---- */

static void test_svg_is_xml(void **state)
{
    (void)state;
    assert_true(render_path_is_svg("x.svg"));
    assert_true(render_path_is_svg("x.SVG"));
    assert_false(render_path_is_svg("x.png"));
    assert_false(render_path_is_svg("svg"));
    Session *s = make("cell=gru;hidden=6;steps=12;layers=2", "forward all; backward 20");
    char path[128], cmd[512];
    path_in(path, sizeof path, "view.svg");
    render(s, 1920, 1080, path);
    size_t n;
    char *text = (char *)slurp(path, &n);
    assert_non_null(text);
    assert_non_null(strstr(text, "<svg"));
    assert_non_null(strstr(text, "Backward · "));
    free(text);
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); "
             "sys.exit(0 if d.documentElement.tagName == \"svg\" else 3)' '%s'",
             path);
    int rc = system(cmd);
    assert_true(WIFEXITED(rc));
    if (WEXITSTATUS(rc) != 0)
        fail_msg("the SVG does not parse as XML (python3 exit %d)", WEXITSTATUS(rc));
    sess_destroy(s);
}

/* ---- the command line ---- */

typedef struct {
    int status;
    char err[2048];
    char out[2048];
} CliResult;

static CliResult cli(const char *args)
{
    const char *bin = getenv("RNNVIZ_BIN");
    CliResult r = {-1, "", ""};
    char outf[128], cmd[1024];
    path_in(outf, sizeof outf, "stdout.txt");
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' render %s 2>&1 >'%s'", dir, bin, args, outf);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(r.err, 1, sizeof r.err - 1, p);
    r.err[n] = '\0';
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    size_t m;
    char *o = (char *)slurp(outf, &m);
    if (o) {
        snprintf(r.out, sizeof r.out, "%s", o);
        free(o);
    }
    return r;
}

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void expect_cli_error(const char *args, const char *want)
{
    char out[128];
    path_in(out, sizeof out, "bad.png");
    unlink(out);
    CliResult r = cli(args);
    if (r.status == 0)
        fail_msg("rnnviz render %s: exit 0", args);
    if (lines(r.err) != 1 || r.err[strlen(r.err) - 1] != '\n')
        fail_msg("rnnviz render %s: stderr is not one line: '%s'", args, r.err);
    if (strncmp(r.err, "rnnviz render: ", 15))
        fail_msg("rnnviz render %s: '%s'", args, r.err);
    r.err[strlen(r.err) - 1] = '\0';
    if (want && strcmp(r.err, want))
        fail_msg("rnnviz render %s:\n got  '%s'\n want '%s'", args, r.err, want);
    assert_false(exists(out));
}

static void test_cli_errors(void **state)
{
    (void)state;
    if (!getenv("RNNVIZ_BIN"))
        skip();
    expect_cli_error("--size 10x10 --out bad.png",
                     "rnnviz render: bad --size '10x10': expected WxH, 64 to 8192");
    expect_cli_error("--size 1280 --out bad.png", NULL);
    expect_cli_error("--size 1280x720x3 --out bad.png", NULL);
    expect_cli_error("--do 'fowrard 3' --out bad.png",
                     "rnnviz render: --do: 1:1: unknown verb 'fowrard' (did you mean 'forward'?)");
    expect_cli_error("--hiden 4 --out bad.png",
                     "rnnviz render: unknown option '--hiden' (did you mean '--hidden'?)");
    expect_cli_error(
        "--hidden abc --out bad.png",
        "rnnviz render: bad value 'abc' for hidden: expected an integer from 1 to 1024");
    expect_cli_error("--scale 9 --out bad.png", NULL);
    expect_cli_error("--do 'forward 2; select 5 0' --out bad.png", NULL);
    expect_cli_error("--out", NULL);
}

static void test_cli_renders(void **state)
{
    (void)state;
    if (!getenv("RNNVIZ_BIN"))
        skip();
    char out[128];
    path_in(out, sizeof out, "cli.png");
    CliResult r = cli("--cell lstm --hidden 8 --do 'forward 13' --size 800x450 --out cli.png");
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_string_equal(r.err, "");
    assert_string_equal(r.out, "cli.png\n");
    Image im = load_png(out);
    assert_int_equal(im.w, 800);
    assert_int_equal(im.h, 450);
    assert_true(distinct_colours(&im) >= 100);
    free(im.px);
    /* the command and the library draw the same picture */
    Session *s = make("cell=lstm;hidden=8", "forward 13");
    char lib[128];
    path_in(lib, sizeof lib, "lib.png");
    render(s, 800, 450, lib);
    size_t n1, n2;
    unsigned char *a = slurp(out, &n1), *b = slurp(lib, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    free(a);
    free(b);
    sess_destroy(s);
}

/* Runs the binary with args in the scratch directory; its exit status. */
static int run_bin(const char *args)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >/dev/null 2>&1", dir, getenv("RNNVIZ_BIN"),
             args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Issue 13: emphasis nested 300,000 deep (600 KB) passed check-lesson and
 * then overflowed the stack of every renderer. check-lesson and the PNG and
 * SVG renderers agree on it now, at every step, and the words are drawn. */
static void test_deep_narration_renders(void **state)
{
    (void)state;
    if (!getenv("RNNVIZ_BIN"))
        skip();
    enum { DEEP = 300000 };
    char path[128];
    path_in(path, sizeof path, "deep.md");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "# Deep\n\nIntro.\n\n## Emphasis\n\n");
    for (int i = 0; i < DEEP; i++)
        fputc('*', f);
    fprintf(f, "deepword");
    for (int i = 0; i < DEEP; i++)
        fputc('*', f);
    fprintf(f, "\n\n## Quotes\n\n");
    for (int i = 0; i < 100; i++)
        fprintf(f, "> ");
    fprintf(f, "quoted *words*\n");
    assert_int_equal(fclose(f), 0);

    assert_int_equal(run_bin("check-lesson deep.md"), 0);
    assert_int_equal(run_bin("render --lesson deep.md --all --size 640x360 --out deep-png/"), 0);
    assert_int_equal(run_bin("render --lesson deep.md --all --svg --out deep-svg/"), 0);
    for (int k = 0; k <= 2; k++) {
        char png[128], svg[128], name[64];
        snprintf(name, sizeof name, "deep-png/step-%02d.png", k);
        path_in(png, sizeof png, name);
        Image im = load_png(png);
        assert_int_equal(im.w, 640);
        free(im.px);
        snprintf(name, sizeof name, "deep-svg/step-%02d.svg", k);
        path_in(svg, sizeof svg, name);
        size_t n;
        char *text = (char *)slurp(svg, &n);
        assert_non_null(text);
        if (k == 1 && !strstr(text, "deepword"))
            fail_msg("step 1's SVG does not show the deeply emphasised word");
        if (k == 2 && !strstr(text, "quoted"))
            fail_msg("step 2's SVG does not show the deeply quoted words");
        free(text);
    }
}

static int setup(void **state)
{
    (void)state;
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    snprintf(dir, sizeof dir, "/tmp/rnnviz-test-render-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    FontsError err = {{0}};
    fonts = fonts_create(NULL, &err);
    if (!fonts) {
        fprintf(stderr, "fonts: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fonts_destroy(fonts);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png_shows_the_view),
        cmocka_unit_test(test_png_deterministic),
        cmocka_unit_test(test_render_failure_reports_path),
        cmocka_unit_test(test_svg_is_xml),
        cmocka_unit_test(test_cli_errors),
        cmocka_unit_test(test_cli_renders),
        cmocka_unit_test(test_deep_narration_renders),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
