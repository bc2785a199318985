#!/usr/bin/python3
"""Recompute the lessons' numeric claims in NumPy, independently of the engine.

    /usr/bin/python3 tests/tools/check_lesson_claims.py --build build

Runs build/test_lessons with RNNVIZ_CLAIMS_DIR set, which writes, for every step
of every shipped lesson, the network (a model file, shared/spec/engine-contract.md),
its batch (a data file) and the engine's own L, L_t and ||dL/dh_t||. This script
reads only the model and data files, runs the forward pass and backpropagation
through time in NumPy (float64, PyTorch's equations and gate order), and checks
each claim the lessons and README make on its own numbers, printing the NumPy
number, the engine's where it has one, and OK or FAIL. Exit 1 on any FAIL,
77 (ctest's skip) when NumPy is missing.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("SKIP: NumPy is not installed (Debian: apt-get install python3-numpy)")
    sys.exit(77)


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


class Model:
    def __init__(self, path):
        m = json.load(open(path))
        self.cell, self.L = m["cell"], m["num_layers"]
        self.H, self.O = m["hidden_size"], m["output_size"]
        self.loss, self.targets = m["loss"], m["targets"]
        self.act = m.get("nonlinearity", "tanh")
        p = m["params"]
        self.p = {k: np.array(v, dtype=float) for k, v in p.items()}
        self.G = {"rnn": 1, "gru": 3, "lstm": 4}[self.cell]

    def w(self, name, l):
        key = "%s_l%d" % (name, l)
        if key in self.p:
            return self.p[key]
        return np.zeros(self.G * self.H)  # bias_hh = false

    def whh(self, l=0):
        return self.p["weight_hh_l%d" % l]


def load_data(path, model):
    d = json.load(open(path))
    x = np.array(d["inputs"], dtype=float)
    B, T = x.shape[:2]
    h0 = np.array(d["h0"]) if "h0" in d else np.zeros((model.L, B, model.H))
    c0 = np.array(d["c0"]) if "c0" in d else np.zeros((model.L, B, model.H))
    return x, d["targets"], h0, c0


def cell_forward(m, l, x, h, c):
    """One step of layer l: (h, c, cache)."""
    H = m.H
    gi = x @ m.w("weight_ih", l).T + m.w("bias_ih", l)
    gh = h @ m.w("weight_hh", l).T + m.w("bias_hh", l)
    if m.cell == "rnn":
        a = gi + gh
        hn = np.tanh(a) if m.act == "tanh" else np.maximum(a, 0)
        return hn, c, (x, h, hn, a)
    if m.cell == "gru":
        r = sigmoid(gi[:, :H] + gh[:, :H])
        z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        hn = (1 - z) * n + z * h
        return hn, c, (x, h, r, z, n, gh[:, 2 * H:])
    a = gi + gh
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H])
    g, o = np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
    cn = f * c + i * g
    hn = o * np.tanh(cn)
    return hn, cn, (x, h, c, i, f, g, o, cn)


def cell_backward(m, l, cache, dh, dc, grads):
    """dL/dh_t (and dc_t) -> (dL/dx_t, dL/dh_{t-1}, dL/dc_{t-1}); adds weight gradients."""
    H, Wih, Whh = m.H, m.w("weight_ih", l), m.w("weight_hh", l)
    if m.cell == "rnn":
        x, h, hn, a = cache
        da = dh * (1 - hn ** 2) if m.act == "tanh" else dh * (a > 0)
        dgi = dgh = da
        dhp, dcp = da @ Whh, dc
    elif m.cell == "gru":
        x, h, r, z, n, ghn = cache
        dn = dh * (1 - z)
        dz = dh * (h - n)
        dan = dn * (1 - n ** 2)
        dar, daz = dan * ghn * r * (1 - r), dz * z * (1 - z)
        dgi = np.concatenate([dar, daz, dan], 1)
        dgh = np.concatenate([dar, daz, dan * r], 1)
        dhp, dcp = dh * z + dgh @ Whh, dc
    else:
        x, h, c, i, f, g, o, cn = cache
        tc = np.tanh(cn)
        dcn = dc + dh * o * (1 - tc ** 2)
        da = np.concatenate([dcn * g * i * (1 - i), dcn * c * f * (1 - f),
                             dcn * i * (1 - g ** 2), dh * tc * o * (1 - o)], 1)
        dgi = dgh = da
        dhp, dcp = da @ Whh, dcn * f
    grads["weight_ih_l%d" % l] += dgi.T @ x
    grads["weight_hh_l%d" % l] += dgh.T @ h
    grads["bias_ih_l%d" % l] += dgi.sum(0)
    grads["bias_hh_l%d" % l] += dgh.sum(0)
    return dgi @ Wih, dhp, dcp


def target_steps(m, T):
    return [T - 1] if m.targets == "last" else list(range(T))


def run(m, x, targets, h0, c0):
    """Forward and BPTT. Returns a dict of everything the claims read."""
    B, T, _ = x.shape
    hs = [[None] * T for _ in range(m.L)]
    caches = [[None] * T for _ in range(m.L)]
    inp = x
    for l in range(m.L):
        h, c = h0[l], c0[l]
        outs = []
        for t in range(T):
            h, c, caches[l][t] = cell_forward(m, l, inp[:, t], h, c)
            hs[l][t] = h
            outs.append(h)
        inp = np.stack(outs, 1)
    W, b = m.p["head.weight"], m.p["head.bias"]
    y = inp @ W.T + b
    step_loss, dy = np.zeros(T), np.zeros_like(y)
    probs = None
    if m.loss == "softmax_ce":
        e = np.exp(y - y.max(2, keepdims=True))
        probs = e / e.sum(2, keepdims=True)
    for j, t in enumerate(target_steps(m, T)):
        for bb in range(B):
            tg = targets[bb][j]
            if m.loss == "softmax_ce":
                step_loss[t] -= math.log(probs[bb, t, tg]) / B
                dy[bb, t] = probs[bb, t] / B
                dy[bb, t, tg] -= 1.0 / B
            else:
                diff = y[bb, t] - np.array(tg)
                step_loss[t] += 0.5 * diff @ diff / B
                dy[bb, t] = diff / B
    grads = {k: np.zeros_like(v) for k, v in m.p.items()}
    for k in list(grads):
        if k.startswith("bias_hh") and k not in m.p:
            del grads[k]
    for bn in ("bias_hh_l%d" % l for l in range(m.L)):
        grads.setdefault(bn, np.zeros(m.G * m.H))
    grads["head.weight"] = np.einsum("bto,bth->oh", dy, inp)
    grads["head.bias"] = dy.sum((0, 1))
    dh_out = dy @ W  # (B, T, H) into the top layer
    grad_h = np.zeros((m.L, T))
    grad_c = np.zeros((m.L, T))
    from_next = np.zeros((m.L, T))
    from_out = np.zeros((m.L, T))
    contrib = np.zeros((m.L, T))
    for l in reversed(range(m.L)):
        dh_next, dc_next = np.zeros((B, m.H)), np.zeros((B, m.H))
        dx = np.zeros((B, T, caches[l][0][0].shape[1]))
        for t in reversed(range(T)):
            dh = dh_out[:, t] + dh_next
            grad_h[l, t] = np.linalg.norm(dh)
            from_next[l, t] = np.linalg.norm(dh_next)
            from_out[l, t] = np.linalg.norm(dh_out[:, t])
            before = grads["weight_hh_l%d" % l].copy()
            dc = dc_next
            if m.cell == "lstm":
                o, cn = caches[l][t][6], caches[l][t][7]
                grad_c[l, t] = np.linalg.norm(dc + dh * o * (1 - np.tanh(cn) ** 2))
            dx[:, t], dh_next, dc_next = cell_backward(m, l, caches[l][t], dh, dc, grads)
            contrib[l, t] = np.linalg.norm(grads["weight_hh_l%d" % l] - before)
        dh_out = dx
    return {"loss": step_loss.sum(), "step_loss": step_loss, "y": y, "p": probs,
            "h": hs, "grad_h": grad_h, "grad_c": grad_c, "from_next": from_next,
            "from_out": from_out, "contrib": contrib, "grads": grads, "caches": caches,
            "dy": dy}


def accuracy(m, r, targets):
    T = r["y"].shape[1]
    hits = n = 0
    for j, t in enumerate(target_steps(m, T)):
        for bb in range(r["y"].shape[0]):
            tg = targets[bb][j]
            if m.loss == "softmax_ce":
                hits += int(np.argmax(r["y"][bb, t]) == tg)
            else:
                hits += int(np.all(np.abs(r["y"][bb, t] - np.array(tg)) < 0.04))
            n += 1
    return hits / n


# ---- reporting ---------------------------------------------------------------------------

failures = []


def claim(where, text, ok, numpy_value, engine_value=None):
    eng = "" if engine_value is None else "  engine %s" % engine_value
    print("%-4s %-6s %s\n            numpy %s%s" % ("OK" if ok else "FAIL", where, text,
                                                    numpy_value, eng))
    if not ok:
        failures.append(where + ": " + text)


class State:
    def __init__(self, d, tag):
        self.m = Model(os.path.join(d, tag + ".model.json"))
        self.x, self.targets, self.h0, self.c0 = load_data(
            os.path.join(d, tag + ".data.json"), self.m)
        self.engine = json.load(open(os.path.join(d, tag + ".engine.json")))
        self.dir = d
        self.r = run(self.m, self.x, self.targets, self.h0, self.c0)

    def ratio(self, t0, t1, l=0):
        g = self.r["grad_h"][l]
        return g[t0] / g[t1]

    def engine_ratio(self, t0, t1):
        g = self.engine["grad_h"]
        return g[t0] / g[t1] if g[t0] is not None and g[t1] is not None else None


def fmt(v):
    return "%.3g" % v


def rescaled(st, rho):
    """A copy of state st's model with W_hh rescaled to spectral radius rho."""
    m = st.m
    W = m.whh()
    m2 = Model.__new__(Model)
    m2.__dict__.update(m.__dict__)
    m2.p = dict(m.p)
    m2.p["weight_hh_l0"] = W * (rho / max(abs(np.linalg.eigvals(W))))
    return run(m2, st.x, st.targets, st.h0, st.c0)


def sv(W):
    return np.linalg.norm(W, 2)


def pnorm(W, k):
    return sv(np.linalg.matrix_power(W, k))


def gate(st, g):
    H = st.m.H
    idx = {"gru": 3, "lstm": 4}[st.m.cell]
    v = np.array([st.r["caches"][0][t][idx] for t in range(len(st.r["caches"][0]))])
    return v if g == idx else None


def check_lesson_0(S):
    s = S("00-s1")
    w, u, b = (float(s.m.p[k].ravel()[0]) for k in ("weight_hh_l0", "weight_ih_l0", "bias_ih_l0"))
    h = np.array([v[0, 0] for v in s.r["h"][0]])
    x5 = s.x[0, 5, 0]
    claim("L0.1", "one unit: w = 0.7, u = -0.423, b = 0.299; x5 0.996, h4 0.180, h5 = tanh(a5) = 0.004",
          abs(w - 0.7) < 1e-12 and abs(u + 0.423) < 5e-4 and abs(b - 0.299) < 5e-4 and
          abs(x5 - 0.996) < 5e-4 and abs(h[4] - 0.180) < 5e-4 and abs(h[5] - 0.004) < 5e-4 and
          abs(np.tanh(w * h[4] + u * x5 + b) - h[5]) < 1e-15,
          "w %.4f u %.4f b %.4f x5 %.4f h4 %.4f h5 %.4f" % (w, u, b, x5, h[4], h[5]))
    claim("L0.2", "tanh' = 1 - h^2: 0.75 at 0.5, 0.19 at 0.9; h10 0.555, 1 - h10^2 0.692",
          abs(1 - np.tanh(np.arctanh(0.5)) ** 2 - 0.75) < 1e-12 and abs(h[10] - 0.555) < 5e-4
          and abs(1 - h[10] ** 2 - 0.692) < 5e-4, "h10 %.4f, 1 - h10^2 %.4f" % (h[10], 1 - h[10] ** 2))
    s = S("00-s3")
    dh = s.r["grad_h"][0]  # one unit, one row: |dL/dh_t|
    claim("L0.3", "at t = 5: dL/dh 0.070, dL/da 0.070, dL/dh4 0.049 = 0.7 x 0.070",
          abs(dh[5] - 0.070) < 5e-4 and abs(dh[5] * (1 - h[5] ** 2) - 0.070) < 5e-4 and
          abs(dh[4] - 0.049) < 5e-4, "%.4f %.4f %.4f" % (dh[5], dh[5] * (1 - h[5] ** 2), dh[4]))
    claim("L0.4", "at t = 10: factor 0.7(1 - h10^2) = 0.48; 0.666 -> 0.461 -> 0.323",
          abs(w * (1 - h[10] ** 2) - 0.48) < 5e-3 and abs(dh[10] - 0.666) < 5e-4 and
          abs(dh[10] * (1 - h[10] ** 2) - 0.461) < 5e-4 and abs(dh[9] - 0.323) < 5e-4,
          "%.4f: %.4f %.4f %.4f" % (w * (1 - h[10] ** 2), dh[10], dh[10] * (1 - h[10] ** 2), dh[9]))
    prod = np.prod(w * (1 - h[1:] ** 2))
    claim("L0.5", "0.7^10 = 0.028; dL/dh0 / dL/dh10 = 0.0072 = prod of w(1 - h_t^2), t = 1..10",
          abs(0.7 ** 10 - 0.028) < 5e-4 and abs(dh[0] / dh[10] - 0.0072) < 5e-5 and
          abs(dh[0] / dh[10] - prod) < 1e-15, "%s, %s, %s" % (fmt(0.7 ** 10), fmt(dh[0] / dh[10]), fmt(prod)),
          fmt(s.engine_ratio(0, 10)))
    s = S("00-s6")
    h6 = np.array([v[0, 0] for v in s.r["h"][0]])
    r = s.ratio(0, 10)
    claim("L0.6", "w = 0.95 (only w changed): 0.95^10 = 0.60, ratio 0.038, |h| up to 0.69",
          abs(float(s.m.whh().ravel()[0]) - 0.95) < 1e-12 and abs(float(s.m.p["weight_ih_l0"].ravel()[0]) - u) == 0
          and abs(0.95 ** 10 - 0.60) < 5e-3 and abs(r - 0.038) < 5e-4 and abs(np.abs(h6).max() - 0.69) < 5e-3,
          "%s, %s, %.3f" % (fmt(0.95 ** 10), fmt(r), np.abs(h6).max()), fmt(s.engine_ratio(0, 10)))
    claim("L0.7", "recap: 0.7^k first drops below 1e-6 at k = 39", 0.7 ** 38 > 1e-6 > 0.7 ** 39,
          "%s, %s" % (fmt(0.7 ** 38), fmt(0.7 ** 39)))


def check_lesson_1(S):
    s = S("01-s5")
    m = np.array([np.abs(h).min() for h in s.r["h"][0]])
    claim("L1.5", "uniform01: every unit |h_t| > 0.99999 from t = 1 on, not at t = 0",
          m[1:].min() > 0.99999 and m[0] <= 0.99999, "min t>=1 %.10f, t=0 %s" % (m[1:].min(), fmt(m[0])))
    allp = np.concatenate([v.ravel() for v in s.m.p.values()])
    claim("L1.5", "uniform01: every parameter in [0, 1)", allp.min() >= 0 and allp.max() < 1,
          "%s..%s" % (fmt(allp.min()), fmt(allp.max())))
    s = S("01-s7")
    n = sum(v.size for v in s.m.p.values())
    claim("L1.7", "SimpleRNN(10) on (3, 1) + Dense(1) without bias_hh: 120 + 11 = 131", n == 131, n)


def check_loss_factors(S):
    """Ours: (1/B) sum_b sum_t L_bt, 1/2 in MSE. PyTorch/Keras: mean over B*T(*O), no 1/2."""
    s = S("02-s5")  # softmax_ce, targets all, T = 8
    B, T = s.x.shape[:2]
    ce = -sum(math.log(s.r["p"][b, t, s.targets[b][t]]) for b in range(B) for t in range(T))
    torch_ce = ce / (B * T)
    claim("L1.6", "cross-entropy: PyTorch/Keras mean = ours / T", abs(torch_ce - s.r["loss"] / T) < 1e-12,
          "%.6f vs %.6f" % (torch_ce, s.r["loss"] / T))
    # gradient factor: d(mean CE)/dy = dy_ours / T
    dy_t = np.zeros_like(s.r["y"])
    for b in range(B):
        for t in range(T):
            dy_t[b, t] = s.r["p"][b, t] / (B * T)
            dy_t[b, t, s.targets[b][t]] -= 1.0 / (B * T)
    claim("L1.6", "cross-entropy gradients: PyTorch/Keras = ours x 1/T",
          np.allclose(dy_t, s.r["dy"] / T, rtol=0, atol=1e-15), "max diff %.2g" % np.abs(dy_t - s.r["dy"] / T).max())
    s = S("05-s2")  # mse, targets last: T counts 1 step, O = 1
    y = s.r["y"][:, -1]
    tg = np.array([s.targets[b][0] for b in range(y.shape[0])])
    torch_mse = ((y - tg) ** 2).mean()
    claim("L1.6", "MSE: PyTorch/Keras mean = ours x 2/(T*O) (T = 1 target step, O = 1)",
          abs(torch_mse - 2 * s.r["loss"]) < 1e-14, "%.8f vs %.8f" % (torch_mse, 2 * s.r["loss"]))


def check_lesson_2_3_4(S):
    s = S("02-s5")
    ok = all(s.targets[0][t] == (int(np.argmax(s.x[0, t])) + 1) % 3 for t in range(8))
    claim("L2.0", "mod3: the target is x_t + 1 mod 3 (no memory)", ok, ok)
    claim("L2.5", "untrained L near 8 log 3 = 8.8", abs(s.r["loss"] - 8 * math.log(3)) < 0.5,
          fmt(s.r["loss"]), fmt(s.engine["loss"]))
    d = np.abs(s.r["h"][0][2] - s.r["h"][0][5]).max()
    claim("L2.6", "x_2 = x_5 = 2, yet h_2 != h_5", np.argmax(s.x[0, 2]) == 2 and
          np.array_equal(s.x[0, 2], s.x[0, 5]) and d > 1e-3, "max |h2 - h5| %s" % fmt(d))
    s = S("03-s4")
    claim("L3.4", "t = 0's share of dL/dW_hh is 0 (h_-1 = 0), the others are not",
          s.r["contrib"][0][0] == 0 and s.r["contrib"][0][1:].min() > 0, s.r["contrib"][0].round(3))
    g = s.r["grads"]
    m2 = Model.__new__(Model)
    m2.__dict__.update(s.m.__dict__)
    m2.p = {k: v - 0.1 * g[k] for k, v in s.m.p.items()}
    after = run(m2, s.x, s.targets, s.h0, s.c0)["loss"]
    claim("L3.5", "one SGD step (lr 0.1) lowers L on the same sequence", after < s.r["loss"],
          "%.3f -> %.3f" % (s.r["loss"], after), "%.3f" % S("03-s5").engine["loss"])
    s = S("03-s6")
    claim("L3.6", "after train 150: accuracy 100%", accuracy(s.m, s.r, s.targets) == 1.0,
          accuracy(s.m, s.r, s.targets))
    s = S("04-s5")
    L = s.r["step_loss"]
    claim("L4.5", "carry = mean, trained: 100%, least sure at t = 0", accuracy(s.m, s.r, s.targets) == 1
          and L[0] > L[1:].max(), "L_t %s" % L.round(4))


def check_lesson_5(S):
    s = S("05-s2")
    r = s.ratio(0, 39)
    f = s.r["grad_h"][0][:-1] / s.r["grad_h"][0][1:]
    claim("L5.2", "rho 0.7: |dL/dh0| / |dL/dh39| below 1e-6", r < 1e-6, fmt(r), fmt(s.engine_ratio(0, 39)))
    claim("L5.2", "every step's factor between 0.5 and 0.85", f.min() > 0.5 and f.max() < 0.85,
          "%.3f..%.3f" % (f.min(), f.max()))
    W = s.m.whh()
    claim("L5.4", "||W_hh^39|| = 2.4e-6, near 0.7^39 = 9e-7; sigma_max 1.28; |eig| < 1",
          abs(pnorm(W, 39) - 2.4e-6) < 0.05e-6 and abs(sv(W) - 1.28) < 0.005 and
          max(abs(np.linalg.eigvals(W))) < 1, "%s, %s, %s" % (fmt(pnorm(W, 39)), fmt(0.7 ** 39), fmt(sv(W))))
    c = s.r["contrib"][0]
    claim("L5.5", "the first half's shares of dW_hh: almost nothing", c[:20].max() < 1e-3 * c[20:].max(),
          "%s vs %s" % (fmt(c[:20].max()), fmt(c[20:].max())))
    s = S("05-s6")
    r, W = s.ratio(0, 39), s.m.whh()
    claim("L5.6", "rho 0.95: ratio about 2e-3, below 0.95^39 = 0.135; ||W_hh^39|| = 0.36",
          1.5e-3 < r < 3e-3 and r < 0.95 ** 39 and abs(pnorm(W, 39) - 0.36) < 0.005,
          "%s, ||W^39|| %s" % (fmt(r), fmt(pnorm(W, 39))), fmt(s.engine_ratio(0, 39)))
    W = S("05-s7").m.whh()
    claim("L5.7", "recap: sigma_max 1.74 at rho 0.95", abs(sv(W) - 1.74) < 5e-3 and
          abs(max(abs(np.linalg.eigvals(W))) - 0.95) < 1e-9, fmt(sv(W)))
    s = S("05-s2")
    r11, r12 = [rescaled(s, rho)["grad_h"][0] for rho in (1.1, 1.2)]
    claim("README", "lesson 5's network: falls at rho 1.1, rises at rho 1.2",
          r11[0] / r11[39] < 1 < r12[0] / r12[39], "%s, %s" % (fmt(r11[0] / r11[39]), fmt(r12[0] / r12[39])))


def check_lesson_6(S):
    s = S("06-s1")
    g = s.r["grad_h"][0]
    claim("L6.1", "rises to the left: |dL/dh0| a few hundred times |dL/dh29|, largest and smallest",
          150 < g[0] / g[29] < 1000 and g.argmax() == 0 and g.argmin() == 29, fmt(g[0] / g[29]),
          fmt(s.engine_ratio(0, 29)))
    W = s.m.whh()
    h = np.array(s.r["h"][0])
    claim("L6.2", "sigma_max 3.64; ||W_hh^29|| = 1.2e9 > 2^29; mean 1 - h^2 = 0.53",
          abs(sv(W) - 3.64) < 0.005 and 1.15e9 < pnorm(W, 29) < 1.25e9 and abs((1 - h ** 2).mean() - 0.53) < 0.005,
          "%s, %s, %s" % (fmt(sv(W)), fmt(pnorm(W, 29)), fmt((1 - h ** 2).mean())))
    s = S("06-s5")
    g, L = s.r["grad_h"][0], s.r["step_loss"]
    nxt, out = s.r["from_next"][0][:29], s.r["from_out"][0][:29]
    claim("L6.5", "trained: flat within 2x for t = 2..29; t = 0 rises ~1000x; L0 0.03, L1 1e-4, rest < 2e-5",
          g[2:].max() < 2 * g[2:].min() and 500 < g[0] / g[2:].max() < 2000 and g[1] > g[2:].max()
          and 0.025 < L[0] < 0.035 and 0.5e-4 < L[1] < 1.5e-4 and L[2:].max() < 2e-5,
          "flat %s, t0 x%s, L %s %s %s" % (fmt(g[2:].max() / g[2:].min()), fmt(g[0] / g[2:].max()),
                                           fmt(L[0]), fmt(L[1]), fmt(L[2:].max())))
    claim("L6.5", "27 of 29 steps get less from t+1 than from their own output",
          int((nxt < out).sum()) == 27, int((nxt < out).sum()))


def check_lesson_7(S):
    s = S("07-s2")
    c = s.r["caches"][0]
    f = np.array([c[t][4] for t in range(50)])
    i20, f20, g20, o20, c20 = c[20][3][0], c[20][4][0], c[20][5][0], c[20][6][0], c[20][7][0]
    c19, h20 = c[20][2][0], s.r["h"][0][20][0, 0]
    claim("L7.2", "LSTM: f near sigma(2) = 0.88 (mean); row 0, t = 20: f = 0.843, 0.857, 0.864",
          abs(sigmoid(2.0) - 0.88) < 5e-3 and abs(f.mean() - 0.88) < 5e-3 and
          np.abs(f20[:3] - [0.843, 0.857, 0.864]).max() < 5e-4,
          "sigma(2) %.4f, mean %.4f, %s" % (sigmoid(2.0), f.mean(), f20[:3].round(4)))
    claim("L7.3", "c20 = f c19 + i g: 0.843 x (-0.476) + 0.582 x (-0.104) = -0.461",
          abs(c19[0] + 0.476) < 5e-4 and abs(i20[0] - 0.582) < 5e-4 and abs(g20[0] + 0.104) < 5e-4
          and abs(c20[0] + 0.461) < 5e-4 and abs(f20[0] * c19[0] + i20[0] * g20[0] - c20[0]) < 1e-15,
          "c19 %.4f i %.4f g %.4f c20 %.4f" % (c19[0], i20[0], g20[0], c20[0]))
    claim("L7.4", "h20 = o tanh(c20) = 0.542 x tanh(-0.461) = -0.234",
          abs(o20[0] - 0.542) < 5e-4 and abs(h20 + 0.234) < 5e-4 and abs(o20[0] * np.tanh(c20[0]) - h20) < 1e-15,
          "o %.4f h20 %.4f" % (o20[0], h20))
    rnn = S("07-rnn").ratio(0, 49)
    lstm = S("07-s5").ratio(0, 49)
    claim("L7.5", "RNN ratio 5e-15, LSTM 3e-3; 0.88^49 = 0.002; 0.88^500 = 2e-28",
          4.5e-15 < rnn < 5.5e-15 and 2.5e-3 < lstm < 3.5e-3 and abs(0.88 ** 49 - 0.002) < 5e-4
          and 1.5e-28 < 0.88 ** 500 < 2.5e-28, "%s, %s, %s, %s" % (fmt(rnn), fmt(lstm), fmt(0.88 ** 49),
                                                              fmt(0.88 ** 500)),
          "%s, %s" % (fmt(S("07-rnn").engine_ratio(0, 49)), fmt(S("07-s5").engine_ratio(0, 49))))
    s = S("07-s6")
    z = np.array([s.r["caches"][0][t][3] for t in range(50)])
    r = s.ratio(0, 49)
    claim("L7.6", "GRU: z averages 0.48; ratio 5e-11, ~10,000x the RNN's",
          0.475 < z.mean() < 0.485 and 4.5e-11 < r < 5.5e-11 and 5e3 < r / rnn < 2e4,
          "z %.3f, %s, x%s" % (z.mean(), fmt(r), fmt(r / rnn)))
    rng = np.random.default_rng(0)
    u = rng.random((2, 1000000)).sum(0)
    claim("L7.7", "always answering 1 on the adding task: loss 1/2 Var(sum) = 1/12 = 0.083",
          abs(0.5 * ((u - 1) ** 2).mean() - 1 / 12) < 1e-3, fmt(0.5 * ((u - 1) ** 2).mean()))


def check_lesson_8(S):
    s = S("08-s1")
    claim("L8.1", "untrained L near 25 ln 53 = 99; ln 53 = 3.97 nats", abs(s.r["loss"] - 25 * math.log(53)) < 5
          and abs(math.log(53) - 3.97) < 5e-3, fmt(s.r["loss"]), fmt(s.engine["loss"]))
    s = S("08-s2")
    best = s.r["p"][0].max(1)
    claim("L8.2", "untrained: p near 1/53 = 0.019; row 0's best guesses 2% or 3% (rounded)",
          best.min() >= 0.015 and best.max() < 0.035, "%.4f..%.4f" % (best.min(), best.max()))
    s = S("08-s4")
    p = s.r["p"][0, 20]
    order = np.argsort(-p)[:3]
    d = json.load(open(os.path.join(s.dir, "08-s4.vocab.json")))
    chars = "".join(chr(d[k]) for k in order)
    pt = p ** (1 / 0.7)
    share = pt[order[0]] / pt.sum()
    claim("L8.4", "after 300: at step 20 (input t after a space) top h 0.44, o 0.29, a 0.06; h 57% at T 0.7",
          chars == "hoa" and np.abs(p[order] - [0.44, 0.29, 0.06]).max() < 5e-3 and abs(share - 0.57) < 5e-3
          and chr(d[int(np.argmax(s.x[0, 20]))]) == "t" and chr(d[int(np.argmax(s.x[0, 19]))]) == " ",
          "%r %s, %.4f" % (chars, p[order].round(4), share))
    s = S("08-s5")
    claim("L8.5", "after 600 iterations the window's L below 40 (1.6 nats/char)", s.r["loss"] < 40
          and 40 / 25 == 1.6, fmt(s.r["loss"]), fmt(s.engine["loss"]))
    g = S("08-s6").r["grad_h"][0]
    claim("L8.6", "|dL/dh_t| level across the window (within 10x)", g.max() < 10 * g.min(),
          "%s..%s" % (fmt(g.min()), fmt(g.max())))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build", help="the build directory (holds test_lessons)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, RNNVIZ_CLAIMS_DIR=d, SDL_VIDEODRIVER="dummy")
        rc = subprocess.run([os.path.join(args.build, "test_lessons")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        if rc != 0:
            print("FAIL: test_lessons exited %d" % rc)
        cache = {}

        def S(tag):
            if tag not in cache:
                cache[tag] = State(d, tag)
            return cache[tag]

        agree = max(abs(S(t).r["loss"] - S(t).engine["loss"]) for t in ("00-s3", "02-s5", "05-s2", "07-s5", "07-s6", "07-rnn"))
        claim("all", "NumPy forward agrees with the engine's loss", agree < 1e-10, fmt(agree))
        for check in (check_lesson_0, check_lesson_1, check_loss_factors, check_lesson_2_3_4, check_lesson_5,
                      check_lesson_6, check_lesson_7, check_lesson_8):
            check(S)
    print("%d FAIL" % len(failures) if failures else "all claims OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
