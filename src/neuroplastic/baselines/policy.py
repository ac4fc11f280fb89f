"""An actor-critic trained by policy gradient (JAX + Optax) for gymnasium tasks with discrete actions.

Two MLPs (:mod:`.mlp`), both with tanh hidden layers: the actor gives action
probabilities pi(a | s) = softmax(z(s)), the critic a value V(s). The agent acts
by sampling from pi for a whole episode s_0, a_0, r_0, ..., s_{T-1}, a_{T-1},
r_{T-1}; then, with the discounted returns G_t = sum_k gamma^k r_{t+k} and the
advantages A_t = G_t - V(s_t) (the critic as a learned baseline, normalised to
zero mean and unit variance over the episode), one gradient step each on::

    actor:   L_pi = -(1/T) sum_t log pi(a_t | s_t) A_t          (A_t held fixed)
    critic:  L_V  =  (1/T) sum_t (G_t - V(s_t))^2

with Adam (``optax.adam``). This is REINFORCE with a learned baseline, the
Monte-Carlo actor-critic of Sutton & Barto (2018, sec. 13.4; Williams 1992).
Episodes are padded to the environment's step limit, so the update compiles once.

Cost (multiply-accumulates): every step costs one forward pass of both networks
(connections of actor + critic) to act; every update costs about 3 forward
passes (forward and backward) per step of the episode.

References: Williams RJ (1992) Mach Learn 8:229. Sutton RS, Barto AG (2018)
Reinforcement Learning: An Introduction, 2nd ed., ch. 13. Kingma & Ba (2015).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ._extra import require_jax
from .mlp import TRAIN_MACS_PER_CONNECTION, forward, init_mlp

__all__ = ["PolicyFit", "train_actor_critic"]


@dataclass
class PolicyFit:
    """Episode lengths and returns of training, the final parameters, the cost.

    Attributes:
        lengths: steps of each episode.
        returns: summed environment reward of each episode.
        actor, critic: [(W, b)] of the two networks.
        connections: weights of actor + critic.
        macs: multiply-accumulates (acting + learning).
    """

    lengths: np.ndarray
    returns: np.ndarray
    actor: list
    critic: list
    connections: int
    macs: float


@lru_cache(maxsize=8)
def _update_fn(lr_actor: float, lr_critic: float, gamma: float):
    jax, jnp, optax = require_jax()
    opt_a, opt_c = optax.adam(lr_actor), optax.adam(lr_critic)

    def returns(rewards, mask):
        def back(g, rm):
            r, m = rm
            g = r + gamma * g * m
            return g, g
        _, g = jax.lax.scan(back, 0.0, (rewards, mask), reverse=True)
        return g

    def losses(actor, critic, obs, actions, rewards, mask):
        n = mask.sum()
        g = returns(rewards * mask, mask)
        v = forward(critic, obs, None, jnp.tanh)[:, 0]
        adv = jax.lax.stop_gradient(g - v)
        mean = (adv * mask).sum() / n
        std = jnp.sqrt((((adv - mean) * mask) ** 2).sum() / n) + 1e-8
        adv = (adv - mean) / std
        logp = jax.nn.log_softmax(forward(actor, obs, None, jnp.tanh))
        logp_a = jnp.take_along_axis(logp, actions[:, None], axis=1)[:, 0]
        return -(logp_a * adv * mask).sum() / n, (((g - v) ** 2) * mask).sum() / n

    def update(actor, critic, sa, sc, obs, actions, rewards, mask):
        ga = jax.grad(lambda a: losses(a, critic, obs, actions, rewards, mask)[0])(actor)
        gc = jax.grad(lambda c: losses(actor, c, obs, actions, rewards, mask)[1])(critic)
        ua, sa = opt_a.update(ga, sa, actor)
        uc, sc = opt_c.update(gc, sc, critic)
        return optax.apply_updates(actor, ua), optax.apply_updates(critic, uc), sa, sc

    return opt_a, opt_c, jax.jit(update)


def train_actor_critic(env, episodes: int, seed: int = 0, hidden=(56, 56), lr_actor: float = 3e-3,
                       lr_critic: float = 3e-3, gamma: float = 0.99) -> PolicyFit:
    """Train on ``env`` (a gymnasium environment with a 1-D Box observation and
    Discrete actions) for ``episodes`` episodes; see module doc. ``seed`` seeds
    the first ``env.reset``, the initial weights and the action sampling."""
    from ..closedloop.gym import check_spaces

    _, jnp, _ = require_jax()
    n_obs, n_act = check_spaces(env)
    limit = int(env.spec.max_episode_steps) if env.spec and env.spec.max_episode_steps else 1000
    actor = [(jnp.asarray(w), jnp.asarray(b)) for w, b in init_mlp((n_obs, *hidden, n_act), seed)]
    critic = [(jnp.asarray(w), jnp.asarray(b)) for w, b in init_mlp((n_obs, *hidden, 1), seed + 1)]
    opt_a, opt_c, update = _update_fn(float(lr_actor), float(lr_critic), float(gamma))
    sa, sc = opt_a.init(actor), opt_c.init(critic)
    n_conn = sum(int(w.size) for net in (actor, critic) for w, _ in net)
    rng = np.random.default_rng([seed, 1992])
    lengths, totals, macs = [], [], 0.0
    for k in range(int(episodes)):
        a_np = [(np.asarray(w), np.asarray(b)) for w, b in actor]
        obs, acts, rews = _episode(env, a_np, rng, seed if k == 0 else None, limit)
        t = len(acts)
        pad = limit - t
        mask = np.r_[np.ones(t, np.float32), np.zeros(pad, np.float32)]
        actor, critic, sa, sc = update(actor, critic, sa, sc, jnp.asarray(np.pad(obs, ((0, pad), (0, 0)))),
                                       jnp.asarray(np.pad(acts, (0, pad))), jnp.asarray(np.pad(rews, (0, pad))),
                                       jnp.asarray(mask))
        lengths.append(t)
        totals.append(float(rews.sum()))
        macs += t * n_conn * (1 + TRAIN_MACS_PER_CONNECTION)
    final = [[(np.asarray(w), np.asarray(b)) for w, b in net] for net in (actor, critic)]
    return PolicyFit(np.array(lengths), np.array(totals), final[0], final[1], n_conn, macs)


def _episode(env, actor, rng, seed, limit):
    """One episode with actions sampled from the actor (NumPy forward pass)."""
    obs, _ = env.reset(seed=seed) if seed is not None else env.reset()
    states, actions, rewards = [], [], []
    for _ in range(limit):
        z = forward(actor, np.asarray(obs, np.float32)[None, :])[0]
        p = np.exp(z - z.max())
        action = int(rng.choice(len(p), p=p / p.sum()))
        states.append(np.asarray(obs, np.float32))
        obs, reward, terminated, truncated, _ = env.step(action)
        actions.append(action)
        rewards.append(float(reward))
        if terminated or truncated:
            break
    return np.array(states), np.array(actions, np.int32), np.array(rewards, np.float32)
