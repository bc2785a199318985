#!/usr/bin/env python3
"""Compare the engine's forward+backward time with PyTorch float64.

Runs our bench_engine --json (path from argv[1], default ./build/bench_engine),
then times PyTorch on the same configurations with the same equations
(nn.RNN/GRU/LSTM batch_first + Linear head + cross-entropy summed over steps
and averaged over the batch), both single-threaded, with the same repetition
policy: warm up 0.1 s, then repeat until 1 s and at least 5 reps, median.

--clock wall (default) compares wall times; --clock cpu compares the CPU
time of the timing thread (ours: CLOCK_THREAD_CPUTIME_ID; torch:
time.process_time(), all its threads), which stays steady when other
processes compete for the cores. Both runs are single-threaded.

Prints which BLAS each side loaded, one row per configuration, and last
`bench: N of M within target`. Exits non-zero when a configuration misses its
target ratio ours/torch, or when torch is missing (after our own timings).

Usage: compare_torch.py [BENCH_ENGINE] [--seconds S] [--clock wall|cpu]
"""
import json
import os
import statistics
import subprocess
import sys
import time

# Single-threaded everywhere, set before torch (and its BLAS) loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

DEBIAN_PYTHON = "/usr/bin/python3"

try:
    import torch
except ImportError:
    torch = None
    # The default python3 may be a build without torch; Debian's has it.
    if (os.path.exists(DEBIAN_PYTHON)
            and os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON)
            and not os.environ.get("RNNVIZ_BENCH_REEXEC")):
        os.environ["RNNVIZ_BENCH_REEXEC"] = "1"
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])

# Target for the ratio ours/torch, by configuration size class.
TARGETS = {"tiny": 0.05, "small": 0.5, "medium": 1.0}
WARMUP_SEC = 0.1
MIN_REPS = 5


def parse_args(argv):
    path, seconds, clock = os.path.join(".", "build", "bench_engine"), 1.0, "wall"
    rest = list(argv)
    while rest:
        a = rest.pop(0)
        if a == "--seconds" and rest:
            seconds = float(rest.pop(0))
        elif a == "--clock" and rest and rest[0] in ("wall", "cpu"):
            clock = rest.pop(0)
        elif a in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        else:
            path = a
    return path, seconds, clock


def run_ours(path, seconds):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    cmd = [path, "--json", "--seconds", str(seconds)]
    if not os.path.isfile(path):
        sys.exit("bench: %s not found (build the bench_engine target, or pass its path)" % path)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          universal_newlines=True)
    for line in proc.stderr.splitlines():
        print("ours  " + line)
    if proc.returncode != 0:
        sys.exit("bench: %s failed with status %d" % (path, proc.returncode))
    return json.loads(proc.stdout)


def blas_maps():
    """Shared libraries of this process that look like a BLAS or LAPACK."""
    seen = []
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            path = parts[-1] if len(parts) >= 6 else ""
            name = os.path.basename(path)
            if ("blas" in name or "lapack" in name or "mkl" in name) and path not in seen:
                seen.append(path)
    return seen


def report_torch_blas():
    print("torch %s, threads %d, interop %d" % (torch.__version__, torch.get_num_threads(),
                                                torch.get_num_interop_threads()))
    for line in torch.__config__.show().splitlines():
        s = line.strip()
        if s.startswith("- Build settings:"):
            # One very long line: keep only the BLAS/LAPACK entries.
            keep = [kv.strip() for kv in s[len("- Build settings:"):].split(",")
                    if kv.strip().startswith(("BLAS_INFO", "LAPACK_INFO", "USE_MKL"))]
            print("torch config  - Build settings: " + ", ".join(keep))
        elif any(k in s for k in ("BLAS", "LAPACK", "MKL", "OpenMP", "CPU capability")):
            print("torch config  " + s)
    a = torch.rand(64, 64, dtype=torch.float64)
    (a @ a).sum().item()  # loads the BLAS lazily if it is dlopened
    maps = blas_maps()
    for path in maps:
        print("torch mapped  " + path)
    if not maps:
        print("torch mapped  (no libblas/libopenblas in /proc/self/maps: BLAS linked "
              "statically into libtorch or absent)")


class Model(torch.nn.Module if torch else object):
    """The engine contract: recurrent stack, linear head at every step."""

    def __init__(self, cfg):
        super().__init__()
        kind = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[cfg["cell"]]
        self.rnn = kind(cfg["I"], cfg["H"], cfg["L"], batch_first=True)
        self.head = torch.nn.Linear(cfg["H"], cfg["O"])

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out)


def time_torch(cfg, seconds, clock):
    torch.manual_seed(1234)
    B, T, I, O = cfg["B"], cfg["T"], cfg["I"], cfg["O"]
    model = Model(cfg).double()
    x = torch.rand(B, T, I, dtype=torch.float64) * 2 - 1
    cls = torch.randint(0, O, (B * T,))
    loss_fn = torch.nn.CrossEntropyLoss(reduction="sum")

    def one_pass():
        model.zero_grad(set_to_none=False)
        y = model(x)
        # L = sum_t (1/B) sum_b CE(y_bt, k_bt)
        loss = loss_fn(y.reshape(B * T, O), cls) / B
        loss.backward()

    t0 = time.perf_counter()
    while True:
        one_pass()
        if time.perf_counter() - t0 >= WARMUP_SEC:
            break
    timer = time.process_time if clock == "cpu" else time.perf_counter
    times = []
    start = time.perf_counter()
    while len(times) < MIN_REPS or time.perf_counter() - start < seconds:
        a = timer()
        one_pass()
        times.append(timer() - a)
    return 1e3 * statistics.median(times), len(times)


def main():
    path, seconds, clock = parse_args(sys.argv[1:])
    ours = run_ours(path, seconds)
    key = "median_cpu_ms" if clock == "cpu" else "median_ms"
    for r in ours:
        r["ms"] = r[key]
        r["gflops"] = r["flops"] / r["ms"] * 1e-6
    if torch is None:
        print("%-12s %10s %9s" % ("config", "ours ms", "GFLOP/s"))
        for r in ours:
            print("%-12s %10.3f %9.2f" % (r["name"], r["ms"], r["gflops"]))
        print("torch is missing (tried %s and %s)" % (sys.executable, DEBIAN_PYTHON))
        print("bench: 0 of %d within target" % len(ours))
        sys.exit(2)

    torch.set_num_threads(1)
    report_torch_blas()
    print("clock: %s (median of each side's repetitions)" % clock)
    print("%-12s %10s %10s %8s %7s %9s  %s" % ("config", "ours ms", "torch ms", "ratio",
                                              "target", "GFLOP/s", "result"))
    passed = 0
    for r in ours:
        torch_ms, _ = time_torch(r, seconds, clock)
        ratio = r["ms"] / torch_ms
        target = TARGETS[r["name"].split("-")[0]]
        ok = ratio <= target
        passed += ok
        print("%-12s %10.3f %10.3f %8.3f %7.2f %9.2f  %s" % (
            r["name"], r["ms"], torch_ms, ratio, target, r["gflops"],
            "PASS" if ok else "MISS"), flush=True)
    print("bench: %d of %d within target" % (passed, len(ours)))
    sys.exit(0 if passed == len(ours) else 1)


if __name__ == "__main__":
    main()
