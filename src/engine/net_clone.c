/* Copies of a network: every buffer (parameters, gradients, caches, pass
 * state) and the bound batch's size, so a copy continues exactly where
 * the original stands. Kept apart from net.c: it reads the one block that
 * net_create carves. */
#include "net.h"

#include <string.h>

#include "net_internal.h"

/* Bytes of the carved buffers: params is carved first, at the block's
 * aligned base, so one copy from there covers them all. */
static size_t carved_bytes(const NetConfig *cfg)
{
    return net_config_bytes(cfg) - sizeof(Net);
}

static bool same_shape(const NetConfig *a, const NetConfig *b)
{
    return a->cell == b->cell && a->act == b->act && a->loss == b->loss &&
           a->targets == b->targets && a->bias_hh == b->bias_hh && a->input_size == b->input_size &&
           a->hidden_size == b->hidden_size && a->output_size == b->output_size &&
           a->num_layers == b->num_layers && a->max_batch == b->max_batch &&
           a->max_steps == b->max_steps;
}

int net_copy_state(Net *dst, const Net *src)
{
    if (!same_shape(&dst->cfg, &src->cfg))
        return NET_ERR_ARG;
    memcpy(dst->params, src->params, carved_bytes(&src->cfg));
    dst->cfg = src->cfg;
    dst->B = src->B;
    dst->T = src->T;
    dst->nonfinite = src->nonfinite;
    memcpy(dst->err, src->err, sizeof dst->err);
    return NET_OK;
}

Net *net_clone(const Net *src, NetError *err)
{
    Net *n = net_create(&src->cfg, err);
    if (n)
        net_copy_state(n, src);
    return n;
}
