"""Brian2 (C++ standalone) implementations of the benchmark workloads W1-W3.

Every model is built from the constants in ``benchmarks/specs.py`` (units:
ms, mV, nS, pF, pA, Hz) and run with Brian2's ``cpp_standalone`` device,
single-threaded by default (``prefs.devices.cpp_standalone.openmp_threads = 0``,
i.e. no OpenMP); ``threads=N`` (N > 1) builds with N OpenMP threads, the
multi-threaded column of ``make bench``.

The three ``run_w*`` functions can be called one after the other in one
process: each starts with ``device.reinit()`` + ``set_device(...)`` and builds
into its own directory ``benchmarks/build/brian2_<name>`` (``..._<N>t`` with
N threads).

Timing (both in seconds of wall-clock time):

* ``sim_seconds``: the simulation loop only.  The generated C++ ``Network::run``
  times its own main loop with ``std::chrono`` and writes it to
  ``results/last_run_info.txt``; Brian2 reads it back into
  ``device._last_run_time`` (brian2/devices/cpp_standalone/device.py,
  ``CPPStandaloneDevice.run``; template ``network.cpp``).  This excludes code
  generation, compilation, synapse creation, initialisation and result I/O.
* ``total_seconds``: everything for the workload, measured in Python around
  model construction + code generation + ``make`` (clean build) + running the
  binary + reading results back.
* ``compile_seconds`` / ``binary_seconds``: Brian2's own ``device.timers``
  for ``make`` and for the whole ``main`` process (init + run + writing).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

import brian2 as b2
from brian2 import (Network, NeuronGroup, PoissonGroup, SpikeMonitor,
                    Synapses, defaultclock, device, ms, mV, nS, pF, prefs,
                    set_device)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import specs  # noqa: E402  (benchmarks/specs.py)
from activity import rate_summary, weight_summary  # noqa: E402

BUILD_ROOT = Path(__file__).resolve().parents[1] / "build"

# Conductance-based LIF of specs.py, parameters taken from the namespace.
LIF_COBA_EQS = """
dv/dt = (g_L*(v_rest - v) + ge*(e_e - v) + gi*(e_i - v) + i_bias)/c_m : volt (unless refractory)
dge/dt = -ge/tau_e : siemens
dgi/dt = -gi/tau_i : siemens
"""

# Pair-based additive STDP with all-to-all traces (same update order as
# Brian2's examples/synapses/STDP.py); w, A+ and A- in siemens.
STDP_MODEL = """
w : siemens
dapre/dt = -apre/tau_pre : siemens (event-driven)
dapost/dt = -apost/tau_post : siemens (event-driven)
"""
STDP_ON_PRE = """
ge_post += w
apre += a_plus
w = clip(w + apost, w_min, w_max)
"""
STDP_ON_POST = """
apost += a_minus
w = clip(w + apre, w_min, w_max)
"""


def _fresh_device(name: str, seed: int, dt_ms: float, threads: int = 1) -> Path:
    """Reset Brian2's standalone device for a new, independent build with
    ``threads`` OpenMP threads (1: no OpenMP).

    Returns the build directory ``benchmarks/build/brian2_<name>[_<N>t]``.
    """
    set_device("cpp_standalone", build_on_run=False)
    device.reinit()  # forget objects/arrays of a previous workload
    device.activate(build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = threads if threads > 1 else 0
    defaultclock.dt = dt_ms * ms
    b2.seed(seed)
    build_dir = BUILD_ROOT / (f"brian2_{name}" + (f"_{threads}t" if threads > 1 else ""))
    build_dir.mkdir(parents=True, exist_ok=True)
    return build_dir


def _build_and_run(net: Network, duration_ms: float, build_dir: Path) -> None:
    """Generate code, compile from scratch and run the binary."""
    net.run(duration_ms * ms, report=None)
    device.build(directory=str(build_dir), compile=True, run=True,
                 clean=True, with_output=False)


def _timings(t0: float) -> dict:
    """Collect timings (s) after a build: sim-only, binary, make, total."""
    timers = getattr(device, "timers", {})
    return {
        "sim_seconds": float(device._last_run_time),
        "binary_seconds": float(timers.get("run_binary", float("nan"))),
        "compile_seconds": float(timers.get("compile", {}).get("make", float("nan"))),
        "total_seconds": time.perf_counter() - t0,
    }


def _lif_namespace(neuron: dict) -> dict:
    """Brian2 namespace (with units) for a specs.py LIF neuron dict."""
    return {
        "g_L": specs.g_leak_nS(neuron) * nS, "c_m": neuron["c_m"] * pF,
        "v_rest": neuron["v_rest"] * mV, "v_reset": neuron["v_reset"] * mV,
        "v_thresh": neuron["v_thresh"] * mV, "e_e": neuron["e_e"] * mV,
        "e_i": neuron["e_i"] * mV, "tau_e": neuron["tau_e"] * ms,
        "tau_i": neuron["tau_i"] * ms, "i_bias": neuron["i_bias"] * b2.pA,
    }


def _init_expr(d: dict, unit: str) -> str:
    """Brian2 string initialiser for a specs.py distribution dict."""
    if d["dist"] == "normal":
        return f"({d['mean']} + {d['std']}*randn())*{unit}"
    if d["dist"] == "uniform":
        return f"({d['low']} + ({d['high']} - {d['low']})*rand())*{unit}"
    return f"{d['value']}*{unit}"


def _lif_group(n: int, spec: dict, name: str) -> NeuronGroup:
    """Conductance LIF group with the initial state of ``spec``."""
    neuron = spec["neuron"]
    group = NeuronGroup(n, LIF_COBA_EQS, threshold="v > v_thresh",
                        reset="v = v_reset", refractory=neuron["t_ref"] * ms,
                        method=spec["integration"],
                        namespace=_lif_namespace(neuron), name=name)
    init = spec["initial"]
    group.v = _init_expr(init["v"], "mV")
    group.ge = _init_expr(init["ge"], "nS")
    group.gi = _init_expr(init["gi"], "nS")
    return group


def _static(src, tgt, target_var: str, w_nS: float, p: float, name: str) -> Synapses:
    """Static fixed-probability projection adding ``w_nS`` to ``target_var``."""
    syn = Synapses(src, tgt, on_pre=f"{target_var}_post += {w_nS}*nS", name=name)
    syn.connect(p=p)
    return syn


def _stdp_namespace(stdp: dict) -> dict:
    """Brian2 namespace for a specs.py STDP dict."""
    return {
        "tau_pre": stdp["tau_pre_ms"] * ms, "tau_post": stdp["tau_post_ms"] * ms,
        "a_plus": stdp["a_plus_nS"] * nS, "a_minus": stdp["a_minus_nS"] * nS,
        "w_min": stdp["w_min_nS"] * nS, "w_max": stdp["w_max_nS"] * nS,
    }


def run_w1(seed: int = 1, duration_ms: float | None = None, threads: int = 1) -> dict:
    """W1 COBA (4000 LIF, p=0.02); returns timings (s) and rates (Hz)."""
    spec = specs.W1_COBA
    dur = spec["duration_ms"] if duration_ms is None else duration_ms
    t0 = time.perf_counter()
    build_dir = _fresh_device("w1_coba", seed, spec["dt_ms"], threads)
    n_e, n_i = spec["n_exc"], spec["n_inh"]
    p = spec["connectivity"]["p"]
    pop = _lif_group(n_e + n_i, spec, "coba")
    exc, inh = pop[:n_e], pop[n_e:]
    ce = _static(exc, pop, "ge", spec["w_exc_nS"], p, "coba_e")
    ci = _static(inh, pop, "gi", spec["w_inh_nS"], p, "coba_i")
    mon = SpikeMonitor(pop, name="coba_spikes")
    net = Network(pop, ce, ci, mon)
    _build_and_run(net, dur, build_dir)
    out = {"workload": "W1", "duration_ms": dur, "seed": seed}
    out.update(rate_summary(np.asarray(mon.t / ms), n_e + n_i, dur))
    i = np.asarray(mon.i)
    out["exc_rate_hz"] = float(np.sum(i < n_e) / n_e / (dur / 1000.0))
    out["inh_rate_hz"] = float(np.sum(i >= n_e) / n_i / (dur / 1000.0))
    out["n_synapses"] = int(len(ce)) + int(len(ci))
    out.update(_timings(t0), threads=threads)
    return out


def run_w2(seed: int = 1, duration_ms: float | None = None, threads: int = 1) -> dict:
    """W2 Song2000 (1000 Poisson -> 1 LIF with STDP); timings, rate, weights."""
    spec = specs.W2_SONG2000
    dur = spec["duration_ms"] if duration_ms is None else duration_ms
    t0 = time.perf_counter()
    build_dir = _fresh_device("w2_song2000", seed, spec["dt_ms"], threads)
    inputs = PoissonGroup(spec["n_inputs"], rates=spec["input_rate_hz"] * b2.Hz,
                          name="song_inputs")
    post = _lif_group(spec["n_out"], spec, "song_neuron")
    stdp = spec["stdp"]
    syn = Synapses(inputs, post, STDP_MODEL, on_pre=STDP_ON_PRE,
                   on_post=STDP_ON_POST, namespace=_stdp_namespace(stdp),
                   name="song_stdp")
    syn.connect()
    syn.w = _init_expr(spec["initial"]["w"], "nS")
    mon = SpikeMonitor(post, name="song_out")
    net = Network(inputs, post, syn, mon)
    _build_and_run(net, dur, build_dir)
    out = {"workload": "W2", "duration_ms": dur, "seed": seed}
    out.update(rate_summary(np.asarray(mon.t / ms), spec["n_out"], dur))
    out.update(weight_summary(np.asarray(syn.w / nS), stdp["w_max_nS"]))
    out.update(_timings(t0), threads=threads)
    return out


def run_w3(seed: int = 1, duration_ms: float | None = None, threads: int = 1) -> dict:
    """W3 EI network (10k+2.5k LIF) with pair STDP on E->E; timings, rates, weights."""
    spec = specs.W3_EI_STDP
    dur = spec["duration_ms"] if duration_ms is None else duration_ms
    t0 = time.perf_counter()
    build_dir = _fresh_device("w3_ei_stdp", seed, spec["dt_ms"], threads)
    n_e, n_i = spec["n_exc"], spec["n_inh"]
    p = spec["connectivity"]["p"]
    exc = _lif_group(n_e, spec, "ei_exc")
    inh = _lif_group(n_i, spec, "ei_inh")
    stdp = spec["stdp_ee"]
    ee = Synapses(exc, exc, STDP_MODEL, on_pre=STDP_ON_PRE, on_post=STDP_ON_POST,
                  namespace=_stdp_namespace(stdp), name="ei_ee")
    ee.connect(p=p)
    ee.w = spec["w_exc_nS"] * nS
    ei = _static(exc, inh, "ge", spec["w_exc_nS"], p, "ei_ei")
    ie = _static(inh, exc, "gi", spec["w_inh_nS"], p, "ei_ie")
    ii = _static(inh, inh, "gi", spec["w_inh_nS"], p, "ei_ii")
    mon_e = SpikeMonitor(exc, name="ei_exc_spikes")
    mon_i = SpikeMonitor(inh, name="ei_inh_spikes")
    net = Network(exc, inh, ee, ei, ie, ii, mon_e, mon_i)
    _build_and_run(net, dur, build_dir)
    out = {"workload": "W3", "duration_ms": dur, "seed": seed}
    re = rate_summary(np.asarray(mon_e.t / ms), n_e, dur)
    ri = rate_summary(np.asarray(mon_i.t / ms), n_i, dur)
    n_tot = n_e + n_i
    for key in re:
        out[key] = (re[key] * n_e + ri[key] * n_i) / n_tot
    out["exc_rate_hz"], out["inh_rate_hz"] = re["mean_rate_hz"], ri["mean_rate_hz"]
    out["pop_rate_cv"] = re["pop_rate_cv"]  # of the excitatory population
    out.update(weight_summary(np.asarray(ee.w / nS), stdp["w_max_nS"]))
    out["n_synapses"] = int(len(ee) + len(ei) + len(ie) + len(ii))
    out.update(_timings(t0), threads=threads)
    return out


RUNNERS = {"W1": run_w1, "W2": run_w2, "W3": run_w3}


def run_all(seed: int = 1, which=("W1", "W2", "W3"), durations=None) -> dict:
    """Run several workloads in this process; ``durations`` maps name -> ms."""
    durations = durations or {}
    return {name: RUNNERS[name](seed, durations.get(name)) for name in which}


if __name__ == "__main__":
    import json
    names = sys.argv[1:] or ["W1", "W2", "W3"]
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    print(json.dumps(run_all(which=names), indent=1, default=float))
