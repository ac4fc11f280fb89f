"""Sweeps and seed ensembles on Dask (docs/sweeps.md): grid parsing and checks,
a 2-worker LocalCluster sweep equal to the same runs made one after another,
failed members reported without stopping the others, reruns that skip finished
members, the aggregate table and the summary figure."""
import json
import math
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.cli import main
from neuroplastic.errors import MissingExtra, ValidationError
from neuroplastic.sweeps import parse_seeds, parse_set, read_table
from neuroplastic.sweeps.grid import make_grid, split_values
from neuroplastic.sweeps.table import TIMING_METRICS, summary_figure

CONFIG = textwrap.dedent("""
    [simulation]
    duration = 200.0
    seed = 0
    dt = 0.1
    max_rate = 300.0

    [[inputs]]
    kind = "PoissonInput"
    name = "drive"
    n = 20
    rate = 20.0

    [[populations]]
    name = "out"
    n = 5
    model = "LIF"
    params = { synapse = "current", t_ref = 0.0 }
    initial = { v = { dist = "uniform", low = -70.0, high = -55.0 } }

    [[projections]]
    name = "feed"
    pre = "drive"
    post = "out"
    connectivity = { kind = "AllToAll" }
    weight = 50.0
    receptor = "exc"

    [[monitors]]
    kind = "SpikeMonitor"
    population = "out"
""")
W = "projections[0].weight"
RUNAWAY = 1e5          # pA per input spike: the population fires every step, past max_rate


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(CONFIG)
    return path


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as c:
        yield c


def _model_metrics(run_dir) -> dict:
    metrics = json.loads((Path(run_dir) / "metrics.json").read_text())
    return {k: v for k, v in metrics.items() if k not in TIMING_METRICS}


# -- parsing and checks ---------------------------------------------------------------------
def test_seed_ranges_and_value_lists():
    assert parse_seeds("0-4") == (0, 1, 2, 3, 4)
    assert parse_seeds("0,3,5") == (0, 3, 5)
    assert parse_seeds("0-2,10") == (0, 1, 2, 10)
    assert parse_seeds(7) == (7,) and parse_seeds([2, 1]) == (2, 1)
    for bad in ("", "3-1", "-1", "a", "0,0", "1-2,2"):
        with pytest.raises(ValidationError) as e:
            parse_seeds(bad)
        assert e.value.field == "--seeds"
    assert split_values("1, 2,3") == ["1", "2", "3"]
    assert split_values("[1,2],[3,4]") == ["[1,2]", "[3,4]"]
    assert parse_set(["a=1,2", "b=x"]) == {"a": ["1", "2"], "b": ["x"]}
    with pytest.raises(ValidationError, match="given once"):
        parse_set(["a=1", "a=2"])
    with pytest.raises(ValidationError, match="key=value"):
        parse_set(["a"])


def test_grid_members_are_the_product_of_values_and_seeds():
    grid = make_grid("stdp-window", {"a_plus": ["0.01", "0.02"], "tau_plus": ["10", "20", "30"]}, "0-1",
                     "reduced")
    members = grid.members()
    assert len(members) == 2 * 3 * 2 and len({m.id for m in members}) == 12
    assert members[0].params == {"a_plus": 0.01, "tau_plus": 10.0} and members[1].seed == 1
    assert grid.fingerprint() == make_grid("stdp-window", {"a_plus": "0.01,0.02", "tau_plus": [10, 20, 30]},
                                           [0, 1], "reduced").fingerprint()
    assert make_grid("stdp-window", {"a_plus": 0.02}, 3, "reduced").members()[0].params == {"a_plus": 0.02}


@pytest.mark.parametrize("target, values, seeds, field, words", [
    ("stdp-window", {"a_plu": ["1"]}, "0", "a_plu", "did you mean 'a_plus'"),
    ("stdp-window", {"a_plus": ["-1"]}, "0", "a_plus", ">= 0"),
    ("stdp-window", {"a_plus": ["0.1", "x"]}, "0", "a_plus", "type float"),
    ("stdp-window", {"a_plus": []}, "0", "--set a_plus", "at least one value"),
    ("stdp-window", {"a_plus": ["0.1", "0.1"]}, "0", "--set a_plus", "repeat"),
    ("stdp-window", {"dt_step": ["1", "500"]}, "0", "dt_step", "<= dt_max"),   # one combination breaks a relation
    ("stdp-window", {}, "5-2", "--seeds", "0-19"),
    ("config", {"inputs[0].rat": ["5"]}, "0", "inputs[0].rat", "did you mean 'rate'"),
    ("config", {"inputs[0].rate": ["5", "-5"]}, "0", "inputs[0].rate", ">= 0"),
    ("config", {"inputs[3].rate": ["5"]}, "0", "--set inputs[3].rate", "1 entry"),
    ("config", {"input[0].rate": ["5"]}, "0", "--set input[0].rate", "did you mean 'inputs'"),
    ("config", {"simulation.seed": ["5"]}, "0", "--set simulation.seed", "--seeds"),
    ("config", {"inputs[0].rate": ["5", "5.0"]}, "0", "--set inputs[0].rate", "repeat"),
])
def test_bad_arguments_stop_before_anything_is_written(tmp_path, config, target, values, seeds, field, words):
    target = str(config) if target == "config" else target
    with pytest.raises(ValidationError) as e:
        npl.sweep(target, values, seeds, scale="reduced" if target == "stdp-window" else None,
                  out=tmp_path / "runs")
    assert e.value.field == field and words in str(e.value)
    assert not (tmp_path / "runs").exists()


def test_without_dask_the_command_says_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)     # import distributed -> ImportError
    with pytest.raises(MissingExtra, match=r"pip install 'neuroplastic\[sweep\]'"):
        npl.sweep("stdp-window", {"a_plus": [0.01]}, "0", scale="reduced", out=tmp_path / "runs")
    assert main(["sweep", "stdp-window", "--scale", "reduced", "--out", str(tmp_path / "runs")]) == 2
    assert "neuroplastic[sweep]" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


# -- on a 2-worker LocalCluster ------------------------------------------------------------
def test_cluster_sweep_equals_sequential_runs_and_failures_do_not_stop_it(tmp_path, config, client):
    from neuroplastic.config import config_from_dict
    from neuroplastic.config.read import _parse
    from neuroplastic.experiments.runner import run_model
    from neuroplastic.sweeps.grid import apply_paths

    weights = [300.0, RUNAWAY]
    table = npl.sweep(str(config), {W: weights}, "0-1", directory=tmp_path / "sw", scheduler=client)
    assert [r["status"] for r in table.rows] == ["complete"] * 2 + ["failed"] * 2
    assert all("SimulationError: runaway activity" in r["error"] for r in table.failed)
    raw = _parse(str(config), CONFIG)
    for row in table.rows[:2]:                  # the same runs, one after another, in this process
        cfg = config_from_dict(apply_paths(raw, {W: row[W]}))
        seq = run_model(cfg.model, cfg.duration, seed=row["seed"], out=tmp_path / "seq", name="tiny")
        assert _model_metrics(row["run_dir"]) == _model_metrics(seq.path)
        assert np.array_equal(np.load(Path(row["run_dir"]) / "recordings" / "spikes_out.npz")["t"],
                              np.load(seq.path / "recordings" / "spikes_out.npz")["t"])
    rates = table.column("rate_out_hz")[:2]
    assert rates[0] != rates[1] and min(rates) > 20                  # Poisson drive: the seeds differ
    failures = json.loads((tmp_path / "sw" / "failures.json").read_text())
    assert failures["n_failed"] == 2 and {f["seed"] for f in failures["failed"]} == {0, 1}
    assert all(Path(f["log"]).is_file() and "stopped: runaway activity" in Path(f["log"]).read_text()
               for f in failures["failed"])
    csv_rows = read_table(table.path)
    assert [float(r["rate_out_hz"]) for r in csv_rows[:2]] == list(rates)       # exact, not rounded
    assert [r["status"] for r in csv_rows] == [r["status"] for r in table.rows]
    assert table.metric == "rate_out_hz" and table.figure.stat().st_size > 10_000

    again = npl.sweep(str(config), {W: weights}, "0-1", directory=tmp_path / "sw", scheduler=client)
    assert [r["reused"] for r in again.rows] == [True] * 2 + [False] * 2
    assert [r["status"] for r in again.rows] == ["complete"] * 2 + ["failed"] * 2
    assert [r["run_dir"] for r in again.rows[:2]] == [r["run_dir"] for r in table.rows[:2]]
    assert [r["run_dir"] != old["run_dir"] for r, old in zip(again.rows[2:], table.rows[2:])] == [True, True]
    assert list(again.column("rate_out_hz")[:2]) == list(rates)


def test_experiment_sweep_from_the_command_line(tmp_path, client, capsys):
    from neuroplastic.experiments import run_experiment

    argv = ["sweep", "stdp-window", "--scale", "reduced", "--set", "a_plus=0.01,0.02", "--set", "dt_step=20",
            "--seeds", "0-1", "--dir", str(tmp_path / "sw"), "--scheduler", client.scheduler.address,
            "--metric", "dw_at_plus_10", "--no-progress"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "4 members: 4 ran, 0 finished earlier (skipped), 0 failed" in out
    rows = read_table(tmp_path / "sw" / "results.csv")
    assert [(r["a_plus"], r["seed"]) for r in rows] == [("0.01", "0"), ("0.01", "1"), ("0.02", "0"), ("0.02", "1")]
    dw = [float(r["dw_at_plus_10"]) for r in rows]
    result, _ = run_experiment("stdp-window", {"a_plus": 0.02, "dt_step": 20}, seed=1, out=tmp_path / "seq",
                               scale="reduced")
    assert dw[3] == result.metrics["dw_at_plus_10"]                     # the same run made on its own
    assert dw[2] == pytest.approx(2 * dw[0], rel=1e-12)                 # additive STDP: dw scales with A+
    grid = json.loads((tmp_path / "sw" / "sweep.json").read_text())
    assert grid["target"] == "stdp-window" and grid["seeds"] == [0, 1] and len(grid["members"]) == 4

    from neuroplastic.sweeps.table import SweepTable
    table = SweepTable(list(rows[0]), [{**r, "a_plus": float(r["a_plus"]), "seed": int(r["seed"])} for r in rows],
                       tmp_path / "sw", ["a_plus"])
    ax = summary_figure(table, "dw_at_plus_10").axes[0]
    assert list(ax.lines[0].get_xdata()) == [0.01, 0.02]
    assert np.allclose(ax.lines[0].get_ydata(), [np.mean(dw[:2]), np.mean(dw[2:])], rtol=0, atol=0)
    assert main(argv) == 0 and "4 members: 0 ran, 4 finished earlier" in capsys.readouterr().out
    assert main(argv[:-3] + ["--metric", "dw_at_plus10", "--no-progress"]) == 2     # checked against the runs
    assert "did you mean 'dw_at_plus_10'" in capsys.readouterr().err
    assert not math.isnan(dw[0])


def test_a_directory_holding_another_sweep_is_refused(tmp_path):
    folder = tmp_path / "sw"
    folder.mkdir()
    (folder / "sweep.json").write_text(json.dumps({"kind": "experiment", "target": "stdp-window", "scale": "full"}))
    with pytest.raises(ValidationError) as e:
        npl.sweep("stdp-window", {"a_plus": [0.01]}, "0", scale="reduced", directory=folder)
    assert e.value.field == "--dir" and "scale 'full'" in str(e.value)
    with pytest.raises(ValidationError) as e:
        npl.sweep("stdp-window", {"a_plus": [0.01]}, "0", scale="reduced", directory=folder, workers=0)
    assert e.value.field == "--workers"
    assert sorted(p.name for p in folder.iterdir()) == ["sweep.json"]


def test_a_directory_of_an_edited_config_is_refused(tmp_path, config):
    from neuroplastic.sweeps.grid import make_grid

    folder = tmp_path / "sw"
    folder.mkdir()
    old = make_grid(str(config), {W: [300.0]}, "0")
    (folder / "sweep.json").write_text(json.dumps(old.describe()))
    config.write_text(CONFIG.replace("rate = 20.0", "rate = 25.0"))
    with pytest.raises(ValidationError, match="another version") as e:
        npl.sweep(str(config), {W: [300.0]}, "0", directory=folder)
    assert e.value.field == "--dir"


def _cannot_rebuild():
    raise RuntimeError("this value cannot be rebuilt on a worker")


class _Unloadable:
    """A value whose unpickling fails: a task holding one never reaches run_member on the worker."""

    def __reduce__(self):
        return _cannot_rebuild, ()


def test_a_task_that_dask_cannot_run_is_a_failed_record(tmp_path, client):
    from neuroplastic.sweeps.cluster import run_tasks
    from neuroplastic.sweeps.member import MemberTask

    good = MemberTask("good-s0", "experiment", "stdp-window", {"dt_step": 20.0}, 0, "reduced", {},
                      str(tmp_path / "good"))
    bad = MemberTask("bad-s0", "experiment", "stdp-window", {"dt_step": _Unloadable()}, 0, "reduced", {},
                     str(tmp_path / "bad"))
    records = {r["member"]: r for r in run_tasks(client, [bad, good])}
    assert records["bad-s0"]["status"] == "failed" and "deserialization" in records["bad-s0"]["error"]
    assert records["good-s0"]["status"] == "complete"
    assert records["good-s0"]["metrics"]["n_pairs"] == 11
