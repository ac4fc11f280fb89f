"""Novelty: surprise of an input relative to a running expectation of it.

Acetylcholine and noradrenaline rise with unexpected input (Hasselmo 2006,
Curr Opin Neurobiol 16:710; Yu & Dayan 2005, Neuron 46:681). The detector keeps
an expectation of a population's spike-count vector over windows of ``window``
ms and reports how far the newest window is from it:

    c_k = spike counts in window k (one per neuron)
    novelty_k = 1 - cos(c_k, e_k)      (0 = as expected, 1 = orthogonal)
    e_{k+1} = e_k + alpha (c_k - e_k)

Cosine distance ignores the overall rate, so a louder familiar pattern is not
novel; an empty window or expectation counts as novelty 0 or 1 respectively
(nothing happened / nothing is expected yet).
"""
from __future__ import annotations

import numpy as np

from ..errors import ValidationError


class NoveltyDetector:
    """Novelty of a spiking population's activity, released as a modulator.

    Args:
        population: the (input) population whose spike counts are compared.
        alpha: learning rate of the expectation per window (0 < alpha <= 1).
        gain: amount released per unit of novelty.
        threshold: novelty below it releases nothing.
    """

    def __init__(self, population: str, alpha: float = 0.05, gain: float = 1.0, threshold: float = 0.0):
        if not 0 < alpha <= 1:
            raise ValidationError("NoveltyDetector", "alpha", alpha, "must be in (0, 1]")
        if not np.isfinite(gain) or not 0 <= threshold <= 1:
            raise ValidationError("NoveltyDetector", "gain/threshold", (gain, threshold),
                                  "gain must be finite and threshold in [0, 1]")
        self.population, self.alpha, self.gain, self.threshold = population, float(alpha), float(gain), float(threshold)
        self.expected = None
        self._last = None   # counts at the previous call (the counters are shared, never cleared here)

    def observe(self, counts) -> float:
        """Novelty of one window's spike counts; updates the expectation."""
        c = np.asarray(counts, dtype=float)
        if self.expected is None:
            self.expected = np.zeros_like(c)
        norm_c, norm_e = np.linalg.norm(c), np.linalg.norm(self.expected)
        if norm_c == 0:
            novelty = 0.0
        elif norm_e == 0:
            novelty = 1.0
        else:
            novelty = float(1.0 - c @ self.expected / (norm_c * norm_e))
        self.expected += self.alpha * (c - self.expected)
        return novelty

    def step(self, net, modulator: str) -> float:
        """Read the population's spike counts since the last call, release
        ``gain * novelty`` (if above ``threshold``) into ``modulator``; returns
        the novelty. Call it after each ``net.run(window)``."""
        total = net.spike_counts(self.population)
        if self._last is None or self._last.shape != total.shape or np.any(total < self._last):
            self._last = np.zeros_like(total)   # first call, or the counters were cleared / reset
        novelty = self.observe(total - self._last)
        self._last = total
        if novelty > self.threshold:
            net.release(modulator, self.gain * novelty)
        return novelty
