"""Run configurations: a model or an experiment described in TOML (or a plain dict).

Two forms are accepted.

Model form::

    [simulation]            # duration (ms, required), seed, dt (ms), max_rate (Hz, or false)
    [[populations]]         # name, n, model ("LIF" | "AdEx" | "Izhikevich"), params, initial
    [[inputs]]              # kind = "PoissonInput" | "SpikeTimes", + their fields
    [[projections]]         # name, pre, post, connectivity = {kind = ..., ...}, weight, delay,
                            # receptor, w_min, w_max, rules = [{rule = "PairSTDP", ...}]
    [[monitors]]            # kind = "SpikeMonitor" | "StateMonitor" | "WeightMonitor" | "RateMonitor"

Experiment form::

    experiment = "song2000"
    seed = 0
    scale = "full"          # or "reduced"
    [parameters]            # overrides, validated by the experiment itself

Values that may vary per item (weights, delays, initial values) are a number, a
list of numbers, or a distribution table ``{dist = "uniform", low = 0, high = 1}``
(``uniform``, ``normal``, ``lognormal``, ``exponential``, ``gamma``).

Any number may instead be a string with a unit, ``tau_m = "10 ms"``,
``rate = "15 Hz"``, ``weight = "0.5 nS"`` (see docs/config.md, "Units and
validation"): the model object converts it to its field's unit, and a written
config stores plain numbers in the internal units (ms, mV, nS, pF, pA, Hz).
Distribution parameters are plain numbers.

Every problem in user input -- an unknown key, a missing key, a wrong type, a
value out of range, a TOML syntax error -- raises
:class:`~neuroplastic.errors.ValidationError` whose ``field`` is the dotted path
of the offending entry (e.g. ``projections[0].connectivity.p``) and whose
``owner`` is the source (the file name, or ``"<dict>"``).
"""
from __future__ import annotations

import dataclasses
import importlib
import math
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ValidationError
from . import quantities
from ._validate import suggestion
from .connectivity import CONNECTIVITY, Connectivity
from .description import Model
from .distributions import DISTRIBUTIONS, Distribution
from .inputs import INPUT_KINDS, NoiseInput, PoissonInput, SpikeTimes, ValueInput
from .modulators import Modulator, ModulatorMonitor
from .monitors import MONITOR_KINDS
from .neurons import NEURON_MODELS
from .population import Population
from .projection import Projection
from .spec import Integer, field_specs

__all__ = ["RunConfig", "config_from_dict", "load_config", "model_to_dict"]

#: Sanity limits on sizes that would otherwise exhaust memory or time before any
#: model-level check could object.
MAX_NEURONS = 10_000_000
MAX_SYNAPSES = 2_000_000_000
MAX_DELAY_MS = 100_000.0
MAX_SPIKE_TIME_MS = 1.0e9
MAX_SEED = 2**63 - 1
MIN_DT_MS = 1e-4
MAX_INTERVAL_MS = 1e12
MIN_NONZERO_P = 1e-12
SCALES = ("full", "reduced")


@dataclass
class RunConfig:
    """A validated run configuration.

    Attributes:
        kind: ``"model"`` or ``"experiment"``.
        model: the (validated) model, for ``kind == "model"``.
        duration: simulated time in ms, for ``kind == "model"``.
        seed: the network / experiment seed.
        experiment: the experiment name, for ``kind == "experiment"``.
        parameters: experiment overrides (validated later by the experiment).
        scale: ``"full"`` or ``"reduced"`` (experiments).
    """

    kind: str
    model: Model | None = None
    duration: float | None = None
    seed: int = 0
    experiment: str | None = None
    parameters: dict = field(default_factory=dict)
    scale: str = "full"


# ---------------------------------------------------------------------------
# small typed readers: each raises ValidationError(source, path, value, allowed)
# ---------------------------------------------------------------------------

def _join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _is_num(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _short(value):
    """A value for an error message: large containers are summarised."""
    if isinstance(value, (list, tuple)) and len(value) > 8:
        return f"list of length {len(value)}"
    if isinstance(value, dict) and len(value) > 8:
        return f"table with keys {sorted(map(str, value))[:8]}..."
    return value


class _Reader:
    """Reads one config, remembering its source for error messages."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, path: str, value, allowed: str):
        return ValidationError(self.source, path, _short(value), allowed)

    def choice_key(self, path: str, d: dict, key: str, table) -> str:
        """The required string ``d[key]``, which must name an entry of ``table``."""
        allowed = ", ".join(map(repr, table))
        if key not in d:
            raise self.fail(_join(path, key), None, f"is required (one of {allowed})")
        value = self.string(_join(path, key), d[key])
        if value not in table:
            raise self.fail(_join(path, key), value, f"must be one of {allowed}{suggestion(value, table)}")
        return value

    # -- structure ---------------------------------------------------------------
    def table(self, path: str, value) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path or "<top level>", value, "must be a table")
        for key in value:
            if not isinstance(key, str):
                raise self.fail(_join(path, repr(key)), key, "must be a string key")
        return value

    def array_of_tables(self, path: str, value) -> list:
        if not isinstance(value, (list, tuple)):
            raise self.fail(path, value, "must be an array of tables")
        for k, item in enumerate(value):
            self.table(_join(path, k), item)
        return list(value)

    def keys(self, path: str, d: dict, required=(), optional=()) -> None:
        allowed = tuple(required) + tuple(optional)
        for key in d:
            if key not in allowed:
                raise self.fail(_join(path, key), key, f"is not a known key{suggestion(key, allowed)}; "
                                f"allowed keys: {', '.join(allowed) or 'none'}")
        for key in required:
            if key not in d:
                raise self.fail(_join(path, key), None, "is required")

    # -- scalars -------------------------------------------------------------------
    def number(self, path, value):
        """A number, or a string with a unit (``"10 ms"``), which is passed on as
        it is: the model object it fills converts it with its field's unit."""
        if isinstance(value, str):
            return self.quantity_text(path, value)
        return self.plain_number(path, value)

    def quantity_text(self, path, text: str) -> str:
        """``text`` if pint reads it as a number and a unit (its dimension is
        checked by the model object that knows the field's unit)."""
        try:
            quantities.parse(self.source, path, text)
        except ValidationError as e:
            raise self.fail(path, text, e.allowed) from None
        return text

    def quantity(self, path, value, unit: str) -> float:
        """A number, or a string with a unit converted to ``unit`` here."""
        if isinstance(value, str):
            try:
                return float(quantities.convert(self.source, path, value, unit))
            except ValidationError as e:
                raise self.fail(path, value, e.allowed) from None
        return self.plain_number(path, value)

    def plain_number(self, path, value) -> float:
        if not _is_num(value):
            raise self.fail(path, value, "must be a number")
        try:
            return float(value)  # also keeps integers too large for int64 out of the engine
        except OverflowError:
            raise self.fail(path, value, "must be a finite number") from None

    def integer(self, path, value, lo=None, hi=None) -> int:
        if not _is_int(value):
            raise self.fail(path, value, "must be an integer")
        value = int(value)
        if lo is not None and value < lo:
            raise self.fail(path, value, f"must be >= {lo}")
        if hi is not None and value > hi:
            raise self.fail(path, value, f"must be <= {hi}")
        return value

    def string(self, path, value) -> str:
        if not isinstance(value, str):
            raise self.fail(path, value, "must be a string")
        return value

    def boolean(self, path, value) -> bool:
        if not isinstance(value, (bool, np.bool_)):
            raise self.fail(path, value, "must be a boolean (true or false)")
        return bool(value)

    # -- arrays ------------------------------------------------------------------
    def numbers(self, path, value):
        """A 1-D list of numbers (a float array), or of numbers and strings with
        units (a list, converted by the model object)."""
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if not isinstance(value, (list, tuple)):
            raise self.fail(path, value, "must be a list of numbers")
        for k, x in enumerate(value):
            if isinstance(x, str):
                self.quantity_text(_join(path, k), x)
            elif not _is_num(x):
                raise self.fail(_join(path, k), x, "must be a number")
        if any(isinstance(x, str) for x in value):
            return list(value)
        return np.asarray(value, dtype=float)

    def integers(self, path, value, lo=None, hi=None) -> np.ndarray:
        """A 1-D list of integers."""
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if not isinstance(value, (list, tuple)):
            raise self.fail(path, value, "must be a list of integers")
        for k, x in enumerate(value):
            self.integer(_join(path, k), x, lo, hi)
        return np.asarray(value, dtype=np.int64).reshape(-1)

    def num_or_numbers(self, path, value):
        """A number, or a 1-D list of numbers (per-neuron / per-synapse values)."""
        if isinstance(value, (list, tuple, np.ndarray)):
            return self.numbers(path, value)
        return self.number(path, value)

    def value(self, path, value, max_abs=None):
        """A number, a list of numbers, or a distribution table."""
        if isinstance(value, dict):
            return self.distribution(path, value, max_abs)
        if not isinstance(value, (list, tuple, np.ndarray, str)) and not _is_num(value):
            raise self.fail(path, value,
                            "must be a number, a list of numbers, a quantity ('1 ms') or a distribution table "
                            f"{{dist = {' | '.join(map(repr, DISTRIBUTIONS))}, ...}}")
        out = self.num_or_numbers(path, value)
        if max_abs is not None and isinstance(out, (float, np.ndarray)) and np.any(np.abs(out) > max_abs):
            raise self.fail(path, value if _is_num(value) else "array", f"must be <= {max_abs:g} in magnitude")
        return out

    def distribution(self, path, d, max_abs=None) -> Distribution:
        self.table(path, d)
        if "dist" not in d:
            raise self.fail(_join(path, "dist"), None,
                            f"is required (one of {', '.join(map(repr, DISTRIBUTIONS))})")
        name = self.string(_join(path, "dist"), d["dist"])
        if name not in DISTRIBUTIONS:
            raise self.fail(_join(path, "dist"), name, f"must be one of {', '.join(map(repr, DISTRIBUTIONS))}")
        cls = DISTRIBUTIONS[name]
        names = [f.name for f in dataclasses.fields(cls)]
        self.keys(path, d, required=("dist",), optional=names)
        kwargs = {k: self.plain_number(_join(path, k), d[k]) for k in names if k in d}
        for k, x in kwargs.items():
            if max_abs is not None and abs(x) > max_abs:
                raise self.fail(_join(path, k), x, f"must be <= {max_abs:g} in magnitude")
            if x == 0:
                kwargs[k] = 0.0   # -0.0 -> 0.0: numpy's uniform(0.0, -0.0) raises
        if name == "uniform":
            low, high = kwargs.get("low", 0.0), kwargs.get("high", 1.0)
            if math.isfinite(low) and math.isfinite(high) and not math.isfinite(high - low):
                raise self.fail(_join(path, "high"), high, f"must be within {sys.float_info.max:g} of low "
                                "(the range high - low must be finite)")
        return self.build(path, cls, kwargs)

    # -- construction ------------------------------------------------------------------
    def build(self, path, cls, kwargs):
        """Call a model constructor, re-raising its errors with the config path."""
        try:
            return cls(**kwargs)
        except ValidationError as e:
            raise self.rewrap(path, e) from None
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError) as e:
            raise self.fail(path, type(e).__name__, f"could not be built as {cls.__name__} ({e})") from None

    def rewrap(self, path, e: ValidationError) -> ValidationError:
        sub = e.field if e.field else ""
        full = f"{path}.{sub}" if path and sub else (path or sub)
        owner = e.owner if isinstance(e.owner, str) else str(e.owner)
        if owner.startswith(self.source):
            return e
        allowed = f"{e.allowed} ({owner})" if owner and owner not in ("Model",) else e.allowed
        return ValidationError(self.source, full, e.value, allowed)


# ---------------------------------------------------------------------------
# the model form
# ---------------------------------------------------------------------------

_TOP_MODEL = ("simulation", "populations", "inputs", "modulators", "projections", "monitors", "events")
_TOP_EXPERIMENT = ("experiment", "seed", "scale", "parameters")


def _field_names(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def _field_default(cls, name):
    for f in dataclasses.fields(cls):
        if f.name == name:
            if f.default is not dataclasses.MISSING:
                return f.default
            if f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
                return f.default_factory()  # type: ignore[misc]
    return None


def _simulation(r: _Reader, d) -> dict:
    path = "simulation"
    r.table(path, d)
    r.keys(path, d, required=("duration",), optional=("seed", "dt", "max_rate"))
    duration = r.quantity("simulation.duration", d["duration"], "ms")
    if not (math.isfinite(duration) and duration > 0):
        raise r.fail("simulation.duration", duration, "must be a finite number > 0 ms")
    seed = r.integer("simulation.seed", d.get("seed", 0), 0, MAX_SEED)
    dt = r.quantity("simulation.dt", d.get("dt", 0.1), "ms")
    if not dt >= MIN_DT_MS:
        raise r.fail("simulation.dt", dt, f"must be >= {MIN_DT_MS:g} ms")
    max_rate = d.get("max_rate", 1000.0)
    if max_rate is False or max_rate is None:
        max_rate = None
    else:
        if not _is_num(max_rate) and not isinstance(max_rate, str):
            raise r.fail("simulation.max_rate", max_rate, "must be a number (Hz) or false")
        max_rate = r.quantity("simulation.max_rate", max_rate, "Hz")
    return dict(duration=float(duration), seed=seed, dt=dt, max_rate=max_rate)


def _population(r: _Reader, path: str, d: dict) -> Population:
    r.keys(path, d, required=("name", "n", "model"), optional=("params", "initial", "rules"))
    name = r.string(_join(path, "name"), d["name"])
    n = r.integer(_join(path, "n"), d["n"], 1, MAX_NEURONS)
    kind = r.string(_join(path, "model"), d["model"])
    if kind not in NEURON_MODELS:
        raise r.fail(_join(path, "model"), kind,
                     f"must be one of {', '.join(map(repr, NEURON_MODELS))}{suggestion(kind, NEURON_MODELS)}")
    cls = NEURON_MODELS[kind]
    ppath = _join(path, "params")
    params = r.table(ppath, d.get("params", {}))
    r.keys(ppath, params, optional=_field_names(cls))
    kwargs = {}
    for key, value in params.items():
        kp = _join(ppath, key)
        default = _field_default(cls, key)
        if isinstance(default, str):
            kwargs[key] = r.string(kp, value)
        elif isinstance(default, bool):
            kwargs[key] = r.boolean(kp, value)
        elif isinstance(default, int):
            kwargs[key] = r.integer(kp, value, 1, 100)
        else:
            arr = r.num_or_numbers(kp, value)
            if isinstance(arr, (np.ndarray, list)) and len(arr) != n:
                raise r.fail(kp, f"list of length {len(arr)}", f"must be a number or have one value per neuron ({n})")
            kwargs[key] = arr
    neuron = r.build(ppath, cls, kwargs)
    ipath = _join(path, "initial")
    initial_d = r.table(ipath, d.get("initial", {}))
    r.keys(ipath, initial_d, optional=tuple(neuron.state_variables))
    initial = {}
    for key, value in initial_d.items():
        val = r.value(_join(ipath, key), value)
        if isinstance(val, (np.ndarray, list)) and len(val) != n:
            raise r.fail(_join(ipath, key), f"list of length {len(val)}",
                         f"must be a number, a distribution or have one value per neuron ({n})")
        initial[key] = val
    from ..plasticity import NEURON_RULES

    rules = [_rule(r, _join(_join(path, "rules"), k), item, NEURON_RULES)
             for k, item in enumerate(r.array_of_tables(_join(path, "rules"), d.get("rules", [])))]
    return r.build(path, Population, dict(name=name, n=n, model=neuron, initial=initial, rules=rules))


def _input(r: _Reader, path: str, d: dict):
    kind = r.choice_key(path, d, "kind", INPUT_KINDS)
    if kind == "PoissonInput":
        r.keys(path, d, required=("kind", "name", "n"), optional=("rate", "rate_interval"))
        kwargs = dict(name=r.string(_join(path, "name"), d["name"]),
                      n=r.integer(_join(path, "n"), d["n"], 1, MAX_NEURONS))
        if "rate" in d:
            kwargs["rate"] = r.num_or_numbers(_join(path, "rate"), d["rate"])
        if d.get("rate_interval") is not None:
            kwargs["rate_interval"] = r.number(_join(path, "rate_interval"), d["rate_interval"])
        return r.build(path, PoissonInput, kwargs)
    if kind == "NoiseInput":
        r.keys(path, d, required=("kind", "name", "n"), optional=("low", "high", "interval"))
        kwargs = dict(name=r.string(_join(path, "name"), d["name"]),
                      n=r.integer(_join(path, "n"), d["n"], 1, MAX_NEURONS))
        for key in ("low", "high", "interval"):
            if d.get(key) is not None:
                kwargs[key] = r.number(_join(path, key), d[key])
        return r.build(path, NoiseInput, kwargs)
    if kind == "ValueInput":
        r.keys(path, d, required=("kind", "name", "values"), optional=("interval",))
        rows = d["values"]
        if not isinstance(rows, list) or not rows:
            raise r.fail(_join(path, "values"), _short(rows), "must be a non-empty list of rows (lists of numbers)")
        values = [r.numbers(_join(_join(path, "values"), k), row) for k, row in enumerate(rows)]
        widths = {len(row) for row in values}
        if len(widths) != 1:
            raise r.fail(_join(path, "values"), f"rows of lengths {sorted(widths)}", "must all have the same length")
        kwargs = dict(name=r.string(_join(path, "name"), d["name"]), values=np.vstack(values))
        if "interval" in d:
            kwargs["interval"] = r.number(_join(path, "interval"), d["interval"])
        return r.build(path, ValueInput, kwargs)
    r.keys(path, d, required=("kind", "name", "n"), optional=("indices", "times"))
    n = r.integer(_join(path, "n"), d["n"], 1, MAX_NEURONS)
    kwargs = dict(name=r.string(_join(path, "name"), d["name"]), n=n,
                  indices=r.integers(_join(path, "indices"), d.get("indices", []), 0, n - 1),
                  times=r.numbers(_join(path, "times"), d.get("times", [])))
    times = kwargs["times"]
    if isinstance(times, np.ndarray) and times.size and np.all(np.isfinite(times)) \
            and times.max() > MAX_SPIKE_TIME_MS:
        raise r.fail(_join(path, "times"), float(times.max()), f"must be <= {MAX_SPIKE_TIME_MS:g} ms")
    return r.build(path, SpikeTimes, kwargs)


_CONN_FIELDS = {
    "AllToAll": {"allow_self": "bool"},
    "FixedProbability": {"p": "num", "allow_self": "bool"},
    "FixedInDegree": {"k": "int", "allow_self": "bool"},
    "OneToOne": {},
    "Pairs": {"pre": "ints", "post": "ints"},
}


def _connectivity(r: _Reader, path: str, d) -> Connectivity:
    r.table(path, d)
    kind = r.choice_key(path, d, "kind", CONNECTIVITY)
    spec = _CONN_FIELDS.get(kind, {name: "num" for name in _field_names(CONNECTIVITY[kind])})
    r.keys(path, d, required=("kind",), optional=tuple(spec))
    kwargs = {}
    for key, typ in spec.items():
        if key not in d:
            continue
        kp = _join(path, key)
        if typ == "bool":
            kwargs[key] = r.boolean(kp, d[key])
        elif typ == "int":
            kwargs[key] = r.integer(kp, d[key], 0, MAX_NEURONS)
        elif typ == "ints":
            kwargs[key] = r.integers(kp, d[key], 0, MAX_NEURONS)
        else:
            kwargs[key] = r.number(kp, d[key])
    p = kwargs.get("p")
    if _is_num(p) and 0 < p < MIN_NONZERO_P:
        raise r.fail(_join(path, "p"), p, f"must be 0 or >= {MIN_NONZERO_P:g}")
    if kind == "Pairs" and ("pre" in kwargs) != ("post" in kwargs):
        missing = "post" if "pre" in kwargs else "pre"
        raise r.fail(_join(path, missing), None, "is required when the other of pre/post is given")
    return r.build(path, CONNECTIVITY[kind], kwargs)


def _rule(r: _Reader, path: str, d, table=None):
    from ..plasticity import RULES

    table = RULES if table is None else table
    r.table(path, d)
    if isinstance(d.get("rule"), str) and ":" in d["rule"]:
        cls = _user_rule(r, _join(path, "rule"), d["rule"], neuron=table is not RULES)
    else:
        cls = table[r.choice_key(path, d, "rule", table)]
    names = _field_names(cls)
    has_preset = hasattr(cls, "preset") and callable(getattr(cls, "preset"))
    gate_ok = table is RULES
    r.keys(path, d, required=("rule",),
           optional=tuple(names) + (("preset",) if has_preset else ()) + (("gate",) if gate_ok else ()))
    kwargs = {}
    if "preset" in d:
        preset = r.string(_join(path, "preset"), d["preset"])
        try:
            base = cls.preset(preset)
        except ValidationError as e:
            raise r.fail(_join(path, "preset"), preset, e.allowed) from None
        kwargs = {k: getattr(base, k) for k in names}
    for key in names:
        if key not in d:
            continue
        kp = _join(path, key)
        if isinstance(_field_default(cls, key), str):
            kwargs[key] = r.string(kp, d[key])
        elif isinstance(field_specs(cls).get(key), Integer):
            kwargs[key] = r.integer(kp, d[key])
        else:
            kwargs[key] = r.number(kp, d[key])
    rule = r.build(path, cls, kwargs)
    return _gate(r, _join(path, "gate"), d["gate"], rule) if "gate" in d else rule


def _user_rule(r: _Reader, path: str, spec: str, neuron: bool) -> type:
    """The rule class a user wrote, named ``"package.module:ClassName"`` (the
    module is imported: name only code you trust)."""
    from ..plasticity.rule import NeuronRule, Rule

    module, _, qualname = spec.partition(":")
    try:
        obj = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except Exception as e:   # any error of the user's module on import
        raise r.fail(path, spec, f"must name an importable rule class as 'module:ClassName' "
                                 f"({type(e).__name__}: {e})") from None
    base = NeuronRule if neuron else Rule
    if not (isinstance(obj, type) and issubclass(obj, base)) or (not neuron and issubclass(obj, NeuronRule)):
        kind = "a NeuronRule subclass (a population's rule)" if neuron else "a synaptic Rule subclass"
        raise r.fail(path, spec, f"must name {kind}")
    return obj


def _gate(r: _Reader, path: str, d, rule):
    """``gate = {modulator = "acetylcholine", gain = 1.0, reference = 0.0, events = "both"}``
    wraps the rule in :func:`~neuroplastic.plasticity.gating.Gated`."""
    from ..plasticity.gating import Gated

    r.table(path, d)
    r.keys(path, d, required=("modulator",), optional=("gain", "reference", "events"))
    kwargs = {"modulator": r.string(_join(path, "modulator"), d["modulator"])}
    for key in ("gain", "reference"):
        if key in d:
            kwargs[key] = r.number(_join(path, key), d[key])
    if "events" in d:
        kwargs["events"] = r.string(_join(path, "events"), d["events"])
    try:
        return Gated(rule, **kwargs)
    except ValidationError as e:
        raise r.fail(_join(path, e.field.replace("gate_", "")), e.value, e.allowed) from None


def _projection(r: _Reader, path: str, d: dict) -> Projection:
    r.keys(path, d, required=("name", "pre", "post", "connectivity"),
           optional=("weight", "delay", "receptor", "w_min", "w_max", "rules"))
    kwargs = dict(name=r.string(_join(path, "name"), d["name"]),
                  pre=r.string(_join(path, "pre"), d["pre"]),
                  post=r.string(_join(path, "post"), d["post"]),
                  connectivity=_connectivity(r, _join(path, "connectivity"), d["connectivity"]))
    if "weight" in d:
        kwargs["weight"] = r.value(_join(path, "weight"), d["weight"])
    if "delay" in d:
        kwargs["delay"] = r.value(_join(path, "delay"), d["delay"], max_abs=MAX_DELAY_MS)
    if "receptor" in d:
        kwargs["receptor"] = r.string(_join(path, "receptor"), d["receptor"])
    for key in ("w_min", "w_max"):
        if key in d:
            kwargs[key] = r.number(_join(path, key), d[key])
    if "rules" in d:
        rules_path = _join(path, "rules")
        if not isinstance(d["rules"], (list, tuple)):
            raise r.fail(rules_path, d["rules"], "must be an array of rule tables")
        kwargs["rules"] = tuple(_rule(r, _join(rules_path, k), x) for k, x in enumerate(d["rules"]))
    return r.build(path, Projection, kwargs)


_MON_FIELDS = {
    "SpikeMonitor": {"population": "str!", "name": "str"},
    "StateMonitor": {"population": "str!", "variables": "strs", "indices": "ints?", "interval": "num",
                     "name": "str"},
    "WeightMonitor": {"projection": "str!", "synapses": "ints?", "interval": "num", "name": "str"},
    "RateMonitor": {"population": "str!", "bin": "num", "name": "str"},
    "ModulatorMonitor": {"modulator": "str!", "interval": "num", "name": "str"},
}


def _monitor(r: _Reader, path: str, d: dict):
    kinds = {**MONITOR_KINDS, "ModulatorMonitor": ModulatorMonitor}
    kind = r.choice_key(path, d, "kind", kinds)
    spec = _MON_FIELDS[kind]
    r.keys(path, d, required=("kind",) + tuple(k for k, t in spec.items() if t.endswith("!")),
           optional=tuple(k for k, t in spec.items() if not t.endswith("!")))
    kwargs = {}
    for key, typ in spec.items():
        if key not in d:
            continue
        kp, value = _join(path, key), d[key]
        if typ.startswith("str") and typ != "strs":
            kwargs[key] = r.string(kp, value)
        elif typ == "strs":
            if not isinstance(value, (list, tuple)):
                raise r.fail(kp, value, "must be a list of strings")
            kwargs[key] = tuple(r.string(_join(kp, k), x) for k, x in enumerate(value))
        elif typ == "ints?":
            kwargs[key] = None if value is None else r.integers(kp, value, 0, MAX_SYNAPSES)
        else:
            kwargs[key] = r.quantity(kp, value, "ms")
            if kwargs[key] > MAX_INTERVAL_MS:
                raise r.fail(kp, value, f"must be <= {MAX_INTERVAL_MS:g} ms")
    return r.build(path, kinds[kind], kwargs)


def _modulator(r: _Reader, path: str, d: dict) -> Modulator:
    r.table(path, d)
    r.keys(path, d, required=("name",), optional=("tau", "baseline", "initial", "release_times",
                                                   "release_amounts", "source", "per_spike"))
    kwargs = {"name": r.string(_join(path, "name"), d["name"])}
    for key in ("tau", "baseline", "initial", "per_spike"):
        if key in d:
            kwargs[key] = r.number(_join(path, key), d[key])
    if "release_times" in d:
        kwargs["release_times"] = r.numbers(_join(path, "release_times"), d["release_times"])
    if "release_amounts" in d:
        kwargs["release_amounts"] = r.num_or_numbers(_join(path, "release_amounts"), d["release_amounts"])
    if "source" in d:
        kwargs["source"] = r.string(_join(path, "source"), d["source"])
    return r.build(path, Modulator, kwargs)


_EVENT_FIELDS = {  # [[events]] type -> field -> kind ("!" = required)
    "Lesion": {"time": "num!", "fraction": "num!", "population": "str", "projection": "str", "name": "str"},
    "Neurogenesis": {"time": "num!", "population": "str!", "n": "int!", "name": "str"},
    "PruneSilent": {"population": "str!", "silent_for": "num!", "start": "num", "name": "str"},
}


def _event(r: _Reader, path: str, d: dict):
    """``[[events]]``: ``type = "Lesion" | "Neurogenesis" | "PruneSilent"`` and its fields
    (model/topology.py)."""
    from .topology import Lesion, Neurogenesis, PruneSilent

    r.table(path, d)
    kinds = {"Lesion": Lesion, "Neurogenesis": Neurogenesis, "PruneSilent": PruneSilent}
    kind = r.choice_key(path, d, "type", kinds)
    spec = _EVENT_FIELDS[kind]
    r.keys(path, d, required=("type",) + tuple(k for k, t in spec.items() if t.endswith("!")),
           optional=tuple(k for k, t in spec.items() if not t.endswith("!")))
    kwargs = {}
    for key, typ in spec.items():
        if key not in d:
            continue
        kp = _join(path, key)
        if typ.startswith("str"):
            kwargs[key] = r.string(kp, d[key])
        elif typ.startswith("int"):
            kwargs[key] = r.integer(kp, d[key], 1)
        else:
            kwargs[key] = r.number(kp, d[key])
    return r.build(path, kinds[kind], kwargs)


def _estimated_synapses(model: Model, proj: Projection) -> float:
    n_pre, n_post = model.size(proj.pre), model.size(proj.post)
    conn = proj.connectivity
    kind = type(conn).__name__
    if kind == "AllToAll":
        return float(n_pre) * n_post
    if kind == "FixedProbability":
        return float(conn.p) * n_pre * n_post
    if kind == "FixedInDegree":
        return float(conn.k) * n_post
    if kind == "OneToOne":
        return float(n_pre)
    return float(len(getattr(conn, "pre", ())))


def _synapse_count(model: Model, proj: Projection) -> int | None:
    """The number of synapses a projection creates, when it does not depend on the seed."""
    conn = proj.connectivity
    kind = type(conn).__name__
    n_pre, n_post = model.size(proj.pre), model.size(proj.post)
    if kind == "AllToAll":
        same = proj.pre == proj.post and not conn.allow_self
        return n_pre * n_post - (n_pre if same else 0)
    if kind == "FixedInDegree":
        return int(conn.k) * n_post
    if kind == "OneToOne":
        return n_pre
    if kind == "Pairs":
        return len(conn.pre)
    return None


def _check_synapse_array(r: _Reader, model: Model, proj: Projection, path: str, value) -> None:
    """A per-synapse list must match the synapse count, which must be known in advance."""
    if isinstance(value, Distribution) or np.ndim(value) == 0:
        return
    count = _synapse_count(model, proj)
    n = len(value)
    if count is None:
        raise r.fail(path, f"list of length {n}",
                     f"must be a number or a distribution with {type(proj.connectivity).__name__} "
                     "connectivity (the synapse count depends on the seed)")
    if n != count:
        raise r.fail(path, f"list of length {n}", f"must have one value per synapse ({count})")


def _model_form(r: _Reader, d: dict) -> RunConfig:
    r.keys("", d, required=("simulation",), optional=_TOP_MODEL[1:])
    sim = _simulation(r, d["simulation"])
    try:
        model = Model(dt=sim["dt"], max_rate=sim["max_rate"])
    except ValidationError as e:
        raise ValidationError(r.source, f"simulation.{e.field}", e.value, e.allowed) from None

    owners: dict[str, str] = {}   # "Projection 'x'" -> "projections[0]"

    def add(path, part):
        try:
            model.add(part)
        except ValidationError as e:
            raise r.rewrap(path, e) from None

    for section, reader in (("inputs", _input), ("populations", _population), ("modulators", _modulator)):
        for k, item in enumerate(r.array_of_tables(section, d.get(section, []))):
            path = _join(section, k)
            part = reader(r, path, item)
            add(path, part)
            owners[f"{type(part).__name__} '{part.name}'"] = path
    for k, item in enumerate(r.array_of_tables("projections", d.get("projections", []))):
        path = _join("projections", k)
        proj = _projection(r, path, item)
        add(path, proj)
        owners[f"Projection '{proj.name}'"] = path
    for k, item in enumerate(r.array_of_tables("monitors", d.get("monitors", []))):
        path = _join("monitors", k)
        mon = _monitor(r, path, item)
        add(path, mon)
        owners[f"{type(mon).__name__} '{mon.name}'"] = path
    for k, item in enumerate(r.array_of_tables("events", d.get("events", []))):
        path = _join("events", k)
        event = _event(r, path, item)
        add(path, event)
        owners[f"{type(event).__name__} '{event.name}'"] = path
    try:
        model.validate()
    except ValidationError as e:
        path = owners.get(e.owner, "")
        raise ValidationError(r.source, _join(path, e.field) if path else e.field, e.value,
                              f"{e.allowed} ({e.owner})") from None
    except (TypeError, ValueError, KeyError, IndexError) as e:
        raise ValidationError(r.source, "model", type(e).__name__, f"must be a consistent model ({e})") from None
    for proj in model.projections.values():
        path = owners[f"Projection '{proj.name}'"]
        if _estimated_synapses(model, proj) > MAX_SYNAPSES:
            raise ValidationError(r.source, path, proj.name, f"must create at most {MAX_SYNAPSES:g} synapses")
        conn = proj.connectivity
        if (type(conn).__name__ == "FixedInDegree" and proj.pre == proj.post and not conn.allow_self
                and conn.k > model.size(proj.pre) - 1):
            raise ValidationError(r.source, _join(path, "connectivity.k"), conn.k,
                                  f"must be <= {model.size(proj.pre) - 1} (the population size minus "
                                  "one, as self-connections are excluded)")
        for key in ("weight", "delay"):
            _check_synapse_array(r, model, proj, _join(path, key), getattr(proj, key))
    return RunConfig(kind="model", model=model, duration=sim["duration"], seed=sim["seed"])


def _experiment_form(r: _Reader, d: dict) -> RunConfig:
    r.keys("", d, required=("experiment",), optional=_TOP_EXPERIMENT[1:])
    name = r.string("experiment", d["experiment"])
    if not name:
        raise r.fail("experiment", name, "must be a non-empty experiment name")
    _check_experiment_name(r, name)
    seed = r.integer("seed", d.get("seed", 0), 0, MAX_SEED)
    scale = r.string("scale", d.get("scale", "full"))
    if scale not in SCALES:
        raise r.fail("scale", scale, f"must be one of {', '.join(map(repr, SCALES))}")
    params = r.table("parameters", d.get("parameters", {}))
    return RunConfig(kind="experiment", experiment=name, seed=seed, scale=scale,
                     parameters=_plain_copy(params))


def _check_experiment_name(r: _Reader, name: str) -> None:
    try:
        from ..experiments import registry
    except ImportError:  # pragma: no cover - experiments unavailable: defer the check
        return
    try:
        registry.get(name)
    except ValidationError as e:
        raise r.fail("experiment", name, e.allowed) from None


def _plain_copy(obj):
    if isinstance(obj, dict):
        return {k: _plain_copy(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain_copy(v) for v in obj]
    return obj


def config_from_dict(d: dict, source: str = "<dict>") -> RunConfig:
    """Validate a config dict (the parsed TOML) and build a :class:`RunConfig`.

    Raises:
        ValidationError: with ``field`` the dotted path of the offending entry.
    """
    r = _Reader(str(source))
    r.table("", d)
    if "experiment" in d:
        return _experiment_form(r, d)
    if "simulation" not in d and not any(k in d for k in _TOP_MODEL):
        raise r.fail("simulation", None,
                     "is required (a model config needs [simulation]; an experiment config needs 'experiment')")
    return _model_form(r, d)


def load_config(path) -> RunConfig:
    """Read a TOML run configuration from ``path`` (see the module doc for the schema)."""
    p = Path(path)
    source = str(path)
    try:
        text = p.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ValidationError(source, "path", source, "must be an existing file") from None
    except IsADirectoryError:
        raise ValidationError(source, "path", source, "must be a file, not a directory") from None
    except UnicodeDecodeError as e:
        raise ValidationError(source, "toml", f"byte {e.start}", "must be UTF-8 text") from None
    except OSError as e:
        raise ValidationError(source, "path", source, f"must be readable ({e.strerror})") from None
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ValidationError(source, "toml", "deeply nested arrays or tables",
                              "must nest less deeply (the TOML reader ran out of recursion depth)") from None
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        if "(at end of document)" in msg:   # Python < 3.14 gives no line for this case
            msg = msg.replace("(at end of document)", f"(at end of document, after line {max(1, len(text.rstrip().splitlines()))})")
        raise ValidationError(source, "toml", msg, "must be valid TOML") from None
    return config_from_dict(data, source=source)


# ---------------------------------------------------------------------------
# the inverse: Model -> dict
# ---------------------------------------------------------------------------

def _plain(value):
    """numpy scalars/arrays -> Python numbers/lists."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return [_plain(x) for x in value]
    if isinstance(value, list):
        return [_plain(x) for x in value]
    return value


def _value_to_dict(value):
    if isinstance(value, Distribution):
        name = next(k for k, c in DISTRIBUTIONS.items() if type(value) is c)
        return {"dist": name, **{f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    return _plain(value)


def _fields_dict(obj, skip_none=True) -> dict:
    out = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if value is None and skip_none:
            continue
        out[f.name] = _value_to_dict(value)
    return out


def _rule_to_dict(rule, table: dict, path: str) -> dict:
    from ..plasticity.gating import GatedRule

    if isinstance(rule, GatedRule):
        gate = {"modulator": rule.gate_modulator, "gain": _plain(rule.gate_gain),
                "reference": _plain(rule.gate_reference), "events": rule.gate_events}
        return {**_rule_to_dict(rule.inner(), table, path), "gate": gate}
    name = type(rule).__name__
    if table.get(name) is not type(rule):
        name = _import_path(type(rule), path)
    return {"rule": name, **_fields_dict(rule)}


def _import_path(cls: type, path: str) -> str:
    """``"module:QualName"`` of a user's rule class, checked to import back to it."""
    name = f"{cls.__module__}:{cls.__qualname__}"
    try:
        obj = importlib.import_module(cls.__module__)
        for part in cls.__qualname__.split("."):
            obj = getattr(obj, part)
    except Exception:   # defined in __main__, inside a function, or in a module that cannot be imported
        obj = None
    if obj is not cls or cls.__module__ == "__main__":
        raise ValidationError("model_to_dict", path, name,
                              "must be a built-in rule or a rule class defined at the top level of an "
                              "importable module (not __main__ or a function) to be written to a config")
    return name


def model_to_dict(model: Model, duration=None, seed=0) -> dict:
    """The config dict of ``model`` (the inverse of :func:`config_from_dict`).

    ``config_from_dict(model_to_dict(m, duration))`` rebuilds an equal model
    (numpy arrays become lists). ``duration`` defaults to 1000 ms. Built-in rules
    are written by name, user-defined rules by import path (``"module:ClassName"``,
    read back by :func:`config_from_dict`); their fields must be numbers or strings.
    """
    from ..plasticity import NEURON_RULES, RULES

    sim = {"duration": float(1000.0 if duration is None else duration), "seed": int(seed),
           "dt": _plain(model.dt), "max_rate": False if model.max_rate is None else _plain(model.max_rate)}
    populations, inputs = [], []
    for part in model.populations.values():
        if isinstance(part, Population):
            entry = {"name": part.name, "n": int(part.n), "model": type(part.model).__name__,
                     "params": _fields_dict(part.model)}
            if part.initial:
                entry["initial"] = {k: _value_to_dict(v) for k, v in part.initial.items()}
            if part.rules:
                entry["rules"] = [_rule_to_dict(rule, NEURON_RULES, f"populations[{part.name}].rules[{j}]")
                                  for j, rule in enumerate(part.rules)]
            populations.append(entry)
        elif isinstance(part, NoiseInput):
            inputs.append({"kind": "NoiseInput", **_fields_dict(part)})
        elif isinstance(part, ValueInput):
            inputs.append({"kind": "ValueInput", "name": part.name, "values": _plain(part.values),
                           "interval": _plain(part.interval)})
        elif isinstance(part, PoissonInput):
            entry = {"kind": "PoissonInput", "name": part.name, "n": int(part.n), "rate": _plain(part.rate)}
            if part.rate_interval is not None:
                entry["rate_interval"] = _plain(part.rate_interval)
            inputs.append(entry)
        else:
            inputs.append({"kind": "SpikeTimes", "name": part.name, "n": int(part.n),
                           "indices": [int(i) for i in np.asarray(part.indices).reshape(-1)],
                           "times": [float(t) for t in np.asarray(part.times, dtype=float).reshape(-1)]})
    projections = []
    for k, proj in enumerate(model.projections.values()):
        rules = [_rule_to_dict(rule, RULES, f"projections[{k}].rules[{j}]") for j, rule in enumerate(proj.rules)]
        conn = {"kind": type(proj.connectivity).__name__, **_fields_dict(proj.connectivity)}
        if isinstance(conn.get("pre"), list):
            conn["pre"] = [int(x) for x in conn["pre"]]
            conn["post"] = [int(x) for x in conn["post"]]
        projections.append({"name": proj.name, "pre": proj.pre, "post": proj.post, "connectivity": conn,
                            "weight": _value_to_dict(proj.weight), "delay": _value_to_dict(proj.delay),
                            "receptor": proj.receptor, "w_min": float(proj.w_min), "w_max": float(proj.w_max),
                            "rules": rules})
    monitors = []
    for mon in model.monitors.values():
        entry = {"kind": type(mon).__name__, **_fields_dict(mon)}
        for key in ("indices", "synapses"):
            if key in entry:
                entry[key] = [int(x) for x in np.asarray(entry[key]).reshape(-1)]
        monitors.append(entry)
    modulators = [{k: v for k, v in _fields_dict(mod).items() if v is not None}
                  for mod in model.modulators.values()]
    events = [{"type": type(e).__name__, **{k: v for k, v in _fields_dict(e).items() if v is not None}}
              for e in model.events.values()]
    out = {"simulation": sim}
    for key, items in (("populations", populations), ("inputs", inputs), ("modulators", modulators),
                       ("projections", projections), ("monitors", monitors), ("events", events)):
        if items:
            out[key] = items
    return out
