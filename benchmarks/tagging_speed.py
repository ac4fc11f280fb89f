"""Speed of synaptic tagging and capture: the 8-hour protocols and a 1,000-neuron network.

Issue (multi-timescale memory): "``tagging-capture`` (8 h biological, all
protocols) in under 1 minute; a 1,000-neuron network with tagging and capture
on all E->E synapses at >= 10x real time."

1. ``protocols``: the full-scale ``tagging-capture`` experiment (every protocol
   and capture gap, 8 h of biological time each, all in one network), after a
   short run that compiles the kernel; wall and CPU time of the whole
   experiment call (simulation, recording, figures).
2. ``network``: 800 excitatory + 200 inhibitory current-based LIF neurons (the
   published neuron of Luboeinski & Tetzlaff 2021: tau_m = 10 ms, C = 1 nF,
   E_L = -65 mV, V_reset = -70 mV, V_th = -55 mV, t_ref = 2 ms, tau_syn = 5 ms),
   all four projections at p = 0.1 with a 1 ms delay, E->E (about 64,000
   synapses) carrying :class:`~neuroplastic.TaggingCapture` (published
   parameters, noise on, slow update every second) at h0 = 4.2 mV = 420 pA,
   E->I 420 pA, I->E and I->I -15 nA, and one private Poisson input per neuron
   (200 Hz, 600 pA): E neurons fire at a few Hz. After a 1 s warm-up
   (compilation excluded), ``--duration`` ms of biological time are timed; the
   real-time factor is biological time / wall time (and / CPU time of the
   process, less sensitive to other jobs on a shared machine). The same network
   without the rule is timed too, so the rule's own cost is visible.

Run: ``python benchmarks/tagging_speed.py [--duration 20000] [--skip-protocols]``.
Measured: docs/memory.md ("Speed").
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np


def network(with_rule: bool = True, seed: int = 1, dt: float = 0.1):
    """The 1,000-neuron benchmark network (see module doc)."""
    import neuroplastic as npl

    lif = npl.LIF(tau_m=10.0, c_m=1000.0, v_rest=-65.0, v_reset=-70.0, v_thresh=-55.0, t_ref=2.0,
                  synapse="current", tau_e=5.0, tau_i=5.0)
    m = npl.Model(dt=dt)
    m.add(npl.PoissonInput("drive", 1000, rate=200.0))
    m.add(npl.Population("exc", 800, lif, initial={"v": npl.Uniform(-65.0, -56.0)}))
    m.add(npl.Population("inh", 200, lif, initial={"v": npl.Uniform(-65.0, -56.0)}))
    m.add(npl.Projection("drive_exc", "drive", "exc", npl.Pairs(np.arange(800), np.arange(800)), weight=600.0))
    m.add(npl.Projection("drive_inh", "drive", "inh", npl.Pairs(np.arange(800, 1000), np.arange(200)),
                         weight=600.0))
    rules = [npl.TaggingCapture(scale=100.0, period=1000.0, noise_seed=seed)] if with_rule else []
    m.add(npl.Projection("ee", "exc", "exc", npl.FixedProbability(0.1), weight=420.075, delay=1.0, rules=rules,
                         w_min=-1e4, w_max=1e4))
    m.add(npl.Projection("ei", "exc", "inh", npl.FixedProbability(0.1), weight=420.075, delay=1.0))
    m.add(npl.Projection("ie", "inh", "exc", npl.FixedProbability(0.1), weight=-15000.0, delay=1.0, receptor="inh"))
    m.add(npl.Projection("ii", "inh", "inh", npl.FixedProbability(0.1), weight=-15000.0, delay=1.0, receptor="inh"))
    return npl.Network(m, seed=seed)


def measure_network(duration: float, with_rule: bool = True, seed: int = 1) -> dict:
    """Wall time of ``duration`` ms of the benchmark network after a 1 s warm-up."""
    net = network(with_rule, seed)
    net.run(1000.0)
    net.spike_counts("exc", clear=True)
    start, cpu = time.perf_counter(), time.process_time()
    net.run(duration)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    rate = float(net.spike_counts("exc").sum() / 800 / (duration * 1e-3))
    out = {"with_rule": with_rule, "biological_s": duration * 1e-3, "wall_s": wall, "cpu_s": cpu,
           "real_time_factor": duration * 1e-3 / wall, "real_time_factor_cpu": duration * 1e-3 / cpu,
           "exc_rate_hz": rate}
    if with_rule:
        st = net.rule_state("ee")
        slots = net.synapse_slots("ee")
        out.update(synapses=int(slots.size), early_change_mean_mv=float(np.mean(st.syn.early[slots])),
                   early_change_abs_max_mv=float(np.max(np.abs(st.syn.early[slots]))),
                   late_mean=float(np.mean(st.syn.late[slots])), lost_calcium_jumps=float(st.glob.lost[0]))
    return out


def measure_protocols(seed: int = 0) -> dict:
    """Wall time of the full-scale tagging-capture experiment (kernel compiled first)."""
    from neuroplastic import experiments

    exp = experiments.get("tagging-capture")
    exp.run(exp.resolve({"duration": 120_000.0, "t_stim": 10_000.0, "trials": 1, "basic_late_duration": 60_000.0},
                        "full"), seed=seed)                                                # compile
    start, cpu = time.perf_counter(), time.process_time()
    result = exp.run(exp.resolve(scale="full"), seed=seed)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    rows = experiments.compare(result, exp.targets, "full")
    return {"wall_s": wall, "cpu_s": cpu, "limit_s": 60.0, "passed": wall < 60.0,
            "sim_wall_s": result.metrics["sim_wall_s"], "targets_passed": sum(r.passed for r in rows),
            "targets": len(rows)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=20_000.0, help="timed biological time of the network (ms)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-protocols", action="store_true")
    args = ap.parse_args(argv)
    out = {"load_average": os.getloadavg(), "cpus": os.cpu_count()}
    if not args.skip_protocols:
        out["protocols"] = measure_protocols()
    out["network_without_rule"] = measure_network(args.duration, with_rule=False, seed=args.seed)
    out["network"] = measure_network(args.duration, with_rule=True, seed=args.seed)
    out["load_average_after"] = os.getloadavg()
    print(json.dumps(out, indent=1))
    if "protocols" in out:
        p = out["protocols"]
        print(f"tagging-capture, all protocols, 8 h each: {p['wall_s']:.1f} s wall, {p['cpu_s']:.1f} s CPU "
              f"(limit 60 s): {'PASS' if p['passed'] else 'FAIL'}")
    n, bare = out["network"], out["network_without_rule"]
    print(f"1,000-neuron network with tagging on {n['synapses']} E->E synapses at {n['exc_rate_hz']:.1f} Hz: "
          f"{n['real_time_factor']:.1f}x real time ({n['real_time_factor_cpu']:.1f}x in CPU time; limit 10x): "
          f"{'PASS' if n['real_time_factor'] >= 10 else 'FAIL'}; without the rule "
          f"{bare['real_time_factor']:.1f}x ({bare['real_time_factor_cpu']:.1f}x)")


if __name__ == "__main__":
    main()
