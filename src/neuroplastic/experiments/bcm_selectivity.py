"""``bcm-selectivity``: a BCM neuron becomes selective to one of K patterns.

K orthonormal input patterns (the unit vectors of R^K) are presented in random
order, one per step (dt = 1 ms), through a ``ValueInput`` to one linear rate
unit y = w . x that learns with :class:`~neuroplastic.plasticity.hebbian.BCM`::

    theta <- theta + (1 / tau_theta) (y^2 - theta)      (every step, tau_theta in steps)
    dw = eta x y (y - theta)

Analytic fixed points: with each pattern shown with probability 1/K and
theta = E[y^2], the stable states respond y = K to exactly one pattern and 0 to
the others (y_pref = theta = y_pref^2 / K); the unselective state (all equal)
is unstable (Bienenstock, Cooper & Munro 1982; canonical notes section 4).

Stability needs tau_theta >> the input switching time (1 step) and << the
weight time scale 1 / (eta K^2) (here K = 4, eta = 5e-5: 1250 presentations
vs tau_theta = 400 = 100 K presentations, the canonical notes' condition).

Metrics: the responses y_k = w . x_k to each pattern at the end (from the
weights, not from noisy samples), ``y_pref`` (the largest), ``pref_rel_error``
= |y_pref - K| / K, ``others_max_rel`` = max over the others of |y_k| / K, the
winning pattern, theta. Targets: pref_rel_error <= 0.05, others_max_rel < 0.05.
Figure: responses to each pattern over time.

Scales: full = 2e6 presentations, reduced = 1e6 (the run takes well under a
second; the length is set by the slow symmetry breaking from similar initial
weights, which takes 0.1-0.8e6 presentations depending on the seed).

Measured (``neuroplastic reproduce bcm-selectivity --seed S``, seeds 0-9):
full y_pref = 3.906-4.014 (mean 3.96, i.e. 1-2 % below K: theta fluctuates
with the random pattern order, as in the canonical notes' 3.974), other
responses < 1e-35; reduced y_pref = 3.935-4.026, others < 1.2e-3 of K.

References: Bienenstock EL, Cooper LN, Munro PW (1982) J Neurosci 2:32;
Intrator N, Cooper LN (1992) Neural Netw 5:3.
"""
from __future__ import annotations

import numpy as np

from .. import BCM, AllToAll, Model, Network, Population, Projection, RateUnit, ValueInput, WeightMonitor
from ..viz import time_series
from .base import Experiment, Result, Target
from .registry import register

DEFAULTS = dict(k=4, steps=2_000_000, eta=5e-5, tau_theta=400.0, w0_max=0.5, record_every=10000.0)
REDUCED = dict(steps=1_000_000)


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    c = config
    k = int(c["k"])
    rng = np.random.default_rng(seed)
    order = rng.integers(0, k, int(c["steps"]))
    x = np.eye(k)[order]
    w0 = rng.uniform(0.0, c["w0_max"], k)
    model = Model(dt=1.0, max_rate=None)
    model.add(ValueInput("x", x, interval=1.0))
    model.add(Population("y", 1, RateUnit("linear")))
    model.add(Projection("xy", "x", "y", AllToAll(), weight=w0,
                         rules=[BCM(eta=c["eta"], tau_theta=c["tau_theta"], period=1.0)]))
    model.add(WeightMonitor("xy", interval=c["record_every"], name="w"))
    net = Network(model, seed=seed).run(float(c["steps"]), progress=progress)
    w = net.weights("xy")                       # response to pattern k is w_k (unit patterns)
    winner = int(np.argmax(w))
    others = np.delete(w, winner)
    mon = net.monitor("w")
    traj = np.asarray(mon["w"], float)
    fig = time_series(mon["t"], {f"pattern {p}": traj[:, p] for p in range(k)},
                      ylabel="response y = w . x_k (dimensionless)",
                      title=f"BCM selectivity (analytic preferred response K = {k})")
    return Result(
        config=dict(c),
        metrics=dict(y_pref=float(w[winner]), winner=winner, pref_rel_error=float(abs(w[winner] - k) / k),
                     others_max_rel=float(np.max(np.abs(others)) / k), responses=w.tolist(),
                     theta=float(net.rule_state("xy").post.theta[0]), analytic_y_pref=float(k)),
        figures={"responses": fig},
        recordings={"weights": dict(t=np.asarray(mon["t"]), w=traj, final=w)},
    )


EXPERIMENT = register(Experiment(
    name="bcm-selectivity",
    summary="BCM with a sliding threshold: selectivity to one of K orthogonal patterns (y_pref = K)",
    run=run, defaults=DEFAULTS, reduced=REDUCED,
    targets=(Target("pref_rel_error", 0.0, 0.05, "preferred response within 5 % of its analytic value K"),
             Target("others_max_rel", 0.0, 0.05, "every other response < 5 % of K")),
    reference="Bienenstock, Cooper & Munro 1982, J Neurosci 2:32; Intrator & Cooper 1992, Neural Netw 5:3",
))
