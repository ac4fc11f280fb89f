"""The protocol of ``lifetime`` run from Python, with a bounded timeline recording.

The network runs in chunks of at most ``record_ms``; after each chunk one row of the
timeline is kept (:class:`Timeline`): the E and I population rates over the chunk, the
mean E->E and I->E weights, the number of E->E synapses, the mean threshold offset of
the E neurons and the dopamine level (phase spans and the lesion are kept apart).
Nothing grows with the number of spikes or synapses: rows come every ``record_ms`` (10 s)
and at every stimulus on- and offset, about 6,300 rows of 8 numbers (400 kB) for the 6 h
protocol. The E rate leaves out the neurons the
stimulus drives at that moment (their rate is the stimulus's, not the network's).
Recall probes (``_lifetime_network.recall``) run on a stored copy of the state and are
restored away, so they change nothing the timeline sees.

Units: ms, Hz, nS, mV.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import _lifetime_network as ln

COLUMNS = ("t", "rate_exc", "rate_inh", "w_ee", "n_ee", "w_ie", "theta", "dopamine")


@dataclass
class Timeline:
    """Rows of :data:`COLUMNS` (one per chunk), phase spans and events, wall time by part."""

    rows: list = field(default_factory=list)
    phases: list = field(default_factory=list)          # (t0, t1, name)
    events: list = field(default_factory=list)          # (t, label)
    probes: list = field(default_factory=list)          # (t, recall per pattern)
    rewards: list = field(default_factory=list)         # times of dopamine releases (ms)
    wall: dict = field(default_factory=dict)            # part -> seconds

    def array(self) -> dict:
        a = np.asarray(self.rows, dtype=float).reshape(-1, len(COLUMNS))
        return {name: a[:, k] for k, name in enumerate(COLUMNS)}

    def clock(self, part: str, seconds: float) -> None:
        self.wall[part] = self.wall.get(part, 0.0) + seconds


def advance(net, c: dict, duration: float, tl: Timeline, shown=None) -> None:
    """Run ``duration`` ms in chunks of at most ``record_ms``, one timeline row per chunk;
    ``shown``: the E neurons driven by the stimulus now (left out of the E rate)."""
    end = net.t + duration
    while net.t < end - 1e-9:
        step = min(float(c["record_ms"]), end - net.t)
        t0 = time.perf_counter()
        net.run(step)
        t1 = time.perf_counter()
        tl.clock("simulation", t1 - t0)
        _record(net, step, tl, shown)
        tl.clock("recording", time.perf_counter() - t1)


def _record(net, step: float, tl: Timeline, shown) -> None:
    alive = net.alive("exc")
    free = alive.copy()
    if shown is not None:
        free[shown] = False
    e = net.spike_counts("exc", clear=True)[free].sum() / max(free.sum(), 1) / (step * 1e-3)
    i = net.spike_counts("inh", clear=True).mean() / (step * 1e-3)
    w = net.weights("ee")
    theta = net.state("exc", "theta")[alive]
    tl.rows.append((net.t, e, i, w.mean() if w.size else 0.0, w.size, net.weights("ie").mean(),
                    theta.mean(), net.modulator("dopamine")))


def phase(net, c: dict, name: str, duration: float, tl: Timeline, shown=(), rewarded=-1, rng=None,
          gap: str | None = None) -> None:
    """Enter phase ``name`` and run it for ``duration`` ms. With patterns ``shown``
    (arrays of E neurons), presentations fill the phase: each pattern in a random order
    for ``t_on`` ms (stimulus at ``stim_rate``), then ``t_off`` ms without; after each
    presentation of pattern ``rewarded`` (an index into ``shown``), ``da_release`` of
    dopamine is released. The time between presentations runs in phase ``gap`` (default:
    wake-gap in wake when ``gap_stdp`` != 1, else ``name`` itself)."""
    t_start = net.t
    net.set_phase(name)
    n_e, end = int(c["n_exc"]), net.t + duration
    off = np.zeros(n_e)
    if gap is None:
        gap = f"{name}-gap" if shown and name == "wake" and ln.gated(c) else name
    while shown and net.t + c["t_on"] + c["t_off"] <= end + 1e-9:
        for k in rng.permutation(len(shown)):
            if net.t + c["t_on"] + c["t_off"] > end + 1e-9:
                break
            if gap != name and net.phase != name:
                net.set_phase(name)
            rates = off.copy()
            rates[shown[k]] = c["stim_rate"]
            net.set_rates("stimulus", rates)
            count_in_inhibitory_rate(net, c, shown[k], False)
            advance(net, c, c["t_on"], tl, shown[k])
            count_in_inhibitory_rate(net, c, shown[k], True)
            net.set_rates("stimulus", off)
            if k == rewarded:
                net.release("dopamine", c["da_release"])
                tl.rewards.append(net.t)
            if gap != name:
                net.set_phase(gap)
            advance(net, c, c["t_off"], tl)
    advance(net, c, end - net.t, tl)
    tl.phases.append((t_start, net.t, name))


def count_in_inhibitory_rate(net, c: dict, neurons, counted: bool) -> None:
    """With ``istdp_counts_stimulus`` false, leave the stimulated ``neurons`` out of the
    population rate of the inhibitory rule while the stimulus drives them."""
    if c["inhibitory"] and not c["istdp_counts_stimulus"]:
        net.rule_state("ie", 0).post.counted[neurons] = 1.0 if counted else 0.0


def probe(net, c: dict, pats: ln.Patterns, tl: Timeline) -> np.ndarray:
    """Recall of every pattern now (changes nothing), kept in the timeline."""
    t0 = time.perf_counter()
    r = ln.recall(net, c, pats)
    tl.clock("recall probes", time.perf_counter() - t0)
    tl.probes.append((net.t, r))
    return r


def mean_rate(tl: Timeline, t0: float, t1: float) -> float:
    """Mean E rate (Hz) over the timeline rows ending in (t0, t1]."""
    a = tl.array()
    sel = (a["t"] > t0 + 1e-9) & (a["t"] <= t1 + 1e-9)
    return float(a["rate_exc"][sel].mean()) if sel.any() else float("nan")


def band(tl: Timeline, bin_ms: float, skip_ms: float) -> tuple[float, float]:
    """Lowest and highest E rate (Hz) over consecutive ``bin_ms`` windows of the
    timeline, after the first ``skip_ms`` (rows averaged into windows by their end time)."""
    a = tl.array()
    keep = a["t"] > skip_ms + 1e-9
    t, r = a["t"][keep], a["rate_exc"][keep]
    if not t.size:
        return float("nan"), float("nan")
    k = np.floor((t - skip_ms - 1e-9) / bin_ms).astype(np.int64)
    sums, counts = np.bincount(k, weights=r), np.bincount(k)
    means = sums[counts > 0] / counts[counts > 0]
    return float(means.min()), float(means.max())
