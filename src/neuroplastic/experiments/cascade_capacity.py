"""``cascade-capacity``: memory lifetime against the number of synapses, chain vs one bounded variable.

A stream of random memories (one per step; each asks every synapse for a
potentiation or a depression, +-1) is stored in N synapses; the ideal
observer of one memory reads the overlap of the visible weights with its
pattern, and the memory's lifetime is the age (in memories) at which the
signal-to-noise ratio of that overlap falls to 1. Two synapse models:

* the **cascade chain** of Benna & Fusi (2016), :class:`CascadeSynapse` with
  C_k = ``capacity_growth``^(k-1), g_{k,k+1} = ``coupling`` /
  ``coupling_decay``^(k-1) per memory interval and a leak at the end: a memory
  kicks u_1 = w by +-1 and the chain evolves by its exact propagator over one
  interval (``CascadeSynapse.propagator``, the one the rule's kernel uses).
  For each N the number of variables m (1 .. ``m_max``) is the one that
  maximises the lifetime: it grows with log N, as in the paper;
* a **single bounded variable**: a binary synapse (w = +-1) that takes each
  memory's value with probability q, with q chosen for each N to maximise
  the lifetime (q ~ e / sqrt(N)), which gives the classic lifetime ~ sqrt(N)
  of bounded synapses (Amit & Fusi 1994; Fusi & Abbott 2007).

Which sizes are computed and which simulated. Every lifetime in ``sizes``
(``n_min`` .. ``n_max``, ``per_decade`` per decade) is computed exactly from
the closed forms of ``_capacity_models`` (the chain is linear: the mean
signal is its impulse response h(t), the noise variance sum_j h(j)^2 - h(t)^2
over N; the binary synapse is a two-state Markov chain): ``slope_chain`` and
``slope_single`` are fits to these. The same dynamics are also simulated
directly, N explicit synapses and ``probes`` tracked memories, for N up to
``sim_chain_max`` (chain; the bounded chain too, every variable clipped to
+-``bound`` kicks, which no closed form covers) and ``sim_single_max``
(binary): ``sim_rel_error_max`` is the largest |simulated / computed - 1|
over the overlapping sizes, and the simulated slopes are fitted to the
simulated lifetimes alone. Simulating the chain at N = 10^6 would take hours
here (N m^2 operations per memory for ~10^5 memories).

Targets (issue #14): slope of log lifetime against log N >= 0.85 for the
chain and 0.4 .. 0.6 for the single variable over N = 10^3 .. 10^6; the
simulations agree with the closed forms within 15 % and give the same slopes
on their own (chain >= 0.8, single 0.4 .. 0.6, bounded chain >= 0.8).
Reduced scale (N = 10^3 .. 10^4, all simulated, 400 probes): chain >= 0.8,
single 0.4 .. 0.6, agreement within 20 %, simulated chain and bounded chain
>= 0.75, simulated single 0.35 .. 0.65. The targets were fixed before the
first full-scale run.

Why the chain wins: with C_k = 2^(k-1) and g ∝ 2^-(k-1) the signal decays as
h ~ t^(-1/2) up to the slowest time constant (~4^(m-1) intervals), so the
noise H = sum_j h(j)^2 grows only as the log of that time constant and the
lifetime, where sqrt(N) h(t) = sqrt(H), is about N / H: exactly proportional
to N for one chain long enough for every N (m = 12: slope 1.000), and longer
but growing as N / log N when m is chosen for each N as here (slope 0.934);
the binary synapse must trade its initial signal q against its forgetting
rate q. (Couplings falling as 4^-(k-1) give h ~ t^(-1/3) and, with m chosen
per N, slope 1.045: docs/memory.md.)

Figures: lifetimes against N with both fits (computed lines, simulated
points); SNR against age at the largest size simulated for both models.

References: Benna MK, Fusi S (2016) Nat Neurosci 19:1697. Fusi S, Abbott LF
(2007) Nat Neurosci 10:485. Amit DJ, Fusi S (1994) Neural Comput 6:957.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..plasticity.cascade import MAX_LEVELS, CascadeSynapse
from ..viz.style import OKABE_ITO
from . import _capacity_models as cm
from .base import Experiment, Result, Target
from .parameters import Param, Relation, defaults_of
from .registry import register

PARAMETERS = dict(
    n_min=Param(1000, "smallest number of synapses N", ge=10),
    n_max=Param(1_000_000, "largest number of synapses N", ge=10),
    per_decade=Param(2, "sizes per decade of N (log-spaced)", ge=1),
    sim_chain_max=Param(31623, "chains are also simulated directly for N up to this (0: none)", ge=0),
    sim_single_max=Param(100_000, "binary synapses are also simulated for N up to this (0: none)", ge=0),
    coupling=Param(1.0, "g_12 of the chain, per memory interval", gt=0),
    capacity_growth=Param(2.0, "C_{k+1} / C_k of the chain", gt=0),
    coupling_decay=Param(2.0, "g_{k,k+1} / g_{k+1,k+2} of the chain", gt=0),
    m_max=Param(MAX_LEVELS, "most variables per chain (m is chosen in 1 .. m_max for each N)",
                ge=1, le=MAX_LEVELS),
    bound=Param(5.0, "bounded chain: every variable within +-bound (in kicks of one memory)", gt=0),
    probes=Param(800, "tracked memories per simulation (mean and sd of their overlaps)", ge=10),
    spacing=Param(1, "memories between two tracked memories (1: consecutive ones)", ge=1),
)
DEFAULTS = defaults_of(PARAMETERS)
REDUCED = dict(n_max=10_000, sim_chain_max=10_000, sim_single_max=10_000, probes=400)


def sizes_of(c: dict) -> np.ndarray:
    """N from n_min to n_max, ``per_decade`` log-spaced sizes per decade."""
    lo, hi = np.log10(c["n_min"]), np.log10(c["n_max"])
    exps = lo + np.arange(int(np.floor((hi - lo) * c["per_decade"] + 1e-9)) + 1) / c["per_decade"]
    return np.unique(np.round(10.0 ** exps).astype(np.int64))


def _rule_maker(c: dict):
    def make(m: int) -> CascadeSynapse:
        return CascadeSynapse(m=m, coupling=c["coupling"], capacity_growth=c["capacity_growth"],
                              coupling_decay=c["coupling_decay"], leak=1.0, period=1.0)
    return make


def _computed(c: dict, sizes) -> dict:
    make = _rule_maker(c)
    chain = [cm.best_chain(make, int(n), c["m_max"]) for n in sizes]
    single = [cm.best_binary(int(n)) for n in sizes]
    return dict(chain=np.array([x[0] for x in chain]), m=[x[1] for x in chain], rules=[x[2] for x in chain],
                single=np.array([x[0] for x in single]), q=np.array([x[1] for x in single]))


def _simulated(c: dict, sizes, comp: dict, seed: int) -> dict:
    """Direct simulations at the sizes up to sim_chain_max / sim_single_max."""
    streams = iter(np.random.SeedSequence(seed).spawn(3 * len(sizes)))
    out = {k: [] for k in ("chain_n", "chain", "bounded", "single_n", "single", "curves")}
    for k, n in enumerate(sizes):
        n = int(n)
        if n <= c["sim_chain_max"]:
            e, ages = comp["rules"][k].propagator(1.0), cm.age_grid(comp["chain"][k])
            snr = cm.simulate_chain(e, n, ages, c["probes"], c["spacing"], np.random.default_rng(next(streams)))
            snr_b = cm.simulate_chain(e, n, ages, c["probes"], c["spacing"], np.random.default_rng(next(streams)),
                                      bound=c["bound"])
            out["chain_n"].append(n)
            out["chain"].append(cm.lifetime_from_samples(ages, snr))
            out["bounded"].append(cm.lifetime_from_samples(ages, snr_b))
            out["curves"].append(("chain", n, k, ages, snr))
        if n <= c["sim_single_max"]:
            ages = cm.age_grid(comp["single"][k])
            snr = cm.simulate_binary(comp["q"][k], n, ages, c["probes"], c["spacing"],
                                     np.random.default_rng(next(streams)))
            out["single_n"].append(n)
            out["single"].append(cm.lifetime_from_samples(ages, snr))
            out["curves"].append(("single", n, k, ages, snr))
    return out


def _slope_or_nan(n, life) -> float:
    ok = np.isfinite(np.asarray(life, float))
    return cm.slope(np.asarray(n)[ok], np.asarray(life)[ok]) if ok.sum() >= 2 else float("nan")


def _metrics(sizes, comp: dict, sim: dict) -> dict:
    index = {int(n): k for k, n in enumerate(sizes)}
    errors = [s / comp["chain"][index[n]] - 1 for n, s in zip(sim["chain_n"], sim["chain"])]
    errors += [s / comp["single"][index[n]] - 1 for n, s in zip(sim["single_n"], sim["single"])]
    return dict(
        sizes=[int(n) for n in sizes],
        lifetime_chain=comp["chain"].tolist(), m_chain=comp["m"], lifetime_single=comp["single"].tolist(),
        q_single=comp["q"].tolist(),
        slope_chain=cm.slope(sizes, comp["chain"]), slope_single=cm.slope(sizes, comp["single"]),
        sizes_chain_simulated=sim["chain_n"], lifetime_chain_simulated=sim["chain"],
        lifetime_chain_bounded_simulated=sim["bounded"],
        sizes_single_simulated=sim["single_n"], lifetime_single_simulated=sim["single"],
        slope_chain_simulated=_slope_or_nan(sim["chain_n"], sim["chain"]),
        slope_chain_bounded_simulated=_slope_or_nan(sim["chain_n"], sim["bounded"]),
        slope_single_simulated=_slope_or_nan(sim["single_n"], sim["single"]),
        sim_rel_error_max=float(np.max(np.abs(errors))) if errors else float("nan"),
    )


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    c = config
    sizes = sizes_of(c)
    comp = _computed(c, sizes)
    sim = _simulated(c, sizes, comp, seed)
    metrics = _metrics(sizes, comp, sim)
    notes = []
    if len(sim["chain_n"]) < 2 or len(sim["single_n"]) < 2:
        notes.append("fewer than two simulated sizes for a model: its simulated slope is NaN")
    if max(comp["m"]) == c["m_max"]:
        notes.append(f"the largest N uses m = m_max = {c['m_max']}: a longer chain might live longer")
    curves = {f"{kind}_N{n}": dict(age=ages, snr=snr) for kind, n, _, ages, snr in sim["curves"]}
    return Result(
        config=dict(c), metrics=metrics,
        figures={"lifetimes": _lifetime_figure(c, sizes, comp, sim, metrics),
                 "snr": _snr_figure(c, comp, sim)},
        recordings={"lifetimes": dict(sizes=sizes, chain=comp["chain"], single=comp["single"],
                                      m=np.array(comp["m"]), q=comp["q"]), **curves},
        notes=notes)


def _fit_line(ax, n, life, colour, label):
    n, life = np.asarray(n, float), np.asarray(life, float)
    b, a = np.polyfit(np.log(n), np.log(life), 1)
    ax.plot(n, np.exp(a) * n ** b, color=colour, linestyle="--", linewidth=1.0,
            label=f"{label}: fit slope {b:.3f}")


def _lifetime_figure(c, sizes, comp, sim, metrics) -> Figure:
    fig = Figure(figsize=(7.5, 4.8), layout="constrained")
    ax = fig.add_subplot()
    blue, red, green = OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2]
    ax.plot(sizes, comp["chain"], color=blue, marker=".", label="cascade chain (computed)")
    _fit_line(ax, sizes, comp["chain"], blue, "chain")
    ax.plot(sim["chain_n"], sim["chain"], "o", mfc="none", color=blue, label="chain (simulated)")
    ax.plot(sim["chain_n"], sim["bounded"], "s", mfc="none", color=green,
            label=f"chain, every variable within ±{c['bound']:g} (simulated)")
    ax.plot(sizes, comp["single"], color=red, marker=".", label="binary synapse, optimal q (computed)")
    _fit_line(ax, sizes, comp["single"], red, "binary")
    ax.plot(sim["single_n"], sim["single"], "^", mfc="none", color=red, label="binary (simulated)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of synapses N")
    ax.set_ylabel("memory lifetime (memories stored since, SNR = 1)")
    ax.set_title("Memory lifetime against the number of synapses: Benna-Fusi chain vs one bounded variable\n"
                 f"chain C_k = {c['capacity_growth']:g}^(k-1), g = {c['coupling']:g} / "
                 f"{c['coupling_decay']:g}^(k-1) per memory, m = {min(comp['m'])}..{max(comp['m'])}; "
                 f"slopes {metrics['slope_chain']:.3f} vs {metrics['slope_single']:.3f}", fontsize="medium")
    ax.legend(frameon=False, fontsize="small")
    return fig


def _snr_figure(c, comp, sim) -> Figure:
    fig = Figure(figsize=(7.5, 4.4), layout="constrained")
    ax = fig.add_subplot()
    both = set(sim["chain_n"]) & set(sim["single_n"])
    shown = {}
    for kind, n, k, ages, snr in sim["curves"]:      # the largest size both were simulated at, if any
        if not both or n == max(both):
            shown[kind] = (n, k, ages, snr)
    for kind, colour in (("chain", OKABE_ITO[0]), ("single", OKABE_ITO[1])):
        if kind not in shown:
            continue
        n, k, ages, snr = shown[kind]
        t = np.geomspace(1.0, ages[-1], 200)
        exact = cm.chain_snr(comp["rules"][k], n, t) if kind == "chain" else cm.binary_snr(comp["q"][k], n, t)
        name = f"chain (m = {comp['m'][k]})" if kind == "chain" else f"binary (q = {comp['q'][k]:.2g})"
        ax.plot(t, exact, color=colour, label=f"{name}, N = {n}: closed form")
        ax.plot(ages, snr, "o", mfc="none", color=colour, markersize=4, label=f"{name}: simulated")
    ax.axhline(1.0, color="0.5", linewidth=0.8, linestyle=":")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("age of the memory (memories stored since)")
    ax.set_ylabel("signal-to-noise ratio of the overlap")
    ax.set_title(f"Forgetting curves seen by an ideal observer ({c['probes']} tracked memories per "
                 "simulation)\nthe lifetime is where SNR = 1 (dotted)", fontsize="medium")
    ax.legend(frameon=False, fontsize="small")
    return fig


EXPERIMENT = register(Experiment(
    name="cascade-capacity",
    summary="memory lifetime vs number of synapses: Benna-Fusi cascade chain (~N) vs one bounded variable (~sqrt N)",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, reduced=REDUCED,
    relations=(Relation("n_min", "<=", "n_max"),),
    targets=(
        Target("slope_chain", 0.85, None, "chain: log-log slope of lifetime vs N >= 0.85 (Benna & Fusi 2016)",
               scales=("full",)),
        Target("slope_chain", 0.8, None, "chain: slope >= 0.8 over N = 1e3..1e4", scales=("reduced",)),
        Target("slope_single", 0.4, 0.6, "single bounded variable: slope about 0.5 (Fusi & Abbott 2007)"),
        Target("sim_rel_error_max", 0.0, 0.15, "direct simulations agree with the closed forms within 15 %",
               scales=("full",)),
        Target("sim_rel_error_max", 0.0, 0.2, "simulations agree with the closed forms within 20 %",
               scales=("reduced",)),
        Target("slope_chain_simulated", 0.8, None, "simulated chains alone: slope >= 0.8", scales=("full",)),
        Target("slope_chain_simulated", 0.75, None, "simulated chains alone: slope >= 0.75", scales=("reduced",)),
        Target("slope_chain_bounded_simulated", 0.8, None, "bounded chains (simulated): slope >= 0.8",
               scales=("full",)),
        Target("slope_chain_bounded_simulated", 0.75, None, "bounded chains (simulated): slope >= 0.75",
               scales=("reduced",)),
        Target("slope_single_simulated", 0.4, 0.6, "simulated binary synapses: slope 0.4..0.6", scales=("full",)),
        Target("slope_single_simulated", 0.35, 0.65, "simulated binary synapses: slope 0.35..0.65",
               scales=("reduced",)),
    ),
    reference="Benna & Fusi 2016, Nat Neurosci 19:1697; Fusi & Abbott 2007, Nat Neurosci 10:485",
))
