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
        self.r = run(self.m, self.x, self.targets, self.h0, self.c0)

    def ratio(self, t0, t1, l=0):
        g = self.r["grad_h"][l]
        return g[t0] / g[t1]

    def engine_ratio(self, t0, t1):
        g = self.engine["grad_h"]
        return g[t0] / g[t1] if g[t0] is not None and g[t1] is not None else None


def fmt(v):
    return "%.3g" % v
