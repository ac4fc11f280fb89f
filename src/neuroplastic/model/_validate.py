"""Helpers shared by the field checks: message values, warnings, and the
function forms of the checks (kept for rules and modules that check one value).

The declarations themselves live in :mod:`neuroplastic.model.spec`.
"""
from __future__ import annotations

import math
import os
import sys
import warnings
from typing import Iterable

import numpy as np

from ..errors import ModelWarning

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def number(owner: str, field: str, value, **bounds) -> float | np.ndarray:
    """Check (and return normalised) a scalar or per-neuron array: ``Number(**bounds)``."""
    from .spec import Number

    return Number(**{"array": True, **bounds}).check(owner, field, value)


def choice(owner: str, field: str, value, allowed) -> str:
    from .spec import Choice

    return Choice(options=tuple(allowed)).check(owner, field, value)


def warn(owner: str, field: str, value, problem: str) -> None:
    """Emit a :class:`~neuroplastic.errors.ModelWarning` attributed to the user's
    line (the first caller outside the package)."""
    warnings.warn(ModelWarning(owner, field, value, problem), stacklevel=_user_stacklevel())


def _user_stacklevel() -> int:
    """The stack level of the first caller outside the package (and outside
    generated dataclass code); the outermost frame when all are inside (the CLI)."""
    frame, level = sys._getframe(2), 2
    while frame.f_back is not None and (frame.f_code.co_filename.startswith(_PACKAGE)
                                        or frame.f_code.co_filename.startswith("<")):
        frame, level = frame.f_back, level + 1
    return level


def show(value):
    """A value for a message: numbers as given, arrays summarised."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (str, bytes)):
        return value[:80]
    if isinstance(value, int) and value.bit_length() > 64:
        return f"an integer of {int(value.bit_length() * 0.30103) + 1} digits"
    if isinstance(value, (list, tuple)) and len(value) > 8:
        return f"list of length {len(value)}"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return show(value[()])
        if value.dtype.kind in "iuf" and value.size:
            return f"array(min={value.min():g}, max={value.max():g})"
        return f"array of shape {value.shape} ({value.dtype})"
    if isinstance(value, float) and math.isfinite(value) and value == int(value) and abs(value) < 2**53:
        return int(value)
    return value


def suggestion(value, allowed: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the allowed name closest to ``value``, else ``""``."""
    import difflib

    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, [str(a) for a in allowed], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
