"""The spiking contender of ``temporal-pattern``: one neuron with reduced
nearest-neighbour STDP (Masquelier, Guyonneau & Thorpe 2008), and its scoring.

The neuron is the paper's spike response model (``neuroplastic.SRM``:
kernel-shaped EPSPs, tau_m = 10 ms, tau_s = 2.5 ms, threshold T =
``threshold`` = 500 in the paper's units, the EPSPs of input spikes before an
output spike forgotten), the rule the paper's reduced nearest-neighbour STDP
(``neuroplastic.ReducedNearestSTDP``) with its parameters (a_plus = 2^-5,
a_minus = 0.85 a_plus, tau_plus = 16.8 ms, tau_minus = 33.7 ms), weights in
[0, 1] starting at ``w_init`` = 0.475, dt = 0.1 ms.

Scoring over the last ``assess_s`` seconds: a *hit* is a pattern slot with at
least one output spike in [onset, onset + pattern_ms); a *false alarm* is an
output spike outside every pattern slot. ``success``: hit rate > 0.98 and no
false alarm (the paper's criterion, without its latency condition; the mean
latency of the first spike after onset is reported).
"""
from __future__ import annotations

import numpy as np

from ._pattern_data import layout, stream

__all__ = ["run_neuron", "score", "find_time"]


def model(c: dict, index, times):
    """The neuron and its afferents, whose spikes (``index``, ``times`` ms) start the input."""
    from .. import SRM, AllToAll, Model, Population, Projection, ReducedNearestSTDP, SpikeMonitor, SpikeTimes

    m = Model(dt=0.1, max_rate=None)
    m.add(SpikeTimes("aff", int(c["n_aff"]), index, times))
    m.add(Population("cell", 1, SRM(threshold=float(c["threshold"]))))
    rule = ReducedNearestSTDP(a_plus=float(c["a_plus"]), a_minus=float(c["a_ratio"]) * float(c["a_plus"]),
                              tau_plus=float(c["tau_plus"]), tau_minus=float(c["tau_minus"]))
    m.add(Projection("aff_cell", "aff", "cell", AllToAll(), weight=float(c["w_init"]), rules=[rule],
                     w_min=0.0, w_max=1.0))
    m.add(SpikeMonitor("cell"))
    return m


def run_neuron(c: dict, seed: int, chunk_ms: float = 10_000.0, extra=()):
    """Build and run for ``duration_s``, the input drawn and fed ``chunk_ms`` at a
    time (never held whole); ``extra`` monitors are added to the model.
    Returns (net, layout, number of input spikes)."""
    from .. import Network

    duration = float(c["duration_s"]) * 1e3
    lay = layout(c, seed, duration)
    pieces = stream(c, seed, duration, chunk_ms, lay)
    index, times = next(pieces)
    m = model(c, index, times)
    for monitor in extra:
        m.add(monitor)
    net, n_in = Network(m, seed=seed), len(times)
    for k, (index, times) in enumerate(pieces, start=1):
        net.run(k * chunk_ms - net.t)
        net.add_spikes("aff", index, times)
        n_in += len(times)
    net.run(lay.end - net.t)
    return net, lay, n_in


def score(c: dict, out_times: np.ndarray, lay, t0: float, t1: float) -> dict:
    """Hit rate, false alarms, latency over [t0, t1) ms (see module doc)."""
    slot = lay.slot_ms
    onsets = lay.onsets[(lay.onsets >= t0) & (lay.onsets + slot <= t1)]
    spikes = out_times[(out_times >= t0) & (out_times < t1)]
    k = np.searchsorted(spikes, onsets)                     # first spike at or after each onset
    padded = np.append(spikes, np.inf)
    first = padded[k]
    hit = first < onsets + slot
    slot_of = (spikes // slot).astype(np.int64)
    in_pattern = lay.slot_is_pattern[np.minimum(slot_of, len(lay.slot_is_pattern) - 1)]
    false_alarms = int(np.count_nonzero(~in_pattern))
    hit_rate = float(hit.mean()) if len(onsets) else float("nan")
    return dict(hit_rate=hit_rate, false_alarms=false_alarms,
                false_alarm_rate=false_alarms / max((t1 - t0) * 1e-3 * 0.75, 1e-9),
                latency=float(np.mean(first[hit] - onsets[hit])) if hit.any() else float("nan"),
                success=float(hit_rate > 0.98 and false_alarms == 0), patterns=len(onsets))


def find_time(c: dict, out_times: np.ndarray, lay) -> float:
    """When the pattern was found (s): the time of the last false alarm (an output
    spike outside every pattern slot) before the assessed last ``assess_s`` seconds,
    0 if there was none; NaN if the run is not a success (as Hathway & Goodman 2018
    time it)."""
    t_end = float(c["duration_s"]) * 1e3
    t0 = t_end - float(c["assess_s"]) * 1e3
    if score(c, out_times, lay, t0, t_end)["success"] < 1:
        return float("nan")
    early = out_times[out_times < t0]
    slot_of = (early // lay.slot_ms).astype(np.int64)
    wrong = early[~lay.slot_is_pattern[np.minimum(slot_of, len(lay.slot_is_pattern) - 1)]]
    return float(wrong[-1]) * 1e-3 if wrong.size else 0.0
