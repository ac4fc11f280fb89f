"""One TOML value read against its field's declaration.

The declaration (model/spec.py) decides: scalar declarations (``Integer``,
``Flag``, ``Choice``, ``Name``) are checked here, with the config path in the
message; numbers are passed on to the class, whose declared check converts
units and checks bounds once, vectorised. A list of plain numbers becomes one
float64 array in a single numpy conversion (a checkpoint's millions of values
are never looked at one by one in Python); a list mixing numbers and quantity
strings, or holding anything else, is passed on as it is, and the class's
check goes item by item, naming a bad item by its index.
"""
from __future__ import annotations

import itertools
import numbers

import numpy as np

from ..errors import ValidationError
from ..model._validate import suggestion
from ..model.spec import Choice, Flag, Indices, Integer, Matrix, Name, Names, Number, Spec, Table, Value
from .context import Context, join
from .limits import within_limit
from .schema import toml_type


def read(ctx: Context, path: str, spec: Spec | None, value, limit=None):
    """The value of one key as its class's constructor takes it (see module doc);
    ``limit``: an upper bound a config may ask for (limits.py). Values of
    declarations not handled here (a part, a list of rules) are passed on."""
    if isinstance(spec, (Integer, Flag, Choice, Name)):
        out = scalar(ctx, path, spec, value)
    elif isinstance(spec, Names):
        out = names(ctx, path, spec, value)
    elif isinstance(spec, Indices):
        out = indices(ctx, path, spec, value)
    elif isinstance(spec, Matrix):
        out = matrix(ctx, path, value)
    elif isinstance(spec, Number):
        out = number(ctx, path, spec, value)
    elif isinstance(spec, Table):
        out = {key: read(ctx, join(path, key), spec.of, x) for key, x in ctx.table(path, value).items()}
    else:
        out = value
    if limit is not None and out is not None:
        within_limit(ctx, path, out, limit)
    return out


#: The Python type a TOML value of these declarations has (integers are checked by the spec).
_SCALAR_TYPES = ((Flag, (bool, np.bool_)), (Choice, str), (Name, str))


def scalar(ctx: Context, path: str, spec: Spec, value):
    """An integer, boolean, mode or name, checked by its declaration."""
    if value is None and spec.optional:
        return None
    python_type = next((t for cls, t in _SCALAR_TYPES if isinstance(spec, cls)), object)
    if not isinstance(value, python_type):
        options = f", one of {', '.join(map(repr, spec.options))}" if isinstance(spec, Choice) else ""
        raise ctx.fail(path, value, f"must be a {toml_type(spec)}{options}")
    try:
        return spec.check(ctx.source, path, value)
    except ValidationError as e:
        hint = suggestion(value, spec.options) if isinstance(spec, Choice) else ""
        raise ctx.fail(path, e.value, e.allowed + hint) from None


def names(ctx: Context, path: str, spec: Names, value) -> list:
    if not isinstance(value, (list, tuple)):
        raise ctx.fail(path, value, f"must be a {toml_type(spec)}")
    for k, x in enumerate(value):
        ctx.string(join(path, k), x)
    return list(value)


def number(ctx: Context, path: str, spec: Number, value):
    """A number, quantity or list of them (a distribution table where the field
    takes one), for the class's declared check to convert and bound."""
    if isinstance(value, dict) and isinstance(spec, Value):
        from .parts import distribution

        return distribution(ctx, path, value, spec)
    if isinstance(spec, Value) and not isinstance(value, (list, tuple, np.ndarray, str)) and not _is_real(value):
        from .kinds import DISTRIBUTIONS

        raise ctx.fail(path, value, "must be a number, a list of numbers, a quantity ('1 ms') or a distribution "
                                    f"table {{dist = {' | '.join(map(repr, DISTRIBUTIONS))}, ...}}")
    if isinstance(value, (list, tuple)):
        return numeric_array(value)
    return value


def numeric_array(value: list | tuple):
    """A list of plain numbers as one float64 array; any other list as it is
    (quantities, a bad item: the class's check names it by its index)."""
    if _plain_numbers(value):
        try:
            return np.asarray(value, dtype=np.float64)
        except OverflowError:   # an integer beyond the float range: named by the class
            pass
    return value


def _plain_numbers(value) -> bool:
    """Whether every item is a real number (not a bool), judged by the set of item types."""
    return all(issubclass(t, numbers.Real) and not issubclass(t, (bool, np.bool_)) for t in set(map(type, value)))


def _is_real(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def indices(ctx: Context, path: str, spec: Indices, value):
    """A list of non-negative integers as an int64 array; a bad item is named."""
    if value is None:
        return None
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu" and value.ndim == 1:
        arr = value
    elif isinstance(value, (list, tuple)):
        arr = _integer_array(ctx, path, value)
    else:
        raise ctx.fail(path, value, f"must be a {toml_type(spec)}")
    if arr.size and arr.min() < 0:
        k = int(np.flatnonzero(arr < 0)[0])
        raise ctx.fail(join(path, k), int(arr[k]), "must be >= 0")
    return arr.astype(np.int64)


def _integer_array(ctx: Context, path: str, value) -> np.ndarray:
    if all(issubclass(t, (int, np.integer)) and not issubclass(t, (bool, np.bool_)) for t in set(map(type, value))):
        try:
            return np.asarray(value, dtype=np.int64).reshape(-1)
        except OverflowError:
            pass
    for k, x in enumerate(value):
        if not isinstance(x, (int, np.integer)) or isinstance(x, (bool, np.bool_)):
            raise ctx.fail(join(path, k), x, "must be an integer")
        if x < 0 or x >= 2**63:
            raise ctx.fail(join(path, k), x, "must be >= 0" if x < 0 else f"must be <= {2**63 - 1}")
    raise AssertionError("unreachable")  # pragma: no cover


def matrix(ctx: Context, path: str, value) -> np.ndarray:
    """A non-empty list of rows of numbers, all of one length, as a 2-D array
    (one numpy conversion; row by row only to name what is wrong)."""
    if isinstance(value, np.ndarray) and value.ndim == 2 and value.dtype.kind in "iuf":
        return value
    if not isinstance(value, (list, tuple)) or not value:
        raise ctx.fail(path, value, "must be a non-empty list of rows (lists of numbers)")
    arr = _at_once(value)
    if arr is not None:
        return arr
    rows = [_row(ctx, join(path, k), row) for k, row in enumerate(value)]
    widths = {len(row) for row in rows}
    if len(widths) != 1:
        raise ctx.fail(path, f"rows of lengths {sorted(widths)}", "must all have the same length")
    return np.vstack(rows)


def _at_once(rows: list | tuple) -> np.ndarray | None:
    """Rows that are all lists of plain numbers, or all numeric arrays (a
    checkpoint's), of one length as a 2-D array; None for anything else."""
    row_types = set(map(type, rows))
    if row_types == {np.ndarray}:
        convert = np.asarray
    elif row_types <= {list, tuple} and _plain_numbers(itertools.chain.from_iterable(rows)):
        def convert(x):
            return np.asarray(x, dtype=np.float64)
    else:
        return None
    try:
        arr = convert(rows)
    except (ValueError, OverflowError):   # ragged, or an integer beyond the float range
        return None
    return arr if arr.ndim == 2 and arr.dtype.kind in "iuf" else None


def _row(ctx: Context, path: str, row) -> np.ndarray:
    if isinstance(row, np.ndarray) and row.ndim == 1 and row.dtype.kind in "iuf":
        return row
    if not isinstance(row, (list, tuple)):
        raise ctx.fail(path, row, "must be a list of numbers")
    arr = numeric_array(row)
    if isinstance(arr, np.ndarray):
        return arr
    for k, x in enumerate(row):
        if not _is_real(x):
            raise ctx.fail(join(path, k), x, "must be a number")
    raise ctx.fail(path, "an integer beyond the float range", "must hold numbers within the float range")
