"""Closed-loop gymnasium environments: observation -> input rates, spikes -> action,
reward -> dopamine, one environment step every ``step_ms`` ms of simulated time.

One environment step of :class:`GymLoop` (Python runs once per step, never per
time step or neuron)::

    rates  = encoder(obs)                       Hz, one per input neuron
    net.set_rates(input, rates); net.run(step_ms)
    counts = spike counts of each read population during those step_ms
    action = decoder(counts[output])            argmax of group counts
    obs', reward, terminated, truncated = env.step(action)
    net.release(modulator, dopamine(Step(counts, obs, action, reward, obs', ...)))

Encoders
--------
:class:`GaussianEncoder` gives every observation dimension i a population of
``n`` cells with preferred values c_ik evenly spaced on [low_i, high_i]
(spacing s_i = (high_i - low_i)/(n - 1)) and Gaussian tuning of width
sigma_i = width * s_i::

    rate_ik(x) = max_rate * exp(-(clip(x_i) - c_ik)^2 / (2 sigma_i^2))      (Hz)

(population coding, Pouget, Dayan & Zemel 2000). With ``conjunctive=True`` the
cells are place cells on the grid of all combinations of the per-dimension
centres, tuned to the whole observation::

    rate_k(x) = max_rate * prod_i exp(-(clip(x_i) - c_ik_i)^2 / (2 sigma_i^2))

Decoders
--------
:class:`SpikeCountDecoder` splits the output population into ``n_actions``
consecutive groups of equal size; the action is the group with the most spikes
in the step, ties (and silence) broken at random by a seeded generator.

Dopamine signals (``dopamine(step: Step) -> amount`` or ``{modulator: amount}``)
-------------------------------------------------------------------------------
* :class:`DirectReward`: ``scale * reward`` (optionally ``on_failure`` added
  when the episode terminates, i.e. fails, rather than being truncated).
* :class:`TDError`: a spiking critic's temporal-difference error
  (Schultz, Dayan & Montague 1997; Fremaux, Sprekeler & Gerstner 2013). The
  critic population's spike count n_t in the step from s_t codes the value
  V_t = (n_t - count_ref) / count_scale, and

      delta_t = r'_t + gamma V_{t+1} - V_t        (V = 0 after termination)

  with r'_t = r_t + gamma Phi(s_{t+1}) - Phi(s_t) for an optional shaping
  potential Phi (Ng, Harada & Russell 1999). V_{t+1} is known only after the
  next step's run, so each part is released as soon as it is known (see
  :class:`TDError`); over two steps exactly delta_t is released.

gymnasium is an optional dependency (``pip install 'neuroplastic[gym]'``); it is
imported only when the adapter is used (making an environment, checking spaces).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import MissingExtra, ValidationError

_INSTALL = "pip install 'neuroplastic[gym]'"


def require_gymnasium():
    """Import gymnasium, or raise ImportError saying how to install it."""
    try:
        import gymnasium
    except ImportError as exc:
        raise MissingExtra(f"the gymnasium adapter needs gymnasium: {_INSTALL}") from exc
    return gymnasium


def make_env(env_id: str, **kwargs):
    """``gymnasium.make(env_id, **kwargs)`` with a ValidationError for unknown ids."""
    gym = require_gymnasium()
    if not isinstance(env_id, str) or not env_id:
        raise ValidationError("GymLoop", "env", env_id, "must be a gymnasium environment id such as 'CartPole-v1'")
    try:
        return gym.make(env_id, **kwargs)
    except gym.error.Error as exc:
        raise ValidationError("GymLoop", "env", env_id,
                              f"must be a registered gymnasium environment id ({type(exc).__name__}: {exc})") from None


def check_spaces(env):
    """(observation dimension, number of actions); ValidationError unless the
    observation space is a 1-D Box and the action space is Discrete."""
    gym = require_gymnasium()
    obs, act = env.observation_space, env.action_space
    if not isinstance(obs, gym.spaces.Box) or len(obs.shape) != 1:
        raise ValidationError("GymLoop", "observation_space", obs, "must be a 1-D gymnasium.spaces.Box")
    if not isinstance(act, gym.spaces.Discrete):
        raise ValidationError("GymLoop", "action_space", act, "must be gymnasium.spaces.Discrete")
    return int(obs.shape[0]), int(act.n)


class GaussianEncoder:
    """Observation -> Poisson rates by Gaussian tuning curves (see module doc).

    Args:
        low, high: per-dimension range of the preferred values (finite; the
            observation is clipped to it).
        n: cells per dimension (>= 2), an int or one per dimension.
        max_rate: peak rate (Hz).
        width: tuning width in units of the centre spacing.
        conjunctive: place cells on the full grid (prod n cells) instead of one
            population per dimension (sum n cells).
        copies: independent Poisson cells per tuning curve (consecutive
            indices); more copies = more input spikes per step, less common
            Poisson noise in every downstream neuron.
    """

    def __init__(self, low, high, n=10, max_rate: float = 100.0, width: float = 1.0,
                 conjunctive: bool = False, copies: int = 1):
        low, high = np.atleast_1d(np.asarray(low, float)), np.atleast_1d(np.asarray(high, float))
        o = "GaussianEncoder"
        if low.ndim != 1 or low.shape != high.shape or not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))):
            raise ValidationError(o, "low/high", (low, high), "must be finite 1-D arrays of equal length")
        if np.any(high <= low):
            raise ValidationError(o, "high", high, "must be > low in every dimension")
        ns = np.broadcast_to(np.asarray(n), low.shape)
        if ns.dtype.kind not in "iu" or np.any(ns < 2):
            raise ValidationError(o, "n", n, "must be an integer >= 2 (cells per dimension)")
        if isinstance(max_rate, bool) or not (math.isfinite(max_rate) and max_rate > 0):
            raise ValidationError(o, "max_rate", max_rate, "must be a finite rate > 0 Hz")
        if isinstance(width, bool) or not (math.isfinite(width) and width > 0):
            raise ValidationError(o, "width", width, "must be > 0 (units of the centre spacing)")
        if isinstance(copies, bool) or not isinstance(copies, (int, np.integer)) or copies < 1:
            raise ValidationError(o, "copies", copies, "must be an integer >= 1")
        self.low, self.high, self.max_rate, self.width = low, high, float(max_rate), float(width)
        self.copies = int(copies)
        self.conjunctive = bool(conjunctive)
        self.centres = [np.linspace(a, b, int(k)) for a, b, k in zip(low, high, ns)]
        self.sigma = np.array([width * (b - a) / (int(k) - 1) for a, b, k in zip(low, high, ns)])
        self.n = self.copies * (int(np.prod(ns)) if self.conjunctive else int(np.sum(ns)))

    @property
    def dims(self) -> int:
        return self.low.size

    def tuning(self, obs) -> list:
        """Per-dimension tuning values exp(-(x_i - c_ik)^2 / 2 sigma_i^2), each in [0, 1]."""
        x = np.asarray(obs, float).reshape(-1)
        if x.size != self.dims:
            raise ValidationError("GaussianEncoder", "obs", f"shape {np.shape(obs)}",
                                  f"must have {self.dims} values")
        x = np.clip(np.nan_to_num(x), self.low, self.high)
        return [np.exp(-0.5 * ((xi - c) / s) ** 2) for xi, c, s in zip(x, self.centres, self.sigma)]

    def rates(self, obs) -> np.ndarray:
        """Rates (Hz) of all cells for one observation."""
        parts = self.tuning(obs)
        if self.conjunctive:
            out = parts[0]
            for p in parts[1:]:
                out = np.multiply.outer(out, p)
            out = out.reshape(-1)
        else:
            out = np.concatenate(parts)
        return self.max_rate * np.repeat(out, self.copies)

    __call__ = rates


class SpikeCountDecoder:
    """Spike counts of the output population -> discrete action (see module doc).

    Args:
        n_actions: number of actions (>= 2).
        group_size: output neurons per action; the output population has
            ``n_actions * group_size`` neurons, group a = neurons
            [a * group_size, (a + 1) * group_size).
    """

    def __init__(self, n_actions: int, group_size: int):
        for name, value, lo in (("n_actions", n_actions, 2), ("group_size", group_size, 1)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
                raise ValidationError("SpikeCountDecoder", name, value, f"must be an integer >= {lo}")
        self.n_actions, self.group_size = int(n_actions), int(group_size)

    @property
    def n(self) -> int:
        return self.n_actions * self.group_size

    def group_counts(self, counts) -> np.ndarray:
        c = np.asarray(counts)
        if c.shape != (self.n,):
            raise ValidationError("SpikeCountDecoder", "counts", f"shape {c.shape}",
                                  f"must be one count per output neuron ({self.n})")
        return c.reshape(self.n_actions, self.group_size).sum(axis=1)

    def action(self, counts, rng: np.random.Generator) -> int:
        """The group with most spikes; ties broken uniformly at random by ``rng``."""
        g = self.group_counts(counts)
        best = np.flatnonzero(g == g.max())
        return int(best[0]) if best.size == 1 else int(rng.choice(best))

    __call__ = action


@dataclass
class Step:
    """One environment step as the dopamine signal sees it.

    ``counts`` maps each read population to its spike counts during the step's
    ``step_ms`` (input: ``obs``); ``action`` was taken, giving ``reward`` and
    ``next_obs``."""

    counts: dict
    obs: np.ndarray
    action: int
    reward: float
    next_obs: np.ndarray
    terminated: bool
    truncated: bool


class DirectReward:
    """dopamine = scale * reward (+ on_failure when the episode terminates)."""

    def __init__(self, scale: float = 1.0, on_failure: float = 0.0):
        self.scale, self.on_failure = float(scale), float(on_failure)

    def reset(self) -> None:
        pass

    def __call__(self, step: Step) -> float:
        return self.scale * float(step.reward) + (self.on_failure if step.terminated else 0.0)


class TDError:
    """Temporal-difference error of a spiking critic, released term by term as
    soon as each term is known (see module doc).

    Args:
        critic: name of the critic population (its counts are read each step);
            None: V = 0 (no critic; the signal is then the (shaped) reward).
        gamma: discount per environment step (0 < gamma <= 1).
        count_ref: critic spikes per step that code V = 0.
        count_scale: critic spikes per step per unit of value (> 0).
        scale: dopamine released per unit of TD error.
        failure_reward: reward used instead of the environment's at
            termination (None: the environment's own); CartPole's +1 on the
            failing step carries no information, -1 does.
        step_reward: reward used instead of the environment's on all other
            steps (None: the environment's own).
        potential: optional shaping potential Phi(obs); the reward becomes
            r + gamma Phi(s') - Phi(s) (Phi(terminal) = 0), which leaves the
            optimal policies unchanged (Ng, Harada & Russell 1999).
        critic_modulator: if set, the signal is split: the shaping term goes
            only to ``actor_modulator`` and the critic's modulator receives the
            unshaped TD error, so the critic learns the unshaped (bounded)
            value V while the actor sees r + F + gamma V' - V (the shaped TD
            error with the optimal shaped critic V - Phi). Returns then a dict
            {actor_modulator: amount, critic_modulator: amount}.
        actor_modulator: the actor's modulator name when the signal is split.

    After the step from s_t (critic value V_t from this step's counts) it releases

        gamma V_t - V_{t-1}                       (completes delta_{t-1}; t >= 1)
        + r'_t                                    (the (shaped) reward of this step)
        - V_t                                     (only if s_{t+1} is terminal: V = 0 there)

    so that over two calls exactly delta_t = r'_t + gamma V_{t+1} - V_t is
    released, each part at the first moment it can be computed.
    """

    def __init__(self, critic: str | None, gamma: float = 0.98, count_ref: float = 0.0,
                 count_scale: float = 1.0, scale: float = 1.0, failure_reward: float | None = None,
                 step_reward: float | None = None, potential=None, critic_modulator: str | None = None,
                 actor_modulator: str = "dopamine"):
        if isinstance(gamma, bool) or not 0 < gamma <= 1:
            raise ValidationError("TDError", "gamma", gamma, "must be in (0, 1]")
        if isinstance(count_scale, bool) or not (math.isfinite(count_scale) and count_scale > 0):
            raise ValidationError("TDError", "count_scale", count_scale, "must be a finite number > 0")
        self.critic, self.gamma = critic, float(gamma)
        self.count_ref, self.count_scale, self.scale = float(count_ref), float(count_scale), float(scale)
        self.failure_reward, self.step_reward, self.potential = failure_reward, step_reward, potential
        self.critic_modulator, self.actor_modulator = critic_modulator, actor_modulator
        self.values: list = []     # V_t of every step
        self.released: list = []   # amount / scale released after every step
        self.reset()

    def reset(self) -> None:
        """Start of an episode: no previous step."""
        self._v_prev = None

    def value(self, counts: dict) -> float:
        """V coded by the critic's spike count in one step."""
        if self.critic is None:
            return 0.0
        return (float(np.sum(counts[self.critic])) - self.count_ref) / self.count_scale

    def reward(self, step: Step) -> float:
        """The reward used (failure_reward / step_reward substituted), unshaped."""
        if step.terminated and self.failure_reward is not None:
            return float(self.failure_reward)
        if not step.terminated and self.step_reward is not None:
            return float(self.step_reward)
        return float(step.reward)

    def shaping(self, step: Step) -> float:
        """F = gamma Phi(s') - Phi(s), with Phi(terminal) = 0 (0 without a potential)."""
        if self.potential is None:
            return 0.0
        after = 0.0 if step.terminated else self.gamma * float(self.potential(step.next_obs))
        return after - float(self.potential(step.obs))

    def __call__(self, step: Step):
        v = self.value(step.counts)
        td = self.reward(step)
        if self._v_prev is not None:
            td += self.gamma * v - self._v_prev
        if step.terminated:
            td -= v
        shaped = td + self.shaping(step)
        self._v_prev = None if (step.terminated or step.truncated) else v
        self.values.append(v)
        self.released.append(shaped)
        if self.critic_modulator is None:
            return self.scale * shaped
        return {self.actor_modulator: self.scale * shaped, self.critic_modulator: self.scale * td}


@dataclass
class Episode:
    """One episode: steps taken, summed environment reward, how it ended
    (``final_obs``: the last observation)."""

    length: int
    total_reward: float
    terminated: bool
    truncated: bool
    actions: list = field(default_factory=list)
    final_obs: np.ndarray | None = None


class GymLoop:
    """A network in closed loop with a gymnasium environment (see module doc).

    Args:
        env: a gymnasium environment id (made with :func:`make_env`) or an
            environment object with a 1-D Box observation and Discrete actions.
        net: the running :class:`~neuroplastic.Network`.
        input: name of the PoissonInput (``encoder.n`` neurons, built with
            per-neuron rates) that encodes the observation.
        output: name of the spiking population decoded into actions
            (``decoder.n`` neurons).
        encoder: obs -> rates (Hz), e.g. :class:`GaussianEncoder`.
        decoder: counts -> action, e.g. :class:`SpikeCountDecoder`.
        step_ms: simulated time per environment step (ms); CartPole's own
            step is 20 ms (its ``tau = 0.02 s``).
        modulator: modulator receiving the dopamine signal (None: no release).
        dopamine: ``(step: Step) -> amount`` released into ``modulator``
            after each step, or a dict {modulator name: amount}
            (:class:`DirectReward`, :class:`TDError`); ``reset()`` is called at
            each episode start if it has one.
        read: extra populations whose per-step counts are passed to
            ``dopamine`` (e.g. the critic).
        seed: seeds the first ``env.reset`` and the tie-breaking generator;
            later episodes continue the environment's own generator, so the
            same seed gives the same episodes.
        inter_episode_ms: simulated time with zero input between episodes
            (lets activity and eligibility traces decay).
    """

    def __init__(self, env, net, input: str, output: str, encoder, decoder, step_ms: float = 20.0,
                 modulator: str | None = "dopamine", dopamine=None, read=(), seed: int = 0,
                 inter_episode_ms: float = 0.0):
        self.env = make_env(env) if isinstance(env, str) else env
        self.obs_dim, self.n_actions = check_spaces(self.env)
        o = "GymLoop"
        if getattr(encoder, "dims", self.obs_dim) != self.obs_dim:
            raise ValidationError(o, "encoder", encoder.dims, f"must encode {self.obs_dim} observation values")
        if getattr(decoder, "n_actions", self.n_actions) != self.n_actions:
            raise ValidationError(o, "decoder", decoder.n_actions, f"must decode {self.n_actions} actions")
        pops = net.model.populations
        for name, value in (("input", input), ("output", output)) + tuple(("read", r) for r in read):
            if value not in pops:
                raise ValidationError(o, name, value, f"must name a population ({', '.join(pops)})")
        if getattr(pops[input], "kind", None) != "poisson":
            raise ValidationError(o, "input", input, "must name a PoissonInput")
        if hasattr(encoder, "n") and pops[input].n != encoder.n:
            raise ValidationError(o, "input", input,
                                  f"must have encoder.n = {encoder.n} neurons, has {pops[input].n}")
        if hasattr(decoder, "n") and pops[output].n != decoder.n:
            raise ValidationError(o, "output", output,
                                  f"must have decoder.n = {decoder.n} neurons, has {pops[output].n}")
        if isinstance(step_ms, bool) or not (math.isfinite(step_ms) and step_ms >= net.dt):
            raise ValidationError(o, "step_ms", step_ms, f"must be a number of ms >= dt ({net.dt})")
        if modulator is not None and modulator not in net.model.modulators:
            raise ValidationError(o, "modulator", modulator,
                                  f"must name a modulator of the model ({', '.join(net.model.modulators) or 'none'})")
        self.net, self.input, self.output = net, input, output
        self.encoder, self.decoder = encoder, decoder
        self.step_ms, self.modulator, self.dopamine = float(step_ms), modulator, dopamine
        self.read = tuple(dict.fromkeys((output,) + tuple(read)))
        self.inter_episode_ms = float(inter_episode_ms)
        self.seed = int(seed)
        self.rng = np.random.default_rng([self.seed, 4])
        self.episodes: list[Episode] = []

    def _counts(self) -> dict:
        return {p: self.net.spike_counts(p, clear=True) for p in self.read}

    def run_episode(self, max_steps: int | None = None, record_actions: bool = False) -> Episode:
        """Run one episode in closed loop (learning happens through the
        network's own rules and the released dopamine)."""
        net, env = self.net, self.env
        obs, _ = env.reset(seed=self.seed) if not self.episodes else env.reset()
        if hasattr(self.dopamine, "reset"):
            self.dopamine.reset()
        self._counts()   # discard spikes from before the episode
        ep = Episode(0, 0.0, False, False)
        while True:
            net.set_rates(self.input, self.encoder(obs))
            net.run(self.step_ms)
            counts = self._counts()
            action = self.decoder(counts[self.output], self.rng)
            next_obs, reward, terminated, truncated, _ = env.step(action)
            ep.length += 1
            ep.total_reward += float(reward)
            if record_actions:
                ep.actions.append(action)
            if max_steps is not None and ep.length >= max_steps:
                truncated = True
            if self.dopamine is not None and self.modulator is not None:
                amount = self.dopamine(Step(counts, np.asarray(obs), action, float(reward),
                                            np.asarray(next_obs), bool(terminated), bool(truncated)))
                for name, value in (amount.items() if isinstance(amount, dict) else ((self.modulator, amount),)):
                    if value != 0.0:
                        net.release(name, float(value))
            obs = next_obs
            if terminated or truncated:
                ep.terminated, ep.truncated = bool(terminated), bool(truncated and not terminated)
                ep.final_obs = np.asarray(obs, float)
                break
        if self.inter_episode_ms > 0:
            net.set_rates(self.input, 0.0)
            net.run(self.inter_episode_ms)
        self.episodes.append(ep)
        return ep

    def run(self, episodes: int, max_steps: int | None = None, callback=None) -> np.ndarray:
        """Run ``episodes`` episodes; returns their lengths. ``callback(loop, episode)``
        is called after each."""
        lengths = []
        for _ in range(int(episodes)):
            ep = self.run_episode(max_steps)
            lengths.append(ep.length)
            if callback is not None:
                callback(self, ep)
        return np.array(lengths)


def random_policy_lengths(env, episodes: int, seed: int = 0) -> np.ndarray:
    """Episode lengths of the uniformly random policy, with the environment
    seeded as :class:`GymLoop` seeds it (``reset(seed=seed)`` first)."""
    env = make_env(env) if isinstance(env, str) else env
    _, n_actions = check_spaces(env)
    rng = np.random.default_rng([int(seed), 5])
    out = []
    for k in range(int(episodes)):
        env.reset(seed=int(seed)) if k == 0 else env.reset()
        n, done = 0, False
        while not done:
            _, _, term, trunc, _ = env.step(int(rng.integers(n_actions)))
            n += 1
            done = term or trunc
        out.append(n)
    return np.array(out)
