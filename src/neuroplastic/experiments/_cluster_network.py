"""Parts of the ``clustered-vs-dispersed`` experiment: the neuron, the stimulus
patterns (active synapses per branch) and the one network that presents them
all at once (one neuron per pattern).

A pattern is a row of a ``(P, K)`` integer array: ``counts[p, k]`` active
synapses on branch k of the neuron that presents pattern p. Each active
synapse is its own Poisson input at ``rate`` Hz with weight ``weight`` pA,
landing on its branch (``Projection(branch=...)``, one index per synapse).
"""
from __future__ import annotations

import numpy as np

from .. import DendriticNeuron, Model, Network, Pairs, PoissonInput, Population, Projection


def neuron(c) -> DendriticNeuron:
    """LIF soma with ``branches`` thin branches, each with an NMDA-like plateau
    (all or none: ``amp_d`` pA to the soma for ``dur_d`` ms after the branch
    potential was last at or above ``theta_d``) and passive coupling ``g_c``."""
    return DendriticNeuron(branches=int(c["branches"]), nonlinearity="nmda", tau_d=c["tau_d"], g_d=c["g_d"],
                           tau_de=c["tau_syn"], theta_d=c["theta_d"], amp_d=c["amp_d"], dur_d=c["dur_d"],
                           g_c=c["g_c"], i_bias=c["i_bias"], v_thresh=c["v_thresh"], t_ref=c["t_ref"])


# --- patterns ---------------------------------------------------------------------------

def sweep(total: int, k: int, per_branch) -> np.ndarray:
    """Structured patterns: ``total`` synapses in clusters of m per branch
    (``total // m`` branches get m, the remainder goes to one more branch),
    one pattern per m of ``per_branch``; branches 0, 1, ... in order."""
    out = np.zeros((len(per_branch), k), dtype=np.int64)
    for row, m in enumerate(per_branch):
        full, rest = divmod(int(total), int(m))
        if full + (rest > 0) > k:
            raise ValueError(f"{total} synapses in clusters of {m} need more than {k} branches")
        out[row, :full] = m
        if rest:
            out[row, full] = rest
    return out


def random_patterns(rng, n: int, k: int, total_min: int, total_max: int) -> np.ndarray:
    """``n`` mixed patterns: a total N uniform in [total_min, total_max], a
    number of used branches b uniform in 1 .. min(K, N), b distinct random
    branches, and the N synapses spread over them by a multinomial with
    Dirichlet(alpha) weights (alpha log-uniform in [0.2, 5]: from a few big
    clusters to an even spread)."""
    out = np.zeros((n, k), dtype=np.int64)
    totals = rng.integers(total_min, total_max + 1, n)
    for p, total in enumerate(totals):   # a pattern is drawn once, before the run: not a simulation loop
        b = rng.integers(1, min(k, total) + 1)
        branches = rng.choice(k, b, replace=False)
        weights = rng.dirichlet(np.full(b, np.exp(rng.uniform(np.log(0.2), np.log(5.0)))))
        out[p, branches] = rng.multinomial(total, weights)
    return out


# --- the network ------------------------------------------------------------------------

def model(c, counts: np.ndarray) -> Model:
    """One neuron per pattern (``cell``), one Poisson input per active synapse
    (``syn``), each wired to its neuron and branch."""
    counts = np.asarray(counts, dtype=np.int64)
    p, k = counts.shape
    flat = counts.ravel()
    post = np.repeat(np.arange(p * k) // k, flat)
    branch = np.repeat(np.arange(p * k) % k, flat)
    m = Model(dt=c["dt"], max_rate=None)
    m.add(PoissonInput("syn", max(len(post), 1), rate=c["rate"]))
    m.add(Population("cell", p, neuron(c)))
    if len(post):
        m.add(Projection("syn_cell", "syn", "cell", Pairs(np.arange(len(post)), post), weight=c["weight"],
                         branch=branch))
    return m


def rates(c, counts: np.ndarray, seed: int) -> np.ndarray:
    """Output rate (Hz) of each pattern's neuron over ``duration`` ms, after
    ``settle`` ms that are not counted."""
    net = Network(model(c, counts), seed=seed)
    net.run(c["settle"])
    net.spike_counts("cell", clear=True)
    net.run(c["duration"])
    return net.spike_counts("cell") * 1000.0 / c["duration"]
