"""``reward-discrimination``: reward-modulated STDP learns which output answers which input pattern.

Task (issue 4; after Florian 2007 and Fremaux, Sprekeler & Gerstner 2010):
``n_inputs`` Poisson inputs and ``n_patterns`` spike patterns. Pattern p is a
random subset of ``pattern_fraction`` of the inputs (drawn per seed, independently
per pattern, so patterns overlap) firing at ``rate_on`` while the other inputs
fire at ``rate_off``. The output layer has one group of ``n_per_group`` LIF
neurons per pattern; every output neuron of one group inhibits every neuron of
the other groups (fixed weight ``w_lateral``: competition, so that mostly one
group fires in a trial). Each output neuron also receives private Poisson
background noise (``bg_rate``, ``w_bg``), which is what breaks ties between the
groups before learning.

Trials: pattern p_k (a balanced random order) is presented for ``stim_ms`` with
``net.set_rates``; the group with the most spikes (``net.spike_counts``) is the
answer (a tie is a wrong answer). Reward r = +1 if the answer is group p_k, else
-1; dopamine receives the reward-prediction error (Schultz et al. 1997; Fremaux
et al. 2010)

    delta_k = r_k - rbar_p,     rbar_p <- rbar_p + alpha (r_k - rbar_p)

(``closedloop.RewardPredictionError``, one running expectation per pattern,
released as ``net.release("dopamine", da_scale * delta_k)`` at the end of the
stimulus). Then all inputs fire at ``rate_gap`` for ``gap_ms`` while dopamine
decays (tau_d) and the weights change. ``rpe=False`` (ablation) releases the raw
reward r_k instead of the prediction error.

Plasticity (``RewardModulatedSTDP``, input -> output, all-to-all): pair STDP
writes an eligibility trace e with tau_e = ``tau_elig`` ms and a balanced window
(a_plus = a_minus, tau_plus = tau_minus = 20 ms, so uncorrelated firing leaves e
unbiased and e measures causal pre-before-post pairings, Florian 2007); every
``period`` = 10 ms, dw = eta (DA - 0) e P (Izhikevich 2007: P = 10 ms, dopamine
decaying with tau_d). Weights are clipped to [0, w_max] (pA).

Initial weights: w ~ U(w_init_low, w_init_high) w_max, drawn once for the inputs
onto group 0 and *copied* to every other group (neuron i of each group gets the
same weights), so before learning no group is favoured for any pattern and the
answer is decided by the background noise alone: chance accuracy 1 / n_patterns.

Control (same network, ``net.reset()``, same trial order and seed): rewards and
prediction errors are computed but no dopamine is released. R-STDP then still
writes eligibility but never weights (DA = reference = 0), so accuracy stays at
chance.

Neurons: current-based LIF, tau_m 20 ms, c_m 250 pF, v_rest = v_reset = -70 mV,
threshold -50 mV, t_ref 2 ms, tau_e 5 ms, tau_i 10 ms; dt 0.5 ms.

Metrics: ``accuracy_final`` / ``accuracy_control`` (fraction correct over the last
``n_eval`` trials with dopamine / in the control), ``accuracy_initial`` (first
``n_eval`` trials with dopamine), ``accuracy_control_all``, ``tie_fraction`` /
``tie_fraction_control``, ``trial_criterion`` (first trial at which the moving
accuracy over ``n_eval`` trials reaches 0.9; NaN if never), ``selectivity``
(mean weight from the inputs exclusive to pattern p onto group p minus onto the
other groups, divided by w_max, averaged over p; 0 at the start),
``winner_rate_hz`` / ``loser_rate_hz`` (mean rate of the winning / other
groups over the last ``n_eval`` trials), ``expected_reward_final`` (mean running
expectation at the end), ``sim_wall_s``.

Figures: ``learning_curve`` (moving accuracy vs trial, dopamine and control,
chance line), ``weights`` (final input -> output weights, inputs sorted by pattern
membership, dopamine vs control), ``dopamine`` (the released prediction errors
per trial).

Scales: full = 600 trials (2 patterns, 100 inputs, 2 x 10 outputs, 0.8 s per
trial: 480 s simulated per condition), eta = 0.003 (criterion reached after
~150-300 trials, so the learning curve is resolved); reduced = 250 trials with
the same network and twice the learning rate (eta = 0.006), accuracy over the
last 50 trials. Both take about 1-3 s per condition on one core once compiled.

Results (``neuroplastic reproduce reward-discrimination --seed N``, N = 0..4): accuracy
over the last 100 trials 0.97, 0.97, 0.95, 0.97, 0.99 with dopamine (first 100 trials
0.64-0.75), control 0.50, 0.49, 0.45, 0.52, 0.59: both targets met in every seed.
Reduced scale, seeds 0-4: 0.96-1.0, control 0.42-0.54.
Measured numbers are in docs/neuromodulation.md.

References: Izhikevich EM (2007) Cereb Cortex 17:2443 (eligibility x dopamine,
period 10 ms, tau_d). Florian RV (2007) Neural Comput 19:1468 (reward-modulated
STDP with eligibility; learning of spike-pattern discrimination). Fremaux N,
Sprekeler H, Gerstner W (2010) J Neurosci 30:13326 (reward-prediction error per
stimulus removes the unsupervised bias of R-STDP). Schultz W, Dayan P, Montague PR
(1997) Science 275:1593.
"""
from __future__ import annotations

import time

import numpy as np
from matplotlib.figure import Figure

from .. import Model, Network, Population, Projection
from ..closedloop import RewardPredictionError
from ..model.connectivity import AllToAll, OneToOne, Pairs
from ..model.inputs import PoissonInput
from ..model.modulators import DOPAMINE, Modulator
from ..model.neurons import LIF
from ..plasticity.neuromodulated import RewardModulatedSTDP
from ..viz.style import OKABE_ITO
from .base import Experiment, Result, Target
from .parameters import Param, Relation, defaults_of
from .protocols import present
from .registry import register

PARAMETERS = dict(
    n_trials=Param(600, "trials (pattern presentations) with dopamine, and as many in the control", ge=1),
    n_eval=Param(100, "trials in the accuracy windows (first, last, moving)", ge=1),
    n_patterns=Param(2, "input patterns, one output group each", ge=2),
    n_inputs=Param(100, "Poisson inputs", ge=1),
    pattern_fraction=Param(0.5, "fraction of the inputs in each pattern (drawn per pattern)", gt=0, le=1),
    rate_on=Param(40.0, "rate of the presented pattern's inputs", "Hz", ge=0),
    rate_off=Param(2.0, "rate of the other inputs during a stimulus", "Hz", ge=0),
    rate_gap=Param(2.0, "rate of every input between stimuli", "Hz", ge=0),
    stim_ms=Param(300.0, "stimulus duration", "ms", gt=0),
    gap_ms=Param(500.0, "pause after each stimulus (dopamine acts)", "ms", ge=0),
    n_per_group=Param(10, "LIF neurons per output group", ge=1),
    bg_rate=Param(1000.0, "rate of each output neuron's private background", "Hz", ge=0),
    w_bg=Param(30.0, "background weight", "pA", ge=0),
    w_lateral=Param(-60.0, "lateral inhibition between output groups (negative)", "pA", le=0),
    w_max=Param(40.0, "upper bound of the input -> output weights", "pA", gt=0),
    w_init_low=Param(0.25, "initial weights uniform from w_init_low * w_max ...", ge=0, le=1),
    w_init_high=Param(0.5, "... to w_init_high * w_max", ge=0, le=1),
    a_plus=Param(1.0, "eligibility increment per pre-before-post pairing", "pA", ge=0),
    a_minus=Param(1.0, "eligibility decrement per post-before-pre pairing", "pA", ge=0),
    tau_stdp=Param(20.0, "STDP trace time constant (tau_plus = tau_minus)", "ms", gt=0),
    tau_elig=Param(500.0, "eligibility trace time constant", "ms", gt=0),
    eta=Param(0.003, "learning rate (per ms per unit dopamine)", "1/ms", ge=0),
    period=Param(10.0, "weight-update interval", "ms", gt=0),
    tau_d=Param(100.0, "dopamine decay time constant", "ms", gt=0),
    da_scale=Param(1.0, "dopamine released per unit of prediction error", ge=0),
    rpe_alpha=Param(0.1, "learning rate of the per-pattern reward expectation", gt=0, le=1),
    rpe=Param(True, "release the reward-prediction error (false: the raw reward)"),
    dt=Param(0.5, "time step", "ms", gt=0),
    control=Param(True, "also run the control without dopamine (same network, trials and seed)"),
)
DEFAULTS = defaults_of(PARAMETERS)
RELATIONS = (Relation("n_eval", "<=", "n_trials"), Relation("w_init_low", "<=", "w_init_high"))
REDUCED = dict(n_trials=250, n_eval=50, eta=0.006)


def _patterns(c: dict, rng: np.random.Generator) -> np.ndarray:
    """Boolean (n_patterns, n_inputs): which inputs are on in each pattern."""
    n, k = int(c["n_inputs"]), int(round(float(c["pattern_fraction"]) * int(c["n_inputs"])))
    on = np.zeros((int(c["n_patterns"]), n), bool)
    for p in range(on.shape[0]):
        on[p, rng.choice(n, size=k, replace=False)] = True
    return on


def _order(n_trials: int, n_patterns: int, rng: np.random.Generator) -> np.ndarray:
    """Balanced random trial order: each block of n_patterns trials is a permutation."""
    blocks = -(-n_trials // n_patterns)
    return np.concatenate([rng.permutation(n_patterns) for _ in range(blocks)])[:n_trials]


def build(c: dict, seed: int):
    """Model, pattern matrix, trial order and initial weights (n_inputs, n_out) for a seed."""
    rng = np.random.default_rng([seed, 4, 1])
    P, n_in, n_g = int(c["n_patterns"]), int(c["n_inputs"]), int(c["n_per_group"])
    n_out = P * n_g
    patterns = _patterns(c, rng)
    order = _order(int(c["n_trials"]), P, rng)
    w0 = rng.uniform(float(c["w_init_low"]), float(c["w_init_high"]), size=(n_in, n_g)) * float(c["w_max"])
    w_init = np.tile(w0, (1, P))                       # the same weights onto every group
    group = np.repeat(np.arange(P), n_g)
    lat_pre, lat_post = np.nonzero(group[:, None] != group[None, :])
    cell = LIF(tau_m=20.0, c_m=250.0, v_rest=-70.0, v_reset=-70.0, v_thresh=-50.0, t_ref=2.0,
               synapse="current", tau_e=5.0, tau_i=10.0)
    rule = RewardModulatedSTDP(a_plus=c["a_plus"], a_minus=c["a_minus"], tau_plus=c["tau_stdp"],
                               tau_minus=c["tau_stdp"], tau_e=c["tau_elig"], eta=c["eta"],
                               reference=0.0, period=c["period"], modulator=DOPAMINE)
    m = Model(dt=float(c["dt"]), max_rate=None)
    m.add(PoissonInput("inp", n_in, rate=np.full(n_in, float(c["rate_gap"]))))
    m.add(PoissonInput("bg", n_out, rate=float(c["bg_rate"])))
    m.add(Population("out", n_out, cell, initial={"v": -70.0}))
    # AllToAll build order: synapse index = pre * n_out + post
    m.add(Projection("io", "inp", "out", AllToAll(), weight=w_init.ravel(), w_min=0.0,
                     w_max=float(c["w_max"]), rules=[rule]))
    m.add(Projection("bg_out", "bg", "out", OneToOne(), weight=float(c["w_bg"])))
    m.add(Projection("lateral", "out", "out", Pairs(lat_pre.astype(np.int64), lat_post.astype(np.int64)),
                     weight=float(c["w_lateral"]), receptor="inh"))
    m.add(Modulator(DOPAMINE, tau=float(c["tau_d"]), baseline=0.0))
    return m, patterns, order, w_init, group


def _session(net: Network, c: dict, patterns, order, group, dopamine: bool) -> dict:
    """One learning session: trials in ``order``; returns per-trial records and final weights."""
    P, n_g = int(c["n_patterns"]), int(c["n_per_group"])
    rates = np.where(patterns, float(c["rate_on"]), float(c["rate_off"]))
    gap = np.full(patterns.shape[1], float(c["rate_gap"]))
    rpe = RewardPredictionError(alpha=float(c["rpe_alpha"]), initial=0.0, scale=float(c["da_scale"]))
    n = order.size
    choice, counts, delta = np.empty(n, np.int64), np.empty((n, P), np.int64), np.empty(n)
    stim, gap_ms = float(c["stim_ms"]), float(c["gap_ms"])
    for k, p in enumerate(order):

        def answer(out, k=k, p=p):    # at the end of the stimulus: choice, reward, dopamine
            per_group = np.bincount(group, weights=out, minlength=P).astype(np.int64)
            best = np.flatnonzero(per_group == per_group.max())
            choice[k] = best[0] if best.size == 1 else -1                  # tie: no answer
            counts[k] = per_group
            reward = 1.0 if choice[k] == p else -1.0
            if dopamine and not c["rpe"]:                                 # ablation: raw reward
                rpe.error(reward, context=int(p))                           # expectation kept for the metrics
                delta[k] = reward
                net.release(DOPAMINE, float(c["da_scale"]) * reward)
            elif dopamine:
                delta[k] = rpe.deliver(net, reward, DOPAMINE, context=int(p))
            else:
                delta[k] = rpe.error(reward, context=int(p))                # computed, not released

        present(net, {"inp": rates[p]}, stim, "out", rest=gap_ms, rest_rates={"inp": gap}, after=answer)
    expected = np.array([rpe.expected.get(p, rpe.initial) for p in range(P)])
    return dict(choice=choice, counts=counts, delta=delta, correct=(choice == order),
                weights=net.weights("io").reshape(patterns.shape[1], -1).copy(), expected=expected)


def _moving(x: np.ndarray, k: int) -> np.ndarray:
    """Mean of x over the trailing window of k trials (shorter at the start)."""
    c = np.cumsum(np.concatenate([[0.0], x.astype(float)]))
    idx = np.arange(1, x.size + 1)
    lo = np.maximum(0, idx - k)
    return (c[idx] - c[lo]) / (idx - lo)


def _selectivity(w: np.ndarray, patterns: np.ndarray, group: np.ndarray, w_max: float) -> float:
    """Mean over patterns of (weights from p's exclusive inputs onto group p minus onto other groups) / w_max."""
    P = patterns.shape[0]
    out = []
    for p in range(P):
        excl = patterns[p] & ~np.any(np.delete(patterns, p, axis=0), axis=0)
        if not excl.any():
            continue
        out.append(w[np.ix_(excl, group == p)].mean() - w[np.ix_(excl, group != p)].mean())
    return float(np.mean(out) / w_max) if out else float("nan")


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    """Train with reward dopamine, then (reset) the no-dopamine control on the same trials."""
    c = config
    model, patterns, order, w_init, group = build(c, seed)
    net = Network(model, seed=seed)
    np.testing.assert_array_equal(net.weights("io"), w_init.ravel())
    wall0 = time.perf_counter()
    sessions = {"dopamine": _session(net, c, patterns, order, group, True)}
    if c["control"]:
        net.reset()
        sessions["control"] = _session(net, c, patterns, order, group, False)
    wall = time.perf_counter() - wall0
    return _result(c, patterns, order, group, w_init, sessions, wall)


def _result(c, patterns, order, group, w_init, sessions, wall) -> Result:
    k = int(c["n_eval"])
    P, n_g, w_max = int(c["n_patterns"]), int(c["n_per_group"]), float(c["w_max"])
    on = sessions["dopamine"]
    last = slice(max(0, order.size - k), order.size)
    moving = _moving(on["correct"], k)
    hit = np.flatnonzero((moving >= 0.9) & (np.arange(order.size) >= k - 1))
    cnt = on["counts"][last].astype(float)
    stim_s = float(c["stim_ms"]) * 1e-3
    winner = cnt.max(axis=1)
    loser = (cnt.sum(axis=1) - winner) / max(1, P - 1)
    metrics = dict(
        accuracy_final=float(on["correct"][last].mean()),
        accuracy_initial=float(on["correct"][:k].mean()),
        tie_fraction=float(np.mean(on["choice"] == -1)),
        trial_criterion=float(hit[0] + 1) if hit.size else float("nan"),
        selectivity=_selectivity(on["weights"], patterns, group, w_max),
        selectivity_initial=_selectivity(w_init, patterns, group, w_max),
        winner_rate_hz=float(winner.mean() / (n_g * stim_s)),
        loser_rate_hz=float(loser.mean() / (n_g * stim_s)),
        expected_reward_final=float(on["expected"].mean()),
        w_mean_final=float(on["weights"].mean() / w_max),
        chance=1.0 / P,
        sim_wall_s=float(wall),
    )
    off = sessions.get("control")
    if off is not None:
        metrics.update(
            accuracy_control=float(off["correct"][last].mean()),
            accuracy_control_all=float(off["correct"].mean()),
            tie_fraction_control=float(np.mean(off["choice"] == -1)),
            selectivity_control=_selectivity(off["weights"], patterns, group, w_max),
            weights_unchanged_control=float(np.array_equal(off["weights"], w_init)),
        )
    figures = {"learning_curve": _curve_figure(sessions, k, P),
               "weights": _weights_figure(sessions, patterns, w_max, n_g, P),
               "dopamine": _delta_figure(sessions)}
    rec = {"trials": dict(pattern=order, choice=on["choice"], correct=on["correct"].astype(np.int64),
                          counts=on["counts"], delta=on["delta"]),
           "patterns": dict(on=patterns.astype(np.int64)),
           "weights": dict(initial=w_init, final=on["weights"])}
    if off is not None:
        rec["control"] = dict(choice=off["choice"], correct=off["correct"].astype(np.int64),
                              counts=off["counts"], delta=off["delta"], final=off["weights"])
    return Result(config=dict(c), metrics=metrics, figures=figures, recordings=rec,
                  notes=["winner = group with most spikes in the trial; ties count as wrong",
                         "control: rewards computed, no dopamine released"])


_COLOURS = {"dopamine": OKABE_ITO[3], "control": "0.45"}
_NAMES = {"dopamine": "reward-prediction-error dopamine", "control": "control: no dopamine"}


def _curve_figure(sessions, k, P) -> Figure:
    fig = Figure(figsize=(9, 3.8), layout="constrained")
    ax = fig.add_subplot()
    for name, s in sessions.items():
        trials = np.arange(1, s["correct"].size + 1)
        ax.plot(trials, _moving(s["correct"], k), color=_COLOURS[name], label=_NAMES[name])
    ax.axhline(1.0 / P, color="black", linestyle=":", label=f"chance (1/{P})")
    ax.axhline(0.9, color=OKABE_ITO[2], linestyle="--", linewidth=1.0, label="target 0.9")
    ax.set_xlim(0, max(s["correct"].size for s in sessions.values()))
    ax.set_xlabel("trial")
    ax.set_ylabel(f"accuracy (moving mean over {k} trials)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(f"Reward-modulated STDP learns to discriminate {P} input patterns", fontsize="medium")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


def _block_name(key: int, P: int) -> str:
    members = [p for p in range(P) if (key >> p) & 1]
    if not members:
        return "in no pattern"
    if len(members) == P:
        return "in every pattern" if P > 2 else "in both patterns"
    return "pattern " + ", ".join(map(str, members)) + " only"


def _weights_figure(sessions, patterns, w_max, n_g, P) -> Figure:
    # inputs sorted by membership: pattern 0 only, ..., shared, none
    key = (2 ** np.arange(patterns.shape[0])) @ patterns.astype(int)
    order = np.argsort(-key, kind="stable")
    sorted_key = key[order]
    bounds = np.concatenate([[0], np.flatnonzero(np.diff(sorted_key)) + 1, [sorted_key.size]])
    fig = Figure(figsize=(3.4 * len(sessions) + 2.2, 4.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(sessions), sharey=True))
    for ax, (name, s) in zip(axes, sessions.items()):
        im = ax.imshow(s["weights"][order] / w_max, aspect="auto", vmin=0, vmax=1, cmap="viridis",
                       interpolation="nearest")
        for g in range(1, P):
            ax.axvline(g * n_g - 0.5, color="white", linewidth=1.0)
        for e in bounds[1:-1]:
            ax.axhline(e - 0.5, color="white", linewidth=0.8, linestyle="--")
        ax.set_xticks((np.arange(P) + 0.5) * n_g - 0.5, [f"group {g}" for g in range(P)])
        ax.set_xlabel(f"output neurons ({n_g} per group)")
        ax.set_title(_NAMES[name], fontsize="medium")
    axes[0].set_yticks(0.5 * (bounds[:-1] + bounds[1:]) - 0.5,
                       [f"{_block_name(int(sorted_key[b]), P)}\n({e - b} inputs)"
                        for b, e in zip(bounds[:-1], bounds[1:])])
    axes[0].set_ylabel("input neurons, by pattern membership")
    fig.colorbar(im, ax=list(axes), label=f"weight / w_max (w_max = {w_max:g} pA)")
    fig.suptitle("Input→output weights after learning (output group g is rewarded for pattern g)")
    return fig


def _delta_figure(sessions) -> Figure:
    fig = Figure(figsize=(7.5, 3.2), layout="constrained")
    ax = fig.add_subplot()
    s = sessions["dopamine"]
    ax.plot(np.arange(1, s["delta"].size + 1), s["delta"], ".", markersize=3, color=_COLOURS["dopamine"])
    ax.axhline(0.0, color="0.5", linewidth=0.8)
    ax.set_xlim(0, s["delta"].size + 1)
    ax.set_xlabel("trial")
    ax.set_ylabel("dopamine released\n(reward − expected reward)")
    ax.set_title("Reward-prediction error per trial (dopamine released at the end of each stimulus)",
                 fontsize="medium")
    return fig


EXPERIMENT = register(Experiment(
    name="reward-discrimination",
    summary="R-STDP with reward-prediction-error dopamine learns a two-pattern discrimination",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, relations=RELATIONS, reduced=REDUCED,
    targets=(
        Target("accuracy_final", 0.9, None, "accuracy over the last n_eval trials with dopamine >= 90 % (issue 4)"),
        Target("accuracy_control", 0.3, 0.7, "no dopamine: chance (1/2) within [0.3, 0.7]"),
    ),
    reference="Florian RV (2007) Neural Comput 19:1468; Izhikevich EM (2007) Cereb Cortex 17:2443; "
              "Fremaux N, Sprekeler H, Gerstner W (2010) J Neurosci 30:13326",
))
