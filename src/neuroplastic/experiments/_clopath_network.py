"""Connectivity reflects coding: the recurrent-network part of ``clopath2010``.

Ten AdExClopath neurons on a line, all-to-all recurrent synapses under
voltage-based STDP with the paper's homeostatic depression. Neuron k receives
``n_inputs`` private Poisson inputs (static delta synapses) whose rate is a
bump over the line of neurons centred at c(t)::

    rate_k(t) = input_rate * exp(-(k - c(t))^2 / (2 sigma^2))      (Hz per input)

* rate code: c(t) jumps to a random neuron every ``presentation`` ms (the
  NEST ``clopath_synapse_small_network`` example's protocol, with its Gaussian
  moved over the neurons instead of over learned receptive fields): which
  neurons fire together carries the information, not when;
* temporal code: c(t) steps through 0, 1, ..., 9, 0, ... every
  ``sequence_step`` ms: the neurons fire in a fixed order.

A connection is strong when its weight is at least ``strong`` x w_max; the
reciprocal fraction is (pairs with both directions strong) / (pairs with at
least one). Clopath et al. (2010, Fig. 4) find mostly bidirectional strong
connections with a rate code and unidirectional loops with a temporal one.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import (AdExClopath, AllToAll, ClopathSTDP, Model, Network, Pairs, Population, Projection, SpikeMonitor,
                SpikeTimes, Uniform)

CODES = ("rate", "temporal")


def centres(code: str, c: dict, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """The bump's centre in each bin, and the bin length (ms)."""
    n = int(c["n_neurons"])
    if code == "rate":
        step = float(c["presentation"])
        return rng.integers(0, n, int(np.ceil(c["duration"] / step))), step
    step = float(c["sequence_step"])
    return np.arange(int(np.ceil(c["duration"] / step))) % n, step


def input_trains(code: str, c: dict, rng: np.random.Generator) -> list:
    """Spike times (ms) of every input, neuron k's inputs k*n_inputs .. (k+1)*n_inputs - 1:
    Poisson, with the bump's rate constant within each bin."""
    n, m = int(c["n_neurons"]), int(c["n_inputs"])
    centre, step = centres(code, c, rng)
    distance = np.arange(n)[None, :] - centre[:, None]
    rates = c["input_rate"] * np.exp(-distance**2 / (2.0 * c["sigma"] ** 2))          # (bins, neurons)
    counts = rng.poisson(np.repeat(rates, m, axis=1) * step / 1000.0)                  # (bins, inputs)
    b, i = np.nonzero(counts)
    k = counts[b, i]
    times = (np.repeat(b, k) + rng.random(k.sum())) * step
    source = np.repeat(i, k)
    keep = times < c["duration"]
    order = np.lexsort((times[keep], source[keep]))
    return source[keep][order], times[keep][order]


def build(code: str, c: dict, seed: int) -> Network:
    """The network for one code and seed (inputs drawn from ``seed``)."""
    rng = np.random.default_rng([int(seed), CODES.index(code), 2010])
    n, m = int(c["n_neurons"]), int(c["n_inputs"])
    source, times = input_trains(code, c, rng)
    model = Model(dt=c["dt"])
    model.add(SpikeTimes("inputs", n * m, source, times))
    model.add(Population("exc", n, AdExClopath(v_peak=20.0, b=0.0805), initial={"v": Uniform(-70.0, -60.0)}))
    pre = np.arange(n * m)
    model.add(Projection("drive", "inputs", "exc", Pairs(pre, pre // m), weight=c["w_input"]))
    rule = ClopathSTDP(homeostasis="depolarization", u_ref_squared=c["u_ref_squared"])
    model.add(Projection("recurrent", "exc", "exc", AllToAll(), weight=c["w_recurrent"], w_min=0.0,
                         w_max=c["w_max"], rules=[rule]))
    model.add(SpikeMonitor("exc"))
    return Network(model, seed=int(seed))


def weight_matrix(net: Network, n: int) -> np.ndarray:
    """W[i, j]: the recurrent weight from neuron i to neuron j (0 on the diagonal)."""
    pre, post = net.synapses("recurrent")
    w = np.zeros((n, n))
    w[pre, post] = net.weights("recurrent")
    return w


def reciprocity(w: np.ndarray, threshold: float) -> dict:
    """Strong connections (w >= threshold), pairs with one and with both directions strong."""
    strong = w >= threshold
    np.fill_diagonal(strong, False)
    both = int(np.sum(np.triu(strong & strong.T, 1)))
    any_ = int(np.sum(np.triu(strong | strong.T, 1)))
    n = len(w)
    ahead = (np.arange(n)[None, :] - np.arange(n)[:, None]) % n
    forward = int(np.sum(strong & (ahead >= 1) & (ahead <= n // 2)))
    return {"strong": int(strong.sum()), "pairs": any_, "reciprocal_pairs": both,
            "fraction": both / any_ if any_ else float("nan"),
            "forward": forward / strong.sum() if strong.sum() else float("nan")}


def run_codes(c: dict, seed: int, progress: bool = False) -> dict:
    """Both codes for every network seed: weight matrices, reciprocity, rates."""
    seeds = [int(seed) * 1000 + k for k in range(int(c["n_seeds"]))]
    out = {code: [] for code in CODES}
    n = int(c["n_neurons"])
    for s in seeds:
        for code in CODES:
            net = build(code, c, s).run(c["duration"], progress=progress)
            w = weight_matrix(net, n)
            rate = len(net.spikes("exc")[0]) / n / (c["duration"] / 1000.0)
            out[code].append({"seed": s, "w": w, "rate": rate, **reciprocity(w, c["strong"] * c["w_max"])})
    return out


def figure(results: dict, c: dict) -> Figure:
    """The weight matrices of the first seed, both codes, and the reciprocal fractions of all seeds."""
    fig = Figure(figsize=(11, 3.8), layout="constrained")
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 0.8]})
    for ax, code in zip(axes, CODES):
        first = results[code][0]
        image = ax.imshow(first["w"] / c["w_max"], vmin=0, vmax=1, cmap="viridis", origin="upper")
        ax.set_title(f"{code} code, seed {first['seed']}: {first['reciprocal_pairs']}/{first['pairs']} reciprocal")
        ax.set_xlabel("to neuron")
        ax.set_ylabel("from neuron")
    fig.colorbar(image, ax=axes[:2], label="w / w_max", shrink=0.85)
    ax = axes[2]
    for k, code in enumerate(CODES):
        f = [r["fraction"] for r in results[code]]
        ax.plot(np.full(len(f), k) + np.linspace(-0.1, 0.1, len(f)), f, "o", label=code)
    ax.set_xticks([0, 1], CODES)
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("reciprocal fraction of strong pairs")
    n = len(results["rate"])
    ax.set_title(f"{n} seed{'s' if n > 1 else ''}, strong: w ≥ {c['strong']:g} w_max", fontsize="medium")
    return fig
