/*
 * The session's side of the view model: the model's storage, sized when a
 * network is built, and the per-frame fill from the session and its engine.
 * Only the session includes this; the view reads viewmodel.h.
 */
#ifndef RNNVIZ_VM_FILL_H
#define RNNVIZ_VM_FILL_H

#include "session.h"
#include "viewmodel.h"

/* For a network of L layers, up to T steps, O outputs (classes) and H
 * hidden units; NULL when out of memory. */
ViewModel *vm_create(int L, int T, int O, int H);
void vm_destroy(ViewModel *vm);
/* Refreshes every field from the session; never allocates. */
void vm_fill(ViewModel *vm, const Session *s);

#endif
