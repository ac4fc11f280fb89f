"""TOML configs (or their dicts) -> :class:`RunConfig`: the model form.

Model form::

    [simulation]            # duration (ms, required), seed, dt (ms), max_rate (Hz, or false)
    [[populations]]         # name, n, model ("LIF" | ... | "module:ClassName"), params, initial, rules
    [[inputs]]              # kind = "PoissonInput" | "SpikeTimes" | "ValueInput" | "NoiseInput", + fields
    [[modulators]]          # name, + the Modulator's fields
    [[projections]]         # name, pre, post, connectivity = {kind = ..., ...}, weight, delay,
                            # receptor, w_min, w_max, rules = [{rule = "PairSTDP", ...}]
    [[monitors]]            # kind = "SpikeMonitor" | "StateMonitor" | ..., + fields
    [[events]]              # type = "Lesion" | "Neurogenesis" | "PruneSilent", + fields
    [[phases]]              # name, duration | start + stop, rates, levels, baselines, scales
    [protocol]              # repeat, start (ms): how the phases are laid out

The keys of every table are the fields of the class it describes (schema.py);
``[simulation]`` holds the run's ``duration`` and ``seed`` and the
:class:`~neuroplastic.model.Model`'s own fields (``dt``, ``max_rate``).
Every problem raises :class:`~neuroplastic.errors.ValidationError` naming the
source and the dotted path (``projections[0].connectivity.p``).
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from ..errors import ValidationError
from ..model.description import Model
from ..model.modulators import Modulator
from ..model.protocol import phase_owner
from . import kinds, parts
from .context import Context, join
from .experiment import experiment_form
from .limits import check_synapses
from .run import RunConfig
from .schema import layout
from .values import read

SECTIONS = ("populations", "inputs", "modulators", "projections", "monitors", "events", "phases")


def _input(ctx: Context, path: str, d: dict):
    return parts.part(ctx, path, d, kinds.INPUTS)


def _modulator(ctx: Context, path: str, d: dict) -> Modulator:
    return ctx.build(path, Modulator, parts.fields(ctx, path, Modulator, d))


def _monitor(ctx: Context, path: str, d: dict):
    return parts.part(ctx, path, d, kinds.MONITOR_KINDS)


def _event(ctx: Context, path: str, d: dict):
    return parts.part(ctx, path, d, kinds.EVENTS, "type")


#: Section -> reader of one of its tables, in the order the model adds them.
_READERS = (("inputs", _input), ("populations", parts.population), ("modulators", _modulator),
            ("projections", parts.projection), ("monitors", _monitor), ("events", _event))


def simulation(ctx: Context, d) -> tuple[Model, float, int]:
    """``[simulation]``: the run's duration and seed, and the Model's own fields."""
    path = "simulation"
    ctx.table(path, d)
    run_keys = {k: spec for k, spec in RunConfig.constraints.items() if k in ("duration", "seed")}
    model_keys = layout(Model).keys
    own = tuple(k for k, key in model_keys.items() if key.spec is not None)
    ctx.keys(path, d, tuple(run_keys) + own, required=("duration",))
    duration = float(run_keys["duration"].check(ctx.source, join(path, "duration"), d["duration"]))
    seed = read(ctx, join(path, "seed"), run_keys["seed"], d.get("seed", 0))
    kwargs = {}
    for k in own:
        if k in d:
            value = d[k]
            kwargs[k] = None if value is False and model_keys[k].false_is_none else value
    return ctx.build(path, Model, kwargs), duration, seed


def model_form(ctx: Context, d: dict) -> RunConfig:
    ctx.keys("", d, ("simulation",) + SECTIONS + ("protocol",), required=("simulation",))
    model, duration, seed = simulation(ctx, d["simulation"])
    owners: dict[str, str] = {}   # "Projection 'x'" -> "projections[0]"
    for section, reader in _READERS:
        for k, item in enumerate(ctx.array_of_tables(section, d.get(section, []))):
            path = join(section, k)
            part = reader(ctx, path, item)
            try:
                model.add(part)
            except ValidationError as e:
                raise ctx.rewrap(path, e) from None
            owners[f"{type(part).__name__} '{part.name}'"] = path
    if "phases" in d or "protocol" in d:
        model.add(parts.protocol(ctx, d.get("protocol", {}), d.get("phases", [])))
        owners.update((phase_owner(p, k), join("phases", k)) for k, p in enumerate(model.protocol.phases))
    _validate(ctx, model, owners)
    for proj in model.projections.values():
        check_synapses(ctx, model, proj, owners[f"Projection '{proj.name}'"])
    return RunConfig(kind="model", model=model, duration=duration, seed=seed)


def _validate(ctx: Context, model: Model, owners: dict) -> None:
    """``Model.validate``, its errors named by the config path of the part."""
    try:
        model.validate()
    except ValidationError as e:
        path = owners.get(e.owner, "")
        raise ValidationError(ctx.source, join(path, e.field) if path else e.field, e.value,
                              f"{e.allowed} ({e.owner})") from None
    except (TypeError, ValueError, KeyError, IndexError) as e:
        raise ValidationError(ctx.source, "model", type(e).__name__, f"must be a consistent model ({e})") from None


def config_from_dict(d: dict, source: str = "<dict>") -> RunConfig:
    """Validate a config dict (the parsed TOML) and build a :class:`RunConfig`.

    Raises:
        ValidationError: with ``field`` the dotted path of the offending entry.
    """
    ctx = Context(source)
    ctx.table("", d)
    if "experiment" in d:
        return experiment_form(ctx, d)
    if "simulation" not in d and not any(k in d for k in SECTIONS):
        raise ctx.fail("simulation", None,
                       "is required (a model config needs [simulation]; an experiment config needs 'experiment')")
    return model_form(ctx, d)


def load_config(path) -> RunConfig:
    """Read a TOML run configuration from ``path`` (see docs/config.md for the format)."""
    source = str(path)
    return config_from_dict(_parse(source, _text(Path(path), source)), source=source)


def _text(p: Path, source: str) -> str:
    try:
        return p.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ValidationError(source, "path", source, "must be an existing file") from None
    except IsADirectoryError:
        raise ValidationError(source, "path", source, "must be a file, not a directory") from None
    except UnicodeDecodeError as e:
        raise ValidationError(source, "toml", f"byte {e.start}", "must be UTF-8 text") from None
    except OSError as e:
        raise ValidationError(source, "path", source, f"must be readable ({e.strerror})") from None


def _parse(source: str, text: str) -> dict:
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise ValidationError(source, "toml", "deeply nested arrays or tables",
                              "must nest less deeply (the TOML reader ran out of recursion depth)") from None
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        if "(at end of document)" in msg:   # Python < 3.14 gives no line for this case
            lines = max(1, len(text.rstrip().splitlines()))
            msg = msg.replace("(at end of document)", f"(at end of document, after line {lines})")
        raise ValidationError(source, "toml", msg, "must be valid TOML") from None
