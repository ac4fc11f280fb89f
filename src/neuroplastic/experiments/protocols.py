"""Present a stimulus, rest, count spikes: the trial protocol of tasks that show inputs one at a time.

One trial (Python runs once per trial, never per time step)::

    for input, rates in stimulus.items():   net.set_rates(input, rates)     (in this order)
    discard the counted populations' spikes so far
    net.run(duration)                                                        stimulus, ms
    counts = spikes of each counted population during the stimulus
    after(counts)                                                            e.g. deliver a reward
    for input, rates in rest_rates.items(): net.set_rates(input, rates)
    net.run(rest)                                                            rest, ms
    discard the spikes of the rest

The order of ``set_rates`` calls is part of the protocol: each call draws the
input's next spike times from the network's generator, so the same order gives
the same spikes. :func:`present_each` runs a sequence of trials and stacks the
counts (populations that grow during the sequence, by neurogenesis, are padded
with zeros on the right).

Used by the experiments ``neurogenesis``, ``rewiring-budget``,
``reward-discrimination`` and ``attention-gating`` and by the comparison tasks
(``neuroplastic compare``).
"""
from __future__ import annotations

from typing import Callable, Iterable, Mapping

import numpy as np

__all__ = ["present", "present_each"]


def present(net, stimulus: Mapping, duration: float, count, rest: float = 0.0,
            rest_rates: Mapping | None = None, after: Callable | None = None):
    """One trial: ``stimulus`` rates for ``duration`` ms, then ``rest_rates`` for ``rest`` ms.

    Args:
        net: a :class:`~neuroplastic.Network`.
        stimulus: input name -> rates (Hz; a scalar or one per neuron), set in
            this order at the start of the trial.
        duration: stimulus duration (ms).
        count: a population name, or a sequence of names, whose spikes during
            the stimulus are counted.
        rest: duration of the rest after the stimulus (ms; 0: none).
        rest_rates: input name -> rates during the rest (default: no change).
        after: ``after(counts)`` is called at the end of the stimulus, before
            the rest (a reward, a weight snapshot).

    Returns:
        The spike counts (int64, one per neuron) during the stimulus: an array
        when ``count`` is one name, else a dict name -> array.
    """
    names = (count,) if isinstance(count, str) else tuple(count)
    for name, rates in stimulus.items():
        net.set_rates(name, rates)
    for name in names:
        net.spike_counts(name, clear=True)
    net.run(duration)
    counts = {name: net.spike_counts(name, clear=True) for name in names}
    out = counts[names[0]] if isinstance(count, str) else counts
    if after is not None:
        after(out)
    for name, rates in (rest_rates or {}).items():
        net.set_rates(name, rates)
    if rest > 0:
        net.run(rest)
    for name in names:
        net.spike_counts(name, clear=True)
    return out


def present_each(net, stimuli: Iterable[Mapping], duration: float, count: str, rest: float = 0.0,
                 rest_rates: Mapping | None = None, each: Callable | None = None) -> np.ndarray:
    """Trials with each stimulus of ``stimuli`` in turn (see :func:`present`);
    returns the counts of population ``count``, one row per trial (n_trials x
    n_neurons, padded with zeros where the population grew). ``each(k, counts)``
    is called after trial k (after its rest)."""
    rows = []
    for k, stimulus in enumerate(stimuli):
        rows.append(present(net, stimulus, duration, count, rest, rest_rates))
        if each is not None:
            each(k, rows[-1])
    if not rows:
        return np.zeros((0, net.size(count)), np.int64)
    width = max(len(r) for r in rows)
    return np.array([np.pad(r, (0, width - len(r))) for r in rows], dtype=np.int64)
