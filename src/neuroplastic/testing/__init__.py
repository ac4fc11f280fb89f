"""The conformance suite every rule and neuron model passes, built-in or yours.

Run every check on one object (the first failure raises AssertionError naming
the object, the check and what went wrong)::

    from neuroplastic.testing import check_rule, check_neuron_model, Case
    check_rule(MyRule(eta=0.01))
    check_rule(Case(MyHomeostasis(), acts_without_spikes=True))
    check_neuron_model(Case(MyNeuron(), weight=150.0))

or one pytest test per (object, check), with readable ids::

    from neuroplastic.testing import parametrize_with_checks

    @parametrize_with_checks([MyRule(eta=0.01), Case(MyHomeostasis(), acts_without_spikes=True)])
    def test_my_rules(obj, check):
        check(obj)

The checks that apply follow from the object's type and capabilities
(:func:`checks_for`): neuron models, synaptic rules (plus the structural
invariants for Structural rules) and neuron rules each have their own list.
What each check asserts is in its docstring and in docs/writing-a-rule.md.
:data:`EXAMPLES` holds an example of every built-in, :data:`EXEMPTIONS` the
checks a built-in is known to fail.
"""
from __future__ import annotations

from ..model.neurons import NeuronModel
from ..plasticity.rule import NeuronRule, Rule
from .builtins import EXAMPLES, EXEMPTIONS, builtin_classes, class_name, coverage_problems
from .cases import Case, as_case, describe
from .harness import IdentityNeuronRule, IdentityRule
from .neuron_checks import (check_neuron_deterministic, check_neuron_fires_under_drive,
                            check_neuron_rests_without_input, check_neuron_rule_acts_when_driven,
                            check_neuron_rule_composes_with_identity, check_neuron_rule_deterministic,
                            check_neuron_rule_finite_and_stable, check_neuron_rule_still_without_spikes,
                            check_neuron_state_finite_and_stable, neuron_rule_checks)
from .neuron_checks import MODEL as _MODEL_CHECKS
from .rule_checks import (check_rule_acts_when_driven, check_rule_bounded_and_finite,
                          check_rule_composes_with_identity, check_rule_deterministic,
                          check_rule_still_without_spikes, check_structural_invariants, synaptic_checks)


def checks_for(obj) -> list:
    """The checks that apply to a rule, neuron rule or neuron model (or Case)."""
    case = as_case(obj)
    if isinstance(case.obj, NeuronModel):
        return list(_MODEL_CHECKS)
    if isinstance(case.obj, NeuronRule):
        return neuron_rule_checks(case)
    return synaptic_checks(case)


def check_rule(obj, **expect) -> None:
    """Run every check that applies to a synaptic or neuron rule (or a Case of
    one); keywords are :class:`Case` fields (``acts_without_spikes=True``, ...)."""
    obj = Case(obj, **expect) if expect else obj
    if not isinstance(as_case(obj).obj, Rule):
        raise TypeError(f"check_rule needs a Rule or NeuronRule, got {type(as_case(obj).obj).__name__}")
    for check in checks_for(obj):
        check(obj)


def check_neuron_model(obj, **expect) -> None:
    """Run every neuron-model check on a model, given the drive ``weight``
    (``check_neuron_model(model, weight=150.0)``) or as a Case."""
    obj = Case(obj, **expect) if expect else obj
    if not isinstance(as_case(obj).obj, NeuronModel):
        raise TypeError(f"check_neuron_model needs a NeuronModel, got {type(as_case(obj).obj).__name__}")
    for check in checks_for(obj):
        check(obj)


def parametrize_with_checks(objects, exemptions: dict | None = None):
    """A ``pytest.mark.parametrize("obj, check", ...)`` over every (object,
    applicable check) pair, with ids ``<object>-<check name>``.

    Args:
        objects: rules, neuron rules, neuron models or Cases.
        exemptions: ``"ClassName.check_name" -> reason``: those pairs are
            expected to fail (a strict xfail: the test fails if they pass).
            An exemption that matches no pair raises ValueError.
    """
    import pytest

    exemptions = dict(exemptions or {})
    used, params = set(), []
    for obj in objects:
        case = as_case(obj)
        for check in checks_for(case):
            key = f"{class_name(case.obj)}.{check.__name__}"
            marks = ()
            if key in exemptions:
                used.add(key)
                marks = (pytest.mark.xfail(strict=True, raises=AssertionError, reason=exemptions[key]),)
            params.append(pytest.param(obj, check, marks=marks, id=f"{_id(case.label)}-{check.__name__}"))
    unused = sorted(set(exemptions) - used)
    if unused:
        raise ValueError(f"exemptions that match no (object, check) pair: {unused}")
    return pytest.mark.parametrize("obj, check", params)


def _id(label: str) -> str:
    return label.replace(", ", ",")


__all__ = [
    "Case", "EXAMPLES", "EXEMPTIONS", "IdentityRule", "IdentityNeuronRule", "as_case", "builtin_classes",
    "check_neuron_model", "check_rule", "checks_for", "class_name", "coverage_problems", "describe",
    "parametrize_with_checks",
    "check_neuron_state_finite_and_stable", "check_neuron_fires_under_drive", "check_neuron_rests_without_input",
    "check_neuron_deterministic",
    "check_rule_still_without_spikes", "check_rule_bounded_and_finite", "check_rule_composes_with_identity",
    "check_rule_deterministic", "check_rule_acts_when_driven", "check_structural_invariants",
    "check_neuron_rule_still_without_spikes", "check_neuron_rule_finite_and_stable",
    "check_neuron_rule_composes_with_identity", "check_neuron_rule_deterministic",
    "check_neuron_rule_acts_when_driven",
]
