"""Compilation cost of the quick start: cold (empty caches) and cached, each in a new process.

Targets (engine issue): first run <= 15 s; later runs in a new process <= 2 s to first step.
"Time to first step" = process start -> import, build, compile-or-load, and one step done.
Run: ``python benchmarks/compile_time.py`` (``make bench`` runs it too).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST_STEP = """
import runpy, sys
src = open(sys.argv[1]).read().replace("net.run(10_000)", "net.run(0.1)").split("w = net.weights")[0]
exec(compile(src, "quickstart", "exec"))
"""


def _timed(args, env) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def measure() -> dict:
    """Seconds for: cold first step, cold full quick start, cached first step, cached full."""
    quick = str(ROOT / "examples" / "quickstart.py")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NEUROPLASTIC_CACHE_DIR=str(Path(tmp) / "kernels"),
                   NUMBA_CACHE_DIR=str(Path(tmp) / "numba"))
        out = {"cold_first_step_s": _timed([sys.executable, "-c", FIRST_STEP, quick], env)}
        out["cached_full_quickstart_s"] = _timed([sys.executable, quick], env)
        out["cached_first_step_s"] = _timed([sys.executable, "-c", FIRST_STEP, quick], env)
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NEUROPLASTIC_CACHE_DIR=str(Path(tmp) / "kernels"),
                   NUMBA_CACHE_DIR=str(Path(tmp) / "numba"))
        out["cold_full_quickstart_s"] = _timed([sys.executable, quick], env)
    return out


if __name__ == "__main__":
    result = measure()
    print(json.dumps(result, indent=2))
    print(f"cold first run {result['cold_full_quickstart_s']:.1f} s (target <= 15 s); "
          f"cached, new process, to first step {result['cached_first_step_s']:.2f} s (target <= 2 s)")
