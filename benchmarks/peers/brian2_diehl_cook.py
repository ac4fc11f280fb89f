"""Brian2 run of Diehl & Cook's (2015) network on MNIST, as a cross-check of the ``diehl-cook`` task.

The network is written here in Brian2 from the original's equations and parameters
(canonical-results §12; the same numbers as ``neuroplastic.compare._diehl_network``), with the
original's integration (forward Euler, dt = 0.5 ms), its 50 ms spike block (``timer``), and its
plasticity at spike arrival (Brian2 applies a delayed ``on_pre`` as a whole after the synapse's
delay, as Brian 1's ``STDP`` on a ``DelayConnection`` did):

* exc: tau_m dv/dt = (-65 mV - v) + ge (0 - v) + gi (-100 mV - v), tau_m = 100 ms; ge, gi
  dimensionless, tau 1 and 2 ms; spike when v > theta - 20 mV - 52 mV and timer > block;
  reset -65 mV, theta += 0.05 mV (tau_theta 1e7 ms), refractory 5 ms; theta starts at 20 mV;
* inh: tau_m = 10 ms, rest -60, reset -45, threshold -40 mV, E_i -85 mV, refractory 2 ms;
* input -> exc all to all, weights (U(0,1) + 0.01) x 0.3, delays U(0, 10) ms, incoming sum
  normalised to 78 before every presentation; STDP: pre spike w -= 1e-4 post1, post spike
  w += 1e-2 pre post2 (post2 before its reset), traces set to 1, tau 20 / 20 / 40 ms, w in [0, 1];
* exc -> inh one to one, 10.4; inh -> exc all but the partner, 17.0;
* an image: rates pixel x 63.75 Hz for 350 ms, then 150 ms at 0 Hz; spikes counted over the
  350 ms; fewer than 5: shown again with + pixel x 31.875 Hz (at most 10 times).

Protocol as ``benchmarks/diehl_cook_diagnose.py``: learn from the first N training images, freeze
(no STDP, theta fixed), label the neurons on training images 50,000-50,999, test on the first
1,000 test images (neuroplastic's ``assign``/``classify``). Prints one JSON line and appends it
to ``--out``.

Usage (in .venv-bench, which has Brian2; runtime mode with Cython, about 0.3 s per presentation
on the 2-core machine):

    python benchmarks/peers/brian2_diehl_cook.py 3000 --data DIR --seed 0
    python benchmarks/peers/brian2_diehl_cook.py 3000 --data DIR --block 0   # no spike block

Measured numbers: docs/unsupervised.md ("Looking for the shortfall"); raw lines in
benchmarks/peers/brian2_diehl_cook.jsonl.
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
from brian2 import Hz, NeuronGroup, Network, SpikeMonitor, Synapses, defaultclock, mV, ms, prefs
from brian2 import seed as brian_seed

from neuroplastic.compare._diehl_labels import assign, classify
from neuroplastic.datasets import load_mnist

EXC = """
dv/dt = ((-65*mV - v) + ge*(-v) + gi*(-100*mV - v)) / (100*ms) : volt (unless refractory)
dge/dt = -ge/(1*ms) : 1
dgi/dt = -gi/(2*ms) : 1
dtheta/dt = -theta/tau_theta : volt
dtimer/dt = 0.1 : second
tau_theta : second (shared)
theta_plus : volt (shared)
"""
INH = """
dv/dt = ((-60*mV - v) + ge*(-v) + gi*(-85*mV - v)) / (10*ms) : volt (unless refractory)
dge/dt = -ge/(1*ms) : 1
dgi/dt = -gi/(2*ms) : 1
"""
STDP = """
w : 1
plastic : 1 (shared)
dpre/dt = -pre/(20*ms) : 1 (event-driven)
dpost1/dt = -post1/(20*ms) : 1 (event-driven)
dpost2/dt = -post2/(40*ms) : 1 (event-driven)
"""


class DiehlCook:
    """The network (module doc) and its presentation protocol."""

    def __init__(self, n_neurons: int, seed: int, block_ms: float):
        np.random.seed(seed)
        brian_seed(seed)
        defaultclock.dt = 0.5 * ms
        self.n = n_neurons
        # the original's timer grows 0.1 ms per ms: "timer > block / 10" is block ms after a spike
        self.exc = NeuronGroup(n_neurons, EXC, method="euler", refractory=5 * ms,
                               threshold="v > (theta - 20*mV - 52*mV) and (timer > block*ms)",
                               reset="v = -65*mV; theta += theta_plus; timer = 0*ms",
                               namespace={"block": block_ms / 10.0})
        self.exc.v, self.exc.theta, self.exc.timer = -105 * mV, 20 * mV, 1000 * ms
        self.exc.tau_theta, self.exc.theta_plus = 1e7 * ms, 0.05 * mV
        inh = NeuronGroup(n_neurons, INH, method="euler", refractory=2 * ms, threshold="v > -40*mV",
                          reset="v = -45*mV")
        inh.v = -100 * mV
        # Poisson pixels that fall silent at t_end (one run per presentation)
        self.pix = NeuronGroup(784, "r : Hz\nt_end : second (shared)", threshold="rand() < r*dt*int(t < t_end)")
        self.inp = Synapses(self.pix, self.exc, STDP,
                            on_pre="ge_post += w; pre = 1.; w = clip(w - plastic*1e-4*post1, 0, 1)",
                            on_post="w = clip(w + plastic*1e-2*pre*post2, 0, 1); post1 = 1.; post2 = 1.")
        self.inp.connect()
        self.inp.w = (np.random.random(784 * n_neurons) + 0.01) * 0.3
        self.inp.delay = np.random.random(784 * n_neurons) * 10 * ms
        self.inp.plastic = 1.0
        ei = Synapses(self.exc, inh, on_pre="ge_post += 10.4")
        ei.connect(j="i")
        ie = Synapses(inh, self.exc, on_pre="gi_post += 17.0")
        ie.connect(condition="i != j")
        self.mon = SpikeMonitor(self.exc)
        self.net = Network(self.exc, inh, self.pix, self.inp, ei, ie, self.mon)
        self.post = np.asarray(self.inp.j[:])
        self.learning = True

    def freeze(self):
        self.inp.plastic = 0.0
        self.exc.theta_plus, self.exc.tau_theta = 0 * mV, 1e300 * ms
        self.learning = False

    def _normalise(self):
        w = np.asarray(self.inp.w[:])
        self.inp.w[:] = w * (78.0 / np.bincount(self.post, weights=w, minlength=self.n)[self.post])

    def show(self, x) -> tuple[np.ndarray, int]:
        """One image (pixels in [0, 1]); returns (exc spike counts of the last try, tries)."""
        rate, tries = x * 63.75, 0
        while True:
            tries += 1
            if self.learning:
                self._normalise()
            start, first = self.net.t, self.mon.num_spikes
            self.pix.r = rate * Hz
            self.pix.t_end = start + 350 * ms
            self.net.run(500 * ms, namespace={})
            i, t = np.asarray(self.mon.i[first:]), np.asarray(self.mon.t[first:] / ms)
            counts = np.bincount(i[t < float(start / ms) + 350.0], minlength=self.n)
            if counts.sum() >= 5 or tries >= 10:
                return counts, tries
            rate = rate + x * 31.875


def _flat(d):
    return d.images.reshape(len(d.labels), -1) / 255.0, d.labels.astype(np.int64)


def run(n: int, data: str | None, seed: int, block: float, neurons: int, progress: int = 500) -> dict:
    x, y = _flat(load_mnist("train", data))
    xt, yt = _flat(load_mnist("test", data))
    prefs.codegen.target = "cython"
    dc = DiehlCook(neurons, seed, block)
    t0, tries, spikes = time.perf_counter(), 0, 0
    for k in range(n):
        c, m = dc.show(x[k])
        tries, spikes = tries + m, spikes + int(c.sum())
        if progress and (k + 1) % progress == 0:
            print(f"{k + 1} images, {tries} presentations, {spikes / tries:.1f} spikes per presentation, "
                  f"mean theta {np.mean(dc.exc.theta / mV):.1f} mV, {time.perf_counter() - t0:.0f} s", flush=True)
    theta = np.asarray(dc.exc.theta / mV)
    dc.freeze()
    label = np.array([dc.show(v)[0] for v in x[50000:51000]])
    test = [dc.show(v) for v in xt[:1000]]
    f_test = np.array([c for c, _ in test])
    predicted = classify(f_test, assign(label, y[50000:51000]))
    return {"simulator": "brian2", "n": n, "seed": seed, "spike_block": block, "neurons": neurons,
            "accuracy": float(np.mean(predicted == yt[:1000])), "presentations": tries,
            "repeat_fraction": (tries - n) / tries, "spikes_learning": spikes / tries,
            "spikes_test": float(f_test.sum(1).mean()), "test_presentations": sum(m for _, m in test),
            "theta_mean": float(theta.mean()), "theta_max": float(theta.max()),
            "wall_s": time.perf_counter() - t0}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="training images to learn from")
    ap.add_argument("--data", default=None, help="MNIST IDX directory (else $NEUROPLASTIC_MNIST)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--block", type=float, default=50.0, help="spike block after an exc spike, ms (original: 50)")
    ap.add_argument("--neurons", type=int, default=100)
    ap.add_argument("--out", default=None, help="append the JSON line to this file")
    args = ap.parse_args(argv)
    result = run(args.n, args.data, args.seed, args.block, args.neurons)
    line = json.dumps(result)
    print(line, flush=True)
    if args.out:
        with open(args.out, "a") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
