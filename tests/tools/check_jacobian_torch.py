#!/usr/bin/python3
"""Check `rnnviz jacobian` against torch.autograd.functional.jacobian.

Not run by the test suite (it needs torch: Debian's python3-torch, run with
/usr/bin/python3). For random cases (rnn tanh/relu, gru, lstm; L 1..2; the
layer and batch row picked at random; B 1..3; T 2..12; H 1..8 and some
16/32; several seeds) it writes a model and a data file, runs
`rnnviz jacobian --layer l --row b`, and computes in float64 with
nn.RNNCell / GRUCell / LSTMCell on the same weights:

- J_t = dh_{T-1}/dh_t: jacobian of the function h_t -> h_{T-1} that runs
  the cells t+1..T-1 of layer l (its inputs, the states of the layer below,
  held fixed; for the lstm c_t held fixed too), then torch.linalg.svdvals;
- the one-step dh_{t+1}/dh_t the same way, one cell;
- for the lstm, the joint one-step d(h,c)_{t+1}/d(h,c)_t.

Error measure: |a - b| / max(|b|, 1e-6 sigma_max) per singular value, with
sigma_max the largest singular value of its matrix. Both sides compute a
singular value sigma_i only to about eps * sigma_max (LAPACK's guarantee,
and J_t itself carries rounding of that size), i.e. to eps * sigma_max /
sigma_i relative: a value 1e-12 times the largest (products over many
steps, dead relu units) has no correct digits anywhere. So every value down
to 1e-6 sigma_max is held to 1e-9 relative, and the smaller ones to
1e-15 sigma_max absolute (a few ulps of the matrix). The plain relative
error |a - b| / |b| is printed too, with each case's largest
sigma_max / sigma_min, so the two can be told apart. The issue's tolerance
is 1e-9 relative.

usage: /usr/bin/python3 tests/tools/check_jacobian_torch.py [--bin build/rnnviz]
       [--cases 60] [--seed 1]
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile

import torch
from torch.autograd.functional import jacobian

torch.set_default_dtype(torch.float64)
TOL = 1e-9
FLOOR = 1e-6
GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def random_case(rng):
    cell = rng.choice(["rnn", "rnn", "gru", "lstm"])
    H = rng.choice([1, 2, 3, 4, 5, 8, 8, 16, 32, 64, 128])
    return {
        "cell": cell,
        "act": rng.choice(["tanh", "relu"]) if cell == "rnn" else "tanh",
        "I": rng.randint(1, 4), "H": H, "L": rng.randint(1, 2), "O": rng.randint(1, 3),
        "B": rng.randint(1, 3), "T": rng.randint(2, 12),
        "scale": rng.choice([0.5, 1.0, 1.5]) / math.sqrt(H),
        "h0": rng.random() < 0.5,
    }


def rand_tensor(rng, shape, scale):
    if len(shape) == 1:
        return [rng.uniform(-scale, scale) for _ in range(shape[0])]
    return [rand_tensor(rng, shape[1:], scale) for _ in range(shape[0])]


def make_files(rng, c):
    G, H = GATES[c["cell"]], c["H"]
    params = {}
    for l in range(c["L"]):
        inp = c["I"] if l == 0 else H
        params[f"weight_ih_l{l}"] = rand_tensor(rng, [G * H, inp], 1.0)
        params[f"weight_hh_l{l}"] = rand_tensor(rng, [G * H, H], c["scale"] * 2.0)
        params[f"bias_ih_l{l}"] = rand_tensor(rng, [G * H], 0.5)
        params[f"bias_hh_l{l}"] = rand_tensor(rng, [G * H], 0.5)
    params["head.weight"] = rand_tensor(rng, [c["O"], H], 1.0)
    params["head.bias"] = rand_tensor(rng, [c["O"]], 1.0)
    model = {"format": "rnnviz-model", "version": 1, "cell": c["cell"]}
    if c["cell"] == "rnn":
        model["nonlinearity"] = c["act"]
    model.update({"input_size": c["I"], "hidden_size": H, "num_layers": c["L"],
                  "output_size": c["O"], "loss": "mse", "targets": "last", "params": params})
    B, T = c["B"], c["T"]
    data = {"format": "rnnviz-data", "version": 1,
            "inputs": [[[rng.gauss(0, 1) for _ in range(c["I"])] for _ in range(T)]
                       for _ in range(B)],
            "targets": [[[rng.gauss(0, 1) for _ in range(c["O"])]] for _ in range(B)]}
    if c["h0"]:
        data["h0"] = rand_tensor(rng, [c["L"], B, H], 1.0)
        if c["cell"] == "lstm":
            data["c0"] = rand_tensor(rng, [c["L"], B, H], 1.0)
    return model, data


def make_cell(c, model, l):
    inp = c["I"] if l == 0 else c["H"]
    if c["cell"] == "rnn":
        cell = torch.nn.RNNCell(inp, c["H"], nonlinearity=c["act"])
    elif c["cell"] == "gru":
        cell = torch.nn.GRUCell(inp, c["H"])
    else:
        cell = torch.nn.LSTMCell(inp, c["H"])
    p = model["params"]
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor(p[f"weight_ih_l{l}"]))
        cell.weight_hh.copy_(torch.tensor(p[f"weight_hh_l{l}"]))
        cell.bias_ih.copy_(torch.tensor(p[f"bias_ih_l{l}"]))
        cell.bias_hh.copy_(torch.tensor(p[f"bias_hh_l{l}"]))
    return cell


def states(c, cells, data, b):
    """Layer inputs xs[l][t] and states hs[l][t], cs[l][t] of row b (t = -1 at index 0)."""
    H, L, T = c["H"], c["L"], c["T"]
    x = [torch.tensor(data["inputs"][b][t]).unsqueeze(0) for t in range(T)]
    xs, hs, cs = [], [], []
    for l in range(L):
        h = torch.tensor(data["h0"][l][b]).unsqueeze(0) if "h0" in data else torch.zeros(1, H)
        cc = torch.tensor(data["c0"][l][b]).unsqueeze(0) if "c0" in data else torch.zeros(1, H)
        xs.append(x)
        hl, cl = [h], [cc]
        with torch.no_grad():
            for t in range(T):
                if c["cell"] == "lstm":
                    h, cc = cells[l](x[t], (h, cc))
                else:
                    h = cells[l](x[t], h)
                hl.append(h)
                cl.append(cc)
        hs.append(hl)
        cs.append(cl)
        x = hl[1:]
    return xs, hs, cs


def run_from(c, cell, xs, t, T, h, cc):
    """h_{T-1} from h_t (and c_t fixed) through steps t+1..T-1."""
    for u in range(t + 1, T):
        if c["cell"] == "lstm":
            h, cc = cell(xs[u], (h, cc))
        else:
            h = cell(xs[u], h)
    return h


def torch_values(c, model, data, l, b):
    cells = [make_cell(c, model, k) for k in range(c["L"])]
    xs, hs, cs = states(c, cells, data, b)
    T, cell = c["T"], cells[l]
    prod, step, joint = [], [], []
    for t in range(T):
        ht, ct = hs[l][t + 1], cs[l][t + 1]
        J = jacobian(lambda h: run_from(c, cell, xs[l], t, T, h, ct), ht).reshape(c["H"], c["H"])
        prod.append(torch.linalg.svdvals(J).tolist())
        if t < T - 1:
            S = jacobian(lambda h: run_from(c, cell, xs[l], t, t + 2, h, ct), ht)
            step.append(torch.linalg.svdvals(S.reshape(c["H"], c["H"])).tolist())
            if c["cell"] == "lstm":
                H = c["H"]

                def one(s):
                    h2, c2 = cell(xs[l][t + 1], (s[:, :H], s[:, H:]))
                    return torch.cat([h2, c2], dim=1)

                Jj = jacobian(one, torch.cat([ht, ct], dim=1)).reshape(2 * H, 2 * H)
                joint.append(torch.linalg.svdvals(Jj)[0].item())
            else:
                joint.append(step[-1][0])
    return prod, step, joint


def rel_errors(ours, ref):
    """(plain relative, floored relative) over rows of singular values."""
    plain = floored = 0.0
    for a_row, b_row in zip(ours, ref):
        top = max(abs(v) for v in b_row)
        for a, b in zip(a_row, b_row):
            d = abs(a - b)
            plain = max(plain, d / abs(b) if b != 0 else (0.0 if d == 0 else math.inf))
            floored = max(floored, d / max(abs(b), FLOOR * top, 1e-300))
    return plain, floored


def run_case(args, rng, idx, tmp):
    c = random_case(rng)
    model, data = make_files(rng, c)
    l, b = rng.randrange(c["L"]), rng.randrange(c["B"])
    mp, dp = os.path.join(tmp, "m.json"), os.path.join(tmp, "d.json")
    with open(mp, "w") as f:
        json.dump(model, f)
    with open(dp, "w") as f:
        json.dump(data, f)
    out = subprocess.run([args.bin, "jacobian", "--model", mp, "--data", dp, "--layer", str(l),
                          "--row", str(b)], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout)
    prod, step, joint = torch_values(c, model, data, l, b)
    e1 = rel_errors(got["singular_values"], prod)
    e2 = rel_errors(got["step_singular_values"], step) if step else (0.0, 0.0)
    e3 = rel_errors([got["step_joint_norm"]], [joint]) if joint else (0.0, 0.0)
    plain = max(e1[0], e2[0], e3[0])
    floored = max(e1[1], e2[1], e3[1])
    cond = max(r[0] / r[-1] if r[-1] > 0 else math.inf for r in prod)
    name = c["cell"] + ("/" + c["act"] if c["cell"] == "rnn" else "")
    print(f"case {idx:3d} {name:9s} H={c['H']:2d} L={c['L']} B={c['B']} T={c['T']:2d} "
          f"l={l} b={b}  rel {plain:.2e}  floored {floored:.2e}  max cond {cond:.1e}")
    return name, plain, floored


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/rnnviz")
    ap.add_argument("--cases", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    worst = {}
    with tempfile.TemporaryDirectory() as tmp:
        for idx in range(args.cases):
            name, plain, floored = run_case(args, rng, idx, tmp)
            w = worst.get(name, (0.0, 0.0))
            worst[name] = (max(w[0], plain), max(w[1], floored))
    bad = False
    for name, (plain, floored) in sorted(worst.items()):
        ok = floored <= TOL
        bad = bad or not ok
        print(f"{name:9s} max relative error {plain:.3e}  (floored {floored:.3e})  "
              f"{'ok' if ok else 'FAIL'}")
    print("FAIL" if bad else f"all {args.cases} cases within {TOL:g} relative")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
