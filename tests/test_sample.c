/* The text sampler: greedy sampling one step at a time equals the argmax
 * of the whole unrolled sequence at every position (state carried exactly,
 * for rnn, gru and 2-layer lstm); a tiny temperature is greedy; seeded
 * temperature draws are reproducible and follow softmax(ŷ / temperature)
 * (first-character frequencies against the engine's probabilities); the
 * network sampled from is left untouched; samples of a trained model are
 * made of the text's words, an untrained one's are not; bad requests are
 * refused with their messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample.h"
#include "settings.h"

/* A trainer for task text from "key=value;..." on the shipped text. */
static Trainer *make(const char *spec)
{
    Settings st;
    settings_default(&st);
    char buf[512], msg[400];
    assert_int_equal(settings_set(&st, "task", "text", msg, sizeof msg), 0);
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *item = strtok(buf, ";"); item; item = strtok(NULL, ";")) {
        char *eq = strchr(item, '=');
        assert_non_null(eq);
        *eq = '\0';
        if (settings_set(&st, item, eq + 1, msg, sizeof msg))
            fail_msg("settings_set %s: %s", item, msg);
    }
    NetError err = {{0}};
    Trainer *tr = settings_trainer(&st, &err);
    if (!tr)
        fail_msg("settings_trainer(%s): %s", spec, err.msg);
    return tr;
}

/* Runs prime + sample as one sequence on a fresh network with the same
 * parameters and checks that every sampled byte is the argmax of the
 * output before it: the one-step sampler carried the state exactly. */
static void check_greedy_matches_unrolled(const char *spec)
{
    Trainer *tr = make(spec);
    const Net *net = train_net_const(tr);
    const Task *task = train_task_const(tr);
    NetError err = {{0}};
    Sampler *sp = sample_create(net, task, &err);
    assert_non_null(sp);
    const char *prime = "Mary had";
    enum { N = 40 };
    char out[N + 1];
    assert_int_equal(sample_run(sp, net, prime, N, 0, NULL, out, sizeof out, &err), 0);
    assert_int_equal((int)strlen(out), N);

    int P = (int)strlen(prime), T = P + N - 1, V = task_input_size(task);
    NetConfig cfg = *net_config(net);
    cfg.max_batch = 1;
    cfg.max_steps = T;
    cfg.targets = NET_TARGETS_ALL;
    Net *full = net_create(&cfg, &err);
    assert_non_null(full);
    memcpy(net_params(full), net_params_const(net), sizeof(double) * net_num_params(net));
    double *x = calloc((size_t)T * V, sizeof(double));
    int *cls = calloc((size_t)T, sizeof(int));
    assert_non_null(x);
    assert_non_null(cls);
    for (int t = 0; t < T; t++) {
        unsigned char c = (unsigned char)(t < P ? prime[t] : out[t - P]);
        x[(size_t)t * V + task_text_class(task, c)] = 1.0;
    }
    NetBatch b = {.B = 1, .T = T, .x = x, .classes = cls};
    assert_int_equal(net_bind(full, &b, &err), 0);
    assert_int_equal(net_forward(full), 0);
    for (int i = 0; i < N; i++) {
        const double *y = net_y(full, P - 1 + i);
        int best = 0;
        for (int k = 1; k < V; k++)
            if (y[k] > y[best])
                best = k;
        if (task_text_byte(task, best) != (unsigned char)out[i])
            fail_msg("%s: sampled byte %d is '%c', the unrolled argmax is '%c'", spec, i, out[i],
                     task_text_byte(task, best));
    }
    free(x);
    free(cls);
    net_destroy(full);
    sample_destroy(sp);
    train_destroy(tr);
}

static void test_greedy_equals_unrolled_rnn(void **state)
{
    (void)state;
    check_greedy_matches_unrolled("cell=rnn;hidden=16;steps=10;seed=3");
}

static void test_greedy_equals_unrolled_gru(void **state)
{
    (void)state;
    check_greedy_matches_unrolled("cell=gru;hidden=12;steps=10;seed=4");
}

static void test_greedy_equals_unrolled_lstm_two_layers(void **state)
{
    (void)state;
    check_greedy_matches_unrolled("cell=lstm;hidden=10;layers=2;steps=10;seed=5;forget_bias=1");
}

/* Seeded draws repeat; a tiny temperature is greedy; the first character
 * follows the engine's softmax. */
static void test_temperature(void **state)
{
    (void)state;
    Trainer *tr = make("cell=rnn;hidden=16;steps=10;seed=7;init=normal");
    const Net *net = train_net_const(tr);
    const Task *task = train_task_const(tr);
    NetError err = {{0}};
    Sampler *sp = sample_create(net, task, &err);
    assert_non_null(sp);
    char a[64], b[64], g[64];
    Rng r1, r2;
    rng_seed(&r1, 11);
    rng_seed(&r2, 11);
    assert_int_equal(sample_run(sp, net, "The", 60, 1.0, &r1, a, sizeof a, &err), 0);
    assert_int_equal(sample_run(sp, net, "The", 60, 1.0, &r2, b, sizeof b, &err), 0);
    assert_string_equal(a, b);
    rng_seed(&r2, 12);
    assert_int_equal(sample_run(sp, net, "The", 60, 1.0, &r2, b, sizeof b, &err), 0);
    assert_string_not_equal(a, b);
    assert_int_equal(sample_run(sp, net, "The", 60, 0, NULL, g, sizeof g, &err), 0);
    assert_int_equal(sample_run(sp, net, "The", 60, 1e-6, &r1, a, sizeof a, &err), 0);
    assert_string_equal(a, g);

    /* p of the character after "T", from a separate one-step pass */
    int V = task_input_size(task);
    NetConfig cfg = *net_config(net);
    cfg.max_batch = 1;
    cfg.max_steps = 1;
    Net *one = net_create(&cfg, &err);
    assert_non_null(one);
    memcpy(net_params(one), net_params_const(net), sizeof(double) * net_num_params(net));
    double *x = calloc((size_t)V, sizeof(double));
    assert_non_null(x);
    x[task_text_class(task, 'T')] = 1.0;
    int cls = 0;
    NetBatch bt = {.B = 1, .T = 1, .x = x, .classes = &cls};
    assert_int_equal(net_bind(one, &bt, &err), 0);
    assert_int_equal(net_forward(one), 0);
    const double *p = net_prob(one, 0);
    enum { DRAWS = 4000 };
    int *count = calloc((size_t)V, sizeof(int));
    assert_non_null(count);
    Rng rng;
    rng_seed(&rng, 99);
    for (int i = 0; i < DRAWS; i++) {
        char c[2];
        assert_int_equal(sample_run(sp, net, "T", 1, 1.0, &rng, c, sizeof c, &err), 0);
        count[task_text_class(task, (unsigned char)c[0])]++;
    }
    for (int k = 0; k < V; k++) {
        double f = (double)count[k] / DRAWS, sd = sqrt(p[k] * (1 - p[k]) / DRAWS);
        if (fabs(f - p[k]) > 5 * sd + 1e-9)
            fail_msg("class %d ('%c'): frequency %.4f, softmax p %.4f (sd %.4f)", k,
                     task_text_byte(task, k), f, p[k], sd);
    }
    free(count);
    free(x);
    net_destroy(one);
    sample_destroy(sp);
    train_destroy(tr);
}

/* Sampling reads the network and leaves it exactly as it was. */
static void test_source_network_untouched(void **state)
{
    (void)state;
    Trainer *tr = make("cell=lstm;hidden=8;steps=12;seed=2");
    NetError err = {{0}};
    assert_int_equal(train_step(tr, &err), 0);
    const Net *net = train_net_const(tr);
    size_t n = net_num_params(net);
    double loss = net_loss(net);
    double *params = malloc(n * sizeof(double));
    assert_non_null(params);
    memcpy(params, net_params_const(net), n * sizeof(double));
    double h5 = net_h(net, 0, 5)[3];
    Sampler *sp = sample_create(net, train_task_const(tr), &err);
    assert_non_null(sp);
    char out[32];
    assert_int_equal(sample_run(sp, net, "a", 30, 0, NULL, out, sizeof out, &err), 0);
    assert_memory_equal(params, net_params_const(net), n * sizeof(double));
    assert_true(net_loss(net) == loss);
    assert_true(net_h(net, 0, 5)[3] == h5);
    free(params);
    sample_destroy(sp);
    train_destroy(tr);
}

/* Fraction of the words (2+ letters) of s that occur as whole words in
 * the text. */
static double known_words(const char *s, const unsigned char *text, size_t len)
{
    int words = 0, hits = 0;
    for (const char *p = s; *p;) {
        while (*p && !isalpha((unsigned char)*p))
            p++;
        const char *q = p;
        while (*q && isalpha((unsigned char)*q))
            q++;
        size_t n = (size_t)(q - p);
        if (n >= 2) {
            words++;
            for (size_t i = 0; i + n <= len; i++)
                if (!memcmp(text + i, p, n) && (i == 0 || !isalpha(text[i - 1])) &&
                    (i + n == len || !isalpha(text[i + n]))) {
                    hits++;
                    break;
                }
        }
        p = q;
    }
    return words ? (double)hits / words : 0;
}

/* Mean known-word fraction of three seeded samples of 300 characters at
 * temperature 0.7, starting after a newline. */
static double sample_quality(const Trainer *tr)
{
    const Net *net = train_net_const(tr);
    const Task *task = train_task_const(tr);
    NetError err = {{0}};
    Sampler *sp = sample_create(net, task, &err);
    assert_non_null(sp);
    size_t len;
    const unsigned char *text = task_text(task, &len);
    double sum = 0;
    for (int seed = 1; seed <= 3; seed++) {
        char out[301];
        Rng rng;
        rng_seed(&rng, (uint64_t)seed);
        assert_int_equal(sample_run(sp, net, "\n", 300, 0.7, &rng, out, sizeof out, &err), 0);
        sum += known_words(out, text, len);
    }
    sample_destroy(sp);
    return sum / 3;
}

/* Untrained, the samples hold no word of the rhymes; after 450
 * iterations, most of their words are words of the text. */
static void test_samples_learn_words(void **state)
{
    (void)state;
    Trainer *tr = make("cell=rnn;hidden=64;steps=25;batch=8;optimizer=adam;"
                       "learning_rate=0.01;seed=1");
    double before = sample_quality(tr);
    NetError err = {{0}};
    assert_int_equal(train_run(tr, 450, NULL, NULL, &err), 450);
    double after = sample_quality(tr);
    print_message("known words in samples: %.2f untrained, %.2f after 450 iterations\n", before,
                  after);
    assert_true(before < 0.1);
    assert_true(after > 0.3);
    train_destroy(tr);
}

static void test_refusals(void **state)
{
    (void)state;
    Trainer *tr = make("cell=rnn;hidden=8;steps=10");
    const Net *net = train_net_const(tr);
    NetError err = {{0}};
    Sampler *sp = sample_create(net, train_task_const(tr), &err);
    assert_non_null(sp);
    char out[8] = "x";
    assert_int_equal(sample_run(sp, net, "a", 8, 0, NULL, out, sizeof out, &err), NET_ERR_ARG);
    assert_string_equal(err.msg, "cannot sample 8 characters into 8 bytes");
    assert_string_equal(out, "");
    assert_int_equal(sample_run(sp, net, "", 3, 0, NULL, out, sizeof out, &err), NET_ERR_ARG);
    assert_string_equal(err.msg, "the prime needs at least one character");
    assert_int_equal(sample_run(sp, net, "aZ", 3, 0, NULL, out, sizeof out, &err), NET_ERR_ARG);
    assert_string_equal(err.msg, "prime: byte 0x5a ('Z') is not in the text's vocabulary");
    assert_int_equal(sample_run(sp, net, "a", 3, 0.5, NULL, out, sizeof out, &err), NET_ERR_ARG);
    assert_string_equal(err.msg, "sampling at a temperature needs an Rng");

    Trainer *other = make("cell=gru;hidden=8;steps=10");
    assert_int_equal(sample_run(sp, train_net_const(other), "a", 3, 0, NULL, out, sizeof out, &err),
                     NET_ERR_ARG);
    assert_string_equal(err.msg, "the network's shape differs from the sampler's");
    train_destroy(other);
    sample_destroy(sp);
    train_destroy(tr);

    Settings st;
    settings_default(&st); /* task mod3 */
    Trainer *mod3 = settings_trainer(&st, &err);
    assert_non_null(mod3);
    assert_null(sample_create(train_net_const(mod3), train_task_const(mod3), &err));
    assert_string_equal(err.msg, "sampling needs a network trained on the text task");
    train_destroy(mod3);
    sample_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_greedy_equals_unrolled_rnn),
        cmocka_unit_test(test_greedy_equals_unrolled_gru),
        cmocka_unit_test(test_greedy_equals_unrolled_lstm_two_layers),
        cmocka_unit_test(test_temperature),
        cmocka_unit_test(test_source_network_untouched),
        cmocka_unit_test(test_samples_learn_words),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
