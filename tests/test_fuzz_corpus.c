/* Replays every file of every fuzz corpus (tests/fuzz/corpus/NAME) and
 * every crash reproducer kept after a fix (tests/fuzz/crashes/NAME)
 * through the harnesses' own entry points: model, data, do and narration
 * are the harness files themselves (included with FUZZ_NO_ENTRY, their checks
 * routed to cmocka), lesson and actions go through the parsers they fuzz.
 * Each input must be accepted or refused with a message; in the sanitizer
 * build this is also the "no sanitizer report on any known input" check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char fuzz_current[1200]; /* the file being replayed, for messages */

#define FUZZ_NO_ENTRY
#define FUZZ_FAIL(...)                                                                             \
    do {                                                                                           \
        print_error("while replaying %s:\n", fuzz_current);                                        \
        fail_msg(__VA_ARGS__);                                                                     \
    } while (0)

#include "fuzz/fuzz_data.c"
#include "fuzz/fuzz_do.c"
#include "fuzz/fuzz_model.c"
#include "fuzz/fuzz_narration.c"

#include "actions.h"
#include "lesson.h"

#define FUZZ_DIR RNNVIZ_FIXTURES_DIR "/../fuzz"

typedef int (*ReplayFn)(const uint8_t *data, size_t size, char *msg, size_t cap);

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint8_t *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    size_t got;
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

/* Every regular file of dir (sorted, so failures repeat in order) through
 * fn; returns how many there were. A missing dir counts 0. */
static int replay_dir(const char *dir, ReplayFn fn)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char *names[8192];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 8192)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_names);
    for (int i = 0; i < n; i++) {
        snprintf(fuzz_current, sizeof fuzz_current, "%s/%s", dir, names[i]);
        size_t size;
        uint8_t *data = read_all(fuzz_current, &size);
        char msg[1024] = "";
        int rc = fn(data, size, msg, sizeof msg);
        if ((rc != 0 && rc != -1) || !msg[0])
            fail_msg("%s: returned %d with message '%s'", fuzz_current, rc, msg);
        free(data);
        free(names[i]);
    }
    return n;
}

/* The corpus must be there (a missing one would make the test pass
 * vacuously); crash reproducers are optional. */
static void replay(const char *name, ReplayFn fn, int min_files)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpus/%s", FUZZ_DIR, name);
    int n = replay_dir(dir, fn);
    if (n < min_files)
        fail_msg("%s: %d files, expected at least %d", dir, n, min_files);
    snprintf(dir, sizeof dir, "%s/crashes/%s", FUZZ_DIR, name);
    int crashes = replay_dir(dir, fn);
    print_message("%s: %d corpus files, %d crash reproducers replayed\n", name, n, crashes);
}

/* ---- lesson and actions: the parsers their harnesses fuzz ---- */

static int lesson_run(const uint8_t *data, size_t size, char *msg, size_t cap)
{
    Lesson *l = lesson_parse((const char *)data, size, "fuzz.md", msg, cap);
    if (!l) {
        fuzz_check_message("lesson", msg, "fuzz.md");
        return -1;
    }
    if (lesson_step_count(l) < 1 || !lesson_title(l) || !lesson_title(l)[0])
        fail_msg("%s: accepted a lesson without steps or title", fuzz_current);
    lesson_destroy(l);
    snprintf(msg, cap, "ok");
    return 0;
}

static void check_position(const char *msg)
{
    int line = 0, col = 0;
    if (sscanf(msg, "%d:%d: ", &line, &col) != 2 || line < 1 || col < 1)
        fail_msg("%s: message '%s' does not start LINE:COL:", fuzz_current, msg);
}

/* As fuzz_actions.c: a block, one line of exactly size bytes, a setup
 * line; each parses or says where it stopped. */
static int actions_run(const uint8_t *data, size_t size, char *msg, size_t cap)
{
    static ActionList list;
    char *text = malloc(size + 1);
    assert_non_null(text);
    memcpy(text, data, size);
    text[size] = '\0';
    int bad = 0;
    if (action_parse_block(text, &list, 1, 1, msg, cap) != 0) {
        check_position(msg);
        bad = 1;
    }
    list.count = 0;
    if (action_parse_line((const char *)data, size, &list, 3, 2, msg, cap) != 0) {
        check_position(msg);
        bad = 1;
    }
    list.count = 0;
    if (action_parse_settings_line((const char *)data, size, &list, 1, 1, msg, cap) != 0)
        check_position(msg);
    free(text);
    if (!bad)
        snprintf(msg, cap, "ok");
    return bad ? -1 : 0;
}

/* ---- tests ---- */

static void test_model_corpus(void **state)
{
    (void)state;
    replay("model", fuzz_model_run, 20);
}

static void test_data_corpus(void **state)
{
    (void)state;
    replay("data", fuzz_data_run, 15);
}

static void test_do_corpus(void **state)
{
    (void)state;
    replay("do", fuzz_do_run, 10);
    /* `rnnviz render --do` runs what the action parser's corpus holds */
    replay("actions", fuzz_do_run, 10);
}

static void test_lesson_corpus(void **state)
{
    (void)state;
    replay("lesson", lesson_run, 10);
}

/* Every step of each lesson drawn into SVG and PNG, the shipped lessons
 * and the 300,000-deep emphasis among them. */
static void test_narration_corpus(void **state)
{
    (void)state;
    replay("narration", fuzz_narration_run, 10);
}

static void test_actions_corpus(void **state)
{
    (void)state;
    replay("actions", actions_run, 10);
}

/* The checks themselves fire: a refusal that names no file, or a set
 * that half-applied, would fail the replay (so a passing run means
 * something). */
static void test_known_answers(void **state)
{
    (void)state;
    char msg[600];
    static const char good[] =
        "{\"format\": \"rnnviz-model\", \"version\": 1, \"cell\": \"rnn\", \"nonlinearity\": "
        "\"tanh\", \"input_size\": 1, \"hidden_size\": 1, \"num_layers\": 1, \"output_size\": 1, "
        "\"loss\": \"mse\", \"targets\": \"all\", \"bias_hh\": false, \"params\": "
        "{\"weight_ih_l0\": [[0.5]], \"weight_hh_l0\": [[0.25]], \"bias_ih_l0\": [0], "
        "\"head.weight\": [[2]], \"head.bias\": [1]}}";
    snprintf(fuzz_current, sizeof fuzz_current, "(known answers)");
    assert_int_equal(fuzz_model_run((const uint8_t *)good, strlen(good), msg, sizeof msg), 0);
    assert_int_equal(fuzz_model_run((const uint8_t *)good, 40, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "fuzz.json:"));
    static const char data[] =
        "{\"format\": \"rnnviz-data\", \"version\": 1, \"inputs\": [[[1.0], [2.0]]], "
        "\"targets\": [[0, 2]]}";
    assert_int_equal(fuzz_data_run((const uint8_t *)data, strlen(data), msg, sizeof msg), 0);
    assert_string_equal(msg, "ok (config 0)");
    static const char flags[] = "--cell gru --hidden 3\nforward all; set hidden = 0; backward 2";
    assert_int_equal(fuzz_do_run((const uint8_t *)flags, strlen(flags), msg, sizeof msg), 0);
    static const char bad[] = "forward all\nfowrard 2";
    assert_int_equal(fuzz_do_run((const uint8_t *)bad, strlen(bad), msg, sizeof msg), -1);
    assert_string_equal(msg, "2:1: unknown verb 'fowrard' (did you mean 'forward'?)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),    cmocka_unit_test(test_model_corpus),
        cmocka_unit_test(test_data_corpus),      cmocka_unit_test(test_do_corpus),
        cmocka_unit_test(test_lesson_corpus),    cmocka_unit_test(test_actions_corpus),
        cmocka_unit_test(test_narration_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
