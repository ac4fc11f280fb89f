"""NEST implementations of the benchmark workloads W1-W3 (optional peer).

Built from ``benchmarks/specs.py`` (units: ms, mV, nS, pF, pA, Hz) with NEST's
``iaf_cond_exp`` neuron (conductance LIF with exponential synapses, same
equations as specs.py) and, for plasticity, ``stdp_synapse`` configured as
additive all-to-all pair STDP:

    mu_plus = mu_minus = 0      (additive)
    lambda  = A+ / w_max        (potentiation step, relative to Wmax)
    alpha   = |A-| / A+ = 1.05  (depression/potentiation ratio)
    tau_plus (synapse) = tau_pre,  tau_minus (postsynaptic neuron) = tau_post

Differences from Brian2/neuroplastic to keep in mind when comparing numbers:
``iaf_cond_exp`` integrates with GSL's adaptive RKF45 (not exponential Euler),
and NEST needs a delay >= dt, so every synapse has delay = dt (0.1 ms), which
matches Brian2's zero-delay schedule (a spike of step n acts from step n+1).

Single-threaded by default (``local_num_threads = 1``); ``threads=N`` runs
with N threads (NEST's OpenMP build), the multi-threaded column of ``make bench``.
With more than one thread NEST draws per-thread random streams, so the spikes
differ from the one-thread run (same statistics).  ``sim_seconds`` is the wall time
of ``nest.Simulate`` only; ``total_seconds`` covers ResetKernel, node creation,
connection, simulation and reading results back.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

import nest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import specs  # noqa: E402  (benchmarks/specs.py)
from activity import rate_summary, weight_summary  # noqa: E402


def _reset(seed: int, dt_ms: float, threads: int = 1) -> None:
    """Fresh NEST kernel: ``threads`` threads, resolution dt (ms), RNG seed."""
    nest.ResetKernel()
    try:  # NEST >= 3.9 spelling; older versions only have set_verbosity
        nest.verbosity = nest.VerbosityLevel.ERROR
    except AttributeError:
        nest.set_verbosity("M_ERROR")
    nest.SetKernelStatus({"local_num_threads": int(threads), "resolution": dt_ms,
                          "rng_seed": int(seed), "print_time": False})


def _rand(d: dict):
    """NEST random parameter (or constant) for a specs.py distribution dict."""
    if d["dist"] == "normal":
        return nest.random.normal(mean=d["mean"], std=d["std"])
    if d["dist"] == "uniform":
        return nest.random.uniform(min=d["low"], max=d["high"])
    return float(d["value"])


def _lif(n: int, spec: dict):
    """``iaf_cond_exp`` nodes with the parameters and initial state of ``spec``."""
    nrn = spec["neuron"]
    params = {
        "C_m": nrn["c_m"], "g_L": specs.g_leak_nS(nrn), "E_L": nrn["v_rest"],
        "V_reset": nrn["v_reset"], "V_th": nrn["v_thresh"],
        "t_ref": nrn["t_ref"], "tau_syn_ex": nrn["tau_e"],
        "tau_syn_in": nrn["tau_i"], "E_ex": nrn["e_e"], "E_in": nrn["e_i"],
        "I_e": nrn["i_bias"], "tau_minus": 20.0,
    }
    nodes = nest.Create("iaf_cond_exp", n, params=params)
    init = spec["initial"]
    nodes.set(V_m=_rand(init["v"]), g_ex=_rand(init["ge"]), g_in=_rand(init["gi"]))
    return nodes


def _bernoulli(p: float) -> dict:
    """Fixed-probability connection rule with autapses allowed."""
    return {"rule": "pairwise_bernoulli", "p": p, "allow_autapses": True}


def _static(src, tgt, w_nS: float, p: float, dt_ms: float, inhibitory: bool) -> None:
    """Static projection; negative weights address the inhibitory conductance."""
    w = -w_nS if inhibitory else w_nS
    nest.Connect(src, tgt, _bernoulli(p),
                 {"synapse_model": "static_synapse", "weight": w, "delay": dt_ms})


def _stdp_model(name: str, stdp: dict) -> str:
    """Register an additive all-to-all ``stdp_synapse`` copy; returns its name."""
    a_plus, w_max = stdp["a_plus_nS"], stdp["w_max_nS"]
    nest.CopyModel("stdp_synapse", name, {
        "tau_plus": stdp["tau_pre_ms"], "lambda": a_plus / w_max,
        "alpha": abs(stdp["a_minus_nS"]) / a_plus, "mu_plus": 0.0,
        "mu_minus": 0.0, "Wmax": w_max})
    return name


def _simulate(dur: float) -> float:
    """Run ``nest.Simulate`` for ``dur`` ms; returns its wall time (s)."""
    t = time.perf_counter()
    nest.Simulate(dur)
    return time.perf_counter() - t


def run_w1(seed: int = 1, duration_ms: float | None = None, threads: int = 1) -> dict:
    """W1 COBA in NEST; timings (s) and rates (Hz)."""
    spec = specs.W1_COBA
    dur = spec["duration_ms"] if duration_ms is None else duration_ms
    t0 = time.perf_counter()
    _reset(seed, spec["dt_ms"], threads)
    n_e, n_i, p, dt = spec["n_exc"], spec["n_inh"], spec["connectivity"]["p"], spec["dt_ms"]
    pop = _lif(n_e + n_i, spec)
    _static(pop[:n_e], pop, spec["w_exc_nS"], p, dt, inhibitory=False)
    _static(pop[n_e:], pop, spec["w_inh_nS"], p, dt, inhibitory=True)
    rec = nest.Create("spike_recorder")
    nest.Connect(pop, rec)
    sim = _simulate(dur)
    ev = rec.get("events")
    out = {"workload": "W1", "duration_ms": dur, "seed": seed}
    out.update(rate_summary(np.asarray(ev["times"]), n_e + n_i, dur))
    out["n_synapses"] = int(nest.num_connections) - (n_e + n_i)  # minus recorder
    out["sim_seconds"], out["total_seconds"] = sim, time.perf_counter() - t0
    out["threads"] = threads
    return out


def run_w2(seed: int = 1, duration_ms: float | None = None, threads: int = 1) -> dict:
    """W2 Song2000 in NEST (Poisson -> parrots -> 1 neuron via STDP)."""
    spec = specs.W2_SONG2000
    dur = spec["duration_ms"] if duration_ms is None else duration_ms
    t0 = time.perf_counter()
    _reset(seed, spec["dt_ms"], threads)
    gen = nest.Create("poisson_generator", params={"rate": spec["input_rate_hz"]})
    parrots = nest.Create("parrot_neuron", spec["n_inputs"])
    nest.Connect(gen, parrots)  # each parrot gets an independent train
    post = _lif(spec["n_out"], spec)
    model = _stdp_model("stdp_w2", spec["stdp"])
    nest.Connect(parrots, post, "all_to_all",
                 {"synapse_model": model, "delay": spec["dt_ms"],
                  "weight": _rand(spec["initial"]["w"])})
    rec = nest.Create("spike_recorder")
    nest.Connect(post, rec)
    sim = _simulate(dur)
    out = {"workload": "W2", "duration_ms": dur, "seed": seed}
    out.update(rate_summary(np.asarray(rec.get("events")["times"]), spec["n_out"], dur))
    w = np.asarray(nest.GetConnections(parrots, post).get("weight"))
    out.update(weight_summary(w, spec["stdp"]["w_max_nS"]))
    out["sim_seconds"], out["total_seconds"] = sim, time.perf_counter() - t0
    out["threads"] = threads
    return out


def run_w3(seed: int = 1, duration_ms: float | None = None, threads: int = 1) -> dict:
    """W3 EI network with E->E STDP in NEST; timings, rates, E->E weights."""
    spec = specs.W3_EI_STDP
    dur = spec["duration_ms"] if duration_ms is None else duration_ms
    t0 = time.perf_counter()
    _reset(seed, spec["dt_ms"], threads)
    n_e, n_i, p, dt = spec["n_exc"], spec["n_inh"], spec["connectivity"]["p"], spec["dt_ms"]
    exc, inh = _lif(n_e, spec), _lif(n_i, spec)
    model = _stdp_model("stdp_w3", spec["stdp_ee"])
    nest.Connect(exc, exc, _bernoulli(p),
                 {"synapse_model": model, "weight": spec["w_exc_nS"], "delay": dt})
    _static(exc, inh, spec["w_exc_nS"], p, dt, inhibitory=False)
    _static(inh, exc, spec["w_inh_nS"], p, dt, inhibitory=True)
    _static(inh, inh, spec["w_inh_nS"], p, dt, inhibitory=True)
    rec_e, rec_i = nest.Create("spike_recorder"), nest.Create("spike_recorder")
    nest.Connect(exc, rec_e)
    nest.Connect(inh, rec_i)
    sim = _simulate(dur)
    te = np.asarray(rec_e.get("events")["times"])
    ti = np.asarray(rec_i.get("events")["times"])
    out = {"workload": "W3", "duration_ms": dur, "seed": seed}
    out.update(rate_summary(np.concatenate([te, ti]), n_e + n_i, dur))
    out["pop_rate_cv"] = rate_summary(te, n_e, dur)["pop_rate_cv"]
    out["exc_rate_hz"] = float(len(te) / n_e / (dur / 1000.0))
    out["inh_rate_hz"] = float(len(ti) / n_i / (dur / 1000.0))
    w = np.asarray(nest.GetConnections(exc, exc).get("weight"))
    out.update(weight_summary(w, spec["stdp_ee"]["w_max_nS"]))
    out["n_synapses"] = int(nest.num_connections) - (n_e + n_i)  # minus recorders
    out["sim_seconds"], out["total_seconds"] = sim, time.perf_counter() - t0
    out["threads"] = threads
    return out


RUNNERS = {"W1": run_w1, "W2": run_w2, "W3": run_w3}

if __name__ == "__main__":
    import json
    names = sys.argv[1:] or ["W1", "W2", "W3"]
    print(json.dumps({k: RUNNERS[k]() for k in names}, indent=1))
