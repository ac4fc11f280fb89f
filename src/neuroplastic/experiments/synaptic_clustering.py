"""``synaptic-clustering``: correlated inputs gather on shared dendritic branches.

``n_cells`` :class:`~neuroplastic.model.DendriticNeuron` cells with K
passive branches each (``branches``; tau_d = 10 ms, g_d = 10 nS, excitatory
synaptic current tau = 5 ms) receive ``n_groups`` groups of ``group_size``
inputs, every input one synapse on every cell (weight ``weight`` pA, fixed:
one input at ``rate_on`` depolarizes its branch by 4 mV on average), each
synapse on a branch drawn uniformly at random (``branch="random"``). Time is
cut into bins of ``bin`` ms; in each bin each group is "on" with probability
``p_on``, independently of the others: the inputs of an "on" group fire
Poisson at ``rate_on`` Hz, the others at ``rate_off`` Hz. Inputs of a group
are correlated (they share on-bins); groups are not.

:class:`~neuroplastic.plasticity.BranchClustering` acts on the synapses
(windows of ``period`` ms; an arrival is co-active when its branch is at or
above ``theta_active`` mV, 4 mV above rest; a synapse with >= ``min_spikes``
counted arrivals of which fewer than ``f_min`` were co-active moves, with
probability ``p_move``, to another branch of its cell with room (a branch
holds at most ``capacity`` synapses); counts carry over between windows
with factor ``keep``; no retraction in this experiment).

Measure: the clustering index, the fraction of same-group synapse pairs (on
the same cell) that sit on the same branch, pooled over cells. With branches
drawn uniformly it is 1/K by chance (``ci_chance``). ``ci_initial`` at the
start, ``ci_final`` at the end; ``ci_other_group`` the same fraction for
pairs from different groups (clustering by correlation, not crowding:
stays near chance or below); ``ci_control`` the final index of the same
network with the groups' on-bins shuffled across inputs (every input on
its own schedule: no correlation, same rates), where no clustering should
form. Per seed, then the mean over ``seeds`` seeds.

Targets (fixed before the first full-scale run, after exploratory runs at
reduced scale on seeds 0, 1, 100 and 101 that chose the parameters; the
full run uses seeds 1000 .. 1009): at full scale ``ci_final >= 3 / K``
(0.375: three times chance), ``ci_control <= 1.5 / K`` (0.1875) and
``ci_other_group <= 1 / K`` (0.125: clustering by correlation, not by
crowding); reduced: ``ci_final >= 2 / K`` and ``ci_control <= 1.5 / K``.

Measured (``neuroplastic reproduce synaptic-clustering --seed 1000``, seeds
1000-1009, 17 s): ci_initial 0.117, ci_final 0.439 (3.5 x chance; every seed
>= 0.375), ci_control 0.125, ci_other_group 0.097: every target met.
Reduced (seed 0): ci_final 0.32, ci_control 0.13.

Figures: ``assignments`` (cell 0: the branch of every synapse over time,
inputs sorted by group), ``index`` (clustering index over time, clustering
and control).

Scales: full = 10 seeds x 4 cells x 60 s; reduced = 2 seeds x 2 cells x 20 s.

References: Kastellakis G, Silva AJ, Poirazi P (2016) Cell Rep 17:1491
(clustering by plasticity, model); Kleindienst T et al. (2011) Neuron
72:1012 and Takahashi N et al. (2012) Science 335:353 (clustered co-active
synapses observed).
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import AllToAll, BranchClustering, DendriticNeuron, Model, Network, Population, Projection, SpikeTimes
from .base import Experiment, Result, Target
from .parameters import Param, defaults_of
from .registry import register

PARAMETERS = dict(
    seeds=Param(10, "independent networks and inputs, seeds seed .. seed + seeds - 1", ge=1),
    n_cells=Param(4, "dendritic cells (each receives every input)", ge=1),
    branches=Param(8, "branches per cell (K)", ge=2),
    n_groups=Param(8, "input groups", ge=2),
    group_size=Param(4, "inputs per group", ge=2),
    duration=Param(60000.0, "simulated time", "ms", gt=0),
    bin=Param(50.0, "on/off bin of the groups", "ms", gt=0),
    p_on=Param(0.2, "probability a group is on in a bin", gt=0, le=1),
    rate_on=Param(80.0, "rate of an input while its group is on", "Hz", ge=0),
    rate_off=Param(2.0, "rate of an input while its group is off", "Hz", ge=0),
    weight=Param(100.0, "synaptic weight", "pA", ge=0),
    period=Param(1000.0, "window of the structural rule", "ms", gt=0),
    theta_active=Param(-66.0, "branch potential at which an arrival is co-active", "mV"),
    f_min=Param(0.6, "co-active fraction below which a synapse moves", ge=0, le=1),
    min_spikes=Param(5, "arrivals in a window before a synapse is judged", ge=1),
    p_move=Param(0.5, "probability a judged-weak synapse moves per window", ge=0, le=1),
    capacity=Param(5, "synapses a branch has room for", ge=1),
    keep=Param(0.8, "fraction of the co-activity counts kept from one window to the next", ge=0, lt=1),
    snapshots=Param(30, "branch assignments recorded over the run", ge=2),
)
DEFAULTS = defaults_of(PARAMETERS)
REDUCED = dict(seeds=2, n_cells=2, duration=20000.0, snapshots=11)
DT = 0.1


def input_trains(c, rng, shuffle: bool) -> tuple[np.ndarray, np.ndarray]:
    """(input index, time ms) of every spike: group on-bins shared by a group's
    inputs, or (``shuffle``) drawn per input with the same probability."""
    n_in = int(c["n_groups"] * c["group_size"])
    bins = int(np.ceil(c["duration"] / c["bin"]))
    on_group = rng.random((bins, int(c["n_groups"]))) < c["p_on"]
    on = rng.random((bins, n_in)) < c["p_on"] if shuffle else np.repeat(on_group, int(c["group_size"]), axis=1)
    rate = np.where(on, c["rate_on"], c["rate_off"]) * 1e-3 * c["bin"]       # expected spikes per bin
    counts = rng.poisson(rate)
    b, i = np.nonzero(counts)
    reps = counts[b, i]
    b, i = np.repeat(b, reps), np.repeat(i, reps)
    t = np.round((b + rng.random(len(b))) * c["bin"] / DT) * DT
    keep = t < c["duration"]
    t, i = t[keep], i[keep]
    order = np.lexsort((i, t))
    key = np.unique(np.stack([t[order], i[order]]), axis=1)   # one spike per input and step
    return key[1].astype(np.int64), key[0]


def model(c, seed: int, shuffle: bool = False) -> Model:
    rng = np.random.default_rng(seed)
    idx, times = input_trains(c, rng, shuffle)
    n_in = int(c["n_groups"] * c["group_size"])
    cell = DendriticNeuron(branches=int(c["branches"]), nonlinearity="passive", g_c=0.0)
    rule = BranchClustering(period=c["period"], theta_active=c["theta_active"], f_min=c["f_min"],
                            min_spikes=float(c["min_spikes"]), p_move=c["p_move"], t_retract=float("inf"),
                            capacity=float(c["capacity"]), keep=c["keep"])
    m = Model(dt=DT, max_rate=None)
    m.add(SpikeTimes("inputs", n_in, idx, times))
    m.add(Population("cells", int(c["n_cells"]), cell))
    m.add(Projection("syn", "inputs", "cells", AllToAll(), weight=c["weight"], branch="random", rules=[rule]))
    return m


def clustering_index(pre, post, branch, group_size: int) -> tuple[float, float]:
    """(same-group, different-group) fraction of synapse pairs on one cell that share a branch."""
    group = pre // group_size
    same_cell = post[:, None] == post[None, :]
    upper = np.triu(np.ones_like(same_cell), 1) & same_cell
    same_branch = branch[:, None] == branch[None, :]
    same_group = group[:, None] == group[None, :]
    f = lambda mask: float(same_branch[mask].mean())
    return f(upper & same_group), f(upper & ~same_group)


def one_seed(c, seed: int, shuffle: bool = False) -> dict:
    net = Network(model(c, seed, shuffle), seed=seed)
    n = int(c["snapshots"])
    times, index, other, assignments = [], [], [], []
    for k in range(n):
        if k:
            net.run(c["duration"] / (n - 1))
        pre, post = net.synapses("syn")
        br = net.branches("syn")
        same, diff = clustering_index(pre, post, br, int(c["group_size"]))
        times.append(net.t)
        index.append(same)
        other.append(diff)
        cell0 = post == 0
        order = np.argsort(pre[cell0])
        assignments.append(br[cell0][order])
    return dict(t=np.array(times), index=np.array(index), other=np.array(other),
                assignments=np.array(assignments))


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    c = dict(config)
    runs = [one_seed(c, seed + s) for s in range(int(c["seeds"]))]
    controls = [one_seed(c, seed + s, shuffle=True) for s in range(int(c["seeds"]))]
    k = int(c["branches"])
    metrics = dict(
        seeds=len(runs), ci_chance=1.0 / k,
        ci_initial=float(np.mean([r["index"][0] for r in runs])),
        ci_final=float(np.mean([r["index"][-1] for r in runs])),
        ci_final_min=float(np.min([r["index"][-1] for r in runs])),
        ci_other_group=float(np.mean([r["other"][-1] for r in runs])),
        ci_control=float(np.mean([r["index"][-1] for r in controls])),
        ci_final_over_chance=float(np.mean([r["index"][-1] for r in runs]) * k),
    )
    figures = {"assignments": _assignments(c, runs[0]), "index": _index(c, runs, controls)}
    recordings = {"clustering": dict(t=runs[0]["t"], index=np.array([r["index"] for r in runs]),
                                     control=np.array([r["index"] for r in controls]),
                                     assignments=runs[0]["assignments"])}
    return Result(config=c, metrics=metrics, figures=figures, recordings=recordings)


def _assignments(c, r) -> Figure:
    fig = Figure(figsize=(8, 4), layout="constrained")
    ax = fig.add_subplot()
    im = ax.imshow(r["assignments"].T, aspect="auto", interpolation="nearest", cmap="tab10",
                   extent=(r["t"][0] / 1e3, r["t"][-1] / 1e3, r["assignments"].shape[1] - 0.5, -0.5))
    for g in range(1, int(c["n_groups"])):
        ax.axhline(g * c["group_size"] - 0.5, color="k", lw=0.8)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("input (sorted by group; lines separate groups)")
    ax.set_title("Cell 0: the branch of each input's synapse over time")
    fig.colorbar(im, ax=ax, label="branch")
    return fig


def _index(c, runs, controls) -> Figure:
    fig = Figure(figsize=(6, 3.6), layout="constrained")
    ax = fig.add_subplot()
    t = runs[0]["t"] / 1e3
    for rs, color, label in ((runs, "C0", "correlated groups"), (controls, "C7", "control: no correlation")):
        x = np.array([r["index"] for r in rs])
        ax.plot(t, x.T, color=color, lw=0.5, alpha=0.5)
        ax.plot(t, x.mean(axis=0), color=color, lw=2, label=label)
    ax.axhline(1.0 / c["branches"], color="k", ls="--", lw=1, label="chance 1/K")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("clustering index")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    ax.set_title("Same-group synapse pairs on the same branch")
    return fig


EXPERIMENT = register(Experiment(
    name="synaptic-clustering",
    summary="correlated inputs gather on shared dendritic branches under BranchClustering",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, reduced=REDUCED,
    targets=(Target("ci_final", 3.0 / 8, 1.0, "clustering index >= 3 x chance (1/K, K = 8)", ("full",)),
             Target("ci_control", 0.0, 1.5 / 8, "no clustering without correlation (<= 1.5 x chance)", ("full",)),
             Target("ci_other_group", 0.0, 1.0 / 8, "different groups not above chance: not crowding", ("full",)),
             Target("seeds", 10, None, ">= 10 seeds", ("full",)),
             Target("ci_final", 2.0 / 8, 1.0, "clustering index >= 2 x chance (reduced)", ("reduced",)),
             Target("ci_control", 0.0, 1.5 / 8, "no clustering without correlation (reduced)", ("reduced",))),
    reference="Kastellakis, Silva & Poirazi (2016) Cell Rep 17:1491; Kleindienst et al. (2011) Neuron 72:1012",
))
