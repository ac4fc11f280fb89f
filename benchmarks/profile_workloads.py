"""Where the time of each benchmark workload goes: timings of variants, as a table.

Each workload (W1 COBA, W2 Song 2000, W3 E/I with E->E STDP; ``benchmarks/specs.py``)
is built in variants that leave one part out, all compiled first, then run
interleaved (variant after variant, ``--repeats`` rounds, ``Network.reset`` between
runs), so that a load that changes during the measurement hits every variant alike.
For each variant the table gives the median process CPU time and wall time of
``Network.run`` and the spikes it produced; the parts are differences of medians:

- ``monitors``: full - without spike monitors (recording the spikes);
- ``STDP``: without monitors - the same network static (the rule's on_pre/on_post
  hooks, trace updates, the column walk of the postsynaptic side);
- ``propagation``: static - neurons only (no projections: the kernel and the loop's
  bookkeeping; the neurons fire at another rate there, which the neuron update
  hardly depends on);
- ``neurons``: the neurons-only variant itself.

W2's single neuron makes ``neurons`` the per-step overhead of the loop; its inputs
(1,000 Poisson sources, geometric skipping) are in every W2 variant.

The ``full`` row also prints a digest of its spikes (indices and steps of every
population): optimisations of the engine must leave it unchanged.

Usage: ``python benchmarks/profile_workloads.py [--only W1,W3] [--repeats 3] [--seed 1]
[--threads N]``.
"""
from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import neuroplastic as npl  # noqa: E402
import neuroplastic_workloads as w  # noqa: E402
from specs import WORKLOADS as SPECS  # noqa: E402

VARIANTS = {
    "W1": {"full": lambda: w.w1_model(),
           "no monitors": lambda: w.w1_model(monitors=False),
           "neurons only": lambda: w.w1_model(monitors=False, pathways=())},
    "W2": {"full": lambda: w.w2_model(),
           "no monitors": lambda: w.w2_model(monitors=False),
           "static": lambda: w.w2_model(stdp=False, monitors=False)},
    "W3": {"full": lambda: w.w3_model(),
           "no monitors": lambda: w.w3_model(monitors=False),
           "static": lambda: w.w3_model(stdp=False, monitors=False),
           "neurons only": lambda: w.w3_model(stdp=False, monitors=False, pathways=())},
}
PARTS = (("monitors", "full", "no monitors"), ("STDP", "no monitors", "static"),
         ("propagation", "static", "neurons only"), ("propagation", "no monitors", "neurons only"))


def digest(net) -> str:
    """Short hash of every population's recorded spikes (indices, steps)."""
    h = hashlib.sha256()
    for name in net.model.populations:
        if f"spikes_{name}" in net.monitors():
            i, t = net.spikes(name)
            h.update(i.astype("int64").tobytes())
            h.update(t.tobytes())
    return h.hexdigest()[:12]


def _network(build, seed, threads):
    net = npl.Network(build(), seed=seed, **({"threads": threads} if threads else {}))
    net.run(net.dt)   # compile or load the kernel
    return net


def _timed(net, duration):
    net.reset()
    c0, w0 = time.process_time(), time.perf_counter()
    net.run(duration)
    return time.process_time() - c0, time.perf_counter() - w0


def measure(key: str, repeats: int, seed: int, threads: int | None = None) -> dict:
    """{variant: {"cpu", "wall" (median s), "spikes", "digest"}} for one workload."""
    duration = SPECS[key]["duration_ms"]
    nets = {name: _network(build, seed, threads) for name, build in VARIANTS[key].items()}
    times = {name: [] for name in nets}
    for _ in range(repeats):
        for name, net in nets.items():
            times[name].append(_timed(net, duration))
    out = {}
    for name, net in nets.items():
        out[name] = {"cpu": statistics.median(c for c, _ in times[name]),
                     "wall": statistics.median(x for _, x in times[name]),
                     "spikes": int(sum(net.spike_totals(p).sum() for p in net.model.populations
                                       if p != "inputs")),
                     "digest": digest(net)}
    return out


def print_table(key: str, rows: dict) -> None:
    print(f"\n{key} {SPECS[key]['name']} ({SPECS[key]['duration_ms'] / 1000:g} s biological), medians")
    print(f"  {'variant':<14}{'CPU s':>9}{'wall s':>9}{'spikes':>10}  digest")
    for name, r in rows.items():
        print(f"  {name:<14}{r['cpu']:>9.3f}{r['wall']:>9.3f}{r['spikes']:>10}  {r['digest'] if name == 'full' else ''}")
    full = rows["full"]["cpu"]
    done = set()
    for part, a, b in PARTS:
        if a in rows and b in rows and part not in done:
            done.add(part)
            d = rows[a]["cpu"] - rows[b]["cpu"]
            print(f"  {part:<14}{d:>9.3f} CPU s  ({100 * d / full:5.1f} % of full)")
    base = "neurons only" if "neurons only" in rows else "static"
    print(f"  {'neurons' if base == 'neurons only' else 'inputs+neuron':<14}{rows[base]['cpu']:>9.3f} CPU s  "
          f"({100 * rows[base]['cpu'] / full:5.1f} % of full)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="W1,W2,W3")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args(argv)
    for key in args.only.split(","):
        print_table(key, measure(key, args.repeats, args.seed, args.threads))


if __name__ == "__main__":
    main()
