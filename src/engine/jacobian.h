/*
 * Why the gradient fades: the Jacobian of the last hidden state with
 * respect to an earlier one, J_t = dh_{T-1}/dh_t, computed exactly for one
 * layer and one batch row from the forward caches, with its singular values
 * for every t, and the one-step Jacobians dh_{t+1}/dh_t it is built from.
 *
 * Shapes: T steps, H hidden, S the state size (H; 2H for lstm, state (h, c)).
 * Matrices are row-major.
 *
 * What is differentiated, per cell (layer l, row b; the layers below are
 * inputs and do not depend on h^l_t):
 *   rnn   h_{t+1} = act(W_ih x + b + W_hh h_t):  dh_{t+1}/dh_t = diag(act') W_hh.
 *   gru   h_{t+1} from h_t through r, z and n (all four paths).
 *   lstm  J_t = dh_{T-1}/dh_t with c_t held fixed: move h_t alone, run the
 *         cells t+1..T-1 (c follows through f, i and g), see how h_{T-1}
 *         moves. This is what torch.autograd.functional.jacobian gives for
 *         the function h_t -> h_{T-1} with c_t a constant, and it is the
 *         matrix BPTT uses: when only h_{T-1} gets a gradient (one layer,
 *         targets "last"), dL/dh_t = J_t^T dL/dh_{T-1}. It is computed as
 *         the (h, h) block of the product of the joint one-step Jacobians
 *         d(h,c)_{t+1}/d(h,c)_t, since the path through c is part of it.
 *         The one-step dh_{t+1}/dh_t (c_t fixed) is that joint matrix's
 *         (h, h) block; for the lstm those blocks do NOT multiply to J_t
 *         (the c path is missing), which is the point of the memory cell;
 *         jac_step_joint_norm gives the norm of the whole joint step.
 *
 * Conventions: jac_create allocates everything (products, SVD scratch,
 * LAPACK work sized by a query) for a hidden size and a step count;
 * jac_compute never allocates. Actions return 0 or a negative NET_ERR_*
 * code (NET_ERR_ARG for a bad layer, row, size or a network whose forward
 * pass has not reached step T-1 of the layer). A matrix with a non-finite
 * entry (a product that overflowed) or an SVD that does not converge gets
 * NaN singular values; that is a result, not an error.
 */
#ifndef RNNVIZ_JACOBIAN_H
#define RNNVIZ_JACOBIAN_H

#include "net.h"

/* Largest hidden size the exact computation accepts. */
#define JAC_MAX_HIDDEN 256

typedef struct JacWork JacWork;

/* Workspace for a cell type, hidden size H (1..JAC_MAX_HIDDEN) and up to
 * max_steps steps; NULL when a size is out of range or memory runs out. */
JacWork *jac_create(NetCell cell, int H, int max_steps);
void jac_destroy(JacWork *w);

/* Fills every value below for layer l, batch row b of net, whose forward
 * pass must have run every step of layer l. */
int jac_compute(JacWork *w, const Net *net, int l, int b);

int jac_steps(const JacWork *w);  /* T of the last jac_compute */
int jac_hidden(const JacWork *w); /* H */

/* Singular values (H), descending, of J_t = dh_{T-1}/dh_t, 0 <= t < T;
 * J_{T-1} is the identity. NULL when t is out of range. */
const double *jac_product_sv(const JacWork *w, int t);
/* Singular values (H), descending, of the one-step dh_{t+1}/dh_t,
 * 0 <= t < T-1; NULL otherwise. */
const double *jac_step_sv(const JacWork *w, int t);
/* Spectral norm of d(h,c)_{t+1}/d(h,c)_t (lstm); the one-step norm for
 * rnn and gru. NaN when t is out of range. */
double jac_step_joint_norm(const JacWork *w, int t);

/* The matrices themselves, for tests and panels: out (H, H) = J_t, and
 * out (S, S) = the joint one-step d s_{t+1}/d s_t (S = jac_state_size). */
int jac_product_matrix(JacWork *w, const Net *net, int l, int b, int t, double *out);
int jac_step_matrix(JacWork *w, const Net *net, int l, int b, int t, double *out);
int jac_state_size(const JacWork *w);

#endif
