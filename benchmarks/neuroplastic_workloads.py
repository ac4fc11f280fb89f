"""The benchmark workloads built with neuroplastic, from the shared specs.

Each ``run_wN(seed)`` returns ``sim_seconds`` (``Network.run`` only: compilation
is triggered first by a one-step run followed by ``reset()``, which does not
recompile), ``total_seconds`` (build + compile-or-cache-load + run, measured
inside this process) and activity metrics to check that both simulators did the
same thing; ``threads``: the network's step-loop threads (``Network(threads=)``).
"""
from __future__ import annotations

import time

import numpy as np

import neuroplastic as npl
from specs import W1_COBA, W2_SONG2000, W3_EI_STDP

_DISTS = {"normal": lambda d: npl.Normal(d["mean"], d["std"]),
          "uniform": lambda d: npl.Uniform(d["low"], d["high"]),
          "const": lambda d: d["value"]}


def _dist(d):
    return _DISTS[d["dist"]](d)


def _lif(neuron: dict) -> npl.LIF:
    keys = ("tau_m", "c_m", "v_rest", "v_reset", "v_thresh", "t_ref", "synapse", "tau_e", "tau_i",
            "e_e", "e_i", "i_bias")
    return npl.LIF(**{k: neuron[k] for k in keys})


def _ei_model(spec: dict, stdp_rule=None, w_max=np.inf, monitors=True, pathways=("ee", "ei", "ie", "ii")) -> npl.Model:
    """The E/I network of W1 (no rule) or W3 (``stdp_rule`` on E->E); ``monitors``
    and ``pathways`` leave parts out for the profile (benchmarks/profile_workloads.py)."""
    m = npl.Model(dt=spec["dt_ms"], max_rate=None)
    lif = _lif(spec["neuron"])
    init = {k: _dist(v) for k, v in spec["initial"].items()}
    m.add(npl.Population("e", spec["n_exc"], lif, initial=init))
    m.add(npl.Population("i", spec["n_inh"], lif, initial=init))
    conn = npl.FixedProbability(spec["connectivity"]["p"], allow_self=True)
    for pre, post in pathways:
        exc = pre == "e"
        rules = [stdp_rule] if (pre + post == "ee" and stdp_rule is not None) else []
        m.add(npl.Projection(pre + post, pre, post, conn, weight=spec["w_exc_nS"] if exc else spec["w_inh_nS"],
                             receptor="exc" if exc else "inh", rules=rules,
                             w_min=0.0 if rules else -np.inf, w_max=w_max if rules else np.inf))
    if monitors:
        m.add(npl.SpikeMonitor("e"))
        m.add(npl.SpikeMonitor("i"))
    return m


def w1_model(**parts) -> npl.Model:
    """W1 (COBA); ``parts``: see :func:`_ei_model`."""
    return _ei_model(W1_COBA, **parts)


def w3_rule() -> npl.PairSTDP:
    """W3's E->E pair STDP."""
    st = W3_EI_STDP["stdp_ee"]
    return npl.PairSTDP(a_plus=st["a_plus_nS"], a_minus=-st["a_minus_nS"], tau_plus=st["tau_pre_ms"],
                        tau_minus=st["tau_post_ms"], w_max=st["w_max_nS"])


def w3_model(stdp=True, **parts) -> npl.Model:
    """W3 (E/I with E->E STDP; ``stdp=False``: the same network static)."""
    s = W3_EI_STDP
    return _ei_model(s, w3_rule() if stdp else None, s["stdp_ee"]["w_max_nS"], **parts)


def w2_model(stdp=True, monitors=True) -> npl.Model:
    """W2 (Song et al. 2000, Brian2 example variant)."""
    s = W2_SONG2000
    m = npl.Model(dt=s["dt_ms"], max_rate=None)
    m.add(npl.PoissonInput("inputs", s["n_inputs"], rate=s["input_rate_hz"]))
    m.add(npl.Population("out", 1, _lif(s["neuron"]), initial={"v": s["initial"]["v"]["value"]}))
    st = s["stdp"]
    rule = npl.PairSTDP(a_plus=st["a_plus_nS"], a_minus=-st["a_minus_nS"], tau_plus=st["tau_pre_ms"],
                        tau_minus=st["tau_post_ms"], w_max=st["w_max_nS"])
    m.add(npl.Projection("syn", "inputs", "out", npl.AllToAll(), weight=_dist(s["initial"]["w"]),
                         rules=[rule] if stdp else [], w_min=st["w_min_nS"], w_max=st["w_max_nS"]))
    if monitors:
        m.add(npl.SpikeMonitor("out"))
    return m


def _timed_run(build, duration_ms: float, seed: int, threads: int = 1):
    """(network, sim_seconds, total_seconds, sim_cpu_seconds) with compilation
    outside sim_seconds; sim_cpu_seconds is the process CPU time of the run
    (robust to other jobs on a shared machine; with ``threads`` > 1 it is the
    CPU time of all threads, waiting included)."""
    start = time.perf_counter()
    net = npl.Network(build(), seed=seed, threads=threads)
    net.run(net.dt)      # compiles (or loads the cached kernel) ...
    net.reset()          # ... and back to t = 0 without recompiling
    t0, c0 = time.perf_counter(), time.process_time()
    net.run(duration_ms)
    end, c1 = time.perf_counter(), time.process_time()
    return net, end - t0, end - start, c1 - c0


def _rates(net, pops, duration_ms):
    return {p: len(net.spikes(p)[1]) / (net.model.populations[p].n * duration_ms * 1e-3) for p in pops}


def run_w1(seed: int = 1, duration_ms: float | None = None, threads: int = 1) -> dict:
    """COBA benchmark (Vogels & Abbott 2005 / Brette et al. 2007)."""
    d = duration_ms or W1_COBA["duration_ms"]
    net, sim, total, cpu = _timed_run(w1_model, d, seed, threads)
    r = _rates(net, ("e", "i"), d)
    return {"sim_seconds": sim, "sim_cpu_seconds": cpu, "total_seconds": total, "rate_exc_hz": r["e"], "rate_inh_hz": r["i"],
            "mean_rate_hz": (r["e"] * 3200 + r["i"] * 800) / 4000}


def run_w2(seed: int = 1, duration_ms: float | None = None, threads: int = 1) -> dict:
    """Song, Miller & Abbott 2000 STDP (Brian2 example variant)."""
    s = W2_SONG2000
    d = duration_ms or s["duration_ms"]
    net, sim, total, cpu = _timed_run(w2_model, d, seed, threads)
    w = net.weights("syn") / s["gmax_nS"]
    return {"sim_seconds": sim, "sim_cpu_seconds": cpu, "total_seconds": total, "mean_rate_hz": _rates(net, ("out",), d)["out"],
            "w_mean_rel": float(w.mean()), "frac_low": float((w < 0.1).mean()), "frac_high": float((w > 0.9).mean())}


def run_w3(seed: int = 1, duration_ms: float | None = None, threads: int = 1) -> dict:
    """10,000 E + 2,500 I LIF, 2% connectivity, pair STDP on E->E."""
    s = W3_EI_STDP
    d = duration_ms or s["duration_ms"]
    net, sim, total, cpu = _timed_run(w3_model, d, seed, threads)
    r = _rates(net, ("e", "i"), d)
    w = net.weights("ee")
    return {"sim_seconds": sim, "sim_cpu_seconds": cpu, "total_seconds": total, "rate_exc_hz": r["e"], "rate_inh_hz": r["i"],
            "mean_rate_hz": (r["e"] * s["n_exc"] + r["i"] * s["n_inh"]) / (s["n_exc"] + s["n_inh"]),
            "w_ee_mean_nS": float(w.mean())}


WORKLOADS = {"W1": run_w1, "W2": run_w2, "W3": run_w3}
