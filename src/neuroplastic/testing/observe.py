"""What the checks read from a harness network, and how they compare it.

Snapshots are dicts ``name -> array copy``, so two runs (or two copies in one
run) are compared name by name, bit for bit, and a failure names the first
thing that differs.
"""
from __future__ import annotations

import functools

import numpy as np

from ..errors import SimulationError
from .cases import as_case

PARTS = ("syn", "pre", "post", "glob")


def contract_check(fn):
    """Make ``fn(case)`` a public check ``fn(obj)``: it accepts a rule, a neuron
    model or a Case, and its AssertionError names the object and the check."""
    @functools.wraps(fn)
    def run_check(obj):
        case = as_case(obj)
        try:
            fn(case)
        except AssertionError as e:
            raise AssertionError(f"{case.label} fails {fn.__name__}: {e}") from None
    return run_check


def advance(net, duration: float):
    """Run ``net``; a run that blows up fails the check with the engine's message."""
    try:
        return net.run(duration)
    except SimulationError as e:
        raise AssertionError(f"the run stopped: {e}") from None


def weights(net, k: int) -> dict:
    """Weights and synapses of projection ``p<k>``."""
    pre, post = net.synapses(f"p{k}")
    return {"weights": net.weights(f"p{k}"), "synapse pre": pre, "synapse post": post,
            "synapse ids": net.synapse_ids(f"p{k}")}


def rule_state(net, k: int, index: int) -> dict:
    """State the ``index``-th rule of projection ``p<k>`` declared (copies)."""
    st = net.rule_state(f"p{k}", index)
    return {f"state {part}.{name}": np.array(a) for part, group in zip(PARTS, st[:4])
            for name, a in zip(group._fields, group)}


def neuron_rule_state(net, k: int, index: int) -> dict:
    """State of the ``index``-th neuron rule of population ``n<k>`` (copies)."""
    st = net.neuron_rule_state(f"n{k}", index)
    return {f"state {part}.{name}": np.array(a) for part, group in zip(("neuron", "glob"), st[:2])
            for name, a in zip(group._fields, group)}


def population(net, k: int, model, recorded: bool = True) -> dict:
    """Every state variable of population ``n<k>``, and what was recorded of it."""
    out = {f"{v} of n{k}": net.state(f"n{k}", v).copy() for v in model.state_variables}
    if not recorded:
        return out
    if model.graded:
        out[f"recorded {model.activity_variable} of n{k}"] = net.monitor(f"state_n{k}")[model.activity_variable]
    else:
        i, t = net.spikes(f"n{k}")
        out[f"spike indices of n{k}"], out[f"spike times of n{k}"] = i, t
    return out


def activity_count(net, k: int, model) -> float:
    """Spikes of population ``n<k>`` (or summed |activity| of graded units)."""
    if model.graded:
        return float(np.abs(net.monitor(f"state_n{k}")[model.activity_variable]).sum())
    return float(len(net.spikes(f"n{k}")[0]))


def difference(a: dict, b: dict) -> str | None:
    """The first entry that differs between two snapshots, described; None if equal."""
    for key in a:
        x, y = np.asarray(a[key]), np.asarray(b[key])
        if x.shape != y.shape:
            return f"{key}: shape {x.shape} vs {y.shape}"
        if not np.array_equal(x, y, equal_nan=x.dtype.kind == "f"):
            if x.dtype.kind in "fiu":
                gap = np.abs(x.astype(float) - y.astype(float))
                k = int(np.nanargmax(np.where(np.isnan(gap), np.inf, gap)))
                return (f"{key}: at index {k} {float(x.flat[k]):.10g} vs {float(y.flat[k]):.10g} "
                        f"(max |difference| {gap.flat[k]:.3g})")
            return f"{key}: differs"
    return None


def not_finite(snapshot: dict) -> str | None:
    """The first entry with a NaN or infinite value, described; None if all finite."""
    for key, x in snapshot.items():
        x = np.asarray(x)
        if x.dtype.kind == "f" and not np.all(np.isfinite(x)):
            k = int(np.flatnonzero(~np.isfinite(x))[0])
            return f"{key}[{k}] = {float(x.flat[k])}"
    return None


def shapes(snapshot: dict) -> dict:
    return {key: np.shape(x) for key, x in snapshot.items()}
