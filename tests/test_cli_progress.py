"""The "compiling kernels" notice: shown when numba compiles, not when it loads
machine code from the disk cache, and compile time is left out of the speed."""
from __future__ import annotations

import importlib.util
import sys

import pytest

from neuroplastic import progress as progress_mod
from neuroplastic.engine.cache import watch_compile
from neuroplastic.progress import RunProgress

MODULE = """
from numba import njit

@njit(cache=True)
def advance(n):
    s = 0.0
    for k in range(n):
        s += k * 0.5
    return s
"""


def _import_fresh(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_compile_is_reported_once_and_a_disk_cache_load_not_at_all(tmp_path):
    path = tmp_path / "kernel_probe.py"
    path.write_text(MODULE)
    events = []
    first = _import_fresh(path, "kernel_probe_a")
    with watch_compile(first.advance, lambda: events.append("start"), lambda s: events.append(s)):
        assert first.advance(4) == 3.0
        first.advance(5)                                  # compiled already: nothing more
    assert events[0] == "start" and len(events) == 2 and events[1] > 0
    second = _import_fresh(path, "kernel_probe_b")       # a new process would load it the same way
    with watch_compile(second.advance, lambda: events.append("start"), lambda s: events.append(s)):
        assert second.advance(4) == 3.0
    assert len(events) == 2 and second.advance.stats.cache_hits


def test_progress_bar_says_compiling_and_leaves_compile_time_out_of_the_speed(monkeypatch, capsys):
    calls = []

    def clock():                                         # 100 s at the start, 103 s afterwards
        calls.append(None)
        return 100.0 if len(calls) == 1 else 103.0

    monkeypatch.setattr(progress_mod.time, "perf_counter", clock)
    with RunProgress(enabled=True, total_ms=1000.0) as bar:
        bar.compile_started()
        assert bar._bar.tasks[0].description == "compiling kernels…"
        bar.compile_finished(2.0)
        bar.update(500.0)                                # 0.5 s simulated in 3 s, 2 of them compiling
        assert bar._bar.tasks[0].fields["speed"] == "0.50 sim-s/s"
        assert bar._bar.tasks[0].description == "simulating"
    assert "compiled kernels in 2.0 s" in capsys.readouterr().out


def test_no_progress_no_output(capsys):
    with RunProgress(enabled=False, total_ms=1000.0) as bar:
        bar.compile_started()
        bar.compile_finished(1.5)
        bar.update(10.0)
    assert bar.compile_seconds == pytest.approx(1.5) and capsys.readouterr().out == ""
