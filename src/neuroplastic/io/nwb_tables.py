"""The descriptive tables of an NWB export (``processing/network``): the model's
populations and projections, the run's metrics and targets, topology changes.

Every cell is a plain number or string: parameters are written as TOML text and
nested metrics are flattened to dotted names, so no cell holds a serialised
dictionary (which NWB best practice asks to unpack into columns).
"""
from __future__ import annotations

import json

import numpy as np
from hdmf.common import DynamicTable, VectorData

from .atomic import _to_toml_value, to_jsonable

MS = 1e-3
LONG_LIST = 64   # lists longer than this (spike-time inputs) are named by their length only


def table(table_name: str, description: str, **columns) -> DynamicTable:
    """A DynamicTable from ``column=(values, description)`` pairs."""
    cols = [VectorData(name=key, description=doc, data=list(values) if not isinstance(values, np.ndarray)
                       else values) for key, (values, doc) in columns.items()]
    return DynamicTable(name=table_name, description=description, columns=cols)


def populations_table(config: dict) -> DynamicTable | None:
    parts = [p for p in config.get("populations", []) + config.get("inputs", []) if "name" in p]
    if not parts:
        return None
    return table("populations", "populations and inputs of the model (parameters in the model's units: "
                                "ms, mV, nS, pF, pA, Hz)",
                 population=([p["name"] for p in parts], "population name"),
                 kind=([p.get("model", p.get("kind", "")) for p in parts], "neuron model or input kind"),
                 n=(np.array([int(p.get("n", -1)) for p in parts]), "neurons at build time (-1: not stated)"),
                 parameters=([_toml_fields(_parameters(p)) for p in parts], "model parameters as TOML"),
                 rules=([_rule_names(p) for p in parts], "neuron rules, in order"))


def projections_table(config: dict) -> DynamicTable | None:
    parts = config.get("projections", [])
    if not parts:
        return None
    return table("projections", "projections (synapses between populations); weights in the postsynaptic "
                                "model's unit (nS conductance, pA current)",
                 projection=([p["name"] for p in parts], "projection name"),
                 pre=([p["pre"] for p in parts], "presynaptic population"),
                 post=([p["post"] for p in parts], "postsynaptic population"),
                 connectivity=([_toml_fields(p.get("connectivity", {})) for p in parts], "connectivity as TOML"),
                 receptor=([p.get("receptor", "exc") for p in parts], "exc or inh"),
                 w_min=(np.array([float(p.get("w_min", -np.inf)) for p in parts]), "lower weight bound"),
                 w_max=(np.array([float(p.get("w_max", np.inf)) for p in parts]), "upper weight bound"),
                 rules=([_rule_names(p) for p in parts], "plasticity rules, in order (parameters in notes)"))


def metrics_table(metrics: dict) -> DynamicTable | None:
    """``metrics.json`` as rows (metric, value, json); nested values flattened to
    dotted names (``a.b``, ``a[0]``); targets and topology have their own tables,
    phases are the file's epochs."""
    rows = []
    for key in sorted(metrics):
        if key not in ("targets", "topology", "phases"):
            _flatten(key, to_jsonable(metrics[key]), rows)
    if not rows:
        return None
    numeric = np.array([float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else np.nan
                        for _, v in rows])
    return table("metrics", "results of the run (metrics.json), nested values under dotted names",
                 metric=([k for k, _ in rows], "metric name"),
                 value=(numeric, "numeric value (NaN when not a number)"),
                 json=([json.dumps(v) for _, v in rows], "the value as JSON (a number, string, null or list)"))


def _flatten(name: str, value, rows: list) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{name}.{key}", item, rows)
    elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        for k, item in enumerate(value):
            _flatten(f"{name}[{k}]", item, rows)
    else:
        rows.append((name, value))


def targets_table(metrics: dict) -> DynamicTable | None:
    """``metrics["targets"]``: each published target, its interval, the measured value, pass/fail."""
    rows = [r for r in metrics.get("targets") or [] if isinstance(r, dict)]
    if not rows:
        return None
    measured = [r.get("measured") for r in rows]
    return table("targets", "targets the run was compared with (neuroplastic reproduce)",
                 metric=([str(r.get("metric", "")) for r in rows], "metric name"),
                 target=([str(r.get("target", "")) for r in rows], "where the target comes from"),
                 interval=([str(r.get("tolerance", "")) for r in rows], "accepted closed interval"),
                 measured=(np.array([float(v) if isinstance(v, (int, float)) else np.nan for v in measured]),
                           "measured value (NaN when missing)"),
                 passed=(np.array([bool(r.get("passed")) for r in rows]), "whether the value is in the interval"))


def topology_table(metrics: dict) -> DynamicTable | None:
    rows = metrics.get("topology") or []
    if not rows:
        return None
    return table("topology", "lesions, neurogenesis and neuron removal during the run",
                 time=(np.array([float(r.get("t_ms", np.nan)) * MS for r in rows]), "time (s)"),
                 event=([str(r.get("event", "")) for r in rows], "event name"),
                 kind=([str(r.get("kind", "")) for r in rows], "what changed"),
                 target=([str(r.get("target", "")) for r in rows], "population or projection"),
                 count=(np.array([int(r.get("count", 0)) for r in rows]), "neurons or synapses concerned"))


def _parameters(part: dict) -> dict:
    """A population's model parameters, or an input's fields other than name, kind and n."""
    return part.get("params", {k: v for k, v in part.items() if k not in ("name", "kind", "n")})


def _toml_fields(d: dict) -> str:
    """A part's fields as TOML; lists longer than ``LONG_LIST`` (spike-time inputs)
    are named by their length only (the full values are in ``notes``)."""
    import tomli_w

    short = {k: (f"<{len(v)} values: see notes>" if isinstance(v, list) and len(v) > LONG_LIST else v)
             for k, v in d.items() if k != "rules"}
    return tomli_w.dumps(_to_toml_value(short, "")).strip()


def _rule_names(part: dict) -> str:
    return ", ".join(r.get("rule", "?") for r in part.get("rules", []) if isinstance(r, dict))
