"""``cartpole``: a spiking actor-critic with a dopamine TD error balances CartPole-v1.

Closed loop (:class:`~neuroplastic.closedloop.gym.GymLoop`): every 20 ms of
simulated time (CartPole's own time step, ``tau = 0.02 s``) the observation
(x, x_dot, theta, theta_dot) sets the rates of the input cells, the network runs
20 ms, the actor's spike counts choose the action and the critic's spike count
gives the value; the TD error is released as dopamine.

Network (dt = 1 ms):

* ``obs``: Poisson input cells, Gaussian population code (``GaussianEncoder``):
  per dimension ``n_per_dim`` = 12 tuning curves with centres evenly spaced on
  [-x_max, x_max] x [-v_max, v_max] x [-theta_max, theta_max] x [-omega_max,
  omega_max] = [-2.4, 2.4] x [-2, 2] x [-0.21, 0.21] x [-2.5, 2.5] (the
  observation is clipped to that box), width = 1 centre spacing, peak 100 Hz;
  each tuning curve is carried by ``copies`` = 10 independent Poisson cells
  (480 cells, about 200 input spikes per step).
* ``actor``: 2 x ``n_actor`` = 2 x 20 current-based LIF neurons (tau_m 10 ms,
  C 10 pF, rest/reset -70 mV, threshold -54 mV, refractory 2 ms, synaptic
  tau 5 ms), the first 20 push left (action 0), the others right; action =
  the group with more spikes in the step (ties at random, seeded).
* ``critic``: ``n_critic`` = 100 neurons of the same kind; value
  V = (critic spikes in the step - count_ref) / count_scale with
  count_ref = count_scale = 1.8 spikes per critic neuron per step (the
  initial mean: V starts near 0 .. -0.5).
* ``obs -> actor`` and ``obs -> critic``: every neuron receives one synapse
  from each of the 48 tuning curves, from a copy picked at random (so
  neurons do not share all their input spikes); weights start
  uniform on [0, w_init] = [0, 8] pA, bounded to [0, w_max] = [0, 16] pA.
  Both learn with :class:`~neuroplastic.RewardModulatedSTDP` (a_plus 1,
  a_minus 0: the eligibility is the Hebbian product of the presynaptic
  trace (tau_plus 20 ms) sampled at postsynaptic spikes; tau_e = 100 ms; eta
  0.005 (actor) and 0.002 (critic) per ms per unit dopamine; updates every
  10 ms). The actor's incoming weights are kept at their initial sum by
  :class:`~neuroplastic.WeightNormalization` (every 100 ms), so that only
  their distribution over the input cells, not their overall scale, learns.
* ``dopamine``: modulator with tau = 20 ms, baseline 0.

Dopamine = TD error (:class:`~neuroplastic.closedloop.gym.TDError`), gamma =
0.96 per step (1 / (1 - gamma) = 25 steps = 0.5 s horizon), reward -1 when the
pole falls or the cart leaves the track, 0 on every other step, plus the
potential-based shaping term gamma Phi(s') - Phi(s) with
Phi = -shaping ((theta / theta_max)^2 + (theta_dot / omega_scale)^2
+ shaping_x (x / x_max)^2), shaping = 1, omega_scale = 1 rad/s, shaping_x = 0.3
(Ng, Harada & Russell 1999: such shaping does not change which policies are
optimal; it tells the actor at once whether the push slowed the pole). Each
part of the TD error is released as soon as it is known: r' right after the
environment step, gamma V_{t+1} - V_t after the next 20 ms (``shaping=0`` runs
the unshaped task). ``anneal_episodes`` > 0 scales the dopamine by
1 / (1 + episode / anneal_episodes) (off by default); ``split_critic`` sends the
shaping term to the actor only (a second modulator for the critic; off).

The random baseline: a uniformly random policy on the same environment with
the same seed (``random_episodes`` episodes).

Metrics: ``mean_length_last100`` (mean episode length of the last ``window`` =
100 episodes), ``random_mean_length``, ``ratio_to_random``, ``mean_length_first100``,
``best_mean_length100`` (best moving mean over ``window`` consecutive
episodes), ``max_length``, ``solved`` (1 if the last-100 mean is >= 195),
``episodes_to_195`` (episode at which the moving mean first reaches 195; NaN
if never), ``ends_pole_last100`` / ``ends_cart_last100`` /
``ends_time_limit_last100`` (how the last 100 episodes ended: pole fell, cart
left the track, 500-step limit), ``total_steps``, ``simulated_s``,
``sim_wall_s``, ``td_mean``, ``value_last_mean``, ``actor_weight_change``.

Targets (full scale, one seed per run; issue 4): last-100 mean >= 3 x the
random policy's mean. 195 (CartPole-v1's "solved" level, the issue's aim) is
reported as ``solved``; it is not reached (docs/closed-loop.md has the numbers
for seeds 0-4).

Reduced scale (tests): 120 episodes with eta_actor = 0.01, last 50 episodes;
target >= 2 x random.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from .. import (LIF, Model, Modulator, Network, Pairs, PoissonInput, Population, Projection,
                RewardModulatedSTDP, WeightNormalization)
from ..closedloop.gym import (GaussianEncoder, GymLoop, SpikeCountDecoder, TDError, make_env,
                              random_policy_lengths)
from ..viz.style import OKABE_ITO
from .base import Experiment, Result, Target
from .parameters import Param, Relation, defaults_of
from .registry import register

SOLVED = 195.0

PARAMETERS = dict(
    env=Param("CartPole-v1", "gymnasium environment id"),
    episodes=Param(400, "training episodes", ge=1),
    window=Param(100, "episodes in the moving mean (the last ones are the result)", ge=1),
    random_episodes=Param(100, "episodes of the uniformly random baseline policy", ge=1),
    dt=Param(1.0, "time step", "ms", gt=0),
    step_ms=Param(20.0, "simulated time per environment step (CartPole's tau = 0.02 s)", "ms", gt=0),
    # encoder
    n_per_dim=Param(12, "Gaussian tuning curves per observation dimension", ge=2),
    copies=Param(10, "independent Poisson cells per tuning curve", ge=1),
    max_rate=Param(100.0, "peak rate of a tuning curve", "Hz", gt=0),
    width=Param(1.0, "tuning width in units of the centre spacing", gt=0),
    x_max=Param(2.4, "encoded cart position range [-x_max, x_max] (m)", "m", gt=0),
    v_max=Param(2.0, "encoded cart velocity range (m/s)", "m/s", gt=0),
    theta_max=Param(0.21, "encoded pole angle range (rad)", "rad", gt=0),
    omega_max=Param(2.5, "encoded pole angular velocity range (rad/s)", "rad/s", gt=0),
    # neurons
    n_actor=Param(20, "actor neurons per action (left, right)", ge=1),
    n_critic=Param(100, "critic neurons", ge=1),
    tau_m=Param(10.0, "membrane time constant (actor and critic)", "ms", gt=0),
    c_m=Param(10.0, "membrane capacitance", "pF", gt=0),
    v_rest=Param(-70.0, "resting and reset potential", "mV"),
    v_thresh=Param(-54.0, "firing threshold", "mV"),
    t_ref=Param(2.0, "refractory period", "ms", ge=0),
    tau_syn=Param(5.0, "synaptic current time constant", "ms", gt=0),
    # synapses and learning
    w_init=Param(8.0, "initial weights uniform in [0, w_init]", "pA", ge=0),
    w_max=Param(16.0, "upper weight bound", "pA", gt=0),
    a_plus=Param(1.0, "eligibility increment per pre-before-post pairing", "pA", ge=0),
    a_minus=Param(0.0, "eligibility decrement per post-before-pre pairing", "pA", ge=0),
    tau_plus=Param(20.0, "presynaptic STDP trace time constant", "ms", gt=0),
    tau_minus=Param(20.0, "postsynaptic STDP trace time constant", "ms", gt=0),
    tau_e=Param(100.0, "eligibility trace time constant", "ms", gt=0),
    eta_actor=Param(0.005, "actor learning rate (per ms per unit dopamine)", "1/ms", ge=0),
    eta_critic=Param(0.002, "critic learning rate (per ms per unit dopamine)", "1/ms", ge=0),
    period=Param(10.0, "weight-update interval of the three-factor rule", "ms", gt=0),
    normalize_period=Param(100.0, "interval of the actor's incoming-weight normalisation (0 = off)", "ms", ge=0),
    tau_dopamine=Param(20.0, "dopamine decay time constant", "ms", gt=0),
    # TD error
    gamma=Param(0.96, "TD discount per environment step", ge=0, le=1),
    value_ref=Param(1.8, "critic spikes per neuron per step that mean value 0", gt=0),
    value_scale=Param(1.8, "critic spikes per neuron per step per unit of value", gt=0),
    failure_reward=Param(-1.0, "reward when the pole falls or the cart leaves the track"),
    step_reward=Param(0.0, "reward on every other step"),
    shaping=Param(1.0, "weight of the potential-based shaping term (0 = unshaped task)", ge=0),
    omega_scale=Param(1.0, "angular velocity scale of the shaping potential (rad/s)", "rad/s", gt=0),
    shaping_x=Param(0.3, "weight of the cart position in the shaping potential", ge=0),
    shaping_v=Param(0.0, "weight of the cart velocity in the shaping potential", ge=0),
    dopamine_scale=Param(1.0, "dopamine released per unit of TD error", gt=0),
    anneal_episodes=Param(0.0, "dopamine scaled by 1 / (1 + episode / anneal_episodes); 0 = off", ge=0),
    split_critic=Param(False, "send the shaping term to the actor only (second modulator for the critic)"),
)
DEFAULTS = defaults_of(PARAMETERS)
RELATIONS = (Relation("window", "<=", "episodes"), Relation("w_init", "<=", "w_max"))
REDUCED = dict(episodes=120, window=50, random_episodes=50, eta_actor=0.01)


def encoder(c: dict) -> GaussianEncoder:
    return GaussianEncoder([-c["x_max"], -c["v_max"], -c["theta_max"], -c["omega_max"]],
                           [c["x_max"], c["v_max"], c["theta_max"], c["omega_max"]], n=int(c["n_per_dim"]),
                           max_rate=c["max_rate"], width=c["width"], copies=int(c["copies"]))


def _one_copy_each(rng, n_curves: int, copies: int, n_post: int) -> Pairs:
    """Every postsynaptic neuron gets one synapse per tuning curve, from a random copy."""
    pre = np.arange(n_curves)[None, :] * copies + rng.integers(copies, size=(n_post, n_curves))
    return Pairs(pre.ravel(), np.repeat(np.arange(n_post), n_curves))


def build(c: dict, seed: int):
    """The model and its encoder."""
    enc = encoder(c)
    copies, n_curves = int(c["copies"]), enc.n // int(c["copies"])
    rng = np.random.default_rng([seed, 195])
    cell = LIF(tau_m=c["tau_m"], c_m=c["c_m"], v_rest=c["v_rest"], v_reset=c["v_rest"], v_thresh=c["v_thresh"],
               t_ref=c["t_ref"], synapse="current", tau_e=c["tau_syn"], tau_i=c["tau_syn"])
    n_act = 2 * int(c["n_actor"])

    def rule(eta, modulator="dopamine"):
        return RewardModulatedSTDP(a_plus=c["a_plus"], a_minus=c["a_minus"], tau_plus=c["tau_plus"],
                                   tau_minus=c["tau_minus"], tau_e=c["tau_e"], eta=eta, period=c["period"],
                                   modulator=modulator)

    model = Model(dt=c["dt"], max_rate=None)
    model.add(PoissonInput("obs", enc.n, rate=np.zeros(enc.n)))
    model.add(Population("actor", n_act, cell))
    model.add(Population("critic", int(c["n_critic"]), cell))
    model.add(Modulator("dopamine", tau=c["tau_dopamine"], baseline=0.0))
    critic_mod = "dopamine_critic" if c["split_critic"] else "dopamine"
    if c["split_critic"]:
        model.add(Modulator(critic_mod, tau=c["tau_dopamine"], baseline=0.0))
    w_actor = rng.uniform(0.0, c["w_init"], (n_act, n_curves))
    actor_rules = [rule(c["eta_actor"])]
    if c["normalize_period"] > 0:
        actor_rules.append(WeightNormalization(target=n_curves * c["w_init"] / 2, mode="incoming",
                                               period=c["normalize_period"]))
    model.add(Projection("obs_actor", "obs", "actor", _one_copy_each(rng, n_curves, copies, n_act),
                         weight=w_actor.ravel(), w_min=0.0, w_max=c["w_max"], rules=actor_rules))
    w_critic = rng.uniform(0.0, c["w_init"], (int(c["n_critic"]), n_curves))
    model.add(Projection("obs_critic", "obs", "critic", _one_copy_each(rng, n_curves, copies, int(c["n_critic"])),
                         weight=w_critic.ravel(), w_min=0.0, w_max=c["w_max"],
                         rules=[rule(c["eta_critic"], critic_mod)]))
    return model, enc


def td_signal(c: dict) -> TDError:
    th, om, k = float(c["theta_max"]), float(c["omega_scale"]), float(c["shaping"])
    kx, kv, xm, vm = float(c["shaping_x"]), float(c["shaping_v"]), float(c["x_max"]), float(c["v_max"])

    def potential(obs):
        return -k * ((obs[2] / th) ** 2 + (obs[3] / om) ** 2 + kx * (obs[0] / xm) ** 2 + kv * (obs[1] / vm) ** 2)

    n = int(c["n_critic"])
    return TDError("critic", gamma=c["gamma"], count_ref=c["value_ref"] * n, count_scale=c["value_scale"] * n,
                   scale=c["dopamine_scale"], failure_reward=c["failure_reward"], step_reward=c["step_reward"],
                   potential=potential if k != 0 else None,
                   critic_modulator="dopamine_critic" if c["split_critic"] else None, actor_modulator="dopamine")


def moving_mean(x, window: int) -> np.ndarray:
    """Mean of each run of ``window`` consecutive values (len(x) - window + 1 values)."""
    x = np.asarray(x, float)
    if x.size < window:
        return np.array([])
    s = np.concatenate([[0.0], np.cumsum(x)])
    return (s[window:] - s[:-window]) / window


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    """Train for ``episodes`` episodes; compare with the random policy."""
    c = config
    if int(c["episodes"]) < int(c["window"]):
        raise ValueError("episodes must be >= window")
    t = train(c, seed, progress)
    rand = random_policy_lengths(make_env(c["env"]), int(c["random_episodes"]), seed=seed)
    return _result(c, t.net, t.td, t.lengths, t.ends, rand, t.w0_actor, t.wall, seed)


@dataclass
class Training:
    """The trained network and what training recorded (``ends``: 0 pole fell, 1 cart
    left the track, 2 time limit)."""

    net: Network
    td: TDError
    lengths: np.ndarray
    ends: np.ndarray
    w0_actor: np.ndarray
    wall: float


def train(c: dict, seed: int = 0, progress: bool = False) -> Training:
    """Build the agent for ``seed`` and train it for ``episodes`` episodes in closed loop."""
    from ..progress import RunProgress

    model, enc = build(c, seed)
    net = Network(model, seed=seed)
    td = td_signal(c)
    loop = GymLoop(make_env(c["env"]), net, "obs", "actor", enc, SpikeCountDecoder(2, int(c["n_actor"])),
                   step_ms=c["step_ms"], modulator="dopamine", dopamine=td, read=("critic",), seed=seed)
    w0_actor = net.weights("obs_actor")
    wall0 = time.perf_counter()
    lengths, ends = [], []
    with RunProgress(enabled=progress, total_ms=float(c["episodes"]), start_ms=0.0) as bar:
        for k in range(int(c["episodes"])):
            if c["anneal_episodes"] > 0:   # learning-rate schedule: scale / (1 + k / anneal)
                td.scale = c["dopamine_scale"] / (1.0 + k / c["anneal_episodes"])
            ep = loop.run_episode()
            lengths.append(ep.length)
            x = ep.final_obs
            ends.append(2 if not ep.terminated else 1 if abs(x[0]) > c["x_max"] else 0)
            bar.update(float(k + 1))
    return Training(net, td, np.array(lengths), np.array(ends), w0_actor, time.perf_counter() - wall0)


def _result(c, net, td, lengths, ends, rand, w0_actor, wall, seed) -> Result:
    window = int(c["window"])
    mm = moving_mean(lengths, window)
    last, first = float(lengths[-window:].mean()), float(lengths[:window].mean())
    rand_mean = float(rand.mean())
    reach = np.flatnonzero(mm >= SOLVED)
    metrics = dict(
        mean_length_last100=last, mean_length_first100=first, random_mean_length=rand_mean,
        ratio_to_random=last / rand_mean, best_mean_length100=float(mm.max()),
        max_length=int(lengths.max()), solved=float(last >= SOLVED),
        episodes_to_195=float(reach[0] + window) if reach.size else math.nan,
        n_episodes=int(lengths.size), window=window, total_steps=int(lengths.sum()),
        simulated_s=float(net.t / 1000.0), sim_wall_s=wall, seed=int(seed),
        td_mean=float(np.mean(td.released)), value_last_mean=float(np.mean(td.values[-int(lengths[-window:].sum()):])),
        actor_weight_change=float(np.abs(net.weights("obs_actor") - w0_actor).mean()),
        ends_pole_last100=float(np.mean(ends[-window:] == 0)), ends_cart_last100=float(np.mean(ends[-window:] == 1)),
        ends_time_limit_last100=float(np.mean(ends[-window:] == 2)),
    )
    fig = _length_figure(lengths, mm, window, rand_mean, c["env"])
    pre, post = net.synapses("obs_actor")
    return Result(
        config=dict(c), metrics=metrics, figures={"episode_length": fig},
        recordings={"episodes": dict(length=lengths, moving_mean=mm, end=ends), "random_policy": dict(length=rand),
                    "weights_actor": dict(w=net.weights("obs_actor"), w0=w0_actor, pre=pre, post=post),
                    "weights_critic": dict(w=net.weights("obs_critic"))},
    )


def _length_figure(lengths, mm, window, rand_mean, env) -> Figure:
    fig = Figure(figsize=(8.5, 4), layout="constrained")
    ax = fig.add_subplot()
    ep = np.arange(1, lengths.size + 1)
    ax.plot(ep, lengths, color="0.65", linewidth=0.7, label="episode length")
    if mm.size:
        ax.plot(np.arange(window, lengths.size + 1), mm, color=OKABE_ITO[0], linewidth=2,
                label=f"mean of the last {window} episodes")
    ax.axhline(rand_mean, color=OKABE_ITO[1], linestyle="-", label=f"random policy ({rand_mean:.1f})")
    ax.axhline(3 * rand_mean, color=OKABE_ITO[1], linestyle="--", label=f"3 × random ({3 * rand_mean:.1f})")
    ax.axhline(SOLVED, color="black", linestyle=":", label=f"{SOLVED:g} (solved)")
    ax.set_xlim(0, lengths.size + 1)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("episode")
    ax.set_ylabel("episode length (steps of 20 ms)")
    ax.set_title(f"{env} in closed loop: spiking actor-critic (R-STDP) with a dopamine TD error",
                 fontsize="medium")
    ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


EXPERIMENT = register(Experiment(
    name="cartpole",
    summary="Spiking actor-critic (R-STDP + dopamine TD error) balancing gymnasium CartPole-v1 in closed loop",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, relations=RELATIONS, reduced=REDUCED,
    targets=(
        Target("ratio_to_random", 3.0, None, "last-100 mean episode length >= 3 x random policy (issue 4)",
               scales=("full",)),
        Target("ratio_to_random", 2.0, None, "last-50 mean >= 2 x random policy after 120 episodes",
               scales=("reduced",)),
    ),
    reference="Fremaux, Sprekeler & Gerstner 2013, PLoS Comput Biol 9:e1003024; Barto, Sutton & Anderson 1983, "
              "IEEE SMC 13:834; Izhikevich 2007, Cereb Cortex 17:2443; Ng, Harada & Russell 1999, ICML",
))
