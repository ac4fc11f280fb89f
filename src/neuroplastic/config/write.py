"""Model -> config dict (the inverse of :func:`~neuroplastic.config.config_from_dict`).

Each part is written as the table its class's layout describes (schema.py):
its constructor fields in order, ``None`` left out (or written ``false`` where
leaving it out would mean the default), numpy values as plain Python numbers
and lists, distributions as ``{dist = ...}`` tables, kinds by name (built-in)
or import path (a user's neuron model or rule), arrays of rule tables last.
The result holds only str, int, float, bool, lists and dicts (TOML-ready).
"""
from __future__ import annotations

import numpy as np

from ..model.description import Model
from ..model.distributions import DISTRIBUTIONS, Distribution
from ..model.population import Population
from ..model.protocol import SETTINGS, Phase
from ..model.spec import Part, Parts, Table
from . import kinds
from .context import join
from .schema import layout

#: Population tables leave out an empty ``initial`` and ``rules`` (as the format always has),
#: phases their empty settings.
OMIT_EMPTY = {Population: ("initial", "rules"), Phase: SETTINGS}


def model_to_dict(model: Model, duration=None, seed=0) -> dict:
    """The config dict of ``model``.

    ``config_from_dict(model_to_dict(m, duration))`` rebuilds an equal model
    (numpy arrays become lists). ``duration`` defaults to 1000 ms. Built-in
    kinds are written by name, a user's rules and neuron models by import path
    (``"module:ClassName"``, read back by :func:`config_from_dict`).

    Raises:
        ValidationError: for a user's class that cannot be imported back (defined
            in ``__main__`` or inside a function).
    """
    out = {"simulation": {"duration": float(1000.0 if duration is None else duration), "seed": int(seed),
                          **_declared(model)}}
    populations, inputs = [], []
    for part in model.populations.values():
        if isinstance(part, Population):
            populations.append(table(part, join("populations", len(populations))))
        else:
            inputs.append({"kind": type(part).__name__, **table(part, join("inputs", len(inputs)))})
    sections = {
        "populations": populations,
        "inputs": inputs,
        "modulators": [table(m, join("modulators", k)) for k, m in enumerate(model.modulators.values())],
        "projections": [table(p, join("projections", k)) for k, p in enumerate(model.projections.values())],
        "monitors": [{"kind": type(m).__name__, **table(m, join("monitors", k))}
                     for k, m in enumerate(model.monitors.values())],
        "events": [{"type": type(e).__name__, **table(e, join("events", k))}
                   for k, e in enumerate(model.events.values())],
    }
    out.update((key, items) for key, items in sections.items() if items)
    if model.protocol is not None:
        p = model.protocol
        out["protocol"] = {"repeat": p.repeat, "start": p.start}
        if p.phases:
            out["phases"] = [table(phase, join("phases", k)) for k, phase in enumerate(p.phases)]
    return out


def _declared(model: Model) -> dict:
    """The Model's own declared fields (dt, max_rate) for ``[simulation]``."""
    out = {}
    for name, key in layout(Model).keys.items():
        if key.spec is not None:
            value = getattr(model, name)
            out[name] = False if value is None and key.false_is_none else plain(value)
    return out


def table(obj, path: str) -> dict:
    """The table of one model part (see module doc); ``path`` names it in errors."""
    out, nested = {}, {}
    omit = OMIT_EMPTY.get(type(obj), ())
    for name, key in layout(type(obj)).keys.items():
        value = getattr(obj, name)
        if value is None:
            if key.false_is_none:
                out[name] = False
        elif name in omit and not len(value):
            continue
        elif isinstance(key.spec, Parts):
            nested[name] = [rule(r, join(join(path, name), j)) for j, r in enumerate(value)]
        elif isinstance(key.spec, Part):
            out.update(_part(name, value, join(path, name)))
        elif isinstance(key.spec, Table):
            out[name] = {k: plain(v) for k, v in value.items()}
        else:
            out[name] = plain(value)
    return {**out, **nested}


def _part(name: str, value, path: str) -> dict:
    """A neuron model as ``model`` + ``params``; a connectivity as ``{kind = ..., ...}``."""
    from ..model.neurons import NeuronModel

    if isinstance(value, NeuronModel):
        return {name: kinds.neuron_model_name(type(value), path), "params": table(value, path)}
    return {name: {"kind": type(value).__name__, **table(value, path)}}


def rule(r, path: str) -> dict:
    """``{rule = name, **fields}``; a gated rule adds ``gate = {modulator, gain, reference, events}``."""
    from ..plasticity.gating import GATE_FIELDS, GatedRule
    from ..plasticity.rule import NeuronRule

    if isinstance(r, GatedRule):
        gate = {f.removeprefix("gate_"): plain(getattr(r, f)) for f in GATE_FIELDS}
        return {**rule(r.inner(), path), "gate": gate}
    name = kinds.rule_name(type(r), path, neuron=isinstance(r, NeuronRule))
    return {"rule": name, **table(r, path)}


def plain(value):
    """numpy scalars and arrays -> Python numbers and lists; a distribution -> its table."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (tuple, list)):
        return [plain(x) for x in value]
    if isinstance(value, Distribution):
        name = next(k for k, cls in DISTRIBUTIONS.items() if type(value) is cls)
        return {"dist": name, **table(value, "")}
    return value
