"""A model description as stored in a checkpoint: config TOML plus arrays.

The description is the model's config (:func:`neuroplastic.config.model_to_dict`,
the same TOML a run directory's ``config.toml`` holds; user rules by import
path ``"module:ClassName"``), with every numeric list longer than
:data:`INLINE_MAX` (spike times, per-neuron parameters, per-synapse weights,
input values) moved out of the text into an array and replaced by a table
``{ npy = "model/<k>" }``: a model with millions of input values stays a short
text, and its numbers are stored exactly, as binary.

:func:`describe` checks that the description reads back to the same model
(same config, same numbers) so that a checkpoint never fails at load time for
a model that cannot be expressed (a user rule defined in ``__main__``, a rule
field that is not a number or a string).
"""
from __future__ import annotations

import tomllib

import numpy as np

from .atomic import _to_toml_value
from ..errors import ValidationError

INLINE_MAX = 64   # numeric lists up to this length stay in the text
REF = "npy"       # key of the table that stands for an array


def describe(model, seed: int) -> tuple[str, dict]:
    """``(toml_text, arrays)`` describing ``model`` and the seed (a checkpoint's
    model has no duration: ``[simulation]`` holds seed, dt and max_rate);
    raises ValidationError when it would not read back to the same model."""
    text, arrays = _split(_config(model, seed))
    again, arrays_again = _split(_config(read_model(text, arrays, "<checkpoint model>"), seed))
    same_text = repr(_as_floats(tomllib.loads(text))) == repr(_as_floats(tomllib.loads(again)))
    if not same_text or arrays.keys() != arrays_again.keys() or \
            not all(np.array_equal(arrays[k], arrays_again[k], equal_nan=True) for k in arrays):
        raise ValidationError("Network.save", "model", "description",
                              "must be expressible as a config (model.toml would not rebuild the same model)")
    return text, arrays


def read_model(text: str, arrays: dict, source: str):
    """The model of a description written by :func:`describe`."""
    from ..config import config_from_dict

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ValidationError(source, "model.toml", str(e), "must be valid TOML") from None
    data = _join(data, arrays, source)
    if isinstance(data.get("simulation"), dict):
        data["simulation"] = {"duration": 1.0, **data["simulation"]}   # the config form needs one
    return config_from_dict(data, source=source).model


def _config(model, seed: int) -> dict:
    from ..config import model_to_dict

    d = model_to_dict(model, seed=seed)
    del d["simulation"]["duration"]
    return d


def _split(d: dict) -> tuple[str, dict]:
    """TOML text of ``d`` with its long numeric lists replaced by references."""
    import tomli_w

    arrays = {}

    def walk(value):
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            if len(value) > INLINE_MAX or (value and isinstance(value[0], list)):
                a = _numeric(value)
                if a is not None and a.size > INLINE_MAX:
                    key = f"model/{len(arrays)}"
                    arrays[key] = a
                    return {REF: key}
            return [walk(v) for v in value]
        return value

    return tomli_w.dumps(_to_toml_value(walk(d), "")), arrays


def _numeric(value: list):
    """``value`` as an int64 or float64 array, or None if it is not a regular
    array of numbers (booleans, strings and tables stay in the text)."""
    try:
        a = np.asarray(value)
    except (ValueError, OverflowError):   # ragged, or integers beyond int64
        return None
    if a.dtype.kind == "i":
        return a.astype(np.int64)
    return a.astype(np.float64) if a.dtype.kind == "f" else None


def _join(value, arrays: dict, source: str):
    """The config dict with references replaced by their arrays (2-D arrays as
    lists of rows, as the config reader takes them)."""
    if isinstance(value, dict):
        if set(value) == {REF}:
            key = value[REF]
            if key not in arrays:
                raise ValidationError(source, "model.toml", key, "must refer to an array of the checkpoint")
            a = arrays[key]
            return list(a) if a.ndim == 2 else a
        return {k: _join(v, arrays, source) for k, v in value.items()}
    if isinstance(value, list):
        return [_join(v, arrays, source) for v in value]
    return value


def _as_floats(value):
    """Integers as floats (a config reads rule fields as floats), recursively."""
    if isinstance(value, dict):
        return {k: _as_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_floats(v) for v in value]
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value
