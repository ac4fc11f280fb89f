"""neuroplastic compare: tasks and contenders, statistics over seeds, the synaptic-event
count, each task's reduced version against its targets, the CLI and the HTML report."""
import base64
import json
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from scipy import stats

import neuroplastic as npl
from neuroplastic.cli import main
from neuroplastic.compare import Contender, Outcome, Task, all_tasks, get_task, run_comparison
from neuroplastic.compare.cost import SynapticEvents
from neuroplastic.compare.runner import check_extras
from neuroplastic.compare.stats import curve_band, summary
from neuroplastic.errors import MissingExtra, ValidationError
from neuroplastic.experiments import Param
from neuroplastic.io import load_run
from neuroplastic.io.html import number

from _tiny import tiny_model

pytest.importorskip("jax")
pytest.importorskip("neat")
pytest.importorskip("gymnasium")


def test_registry_lists_the_tasks_and_checks_parameters(tmp_path):
    assert {t.name for t in all_tasks()} >= {"reward", "structure", "lesion"}
    task = get_task("lesion")
    assert [c.family for c in task.contenders] == ["plastic", "gradient", "gradient"]
    for bad, field in (({"seeds": ""}, "seeds"), ({"seeds": "1,1"}, "seeds"), ({"n_hidden": 1}, "n_hidden"),
                       ({"nonsense": 3}, "nonsense")):
        with pytest.raises(ValidationError, match=field):
            run_comparison("lesion", bad, scale="reduced", out=tmp_path)
    with pytest.raises(ValidationError, match="not known"):
        get_task("xor-please")
    assert not any(tmp_path.iterdir())                      # nothing written for invalid input


def test_summary_is_students_t_interval():
    s = summary([1.0, 2.0, 3.0, math.nan])
    half = stats.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)
    assert (s["mean"], s["sd"], s["n"], s["n_missing"]) == (2.0, 1.0, 3, 1)
    assert s["ci_low"] == pytest.approx(2 - half) and s["ci_high"] == pytest.approx(2 + half)
    one = summary([5.0])
    assert one["mean"] == 5.0 and math.isnan(one["ci_low"])
    mean, lo, hi = curve_band([[0.0, 1.0], [2.0, math.nan]])
    np.testing.assert_allclose(mean, [1.0, 1.0])
    assert lo[0] == pytest.approx(1 - stats.t.ppf(0.975, 1) * math.sqrt(2) / math.sqrt(2)) and math.isnan(lo[1])


def test_synaptic_events_are_spikes_times_fan_out():
    net = npl.Network(tiny_model(), seed=0)
    meter = SynapticEvents(net)
    net.run(20.0)
    np.testing.assert_array_equal(net.spike_totals("inp"), net.spike_counts("inp"))
    net.spike_counts("inp", clear=True)                     # clearing does not disturb the meter
    net.run(20.0)
    meter.update()
    totals = net.spike_totals("inp")
    fan_out = np.bincount(net.synapses("syn")[0], minlength=20)
    assert totals.sum() > 20 and fan_out.min() < fan_out.max()
    assert meter.events == totals @ fan_out
    assert meter.updates == 0                               # pair STDP acts on events, not periodically


def test_missing_extra_is_found_before_anything_runs():
    def never(c, seed):
        raise AssertionError("must not run")

    task = Task("t", "s", (Contender("a", "gradient", "x", never, "MACs", needs=("no_such_module_x1",)),),
                {"seeds": (0,)}, {}, (), ("m",), parameters={"seeds": Param((0,), "seeds")})
    with pytest.raises(MissingExtra, match=r"neuroplastic\[compare\]"):
        check_extras(task)
    with pytest.raises(ValueError, match="cost"):
        Outcome({"accuracy": 1.0})


# --- the tasks at reduced scale ---------------------------------------------------------------

@pytest.fixture(scope="module")
def reward_cli(tmp_path_factory):
    """The reward task's reduced version, through the CLI."""
    out = tmp_path_factory.mktemp("cmp")
    code = main(["compare", "reward", "--scale", "reduced", "--out", str(out), "--no-progress"])
    (run,) = [p for p in out.iterdir() if p.is_dir()]
    return code, run


@pytest.fixture(scope="module")
def structure(tmp_path_factory):
    return run_comparison("structure", scale="reduced", out=tmp_path_factory.mktemp("cmp"))


@pytest.fixture(scope="module")
def lesion(tmp_path_factory):
    return run_comparison("lesion", scale="reduced", out=tmp_path_factory.mktemp("cmp"))


def _passed(rows):
    return all(r.passed for r in rows), [(r.metric, r.measured, r.tolerance) for r in rows]


def test_reward_reduced_targets_through_the_cli(reward_cli, capsys):
    code, run = reward_cli
    rec = load_run(run)
    assert code == 0 and rec.state == "complete"
    targets = rec.metrics["targets"]
    assert {t["metric"] for t in targets} == {"ase.last_mean", "spiking.last_mean", "actor-critic.last_mean"}
    assert all(t["passed"] for t in targets), targets
    m = rec.metrics
    assert m["spiking.labelled_examples"] == m["ase.labelled_examples"] == 0
    assert m["spiking.examples"] == m["actor-critic.examples"] == m["ase.examples"] == 60
    assert m["spiking.cost"] == pytest.approx(m["spiking.synaptic_events"] + m["spiking.synapse_updates"])
    assert m["spiking.connections"] == 6720 and m["actor-critic.connections"] == 6888
    # R-STDP on 6,720 synapses every 10 ms, normalisation of the 1,920 actor synapses every 100 ms
    assert m["spiking.synapse_updates"] == pytest.approx(m["spiking.total_steps"] * 20.0 * (6720 / 10 + 1920 / 100))
    curve = rec.recording("curve_ase")
    assert curve["y"].shape == (1, 41) and curve["y"][0, -1] == pytest.approx(m["ase.last_mean"])


def test_structure_reduced_targets(structure):
    result, rundir = structure
    ok, rows = _passed(result.rows)
    assert ok and len(rows) == 6, rows
    assert result.mean("spiking-rewired", "connections") == result.mean("mlp-sparse", "connections") == 360
    assert result.mean("perceptron", "connections") == 360 and result.mean("mlp-dense", "connections") == 370
    # the spiking network is rewiring-budget's, seed for seed
    from neuroplastic.experiments import get

    exp = get("rewiring-budget")
    ref = exp.run(exp.resolve({"n_train": 300, "n_test": 200}, "reduced"), seed=0).metrics
    assert result.mean("spiking-rewired", "accuracy") == ref["accuracy_rewired"]
    assert result.mean("spiking-static", "accuracy") == ref["accuracy_static"]


def test_lesion_reduced_targets(lesion):
    result, rundir = lesion
    ok, rows = _passed(result.rows)
    assert ok and len(rows) == 4, rows
    s = result.summaries["spiking"]
    assert s["labelled_to_recover"]["mean"] == 0 and s["unlabelled_to_recover"]["mean"] == 500
    assert s["drop"]["mean"] == pytest.approx(s["accuracy_before"]["mean"] - s["accuracy_lesioned"]["mean"])
    narrow = result.summaries["mlp-narrow"]
    assert narrow["accuracy_recovered"]["mean"] >= narrow["accuracy_before"]["mean"] - 0.01
    assert narrow["recovery_cost"]["mean"] == pytest.approx(3 * narrow["connections"]["mean"]
                                                            * narrow["labelled_to_recover"]["mean"])


# --- report and CLI ---------------------------------------------------------------------------

def _text(page: str) -> str:
    return "".join(ET.fromstring(page.split("\n", 1)[1]).itertext())


def test_html_report_is_well_formed_and_holds_every_figure_and_number(lesion):
    _, rundir = lesion
    page = (rundir.path / "report.html").read_text(encoding="utf-8")
    text = _text(page)                                       # parses as XML: every element closed
    figures = sorted((rundir.path / "figures").glob("*.png"))
    assert {f.stem for f in figures} >= {"learning_curves", "headline", "cost"}
    for f in figures:
        assert base64.b64encode(f.read_bytes()).decode() in page
    metrics = json.loads((rundir.path / "metrics.json").read_text())
    for c in metrics["comparison"]["contenders"]:
        for metric, s in c["metrics"].items():
            for v in s["values"]:
                assert number(v) in text, (c["name"], metric, v)
    assert "Comparison: lesion" in text and "recovery: synaptic scaling" in text


def test_list_shows_the_tasks_beside_the_experiments(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "comparison tasks" in out and "song2000" in out
    for name in ("reward", "structure", "lesion", "actor-critic"):
        assert name in out
    assert main(["list", "lesion"]) == 0
    out = capsys.readouterr().out
    assert "recover_within" in out and "mlp-narrow" in out and "spiking.recovered_fraction" in out


def test_compare_cli_errors(tmp_path, capsys):
    assert main(["compare", "--out", str(tmp_path)]) == 2
    assert main(["compare", "lesion", "--all", "--out", str(tmp_path)]) == 2
    assert main(["compare", "lesion", "--set", "seeds=", "--out", str(tmp_path)]) == 2
    assert "seeds" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
