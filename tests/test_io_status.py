"""Run directories: outcome status, stale temporary files, file modes, unreadable files."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from neuroplastic.errors import SimulationError
from neuroplastic.io import (RunDirectory, atomic_write_json, atomic_write_text, load_run,
                             stale_temp_files)
from neuroplastic.io import atomic as atomic_mod


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _temp_name(target: str, pid: int) -> str:
    return f".{target}.{atomic_mod._HOST}.{pid}.0123abcd.tmp"


# ------------------------------------------------------------------------- file modes

@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_follow_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        atomic_write_text(tmp_path / "a.txt", "x")
        run = RunDirectory.create(tmp_path / "runs", "m")
        run.write_metrics({"a": 1})
        run.log("hello")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == mode
    assert (run.path / "metrics.json").stat().st_mode & 0o777 == mode
    assert (run.path / "run.log").stat().st_mode & 0o777 == mode   # the same as every other file


# ------------------------------------------------------------------------- stale temporary files

def test_a_write_removes_stale_temp_files_of_dead_writers_only(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        dead = tmp_path / _temp_name("metrics.json", _dead_pid())
        live = tmp_path / _temp_name("figure.png", sleeper.pid)
        mine = tmp_path / _temp_name("other.json", os.getpid())
        old_legacy, new_legacy = tmp_path / ".x.npz.ab_cd123.tmp", tmp_path / ".y.npz.zz_zz999.tmp"
        for f in (dead, live, mine, old_legacy, new_legacy):
            f.write_bytes(b"partial")
        two_hours_ago = time.time() - 7200
        os.utime(old_legacy, (two_hours_ago, two_hours_ago))
        assert stale_temp_files(tmp_path) == sorted([dead, old_legacy])
        atomic_write_json(tmp_path / "status.json", {"state": "running"})
        left = sorted(p.name for p in tmp_path.iterdir())
        assert left == sorted([live.name, mine.name, new_legacy.name, "status.json"])
    finally:
        sleeper.kill()
        sleeper.wait()


def test_temp_file_name_carries_host_and_pid(tmp_path, monkeypatch):
    seen = []
    real = atomic_mod.os.replace

    def spy(src, dst):
        seen.append(Path(src).name)
        real(src, dst)

    monkeypatch.setattr(atomic_mod.os, "replace", spy)
    atomic_write_text(tmp_path / "out.txt", "x")
    assert atomic_mod._TEMP_RE.match(seen[0])["pid"] == str(os.getpid())
    assert seen[0].startswith(".out.txt.")


def test_creating_a_run_sweeps_stale_temps_left_in_other_runs(tmp_path):
    crashed = RunDirectory.create(tmp_path, "crashed")
    crashed.write_config({"a": 1})
    stale = crashed.recordings_dir / _temp_name("spikes_E.npz", _dead_pid())
    stale.write_bytes(b"\0" * 1000)
    assert load_run(crashed.path).stale_temp_files == [stale]
    RunDirectory.create(tmp_path, "next")
    assert not stale.exists() and load_run(crashed.path).stale_temp_files == []


# ------------------------------------------------------------------------- status

def test_a_run_that_completes_says_so_last(tmp_path):
    run = RunDirectory.create(tmp_path, "ok")
    run.write_config({"a": 1})
    with run.outcome():
        assert json.loads((run.path / "status.json").read_text())["state"] == "running"
        assert load_run(run.path).state == "running"     # this process is alive
        run.write_metrics({"x": 1.0})
    rec = load_run(run.path)
    assert (rec.state, rec.reason, rec.complete) == ("complete", "", True)
    assert rec.status["pid"] == os.getpid()


def test_an_exception_marks_the_run_failed_and_logs_the_traceback(tmp_path):
    run = RunDirectory.create(tmp_path, "bad")
    run.write_config({"a": 1})
    with pytest.raises(KeyError) as err:
        with run.outcome():
            {}["missing_key"]
    assert err.value.run_dir == run.path
    rec = load_run(run.path)
    assert rec.state == "failed" and rec.reason == "KeyError: 'missing_key'"
    log = (run.path / "run.log").read_text()
    assert "failed: KeyError: 'missing_key'" in log and "Traceback" in log


def test_a_simulation_error_marks_the_run_stopped(tmp_path):
    run = RunDirectory.create(tmp_path, "hot")
    run.write_config({"a": 1})
    with pytest.raises(SimulationError):
        with run.outcome():
            raise SimulationError("runaway activity", 12, 1.2, "exc", "rate")
    rec = load_run(run.path)
    assert rec.state == "stopped" and "population 'exc'" in rec.reason
    assert "stopped: runaway activity at step 12" in (run.path / "run.log").read_text()


@pytest.mark.parametrize("status, state", [
    (None, "incomplete"),
    ({"state": "running", "pid": "dead", "host": "same"}, "incomplete"),
    ({"state": "running", "pid": "self", "host": "same"}, "running"),
    ({"state": "running", "pid": 1, "host": "elsewhere.example"}, "running"),
    ({"state": "exploded"}, "incomplete"),
    ({"state": "failed", "reason": "ValueError: x"}, "failed"),
])
def test_state_of_a_run_from_its_status(tmp_path, status, state):
    import socket

    run = RunDirectory.create(tmp_path, "r")
    run.write_config({"a": 1})
    if status is not None:
        status = dict(status)
        status["pid"] = {"dead": _dead_pid(), "self": os.getpid()}.get(status.get("pid"), status.get("pid"))
        if status.get("host") == "same":
            status["host"] = socket.gethostname()
        atomic_write_json(run.path / "status.json", status)
    rec = load_run(run.path)
    assert rec.state == state and (rec.reason != "") == (state != "complete")


# ------------------------------------------------------------------------- unreadable files

def test_unreadable_or_too_deep_files_raise_value_errors_naming_them(tmp_path, monkeypatch):
    run = RunDirectory.create(tmp_path, "r")
    run.write_config({"a": 1})
    (run.path / "metrics.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match="metrics.json is nested too deeply"):
        load_run(run.path)
    (run.path / "metrics.json").write_text("{}")
    real = Path.read_text

    def denied(self, *args, **kwargs):
        if self.name == "metrics.json":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", denied)
    with pytest.raises(ValueError, match=r"metrics.json cannot be read: Permission denied"):
        load_run(run.path)
