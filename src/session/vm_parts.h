/*
 * The parts of the view model's fill that compute numbers the engine does
 * not keep as such: the inspector's terms for the displayed row, the
 * per-step backward gains, each row's own loss. Only the session's
 * viewmodel*.c include this.
 */
#ifndef RNNVIZ_VM_PARTS_H
#define RNNVIZ_VM_PARTS_H

#include "session.h"
#include "viewmodel.h"

/* The model's own vectors for computed terms, sized for G <= 4 gates of H. */
typedef struct {
    int H;
    double *a, *direct, *recur, *dc_own; /* (4H) each */
    double *wsum;                        /* (4H, H): the running dL/dW_hh */
    /* what wsum was computed for: recomputed when any of these differ */
    bool w_valid;
    int w_l, w_t, w_cursor;
    long w_iter;
    double w_probe;
} VmScratch;

int vm_scratch_init(VmScratch *sc, int H);
void vm_scratch_free(VmScratch *sc);

/* The inspector's node: its terms for row vm->row (vm_inspect.c). */
void vm_fill_inspect(ViewModel *vm, const Session *s, VmScratch *sc);
/* gain, gain_prod and sigma_bounds (vm_stats.c). */
void vm_fill_gains(ViewModel *vm, const Net *net);
/* step[t].row_loss and p_target of row vm->row (vm_stats.c). */
void vm_fill_row_loss(ViewModel *vm, const Net *net, int t);

#endif
