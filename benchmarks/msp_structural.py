"""Cost of MSP structural updates in a 10,000-neuron network (issue 5).

Issue: "Benchmark: a 10,000-neuron network with MSP updates every 100 ms of
biological time; the structural updates take at most 20% of the run time."

The network is the ``msp-growth`` experiment's
(:func:`neuroplastic.experiments.msp_growth.build`: current-based LIF, 20
independent 500 Hz Poisson background inputs per neuron, recurrent ``ex`` and
``in`` projections each carrying one :class:`~neuroplastic.plasticity.msp.MSPGrowth`,
a :class:`~neuroplastic.plasticity.msp.Calcium` rule per neuron) scaled to
8000 E + 2000 I, with ``element_period = update_interval = 100`` ms: every
100 ms of biological time both rules integrate their elements *and* rewire
(delete excess synapses, pair vacant elements).

Start state (``--start``):

* ``grown`` (default): the run starts from the steady state the full-scale
  ``msp-growth`` run reaches with 100 ms updates (seed 0, 200 s: Ca E 0.051,
  I 0.203; 1495 ex and 777 in synapses on 800 + 200 neurons): calcium at the
  set points (E 0.05, I 0.2) and element counts per neuron at those
  densities (Axon_ex 1495/800 per E neuron, Den_ex 1.495 per neuron,
  Axon_in 777/200 per I neuron, Den_in 0.777 per neuron), so the first
  update creates ~15,000 + ~7,800 synapses and every later update deletes and
  pairs elements of a wired network (the work the issue is about);
* ``empty``: as NEST's example, no synapse and no calcium at t = 0 (within
  10-20 s very few elements grow, so the updates have little to do).

What is timed (compilation excluded: one step, then ``reset()``; the only monitor is
the experiment's SpikeMonitor, used for the mean rate):

* ``run_s``: wall time of ``net.run(duration)``;
* ``structural_s``: time inside ``Structure.after_chunk`` (the engine's call
  of every structural rule at each 100 ms boundary: building the ``Edit``,
  both ``MSPGrowth.restructure`` calls, masking monitors), measured by
  wrapping that method in this script only; ``restructure_s`` is the part
  inside ``MSPGrowth.restructure`` itself;
* ``chunking_s``: time spent preparing and finishing the compiled chunks
  (``Network._arguments`` + ``Network._finish_chunk``), which the 100 ms
  boundaries multiply by 10 over the default 1 s chunks; reported, and added
  to the structural time in ``fraction_with_chunking``.

``fraction = structural_s / run_s``; ``passed`` = fraction_with_chunking <= 0.2.

Run: ``python benchmarks/msp_structural.py [--duration 10000] [--start grown]
[--seed 1] [--n-exc 8000 --n-inh 2000]``; writes
``benchmarks/msp_structural.json``. Measured numbers: ``benchmarks/MEASURED.md``.

Growth with the network size (``--scaling 1000,3000,10000 [--duration 300]``, writes
``benchmarks/msp_scaling.json``): wall time per biological second of the same network
(80 % E, from the empty start, 100 ms updates, compilation excluded) in three variants,
which separate the structural rules from the Poisson background:

* ``msp``: as above;
* ``no_updates``: the same network with ``element_period = update_interval`` longer than
  the run (the structural rules never run; background, calcium and the empty projections
  stay);
* ``bg4``: MSP with the same 10 kHz background per neuron carried by 4 inputs of 2.5 kHz
  (``bg_sources = 4``) instead of 20 of 500 Hz (statistically different background:
  Bernoulli p = 0.25 per step; used only to locate the cost).

``s_per_bio_s`` (wall) and ``cpu_s_per_bio_s`` (thread CPU time, the one to compare on a
shared machine); ``ns_per_bg_spike`` = CPU time / background spikes (n x 10 kHz x duration).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIMIT = 0.2          # the bound on the fraction of run time in structural updates
GROWN = dict(ex=1495 / 1000, in_=777 / 1000)   # synapses per neuron at the msp-growth steady state


class _Timer:
    """Adds up the wall time spent in ``cls.name`` while active (benchmark only)."""

    def __init__(self, cls, name):
        self.cls, self.name, self.seconds, self.calls = cls, name, 0.0, 0

    def __enter__(self):
        orig = self.orig = getattr(self.cls, self.name)
        timer = self

        def timed(*a, **k):
            t0 = time.perf_counter()
            try:
                return orig(*a, **k)
            finally:
                timer.seconds += time.perf_counter() - t0
                timer.calls += 1

        setattr(self.cls, self.name, timed)
        return self

    def __exit__(self, *exc):
        setattr(self.cls, self.name, self.orig)


def _seed_grown(net, c) -> None:
    """Calcium at the set points, element counts at the steady-state densities."""
    import numpy as np

    n_e, n_i = int(c["n_exc"]), int(c["n_inh"])
    n = n_e + n_i
    ca = net.neuron_rule_state("neurons", 0).neuron.ca
    ca[:n_e], ca[n_e:] = c["eps_exc"], c["eps_inh"]
    ex, inh = net.rule_state("ex", 0), net.rule_state("in", 0)
    # element counts a little above the synapse density so floor(z) pairs them
    ex.pre.z_axon[:n_e] = GROWN["ex"] * n / n_e + 0.5
    ex.post.z_den[:] = GROWN["ex"] + 0.5
    inh.pre.z_axon[n_e:] = GROWN["in_"] * n / n_i + 0.5
    inh.post.z_den[:] = GROWN["in_"] + 0.5
    assert np.all(ex.pre.z_axon[n_e:] == 0) and np.all(inh.pre.z_axon[:n_e] == 0)


def measure(duration_ms: float = 10_000.0, start: str = "grown", seed: int = 1,
            n_exc: int = 8000, n_inh: int = 2000) -> dict:
    from neuroplastic import Network
    from neuroplastic.engine.network import Network as _Net
    from neuroplastic.engine.structure import Structure
    from neuroplastic.experiments import get
    from neuroplastic.experiments.msp_growth import build
    from neuroplastic.plasticity.msp import MSPGrowth

    c = get("msp-growth").resolve({"n_exc": n_exc, "n_inh": n_inh, "element_period": 100.0,
                                   "update_interval": 100.0}, "full")
    model = build(c)
    t0 = time.perf_counter()
    net = Network(model, seed=seed)
    net.run(c["dt"])
    net.reset()
    build_s = time.perf_counter() - t0
    if start == "grown":
        _seed_grown(net, c)
    with _Timer(Structure, "after_chunk") as after, _Timer(MSPGrowth, "restructure") as restr, \
            _Timer(_Net, "_arguments") as args, _Timer(_Net, "_finish_chunk") as finish:
        t0 = time.perf_counter()
        net.run(float(duration_ms))
        run_s = time.perf_counter() - t0
    n_syn = {p: int(net.weights(p).size) for p in ("ex", "in")}
    i_s, _ = net.spikes("neurons")
    rate = len(i_s) / (n_exc + n_inh) / (duration_ms * 1e-3)
    chunking = args.seconds + finish.seconds
    n_upd = int(round(duration_ms / 100.0))
    frac = after.seconds / run_s
    return {
        "network": f"{n_exc} E + {n_inh} I (msp-growth, {int(c['bg_sources'])} Poisson inputs per neuron)",
        "duration_ms": float(duration_ms), "update_every_ms": 100.0, "start": start, "seed": seed,
        "run_s": run_s, "run_s_per_sim_s": run_s / (duration_ms * 1e-3),
        "structural_s": after.seconds, "updates": n_upd,
        "restructure_s": restr.seconds, "restructure_calls": restr.calls,
        "ms_per_update": 1e3 * after.seconds / max(1, n_upd),
        "chunking_s": chunking, "fraction": frac, "fraction_with_chunking": (after.seconds + chunking) / run_s,
        "limit": LIMIT, "passed": bool((after.seconds + chunking) / run_s <= LIMIT),
        "synapses_end": n_syn, "mean_rate_hz": rate, "build_and_compile_s": build_s,
        "_meta": {"python": platform.python_version(), "machine": platform.machine(),
                  "date": time.strftime("%Y-%m-%d %H:%M:%S")},
    }


def scaling(sizes, duration_ms: float = 300.0, seed: int = 1) -> list:
    """Seconds per biological second of the msp-growth network at each size, three variants."""
    from neuroplastic import Network
    from neuroplastic.experiments import get
    from neuroplastic.experiments.msp_growth import build

    rows = []
    never = 10.0 * duration_ms + 1000.0
    variants = {"msp": {}, "no_updates": {"element_period": never, "update_interval": never},
                "bg4": {"bg_sources": 4}}
    for n in sizes:
        for name, extra in variants.items():
            over = {"n_exc": int(0.8 * n), "n_inh": n - int(0.8 * n), "element_period": 100.0,
                    "update_interval": 100.0, **extra}
            c = get("msp-growth").resolve(over, "full")
            net = Network(build(c), seed=seed)
            net.run(c["dt"])
            net.reset()
            t0, c0 = time.perf_counter(), time.thread_time()
            net.run(float(duration_ms))
            wall, cpu = time.perf_counter() - t0, time.thread_time() - c0
            per_s, cpu_per_s = wall / (duration_ms * 1e-3), cpu / (duration_ms * 1e-3)
            rows.append({"n": n, "variant": name, "bg_sources": int(c["bg_sources"]), "s_per_bio_s": per_s,
                         "cpu_s_per_bio_s": cpu_per_s, "ns_per_bg_spike": 1e9 * cpu_per_s / (n * c["bg_rate"]),
                         "spikes": int(len(net.spikes("neurons")[0]))})
            print(f"n={n:>6} {name:<10} {per_s:8.3f} s per biological s (CPU {cpu_per_s:.3f} s), "
                  f"{rows[-1]['ns_per_bg_spike']:6.1f} ns (CPU) per background spike", flush=True)
    return rows


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=10_000.0, help="biological ms")
    ap.add_argument("--start", choices=("grown", "empty"), default="grown")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n-exc", type=int, default=8000)
    ap.add_argument("--n-inh", type=int, default=2000)
    ap.add_argument("--out", default=None)
    ap.add_argument("--scaling", default=None, help="sizes (neurons), e.g. 1000,3000,10000")
    args = ap.parse_args(argv)
    from neuroplastic.io import atomic_write_json
    if args.scaling:
        duration = args.duration if args.duration != 10_000.0 else 300.0
        rows = scaling([int(x) for x in args.scaling.split(",")], duration, args.seed)
        atomic_write_json(args.out or HERE / "msp_scaling.json",
                          {"duration_ms": duration, "load": os.getloadavg(), "rows": rows})
        return {"passed": True, "rows": rows}
    r = measure(args.duration, args.start, args.seed, args.n_exc, args.n_inh)
    print(json.dumps(r, indent=2))
    print(f"MSP structural updates: {100 * r['fraction']:.2f} % of the run time "
          f"({r['structural_s']:.2f} s of {r['run_s']:.1f} s, {r['ms_per_update']:.2f} ms per 100 ms update; "
          f"with chunk overhead {100 * r['fraction_with_chunking']:.2f} %) -> "
          f"{'PASS' if r['passed'] else 'FAIL'} (limit {100 * LIMIT:g} %)")
    atomic_write_json(args.out or HERE / "msp_structural.json", r)
    return r


if __name__ == "__main__":
    sys.exit(0 if main()["passed"] else 1)
