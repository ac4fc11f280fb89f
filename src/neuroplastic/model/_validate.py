"""Declarative field checks shared by every model object.

Every model object is a frozen dataclass whose ``__post_init__`` calls these once.
Each check raises :class:`~neuroplastic.errors.ValidationError` naming the owner,
field, value and allowed range.
"""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from ..errors import ValidationError


def _as_array(owner: str, field: str, value) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValidationError(owner, field, value, "must be a number or an array of numbers") from None
    if arr.ndim > 1:
        raise ValidationError(owner, field, value, "must be a scalar or a 1-D array")
    return arr


def number(owner: str, field: str, value, *, gt=None, ge=None, lt=None, le=None,
           unit: str = "", finite: bool = True) -> None:
    """Check a scalar or per-neuron array against optional bounds."""
    if isinstance(value, bool):
        raise ValidationError(owner, field, value, "must be a number, not a boolean")
    arr = _as_array(owner, field, value)
    u = f" {unit}" if unit else ""
    if finite and not np.all(np.isfinite(arr)):
        raise ValidationError(owner, field, value, "must be finite")
    for bound, op, text in ((gt, np.greater, ">"), (ge, np.greater_equal, ">="),
                            (lt, np.less, "<"), (le, np.less_equal, "<=")):
        if bound is not None and not np.all(op(arr, bound)):
            raise ValidationError(owner, field, _show(value), f"must be {text} {bound:g}{u}")


def integer(owner: str, field: str, value, *, ge=None, le=None) -> None:
    """Check an integer (not bool, not float) against optional bounds."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValidationError(owner, field, value, "must be an integer")
    if ge is not None and value < ge:
        raise ValidationError(owner, field, value, f"must be >= {ge}")
    if le is not None and value > le:
        raise ValidationError(owner, field, value, f"must be <= {le}")


def choice(owner: str, field: str, value, allowed: Iterable[str]) -> None:
    """Check that a string is one of ``allowed``."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValidationError(owner, field, value, f"must be one of {', '.join(map(repr, allowed))}")


def name(owner: str, field: str, value) -> None:
    """Check an identifier-like name (letters, digits, '_' and '-')."""
    if not isinstance(value, str) or not value or not all(c.isalnum() or c in "_-" for c in value):
        raise ValidationError(owner, field, value,
                              "must be a non-empty string of letters, digits, '_' or '-'")


def per_neuron(owner: str, field: str, value, n: int) -> None:
    """Check that an array parameter has one entry per neuron."""
    arr = np.asarray(value)
    if arr.ndim == 1 and arr.shape[0] != n:
        raise ValidationError(owner, field, f"array of length {arr.shape[0]}",
                              f"must be a scalar or have one value per neuron ({n})")


def _show(value):
    arr = np.asarray(value)
    if arr.ndim == 0:
        v = float(arr)
        return int(v) if math.isfinite(v) and v == int(v) else v
    return f"array(min={arr.min():g}, max={arr.max():g})"


def suggestion(value, allowed: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the allowed name closest to ``value``, else ``""``."""
    import difflib

    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, [str(a) for a in allowed], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
