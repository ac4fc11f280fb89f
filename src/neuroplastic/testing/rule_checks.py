"""Contract checks for synaptic rules (on projections), structural ones included.

Each check builds the harness of :mod:`neuroplastic.testing.harness` (one
structure per rule, so one compiled kernel), runs it for a few hundred ms and
raises AssertionError naming the rule, the check and what went wrong.
"""
from __future__ import annotations

import numpy as np

from ..plasticity.rule import Structural
from . import harness as h
from . import observe as o
from .cases import Case


def copies(case: Case) -> list:
    """The rule lists of the harness copies: alone, identity after, identity
    before. A structural rule gets one copy per network: all copies would
    share the network's structural random generator, so they could not match."""
    rule, ident = case.obj, h.IdentityRule()
    if isinstance(rule, Structural):
        return [[rule]]
    return [[rule], [rule, ident], [ident, rule]]


def _snapshot(net, k: int = 0, index: int = 0) -> dict:
    return {**o.weights(net, k), **o.rule_state(net, k, index)}


@o.contract_check
def check_rule_still_without_spikes(case: Case) -> None:
    """With silent inputs (no spike anywhere; modulators still released) the
    weights, the synapses and the rule's state do not change."""
    net = h.rule_network(case, copies(case), driven=False)
    model = h.drive_for(case).model
    before = _snapshot(net)
    o.advance(net, h.duration(case))
    assert o.activity_count(net, 0, model) == 0, "the harness was meant to be silent but its neurons fired"
    diff = o.difference(before, _snapshot(net))
    assert diff is None, (f"without any spike, {diff}. A rule that changes weights or its state with no spike "
                          f"by design says so: Case(rule, acts_without_spikes=True)")


@o.contract_check
def check_rule_bounded_and_finite(case: Case) -> None:
    """Under drive the weights stay finite and within the projection's bounds
    [w_min, w_max]; the rule's state stays finite and keeps its shapes (per
    synapse: the synapse store's capacity, per neuron: the population sizes)."""
    drive = h.drive_for(case)
    net = h.rule_network(case, copies(case))
    before = o.shapes(o.rule_state(net, 0, 0))
    o.advance(net, drive.duration)
    state = o.rule_state(net, 0, 0)
    w = net.weights("p0")
    bad = o.not_finite({"weights": w, **state})
    assert bad is None, f"not finite under drive: {bad}"
    assert w.min() >= 0.0 and w.max() <= drive.w_max, \
        f"weights left the bounds [0, {drive.w_max:g}]: min {w.min():g}, max {w.max():g}"
    after = o.shapes(state)
    structural = isinstance(case.obj, Structural)
    for key, shape in before.items():
        if not (structural and key.startswith("state syn.")):
            assert after[key] == shape, f"{key} changed shape from {shape} to {after[key]}"
    per_synapse = {shape for key, shape in after.items() if key.startswith("state syn.")}
    if structural and per_synapse:   # the store grows: per-synapse state follows its capacity
        assert len(per_synapse) == 1 and min(per_synapse)[0] >= len(w), \
            f"per-synapse state shapes {sorted(per_synapse)} do not cover the {len(w)} synapses alike"


@o.contract_check
def check_rule_composes_with_identity(case: Case) -> None:
    """[rule, Identity] and [Identity, rule] give exactly the weights, the
    rule's state and the postsynaptic activity of [rule] alone."""
    model = h.drive_for(case).model
    rule, ident = case.obj, h.IdentityRule()
    if isinstance(rule, Structural):
        runs = [o.advance(h.rule_network(case, [c]), h.duration(case))
                for c in ([rule], [rule, ident], [ident, rule])]
        views = [(net, 0) for net in runs]
    else:
        net = o.advance(h.rule_network(case, copies(case)), h.duration(case))
        views = [(net, 0), (net, 1), (net, 2)]
    index = (0, 0, 1)
    seen = [{**_snapshot(net, k, i), **_renamed(o.population(net, k, model), k)}
            for (net, k), i in zip(views, index)]
    for order, other in zip(("[rule, Identity]", "[Identity, rule]"), seen[1:]):
        diff = o.difference(seen[0], other)
        assert diff is None, f"{order} differs from [rule] alone: {diff}"


def _renamed(snapshot: dict, k: int) -> dict:
    return {key.replace(f"n{k}", "post"): x for key, x in snapshot.items()}


@o.contract_check
def check_rule_deterministic(case: Case) -> None:
    """Two networks built with the same seed give identical weights, synapses,
    rule state and activity; so does the same network after ``reset()``."""
    model = h.drive_for(case).model
    runs = []
    for _ in range(2):
        net = o.advance(h.rule_network(case, copies(case), seed=3), h.duration(case))
        runs.append({**_snapshot(net), **o.population(net, 0, model)})
    diff = o.difference(runs[0], runs[1])
    assert diff is None, f"the same seed gave different results: {diff}"
    o.advance(net.reset(), h.duration(case))
    diff = o.difference(runs[0], {**_snapshot(net), **o.population(net, 0, model)})
    assert diff is None, (f"after reset() the run differs: {diff} (is some state kept outside the "
                          f"declared synapse_state/pre_state/post_state/global_state?)")


@o.contract_check
def check_rule_acts_when_driven(case: Case) -> None:
    """Under drive the rule does something: its weights, synapses or state
    change (a rule that passes every other check by doing nothing fails here)."""
    net = h.rule_network(case, copies(case))
    model = h.drive_for(case).model
    before = _snapshot(net)
    o.advance(net, h.duration(case))
    assert o.difference(before, _snapshot(net)) is not None, \
        (f"under drive ({o.activity_count(net, 0, model):g} postsynaptic spikes or activity) neither the "
         f"weights, the synapses nor the rule's state changed")


@o.contract_check
def check_structural_invariants(case: Case) -> None:
    """After restructuring under drive: every synapse joins existing neurons,
    synapse ids are unique and never reused, weights stay finite and within
    bounds, and the count is unchanged when the Case says the rule conserves it."""
    drive = h.drive_for(case)
    net = h.rule_network(case, copies(case))
    ids0 = net.synapse_ids("p0")
    o.advance(net, drive.duration)
    pre, post = net.synapses("p0")
    ids, w = net.synapse_ids("p0"), net.weights("p0")
    n_pre = net.size(h.presynaptic(case))
    assert len(pre) == len(post) == len(ids) == len(w), "synapses, ids and weights disagree in length"
    assert np.all((pre >= 0) & (pre < n_pre)) and np.all((post >= 0) & (post < net.size("n0"))), \
        "a synapse joins a neuron that does not exist"
    assert len(np.unique(ids)) == len(ids), "two synapses share an id"
    new = np.setdiff1d(ids, ids0)
    assert len(new) == 0 or new.min() > ids0.max(), "an id of a removed synapse was given to a new one"
    assert np.all(np.isfinite(w)) and w.min() >= 0.0 and w.max() <= drive.w_max, \
        f"weights not finite or outside [0, {drive.w_max:g}]"
    if case.conserves_synapses:
        assert len(ids) == len(ids0), f"the synapse count changed from {len(ids0)} to {len(ids)}"


SYNAPTIC = (check_rule_still_without_spikes, check_rule_bounded_and_finite, check_rule_composes_with_identity,
            check_rule_deterministic, check_rule_acts_when_driven)
STRUCTURAL = (check_structural_invariants,)


def synaptic_checks(case: Case) -> list:
    """The checks that apply to a synaptic rule."""
    out = [c for c in SYNAPTIC if not (case.acts_without_spikes and c is check_rule_still_without_spikes)]
    return out + (list(STRUCTURAL) if isinstance(case.obj, Structural) else [])
