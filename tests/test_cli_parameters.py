"""Declared experiment parameters: every experiment declares every parameter, and
resolve converts and checks values against the declarations."""
from __future__ import annotations

import pytest

from neuroplastic.errors import ValidationError
from neuroplastic.experiments import Experiment, Param, Relation, all_experiments, get

EXPERIMENTS = all_experiments()


@pytest.mark.parametrize("exp", EXPERIMENTS, ids=lambda e: e.name)
def test_every_parameter_is_declared_with_a_description_and_sensible_unit(exp):
    assert set(exp.parameters) == set(exp.defaults)
    for key, p in exp.parameters.items():
        assert p.doc and p.default == exp.defaults[key]
        if key == "dt" or key.startswith("tau") or key.endswith("_ms") or key in ("duration", "period"):
            assert p.unit == "ms", key
        if key == "rate" or key.endswith("_rate") or (key.startswith("rate_") and not key.endswith(("_bin", "_window"))):
            assert p.unit == "Hz", key
    assert exp.resolve(scale="reduced") and exp.resolve(scale="full")


@pytest.mark.parametrize("exp", [e for e in EXPERIMENTS if "duration" in e.defaults], ids=lambda e: e.name)
def test_a_negative_duration_is_rejected_naming_the_field(exp):
    with pytest.raises(ValidationError, match="duration must be > 0 ms, got -5") as err:
        exp.resolve({"duration": "-5"})
    assert err.value.field == "duration"


@pytest.mark.parametrize("name, overrides, field, fragment", [
    ("song2000", {"drive": "voltage"}, "drive", "must be one of 'conductance', 'fixed'"),
    ("izhikevich2007", {"late_from": "4e6"}, "late_from", "must be < duration"),
    ("oja-pca", {"eigenvalues": "3,2"}, "eigenvalues", "must have dim = 3 entries"),
    ("oja-pca", {"eigenvalues": "3,-1,1"}, "eigenvalues[1]", "must be > 0"),
    ("coba", {"n_exc": "2.5"}, "n_exc", "must be of type int"),
    ("coba", {"p_connect": "1.5"}, "p_connect", "must be <= 1"),
    ("coba", {"tau_m": "nan"}, "tau_m", "must be finite"),
    ("attention-gating", {"control": "maybe"}, "control", "must be of type bool"),
    ("attention-gating", {"n_attended": "4"}, "n_attended", "must be < n_groups"),
    ("sorn-counting", {"n_u": "40"}, "n_u", "must be <= 0.166667 * n_e"),
])
def test_declared_constraints_are_checked(name, overrides, field, fragment):
    with pytest.raises(ValidationError, match=fragment.replace("*", r"\*").replace("[", r"\[")) as err:
        get(name).resolve(overrides)
    assert err.value.field == field


def test_values_are_converted_to_the_declared_type():
    c = get("lesion-recovery").resolve({"target_rate": "none", "n_exc": "400", "denervated": "vacant"})
    assert c["target_rate"] is None and c["n_exc"] == 400 and type(c["n_exc"]) is int
    assert get("lesion-recovery").resolve({"target_rate": "4.5"})["target_rate"] == 4.5
    c = get("attention-gating").resolve({"control": "no", "dt": 1})
    assert c["control"] is False and c["dt"] == 1.0 and type(c["dt"]) is float
    assert get("sjostrom-triplet").resolve({"freqs": "[1, 2]"})["freqs"] == [1.0, 2.0]


def test_declarations_are_checked_when_registered():
    run = lambda c, seed=0, progress=False: None   # noqa: E731
    with pytest.raises(ValueError, match="differ in"):
        Experiment("x", "", run, {"a": 1.0}, {}, (), parameters={"b": Param(1.0, "b")})
    with pytest.raises(ValidationError, match="a must be > 0"):
        Experiment("x", "", run, {"a": 1.0}, {"a": -1.0}, (), parameters={"a": Param(1.0, "a", gt=0)})
    with pytest.raises(ValidationError, match="a must be < b"):
        Experiment("x", "", run, {"a": 2.0, "b": 1.0}, {}, (),
                   parameters={"a": Param(2.0, "a"), "b": Param(1.0, "b")}, relations=(Relation("a", "<", "b"),))


@pytest.mark.parametrize("param, text", [
    (Param(1.0, "x", "ms", gt=0), "> 0"),
    (Param(0.5, "x", ge=0, le=1), "[0, 1]"),
    (Param(0.5, "x", gt=0, lt=1), "(0, 1)"),
    (Param("a", "x", choices=("a", "b")), "'a' | 'b'"),
    (Param(True, "x"), "true | false"),
    (Param(-1.0, "x"), "any"),
])
def test_allowed_values_in_words(param, text):
    assert param.allowed() == text
