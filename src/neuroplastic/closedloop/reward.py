"""Reward-prediction error: the dopamine signal of reward-modulated STDP.

Dopamine neurons report reward minus expected reward (Schultz, Dayan &
Montague 1997, Science 275:1593). With a running expectation

    delta_k = r_k - rbar_k,        rbar_{k+1} = rbar_k + alpha (r_k - rbar_k)

(an exponential moving average over about 1/alpha trials), releasing
``scale * delta`` instead of ``r`` makes R-STDP learn only what is better or
worse than usual: once a task is solved the expected reward approaches the
reward and learning stops on its own (Fremaux, Sprekeler & Gerstner 2010,
J Neurosci 30:13326, who show that plain reward without this subtraction
biases R-STDP).
"""
from __future__ import annotations

import math

from ..errors import ValidationError


class RewardPredictionError:
    """Running reward expectation per context (e.g. per stimulus or task).

    Args:
        alpha: learning rate of the expectation (0 < alpha <= 1; 1/alpha trials
            is its memory).
        initial: expectation before the first reward.
        scale: amount released per unit of prediction error.

    ``deliver(net, reward, modulator, context)`` releases
    ``scale * (reward - expectation[context])`` into ``modulator`` and updates
    the expectation; it returns the prediction error.
    """

    def __init__(self, alpha: float = 0.1, initial: float = 0.0, scale: float = 1.0):
        for name, value, ok in (("alpha", alpha, 0 < alpha <= 1), ("initial", initial, math.isfinite(initial)),
                                ("scale", scale, math.isfinite(scale))):
            if isinstance(value, bool) or not ok:
                raise ValidationError("RewardPredictionError", name, value,
                                      "must be in (0, 1]" if name == "alpha" else "must be a finite number")
        self.alpha, self.initial, self.scale = float(alpha), float(initial), float(scale)
        self.expected: dict = {}

    def error(self, reward: float, context=None) -> float:
        """Prediction error of ``reward`` in ``context``; updates the expectation."""
        if not math.isfinite(reward):
            raise ValidationError("RewardPredictionError", "reward", reward, "must be a finite number")
        rbar = self.expected.get(context, self.initial)
        delta = float(reward) - rbar
        self.expected[context] = rbar + self.alpha * delta
        return delta

    def deliver(self, net, reward: float, modulator: str = "dopamine", context=None) -> float:
        """Release ``scale * error(reward, context)`` into ``modulator`` now."""
        delta = self.error(reward, context)
        net.release(modulator, self.scale * delta)
        return delta
