"""Named distributions for weights, delays and initial values.

A distribution is a validated description; ``sample(rng, n)`` draws from a
``numpy.random.Generator`` passed in explicitly (no global random state).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .spec import Number, check
from ..errors import ValidationError

# A distribution's parameters are plain numbers in the unit of the field it
# fills (a weight, a delay, an initial value), so quantities are refused.
REAL = Number(None)
SCALE = Number(None, gt=0)


@dataclass(frozen=True)
class Distribution:
    """Base class: a named distribution of values (parameters: plain numbers in
    the unit of the field the distribution fills)."""

    constraints = {}

    def __post_init__(self):
        check(self, type(self).__name__)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        raise NotImplementedError


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on [low, high)."""

    low: float = 0.0
    high: float = 1.0

    constraints = {"low": REAL, "high": REAL}

    def __post_init__(self):
        super().__post_init__()
        if self.high < self.low:
            raise ValidationError("Uniform", "high", self.high, f"must be >= {self.low:g}")
        object.__setattr__(self, "low", self.low + 0.0)   # + 0.0 turns -0.0 into 0.0
        object.__setattr__(self, "high", self.high + 0.0)
        if not np.isfinite(self.high - self.low):
            raise ValidationError("Uniform", "high", self.high, f"minus low ({self.low:g}) must be finite")

    def sample(self, rng, n):
        return rng.uniform(self.low, self.high, n)


@dataclass(frozen=True)
class Normal(Distribution):
    """Gaussian with mean and standard deviation std (std >= 0)."""

    mean: float = 0.0
    std: float = 1.0

    constraints = {"mean": REAL, "std": Number(None, ge=0)}

    def sample(self, rng, n):
        return rng.normal(self.mean, self.std, n)


@dataclass(frozen=True)
class LogNormal(Distribution):
    """exp(N(mu, sigma)): mu and sigma are those of the underlying Gaussian."""

    mu: float = 0.0
    sigma: float = 1.0

    constraints = {"mu": Number(), "sigma": Number(ge=0)}

    def sample(self, rng, n):
        return rng.lognormal(self.mu, self.sigma, n)


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential with mean ``scale`` (> 0)."""

    scale: float = 1.0

    constraints = {"scale": SCALE}

    def sample(self, rng, n):
        return rng.exponential(self.scale, n)


@dataclass(frozen=True)
class Gamma(Distribution):
    """Gamma with shape k (> 0) and scale theta (> 0); mean k*theta."""

    shape: float = 1.0
    scale: float = 1.0

    constraints = {"shape": Number(gt=0), "scale": SCALE}

    def sample(self, rng, n):
        return rng.gamma(self.shape, self.scale, n)


DISTRIBUTIONS = {c.__name__.lower(): c for c in (Uniform, Normal, LogNormal, Exponential, Gamma)}


def draw(value, rng: np.random.Generator, n: int) -> np.ndarray:
    """Values for ``n`` items from a scalar, an array of length n, or a Distribution."""
    if isinstance(value, Distribution):
        return value.sample(rng, n).astype(float)
    arr = np.asarray(value, dtype=float)
    return np.full(n, float(arr)) if arr.ndim == 0 else arr.copy()
