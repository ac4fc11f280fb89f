"""Run configurations: TOML/dict -> RunConfig, the inverse, and error reporting."""
import copy
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neuroplastic as npl
from neuroplastic.config import RunConfig, config_from_dict, load_config, model_to_dict

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "configs" / "balanced_stdp.toml"


def small_config() -> dict:
    """A tiny model config touching every section (<= 20 neurons)."""
    return {
        "simulation": {"duration": 5.0, "seed": 3, "dt": 0.1, "max_rate": 2000.0},
        "populations": [
            {"name": "exc", "n": 8, "model": "LIF",
             "params": {"tau_m": 10.0, "c_m": 10.0, "v_rest": -70.0, "v_reset": -60.0, "v_thresh": -54.0,
                        "t_ref": 1.0, "synapse": "conductance"},
             "initial": {"v": {"dist": "uniform", "low": -70.0, "high": -55.0}}},
            {"name": "izh", "n": 4, "model": "Izhikevich", "params": {"a": 0.02, "d": 8.0},
             "initial": {"v": -65.0}},
        ],
        "inputs": [
            {"kind": "PoissonInput", "name": "drive", "n": 10, "rate": 50.0},
            {"kind": "SpikeTimes", "name": "pre", "n": 2, "indices": [0, 1, 0], "times": [1.0, 2.0, 3.0]},
        ],
        "projections": [
            {"name": "in_e", "pre": "drive", "post": "exc",
             "connectivity": {"kind": "FixedProbability", "p": 0.5},
             "weight": {"dist": "uniform", "low": 0.0, "high": 2.0}, "delay": 0.5,
             "w_min": 0.0, "w_max": 2.0,
             "rules": [{"rule": "PairSTDP", "a_plus": 0.01, "a_minus": 0.0105, "w_max": 2.0}]},
            {"name": "e_i", "pre": "exc", "post": "izh", "connectivity": {"kind": "FixedInDegree", "k": 3},
             "weight": [1.0] * 12, "receptor": "exc",
             "rules": [{"rule": "TripletSTDP", "preset": "visual-nearest", "a2_plus": 0.0}]},
            {"name": "p_e", "pre": "pre", "post": "exc", "connectivity": {"kind": "Pairs", "pre": [0, 1], "post": [2, 3]},
             "weight": 1.0, "rules": [{"rule": "TsodyksMarkram", "U": 0.5, "tau_rec": 100.0}]},
        ],
        "monitors": [
            {"kind": "SpikeMonitor", "population": "exc"},
            {"kind": "StateMonitor", "population": "exc", "variables": ["v", "ge"], "indices": [0, 1],
             "interval": 0.5},
            {"kind": "WeightMonitor", "projection": "in_e", "interval": 1.0},
            {"kind": "RateMonitor", "population": "izh", "bin": 1.0, "name": "izh_rate"},
        ],
    }


def field_of(d, source="<dict>"):
    with pytest.raises(npl.ValidationError) as info:
        config_from_dict(d, source=source)
    return info.value


# -- the good path ----------------------------------------------------------------

def test_small_config_builds_and_runs():
    cfg = config_from_dict(small_config())
    assert isinstance(cfg, RunConfig)
    assert cfg.kind == "model" and cfg.duration == 5.0 and cfg.seed == 3 and cfg.experiment is None
    m = cfg.model
    assert set(m.populations) == {"exc", "izh", "drive", "pre"}
    assert isinstance(m.projections["in_e"].weight, npl.Uniform)
    assert isinstance(m.projections["e_i"].rules[0], npl.TripletSTDP)
    assert m.projections["e_i"].rules[0].pairing == "nearest"            # from the preset
    assert m.projections["e_i"].rules[0].a2_plus == 0.0                  # override of the preset
    assert m.monitors["izh_rate"].bin == 1.0
    net = npl.Network(cfg.model, seed=cfg.seed)
    net.run(cfg.duration, progress=False)
    assert net.monitor("state_exc")["v"].shape[1] == 2


def test_round_trip_structure_and_run():
    cfg = config_from_dict(small_config())
    d = model_to_dict(cfg.model, duration=cfg.duration, seed=cfg.seed)
    cfg2 = config_from_dict(d)
    assert model_to_dict(cfg2.model, duration=cfg2.duration, seed=cfg2.seed) == d
    assert (cfg2.duration, cfg2.seed) == (cfg.duration, cfg.seed)
    # plain Python containers only (TOML-serialisable): no numpy left
    def walk(x):
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        else:
            assert isinstance(x, (str, int, float, bool)), type(x)
    walk(d)
    net = npl.Network(cfg2.model, seed=cfg2.seed)
    net.run(5.0, progress=False)


def test_round_trip_of_a_python_built_model():
    m = npl.Model(dt=0.1, max_rate=None)
    m.add(npl.PoissonInput("inp", 5, rate=np.array([1.0, 2.0, 3.0, 4.0, 5.0])))
    m.add(npl.SpikeTimes.from_trains("st", [[1.0, 2.0], [3.0]]))
    m.add(npl.Population("out", 3, npl.AdEx(b=np.array([1.0, 2.0, 3.0])),
                         initial={"v": npl.Normal(-65, 2), "w": np.zeros(3)}))
    m.add(npl.Projection("syn", "inp", "out", npl.AllToAll(), weight=npl.LogNormal(0, 0.5),
                         delay=npl.Exponential(1.0), w_min=0.0, w_max=10.0,
                         rules=[npl.PairSTDP(pairing="nearest"), npl.TsodyksMarkram.facilitating()]))
    m.add(npl.Projection("s2", "st", "out", npl.AllToAll(), weight=npl.Gamma(2, 0.5)))
    m.add(npl.WeightMonitor("syn", synapses=np.array([0, 1]), interval=1.0))
    m.add(npl.StateMonitor("out", ("v", "w"), interval=0.5))
    d = model_to_dict(m, duration=5.0, seed=7)
    assert d["simulation"]["max_rate"] is False
    cfg = config_from_dict(d)
    assert cfg.model.max_rate is None
    assert model_to_dict(cfg.model, duration=5.0, seed=7) == d
    np.testing.assert_array_equal(cfg.model.populations["out"].model.b, [1.0, 2.0, 3.0])
    assert cfg.model.projections["syn"].delay == npl.Exponential(1.0)
    net = npl.Network(cfg.model, seed=cfg.seed)
    net.run(5.0, progress=False)


def test_model_to_dict_writes_valid_toml_values(tmp_path):
    """The dict survives a TOML round trip (written by hand: no TOML writer needed)."""
    cfg = config_from_dict(small_config())
    d = model_to_dict(cfg.model, duration=5.0)
    text = _to_toml(d)
    p = tmp_path / "rt.toml"
    p.write_text(text)
    cfg2 = load_config(p)
    assert model_to_dict(cfg2.model, duration=5.0) == d


def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        if isinstance(v, float) and math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return '"' + v + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(v)


def _to_toml(d):
    lines = ["[simulation]"] + [f"{k} = {_toml_value(v)}" for k, v in d["simulation"].items()]
    for section in ("populations", "inputs", "projections", "monitors"):
        for item in d.get(section, []):
            lines.append(f"[[{section}]]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"


def test_example_file_loads_and_runs():
    cfg = load_config(EXAMPLE)
    assert cfg.kind == "model" and cfg.duration == 2000.0
    assert {"exc", "inh"} <= set(cfg.model.populations)
    net = npl.Network(cfg.model, seed=cfg.seed)
    net.run(20.0, progress=False)
    assert net.monitor("rate_exc")["rate"].size > 0


def test_example_file_fires_at_a_sane_rate():
    cfg = load_config(EXAMPLE)
    net = npl.Network(cfg.model, seed=cfg.seed)
    net.run(cfg.duration, progress=False)
    for pop in ("exc", "inh"):
        rate = len(net.spikes(pop)[1]) / cfg.model.size(pop) / (cfg.duration / 1000.0)
        assert 1.0 <= rate <= 50.0, (pop, rate)
    w = net.weights("ee")
    assert w.min() >= 0.0 and w.max() <= 0.5


def test_experiment_form(tmp_path):
    p = tmp_path / "exp.toml"
    p.write_text('experiment = "song2000"\nseed = 4\nscale = "reduced"\n[parameters]\nduration = 1000.0\n')
    cfg = load_config(p)
    assert (cfg.kind, cfg.experiment, cfg.seed, cfg.scale) == ("experiment", "song2000", 4, "reduced")
    assert cfg.parameters == {"duration": 1000.0} and cfg.model is None
    cfg = config_from_dict({"experiment": "song2000"})
    assert (cfg.seed, cfg.scale, cfg.parameters) == (0, "full", {})


@pytest.mark.parametrize("d, field", [
    ({"experiment": "no-such-thing"}, "experiment"),
    ({"experiment": "song2000", "scale": "huge"}, "scale"),
    ({"experiment": "song2000", "seed": "1"}, "seed"),
    ({"experiment": "song2000", "seed": -1}, "seed"),
    ({"experiment": "song2000", "parameters": [1]}, "parameters"),
    ({"experiment": "song2000", "populations": []}, "populations"),
    ({"experiment": 3}, "experiment"),
])
def test_experiment_form_errors(d, field):
    assert field_of(d).field == field


# -- errors ----------------------------------------------------------------------

def _with(mutate):
    d = small_config()
    mutate(d)
    return d


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d.update(extra=1), "extra"),
    (lambda d: d["simulation"].update(dtt=0.1), "simulation.dtt"),
    (lambda d: d["populations"][0].update(size=3), "populations[0].size"),
    (lambda d: d["populations"][0]["params"].update(tau=3), "populations[0].params.tau"),
    (lambda d: d["populations"][0]["initial"].update(ge2=0.0), "populations[0].initial.ge2"),
    (lambda d: d["populations"][0]["initial"]["v"].update(mean=0.0), "populations[0].initial.v.mean"),
    (lambda d: d["inputs"][1].update(rate=3.0), "inputs[1].rate"),
    (lambda d: d["projections"][0]["connectivity"].update(q=0.1), "projections[0].connectivity.q"),
    (lambda d: d["projections"][0]["rules"][0].update(tau=1.0), "projections[0].rules[0].tau"),
    (lambda d: d["projections"][1]["rules"][0].update(a_plus=1.0), "projections[1].rules[0].a_plus"),
    (lambda d: d["projections"][0]["weight"].update(mu=1.0), "projections[0].weight.mu"),
    (lambda d: d["monitors"][2].update(population="exc"), "monitors[2].population"),
])
def test_unknown_keys_name_their_path(mutate, field):
    err = field_of(_with(mutate))
    assert err.field == field
    assert "allowed keys" in str(err)


def test_unknown_key_message_lists_allowed_keys():
    err = field_of(_with(lambda d: d["projections"][0]["connectivity"].update(q=0.1)))
    assert "p" in err.allowed and "allow_self" in err.allowed and "kind" in err.allowed
    assert str(err).startswith("<dict>: projections[0].connectivity.q")


@pytest.mark.parametrize("mutate, field, expected", [
    (lambda d: d["simulation"].update(duration="5"), "simulation.duration", "number"),
    (lambda d: d["simulation"].update(seed=1.5), "simulation.seed", "integer"),
    (lambda d: d["simulation"].update(max_rate="off"), "simulation.max_rate", "number"),
    (lambda d: d.update(populations={"name": "x"}), "populations", "array of tables"),
    (lambda d: d["populations"].__setitem__(0, 3), "populations[0]", "table"),
    (lambda d: d["populations"][0].update(n="8"), "populations[0].n", "integer"),
    (lambda d: d["populations"][0].update(n=True), "populations[0].n", "integer"),
    (lambda d: d["populations"][0]["params"].update(tau_m="10"), "populations[0].params.tau_m", "number"),
    (lambda d: d["populations"][0]["params"].update(synapse=1), "populations[0].params.synapse", "string"),
    (lambda d: d["populations"][0]["params"].update(tau_m=[1.0, "a"]), "populations[0].params.tau_m[1]", "number"),
    (lambda d: d["populations"][0].update(params=[1]), "populations[0].params", "table"),
    (lambda d: d["projections"][0].update(connectivity="all"), "projections[0].connectivity", "table"),
    (lambda d: d["projections"][0]["connectivity"].update(allow_self=1), "projections[0].connectivity.allow_self", "boolean"),
    (lambda d: d["projections"][0].update(rules={"rule": "PairSTDP"}), "projections[0].rules", "array"),
    (lambda d: d["projections"][0]["rules"][0].update(a_plus=[0.1]), "projections[0].rules[0].a_plus", "number"),
    (lambda d: d["projections"][0].update(weight="big"), "projections[0].weight", "number"),
    (lambda d: d["projections"][2]["connectivity"].update(pre=[0, 1.5]), "projections[2].connectivity.pre[1]", "integer"),
    (lambda d: d["monitors"][1].update(variables="v"), "monitors[1].variables", "list of strings"),
    (lambda d: d["inputs"][1].update(indices=[0, 5, 0]), "inputs[1].indices[1]", "<= 1"),
])
def test_wrong_types_name_path_and_type(mutate, field, expected):
    err = field_of(_with(mutate))
    assert err.field == field
    assert expected in err.allowed


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d.pop("simulation"), "simulation"),
    (lambda d: d["simulation"].pop("duration"), "simulation.duration"),
    (lambda d: d["populations"][0].pop("n"), "populations[0].n"),
    (lambda d: d["populations"][0].pop("model"), "populations[0].model"),
    (lambda d: d["inputs"][0].pop("kind"), "inputs[0].kind"),
    (lambda d: d["projections"][0].pop("connectivity"), "projections[0].connectivity"),
    (lambda d: d["projections"][0]["connectivity"].pop("kind"), "projections[0].connectivity.kind"),
    (lambda d: d["projections"][0]["rules"][0].pop("rule"), "projections[0].rules[0].rule"),
    (lambda d: d["projections"][0]["weight"].pop("dist"), "projections[0].weight.dist"),
    (lambda d: d["monitors"][0].pop("population"), "monitors[0].population"),
    (lambda d: d["projections"][2]["connectivity"].pop("post"), "projections[2].connectivity.post"),
])
def test_missing_keys(mutate, field):
    err = field_of(_with(mutate))
    assert err.field == field
    assert "required" in err.allowed


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d["simulation"].update(dt=-1.0), "simulation.dt"),
    (lambda d: d["populations"][0]["params"].update(tau_m=-1.0), "populations[0].params.tau_m"),
    (lambda d: d["populations"][0]["params"].update(tau_m=[1.0, 2.0]), "populations[0].params.tau_m"),
    (lambda d: d["populations"][0].update(model="HH"), "populations[0].model"),
    (lambda d: d["projections"][0]["connectivity"].update(p=2.0), "projections[0].connectivity.p"),
    (lambda d: d["projections"][0]["connectivity"].update(kind="Random"), "projections[0].connectivity.kind"),
    (lambda d: d["projections"][0]["rules"][0].update(tau_plus=-5.0), "projections[0].rules[0].tau_plus"),
    (lambda d: d["projections"][0]["rules"][0].update(rule="Hopfield"), "projections[0].rules[0].rule"),
    (lambda d: d["projections"][1]["rules"][0].update(preset="nope"), "projections[1].rules[0].preset"),
    (lambda d: d["projections"][0].update(pre="nowhere"), "projections[0].pre"),
    (lambda d: d["projections"][0].update(receptor="gaba"), "projections[0].receptor"),
    (lambda d: d["projections"][1]["connectivity"].update(k=50), "projections[1].connectivity.k"),
    (lambda d: d["monitors"][1].update(variables=["v", "zz"]), "monitors[1].variables"),
    (lambda d: d["monitors"][0].update(population="nobody"), "monitors[0].population"),
    (lambda d: d["projections"][1].update(name="in_e"), "projections[1].name"),
])
def test_invalid_values_name_their_path(mutate, field):
    assert field_of(_with(mutate)).field == field


def test_toml_syntax_error_names_file_and_line(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[simulation]\nduration = 10.0\nseed = = 3\n")
    with pytest.raises(npl.ValidationError) as info:
        load_config(p)
    err = info.value
    assert err.owner == str(p) and err.field == "toml"
    assert "line 3" in str(err)


def test_missing_file(tmp_path):
    with pytest.raises(npl.ValidationError) as info:
        load_config(tmp_path / "nope.toml")
    assert info.value.field == "path"


def test_unknown_key_in_file_names_file(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text('[simulation]\nduration = 10.0\ndurtion = 3\n')
    with pytest.raises(npl.ValidationError) as info:
        load_config(p)
    assert info.value.owner == str(p) and info.value.field == "simulation.durtion"


def test_top_level_must_be_a_table():
    assert field_of([1, 2]).field == "<top level>"


# -- fuzzing ---------------------------------------------------------------------

def _paths(node, prefix=()):
    """Every (container path, key) in a nested dict/list."""
    out = []
    if isinstance(node, dict):
        out.append((prefix, None))          # a dict where an unknown key can be added
        for k, v in node.items():
            out.append((prefix, k))
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for k, v in enumerate(node):
            out.append((prefix, k))
            out += _paths(v, prefix + (k,))
    return out


BASE = small_config()
PATHS = _paths(BASE)
WEIRD = [None, -1, 0, -1.0, 0.0, math.nan, math.inf, -math.inf, "x", "", [], [1, 2], [[1.0]], ["a"],
         {}, {"dist": "uniform"}, {"kind": "AllToAll"}, {"a": {"b": 1}}, True, 10**18, 1e300, -1e300,
         2**70, 1e-300]


def _get(d, path):
    for k in path:
        d = d[k]
    return d


@st.composite
def mutated_configs(draw):
    d = copy.deepcopy(BASE)
    n_mutations = draw(st.integers(1, 2))
    for _ in range(n_mutations):
        paths = _paths(d)
        if not paths:
            break
        prefix, key = draw(st.sampled_from(paths))
        try:
            parent = _get(d, prefix)
        except (KeyError, IndexError, TypeError):
            continue
        if key is None:
            if isinstance(parent, dict):
                parent[draw(st.sampled_from(["zz", "extra", "Name", "kind2"]))] = draw(st.sampled_from(WEIRD))
            continue
        op = draw(st.sampled_from(["drop", "replace", "replace", "replace"]))
        if op == "drop":
            del parent[key]
        else:
            parent[key] = copy.deepcopy(draw(st.sampled_from(WEIRD)))
    return d


def _check_build_and_run(d):
    try:
        cfg = config_from_dict(d)
        if cfg.kind != "model":
            return
        net = npl.Network(cfg.model, seed=cfg.seed)
        net.run(1.0, progress=False)
    except npl.ValidationError as e:
        assert isinstance(e.field, str) and e.field, f"empty field in {e!r}"
    except npl.SimulationError as e:
        assert e.variable and e.population


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_configs())
def test_fuzz_mutated_configs_fail_cleanly(d):
    _check_build_and_run(d)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), st.sampled_from(WEIRD))
def test_fuzz_every_leaf_with_every_weird_value(where, value):
    d = copy.deepcopy(BASE)
    prefix, key = where
    parent = _get(d, prefix)
    if key is None:
        parent["unexpected"] = value
    else:
        parent[key] = copy.deepcopy(value)
    _check_build_and_run(d)


# -- guards against values the engine cannot handle --------------------------------

@pytest.mark.parametrize("mutate, field", [
    (lambda d: d["simulation"].update(dt=1e-300), "simulation.dt"),
    (lambda d: d["projections"][0]["connectivity"].update(p=1e-300), "projections[0].connectivity.p"),
    (lambda d: d["projections"][0].update(weight=[]), "projections[0].weight"),       # FixedProbability
    (lambda d: d["projections"][1].update(weight=[1.0] * 5), "projections[1].weight"),  # 12 synapses
    (lambda d: d["projections"][0].update(w_max=2**70), None),                          # accepted as a float
    (lambda d: d["monitors"][1].update(interval=10**18), "monitors[1].interval"),
    (lambda d: d["monitors"][3].update(bin=1e300), "monitors[3].bin"),
    (lambda d: d["projections"][0].update(delay=1e300), "projections[0].delay"),
    (lambda d: d["populations"][0].update(n=10**18), "populations[0].n"),
    (lambda d: d["projections"].append({"name": "self", "pre": "izh", "post": "izh",
                                         "connectivity": {"kind": "FixedInDegree", "k": 4}}),
     "projections[3].connectivity.k"),
])
def test_engine_hostile_values_are_rejected_or_made_safe(mutate, field):
    d = _with(mutate)
    if field is None:
        cfg = config_from_dict(d)
        npl.Network(cfg.model, seed=0).run(1.0, progress=False)
    else:
        assert field_of(d).field == field


def test_run_directory_config_toml_loads_back(tmp_path):
    """What the runner writes (model_to_dict via the project's TOML writer) loads back unchanged."""
    from neuroplastic.io.atomic import atomic_write_toml

    for cfg in (config_from_dict(small_config()), load_config(EXAMPLE)):
        d = model_to_dict(cfg.model, duration=cfg.duration, seed=cfg.seed)
        cfg2 = load_config(atomic_write_toml(tmp_path / "config.toml", d))
        assert model_to_dict(cfg2.model, duration=cfg2.duration, seed=cfg2.seed) == d


@pytest.mark.parametrize("dist", [
    {"dist": "uniform", "low": 0.0, "high": -0.0},       # numpy: "high - low < 0"
    {"dist": "uniform", "low": -0.0, "high": 0},
    {"dist": "uniform", "low": -1e308, "high": 1e308},   # numpy: range overflows
])
@pytest.mark.parametrize("where", ["weight", "delay", "initial"])
def test_uniform_edge_ranges_are_rejected_or_sampled(dist, where):
    d = small_config()
    if where == "initial":
        d["populations"][0]["initial"]["v"] = dist
    else:
        d["projections"][0][where] = dict(dist)
    try:
        cfg = config_from_dict(d)
    except npl.ValidationError as e:
        assert e.field.startswith("populations[0].initial.v." if where == "initial" else f"projections[0].{where}.")
        return
    npl.Network(cfg.model, seed=0).run(1.0, progress=False)


def test_toml_error_at_end_of_document_still_names_a_line(tmp_path):
    f = tmp_path / "unclosed.toml"
    f.write_text('[simulation]\nduration = 1.0\nseed = [1,\n')
    with pytest.raises(npl.ValidationError) as info:
        load_config(f)
    assert "unclosed.toml" in str(info.value) and "line 3" in str(info.value)


# --- rate/binary units, value inputs and neuron rules in configs ---------------

def _units_model():
    m = npl.Model(dt=1.0, max_rate=None)
    m.add(npl.ValueInput("x", [[1.0, 0.0], [0.0, 1.0]], interval=2.0))
    m.add(npl.Population("y", 1, npl.RateUnit("sigmoid", gain=2.0), rules=[npl.TrieschIP(eta=1e-3, mu=0.2)]))
    m.add(npl.Population("b", 3, npl.BinaryUnit(0.3), initial={"theta": npl.Uniform(0, 0.5)},
                         rules=[npl.ThresholdHomeostasis(eta=0.01, target_rate=100.0)]))
    m.add(npl.Projection("xy", "x", "y", npl.AllToAll(), weight=0.5, rules=[npl.Oja(eta=1e-3)]))
    m.add(npl.Projection("bb", "b", "b", npl.AllToAll(allow_self=False), weight=0.2,
                         rules=[npl.DiscreteSTDP(eta=1e-3), npl.WeightNormalization(1.0, period=1.0)]))
    return m


def test_units_and_neuron_rules_round_trip():
    from neuroplastic.config import config_from_dict, model_to_dict

    d = model_to_dict(_units_model(), duration=10.0)
    rc = config_from_dict(d)
    assert rc.model.populations["y"].rules == (npl.TrieschIP(eta=1e-3, mu=0.2),)
    assert model_to_dict(rc.model, duration=10.0) == d
    a = npl.Network(_units_model(), seed=3).run(10.0)
    b = npl.Network(rc.model, seed=3).run(10.0)
    np.testing.assert_array_equal(a.weights("bb"), b.weights("bb"))
    np.testing.assert_array_equal(a.state("y", "gain"), b.state("y", "gain"))


def test_binary_same_step_input_round_trip_and_errors():
    from neuroplastic.config import config_from_dict, model_to_dict

    m = npl.Model(dt=1.0, max_rate=None)
    m.add(npl.Population("b", 2, npl.BinaryUnit(threshold=0.5, same_step_input=True)))
    d = model_to_dict(m, duration=5.0)
    assert d["populations"][0]["params"]["same_step_input"] is True
    rc = config_from_dict(d)
    assert rc.model.populations["b"].model.same_step_input is True
    d["populations"][0]["params"]["same_step_input"] = 1
    with pytest.raises(npl.ValidationError, match=r"populations\[0\]\.params\.same_step_input"):
        config_from_dict(d)


def test_neuron_rule_errors_name_the_field():
    from neuroplastic.config import config_from_dict, model_to_dict

    d = model_to_dict(_units_model(), duration=10.0)
    d["populations"][0]["rules"][0]["rule"] = "PairSTDP"
    with pytest.raises(npl.ValidationError, match=r"populations\[0\]\.rules\[0\]\.rule must be one of "
                                                  r"'AdaptiveThreshold', 'ThresholdHomeostasis', 'TrieschIP'"):
        config_from_dict(d)
    d = model_to_dict(_units_model(), duration=10.0)
    d["inputs"][0]["values"] = [[1.0, 0.0], [1.0]]
    with pytest.raises(npl.ValidationError, match=r"inputs\[0\]\.values .*same length"):
        config_from_dict(d)


def test_noise_input_round_trip():
    from neuroplastic.config import config_from_dict, model_to_dict

    m = npl.Model(dt=1.0)
    m.add(npl.NoiseInput("thal", 4, low=-6.5, high=6.5, interval=1.0))
    m.add(npl.Population("n", 4, npl.Izhikevich(tau_e=1e-3, tau_i=1e-3)))
    m.add(npl.Projection("tn", "thal", "n", npl.OneToOne(), weight=1.0))
    d = model_to_dict(m, duration=10.0)
    rc = config_from_dict(d)
    assert rc.model.populations["thal"] == m.populations["thal"]
    a = npl.Network(m, seed=4).run(20.0).state("n", "v").copy()
    b = npl.Network(rc.model, seed=4).run(20.0).state("n", "v").copy()
    np.testing.assert_array_equal(a, b)
