"""Contract checks for neuron models and for neuron (intrinsic-plasticity) rules.

Neuron models run alone in a population of 20 driven by 200 inputs (each
neuron receives about 60 of them, at 40 Hz for Poisson inputs, values in
[0, 1) for rate units) through synapses of the Case's ``weight``. Neuron
rules run on the copies of :mod:`neuroplastic.testing.harness`:
``n0: [rule]``, ``n1: [rule, Identity]``, ``n2: [Identity, rule]``,
``n3: [Identity]`` (the same neurons without the rule).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..engine import Network
from ..model import Model, Pairs, Population, Projection
from . import harness as h
from . import observe as o
from .cases import Case

N_NEURONS, N_DRIVE, P_DRIVE, DRIVE_RATE = 20, 200, 0.3, 40.0


# --- neuron models -------------------------------------------------------------

def model_drive(case: Case) -> h.Drive:
    """The drive of a neuron model's harness (its weight comes from the Case)."""
    model = case.obj
    if case.weight is None:
        raise ValueError(f"{case.label}: say how strongly to drive it: Case(model, weight=...) in the model's "
                         f"synaptic unit (60 inputs at 40 Hz should make it fire at tens of Hz)")
    base = h.RATE if model.graded else h.BINARY if model.activity_variable else h.SPIKING
    return replace(base, model=model, weight=float(case.weight), w_max=np.inf, rate=DRIVE_RATE)


def model_network(case: Case, driven: bool, seed: int = 0) -> Network:
    drive = model_drive(case)
    m = Model(dt=drive.dt, max_rate=None)     # a neuron firing every step is caught by the checks
    m.add(h.source("x", N_DRIVE, drive, driven))
    m.add(Population("n0", N_NEURONS, drive.model))
    i, j, w = h.layout(N_DRIVE, N_NEURONS, P_DRIVE, drive.weight)
    m.add(Projection("p0", "x", "n0", Pairs(i, j), weight=w))
    m.add(h.observer("n0", drive.model))
    return Network(m, seed=seed)


@o.contract_check
def check_neuron_state_finite_and_stable(case: Case) -> None:
    """Under drive every state variable stays finite and keeps its shape."""
    net = model_network(case, driven=True)
    before = o.shapes(o.population(net, 0, case.obj))
    o.advance(net, model_drive(case).duration)
    after = o.population(net, 0, case.obj)
    bad = o.not_finite(after)
    assert bad is None, f"not finite under drive: {bad}"
    for key in case.obj.state_variables:
        key = f"{key} of n0"
        assert np.shape(after[key]) == before[key], f"{key} changed shape from {before[key]} to {np.shape(after[key])}"


@o.contract_check
def check_neuron_fires_under_drive(case: Case) -> None:
    """Under drive the neurons fire, but no neuron in every step (graded units:
    their activity varies in time); spike indices and times are valid."""
    drive = model_drive(case)
    net = o.advance(model_network(case, driven=True), drive.duration)
    steps = round(drive.duration / drive.dt)
    if case.obj.graded:
        a = net.monitor("state_n0")[case.obj.activity_variable]
        assert np.all(np.isfinite(a)) and np.ptp(a, axis=0).max() > 0, "the activity does not respond to drive"
        return
    i, t = net.spikes("n0")
    assert len(t) > 0, f"no spike in {drive.duration:g} ms of drive (weight {drive.weight:g}); raise the weight"
    counts = np.bincount(i, minlength=N_NEURONS)
    assert counts.max() < steps, f"neuron {int(counts.argmax())} fired in every one of the {steps} steps"
    assert np.all((i >= 0) & (i < N_NEURONS)), "spike indices outside the population"
    assert np.all(np.diff(t) >= 0) and t.min() >= 0 and t.max() < drive.duration, "spike times out of order"


@o.contract_check
def check_neuron_rests_without_input(case: Case) -> None:
    """Without input no neuron fires (graded units: the activity settles and
    stays constant over the second half of the run), and identical neurons
    stay identical and finite."""
    net = o.advance(model_network(case, driven=False), model_drive(case).duration)
    if case.obj.graded:
        a = net.monitor("state_n0")[case.obj.activity_variable]
        late = a[len(a) // 2:]
        assert np.ptp(late) == 0, f"the activity still changes without input (range {np.ptp(late):g})"
    else:
        assert len(net.spikes("n0")[0]) == 0, f"{len(net.spikes('n0')[0])} spikes without input"
    for v in case.obj.state_variables:
        x = net.state("n0", v)
        assert np.all(np.isfinite(x)), f"{v} not finite at rest"
        assert np.all(x == x[0]), f"identical neurons differ at rest in {v} (range {np.ptp(x):g})"


@o.contract_check
def check_neuron_deterministic(case: Case) -> None:
    """The same seed gives identical spikes and state; so does ``reset()``."""
    ms = model_drive(case).duration
    runs = [o.population(o.advance(model_network(case, True, seed=5), ms), 0, case.obj) for _ in range(2)]
    assert (diff := o.difference(*runs)) is None, f"the same seed gave different results: {diff}"
    net = o.advance(model_network(case, True, seed=5), ms)
    again = o.population(o.advance(net.reset(), ms), 0, case.obj)
    assert (diff := o.difference(runs[0], again)) is None, f"after reset() the run differs: {diff}"


MODEL = (check_neuron_state_finite_and_stable, check_neuron_fires_under_drive, check_neuron_rests_without_input,
         check_neuron_deterministic)


# --- neuron rules ----------------------------------------------------------------

def rule_copies(case: Case) -> list:
    """Population rule lists: alone, identity after, identity before, identity only."""
    ident = h.IdentityNeuronRule()
    return [[case.obj], [case.obj, ident], [ident, case.obj], [ident]]


def _snapshot(net, case: Case, k: int = 0, index: int = 0, recorded: bool = True) -> dict:
    model = h.drive_for(case).model
    return {**o.neuron_rule_state(net, k, index), **_renamed(o.population(net, k, model, recorded), k)}


def _renamed(snapshot: dict, k: int) -> dict:
    return {key.replace(f"n{k}", "the population"): x for key, x in snapshot.items()}


@o.contract_check
def check_neuron_rule_still_without_spikes(case: Case) -> None:
    """With silent inputs (no spike; modulators still released) neither the
    rule's state nor its population's variables change."""
    net = h.rule_network(case, rule_copies(case), driven=False)
    before = _snapshot(net, case, recorded=False)
    o.advance(net, h.duration(case))
    diff = o.difference(before, _snapshot(net, case, recorded=False))
    assert diff is None, (f"without any spike, {diff}. A rule that acts with no spike by design "
                          f"says so: Case(rule, acts_without_spikes=True)")


@o.contract_check
def check_neuron_rule_finite_and_stable(case: Case) -> None:
    """Under drive the rule's state and its population's variables stay finite,
    and the rule's state keeps its shapes."""
    net = h.rule_network(case, rule_copies(case))
    before = o.shapes(o.neuron_rule_state(net, 0, 0))
    o.advance(net, h.duration(case))
    after = _snapshot(net, case)
    assert (bad := o.not_finite(after)) is None, f"not finite under drive: {bad}"
    for key, shape in before.items():
        assert np.shape(after[key]) == shape, f"{key} changed shape from {shape} to {np.shape(after[key])}"


@o.contract_check
def check_neuron_rule_composes_with_identity(case: Case) -> None:
    """[rule, Identity] and [Identity, rule] give exactly the state and activity of [rule]."""
    net = o.advance(h.rule_network(case, rule_copies(case)), h.duration(case))
    alone = _snapshot(net, case, 0, 0)
    for k, index, order in ((1, 0, "[rule, Identity]"), (2, 1, "[Identity, rule]")):
        diff = o.difference(alone, _snapshot(net, case, k, index))
        assert diff is None, f"{order} differs from [rule] alone: {diff}"


@o.contract_check
def check_neuron_rule_deterministic(case: Case) -> None:
    """The same seed gives identical results; so does ``reset()``."""
    ms = h.duration(case)
    runs = [_snapshot(o.advance(h.rule_network(case, rule_copies(case), seed=3), ms), case) for _ in range(2)]
    assert (diff := o.difference(*runs)) is None, f"the same seed gave different results: {diff}"
    net = o.advance(h.rule_network(case, rule_copies(case), seed=3), ms)
    again = _snapshot(o.advance(net.reset(), ms), case)
    assert (diff := o.difference(runs[0], again)) is None, f"after reset() the run differs: {diff}"


@o.contract_check
def check_neuron_rule_acts_when_driven(case: Case) -> None:
    """Under drive the rule changes its state, or its population behaves
    differently from the same population without the rule."""
    net = h.rule_network(case, rule_copies(case))
    model = h.drive_for(case).model
    state0 = o.neuron_rule_state(net, 0, 0)
    o.advance(net, h.duration(case))
    changed = o.difference(state0, o.neuron_rule_state(net, 0, 0))
    differs = o.difference(_renamed(o.population(net, 0, model), 0), _renamed(o.population(net, 3, model), 3))
    assert changed or differs, "under drive the rule changed neither its state nor its population's activity"


NEURON_RULE = (check_neuron_rule_still_without_spikes, check_neuron_rule_finite_and_stable,
               check_neuron_rule_composes_with_identity, check_neuron_rule_deterministic,
               check_neuron_rule_acts_when_driven)


def neuron_rule_checks(case: Case) -> list:
    """The checks that apply to a neuron rule."""
    return [c for c in NEURON_RULE if not (case.acts_without_spikes and c is check_neuron_rule_still_without_spikes)]
