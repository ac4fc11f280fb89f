"""The config layer reads its schema off the model's declarations: new classes need no
config change, every class round-trips, numeric lists are read at once, and the model
layer does not import the layers above it."""
import ast
import dataclasses
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import neuroplastic as npl
import neuroplastic.model as model_pkg
import neuroplastic.plasticity as plasticity
from neuroplastic.config import config_from_dict, describe, layout, model_to_dict
from neuroplastic.config import kinds, parts, values, write
from neuroplastic.config.context import Context
from neuroplastic.model.neurons import NeuronModel
from neuroplastic.model.spec import (Choice, Indices, Integer, Matrix, Name, Number, Numbers, Value)
from neuroplastic.plasticity.rule import Rule

SRC = Path(npl.__file__).resolve().parent


# -- a user's classes: declared, never mentioned by the config layer ------------------

@dataclass(frozen=True)
class Resonator(NeuronModel):
    """A made-up neuron model (only its declarations matter here)."""

    tau: object = 10.0
    omega: float = 0.1
    branches: int = 2
    mode: str = "fast"

    constraints = {"tau": Number("ms", gt=0, array=True), "omega": Number("1/ms", ge=0),
                   "branches": Integer(ge=1, le=8), "mode": Choice(options=("fast", "slow"))}
    state_variables = ("v", "u")

    def default_initial(self):
        return {"v": 0.0, "u": 0.0}


@dataclass(frozen=True)
class WindowedSTDP(npl.PairSTDP):
    """Pair STDP with an integer field (a user's rule)."""

    window: int = 3

    constraints = {**npl.PairSTDP.constraints, "window": Integer(ge=1, le=100)}


def _user_config(**params) -> dict:
    return {"simulation": {"duration": 10.0},
            "populations": [{"name": "r", "n": 3, "model": f"{Resonator.__module__}:Resonator",
                             "params": params, "initial": {"u": 1.0}}]}


def _error(d) -> npl.ValidationError:
    with pytest.raises(npl.ValidationError) as info:
        config_from_dict(d)
    return info.value


def test_a_users_neuron_model_is_read_from_its_declarations():
    cfg = config_from_dict(_user_config(tau=[10.0, "20 ms", "0.03 s"], omega="0.2 1/ms", branches=3, mode="slow"))
    neuron = cfg.model.populations["r"].model
    assert type(neuron) is Resonator
    np.testing.assert_array_equal(neuron.tau, [10.0, 20.0, 30.0])
    assert neuron.omega == pytest.approx(0.2) and neuron.branches == 3 and type(neuron.branches) is int
    d = model_to_dict(cfg.model, duration=10.0)
    assert d["populations"][0]["model"] == f"{Resonator.__module__}:Resonator"
    assert model_to_dict(config_from_dict(d).model, duration=10.0) == d


@pytest.mark.parametrize("params, field, allowed", [
    ({"branches": 2.0}, "populations[0].params.branches", "must be an integer"),
    ({"branches": 9}, "populations[0].params.branches", "must be <= 8"),
    ({"mode": "fsat"}, "populations[0].params.mode", "did you mean 'fast'"),
    ({"mode": 1}, "populations[0].params.mode", "must be a string, one of 'fast', 'slow'"),
    ({"omgea": 0.1}, "populations[0].params.omgea", "did you mean 'omega'"),
    ({"tau": [1.0, 2.0]}, "populations[0].params.tau", "one value per neuron (3)"),
    ({"tau": [1.0, -2.0, 3.0]}, "populations[0].params.tau", "must be > 0 ms"),
    ({"omega": "2 ms"}, "populations[0].params.omega", "must be in 1/ms"),
])
def test_a_users_neuron_model_errors_name_the_path(params, field, allowed):
    err = _error(_user_config(**params))
    assert err.field == field and allowed in err.allowed, str(err)


def test_unknown_initial_key_of_a_users_model_lists_its_state_variables():
    d = _user_config()
    d["populations"][0]["initial"] = {"w": 0.0}
    err = _error(d)
    assert err.field == "populations[0].initial.w" and "allowed keys: v, u" in err.allowed


def test_a_users_neuron_model_by_a_bad_import_path():
    d = _user_config()
    d["populations"][0]["model"] = "neuroplastic.model:Population"
    assert "must name a NeuronModel subclass" in _error(d).allowed


def _rule_model(rule) -> npl.Model:
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("in", 2, rate=5.0))
    m.add(npl.Population("out", 2, npl.LIF()))
    m.add(npl.Projection("p", "in", "out", npl.AllToAll(), weight=1.0, w_min=0.0, w_max=2.0, rules=[rule]))
    return m


def test_a_users_rule_keeps_its_integer_field_through_config_and_checkpoint():
    from neuroplastic.io.description import describe as describe_model, read_model

    d = model_to_dict(_rule_model(WindowedSTDP(window=5)), duration=10.0)
    rule_table = d["projections"][0]["rules"][0]
    assert rule_table["rule"] == f"{WindowedSTDP.__module__}:WindowedSTDP" and rule_table["window"] == 5
    rule_table["tau_plus"] = "0.02 s"
    rule = config_from_dict(d).model.projections["p"].rules[0]
    assert type(rule.window) is int and rule.window == 5 and rule.tau_plus == 20.0
    text, arrays = describe_model(config_from_dict(d).model, seed=0)
    again = read_model(text, arrays, "<checkpoint>").projections["p"].rules[0]
    assert type(again.window) is int and again == rule
    rule_table["window"] = 2.5
    assert _error(d).field == "projections[0].rules[0].window"


# -- every class round-trips ----------------------------------------------------------------

def _sample(spec):
    """A valid value for a required field, from its declaration alone."""
    if isinstance(spec, Name):
        return {"projection": "proj", "modulator": "m"}.get(spec.refers_to, "p")
    if isinstance(spec, Integer):
        return (spec.ge or 0) + 2
    if isinstance(spec, Indices):
        return [0, 1]
    if isinstance(spec, Matrix):
        return [[1.0, 2.0]]
    if isinstance(spec, (Numbers,)):
        return [1.0, 2.0]
    if isinstance(spec, Number):
        lo = next((b for b in (spec.ge, spec.gt) if b is not None), 0.0)
        hi = next((b for b in (spec.le, spec.lt) if b is not None), lo + 1.0)
        return (lo + hi) / 2
    raise AssertionError(spec)


#: Relations between fields that no single declaration states.
_EXTRA = {"Lesion": {"population": "p"}}


def _table(cls) -> dict:
    lay = layout(cls)
    return {**{name: _sample(key.spec) for name, key in lay.keys.items() if key.required},
            **_EXTRA.get(cls.__name__, {})}


_KINDS = [(name, cls, table, key) for table, key in ((kinds.CONNECTIVITY, "kind"), (kinds.INPUTS, "kind"),
                                                       (kinds.MONITOR_KINDS, "kind"), (kinds.EVENTS, "type"),
                                                       (kinds.DISTRIBUTIONS, "dist"))
          for name, cls in table.items()]


@pytest.mark.parametrize("name, cls, table, key", _KINDS, ids=[k[0] for k in _KINDS])
def test_every_kind_round_trips_table_object_table(name, cls, table, key):
    ctx = Context("<test>")
    obj = parts.part(ctx, "x", {key: name, **_table(cls)}, table, key)
    written = {key: name, **write.table(obj, "x")}
    assert set(written) == {key} | {f for f in layout(cls).names if getattr(obj, f) is not None}
    again = parts.part(ctx, "x", written, table, key)
    assert {key: name, **write.table(again, "x")} == written


@pytest.mark.parametrize("name", list(kinds.NEURON_MODELS))
def test_every_neuron_model_round_trips(name):
    ctx = Context("<test>")
    neuron = parts.neuron_model(ctx, "p", {"model": name}, 3)
    written = write._part("model", neuron, "p")
    assert set(written["params"]) == set(layout(type(neuron)).names)
    assert write._part("model", parts.neuron_model(ctx, "p", written, 3), "p") == written


_RULES = [cls for cls in map(plasticity.__dict__.get, plasticity.__all__)
          if isinstance(cls, type) and issubclass(cls, Rule) and cls not in (Rule, plasticity.NeuronRule)
          and dataclasses.is_dataclass(cls)]


@pytest.mark.parametrize("cls", _RULES, ids=[c.__name__ for c in _RULES])
def test_every_exported_rule_round_trips(cls):
    ctx, neuron = Context("<test>"), issubclass(cls, plasticity.NeuronRule)
    written = write.rule(cls(), "r")
    assert set(written) == {"rule"} | set(layout(cls).names)
    again = parts.rule(ctx, "r", written, neuron)
    assert again == cls() and write.rule(again, "r") == written


def test_every_exported_model_class_is_readable():
    """Each concrete class of neuroplastic.model is a kind of some table, or a table of its own."""
    readable = {*kinds.NEURON_MODELS.values(), *kinds.CONNECTIVITY.values(), *kinds.DISTRIBUTIONS.values(),
                *kinds.INPUTS.values(), *kinds.MONITOR_KINDS.values(),
                npl.Population, npl.Projection, npl.Modulator, npl.Model, npl.Phase, npl.Protocol}
    exported = {getattr(model_pkg, n) for n in model_pkg.__all__ if isinstance(getattr(model_pkg, n), type)}
    bases = {model_pkg.Connectivity, model_pkg.Distribution, model_pkg.NeuronModel}
    assert exported - bases <= readable


def test_describe_reads_the_layout_off_the_declarations():
    rows = {key: (kind, default) for key, kind, default in describe(npl.Projection)}
    assert rows["name"] == ("string", "required") and rows["delay"][1] == "0.0"
    assert rows["rules"][0] == "array of tables" and "distribution table" in rows["weight"][0]
    assert "weight_unit" not in rows   # not a constructor field


# -- numeric lists: one numpy conversion, same values and errors as item by item --------

def _lif(tau_m) -> dict:
    return {"simulation": {"duration": 5.0},
            "populations": [{"name": "e", "n": 3, "model": "LIF", "params": {"tau_m": tau_m}}]}


def test_numeric_lists_are_converted_at_once_and_mixed_lists_item_by_item():
    assert isinstance(values.numeric_array([1, 2.5, 3]), np.ndarray)
    for mixed in ([1.0, "2 ms"], [1.0, True], [1.0, None], [1.0, [2.0]]):
        assert values.numeric_array(mixed) is mixed


@pytest.mark.parametrize("plain, mixed", [
    ([12.0, 20, 30.5], [12.0, "20 ms", "0.0305 s"]),
    ([5.0], ["5 ms"]),
])
def test_fast_and_item_paths_read_the_same_values(plain, mixed):
    d = {"simulation": {"duration": 5.0},
         "populations": [{"name": "e", "n": len(plain), "model": "LIF", "params": {}}]}
    read = []
    for v in (plain, mixed, np.asarray(plain)):
        d["populations"][0]["params"]["tau_m"] = v
        read.append(config_from_dict(d).model.populations["e"].model.tau_m)
    for arr in read:
        assert arr.dtype == np.float64
        np.testing.assert_array_equal(arr, read[0])


@pytest.mark.parametrize("bad, field", [
    ([12.0, -1.0, 30.0], "populations[0].params.tau_m"),
    ([12.0, True, 30.0], "populations[0].params.tau_m[1]"),
    ([12.0, None, 30.0], "populations[0].params.tau_m[1]"),
    ([12.0, "x", 30.0], "populations[0].params.tau_m[1]"),
    ([12.0, 10**400, 30.0], "populations[0].params.tau_m[1]"),
])
def test_fast_and_item_paths_give_the_same_errors(bad, field):
    """A list that is all numbers but one quantity goes item by item; the errors are the same."""
    fast, item = _error(_lif(bad)), _error(_lif(bad[:2] + ["30 ms"]))
    assert fast.field == item.field == field
    assert fast.allowed == item.allowed


def _values_input(values) -> dict:
    return {"simulation": {"duration": 5.0}, "inputs": [{"kind": "ValueInput", "name": "x", "values": values}]}


def test_matrix_rows_from_lists_arrays_and_checkpoints_are_the_same():
    rows = [[0.0, 1.0], [2.0, 3]]
    read = [config_from_dict(_values_input(v)).model.populations["x"].values
            for v in (rows, [np.asarray(r, float) for r in rows], np.asarray(rows, float))]
    for arr in read:
        np.testing.assert_array_equal(arr, [[0.0, 1.0], [2.0, 3.0]])
    assert _error(_values_input([[1.0, 2.0], [1.0]])).allowed == "must all have the same length"
    assert _error(_values_input([np.ones(2), np.ones(1)])).allowed == "must all have the same length"
    err = _error(_values_input([[1.0, 2.0], [1.0, True]]))
    assert (err.field, err.allowed) == ("inputs[0].values[1][1]", "must be a number")


@pytest.mark.parametrize("indices, field, allowed", [
    ([0, -1, 1], "inputs[0].indices[1]", "must be >= 0"),
    ([0, 1.5, 1], "inputs[0].indices[1]", "must be an integer"),
    ([0, 2, 1], "inputs[0].indices[1]", "must be <= 1"),
])
def test_index_lists_and_arrays_give_the_same_errors(indices, field, allowed):
    def config(v):
        return {"simulation": {"duration": 5.0},
                "inputs": [{"kind": "SpikeTimes", "name": "s", "n": 2, "indices": v, "times": [1.0, 2.0, 3.0]}]}

    errors = [_error(config(indices))]
    if all(isinstance(i, int) for i in indices):
        errors.append(_error(config(np.asarray(indices))))
    for err in errors:
        assert err.field == field and allowed in err.allowed, str(err)


# -- experiments, the old import path, layering -----------------------------------------------

@pytest.mark.parametrize("parameters, field, allowed", [
    ({"duration": -5.0}, "parameters.duration", "must be > 0"),
    ({"duraton": 5.0}, "parameters.duraton", "did you mean 'duration'"),
    ({"duration": "long"}, "parameters.duration", "must be of type float"),
])
def test_experiment_parameters_are_checked_by_their_declarations(parameters, field, allowed):
    err = _error({"experiment": "song2000", "parameters": parameters})
    assert err.field == field and allowed in err.allowed, str(err)


def test_the_old_import_path_warns_and_re_exports():
    sys.modules.pop("neuroplastic.model.config", None)
    with pytest.warns(DeprecationWarning, match="neuroplastic.config"):
        from neuroplastic.model.config import load_config as old
    from neuroplastic.config import load_config

    assert old is load_config


def _imports(path: Path) -> set[str]:
    """Every module a file imports (top level or inside functions), resolved to absolute names."""
    package = "neuroplastic." + ".".join(path.relative_to(SRC).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            names.add(f"{base}.{node.module}" if base and node.module else base or node.module)
    return names


def test_the_model_layer_imports_no_layer_above_it():
    above = ("neuroplastic.config", "neuroplastic.engine", "neuroplastic.experiments")
    for path in sorted((SRC / "model").glob("*.py")):
        if path.name == "config.py":   # only the deprecated re-export, which nothing in the model imports
            assert len(path.read_text().splitlines()) <= 12 and "DeprecationWarning" in path.read_text()
            continue
        bad = [name for name in _imports(path) if name.startswith(above) or name == "neuroplastic.model.config"]
        assert not bad, f"{path.name} imports {bad}"
    code = ("import sys, types; pkg = types.ModuleType('neuroplastic'); pkg.__path__ = [%r]; "
            "sys.modules['neuroplastic'] = pkg; import neuroplastic.model; "
            "print(sorted(m for m in sys.modules if m.startswith(%r)))" % (str(SRC), above))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
