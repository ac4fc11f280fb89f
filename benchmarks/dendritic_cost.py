"""State-update cost of dendritic neurons against point neurons.

Issue #15: "a population of dendritic neurons costs about K times a point
neuron's state update, not more." Times the step loop of one population of
``n`` neurons with no synapses (the neuron kernel and the loop's per-step
bookkeeping only) for LIF (current synapses) and for DendriticNeuron with K
branches, K = 1, 2, 4, 8, in two states: at rest (branches quiet) and with
every branch held in a dCaAP (a constant branch current, so the dCaAP
current's exponential is evaluated in every step). Reports CPU ns per neuron-step
(thread time: the loop is single-threaded),
the ratio to LIF and that ratio divided by K + 1 (soma plus K branches, each
a membrane update), and for reference AdEx (current synapses; an exponential
every step) and conductance-based LIF. Best of ``repeats`` runs after a
warm-up that compiles.

Run: ``python benchmarks/dendritic_cost.py [--n 20000] [--ms 500]``.
Measured: see benchmarks/MEASURED.md and docs/dendrites.md.
"""
from __future__ import annotations

import argparse
import json
import time

import neuroplastic as npl


def _net(model, n: int):
    m = npl.Model(dt=0.1, max_rate=None)
    m.add(npl.Population("p", n, model))
    return npl.Network(m, seed=0)


def ns_per_neuron_step(model, n: int, ms: float, repeats: int) -> float:
    net = _net(model, n)
    net.run(1.0)   # compile or load
    best = float("inf")
    for _ in range(repeats):
        start = time.thread_time()      # CPU time of this thread: robust on a shared machine
        net.run(ms)
        best = min(best, time.thread_time() - start)
    return best / (n * ms / 0.1) * 1e9


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--ms", type=float, default=500.0)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    lif = ns_per_neuron_step(npl.LIF(), a.n, a.ms, a.repeats)
    out = {"n": a.n, "ms": a.ms, "lif_ns": lif, "dendritic": [],
           "adex_current_ns": ns_per_neuron_step(npl.AdEx(synapse="current"), a.n, a.ms, a.repeats),
           "lif_conductance_ns": ns_per_neuron_step(npl.LIF(synapse="conductance"), a.n, a.ms, a.repeats)}
    for k in (1, 2, 4, 8):
        for state, bias in (("rest", 0.0), ("dCaAP in every branch", 130.0)):
            cell = npl.DendriticNeuron(branches=k, i_bias_d=bias)
            ns = ns_per_neuron_step(cell, a.n, a.ms, a.repeats)
            out["dendritic"].append({"K": k, "state": state, "ns": ns, "ratio_to_lif": ns / lif,
                                     "ratio_per_compartment": ns / lif / (k + 1)})
    print(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
