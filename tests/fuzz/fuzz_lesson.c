/* libFuzzer harness for lesson files (not built by CMake):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I src/base -I src/session -I src/lesson \
 *       tests/fuzz/fuzz_lesson.c src/session/actions.c src/base/suggest.c \
 *       src/lesson/lesson.c src/lesson/narration.c src/base/expect.c -lcmark -o fuzz_lesson
 *   ./fuzz_lesson -dict=tests/fuzz/lesson.dict tests/fuzz/corpus/lesson
 *
 * The input is the whole file. On success every accessor is walked and the
 * narration of each part is read through (its plain text); on failure the
 * message must name the file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"

static void walk(const Lesson *l)
{
    char buf[256];
    if (!lesson_title(l) || !lesson_title(l)[0] || lesson_step_count(l) < 1 ||
        lesson_step_count(l) > LESSON_MAX_STEPS)
        abort();
    narration_plain_text(lesson_intro(l), buf, sizeof buf);
    for (int i = 0; i < lesson_setup_count(l); i++) {
        const char *k, *v;
        int line, col;
        if (lesson_setup_entry(l, i, &k, &v, &line, &col) != 0 || !k[0] || !v[0] || line < 1 ||
            col < 1)
            abort();
    }
    for (int s = 0; s < lesson_step_count(l); s++) {
        if (!lesson_step_title(l, s) || !lesson_step_title(l, s)[0] || lesson_step_line(l, s) < 1)
            abort();
        narration_plain_text(lesson_step_narration(l, s), buf, sizeof buf);
        if (lesson_step_heading(l, s)->block_count != 1)
            abort();
        const ActionList *a = lesson_step_actions(l, s);
        for (int i = 0; i < a->count; i++) {
            if (action_format(&a->items[i], buf, sizeof buf) != 0 || a->items[i].line < 1 ||
                a->items[i].col < 1)
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[512];
    Lesson *l = lesson_parse((const char *)data, size, "fuzz.md", msg, sizeof msg);
    if (l) {
        walk(l);
        lesson_destroy(l);
    } else if (strncmp(msg, "fuzz.md:", 8) != 0) {
        fprintf(stderr, "bad message '%s'\n", msg);
        abort();
    }
    return 0;
}
