"""Tests for neuroplastic.io: atomic writers and run directories."""
from __future__ import annotations

import json
import math
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from neuroplastic.io import (RunDirectory, atomic_save_figure, atomic_save_npy, atomic_save_npz,
                             atomic_write_bytes, atomic_write_json, atomic_write_text,
                             atomic_write_toml, load_run, to_jsonable)
from neuroplastic.io import atomic as atomic_mod

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _leftovers(directory: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name not in keep)


# ------------------------------------------------------------------------- atomicity

class _Unencodable:
    pass


def test_json_encoding_failure_leaves_original_untouched(tmp_path):
    target = tmp_path / "metrics.json"
    target.write_text('{"old": 1}\n')
    with pytest.raises(TypeError, match="_Unencodable"):
        atomic_write_json(target, {"a": 1, "bad": _Unencodable()})
    assert target.read_text() == '{"old": 1}\n'
    assert _leftovers(tmp_path, {"metrics.json"}) == []


@pytest.mark.parametrize("writer, payload", [
    (atomic_write_bytes, b"new bytes"),
    (atomic_write_text, "new text"),
    (atomic_write_json, {"new": [1, 2]}),
    (atomic_write_toml, {"new": 2}),
    (lambda p, x: atomic_save_npz(p, x=x), np.arange(5)),
])
def test_failing_replace_keeps_original_and_removes_temp(tmp_path, monkeypatch, writer, payload):
    target = tmp_path / "out.dat"
    target.write_bytes(b"ORIGINAL")

    def boom(src, dst):
        assert Path(src).exists() and Path(src).parent == target.parent  # temp is in same dir
        raise OSError("simulated crash during rename")

    monkeypatch.setattr(atomic_mod.os, "replace", boom)
    with pytest.raises(OSError, match="simulated crash"):
        writer(target, payload)
    assert target.read_bytes() == b"ORIGINAL"
    assert _leftovers(tmp_path, {"out.dat"}) == []


def test_failure_while_writing_content_removes_temp(tmp_path):
    class BrokenFigure:
        def savefig(self, *args, **kwargs):
            raise RuntimeError("renderer exploded")

    target = tmp_path / "fig.png"
    with pytest.raises(RuntimeError, match="renderer exploded"):
        atomic_save_figure(BrokenFigure(), target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_failure_inside_atomic_context_removes_temp(tmp_path):
    target = tmp_path / "x.bin"
    target.write_bytes(b"keep")
    with pytest.raises(ValueError, match="midway"):
        with atomic_mod._atomic_binary(target) as fh:
            fh.write(b"partial data")
            raise ValueError("midway")
    assert target.read_bytes() == b"keep"
    assert _leftovers(tmp_path, {"x.bin"}) == []


def test_write_into_missing_directory_names_it(tmp_path):
    missing = tmp_path / "nope" / "f.txt"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing.parent))):
        atomic_write_text(missing, "x")


def test_successful_write_replaces_content(tmp_path):
    target = tmp_path / "a.txt"
    atomic_write_text(target, "one")
    atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert _leftovers(tmp_path, {"a.txt"}) == []


# ------------------------------------------------------------------------- round trips

def test_json_round_trip_handles_numpy_nan_and_paths(tmp_path):
    obj = {
        "b_int": np.int32(7), "a_float": np.float64(0.25), "arr": np.arange(3, dtype=np.int16),
        "mat": np.eye(2), "nan": float("nan"), "np_nan": np.float32("nan"), "inf": math.inf,
        "path": Path("/some/where"), "flag": np.bool_(True), "nested": {"t": (1, 2)},
    }
    target = tmp_path / "m.json"
    atomic_write_json(target, obj)
    text = target.read_text()
    assert "NaN" not in text and "Infinity" not in text
    back = json.loads(text)
    assert back == {
        "a_float": 0.25, "arr": [0, 1, 2], "b_int": 7, "flag": True, "inf": None,
        "mat": [[1.0, 0.0], [0.0, 1.0]], "nan": None, "nested": {"t": [1, 2]},
        "np_nan": None, "path": "/some/where",
    }
    # indent 2 and sorted keys
    assert text.splitlines()[1] == '  "a_float": 0.25,'
    assert text.endswith("\n")


def test_to_jsonable_rejects_unknown_types():
    with pytest.raises(TypeError, match="object"):
        to_jsonable({"x": object()})


def test_toml_round_trip_converts_numpy_and_drops_none(tmp_path):
    mapping = {
        "seed": np.int64(3), "dt": np.float32(0.125), "name": "run",
        "drop_me": None,
        "network": {"sizes": np.array([800, 200]), "gone": None, "tau": 20.0,
                    "stdp": {"A_plus": 0.01, "w_max": None}},
    }
    target = tmp_path / "c.toml"
    atomic_write_toml(target, mapping)
    back = tomllib.loads(target.read_text())
    assert back == {"seed": 3, "dt": 0.125, "name": "run",
                    "network": {"sizes": [800, 200], "tau": 20.0, "stdp": {"A_plus": 0.01}}}
    assert isinstance(back["seed"], int)


def test_toml_none_in_list_is_an_error(tmp_path):
    target = tmp_path / "c.toml"
    with pytest.raises(ValueError, match="xs"):
        atomic_write_toml(target, {"xs": [1, None]})
    assert not target.exists()


def test_npz_round_trip_exact_path(tmp_path):
    target = tmp_path / "data.bin"  # no .npz suffix must be appended
    i = np.array([0, 3, 1], dtype=np.int64)
    t = np.array([0.5, 1.25, 9.0])
    atomic_save_npz(target, i=i, t=t)
    assert target.exists() and not (tmp_path / "data.bin.npz").exists()
    with np.load(target, allow_pickle=False) as d:
        assert sorted(d.files) == ["i", "t"]
        np.testing.assert_array_equal(d["i"], i)
        assert d["i"].dtype == np.int64
        np.testing.assert_array_equal(d["t"], t)


def test_npz_rejects_object_arrays(tmp_path):
    with pytest.raises(TypeError, match="object"):
        atomic_save_npz(tmp_path / "o.npz", x=np.array([{}, []], dtype=object))
    assert list(tmp_path.iterdir()) == []


def test_npy_round_trip_exact_path_and_rejects_objects(tmp_path):
    target = tmp_path / "counts.bin"  # no .npy suffix must be appended
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    assert atomic_save_npy(target, a) == target
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counts.bin"]
    back = np.load(target, allow_pickle=False)
    np.testing.assert_array_equal(back, a)
    assert back.dtype == np.int32
    with pytest.raises(TypeError, match="object"):
        atomic_save_npy(tmp_path / "o.npy", np.array([{}, []], dtype=object))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counts.bin"]


def test_atomic_save_figure_writes_png(tmp_path):
    fig = Figure()
    fig.add_subplot().plot([0, 1], [1, 0])
    path = atomic_save_figure(fig, tmp_path / "f.png")
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and len(data) > 1024


# ------------------------------------------------------------------------- run directories

def test_create_naming_and_subfolders(tmp_path):
    run = RunDirectory.create(tmp_path / "runs", "stdp", seed=42)
    assert run.path.parent == tmp_path / "runs"
    assert re.fullmatch(r"stdp-\d{8}-\d{6}-s42", run.path.name)
    assert (run.path / "figures").is_dir() and (run.path / "recordings").is_dir()
    plain = RunDirectory.create(tmp_path, "x")
    assert re.fullmatch(r"x-\d{8}-\d{6}", plain.path.name)


def test_create_is_unique_within_the_same_second(tmp_path, monkeypatch):
    import datetime as real_dt

    class FrozenDatetime(real_dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return real_dt.datetime(2024, 5, 6, 7, 8, 9)

    from neuroplastic.io import rundir
    monkeypatch.setattr(rundir._dt, "datetime", FrozenDatetime)
    names = [RunDirectory.create(tmp_path, "r", seed=1).path.name for _ in range(3)]
    assert names == ["r-20240506-070809-s1", "r-20240506-070809-s1-1", "r-20240506-070809-s1-2"]


@pytest.mark.parametrize("bad", ["", "a/b", "../x", ".hidden", "sp ace"])
def test_create_rejects_bad_names(tmp_path, bad):
    with pytest.raises(ValueError, match="name"):
        RunDirectory.create(tmp_path, bad)


def test_full_round_trip(tmp_path):
    run = RunDirectory.create(tmp_path, "demo", seed=0)
    run.write_config({"dt": 0.1, "N": np.int64(100), "unused": None, "model": {"tau_m": 20.0}})
    run.write_metrics({"rate_hz": np.float64(5.5), "cv": float("nan")})
    run.write_summary({"ok": True})
    fig = Figure()
    fig.add_subplot().plot([1, 2, 3])
    fig_path = run.save_figure(fig, "trace")
    run.save_spikes("E", i=[0, 1, 1], t=[1.0, 2.0, 3.5])
    run.save_state("E", t=[0.0, 0.1], index=[0, 5], V=np.array([[-65.0, -64.0], [-60.0, -61.0]]))
    run.save_weights("ee", t=[0.0, 100.0], w=np.ones((2, 3)), pre=[0, 1, 2], post=[2, 0, 1])
    run.save_rate("E", t=[0.0, 5.0], rate=[1.0, 2.0])
    run.save_recording("custom", x=np.arange(4))
    run.log("started")
    run.log("two\nlines")

    rec = load_run(run.path)
    assert rec.path == run.path
    assert rec.config == {"dt": 0.1, "N": 100, "model": {"tau_m": 20.0}}
    assert rec.metrics == {"rate_hz": 5.5, "cv": None}
    assert rec.summary == {"ok": True}
    assert rec.figures == [fig_path] and fig_path.name == "trace.png"
    assert fig_path.read_bytes()[:8] == PNG_SIGNATURE
    assert rec.recordings == ["custom", "rate_E", "spikes_E", "state_E", "weights_ee"]
    spikes = rec.recording("spikes_E")
    assert spikes["i"].dtype == np.int64 and spikes["t"].dtype == np.float64
    np.testing.assert_array_equal(spikes["t"], [1.0, 2.0, 3.5])
    state = rec.recording("state_E")
    assert state["V"].shape == (2, 2) and list(state["index"]) == [0, 5]
    assert rec.recording("weights_ee")["w"].shape == (2, 3)
    np.testing.assert_array_equal(rec.recording("custom.npz")["x"], np.arange(4))

    lines = (run.path / "run.log").read_text().splitlines()
    assert len(lines) == 3
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} started$", lines[0])
    assert lines[1].endswith(" two") and lines[2] == "    lines"


def test_save_figure_closes_pyplot_figure(tmp_path):
    import matplotlib.pyplot as plt
    plt.switch_backend("agg")
    fig = plt.figure()
    num = fig.number
    assert num in plt.get_fignums()
    RunDirectory.create(tmp_path, "p").save_figure(fig, "f")
    assert num not in plt.get_fignums()


def test_format_helpers_validate_shapes(tmp_path):
    run = RunDirectory.create(tmp_path, "v")
    with pytest.raises(ValueError, match="length"):
        run.save_spikes("E", i=[0, 1], t=[1.0])
    with pytest.raises(ValueError, match=r"\(n_samples, n_recorded\)"):
        run.save_state("E", t=[0.0, 1.0], index=[0], V=np.zeros((3, 1)))
    with pytest.raises(ValueError, match="n_synapses"):
        run.save_weights("ee", t=[0.0], w=np.zeros((1, 2)), pre=[0, 1, 2], post=[0, 1, 2])
    assert list((run.path / "recordings").iterdir()) == []


def test_missing_recording_names_path_and_alternatives(tmp_path):
    run = RunDirectory.create(tmp_path, "m")
    run.write_config({"a": 1})
    run.save_rate("E", t=[0.0], rate=[1.0])
    rec = load_run(run.path)
    with pytest.raises(FileNotFoundError, match=r"spikes_I.*rate_E") as err:
        rec.recording("spikes_I")
    assert str(run.path) in str(err.value)


def test_load_run_errors_name_the_path(tmp_path):
    missing = tmp_path / "does-not-exist"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        load_run(missing)

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match=re.escape(str(empty)) + ".*config.toml"):
        load_run(empty)

    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(ValueError, match=re.escape(str(a_file))):
        load_run(a_file)

    bad = RunDirectory.create(tmp_path, "bad")
    (bad.path / "config.toml").write_text("this is = = not toml")
    with pytest.raises(ValueError, match=re.escape(str(bad.path / "config.toml"))):
        load_run(bad.path)

    bad_metrics = RunDirectory.create(tmp_path, "badm")
    bad_metrics.write_config({"a": 1})
    (bad_metrics.path / "metrics.json").write_text("{not json")
    with pytest.raises(ValueError, match=re.escape(str(bad_metrics.path / "metrics.json"))):
        load_run(bad_metrics.path)


def test_load_run_without_metrics_gives_empty_dict(tmp_path):
    run = RunDirectory.create(tmp_path, "partial")
    run.write_config({"a": 1})
    rec = load_run(str(run.path))
    assert rec.metrics == {} and rec.figures == [] and rec.recordings == []


def test_opening_missing_run_directory_fails(tmp_path):
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / "gone"))):
        RunDirectory(tmp_path / "gone")


def test_json_digest_is_sha256_of_sorted_json():
    """Closed form: sha256('{"a": "x", "b": [1, 2]}') -> 5125d018f84d57c4...; key order and
    the process do not matter; the length is checked."""
    from neuroplastic.io import json_digest
    assert json_digest({"b": [1, 2], "a": "x"}) == "5125d018f84d57c4"
    assert json_digest({"a": "x", "b": [1, 2]}, 6) == "5125d0"
    assert json_digest({"p": Path("/x")}) == json_digest({"p": "/x"})     # default=str
    with pytest.raises(ValueError, match="length"):
        json_digest(1, 0)
