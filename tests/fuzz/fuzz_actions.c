/* libFuzzer harness for the action-line parser (not built by CMake):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I src/session \
 *       tests/fuzz/fuzz_actions.c src/session/actions.c src/session/suggest.c \
 *       -o fuzz_actions
 *   ./fuzz_actions -dict=tests/fuzz/actions.dict tests/fuzz/corpus/actions
 *
 * Besides "no crash, no UB", it checks the contract: a failure leaves the
 * list untouched and says "LINE:COL: ...", and every parsed action formats
 * to a line that parses back to the same action. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"

static ActionList list, before, again;

static int same_action(const Action *a, const Action *b)
{
    return a->verb == b->verb && a->count == b->count && a->layer == b->layer &&
           a->step == b->step && a->order == b->order && a->panel == b->panel &&
           strcmp(a->key, b->key) == 0 && strcmp(a->value, b->value) == 0;
}

/* "LINE:COL: " with both numbers >= 1. */
static void check_message(const char *msg)
{
    int line = 0, col = 0, n = 0;
    if (sscanf(msg, "%d:%d: %n", &line, &col, &n) != 2 || n == 0 || line < 1 || col < 1) {
        fprintf(stderr, "bad message '%s'\n", msg);
        abort();
    }
}

/* Actions from index first on (older ones may be stale filler). */
static void check_round_trip(const ActionList *l, int first)
{
    char buf[256], msg[256];
    for (int i = first; i < l->count; i++) {
        if (action_format(&l->items[i], buf, sizeof buf) != 0) {
            fprintf(stderr, "cannot format action %d\n", i);
            abort();
        }
        if (action_parse_block(buf, &again, 1, 1, msg, sizeof msg) != 0 || again.count != 1 ||
            !same_action(&again.items[0], &l->items[i])) {
            fprintf(stderr, "round trip of '%s' failed: %s\n", buf, msg);
            abort();
        }
    }
}

/* A failed parse must leave the list as it was; a partial write would
 * land at items[count] first, so the saved prefix runs one past count
 * (copying all 50 KiB on each run would slow the fuzzer tenfold). */
static void save(void)
{
    int n = list.count < ACTION_LIST_CAP ? list.count + 1 : ACTION_LIST_CAP;
    before.count = list.count;
    memcpy(before.items, list.items, (size_t)n * sizeof(Action));
}

static void check_untouched(void)
{
    int n = before.count < ACTION_LIST_CAP ? before.count + 1 : ACTION_LIST_CAP;
    if (list.count != before.count ||
        memcmp(before.items, list.items, (size_t)n * sizeof(Action)) != 0) {
        fprintf(stderr, "a failed parse changed the list\n");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[256];
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    /* a block, as `rnnviz render --do` passes it */
    save();
    if (action_parse_block(text, &list, 1, 1, msg, sizeof msg) == 0) {
        check_round_trip(&list, 0);
    } else {
        check_message(msg);
        check_untouched();
    }

    /* one line of exactly size bytes (no NUL), appended, as lessons do */
    list.count = (int)(size % (ACTION_LIST_CAP + 1));
    save();
    if (action_parse_line((const char *)data, size, &list, 3, 2, msg, sizeof msg) == 0) {
        check_round_trip(&list, before.count);
    } else {
        check_message(msg);
        check_untouched();
    }

    list.count = 0;
    if (action_parse_settings_line((const char *)data, size, &list, 1, 1, msg, sizeof msg) == 0) {
        for (int i = 0; i < list.count; i++)
            if (list.items[i].verb != ACT_SET || !list.items[i].key[0] || !list.items[i].value[0])
                abort();
        check_round_trip(&list, 0);
    } else {
        check_message(msg);
    }
    free(text);
    return 0;
}
