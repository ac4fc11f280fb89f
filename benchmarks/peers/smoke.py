"""Smoke test of the peer workloads at reduced duration.

Runs W1-W3 with Brian2 (C++ standalone, single-threaded) -- and with NEST if
``--nest`` is given and NEST is importable -- for short durations, printing
one line per workload with timings (s), rates (Hz) and weight statistics
(nS).  Usage (from the repository root, in the bench venv)::

    python benchmarks/peers/smoke.py            # Brian2 only
    python benchmarks/peers/smoke.py --nest     # Brian2 and NEST
    python benchmarks/peers/smoke.py --full     # full spec durations

Exit status is 1 if any workload fails or produces no spikes at all.
"""
from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Reduced durations (ms): long enough to see the dynamics settle.
SMOKE_DURATIONS_MS = {"W1": 200.0, "W2": 5_000.0, "W3": 200.0}
SHOWN = ("sim_seconds", "total_seconds", "compile_seconds", "mean_rate_hz",
         "exc_rate_hz", "inh_rate_hz", "pop_rate_cv", "w_mean_nS",
         "frac_w_below_0.1max", "frac_w_above_0.9max")


def _summary(result: dict) -> str:
    """Compact one-line JSON of the interesting fields of a result dict."""
    keep = {k: round(result[k], 4) for k in SHOWN if k in result}
    return json.dumps(keep)


def _run_peer(label: str, module, durations: dict, seed: int) -> bool:
    """Run every workload of one peer module; returns True if all looked sane."""
    ok = True
    for name, runner in module.RUNNERS.items():
        try:
            result = runner(seed, durations.get(name))
        except Exception:  # report and continue with the next workload
            traceback.print_exc()
            print(f"{label} {name}: FAILED", flush=True)
            ok = False
            continue
        sane = result["mean_rate_hz"] > 0
        ok &= sane
        flag = "" if sane else "  <-- no spikes"
        print(f"{label} {name} ({result['duration_ms']:.0f} ms): "
              f"{_summary(result)}{flag}", flush=True)
    return ok


def main(argv=None) -> int:
    """Parse arguments, run the peers, return the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nest", action="store_true", help="also run NEST")
    ap.add_argument("--full", action="store_true", help="use full durations")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    durations = {} if args.full else SMOKE_DURATIONS_MS
    import brian2_workloads
    ok = _run_peer("brian2", brian2_workloads, durations, args.seed)
    if args.nest:
        try:
            import nest_workloads
        except ImportError as exc:
            print(f"nest: not available ({exc})")
        else:
            ok &= _run_peer("nest", nest_workloads, durations, args.seed)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
