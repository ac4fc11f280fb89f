"""Model parts from TOML tables: one generic reader driven by each class's layout.

:func:`fields` reads the keys of any model or rule class (schema.py says which
keys exist, which are required and what each takes); the readers below add
only what the TOML format itself defines: the key that names a part's kind
(``kind``, ``type``, ``dist``, ``rule``), a population's ``model`` + ``params``,
a rule's ``preset`` and ``gate``, and the arrays of rule tables.
"""
from __future__ import annotations

from ..errors import ValidationError
from ..model.connectivity import Pairs
from ..model.population import Population
from ..model.projection import Projection
from ..model.protocol import Phase, Protocol
from ..model.spec import Part, Parts, Table, Value
from . import kinds
from .context import Context, join
from .limits import LIMITS
from .schema import layout
from .values import read

#: Keys of a connectivity that must be given together (either alone is a mistake).
TOGETHER = {Pairs: ("pre", "post")}


def fields(ctx: Context, path: str, cls: type, d: dict, extra=(), skip=()) -> dict:
    """Constructor arguments of ``cls`` from table ``d``: its keys are checked
    against the class's layout (plus ``extra`` keys, read by the caller), each
    value read as its declaration takes it. ``skip``: fields read by the caller."""
    lay = layout(cls)
    ctx.keys(path, d, tuple(extra) + lay.names, required=lay.required)
    kwargs = {}
    for name, key in lay.keys.items():
        if name in d and name not in skip:
            kwargs[name] = read(ctx, join(path, name), key.spec, d[name], LIMITS.get(name))
    return kwargs


def part(ctx: Context, path: str, d, table: dict, kind_key: str = "kind"):
    """A part whose kind a key names (``kind = "FixedProbability"``): ``{kind_key: name, **fields}``."""
    ctx.table(path, d)
    cls = table[ctx.choice_key(path, d, kind_key, table)]
    kwargs = fields(ctx, path, cls, d, extra=(kind_key,))
    together = TOGETHER.get(cls, ())
    given = [key for key in together if key in kwargs]
    if 0 < len(given) < len(together):
        missing = next(key for key in together if key not in kwargs)
        raise ctx.fail(join(path, missing), None, f"is required when {' and '.join(given)} is given")
    return ctx.build(path, cls, kwargs)


def distribution(ctx: Context, path: str, d: dict, spec: Value):
    """A distribution table ``{dist = "uniform", low = 0, high = 1}`` filling a
    field declared ``spec``: its parameters stay within the field's upper
    bound in magnitude (a delay drawn from them must be a delay)."""
    dist = part(ctx, path, d, kinds.DISTRIBUTIONS, "dist")
    bound = spec.le if spec.le is not None else spec.lt
    if bound is not None:
        for name in layout(type(dist)).names:
            x = getattr(dist, name)
            if abs(x) > bound:
                raise ctx.fail(join(path, name), x, f"must be <= {bound:g} in magnitude")
    return dist


def population(ctx: Context, path: str, d: dict) -> Population:
    """``name``, ``n``, ``model`` (a neuron model's name) + ``params`` (its fields),
    ``initial`` (values by state variable) and ``rules``."""
    ctx.table(path, d)
    lay = layout(Population)
    at = lay.names.index("model") + 1
    ctx.keys(path, d, lay.names[:at] + ("params",) + lay.names[at:], required=lay.required)
    kwargs = {name: read(ctx, join(path, name), lay.keys[name].spec, d[name], LIMITS.get(name))
              for name in ("name", "n") if name in d}
    neuron = neuron_model(ctx, path, d, kwargs["n"])
    initial = _initial(ctx, join(path, "initial"), d.get("initial", {}), neuron, lay.keys["initial"].spec)
    rules = rule_list(ctx, join(path, "rules"), d.get("rules", []), neuron=True)
    return ctx.build(path, Population, dict(kwargs, model=neuron, initial=initial, rules=rules))


def neuron_model(ctx: Context, path: str, d: dict, n: int):
    """The neuron model of ``model = "LIF"`` and ``params = {...}``, its
    per-neuron lists checked against the population size ``n``."""
    cls = kinds.neuron_model(ctx, join(path, "model"), d["model"])
    ppath = join(path, "params")
    neuron = ctx.build(ppath, cls, fields(ctx, ppath, cls, ctx.table(ppath, d.get("params", {}))))
    try:
        neuron.check_sizes(ctx.source, n)
    except ValidationError as e:
        raise ctx.fail(join(ppath, e.field), e.value, e.allowed) from None
    return neuron


def _initial(ctx: Context, path: str, d, neuron, spec: Table) -> dict:
    """Initial values keyed by the neuron model's state variables."""
    ctx.keys(path, ctx.table(path, d), tuple(neuron.state_variables))
    return {key: read(ctx, join(path, key), spec.of, value) for key, value in d.items()}


def projection(ctx: Context, path: str, d: dict) -> Projection:
    """A projection: its fields, ``connectivity = {kind = ..., ...}`` and ``rules``."""
    lay = layout(Projection)
    special = [name for name, key in lay.keys.items() if isinstance(key.spec, (Part, Parts))]
    kwargs = fields(ctx, path, Projection, d, skip=special)
    kwargs["connectivity"] = part(ctx, join(path, "connectivity"), d["connectivity"], kinds.CONNECTIVITY)
    if "rules" in d:
        kwargs["rules"] = tuple(rule_list(ctx, join(path, "rules"), d["rules"], neuron=False))
    return ctx.build(path, Projection, kwargs)


def rule_list(ctx: Context, path: str, value, neuron: bool) -> list:
    if not isinstance(value, (list, tuple)):
        raise ctx.fail(path, value, "must be an array of rule tables")
    return [rule(ctx, join(path, k), item, neuron) for k, item in enumerate(value)]


def rule(ctx: Context, path: str, d, neuron: bool):
    """``{rule = "PairSTDP" | "module:ClassName", preset = ..., <fields>, gate = {...}}``."""
    ctx.table(path, d)
    cls = kinds.rule_class(ctx, path, d, neuron)
    has_preset = callable(getattr(cls, "preset", None))
    extra = ("rule",) + (("preset",) if has_preset else ()) + (("gate",) if not neuron else ())
    kwargs = fields(ctx, path, cls, d, extra=extra)
    if "preset" in d:
        name = ctx.string(join(path, "preset"), d["preset"])
        try:
            base = cls.preset(name)
        except ValidationError as e:
            raise ctx.fail(join(path, "preset"), name, e.allowed) from None
        kwargs = {**{k: getattr(base, k) for k in layout(cls).names}, **kwargs}
    built = ctx.build(path, cls, kwargs)
    return gate(ctx, join(path, "gate"), d["gate"], built) if "gate" in d else built


def gate(ctx: Context, path: str, d, rule):
    """``gate = {modulator = "acetylcholine", gain = 1.0, reference = 0.0, events = "both"}``:
    the rule wrapped in :func:`~neuroplastic.plasticity.gating.Gated` (keys: its
    ``gate_*`` fields)."""
    from ..plasticity.gating import GATE_FIELDS, Gated

    ctx.table(path, d)
    names = [f.removeprefix("gate_") for f in GATE_FIELDS]
    ctx.keys(path, d, names, required=("modulator",))
    kwargs = {k: d[k] for k in names if k in d}   # checked by the gated rule's declarations
    try:
        return Gated(rule, **kwargs)
    except ValidationError as e:
        raise ctx.fail(join(path, e.field.replace("gate_", "")), e.value, e.allowed) from None


def protocol(ctx: Context, options, phases) -> Protocol:
    """``[protocol]`` (its fields but ``phases``) and the ``[[phases]]`` tables (a Phase's fields each)."""
    ctx.table("protocol", options)
    if "phases" in options:
        raise ctx.fail("protocol.phases", options["phases"], "is not a key of [protocol]: give each phase "
                                                              "as a [[phases]] table")
    items = [ctx.build(join("phases", k), Phase, fields(ctx, join("phases", k), Phase, item))
             for k, item in enumerate(ctx.array_of_tables("phases", phases))]
    kwargs = fields(ctx, "protocol", Protocol, options, skip=("phases",))
    return ctx.build("protocol", Protocol, dict(kwargs, phases=items))


def plain_copy(obj):
    """Nested dicts and lists copied (numpy arrays kept)."""
    if isinstance(obj, dict):
        return {k: plain_copy(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [plain_copy(v) for v in obj]
    return obj
