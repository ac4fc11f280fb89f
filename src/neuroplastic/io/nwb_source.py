"""What a live network contributes to an NWB export: its config and recordings.

The recordings take the run-directory form (``docs/run-directory.md``), so a
network and a run directory are written by the same code
(:mod:`neuroplastic.io.nwb_layout`).
"""
from __future__ import annotations

import copy
import dataclasses

from ..errors import ValidationError
from ..model.modulators import ModulatorMonitor
from ..model.monitors import RateMonitor, SpikeMonitor, StateMonitor, WeightMonitor
from .nwb import Recording

# monitor type -> (recording kind, attribute naming what it records, arrays kept)
_FORMS = (
    (SpikeMonitor, "spikes", "population", ("i", "t")),
    (StateMonitor, "state", "population", None),
    (WeightMonitor, "weights", "projection", ("t", "w", "pre", "post")),
    (RateMonitor, "rate", "population", ("t", "rate")),
    (ModulatorMonitor, "modulator", "modulator", ("t", "level")),
)


def network_recordings(net) -> list[Recording]:
    """Every monitor of ``net`` as a :class:`Recording`, named by the monitor."""
    out = []
    for mon in net.model.monitors.values():
        for cls, kind, attr, keys in _FORMS:
            if isinstance(mon, cls):
                data = net.monitor(mon.name)
                keys = keys or ("t", "index") + tuple(mon.variables)
                out.append(Recording(kind, getattr(mon, attr), mon.name, {k: data[k] for k in keys}))
    return sorted(out, key=lambda r: r.name)


def network_config(net) -> dict:
    """The config dict of the network's model (``model_to_dict``).

    A model with rules that configs cannot express (user-defined rules) is
    described without them; each such projection or population lists its
    rules by class name under ``rules``.
    """
    from ..config import model_to_dict

    try:
        return model_to_dict(net.model, duration=net.t, seed=net.seed)
    except ValidationError:
        bare = copy.copy(net.model)
        bare.populations = {k: _without_rules(p) for k, p in net.model.populations.items()}
        bare.projections = {k: _without_rules(p) for k, p in net.model.projections.items()}
        config = model_to_dict(bare, duration=net.t, seed=net.seed)
        parts = {**net.model.populations, **net.model.projections}
        for entry in config.get("populations", []) + config.get("projections", []):
            rules = getattr(parts[entry["name"]], "rules", ())
            if rules:
                entry["rules"] = [{"rule": type(r).__name__} for r in rules]
        return config


def _without_rules(part):
    if dataclasses.is_dataclass(part) and "rules" in {f.name for f in dataclasses.fields(part)}:
        return dataclasses.replace(part, rules=())
    return part


def toml_text(config: dict) -> str:
    """``config`` as TOML text, as ``config.toml`` stores it."""
    import tomli_w

    from .atomic import _to_toml_value

    return tomli_w.dumps(_to_toml_value(config, ""))
