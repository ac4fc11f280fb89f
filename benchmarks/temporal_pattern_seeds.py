"""The ``temporal-pattern`` spiking contender at full scale, seed by seed (issue 17).

For each seed: the task's ``run_neuron`` (2,000 afferents, 450 s at dt = 0.1 ms,
the input drawn and fed 10 s at a time) with a ``WeightMonitor`` every 5 s;
prints one JSON line (success, hit rate and false alarms over the last 150 s,
latency, find time, output rate over the last 10 s, mean weights, input
spikes, seconds, peak resident memory of the process so far) and, with
``--out DIR``, saves the output spikes, the weights over time and the slot
grid to ``DIR/seed<k>.npz``. ``--windows`` prints the hit rate, false alarms,
output rate, median latency and mean weights per 5 s (first minute) and per
30 s (after) - the analysis of docs/comparison.md, "Why ... seeds failed".

Run: ``python benchmarks/temporal_pattern_seeds.py 200-219 [--set key=value ...]
[--out DIR] [--windows]``. Measured numbers: docs/comparison.md (temporal-pattern).
"""
from __future__ import annotations

import argparse
import gc
import json
import resource
import time

import numpy as np

import neuroplastic as npl
from neuroplastic.compare import get_task
from neuroplastic.compare._pattern_neuron import find_time, run_neuron, score


def seeds(text: str) -> list:
    a, _, b = text.partition("-")
    return list(range(int(a), int(b or a) + 1))


def windows(c, out, lay, wt, w) -> None:
    n_pat, end = int(c["n_pattern"]), float(c["duration_s"]) * 1e3
    starts = [(t, 5e3) for t in np.arange(0, min(60e3, end), 5e3)] + [(t, 30e3) for t in np.arange(60e3, end, 30e3)]
    for t0, width in starts:
        r = score(c, out, lay, t0, t0 + width)
        k = min(int(np.searchsorted(wt, t0 + width - 1)), len(wt) - 1)
        print(f"  {t0 / 1e3:5.0f}-{(t0 + width) / 1e3:<4.0f} s  hit {r['hit_rate']:.3f}  false alarms "
              f"{r['false_alarms']:4d}  rate {np.count_nonzero((out >= t0) & (out < t0 + width)) / width * 1e3:5.1f} Hz"
              f"  latency {r['latency']:5.1f} ms  w pattern {w[k, :n_pat].mean():.3f}  others {w[k, n_pat:].mean():.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seeds", type=seeds)
    ap.add_argument("--set", nargs="*", default=[], help="key=value overrides (JSON values)")
    ap.add_argument("--out", default=None)
    ap.add_argument("--windows", action="store_true")
    a = ap.parse_args()
    c = get_task("temporal-pattern").resolve({k: json.loads(v) for k, v in (s.split("=", 1) for s in a.set)}, "full")
    te, n_pat = float(c["duration_s"]) * 1e3, int(c["n_pattern"])
    for seed in a.seeds:
        t = time.time()
        net, lay, n_in = run_neuron(c, seed, extra=[npl.WeightMonitor("aff_cell", interval=5000.0)])
        _, out = net.spikes("cell")
        d = net.monitor("weights_aff_cell")
        del net
        gc.collect()
        r = score(c, out, lay, te - float(c["assess_s"]) * 1e3, te)
        w = d["w"][-1]
        print(json.dumps(dict(seed=seed, success=r["success"], hit=round(r["hit_rate"], 4), fa=r["false_alarms"],
                              lat=round(r["latency"], 2), find_s=find_time(c, out, lay),
                              out_end=float(np.count_nonzero(out >= te - 10e3) / 10), w_pat=round(float(w[:n_pat].mean()), 3),
                              w_oth=round(float(w[n_pat:].mean()), 3), n_in=n_in, s=round(time.time() - t),
                              maxrss_gb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 3))), flush=True)
        if a.windows:
            windows(c, out, lay, d["t"], d["w"])
        if a.out:
            np.savez(f"{a.out}/seed{seed}.npz", out=out, wt=d["t"], w=d["w"], onsets=lay.onsets,
                     slot=lay.slot_is_pattern, p_idx=lay.p_idx, p_t=lay.p_t)


if __name__ == "__main__":
    main()
