"""Checks of the arguments of :class:`~neuroplastic.engine.network.Network`'s methods.

Every public method of a network either does what it says or raises one
:class:`~neuroplastic.errors.ValidationError` whose owner is the method
(``"Network.set_weights"``), naming the argument and what is allowed; nothing
is changed before the arguments are checked. Names that are not found (a
population, projection, monitor or modulator) are ValidationErrors too, not
``KeyError``s.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..errors import ValidationError
from .limits import STEP_LIMIT

#: Seeds are stored in TOML configs (int64) and fed to numpy's SeedSequence (>= 0).
SEED_LIMIT = 1 << 63


def owner(method: str) -> str:
    return "Network" if method == "__init__" else f"Network.{method}"


def name(method: str, field: str, value, known, of: str = "the network") -> str:
    """``value`` if it is one of the names ``known`` (a dict or a sequence)."""
    known = list(known)
    if not isinstance(value, str) or value not in known:
        listed = ", ".join(repr(k) for k in known) or "none defined"
        raise ValidationError(owner(method), field, value, f"must name a {field} of {of} ({listed})")
    return value


def number(method: str, field: str, value, low: float | None = None, high: float | None = None,
           low_open: bool = False) -> float:
    """A real, finite number (not a bool, not a string) within [low, high]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValidationError(owner(method), field, value, "must be a real number")
    x = float(value)
    bounds = ("" if low is None else f" {'>' if low_open else '>='} {low:g}") + \
             ("" if high is None else f"{' and' if low is not None else ''} <= {high:g}")
    if not np.isfinite(x) or (low is not None and (x < low or (low_open and x == low))) \
            or (high is not None and x > high):
        raise ValidationError(owner(method), field, value, f"must be a finite number{bounds}")
    return x


def integer(method: str, field: str, value, low: int = 0, high: int | None = None, high_text: str = "") -> int:
    """A Python or numpy integer (not a bool, not a float) within [low, high)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValidationError(owner(method), field, value, "must be an integer")
    if value < low or (high is not None and value >= high):
        top = "" if high is None else f" and < {high_text or high}"
        raise ValidationError(owner(method), field, value, f"must be >= {low}{top}")
    return int(value)


def flag(method: str, field: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValidationError(owner(method), field, value, "must be True or False")
    return bool(value)


def rule_index(method: str, value, rules, where: str) -> int:
    """A position in a list of ``rules``."""
    if not rules:
        raise ValidationError(owner(method), "rule", value, f"must index a rule, but {where} has none")
    return integer(method, "rule", value, 0, len(rules))


def real_array(method: str, field: str, values) -> np.ndarray:
    """A float64 array from numbers (no strings, objects, complex or bools)."""
    arr = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if arr.dtype.kind not in "iuf" or arr.dtype == object:
        raise ValidationError(owner(method), field, _describe(arr), "must be real numbers")
    return arr.astype(np.float64)


def indices(method: str, field: str, values, n: int, what: str) -> np.ndarray:
    """Sorted unique int64 indices in 0..n-1 from integers (a list or an
    integer array; floats and booleans are refused rather than truncated)."""
    arr = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if arr.size == 0 and arr.dtype.kind in "fO":      # [] is float64 for numpy
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise ValidationError(owner(method), field, _describe(arr),
                              "must be integer indices (a boolean mask: pass np.flatnonzero(mask))")
    arr = arr.ravel()
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise ValidationError(owner(method), field, f"{arr.min()}..{arr.max()}",
                              f"must be indices of {what} (0..{n - 1})")
    return np.unique(arr.astype(np.int64))


def seed(value) -> int:
    """Seeds are integers in 0 .. 2^63 - 1: what a TOML config and numpy's
    SeedSequence both take, so the written config re-runs the same network."""
    return integer("__init__", "seed", value, 0, SEED_LIMIT, "2^63 (a TOML integer)")


def duration(value, step: int, dt: float) -> int:
    """The number of steps of ``run(duration)`` (ms, rounded to whole steps); the
    end must stay below ``STEP_LIMIT`` = 2^62 steps (the step counter is int64
    and sums of steps must stay exact)."""
    ratio = number("run", "duration", value, 0.0) / dt     # may be inf for durations near 1e308
    steps = int(round(ratio)) if ratio < STEP_LIMIT else STEP_LIMIT
    if step + steps >= STEP_LIMIT:
        room = (STEP_LIMIT - 1 - step) * dt
        raise ValidationError(owner("run"), "duration", value,
                              f"must be <= {room:.6g} ms: a network runs at most 2^62 - 1 steps "
                              f"({(STEP_LIMIT - 1) * dt:.6g} ms at dt = {dt:g} ms) and is at step {step}")
    return steps


def _describe(arr: np.ndarray) -> str:
    return f"array of dtype {arr.dtype}, shape {arr.shape}"
