"""The ``temporal-pattern`` classifiers at full scale, seed by seed (issue 17).

For each seed the windows are counted once (the first 3,000 slots for training,
the slots of the last 150 s for testing; 10 bins of 5 ms per afferent, summed
to one count per afferent for the perceptron) and each classifier is trained on
the first n labelled slots for every n of ``label_grid``; prints one JSON line
per seed and contender: the hit rate and false alarms over the test slots for
each n, the smallest n that matches the spiking neuron (hit rate > 0.98, no
false alarm), the multiply-accumulates at the largest n, seconds and the
process's peak resident memory.

Run: ``python benchmarks/temporal_pattern_classifiers.py 200-205 [--set key=value ...]``.
Measured numbers: docs/comparison.md (temporal-pattern).
"""
from __future__ import annotations

import argparse
import json
import resource
import time

from neuroplastic.compare import get_task
from neuroplastic.compare import temporal_pattern as tp

from temporal_pattern_seeds import seeds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seeds", type=seeds)
    ap.add_argument("--set", nargs="*", default=[], help="key=value overrides (JSON values)")
    a = ap.parse_args()
    c = get_task("temporal-pattern").resolve({k: json.loads(v) for k, v in (s.split("=", 1) for s in a.set)}, "full")
    bins = int(c["bins"])
    for seed in a.seeds:
        t = time.time()
        xtr, ytr, xte, yte = tp._windows(c, seed, bins)
        counts = xtr.reshape(len(xtr), -1, bins).sum(-1), xte.reshape(len(xte), -1, bins).sum(-1)
        t_windows = time.time() - t
        for name, fit, (train, test) in (("perceptron", tp._perceptron_fit(c), counts),
                                          ("logistic", tp._mlp_fit(c, False), (xtr, xte)),
                                          ("mlp", tp._mlp_fit(c, True), (xtr, xte))):
            t, grid, match = time.time(), [], None
            for n in sorted(int(k) for k in c["label_grid"]):
                predict, macs, _ = fit(train[:n], ytr[:n], seed)
                hit, fa = tp._rates(predict(test), yte)
                grid.append((n, round(hit, 4), fa))
                match = n if match is None and hit > 0.98 and fa == 0 else match
            print(json.dumps(dict(seed=seed, contender=name, labels_to_match=match, grid=grid, macs_at_max=float(macs),
                                  s=round(time.time() - t), windows_s=round(t_windows),
                                  maxrss_gb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 2))),
                  flush=True)


if __name__ == "__main__":
    main()
