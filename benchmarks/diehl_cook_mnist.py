"""Wall time of Diehl & Cook (2015) on MNIST (issue 18, task ``diehl-cook``).

Diehl & Cook's 400-neuron network learns from 3 epochs of MNIST: 180,000
presentations of 350 ms + 150 ms rest, ~25 h of biological time at dt = 0.5 ms.
This script measures the wall time of the ``spiking`` contender of the
``diehl-cook`` task (compare/_diehl_*.py) with the paper's parameters:

* ``--mode rate`` (default): for each ``--neurons`` value, learn from
  ``--examples`` training images (after one compiled step, so compilation is
  not counted) and report wall seconds per 1,000 presentations, then the
  extrapolation to ``--epochs`` x 60,000 presentations plus labelling
  (``--label`` images) and testing (10,000 images) on the frozen copy, timed
  on ``--examples`` images too;
* ``--mode full``: the whole run for one ``--neurons`` value and ``--seed``:
  learn ``--epochs`` x ``--train`` images, label on the first ``--label``,
  test on 10,000; prints the test accuracy (a progress bar with examples seen
  and the running accuracy is shown on a terminal). With ``--checkpoint DIR``
  the learning pass is saved every ``--every`` examples and the same command
  continues a stopped run from its last save (the wall and CPU seconds of
  learning then add up every part).

Wall seconds depend on the load of a shared machine; the rate mode also
reports the process's CPU seconds (``time.process_time``), which do not.

Needs the MNIST files: ``--data DIR`` or $NEUROPLASTIC_MNIST
(``neuroplastic data mnist DIR`` writes them). Results are printed and
written as JSON to ``--out``. Measured numbers: docs/unsupervised.md.

Run::

    python benchmarks/diehl_cook_mnist.py --neurons 100 400 --examples 1000
    python benchmarks/diehl_cook_mnist.py --mode full --neurons 100 --epochs 1      # ~20 min
    python benchmarks/diehl_cook_mnist.py --mode full --neurons 400 --epochs 3 --checkpoint DIR
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np

from neuroplastic.compare import get_task
from neuroplastic.io.checkpoint import read_manifest
from neuroplastic.compare._diehl_network import build, build_frozen, learned_state
from neuroplastic.compare._diehl_protocol import show_all
from neuroplastic.compare._diehl_resume import NETWORK
from neuroplastic.compare._diehl_som import images
from neuroplastic.compare._diehl_spiking import _quiet, evaluate, learn

N_TEST = 10000


def _config(args, neurons: int, n_train: int) -> dict:
    over = {"n_neurons": neurons, "n_train": n_train, "n_test": N_TEST, "epochs": args.epochs,
            "n_label": args.label, "seeds": (args.seed,), "stdp": args.stdp}
    if args.data:
        over["data_dir"] = args.data
    return get_task("diehl-cook").resolve(over, scale="full")


def rate(args, neurons: int) -> dict:
    """Wall seconds per 1,000 presentations while learning and on the frozen copy."""
    c = dict(_config(args, neurons, args.examples), epochs=1)
    x, y, _, _ = images(c)
    warm = _quiet(build, c, x.shape[1], args.seed)
    warm.run(c["dt"])                                           # compile (or load) the step loops
    _quiet(build_frozen, c, x.shape[1], learned_state(warm, c), args.seed).run(c["dt"])
    cpu0 = time.process_time()
    net, counts, tries, events, wall = learn(c, args.seed, x, y)
    cpu1 = time.process_time()
    frozen = _quiet(build_frozen, c, x.shape[1], learned_state(net, c), args.seed + 1)
    t0 = time.perf_counter()
    _, frozen_tries = show_all(frozen, x, c)
    frozen_wall, cpu2 = time.perf_counter() - t0, time.process_time()
    per = {"s_per_1000_learning": 1000 * wall / tries, "s_per_1000_frozen": 1000 * frozen_wall / frozen_tries,
           "cpu_s_per_1000_learning": 1000 * (cpu1 - cpu0) / tries,
           "cpu_s_per_1000_frozen": 1000 * (cpu2 - cpu1) / frozen_tries}
    n_learn, n_frozen = args.epochs * 60000 * tries / len(x), args.label + N_TEST   # repeats as measured
    out = {"neurons": neurons, "stdp": c["stdp"], "examples": args.examples, "presentations": int(tries), **per,
           "synaptic_events_per_presentation": events / tries,
           "extrapolated_for": f"{args.epochs} x 60000 learning (with repeats as measured) + "
                               f"{args.label} labelling + {N_TEST} test images"}
    for kind in ("", "cpu_"):
        out[f"extrapolated_{kind}h"] = (n_learn * per[f"{kind}s_per_1000_learning"]
                                        + n_frozen * per[f"{kind}s_per_1000_frozen"]) / 1000 / 3600
    return out


def full(args, neurons: int) -> dict:
    """The whole run: learn, label, test."""
    c = _config(args, neurons, args.train)
    x, y, xt, yt = images(c)
    t0 = time.perf_counter()
    folder = None if not args.checkpoint else os.path.join(args.checkpoint, f"n{neurons}-seed{args.seed}")
    net, counts, tries, events, wall = learn(c, args.seed, x, y, progress=True, checkpoint=folder,
                                             every=args.every)
    learn_cpu = read_manifest(os.path.join(folder, NETWORK))["metadata"]["cpu_s"] if folder else None
    n_label = min(args.label, len(x))
    t1, cpu1 = time.perf_counter(), time.process_time()
    predicted, _, _, _ = evaluate(c, args.seed, net, x[:n_label], y[:n_label], xt, progress=True)
    return {"neurons": neurons, "epochs": args.epochs, "train": args.train, "seed": args.seed,
            "accuracy": float(np.mean(predicted == yt)), "presentations": int(tries),
            "repeat_fraction": (int(tries) - len(counts)) / int(tries),
            "learning_s": wall, "learning_cpu_s": learn_cpu, "evaluation_s": time.perf_counter() - t1,
            "evaluation_cpu_s": time.process_time() - cpu1, "this_process_s": time.perf_counter() - t0,
            "s_per_1000_learning": 1000 * wall / tries}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mode", choices=("rate", "full"), default="rate")
    p.add_argument("--neurons", type=int, nargs="+", default=[100, 400])
    p.add_argument("--examples", type=int, default=1000, help="rate mode: training images timed")
    p.add_argument("--train", type=int, default=60000, help="full mode: training images")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--label", type=int, default=10000, help="training images used to label the neurons")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--stdp", choices=("diehl-cook", "triplet"), default="diehl-cook", help="the rule (task parameter)")
    p.add_argument("--data", default=None, help="MNIST directory (default $NEUROPLASTIC_MNIST)")
    p.add_argument("--checkpoint", default=None, metavar="DIR",
                   help="full mode: save the learning pass in DIR/n<neurons>-seed<seed> and continue it from "
                        "there when run again")
    p.add_argument("--every", type=int, default=5000, help="full mode: examples between saves")
    p.add_argument("--out", default="diehl_cook_mnist.json")
    args = p.parse_args(argv)
    rows = [(rate if args.mode == "rate" else full)(args, n) for n in args.neurons]
    for row in rows:
        print(json.dumps(row))
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    with open(args.out, "w") as fh:
        json.dump({"machine": platform.platform(), "cpus": os.cpu_count(), "load_average": load, "rows": rows},
                  fh, indent=1)


if __name__ == "__main__":
    main()
