"""Quantities with units at the edge: ``"10 ms"``, ``"0.2 nS"``, ``"15 Hz"`` or pint Quantities.

neuroplastic computes in one convention -- ms, mV, nS, pF, pA, Hz -- and a plain
number always means the unit its field documents. Where a value carries its own
unit (a string such as ``"10 ms"`` in Python or in a TOML config, or a
``pint.Quantity``), pint reads it and converts it to the field's unit, once,
when the model object is built: ``LIF(tau_m="0.02 s")`` stores ``tau_m = 20.0``.

A string is a number followed by a unit that pint knows (``"10 ms"``,
``"1.5e-2 s"``, ``"50 %"``, ``"10 uS"``); a string without a unit (``"10"``) is
refused, so that a number read as text is not taken silently. A quantity of the
wrong dimension (``"10 mV"`` for a time constant) is a
:class:`~neuroplastic.errors.ValidationError` that names the field, the unit it
needs and the unit it got.

pint is imported, and its one shared ``UnitRegistry`` created, the first time a
quantity is met (about 0.8 s); models made of plain numbers never load it.
Quantities from another registry are accepted (they are re-read in this one).
"""
from __future__ import annotations

import re
import sys

import numpy as np

from ..errors import ValidationError

#: The internal units, by dimension (what every quantity is converted to).
INTERNAL_UNITS = ("ms", "mV", "nS", "pF", "pA", "Hz")

_REGISTRY = None
_NUMBER = re.compile(r"\s*([+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity|nan))\s*(.*?)\s*$",
                     re.IGNORECASE)
_MAX_TEXT = 64


def registry():
    """The shared pint ``UnitRegistry`` (imported and created on first use)."""
    global _REGISTRY
    if _REGISTRY is None:
        import pint

        _REGISTRY = pint.UnitRegistry()
    return _REGISTRY


def is_quantity(value) -> bool:
    """Whether ``value`` carries a unit: a string or a pint Quantity.

    A pint Quantity can only exist once pint is imported, so pint is not
    imported to answer this."""
    if isinstance(value, str):
        return True
    pint = sys.modules.get("pint")
    return pint is not None and isinstance(value, pint.Quantity)


def convert(owner: str, field: str, value, unit: str | None):
    """The magnitude of a quantity ``value`` (string or pint Quantity) in ``unit``.

    Returns a number or a numpy array (the magnitude as given, converted);
    ``unit=None`` means the field's unit is not fixed (weights, whose unit is the
    postsynaptic channel's), so only plain numbers are accepted there.
    """
    if unit is None:
        raise ValidationError(owner, field, _show(value),
                              "takes a plain number: its unit depends on what it is used for")
    quantity = parse(owner, field, value)
    try:
        target = registry().parse_units(unit)
    except Exception:   # a unit pint does not know (e.g. "elements/ms"): plain numbers only
        raise ValidationError(owner, field, _show(value), f"takes a plain number (in {unit})") from None
    if not quantity.is_compatible_with(target):
        expected = "a plain number (dimensionless)" if target.dimensionless else \
            f"in {unit} ({target.dimensionality})"
        raise ValidationError(owner, field, _show(value), f"must be {expected}, not in {quantity.units:~}")
    try:
        magnitude = quantity.m_as(target)
    except Exception:   # a magnitude pint cannot scale (e.g. a Decimal)
        raise ValidationError(owner, field, _show(value), f"must be a number in {unit}") from None
    return _drop_scale_noise(magnitude)


def _drop_scale_noise(magnitude):
    """Round float results to 15 significant digits: a unit's scale factor leaves
    binary noise ("0.2 nF" -> 200.00000000000003 pF) that would otherwise be
    written to configs; the change is below 1e-15 relative."""
    if isinstance(magnitude, float):
        return float(f"{magnitude:.15g}")
    if isinstance(magnitude, np.ndarray) and magnitude.dtype.kind == "f":
        return np.array([float(f"{x:.15g}") for x in magnitude.ravel()]).reshape(magnitude.shape)
    return magnitude


#: Units a projection's weights may be given in: the postsynaptic channel's.
CHANNEL_UNITS = ("pA", "nS", "mV/ms")


def channel_unit(owner: str, field: str, value) -> str | None:
    """For a weight: the channel unit (pA, nS or mV/ms) a quantity ``value`` has,
    or None for a plain value."""
    if not is_quantity(value):
        return None
    quantity = parse(owner, field, value)
    for unit in CHANNEL_UNITS:
        if quantity.is_compatible_with(unit):
            return unit
    raise ValidationError(owner, field, _show(value),
                          "must be a plain number or a quantity of current (pA), conductance (nS) or, "
                          f"onto Izhikevich neurons, mV/ms; got {quantity.units:~}")


def parse(owner: str, field: str, value):
    """A quantity of the shared registry from a string or any pint Quantity."""
    ureg = registry()
    if not isinstance(value, str):   # a pint Quantity, possibly of another registry
        try:
            return ureg.Quantity(value.magnitude, str(value.units))
        except Exception:
            raise ValidationError(owner, field, _show(value), "must be a quantity pint can read") from None
    match = _NUMBER.fullmatch(value) if len(value) <= _MAX_TEXT else None
    if match is None:
        raise ValidationError(owner, field, value, "must be a number, or a number and a unit such as '10 ms'")
    number, unit = match.groups()
    if not unit:
        raise ValidationError(owner, field, value,
                              "must be a number, not text; a string must give a unit, e.g. '10 ms'")
    if unit.count("**") + unit.count("^") > 1:
        raise ValidationError(owner, field, value, "must have a simple unit (at most one power)")
    try:
        parsed = ureg.parse_units(unit)
    except Exception:   # pint raises several types (undefined unit, syntax, ...)
        raise ValidationError(owner, field, value, f"must have a unit pint knows, got {unit!r}") from None
    return ureg.Quantity(float(number), parsed)


def _show(value):
    """A short form of a quantity for messages."""
    if isinstance(value, str):
        return value
    magnitude = np.asarray(value.magnitude)
    if magnitude.ndim:
        return f"array of {magnitude.size} values in {value.units:~}"
    return f"{magnitude.item()} {value.units:~}"
