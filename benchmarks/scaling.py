"""Scaling benchmark: wall time per biological second and peak memory from 10^3 to 10^6 neurons.

Network (the same in every simulator; units ms, mV, pA, pF, Hz): ``n`` current-based LIF
neurons (tau_m 20 ms, C_m 250 pF, rest = reset -65 mV, threshold -50 mV, t_ref 2 ms,
exponential PSCs tau 5 ms) driven by a constant bias current ``I_BIAS`` = 189 pA, so each
neuron fires regularly at ~10 Hz (period t_ref + tau_m ln(R I / (R I - 15 mV)) = 100 ms)
with a random phase (V_m uniform on [-65, -50) mV at t = 0). One recurrent projection with
a fixed in-degree ``k`` (each neuron receives ``k`` synapses from distinct, uniformly drawn
neurons) and a tiny weight ``W`` = 0.001 pA, so the recurrent input does not move the rate:
every simulator does the same work, n x 10 Hz x k synaptic events per biological second.
With ``--stdp`` the projection carries additive all-to-all pair STDP (tau 20 ms, A+ =
1e-5 pA, A- = 1.05 A+, w in [0, 0.002] pA). dt = 0.1 ms; delays: one step (NEST's minimum,
Brian2's and neuroplastic's zero delay both deliver at the next step).

What is measured per point, each point in its own process (``--point``) so that its peak
memory is its own:

* ``sim_s``: wall time of the simulation loop (neuroplastic: ``net.run`` after a one-step
  warm-up that compiles or loads the kernel; Brian2: the C++ main loop,
  ``device._last_run_time``; NEST: ``nest.Run`` after ``nest.Prepare``); ``s_per_bio_s`` =
  sim_s / bio time;
* ``cpu_s``: CPU time of the same loop (thread CPU time of neuroplastic and of one-thread
  NEST; for Brian2, whose loop runs in a child binary, the smaller of the loop's wall time
  and the whole binary's CPU time from GNU time: an upper bound), the measure to compare
  on a shared machine; ``cpu_s_per_bio_s``;
* ``ns_per_event`` = cpu_s / (spikes x k): CPU cost per delivered synaptic event (neuron
  updates included); linear scaling means this stays flat as n grows;
* ``peak_mb``: peak resident memory of the process and its children (sampled every 20 ms
  with psutil, and ``ru_maxrss``); ``bytes_per_synapse`` = (peak - resident memory before the
  network was built) / synapses;
* ``build_s``: building (neuroplastic: ``Network()`` and the warm-up step; Brian2: code
  generation + compilation + the binary's set-up; NEST: Create + Connect).

Each simulator climbs the sizes until the next point would exceed ``--point-budget`` seconds
(predicted from the last point's total time, linear in synapses) or ``--mem-gb`` (predicted
from its bytes per synapse). Writes ``benchmarks/scaling.json``, ``benchmarks/scaling.md``
(markdown table) and ``benchmarks/scaling.png`` (figure).

Run: ``python benchmarks/scaling.py [--sims neuroplastic,brian2,nest] [--k 100,1000]
[--sizes 1000,10000,100000,1000000] [--bio-ms 200] [--point-budget 120] [--mem-gb 4] [--threads 1]``; on a free
machine raise ``--point-budget`` and ``--mem-gb`` to go further (``make bench-scaling
SCALING_ARGS=...``). Measured numbers: ``benchmarks/MEASURED.md``.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DT = 0.1
NEURON = dict(tau_m=20.0, c_m=250.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0, t_ref=2.0, tau_syn=5.0)
I_BIAS = 189.0          # pA: ~10 Hz regular firing (see the docstring)
W = 0.001               # pA
STDP = dict(a_plus=1e-5, a_minus=1.05e-5, tau=20.0, w_max=0.002)


class PeakMemory:
    """Samples the resident memory of this process and its children (MB) until stopped."""

    def __init__(self, period_s: float = 0.02):
        import psutil

        self._proc, self._period, self.peak = psutil.Process(), period_s, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def rss_mb(self) -> float:
        total = self._proc.memory_info().rss
        for child in self._proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except Exception:  # a child that ended between listing and reading
                pass
        return total / 2**20

    def _poll(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss_mb())
            self._stop.wait(self._period)

    def __enter__(self):
        self.baseline = self.rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run_neuroplastic(n, k, stdp, bio_ms, seed, threads) -> dict:
    import neuroplastic as npl

    m = npl.Model(dt=DT, max_rate=None)
    cell = npl.LIF(tau_m=NEURON["tau_m"], c_m=NEURON["c_m"], v_rest=NEURON["v_rest"], v_reset=NEURON["v_reset"],
                   v_thresh=NEURON["v_thresh"], t_ref=NEURON["t_ref"], synapse="current",
                   tau_e=NEURON["tau_syn"], tau_i=NEURON["tau_syn"], i_bias=I_BIAS)
    m.add(npl.Population("n", n, cell, initial={"v": npl.Uniform(NEURON["v_rest"], NEURON["v_thresh"])}))
    rules = [npl.PairSTDP(a_plus=STDP["a_plus"], a_minus=STDP["a_minus"], tau_plus=STDP["tau"],
                          tau_minus=STDP["tau"], w_max=STDP["w_max"])] if stdp else []
    bounds = dict(w_min=0.0, w_max=STDP["w_max"]) if stdp else {}
    m.add(npl.Projection("rec", "n", "n", npl.FixedInDegree(k), weight=W, rules=rules, **bounds))
    m.add(npl.SpikeMonitor("n"))
    t0 = time.perf_counter()
    net = npl.Network(m, seed=seed)
    net.run(DT)
    build = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.thread_time()
    net.run(bio_ms)
    sim, cpu = time.perf_counter() - t0, time.thread_time() - c0
    spikes = int((net.spikes("n")[1] > DT / 2).sum())   # the timed run only
    return dict(sim_s=sim, cpu_s=cpu, build_s=build, spikes=spikes, synapses=int(net.weights("rec").size))


BRIAN2_EQS = """
dv/dt = (v_rest - v + (i_bias + ie) * tau_m / c_m) / tau_m : volt (unless refractory)
die/dt = -ie / tau_syn : amp
"""


def run_brian2(n, k, stdp, bio_ms, seed, threads) -> dict:
    import brian2 as b2
    from brian2 import ms, mV, pA, pF

    build_dir = HERE / "build" / f"scaling_brian2_{n}_{k}_{int(stdp)}_{threads}t"
    b2.set_device("cpp_standalone", build_on_run=False)
    b2.device.reinit()
    b2.device.activate(build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = threads if threads > 1 else 0
    # the binary's own peak memory, written by GNU time beside it
    b2.prefs.devices.cpp_standalone.run_cmd_unix = ["/usr/bin/time", "-f", "%M %U %S %e", "-o", "maxrss_kb.txt",
                                                         "./main"]
    b2.defaultclock.dt = DT * ms
    b2.seed(seed)
    ns = dict(tau_m=NEURON["tau_m"] * ms, c_m=NEURON["c_m"] * pF, v_rest=NEURON["v_rest"] * mV,
              tau_syn=NEURON["tau_syn"] * ms, i_bias=I_BIAS * pA)
    g = b2.NeuronGroup(n, BRIAN2_EQS, threshold=f"v > {NEURON['v_thresh']}*mV", reset=f"v = {NEURON['v_reset']}*mV",
                       refractory=NEURON["t_ref"] * ms, method="exact", namespace=ns)
    g.v = f"({NEURON['v_rest']} + {NEURON['v_thresh'] - NEURON['v_rest']}*rand())*mV"
    if stdp:
        syn = b2.Synapses(g, g, """w : amp
            dapre/dt = -apre/tau : amp (event-driven)
            dapost/dt = -apost/tau : amp (event-driven)""",
                          on_pre="ie_post += w\napre += a_plus\nw = clip(w + apost, 0*pA, w_max)",
                          on_post="apost -= a_minus\nw = clip(w + apre, 0*pA, w_max)",
                          namespace=dict(tau=STDP["tau"] * ms, a_plus=STDP["a_plus"] * pA,
                                         a_minus=STDP["a_minus"] * pA, w_max=STDP["w_max"] * pA))
    else:
        syn = b2.Synapses(g, g, "w : amp (constant)", on_pre="ie_post += w")
    syn.connect(i=f"q for q in sample(N_pre, size={k})")   # fixed in-degree, no multapses
    syn.w = W * pA
    mon = b2.SpikeMonitor(g)
    net = b2.Network(g, syn, mon)
    t0 = time.perf_counter()
    net.run(bio_ms * ms, report=None)
    b2.device.build(directory=str(build_dir), compile=True, run=True, clean=True, with_output=False)
    total = time.perf_counter() - t0
    sim = float(b2.device._last_run_time)
    kb, user, system, wall = (float(x) for x in (build_dir / "maxrss_kb.txt").read_text().split()[-4:])
    # the main loop's CPU time is at most its wall time and at most the whole binary's CPU time
    cpu = min(sim, user + system)
    compile_s = float(b2.device.timers.get("compile", {}).get("make", 0.0))
    return dict(sim_s=sim, cpu_s=cpu, build_s=total - sim, fixed_s=compile_s, spikes=int(mon.num_spikes),
                synapses=int(len(syn)), binary_peak_mb=kb / 1024)


def run_nest(n, k, stdp, bio_ms, seed, threads) -> dict:
    import nest

    nest.ResetKernel()
    try:  # NEST >= 3.9 spelling
        nest.verbosity = nest.VerbosityLevel.ERROR
    except AttributeError:
        nest.set_verbosity("M_ERROR")
    nest.SetKernelStatus({"local_num_threads": int(threads), "resolution": DT, "rng_seed": int(seed) + 1,
                          "print_time": False})
    t0 = time.perf_counter()
    nrn = nest.Create("iaf_psc_exp", n, params=dict(
        tau_m=NEURON["tau_m"], C_m=NEURON["c_m"], E_L=NEURON["v_rest"], V_reset=NEURON["v_reset"],
        V_th=NEURON["v_thresh"], t_ref=NEURON["t_ref"], tau_syn_ex=NEURON["tau_syn"], tau_syn_in=NEURON["tau_syn"],
        I_e=I_BIAS, tau_minus=STDP["tau"]))
    nrn.V_m = nest.random.uniform(min=NEURON["v_rest"], max=NEURON["v_thresh"])
    syn = {"synapse_model": "static_synapse", "weight": W, "delay": DT}
    if stdp:
        nest.CopyModel("stdp_synapse", "stdp_scaling", {
            "tau_plus": STDP["tau"], "lambda": STDP["a_plus"] / STDP["w_max"],
            "alpha": STDP["a_minus"] / STDP["a_plus"], "mu_plus": 0.0, "mu_minus": 0.0, "Wmax": STDP["w_max"]})
        syn = {"synapse_model": "stdp_scaling", "weight": W, "delay": DT}
    nest.Connect(nrn, nrn, {"rule": "fixed_indegree", "indegree": k, "allow_autapses": False,
                            "allow_multapses": False}, syn)
    rec = nest.Create("spike_recorder")
    nest.Connect(nrn, rec)
    nest.Prepare()
    build = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), (time.thread_time() if threads == 1 else time.process_time())
    nest.Run(bio_ms)
    sim = time.perf_counter() - t0
    cpu = (time.thread_time() if threads == 1 else time.process_time()) - c0
    nest.Cleanup()
    return dict(sim_s=sim, cpu_s=cpu, build_s=build, spikes=int(rec.n_events), synapses=int(nest.num_connections) - n)


RUNNERS = {"neuroplastic": run_neuroplastic, "brian2": run_brian2, "nest": run_nest}


def point(sim, n, k, stdp, bio_ms, seed=1, threads=1) -> dict:
    """One measurement in this process; the dictionary of the module docstring."""
    __import__({"neuroplastic": "neuroplastic", "brian2": "brian2", "nest": "nest"}[sim])  # before the baseline
    with PeakMemory() as mem:
        r = RUNNERS[sim](n, k, stdp, bio_ms, seed, threads)
    if "binary_peak_mb" in r:   # Brian2: the simulation is the binary (the compiler's memory is not counted)
        peak, base = r.pop("binary_peak_mb"), 0.0
    else:
        peak, base = mem.peak, mem.baseline
    events = r["spikes"] * k
    r.update(sim=sim, n=n, k=k, stdp=bool(stdp), threads=threads, bio_ms=bio_ms,
             s_per_bio_s=r["sim_s"] / (bio_ms * 1e-3), cpu_s_per_bio_s=r["cpu_s"] / (bio_ms * 1e-3),
             rate_hz=r["spikes"] / n / (bio_ms * 1e-3), ns_per_event=1e9 * r["cpu_s"] / max(1, events),
             peak_mb=peak, baseline_mb=base,
             bytes_per_synapse=(peak - base) * 2**20 / max(1, r["synapses"]))
    return r


def _in_subprocess(sim, n, k, stdp, bio_ms, seed, threads, timeout) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--point",
           json.dumps(dict(sim=sim, n=n, k=k, stdp=stdp, bio_ms=bio_ms, seed=seed, threads=threads))]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    t0 = time.perf_counter()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return dict(sim=sim, n=n, k=k, stdp=stdp, error=f"over {timeout:g} s")
    lines = [x for x in out.stdout.splitlines() if x.startswith("{")]
    if out.returncode or not lines:
        return dict(sim=sim, n=n, k=k, stdp=stdp, error=(out.stderr or out.stdout).strip().splitlines()[-1:])
    r = json.loads(lines[-1])
    r["wall_s"] = time.perf_counter() - t0
    return r


def sweep(sims, ks, stdps, sizes, bio_ms, budget_s, mem_gb, seed=1, threads=1, log=print) -> list:
    """Every simulator x in-degree x STDP series up the sizes while the next point is
    predicted (linearly in n from the last one) to fit ``budget_s`` and ``mem_gb``."""
    rows = []
    for sim in sims:
        for k in ks:
            for stdp in stdps:
                last = None
                for n in sizes:
                    if n <= k:
                        continue
                    if last is not None:
                        wall, mem = _predict(last, n / last["n"])
                        if wall > budget_s or mem > mem_gb * 1024:
                            log(f"[scaling] {sim} k={k} stdp={stdp}: stop before n={n} "
                                f"(predicted {wall:.0f} s, {mem / 1024:.1f} GB)")
                            break
                    r = _in_subprocess(sim, n, k, stdp, bio_ms, seed, threads, timeout=2 * budget_s)
                    rows.append(r)
                    if "error" in r:
                        log(f"[scaling] {sim} n={n} k={k} stdp={stdp}: {r['error']}")
                        break
                    log(f"[scaling] {sim:<12} n={n:>8} k={k:>5} stdp={int(stdp)}: {r['s_per_bio_s']:9.3f} s/bio-s "
                        f"(CPU {r['cpu_s_per_bio_s']:.3f}) "
                        f"{r['ns_per_event']:7.1f} ns/event  {r['rate_hz']:5.2f} Hz  peak {r['peak_mb']:8.1f} MB  "
                        f"{r['bytes_per_synapse']:6.1f} B/syn  build {r['build_s']:.1f} s")
                    last = r
    return rows


def _predict(last: dict, grow: float) -> tuple[float, float]:
    """(wall s, peak MB) of a point ``grow`` times larger than ``last``: the parts that
    depend on the size (all but Brian2's compilation, ``fixed_s``, and the memory before
    building) scaled linearly."""
    fixed = last.get("fixed_s", 0.0)
    base = last["baseline_mb"]
    return (fixed + (last["wall_s"] - fixed) * grow, base + (last["peak_mb"] - base) * grow)


def marginal_bytes(rows) -> dict:
    """(sim, k, stdp) -> bytes per synapse from the two largest points of the series:
    (peak memory difference) / (synapse difference), free of fixed overheads."""
    out = {}
    for key in {(r["sim"], r["k"], r["stdp"]) for r in rows if "error" not in r}:
        s = sorted((r for r in rows if "error" not in r and (r["sim"], r["k"], r["stdp"]) == key),
                   key=lambda r: r["n"])
        if len(s) >= 2 and s[-1]["synapses"] > s[-2]["synapses"]:
            out[key] = (s[-1]["peak_mb"] - s[-2]["peak_mb"]) * 2**20 / (s[-1]["synapses"] - s[-2]["synapses"])
    return out


def fits(bytes_per_synapse: float, k: int, gb: float = 24.0) -> tuple[int, int]:
    """(neurons, synapses) of the largest network of in-degree ``k`` in ``gb`` GB."""
    syn = int(gb * 2**30 / bytes_per_synapse)
    return syn // k, syn // k * k


def table(rows) -> str:
    head = ("| simulator | n | k | STDP | synapses | rate Hz | wall s per bio s | CPU s per bio s | ns per event (CPU) "
            "| peak MB | B/synapse | build s |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    body = "".join(
        f"| {r['sim']}{'' if r.get('threads', 1) == 1 else ' (%dt)' % r['threads']} | {r['n']:,} | {r['k']} | "
        f"{'yes' if r['stdp'] else 'no'} | "
        + (f"{r['synapses']:,} | {r['rate_hz']:.2f} | {r['s_per_bio_s']:.3f} | {r['cpu_s_per_bio_s']:.3f} | "
           f"{r['ns_per_event']:.1f} | "
           f"{r['peak_mb']:.0f} | {r['bytes_per_synapse']:.0f} | {r['build_s']:.1f} |\n" if "error" not in r
           else f"error: {r['error']} | | | | | | | |\n")
        for r in sorted(rows, key=lambda r: (r["sim"], r["k"], r["stdp"], r["n"])))
    marg = marginal_bytes(rows)
    lines = ["", "Bytes per synapse from the two largest points of each series (peak memory difference / "
             "synapse difference) and the largest network of that kind in 24 GB (computed, not run):", "",
             "| simulator | k | STDP | B/synapse (marginal) | neurons in 24 GB | synapses in 24 GB |", "|---|---|---|---|---|---|"]
    for (sim, k, stdp), b in sorted(marg.items()):
        n24, s24 = fits(b, k) if b > 0 else (0, 0)
        lines.append(f"| {sim} | {k} | {'yes' if stdp else 'no'} | {b:.0f} | {n24:,} | {s24:,} |")
    return head + body + "\n".join(lines) + "\n"


def figure(rows, path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.2), layout="constrained")
    ax, bx = fig.subplots(1, 2)
    colours = {"neuroplastic": "C0", "brian2": "C1", "nest": "C2"}
    for key in sorted({(r["sim"], r["k"], r["stdp"]) for r in rows if "error" not in r}):
        s = sorted((r for r in rows if "error" not in r and (r["sim"], r["k"], r["stdp"]) == key), key=lambda r: r["n"])
        syn = [r["synapses"] * r["rate_hz"] for r in s]
        style = dict(color=colours.get(key[0], "k"), linestyle="-" if key[2] else "--",
                     marker={10: "^", 100: "s"}.get(key[1], "o"), label=f"{key[0]} k={key[1]}{' STDP' if key[2] else ''}")
        ax.loglog(syn, [r["cpu_s_per_bio_s"] for r in s], **style)
        bx.loglog([r["synapses"] for r in s], [r["peak_mb"] for r in s], **style)
    x = [r["synapses"] * r["rate_hz"] for r in rows if "error" not in r]
    if x:
        lo, hi = min(x), max(x)
        ax.loglog([lo, hi], [lo * 1e-8, hi * 1e-8], color="0.6", linewidth=0.8, label="10 ns per event (slope 1)")
    ax.set_xlabel("synaptic events per biological second (synapses x rate)")
    ax.set_ylabel("CPU time per biological second (s)")
    ax.set_title("simulation cost", fontsize="medium")
    bx.set_xlabel("synapses")
    bx.set_ylabel("peak resident memory (MB)")
    bx.set_title("memory", fontsize="medium")
    ax.legend(fontsize="x-small", ncols=2)
    fig.suptitle(f"Scaling: LIF at ~10 Hz, fixed in-degree, dt = {DT} ms")
    from neuroplastic.io import atomic_save_figure

    atomic_save_figure(fig, path, dpi=110)


def main(argv=None) -> list:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--point", help=argparse.SUPPRESS)
    ap.add_argument("--sims", default="neuroplastic,brian2,nest")
    ap.add_argument("--k", default="100,1000", help="in-degrees")
    ap.add_argument("--stdp", default="0,1", help="0: static, 1: pair STDP")
    ap.add_argument("--sizes", default="1000,10000,100000,1000000", help="neurons (Brian2 compiles every point)")
    ap.add_argument("--bio-ms", type=float, default=200.0, help="biological time per point (ms)")
    ap.add_argument("--point-budget", type=float, default=120.0, help="wall seconds per point")
    ap.add_argument("--mem-gb", type=float, default=4.0, help="peak memory per point")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(HERE / "scaling"), help="prefix of the .json, .md and .png written")
    ap.add_argument("--replot", action="store_true", help="only rewrite <out>.md and .png from <out>.json")
    ap.add_argument("--append", action="store_true",
                    help="keep the points of an earlier <out>.json (a new point replaces the same one)")
    args = ap.parse_args(argv)
    if args.point:
        print(json.dumps(point(**json.loads(args.point))), flush=True)
        return []
    if args.replot:
        old = json.loads(Path(args.out + ".json").read_text())
        _write_outputs(args.out, old["points"], old["_meta"])
        return old["points"]
    sizes = [int(x) for x in args.sizes.split(",")]
    rows = sweep(args.sims.split(","), [int(x) for x in args.k.split(",")],
                 [bool(int(x)) for x in args.stdp.split(",")], sizes, args.bio_ms, args.point_budget,
                 args.mem_gb, args.seed, args.threads)
    from neuroplastic.io import atomic_write_json

    meta = [dict(vars(args), date=time.strftime("%Y-%m-%d %H:%M:%S"), load=os.getloadavg())]
    if args.append and Path(args.out + ".json").exists():
        old = json.loads(Path(args.out + ".json").read_text())
        ident = lambda r: (r["sim"], r["n"], r["k"], r["stdp"], r.get("threads", 1))  # noqa: E731
        new = {ident(r) for r in rows}
        rows = [r for r in old["points"] if ident(r) not in new] + rows
        meta = old["_meta"] + meta
    atomic_write_json(args.out + ".json", {"_meta": meta, "points": rows})
    _write_outputs(args.out, rows, meta)
    return rows


def _write_outputs(out: str, rows: list, meta: list) -> None:
    """The markdown table and the figure of ``rows``."""
    from neuroplastic.io import atomic_write_text

    md = table(rows)
    runs = "; ".join(f"{m['date']} load {m['load'][0]:.1f}: {m['sims']} k={m['k']} sizes {m['sizes']}" for m in meta)
    atomic_write_text(out + ".md", f"# Scaling\n\nWritten by `benchmarks/scaling.py` ({runs}).\n\n{md}")
    figure(rows, out + ".png")
    print(md)


if __name__ == "__main__":
    main()
