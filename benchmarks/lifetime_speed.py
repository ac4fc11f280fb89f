"""Where the time of ``lifetime`` goes: neurons, spike propagation, each rule family, recording.

What is measured: the full-scale ``lifetime`` network (200 E + 50 I conductance LIF, 20,000
synapses, every family on) driven through the experiment's own protocol code
(``_lifetime_protocol.phase``: ``--seconds`` of wake with set 1 shown, then ``--seconds``
of sleep), after a warm-up that compiles (or loads) the kernels. CPU time of this process
is the cost (the machine is shared; wall time also counts other users' processes).

Variants (each a fresh network from the same seed):

* ``full``: every family on;
* ``no <family>``: that family's rules removed (the ablation's model);
* ``base``: every family off (neurons, inputs, recurrent propagation with STP, triplet STDP);
* ``neurons``: ``base`` with the recurrent connection probabilities at 0.001 (neurons and
  Poisson inputs, next to no synapses).

neurons = T(neurons); propagation + triplet STDP + STP = T(base) - T(neurons); family f =
T(full) - T(no f); recording = the timeline's own clock in ``full``. A family's share is
only meaningful at similar activity: the E rates of every variant are printed.

Run: ``python benchmarks/lifetime_speed.py [--seconds 60] [--out FILE.json]``.
Results: benchmarks/MEASURED.md ("lifetime") and docs/lifetime.md ("Speed").
"""
from __future__ import annotations

import argparse
import json
import resource
import time

import numpy as np

from neuroplastic import Network
from neuroplastic.experiments import _lifetime_network as ln
from neuroplastic.experiments import _lifetime_protocol as lp
from neuroplastic.experiments import get

FAMILIES = ("homeostasis", "inhibitory", "intrinsic", "structural", "dopamine", "consolidation")


def segment(c: dict, seconds: float) -> dict:
    """Wake (set 1 shown) then sleep, ``seconds`` each: CPU and wall seconds, E rate, timeline clock."""
    pats = ln.patterns(c, 0)
    net = Network(ln.build(c), seed=0)
    net.set_phase("wake")
    net.run(200.0)                                      # compile or load the kernels
    tl, rng = lp.Timeline(), np.random.default_rng(0)
    cpu, wall = time.process_time(), time.perf_counter()
    lp.phase(net, c, "wake", seconds * 1000.0, tl, list(pats.members[:pats.n_first]), -1, rng)
    lp.phase(net, c, "sleep", seconds * 1000.0, tl)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    a = tl.array()
    return dict(cpu_s=cpu, wall_s=wall, rate_exc=float(np.mean(a["rate_exc"])),
                recording_s=tl.wall.get("recording", 0.0), synapses=int(len(net.weights("ee"))))


def variants(c: dict) -> dict:
    out = {"full": c, "base": dict(c, **{f: False for f in FAMILIES})}
    out["neurons"] = dict(out["base"], p_ee=0.001, p_connect=0.001, w_total=0.5)
    out.update({f"no {f}": dict(c, **{f: False}) for f in FAMILIES})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="biological seconds of wake and of sleep")
    ap.add_argument("--out", default=None, help="write the results as JSON here")
    args = ap.parse_args()
    c = get("lifetime").resolve(scale="full")
    bio = 2 * args.seconds
    res = {}
    for name, cfg in variants(c).items():
        res[name] = segment(cfg, args.seconds)
        r = res[name]
        print(f"{name:18s} CPU {r['cpu_s']:7.2f} s  wall {r['wall_s']:7.2f} s  E {r['rate_exc']:5.2f} Hz  "
              f"CPU per bio-s {r['cpu_s'] / bio * 1000:6.1f} ms", flush=True)
    full = res["full"]["cpu_s"]
    parts = {"neurons and inputs": res["neurons"]["cpu_s"],
             "propagation + triplet STDP + STP": res["base"]["cpu_s"] - res["neurons"]["cpu_s"],
             **{f: full - res[f"no {f}"]["cpu_s"] for f in FAMILIES},
             "recording (timeline)": res["full"]["recording_s"]}
    print(f"\nbreakdown of the full network's CPU time ({full:.2f} s for {bio:.0f} bio-s):")
    for k, v in parts.items():
        print(f"  {k:34s} {v:7.2f} s  {100 * v / full:5.1f} %")
    hours = full / bio * (430 * 60) / 3600            # 6 h protocol + 1 h static recovery = 430 bio-min
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"\nprojected CPU for the full protocol (430 bio-min per seed): {hours * 60:.1f} min; peak RSS {rss:.0f} MB")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(dict(seconds=args.seconds, variants=res, parts=parts, projected_cpu_min=hours * 60,
                           peak_rss_mb=rss), f, indent=1)


if __name__ == "__main__":
    main()
