"""Split MNIST and few-shot MNIST (issue 18, tasks ``continual-digits`` and
``few-shot-digits`` with ``dataset=mnist``), one contender and seed at a time.

The comparison command runs every contender for every seed in one process; at
MNIST scale the spiking network alone takes tens of minutes per seed, so this
script runs the contenders' own functions (the same code as
``neuroplastic compare``), one ``--contender`` for the ``--seeds`` given, and
appends one JSON line per (contender, seed) to ``--out`` with the metrics and
the process's CPU seconds (``time.process_time``) and wall seconds.

Configuration: the task's defaults, ``dataset=mnist``, ``data_dir`` = ``--data``
(or $NEUROPLASTIC_MNIST), and the published scale (van de Ven & Tolias 2019:
MLP 2 x 400, 2000 minibatches of 128 per task, Adam 1e-3): ``n_train=60000
n_test=10000 mlp_hidden=400 iterations=2000 batch=128`` (few-shot:
``base_iterations=2000``) and the spiking network's limit per class
``n_max_per_class=100`` (= n_max / 10: the data-size rule of
compare/_continual_net.py), each overridable with ``--set KEY=VALUE``.

Run::

    python benchmarks/continual_mnist.py --contender spiking --seeds 0 --set n_train=500 n_test=300
    python benchmarks/continual_mnist.py --contender spiking --seeds 0 1 2 3 4
    python benchmarks/continual_mnist.py --task few-shot-digits --contender finetune --seeds 0 1 2 3 4
    python benchmarks/continual_mnist.py --summary benchmarks/continual_mnist.jsonl

``--summary FILE``: per task and contender, the seeds in FILE, each headline metric's
mean with its 95 % Student-t interval over those seeds, and the mean CPU seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time

from neuroplastic.compare import get_task

_SHARED = dict(n_train=60000, n_test=10000, n_max_per_class=100, mlp_hidden=400, batch=128)
MNIST_SCALE = {"continual-digits": dict(_SHARED, iterations=2000),
               "few-shot-digits": dict(_SHARED, base_iterations=2000)}


def _overrides(args) -> dict:
    out = dict(MNIST_SCALE[args.task], dataset="mnist", data_dir=args.data or os.environ.get("NEUROPLASTIC_MNIST", ""))
    for item in args.set:
        key, _, value = item.partition("=")
        out[key] = value
    return out


def summary(path: str) -> None:
    """Print mean +- 95 % Student-t half-width per (task, contender, metric) over the seeds in ``path``."""
    import numpy as np
    from scipy import stats

    rows = [json.loads(line) for line in open(path) if line.strip()]
    for key in dict.fromkeys((r["task"], r["contender"]) for r in rows):
        mine = {r["seed"]: r for r in rows if (r["task"], r["contender"]) == key}     # the last run of a seed
        seeds = sorted(mine)
        print(f"{key[0]} {key[1]}: seeds {seeds}, CPU s {np.mean([mine[s]['cpu_s'] for s in seeds]):.0f}")
        for metric in mine[seeds[0]]["metrics"]:
            v = np.array([mine[s]["metrics"][metric] for s in seeds])
            half = stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)) if len(v) > 1 else float("nan")
            print(f"    {metric:20s} {v.mean():.4g} +- {half:.2g}   per seed {[round(float(x), 4) for x in v]}")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--task", default="continual-digits", choices=tuple(MNIST_SCALE))
    p.add_argument("--contender")
    p.add_argument("--summary", metavar="FILE", help="summarise FILE instead of running")
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--data", default="", help="directory of the MNIST IDX files")
    p.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE")
    p.add_argument("--out", default="benchmarks/continual_mnist.jsonl")
    args = p.parse_args(argv)
    if args.summary:
        return summary(args.summary)
    if not args.contender:
        p.error("--contender is required")
    task = get_task(args.task)
    overrides = _overrides(args)
    config = task.resolve(dict(overrides, seeds=tuple(args.seeds)))
    task.check_data(config)
    contender = task.contender(args.contender)
    for seed in args.seeds:
        cpu, wall = time.process_time(), time.perf_counter()
        metrics = contender.run(config, seed).metrics
        row = {"task": args.task, "contender": args.contender, "seed": seed,
               "cpu_s": round(time.process_time() - cpu, 1), "wall_s": round(time.perf_counter() - wall, 1),
               "overrides": {k: v for k, v in overrides.items() if k != "data_dir"},
               "machine": platform.processor() or platform.machine(),
               "metrics": {k: float(v) for k, v in metrics.items()}}
        print(json.dumps(row), flush=True)
        with open(args.out, "a") as fh:
            fh.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
