"""Run the benchmark workloads with neuroplastic and its peers in one process, side by side.

Prints wall times and ratios, and writes ``benchmarks/results.json``: one entry per
workload (``W1``, ``W2``, ``W3``) with each simulator's seconds and
``speedup_vs_<peer>`` = the peer's simulation seconds / neuroplastic simulation seconds.
Simulation time excludes building and compiling; total time includes them.

Peers: Brian2 (C++ standalone) and NEST, each single-threaded (``brian2``, ``nest``)
and with ``--threads`` threads (``brian2_2t``: OpenMP; ``nest_2t``: NEST's
``local_num_threads``; ``--threads 1`` leaves these columns out).

Usage: ``python benchmarks/run.py [--only W1,W3] [--seed N] [--duration-scale 0.1]
[--no-peers] [--threads 2] [--no-extras] [--workloads-only]`` (``make bench`` runs it in its own
environment with Brian2 and NEST installed; ``--no-extras`` skips the compile-time,
stability, MSP and one-hour measurements that follow the workloads;
``--workloads-only`` runs W1-W3 and writes nothing).
"""
from __future__ import annotations

import argparse
import functools
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "peers"))

import neuroplastic_workloads as ours  # noqa: E402
from specs import WORKLOADS as SPECS  # noqa: E402


def _peers(threads: int = 2) -> dict:
    """Peer simulators that import here: column name -> {workload key: runner};
    each peer once single-threaded and, if ``threads`` > 1, once more with
    ``threads`` threads (column ``<peer>_<threads>t``)."""
    found = {}
    for name, module in (("brian2", "brian2_workloads"), ("nest", "nest_workloads")):
        try:
            mod = __import__(module)
        except Exception as err:  # a peer that is not installed is reported, not fatal
            print(f"[bench] {name} unavailable: {type(err).__name__}: {err}", file=sys.stderr)
            continue
        for n, column in ((1, name), (threads, f"{name}_{threads}t"))[:2 if threads > 1 else 1]:
            found[column] = {key: functools.partial(mod.RUNNERS[key], threads=n) for key in mod.RUNNERS}
    return found


def _run_one(fn, seed, duration):
    try:
        return fn(seed=seed, duration_ms=duration) if duration else fn(seed=seed)
    except TypeError:
        return fn(seed)
    except Exception as err:
        return {"error": f"{type(err).__name__}: {err}"}


def run(only, seed, scale, with_peers, threads=2, our_threads=1) -> dict:
    peers = _peers(threads) if with_peers else {}
    ours_nt = f"neuroplastic_{our_threads}t"
    results = {"_meta": {"python": platform.python_version(), "machine": platform.machine(),
                         "processor": platform.processor(), "seed": seed, "duration_scale": scale,
                         "date": time.strftime("%Y-%m-%d %H:%M:%S")}}
    for key in only:
        duration = SPECS[key]["duration_ms"] * scale if scale != 1.0 else None
        fn_name = f"run_{key.lower()}"
        entry = {"workload": SPECS[key]["name"], "duration_ms": duration or SPECS[key]["duration_ms"]}
        entry["neuroplastic"] = _run_one(getattr(ours, fn_name), seed, duration)
        if our_threads > 1:   # the same workload with Network(threads=our_threads)
            entry[ours_nt] = _run_one(functools.partial(getattr(ours, fn_name), threads=our_threads), seed, duration)
            if entry[ours_nt].get("sim_seconds") and entry["neuroplastic"].get("sim_seconds"):
                entry[f"speedup_{our_threads}t_vs_1t"] = entry["neuroplastic"]["sim_seconds"] / entry[ours_nt]["sim_seconds"]
        for name, runners in peers.items():
            if key in runners:
                entry[name] = _run_one(runners[key], seed, duration)
        ours_sim = entry["neuroplastic"].get("sim_seconds")
        for name in peers:
            peer_sim = entry.get(name, {}).get("sim_seconds")
            if ours_sim and peer_sim:
                entry[f"speedup_vs_{name}"] = peer_sim / ours_sim
                entry[f"speedup_total_vs_{name}"] = entry[name]["total_seconds"] / entry["neuroplastic"]["total_seconds"]
        results[key] = entry
        _print_entry(key, entry, ([ours_nt] if our_threads > 1 else []) + list(peers))
    return results


def _print_entry(key, entry, peers):
    print(f"\n{key} {entry['workload']} ({entry['duration_ms'] / 1000:g} s biological)")
    print(f"  {'simulator':<15}{'sim s':>10}{'total s':>10}{'rate Hz':>10}{'sim CPU s':>11}")
    for name in ["neuroplastic", *peers]:
        r = entry.get(name, {})
        if "error" in r:
            print(f"  {name:<15} error: {r['error']}")
        elif r:
            print(f"  {name:<15}{r['sim_seconds']:>10.3f}{r['total_seconds']:>10.3f}"
                  f"{r.get('mean_rate_hz', float('nan')):>10.2f}{r.get('sim_cpu_seconds', float('nan')):>11.3f}")
    for k in [k for k in entry if k.startswith("speedup_") and k.endswith("t_vs_1t")]:
        print(f"  neuroplastic {k[8:].replace('_vs_', ' vs ')}: {entry[k]:.2f}x simulation (wall)")
    for name in peers:
        if f"speedup_vs_{name}" in entry:
            print(f"  speedup vs {name}: {entry[f'speedup_vs_{name}']:.2f}x simulation, "
                  f"{entry[f'speedup_total_vs_{name}']:.2f}x whole (build+compile included)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="W1,W2,W3")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--duration-scale", type=float, default=1.0)
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--threads", type=int, default=2, help="threads of the peers' multi-threaded columns")
    ap.add_argument("--our-threads", type=int, default=1,
                    help="N > 1: also run neuroplastic with Network(threads=N) (column neuroplastic_<N>t)")
    ap.add_argument("--no-extras", action="store_true", help="only the workloads W1-W3")
    ap.add_argument("--workloads-only", action="store_true",
                    help="W1-W3 only (no compile, stability, MSP and one-hour measurements); nothing is written")
    ap.add_argument("--out", default=str(HERE / "results.json"))
    args = ap.parse_args(argv)
    results = run(args.only.split(","), args.seed, args.duration_scale, not args.no_peers, args.threads,
                  args.our_threads)
    if args.workloads_only:
        return results
    if not args.no_extras:
        _extras(results)
    from neuroplastic.io import atomic_write_json
    atomic_write_json(args.out, results)
    print(f"\nwrote {args.out}")


def _extras(results: dict) -> None:
    """Compile time, stability cost, MSP structural cost, one biological hour."""
    from compile_time import measure
    results["compile"] = measure()
    print("\ncompile:", json.dumps(results["compile"]))
    import stability_cost
    cost = stability_cost.measure(10_000.0, 3)
    results["stability_cost"] = {k: cost[k] for k in cost if not k.endswith("_all")}
    print("\nstability (b)/(a):", json.dumps({k: v for k, v in cost.items() if "ratio" in k}))
    import msp_structural
    msp = msp_structural.measure(10_000.0)
    results["msp_structural"] = msp
    print(f"\nMSP structural updates (10,000 neurons, every 100 ms): {100 * msp['fraction']:.2f} % of the run "
          f"time ({100 * msp['fraction_with_chunking']:.2f} % with chunk overhead; limit 20 %)")
    import izhikevich_hour
    hour = izhikevich_hour.measure()
    results["izhikevich_hour"] = hour
    print(f"\nizhikevich2007, one biological hour: {hour['sim_wall_s']:.1f} s of simulation "
          f"(limit {hour['limit_s']:g} s)")


if __name__ == "__main__":
    main()
