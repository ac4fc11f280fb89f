"""Cost of voltage-based STDP's continuous potentiation (issue 14, Clopath et al. 2010).

``ClopathSTDP`` potentiates in every step while the postsynaptic potential is
above theta_plus. It is a :class:`~neuroplastic.plasticity.rule.Continuous`
rule: every step one ``post_drive`` test per postsynaptic neuron, and a walk
over the incoming synapses only of the neurons whose drive is non-zero (in
practice the ~2-3 ms around each of their spikes). The alternative without
an engine capability is a :class:`~neuroplastic.plasticity.rule.Periodic`
rule with ``period = dt`` that visits every synapse every step (and after
which the engine re-applies the bounds to every synapse): ``EveryStepLTP``
below, the same potentiation written that way.

Network: ``n_in`` Poisson inputs (10 Hz) onto ``n`` AdExClopath neurons,
connection probability ``p`` (every synapse plastic), inputs strong enough for
the neurons to fire at a few Hz to tens of Hz. Timed: ``net.run(duration)``
after one compiled step and ``reset()``, for

* ``static``: no rule;
* ``pair``: ``PairSTDP`` (event-driven, the reference cost of plasticity);
* ``clopath``: ``ClopathSTDP`` (depression on_pre, potentiation Continuous);
* ``every_step``: ``ClopathSTDP(a_ltp=0)`` (its depression) plus ``EveryStepLTP``.

Run: ``python benchmarks/clopath_cost.py [--n 200] [--n-in 1000] [--p 0.2]
[--duration 2000]``; prints seconds per biological second and the rates.
Measured numbers: ``benchmarks/MEASURED.md``.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass

from numba import njit

import neuroplastic as npl
from neuroplastic.plasticity import traces


@njit
def _every(t, w, conn, st, p):
    for s in range(w.shape[0]):
        if conn.alive[s]:
            j = conn.post[s]
            above = st.dst.v[j] - p.theta_plus
            low = st.dst.u_plus_delayed[j] - p.theta_minus
            if above > 0.0 and low > 0.0:
                i = conn.pre[s]
                x = traces.read(st.pre.x[i], st.pre.t_last[i], t, p.tau_x)
                w[s] += p.a_ltp * above * low * p.period * x


@njit
def _pre_spike(i, t, st, p):
    st.pre.x[i] = traces.read(st.pre.x[i], st.pre.t_last[i], t, p.tau_x) + 1.0 / p.tau_x
    st.pre.t_last[i] = t


@dataclass(frozen=True)
class EveryStepLTP(npl.Rule, npl.OnPre, npl.Periodic):
    """ClopathSTDP's potentiation as a Periodic rule visiting every synapse every step."""

    a_ltp: float = 8e-5
    theta_minus: float = -70.6
    theta_plus: float = -45.3
    tau_x: float = 15.0
    period: float = 0.1
    pre_state = (npl.State("x"), npl.State("t_last", 0.0, "ms"))
    post_reads = ("v", "u_plus_delayed")
    pre_spike = _pre_spike
    every = _every


VARIANTS = {
    "static": [],
    "pair": [npl.PairSTDP(a_plus=1e-3, a_minus=1.05e-3)],
    "clopath": [npl.ClopathSTDP()],
    "every_step": [npl.ClopathSTDP(a_ltp=0.0), EveryStepLTP()],
}


def build(rules, n, n_in, p, weight, seed):
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("x", n_in, rate=10.0))
    m.add(npl.Population("n", n, npl.AdExClopath(b=0.0805, v_reset=-49.6)))
    m.add(npl.Projection("in", "x", "n", npl.FixedProbability(p), weight=weight, w_min=0.0, w_max=2 * weight,
                         rules=rules))
    m.add(npl.SpikeMonitor("n"))
    return npl.Network(m, seed=seed)


def measure(name, args) -> dict:
    net = build(VARIANTS[name], args.n, args.n_in, args.p, args.weight, args.seed)
    net.run(0.1)          # compile (or load) the loop
    net.reset()
    start = time.perf_counter()
    net.run(args.duration)
    seconds = time.perf_counter() - start
    rate = len(net.spikes("n")[0]) / args.n / (args.duration / 1000.0)
    return {"variant": name, "s_per_bio_s": seconds / (args.duration / 1000.0), "rate_hz": rate,
            "synapses": int(len(net.weights("in")))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--n-in", type=int, default=1000)
    ap.add_argument("--p", type=float, default=0.2)
    ap.add_argument("--weight", type=float, default=1.0, help="mV per input spike")
    ap.add_argument("--duration", type=float, default=2000.0, help="ms")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rows = [measure(name, args) for name in VARIANTS]
    for r in rows:
        print(f"{r['variant']:>11}: {r['s_per_bio_s']:.3f} s per biological s, {r['rate_hz']:.1f} Hz, "
              f"{r['synapses']} synapses")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
