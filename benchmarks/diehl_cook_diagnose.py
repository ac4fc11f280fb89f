"""Short diagnostic runs of Diehl & Cook (2015) on MNIST (issue 18, task ``diehl-cook``).

Learn from the first N training images with the task's full-scale parameters
(any of them overridden as ``key=value``), then freeze, label the neurons on
the fixed training images 50,000-50,999 (never learned from when N <= 50,000)
and test on the first 1,000 test images, with ``--seed`` (default 0). Prints one JSON line (test
accuracy, presentations, share of repeats, excitatory spikes per presentation
while learning and per test image, mean and largest theta in mV, wall s) and
appends it to ``--out``. Each variant is one run; compare variants at the same N.

Run (MNIST directory: ``--data DIR`` or $NEUROPLASTIC_MNIST)::

    python benchmarks/diehl_cook_diagnose.py 3000 --data DIR
    python benchmarks/diehl_cook_diagnose.py 3000 spike_block=50 --data DIR

Numbers measured with it: docs/unsupervised.md ("Looking for the shortfall").
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

from neuroplastic.compare._diehl_spiking import evaluate, learn
from neuroplastic.compare.diehl_cook import TASK
from neuroplastic.datasets import load_mnist

LABEL = slice(50000, 51000)
N_TEST = 1000


def _flat(d):
    return d.images.reshape(len(d.labels), -1) / 255.0, d.labels.astype(np.int64)


def diagnose(n: int, overrides: dict, data: str | None, seed: int = 0) -> dict:
    c = TASK.resolve(dict(overrides, data_dir=data or ""), scale="full")
    x, y = _flat(load_mnist("train", data))
    xt, yt = _flat(load_mnist("test", data))
    t0 = time.perf_counter()
    net, counts, tries, _, _ = learn(c, seed, x[:n], y[:n])
    predicted, _, f_test, _ = evaluate(c, seed, net, x[LABEL], y[LABEL], xt[:N_TEST])
    theta = np.asarray(net.state("exc", "theta"))
    return {"n": n, "seed": seed, **overrides, "accuracy": float(np.mean(predicted == yt[:N_TEST])),
            "presentations": tries,
            "repeat_fraction": (tries - n) / tries, "spikes_learning": float(counts.sum(1).mean()),
            "spikes_test": float(f_test.sum(1).mean()), "theta_mean": float(theta.mean()),
            "theta_max": float(theta.max()), "wall_s": time.perf_counter() - t0}


def _value(pair: str) -> tuple[str, float | str]:
    key, value = pair.split("=", 1)
    try:
        return key, float(value)
    except ValueError:
        return key, value


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="training images learned from")
    p.add_argument("overrides", nargs="*", help="task parameters, key=value")
    p.add_argument("--data", default=None, help="MNIST directory (default $NEUROPLASTIC_MNIST)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="diehl_cook_diagnose.jsonl")
    args = p.parse_args()
    overrides = dict(_value(kv) for kv in args.overrides)
    row = diagnose(args.n, overrides, args.data, args.seed)
    print(json.dumps(row))
    with open(args.out, "a") as f:
        f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
