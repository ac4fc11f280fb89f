"""A run killed with SIGKILL (kill -9) at various points: its directory says
"incomplete", its temporary files are removed by the next run in the same root,
and that next run works."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from neuroplastic.cli import main

# The child registers an experiment and runs it through the ordinary runner;
# it touches READY at the chosen point and then waits to be killed.
CHILD = textwrap.dedent("""
    import os, sys, time
    import numpy as np
    from pathlib import Path
    from neuroplastic.experiments import Experiment, Result, register, registry, run_experiment
    from neuroplastic.io import atomic

    registry._load_all = lambda: None   # only the probe below (importing every experiment takes seconds)

    root, point, ready = sys.argv[1], sys.argv[2], Path(sys.argv[3])

    def wait_to_be_killed():
        ready.touch()
        time.sleep(60)

    def run(config, seed=0, progress=False):
        if point == "simulating":
            wait_to_be_killed()
        return Result(config=dict(config), metrics={"x": 1.0},
                      recordings={"big": {"a": np.arange(200_000.0)}})

    real_replace = atomic.os.replace

    def replace(src, dst):          # the recording is written and fsynced, not yet renamed
        if point == "writing" and str(dst).endswith("big.npz"):
            wait_to_be_killed()
        real_replace(src, dst)

    atomic.os.replace = replace
    register(Experiment("crash-probe", "killed on purpose", run, {"a": 1.0}, {}, ()))
    run_experiment("crash-probe", out=root)
""")


def _kill_child_at(point: str, root: Path, tmp_path: Path) -> Path:
    ready = tmp_path / "ready"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(root), point, str(ready)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert child.poll() is None, f"the child exited early with {child.returncode}"
            assert time.monotonic() < deadline, "the child never reached the kill point"
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()          # reaped: its pid no longer exists
    (run_dir,) = root.iterdir()
    return run_dir


@pytest.mark.parametrize("point, stale", [("simulating", 0), ("writing", 1)])
def test_a_killed_run_is_incomplete_and_the_next_run_cleans_up(point, stale, tmp_path, capsys):
    root = tmp_path / "runs"
    run_dir = _kill_child_at(point, root, tmp_path)
    assert json.loads((run_dir / "status.json").read_text())["state"] == "running"
    temps = sorted(p.name for p in (run_dir / "recordings").iterdir() if p.name.endswith(".tmp"))
    assert len(temps) == stale

    assert main(["show", str(run_dir)]) == 4
    text = capsys.readouterr().out
    assert "status: incomplete" in text and "ended without finishing the run" in text
    assert ("stale temporary file" in text) == bool(stale)

    assert main(["run", "stdp-window", "--scale", "reduced", "--out", str(root), "--no-progress"]) == 0
    capsys.readouterr()
    assert list(root.rglob("*.tmp")) == []
    (new_run,) = [p for p in root.iterdir() if p != run_dir]
    assert main(["show", str(new_run)]) == 0 and "status: complete" in capsys.readouterr().out
    assert main(["show", str(run_dir)]) == 4   # still incomplete, now without temporary files
    assert "stale temporary file" not in capsys.readouterr().out
