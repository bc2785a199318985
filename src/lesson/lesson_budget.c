#include "lesson_budget.h"

#include <stdio.h>

#include "lesson_run.h"
#include "net.h"
#include "settings.h"

/* What one node, a whole pass and an iteration cost on cfg. */
typedef struct {
    double node, pass, iter;
    int nodes;
} Cost;

static double at_least(double flops)
{
    return flops > LESSON_NODE_FLOOR ? flops : LESSON_NODE_FLOOR;
}

static Cost cost_of(const NetConfig *c)
{
    double B = c->max_batch, T = c->max_steps, H = c->hidden_size, O = c->output_size;
    double GH = net_gate_count(c->cell) * H, step = 0;
    for (int l = 0; l < c->num_layers; l++)
        step += at_least(2 * B * GH * ((l ? H : c->input_size) + H));
    step += at_least(2 * B * O * H);
    Cost k;
    k.nodes = c->num_layers * c->max_steps;
    k.node = step / (c->num_layers + 1);
    k.pass = T * step;
    k.iter = 3 * k.pass;
    return k;
}

/* The estimated work of action a on settings st. */
static double action_flops(const Action *a, const Settings *st)
{
    NetConfig nc;
    NetError err = {{0}};
    if (settings_net_config(st, NULL, &nc, &err) < 0)
        return 0; /* running the step will say why */
    Cost k = cost_of(&nc);
    double n = a->count == ACTION_ALL ? k.nodes : a->count;
    switch (a->verb) {
    case ACT_FORWARD:
        return a->count == ACTION_ALL ? k.pass : n * k.node;
    case ACT_BACKWARD:
        return a->count == ACTION_ALL ? 2 * k.pass : 2 * n * k.node;
    case ACT_STEP:
    case ACT_BACK:
        return 2 * n * k.node;
    case ACT_TRAIN:
        return n * k.iter;
    case ACT_COMPARE:
        return 3 * (a->count * k.iter + k.iter);
    case ACT_SET:
    case ACT_RESET: {
        double H = nc.hidden_size;
        return k.pass + 10 * nc.num_layers * H * H * H;
    }
    default:
        return 0;
    }
}

int lesson_check_budget(const Lesson *lesson, char *msg, size_t cap)
{
    Settings st;
    if (lesson_settings(lesson, &st, msg, cap))
        return 0; /* entering the lesson reports it */
    for (int k = 0; k < lesson_step_count(lesson); k++) {
        const ActionList *acts = lesson_step_actions(lesson, k);
        double total = 0;
        for (int i = 0; acts && i < acts->count; i++) {
            const Action *a = &acts->items[i];
            char ignored[200];
            if (a->verb == ACT_SET)
                settings_set(&st, a->key, a->value, ignored, sizeof ignored);
            total += action_flops(a, &st);
            if (total <= LESSON_MAX_FLOPS)
                continue;
            snprintf(msg, cap,
                     "%s:%d:%d: step %d needs about %.3g GFLOP of work, over the lesson budget "
                     "of %.0f GFLOP (about a minute); use smaller sizes or fewer iterations",
                     lesson_name(lesson), a->line, a->col, k + 1, total / 1e9,
                     LESSON_MAX_FLOPS / 1e9);
            return -1;
        }
    }
    return 0;
}
