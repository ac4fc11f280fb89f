"""Speed of the full-scale ``zenke2015`` network: biological seconds per second.

Issue #16: "``zenke2015``'s network at >= 1x real time on the 2-core machine
(one biological hour in <= one hour wall), aiming for 2x ... Memory use (peak
RSS) in the same report."

What is measured: the full-scale network (4,096 E + 1,024 I AIF neurons, 4,096
inputs, 3.4 million synapses, STP and plasticity on E->E, input->E and I->E)
driven through the experiment's own stimulus code (``run_phase``: per-neuron
input rates changed between runs, spike counts read at every cut) for
``--minutes`` of biological time, after a warm-up that compiles the kernels.
Speed is reported against wall time and against the process's CPU time (the
machine is shared: CPU time is what the simulation itself costs; wall time
also counts other users' processes).

Where the time goes, by switching parts off (the same network structure and
stimulus; each variant is a separate network):

* ``neurons``: the populations and the Poisson inputs, no projections;
* ``static``: every projection with STP, no plasticity rules, weights copied
  from the full network at the end of its run (so activity is comparable);
* ``full``: the network as the experiment runs it;
* ``no_<projection>`` (``no_ee``, ``no_ext``, ``no_ie``): the full network with
  that projection's plasticity rules removed (its STP kept), so that
  T(full) - T(no_ee) is the cost of the E->E rule.

neurons = T(neurons); propagation = T(static) - T(neurons); plasticity =
T(full) - T(static). The rates of each variant are reported: a comparison is
only fair at similar activity.

The network starts from rest, nearly silent (the input weights grow into
activity over the first minutes of the protocol), so a run from the start is
cheaper than the settled network. ``--checkpoint PATH`` starts every variant
from a saved full-scale network instead (``Network.save``; the experiment
writes one at the end of its learn phase with ``--set save_dir=DIR``), with
the protocol of ``--phase``.

Run: ``python benchmarks/zenke2015_speed.py [--minutes 3] [--checkpoint PATH]``.
Measured: see benchmarks/MEASURED.md and docs/orchestrated.md.
"""
from __future__ import annotations

import argparse
import json
import resource
import time

import numpy as np


def _config(scale: str) -> dict:
    from neuroplastic import experiments

    return experiments.get("zenke2015").resolve(scale=scale)


def _network(c: dict, variant: str, checkpoint: str | None, seed: int):
    """The network of a variant: ``full``, ``static``, ``no_<projection>`` or ``neurons``."""
    from neuroplastic import Model, Network
    from neuroplastic.experiments import zenke2015 as z

    if checkpoint and variant == "full":
        return Network.load(checkpoint)
    full = z.build(c, seed) if not checkpoint else Network.load(checkpoint)
    known = {"full", "static", "neurons", *(f"no_{name}" for name in full.model.projections)}
    if variant not in known:
        raise SystemExit(f"--variants: unknown variant {variant!r}; one of {', '.join(sorted(known))}")
    if variant == "full":
        return full
    model = Model(dt=full.model.dt, max_rate=full.model.max_rate)
    for part in full.model.populations.values():
        model.add(part)
    for m in full.model.monitors.values():
        if m.name.startswith("rate_"):
            model.add(m)
    if variant != "neurons":
        from dataclasses import replace

        from neuroplastic.plasticity.rule import Transmission

        for name, proj in full.model.projections.items():
            if variant in ("static", f"no_{name}"):
                proj = replace(proj, rules=[r for r in proj.rules if isinstance(r, Transmission)])
            model.add(proj)
    net = Network(model, seed=seed)
    if variant != "neurons":
        for name in full.model.projections:
            net.set_weights(name, full.weights(name))
    return net


def measure(c: dict, variant: str, minutes: float, seed: int, checkpoint: str | None, phase: str) -> dict:
    from neuroplastic.experiments._phases import Counts, run_phase
    from neuroplastic.experiments._stimuli import half_cue, patterns, schedule

    net = _network(c, variant, checkpoint, seed)
    net.run(100.0)                                          # compile or load the kernels
    pats = patterns(int(c["n_inputs"]), int(c["n_patterns"]))
    on, off = {"init": ("init_on", "init_off"), "learn": ("learn_on", "learn_off"),
               "recall": ("cue_on", "cue_off")}[phase]
    stim = [half_cue(p, int(c["n_inputs"])) for p in pats] if phase == "recall" else pats
    t0 = net.t
    t1 = t0 + minutes * 60_000.0
    sched = schedule(np.random.default_rng(seed), t0, t1, c[on], c[off], len(pats), c["dt"])
    counts = Counts(int(c["n_exc"]), len(pats), c["grid_ms"], c["block_ms"])
    big = dict(c, runaway_rate=1e9)
    wall, cpu = time.perf_counter(), time.process_time()
    run_phase(net, big, sched, stim, t1, counts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    bio = (t1 - t0) / 1000.0
    grid = counts.grid_array(t1)[int(t0 // c["grid_ms"]):]
    rate_i = net.monitor("rate_inh")["rate"][int(t0 // 1000):]
    out = {"variant": variant, "biological_s": bio, "wall_s": wall, "cpu_s": cpu,
           "bio_per_wall": bio / wall, "bio_per_cpu": bio / cpu,
           "rate_exc_hz": float(grid.sum() / (grid.shape[1] * bio)), "rate_inh_hz": float(rate_i.mean()),
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}
    if variant == "full" and not checkpoint:
        out["_net"] = net
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=3.0, help="biological minutes per variant")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scale", default="full", choices=("full", "reduced"))
    ap.add_argument("--checkpoint", default=None, help="start from a saved network (Network.save)")
    ap.add_argument("--phase", default="init", choices=("init", "learn", "recall"),
                    help="whose stimulus schedule drives the network")
    ap.add_argument("--variants", default="full,static,neurons")
    args = ap.parse_args(argv)
    c = _config(args.scale)
    results, full_net = [], None
    for variant in args.variants.split(","):
        ckpt = args.checkpoint
        if variant != "full" and not ckpt and full_net is not None:
            import tempfile

            ckpt = tempfile.mktemp(suffix=".npz")
            full_net.save(ckpt)
        r = measure(c, variant, args.minutes, args.seed, ckpt, args.phase)
        full_net = r.pop("_net", full_net)
        results.append(r)
        print(json.dumps(r), flush=True)
    by = {r["variant"]: r for r in results}
    if {"full", "static", "neurons"} <= set(by):
        parts = {"neurons": by["neurons"]["cpu_s"], "propagation": by["static"]["cpu_s"] - by["neurons"]["cpu_s"],
                 "plasticity": by["full"]["cpu_s"] - by["static"]["cpu_s"]}
        total = by["full"]["cpu_s"]
        print("CPU time per biological second:", {k: round(v / by["full"]["biological_s"], 3) for k, v in parts.items()},
              {k: f"{100 * v / total:.0f} %" for k, v in parts.items()})
    full = by.get("full")
    if full:
        print(f"full network: {full['bio_per_cpu']:.2f} x real time (CPU), {full['bio_per_wall']:.2f} x (wall), "
              f"peak RSS {full['peak_rss_mb']:.0f} MB: {'PASS' if full['bio_per_cpu'] >= 1.0 else 'FAIL'} (>= 1x)")


if __name__ == "__main__":
    main()
