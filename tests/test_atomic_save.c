/* Saves lose nothing: model_save, afile_write (under PNG and SVG export),
 * png_out_write, svg_out_write, and `rnnviz train --save/--csv` and
 * `rnnviz render --out` write a temporary file and rename it over the
 * target. A write that fails part-way (simulated with RLIMIT_FSIZE, which
 * makes write() fail with EFBIG after a few bytes, even for root) must
 * leave the previous file byte-identical and say why; a writer killed
 * mid-way (SIGKILL at random moments) must leave either the old or the
 * new file, whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "drawlist.h"
#include "model_io.h"
#include "net.h"
#include "png_out.h"
#include "svg_out.h"

static char dir[256];

/* ---- helpers ---- */

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    *n = len;
    return buf;
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* The file at path holds exactly want (n bytes). */
static void expect_bytes(const char *path, const char *want, size_t n, const char *why)
{
    size_t got_n = 0;
    char *got = slurp(path, &got_n);
    if (!got)
        fail_msg("%s: %s is gone", why, path);
    if (got_n != n || memcmp(got, want, n) != 0)
        fail_msg("%s: %s changed (%zu bytes, expected %zu)", why, path, got_n, n);
    free(got);
}

/* No temporary left beside the targets after a failed write. */
static int count_entries(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* Writes beyond `bytes` fail with EFBIG while the limit holds (SIGXFSZ is
 * ignored so the failure is a return value, not a kill). */
static struct rlimit saved_limit;
static void (*saved_handler)(int);

static void limit_file_size(rlim_t bytes)
{
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved_limit), 0);
    struct rlimit l = saved_limit;
    l.rlim_cur = bytes;
    saved_handler = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &l), 0);
}

static void unlimit_file_size(void)
{
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved_limit), 0);
    signal(SIGXFSZ, saved_handler);
}

/* A 1-layer RNN whose parameters are all v. */
static Net *make_net(double v)
{
    NetConfig cfg = {NET_CELL_RNN,        NET_ACT_TANH,    3,    16, 1, 4,
                     NET_LOSS_SOFTMAX_CE, NET_TARGETS_ALL, true, 1,  4};
    NetError err = {{0}};
    Net *net = net_create(&cfg, &err);
    if (!net)
        fail_msg("net_create: %s", err.msg);
    double *p = net_params(net);
    for (size_t i = 0; i < net_num_params(net); i++)
        p[i] = v + 1e-3 * (double)i;
    return net;
}

/* A small draw list: a rect, a line, some text. */
static DrawList *make_list(void)
{
    DrawList *dl = dl_create(64, 4096, 64);
    assert_non_null(dl);
    dl_rect(dl, 10, 10, 200, 100, 4, dl_rgba(200, 40, 40, 255));
    dl_line(dl, 0, 0, 300, 200, 2, dl_rgba(0, 0, 255, 255));
    dl_text(dl, 20, 20, DL_FONT_SANS, 14, DL_ALIGN_LEFT, dl_rgba(0, 0, 0, 255), "kept?");
    return dl;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/rnnviz-atomic-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s' && rm -rf '%s'", dir, dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- failed writes keep the old file ---- */

static void test_model_save_short_write(void **state)
{
    (void)state;
    char path[512];
    path_of(path, sizeof path, "model.json");
    Net *a = make_net(0.25), *b = make_net(-0.5);
    NetError err = {{0}};
    assert_int_equal(model_save(a, path, &err), 0);
    size_t n;
    char *old = slurp(path, &n);
    assert_non_null(old);
    assert_true(n > 4096);
    int entries = count_entries();

    limit_file_size(1024);
    int rc = model_save(b, path, &err);
    unlimit_file_size();
    assert_int_equal(rc, NET_ERR_IO);
    if (!strstr(err.msg, path) || !strstr(err.msg, strerror(EFBIG)))
        fail_msg("message '%s' does not name the file and the reason", err.msg);
    expect_bytes(path, old, n, "model_save cut short");
    assert_int_equal(count_entries(), entries);

    /* a directory in the way, a missing directory: refused, old file kept */
    char bad[600];
    snprintf(bad, sizeof bad, "%s/no/such/dir/model.json", dir);
    assert_int_equal(model_save(b, bad, &err), NET_ERR_IO);
    assert_non_null(strstr(err.msg, bad));
    assert_int_equal(model_save(b, dir, &err), NET_ERR_IO);
    assert_non_null(strstr(err.msg, dir));
    expect_bytes(path, old, n, "model_save to a bad path");

    /* and without the limit the new model lands whole */
    assert_int_equal(model_save(b, path, &err), 0);
    ModelFile *m = modelfile_load(path, &err);
    assert_non_null(m);
    modelfile_destroy(m);
    free(old);
    net_destroy(a);
    net_destroy(b);
}

static void test_afile_write_short_write(void **state)
{
    (void)state;
    char path[512];
    path_of(path, sizeof path, "blob.bin");
    put_file(path, "the previous contents\n");
    int entries = count_entries();
    static char big[1 << 16];
    memset(big, 'z', sizeof big);
    char msg[600] = "";
    limit_file_size(4096);
    int rc = afile_write(path, big, sizeof big, msg, sizeof msg);
    unlimit_file_size();
    assert_int_equal(rc, -EFBIG);
    assert_non_null(strstr(msg, path));
    assert_non_null(strstr(msg, strerror(EFBIG)));
    expect_bytes(path, "the previous contents\n", 22, "afile_write cut short");
    assert_int_equal(count_entries(), entries);
}

static void test_png_svg_short_write(void **state)
{
    (void)state;
    DrawList *dl = make_list();
    char png[512], svg[512];
    path_of(png, sizeof png, "view.png");
    path_of(svg, sizeof svg, "view.svg");
    put_file(png, "old png\n");
    put_file(svg, "old svg\n");
    int entries = count_entries();
    PngError perr = {{0}};
    SvgError serr = {{0}};
    limit_file_size(64);
    int prc = png_out_write(dl, 320, 240, dl_rgba(255, 255, 255, 255), NULL, png, &perr);
    int src = svg_out_write(dl, 320, 240, dl_rgba(255, 255, 255, 255), NULL, svg, &serr);
    unlimit_file_size();
    assert_true(prc < 0);
    assert_true(src < 0);
    if (!strstr(perr.msg, png) || !strstr(serr.msg, svg))
        fail_msg("messages '%s' and '%s' must name the files", perr.msg, serr.msg);
    assert_non_null(strstr(perr.msg, strerror(EFBIG)));
    assert_non_null(strstr(serr.msg, strerror(EFBIG)));
    expect_bytes(png, "old png\n", 8, "png_out_write cut short");
    expect_bytes(svg, "old svg\n", 8, "svg_out_write cut short");
    assert_int_equal(count_entries(), entries);
    /* and the same calls without the limit replace them */
    assert_int_equal(png_out_write(dl, 320, 240, dl_rgba(255, 255, 255, 255), NULL, png, &perr), 0);
    assert_int_equal(svg_out_write(dl, 320, 240, dl_rgba(255, 255, 255, 255), NULL, svg, &serr), 0);
    size_t n;
    char *p = slurp(png, &n);
    assert_true(n > 8 && !memcmp(p, "\x89PNG", 4));
    free(p);
    p = slurp(svg, &n);
    assert_true(n > 8 && strstr(p, "<svg"));
    free(p);
    dl_destroy(dl);
}

/* A read-only directory: a permission error, not a half file (root
 * writes anyway, so this only runs for other users). */
static void test_readonly_dir(void **state)
{
    (void)state;
    if (geteuid() == 0) {
        print_message("skipped: running as root\n");
        return;
    }
    char ro[512], path[600];
    path_of(ro, sizeof ro, "ro");
    assert_int_equal(mkdir(ro, 0755), 0);
    snprintf(path, sizeof path, "%s/model.json", ro);
    Net *a = make_net(1), *b = make_net(2);
    NetError err = {{0}};
    assert_int_equal(model_save(a, path, &err), 0);
    size_t n;
    char *old = slurp(path, &n);
    assert_int_equal(chmod(ro, 0555), 0);
    assert_int_equal(model_save(b, path, &err), NET_ERR_IO);
    assert_non_null(strstr(err.msg, strerror(EACCES)));
    char msg[600];
    assert_true(afile_write(path, "x", 1, msg, sizeof msg) < 0);
    assert_non_null(strstr(msg, strerror(EACCES)));
    expect_bytes(path, old, n, "read-only directory");
    assert_int_equal(chmod(ro, 0755), 0);
    free(old);
    net_destroy(a);
    net_destroy(b);
}

/* ---- killed writers ---- */

/* A child saves a and b in turn until killed at a random moment; the file
 * is then exactly one of the two. */
static void test_killed_model_writer(void **state)
{
    (void)state;
    char path[512], pa[512], pb[512];
    path_of(path, sizeof path, "killed.json");
    path_of(pa, sizeof pa, "a.json");
    path_of(pb, sizeof pb, "b.json");
    Net *a = make_net(0.125), *b = make_net(-3);
    NetError err = {{0}};
    assert_int_equal(model_save(a, pa, &err), 0);
    assert_int_equal(model_save(b, pb, &err), 0);
    assert_int_equal(model_save(a, path, &err), 0);
    size_t na, nb;
    char *ba = slurp(pa, &na), *bb = slurp(pb, &nb);
    srand(7);
    int saw_a = 0, saw_b = 0;
    for (int round = 0; round < 20; round++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            for (long k = 0;; k++)
                model_save(k % 2 ? a : b, path, &err);
        }
        struct timespec ts = {0, 1000000L + 1000L * (rand() % 20000)};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        size_t n;
        char *got = slurp(path, &n);
        assert_non_null(got);
        if (n == na && !memcmp(got, ba, n))
            saw_a++;
        else if (n == nb && !memcmp(got, bb, n))
            saw_b++;
        else
            fail_msg("round %d: the file is neither model, %zu bytes", round, n);
        free(got);
    }
    print_message("killed 20 writers: %d times the first model, %d the second\n", saw_a, saw_b);
    free(ba);
    free(bb);
    net_destroy(a);
    net_destroy(b);
}

/* ---- what is at the path ---- */

static void expect_text(const char *path, const char *want)
{
    expect_bytes(path, want, strlen(want), path);
}

/* A symlink (also a chain, also a relative one) is followed: its target
 * gets the new bytes, the link stays a link. A dangling link creates its
 * target. */
static void test_symlink_followed(void **state)
{
    (void)state;
    char target[512], link1[512], link2[512], msg[600] = "";
    path_of(target, sizeof target, "real.txt");
    path_of(link1, sizeof link1, "link1.txt");
    path_of(link2, sizeof link2, "link2.txt");
    put_file(target, "old\n");
    assert_int_equal(symlink("real.txt", link1), 0);
    assert_int_equal(symlink(link1, link2), 0);
    assert_int_equal(afile_write(link2, "new\n", 4, msg, sizeof msg), 0);
    expect_text(target, "new\n");
    struct stat st;
    assert_int_equal(lstat(link1, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(lstat(link2, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    /* dangling: the target appears, the link stays */
    char dangling[512], made[512];
    path_of(dangling, sizeof dangling, "dangling.txt");
    path_of(made, sizeof made, "made.txt");
    assert_int_equal(symlink("made.txt", dangling), 0);
    assert_int_equal(afile_write(dangling, "fresh\n", 6, msg, sizeof msg), 0);
    expect_text(made, "fresh\n");
    assert_int_equal(lstat(dangling, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    unlink(link1);
    unlink(link2);
    unlink(dangling);
    unlink(made);
    unlink(target);
}

/* The mode of an existing file is kept (0600 stays 0600, 0640 stays
 * 0640); as root, so are its owner and group. */
static void test_mode_and_owner_kept(void **state)
{
    (void)state;
    char path[512], msg[600] = "";
    path_of(path, sizeof path, "secret.txt");
    put_file(path, "old\n");
    mode_t modes[] = {0600, 0640, 0755};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(chmod(path, modes[k]), 0);
        if (geteuid() == 0)
            assert_int_equal(chown(path, 1234 + k, 4321 + k), 0);
        assert_int_equal(afile_write(path, "new\n", 4, msg, sizeof msg), 0);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        if ((st.st_mode & 07777) != modes[k])
            fail_msg("mode %o became %o", (unsigned)modes[k], (unsigned)(st.st_mode & 07777));
        if (geteuid() == 0) {
            assert_int_equal(st.st_uid, 1234 + k);
            assert_int_equal(st.st_gid, 4321 + k);
        }
    }
    unlink(path);
}

/* A directory, a FIFO, a device: refused with a message, left as they are. */
static void test_non_regular_refused(void **state)
{
    (void)state;
    char fifo[512], msg[600] = "";
    path_of(fifo, sizeof fifo, "pipe");
    assert_int_equal(mkfifo(fifo, 0644), 0);
    int entries = count_entries();
    assert_int_equal(afile_write(fifo, "x", 1, msg, sizeof msg), -AFILE_ENOTREG);
    if (!strstr(msg, fifo) || !strstr(msg, "not a regular file"))
        fail_msg("FIFO: message '%s'", msg);
    struct stat st;
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_int_equal(count_entries(), entries);
    /* a symlink to the FIFO: refused too */
    char link[512];
    path_of(link, sizeof link, "pipe-link");
    assert_int_equal(symlink(fifo, link), 0);
    assert_int_equal(afile_write(link, "x", 1, msg, sizeof msg), -AFILE_ENOTREG);
    assert_int_equal(afile_write(dir, "x", 1, msg, sizeof msg), -EISDIR);
    assert_non_null(strstr(msg, strerror(EISDIR)));
    /* a device: /dev/null is a character device and stays one */
    assert_int_equal(afile_write("/dev/null", "x", 1, msg, sizeof msg), -AFILE_ENOTREG);
    assert_non_null(strstr(msg, "/dev/null"));
    assert_int_equal(lstat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    NetError err = {{0}};
    Net *a = make_net(1);
    assert_int_equal(model_save(a, "/dev/null", &err), NET_ERR_IO);
    assert_non_null(strstr(err.msg, "not a regular file"));
    net_destroy(a);
    unlink(link);
    unlink(fifo);
}

/* A hard-linked target is refused (README: saving never breaks a hard
 * link), both names keep the old bytes. */
static void test_hard_link_refused(void **state)
{
    (void)state;
    char a[512], b[512], msg[600] = "";
    path_of(a, sizeof a, "one.txt");
    path_of(b, sizeof b, "two.txt");
    put_file(a, "shared\n");
    assert_int_equal(link(a, b), 0);
    assert_int_equal(afile_write(a, "new\n", 4, msg, sizeof msg), -AFILE_EHARDLINK);
    assert_non_null(strstr(msg, "hard links"));
    expect_text(a, "shared\n");
    expect_text(b, "shared\n");
    struct stat sa, sb;
    assert_int_equal(stat(a, &sa), 0);
    assert_int_equal(stat(b, &sb), 0);
    assert_true(sa.st_ino == sb.st_ino);
    unlink(b);
    /* one link left: saved as usual */
    assert_int_equal(afile_write(a, "new\n", 4, msg, sizeof msg), 0);
    expect_text(a, "new\n");
    unlink(a);
}

/* A name of NAME_MAX characters saves, with O_TMPFILE and without. */
static void test_long_names(void **state)
{
    (void)state;
    char base[NAME_MAX + 1], path[1024], msg[600] = "";
    for (int tmpfile = 0; tmpfile < 2; tmpfile++) {
        afile_use_tmpfile(tmpfile);
        memset(base, 'a' + tmpfile, NAME_MAX);
        base[NAME_MAX] = '\0';
        path_of(path, sizeof path, base);
        int entries = count_entries();
        assert_int_equal(afile_write(path, "long\n", 5, msg, sizeof msg), 0);
        expect_text(path, "long\n");
        assert_int_equal(afile_write(path, "again\n", 6, msg, sizeof msg), 0);
        expect_text(path, "again\n");
        assert_int_equal(count_entries(), entries + 1);
        unlink(path);
    }
    afile_use_tmpfile(true);
}

/* A writer killed with its temporary open: with O_TMPFILE nothing is left
 * behind; with named temporaries the next save of the same target removes
 * what the dead writer left (and leaves another target's alone). */
static void kill_open_writer(const char *path, bool tmpfile)
{
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        afile_use_tmpfile(tmpfile);
        char tmp[AFILE_TMP_CAP];
        FILE *f = afile_open(path, tmp, sizeof tmp);
        fputs("half", f);
        fflush(f);
        (void)!write(ready[1], "x", 1);
        for (;;)
            pause();
    }
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(ready[0]);
    close(ready[1]);
}

static void test_killed_writer_leaves_nothing(void **state)
{
    (void)state;
    char path[512], other[512], msg[600] = "";
    path_of(path, sizeof path, "target.txt");
    path_of(other, sizeof other, "other.txt");
    put_file(path, "old\n");
    int entries = count_entries();
    kill_open_writer(path, true);
    assert_int_equal(count_entries(), entries);
    expect_text(path, "old\n");

    kill_open_writer(path, false);
    kill_open_writer(other, false);
    assert_int_equal(count_entries(), entries + 2);
    afile_use_tmpfile(false);
    assert_int_equal(afile_write(path, "new\n", 4, msg, sizeof msg), 0);
    afile_use_tmpfile(true);
    expect_text(path, "new\n");
    assert_int_equal(count_entries(), entries + 1); /* other.txt's stays */
    assert_int_equal(afile_write(other, "o\n", 2, msg, sizeof msg), 0);
    assert_int_equal(count_entries(), entries + 1); /* with O_TMPFILE, too */
    unlink(other);
    unlink(path);
}

/* ---- the command line ---- */

/* Runs `rnnviz ARGS` in dir, with file writes limited to `blocks` blocks
 * of 512 bytes (the shell's ulimit -f, SIGXFSZ ignored across exec) when
 * blocks > 0; returns the exit status and keeps stderr. */
static char err_text[8192];

static int run_limited(int blocks, const char *args)
{
    const char *bin = getenv("RNNVIZ_BIN");
    if (!bin)
        fail_msg("RNNVIZ_BIN is not set");
    char cmd[2048], err_path[600], limit[64] = "";
    path_of(err_path, sizeof err_path, "stderr.txt");
    if (blocks > 0)
        snprintf(limit, sizeof limit, "trap '' XFSZ; ulimit -f %d; ", blocks);
    snprintf(cmd, sizeof cmd, "cd '%s' && %sexec '%s' %s 2>'%s' >/dev/null", dir, limit, bin, args,
             err_path);
    int status = system(cmd);
    size_t n = 0;
    char *e = slurp(err_path, &n);
    snprintf(err_text, sizeof err_text, "%.*s", (int)n, e ? e : "");
    free(e);
    unlink(err_path);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void expect_cli_keeps(const char *name, const char *args, const char *want_msg)
{
    char path[512];
    path_of(path, sizeof path, name);
    put_file(path, "previous run\n");
    int rc = run_limited(4, args);
    if (rc == 0 || rc >= 128)
        fail_msg("rnnviz %s: exit %d under a file size limit", args, rc);
    if (!strstr(err_text, want_msg) || !strstr(err_text, strerror(EFBIG)))
        fail_msg("rnnviz %s: stderr '%s' does not say '%s' and why", args, err_text, want_msg);
    expect_bytes(path, "previous run\n", 13, args);
    /* no limit: the file is replaced */
    assert_int_equal(run_limited(0, args), 0);
    size_t n;
    char *got = slurp(path, &n);
    assert_true(n > 13);
    free(got);
}

static void test_cli_writes_keep_old_files(void **state)
{
    (void)state;
    expect_cli_keeps("log.csv", "train --iters 300 --quiet --csv log.csv", "log.csv");
    expect_cli_keeps("m.json", "train --iters 2 --quiet --hidden 64 --save m.json", "m.json");
    expect_cli_keeps("v.png", "render --size 640x480 --out v.png", "v.png");
    expect_cli_keeps("v.svg", "render --size 640x480 --out v.svg", "v.svg");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_save_short_write),
        cmocka_unit_test(test_afile_write_short_write),
        cmocka_unit_test(test_png_svg_short_write),
        cmocka_unit_test(test_readonly_dir),
        cmocka_unit_test(test_killed_model_writer),
        cmocka_unit_test(test_cli_writes_keep_old_files),
        cmocka_unit_test(test_symlink_followed),
        cmocka_unit_test(test_mode_and_owner_kept),
        cmocka_unit_test(test_non_regular_refused),
        cmocka_unit_test(test_hard_link_refused),
        cmocka_unit_test(test_long_names),
        cmocka_unit_test(test_killed_writer_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
