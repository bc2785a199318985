#!/usr/bin/python3
"""Check `rnnviz grads` against PyTorch, number by number.

Not run by the test suite (it needs torch: Debian's python3-torch, run with
/usr/bin/python3). For many random cases (rnn tanh/relu, gru, lstm; L 1..3;
B 1..4; T 1..7; mse/softmax_ce; all/last; bias_hh false; h0/c0) it writes a
model and a data file, runs `rnnviz grads`, and computes the same numbers
in float64:

- loss, outputs and parameter gradients with nn.RNN / nn.GRU / nn.LSTM
  (batch_first) and an nn.Linear head, the loss as the contract defines it
  (summed over steps with a target, averaged over the batch);
- grad_h / grad_c by running the same weights step by step with
  nn.RNNCell / GRUCell / LSTMCell (retain_grad on every h^l_t and c^l_t:
  nn.RNN only exposes the last layer's states) - the two torch paths are
  also compared with each other.

Error measure, per quantity: max_i |a_i - b_i| / max(|b_i|, 1e-6 max_j |b_j|)
(relative, with a floor so entries that cancel to ~0 are judged against the
tensor's scale). The contract's tolerance is 1e-7. Each case also feeds a
few broken files and expects exit status 1 with a one-line message.

usage: /usr/bin/python3 tests/tools/check_grads_torch.py [--bin build/rnnviz]
       [--cases 300] [--seed 1] [--keep DIR]
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

torch.set_default_dtype(torch.float64)
TOL = 1e-7
GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def random_case(rng, idx):
    cell = rng.choice(["rnn", "rnn", "gru", "lstm"])
    c = {
        "cell": cell,
        "act": rng.choice(["tanh", "relu"]) if cell == "rnn" else "tanh",
        "I": rng.randint(1, 4), "H": rng.randint(1, 5), "L": rng.randint(1, 3),
        "O": rng.randint(1, 4), "B": rng.randint(1, 4), "T": rng.randint(1, 7),
        "loss": rng.choice(["mse", "softmax_ce"]),
        "targets": rng.choice(["all", "last"]),
        "bias_hh": cell == "gru" or rng.random() < 0.7,
        "h0": rng.random() < 0.4, "c0": cell == "lstm" and rng.random() < 0.5,
        "scale": rng.choice([0.3, 0.8, 1.5]),
    }
    return c


def param_shapes(c):
    G, H = GATES[c["cell"]], c["H"]
    out = []
    for l in range(c["L"]):
        inp = c["I"] if l == 0 else H
        out += [(f"weight_ih_l{l}", [G * H, inp]), (f"weight_hh_l{l}", [G * H, H]),
                (f"bias_ih_l{l}", [G * H])]
        if c["bias_hh"]:
            out.append((f"bias_hh_l{l}", [G * H]))
    out += [("head.weight", [c["O"], H]), ("head.bias", [c["O"]])]
    return out


def rand_tensor(rng, shape, scale):
    if len(shape) == 1:
        return [rng.uniform(-scale, scale) for _ in range(shape[0])]
    return [rand_tensor(rng, shape[1:], scale) for _ in range(shape[0])]


def make_files(rng, c):
    params = {n: rand_tensor(rng, s, c["scale"]) for n, s in param_shapes(c)}
    model = {"format": "rnnviz-model", "version": 1, "cell": c["cell"]}
    if c["cell"] == "rnn":
        model["nonlinearity"] = c["act"]
    model.update({"input_size": c["I"], "hidden_size": c["H"], "num_layers": c["L"],
                  "output_size": c["O"], "loss": c["loss"], "targets": c["targets"],
                  "bias_hh": c["bias_hh"], "params": params})
    B, T, O = c["B"], c["T"], c["O"]
    Tt = T if c["targets"] == "all" else 1
    data = {"format": "rnnviz-data", "version": 1,
            "inputs": [[[rng.gauss(0, 1) for _ in range(c["I"])] for _ in range(T)]
                       for _ in range(B)]}
    if c["loss"] == "softmax_ce":
        data["targets"] = [[rng.randrange(O) for _ in range(Tt)] for _ in range(B)]
    else:
        data["targets"] = [[[rng.gauss(0, 1) for _ in range(O)] for _ in range(Tt)]
                           for _ in range(B)]
    if c["h0"]:
        data["h0"] = rand_tensor(rng, [c["L"], B, c["H"]], 1.0)
    if c["c0"]:
        data["c0"] = rand_tensor(rng, [c["L"], B, c["H"]], 1.0)
    return model, data


def contract_loss(c, y, data):
    """y: (B, T, O). Sum over steps with a target, mean over the batch."""
    B, T = c["B"], c["T"]
    steps = list(range(T)) if c["targets"] == "all" else [T - 1]
    total = torch.zeros(())
    for j, t in enumerate(steps):
        yt = y[:, t, :]
        if c["loss"] == "softmax_ce":
            k = torch.tensor([data["targets"][b][j] for b in range(B)])
            total = total - torch.log_softmax(yt, dim=1)[torch.arange(B), k].sum()
        else:
            tgt = torch.tensor([data["targets"][b][j] for b in range(B)])
            total = total + 0.5 * ((yt - tgt) ** 2).sum()
    return total / B


def initial_states(c, data):
    B, H, L = c["B"], c["H"], c["L"]
    h0 = torch.tensor(data["h0"]) if "h0" in data else torch.zeros(L, B, H)
    c0 = torch.tensor(data["c0"]) if "c0" in data else torch.zeros(L, B, H)
    return h0, c0


def torch_whole(c, model, data):
    """nn.RNN/GRU/LSTM + Linear: loss, outputs, parameter gradients."""
    P = model["params"]
    kw = dict(input_size=c["I"], hidden_size=c["H"], num_layers=c["L"], batch_first=True)
    if c["cell"] == "rnn":
        net = torch.nn.RNN(nonlinearity=c["act"], **kw)
    elif c["cell"] == "gru":
        net = torch.nn.GRU(**kw)
    else:
        net = torch.nn.LSTM(**kw)
    head = torch.nn.Linear(c["H"], c["O"])
    with torch.no_grad():
        for name, p in net.named_parameters():
            p.copy_(torch.tensor(P[name]) if name in P else torch.zeros_like(p))
        head.weight.copy_(torch.tensor(P["head.weight"]))
        head.bias.copy_(torch.tensor(P["head.bias"]))
    x = torch.tensor(data["inputs"])
    h0, c0 = initial_states(c, data)
    out, _ = net(x, (h0, c0) if c["cell"] == "lstm" else h0)
    y = head(out)
    loss = contract_loss(c, y, data)
    loss.backward()
    grads = {name: p.grad for name, p in net.named_parameters() if name in P}
    grads["head.weight"] = head.weight.grad
    grads["head.bias"] = head.bias.grad
    return loss.item(), y.detach(), grads


def torch_unrolled(c, model, data):
    """Cells run step by step: grad_h[l][t], grad_c[l][t], plus loss/outputs."""
    P, L, T, H = model["params"], c["L"], c["T"], c["H"]
    cells = []
    for l in range(L):
        inp = c["I"] if l == 0 else H
        if c["cell"] == "rnn":
            cell = torch.nn.RNNCell(inp, H, nonlinearity=c["act"])
        elif c["cell"] == "gru":
            cell = torch.nn.GRUCell(inp, H)
        else:
            cell = torch.nn.LSTMCell(inp, H)
        with torch.no_grad():
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                key = f"{name}_l{l}"
                p = getattr(cell, name)
                p.copy_(torch.tensor(P[key]) if key in P else torch.zeros_like(p))
        cells.append(cell)
    W, bias = torch.tensor(P["head.weight"]), torch.tensor(P["head.bias"])
    x = torch.tensor(data["inputs"])
    h0, c0 = initial_states(c, data)
    hs = [[None] * T for _ in range(L)]
    cs = [[None] * T for _ in range(L)]
    ys = []
    for t in range(T):
        inp = x[:, t, :]
        for l in range(L):
            hp = h0[l] if t == 0 else hs[l][t - 1]
            if c["cell"] == "lstm":
                cp = c0[l] if t == 0 else cs[l][t - 1]
                h, cc = cells[l](inp, (hp, cp))
                cc.retain_grad()
                cs[l][t] = cc
            else:
                h = cells[l](inp, hp)
            h.retain_grad()
            hs[l][t] = h
            inp = h
        ys.append(inp @ W.T + bias)
    y = torch.stack(ys, dim=1)
    loss = contract_loss(c, y, data)
    loss.backward()

    def norm(v):
        return 0.0 if v is None or v.grad is None else v.grad.norm().item()

    grad_h = [[norm(hs[l][t]) for t in range(T)] for l in range(L)]
    grad_c = [[norm(cs[l][t]) for t in range(T)] for l in range(L)] if c["cell"] == "lstm" else None
    return loss.item(), y.detach(), grad_h, grad_c


def denull(x):
    """rnnviz writes a non-finite value as null (and counts them in "nonfinite")."""
    if isinstance(x, list):
        return [denull(v) for v in x]
    if isinstance(x, dict):
        return {k: denull(v) for k, v in x.items()}
    return math.nan if x is None else x


def rel_err(a, b):
    """max_i |a_i - b_i| / max(|b_i|, 1e-6 max|b|); absolute when b is all 0."""
    a = torch.as_tensor(a, dtype=torch.float64).flatten()
    b = torch.as_tensor(b, dtype=torch.float64).flatten()
    if a.shape != b.shape:
        return math.inf, f"shape {tuple(a.shape)} vs {tuple(b.shape)}"
    if not torch.isfinite(a).all():
        return math.inf, "non-finite value in rnnviz output"
    scale = b.abs().max().item() if b.numel() else 0.0
    if scale == 0.0:
        e = (a - b).abs()
    else:
        e = (a - b).abs() / torch.clamp(b.abs(), min=1e-6 * scale)
    i = int(e.argmax()) if e.numel() else 0
    worst = f"[{i}] rnnviz {a[i].item():.17g} torch {b[i].item():.17g}" if e.numel() else ""
    return (e.max().item() if e.numel() else 0.0), worst


def run_grads(binary, mpath, dpath):
    p = subprocess.run([binary, "grads", "--model", mpath, "--data", dpath],
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def describe(c):
    s = f"{c['cell']}{'/' + c['act'] if c['cell'] == 'rnn' else ''} L={c['L']} B={c['B']} " \
        f"T={c['T']} I={c['I']} H={c['H']} O={c['O']} {c['loss']}/{c['targets']}"
    if not c["bias_hh"]:
        s += " bias_hh=false"
    if c["h0"]:
        s += " h0"
    if c["c0"]:
        s += " c0"
    return s


def broken_variants(model, data):
    """(name, model, data) triples that rnnviz must refuse."""
    out = []
    m = json.loads(json.dumps(model))
    del m["params"]["head.bias"]
    out.append(("missing param", m, data))
    m = json.loads(json.dumps(model))
    m["params"]["weight_hh_l0"][0].append(0.5)
    out.append(("ragged weight", m, data))
    m = json.loads(json.dumps(model))
    m["hidden_size"] = float(m["hidden_size"])
    out.append(("float size", m, data))
    d = json.loads(json.dumps(data))
    d["inputs"][0][0].append(1.0)
    out.append(("ragged inputs", model, d))
    d = json.loads(json.dumps(data))
    d["inputs"][0][0][0] = float("inf")
    out.append(("Infinity input", model, d))
    return out


def check_refused(binary, tmp, name, model, data):
    mp, dp = os.path.join(tmp, "bad_model.json"), os.path.join(tmp, "bad_data.json")
    with open(mp, "w") as f:
        json.dump(model, f)
    with open(dp, "w") as f:
        json.dump(data, f)
    rc, out, err = run_grads(binary, mp, dp)
    lines = err.splitlines()
    if rc != 1 or len(lines) != 1 or not lines[0].startswith("rnnviz grads: ") or out:
        return f"broken file '{name}' not refused properly: exit {rc}, stderr {err!r}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--bin", default=os.environ.get("RNNVIZ_BIN",
                                                    os.path.join(here, "../../build/rnnviz")))
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", help="directory to keep the generated files in")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = args.keep or tempfile.mkdtemp(prefix="rnnviz-check-")
    os.makedirs(tmp, exist_ok=True)
    worst_all, failures, refusals = 0.0, 0, 0
    for idx in range(args.cases):
        c = random_case(rng, idx)
        model, data = make_files(rng, c)
        mp, dp = os.path.join(tmp, f"model_{idx}.json"), os.path.join(tmp, f"data_{idx}.json")
        with open(mp, "w") as f:
            json.dump(model, f)
        with open(dp, "w") as f:
            json.dump(data, f)
        rc, out, err = run_grads(args.bin, mp, dp)
        if rc != 0:
            print(f"case {idx}: {describe(c)}: rnnviz failed (exit {rc}): {err.strip()}")
            failures += 1
            continue
        got = denull(json.loads(out))
        loss, y, grads = torch_whole(c, model, data)
        loss_u, y_u, grad_h, grad_c = torch_unrolled(c, model, data)
        errs = {"loss": rel_err([got["loss"]], [loss]), "outputs": rel_err(got["outputs"], y)}
        for name, _ in param_shapes(c):
            errs[name] = rel_err(got["grads"].get(name, []), grads[name])
        extra = set(got["grads"]) - {n for n, _ in param_shapes(c)}
        errs["grad_h"] = rel_err(got["grad_h"], grad_h)
        if grad_c is not None:
            errs["grad_c"] = rel_err(got.get("grad_c", []), grad_c)
        elif "grad_c" in got:
            errs["grad_c"] = (math.inf, "grad_c present for a non-lstm cell")
        # The two torch paths must agree, or the reference itself is wrong.
        self_err = max(rel_err([loss_u], [loss])[0], rel_err(y_u, y)[0])
        worst_key = max(errs, key=lambda k: errs[k][0])
        worst = errs[worst_key][0]
        ok = worst <= TOL and not extra and self_err <= 1e-12
        print(f"case {idx}: {describe(c)}: max rel err {worst:.2e} ({worst_key})"
              + ("" if ok else "  MISMATCH"))
        if not ok:
            failures += 1
            for k, (e, where) in errs.items():
                if e > TOL:
                    print(f"    {k}: rel err {e:.3e} at {where}")
            if extra:
                print(f"    unexpected grads: {sorted(extra)}")
            if self_err > 1e-12:
                print(f"    torch whole vs unrolled disagree: {self_err:.3e}")
        worst_all = max(worst_all, worst)
        for name, m, d in broken_variants(model, data):
            problem = check_refused(args.bin, tmp, name, m, d)
            if problem:
                print(f"case {idx}: {problem}")
                failures += 1
            else:
                refusals += 1
    verdict = "PASS" if failures == 0 else "FAIL"
    print(f"{args.cases} cases, max relative error {worst_all:.3e} (tolerance {TOL:g}), "
          f"{refusals} broken files refused, {failures} failures: {verdict}")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
