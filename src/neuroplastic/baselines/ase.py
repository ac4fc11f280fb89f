"""The perceptron-era pole balancer: Barto, Sutton & Anderson's ASE and ACE (1983).

The cart-pole state is decoded into one of 162 "boxes" (a one-hot vector x of
162 inputs): cart position x at +-0.8 and +-2.4 m (3 intervals), cart velocity at
+-0.5 m/s (3), pole angle at 0, +-1, +-6 and +-12 degrees (6), pole angular
velocity at +-50 degrees/s (3). Two single units read x:

* the **associative search element** (ASE) -- a linear threshold unit, a
  perceptron whose teacher is a reinforcement signal -- pushes right
  (y = +1) or left (y = -1)::

      y(t) = sign(w . x(t) + noise),  noise ~ N(0, sigma^2)
      w <- w + alpha rhat(t) e(t),     e <- delta e + (1 - delta) y(t) x(t)

* the **adaptive critic element** (ACE) predicts p(t) = v . x(t) and turns the
  failure signal r (-1 when the pole falls past 12 degrees or the cart leaves
  the track, else 0) into the internal reinforcement (a TD error)::

      rhat(t) = r(t) + gamma p(t) - p(t-1)        (p = 0 after a failure)
      v <- v + beta rhat(t) xbar(t),   xbar <- lambda xbar + (1 - lambda) x(t)

Parameters from the paper: alpha = 1000, beta = 0.5, delta = 0.9, gamma = 0.95,
lambda = 0.8, sigma = 0.01; weights and traces start at 0; traces are cleared
when an episode ends. The failure thresholds are CartPole-v1's own.

Written with NumPy, not JAX: every update is a handful of vector operations on
162 numbers once per environment step, with no gradient to take.

Cost (multiply-accumulates): per step 2 for the two unit outputs (x is one-hot)
and 4 x 162 for the weight and trace updates.

Reference: Barto AG, Sutton RS, Anderson CW (1983) Neuronlike adaptive elements
that can solve difficult learning control problems. IEEE Trans Syst Man Cybern
13:834.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ASEFit", "boxes", "train_ase", "N_BOXES"]

N_BOXES = 162
_DEG = np.pi / 180.0
_X = np.array([-0.8, 0.8])
_V = np.array([-0.5, 0.5])
_THETA = np.array([-6.0, -1.0, 0.0, 1.0, 6.0]) * _DEG
_OMEGA = np.array([-50.0, 50.0]) * _DEG
MACS_PER_STEP = 2 + 4 * N_BOXES


@dataclass
class ASEFit:
    """Episode lengths of training, the final weights, the cost."""

    lengths: np.ndarray
    w: np.ndarray
    v: np.ndarray
    macs: float
    connections: int = 2 * N_BOXES


def boxes(obs) -> int:
    """The box (0..161) of a CartPole observation (x, x_dot, theta, theta_dot)."""
    x, v, th, om = (float(u) for u in obs)
    i = np.searchsorted(_X, x)            # 0..2
    j = np.searchsorted(_V, v)            # 0..2
    k = np.searchsorted(_THETA, th)       # 0..5
    m = np.searchsorted(_OMEGA, om)       # 0..2
    return int(((i * 3 + j) * 6 + k) * 3 + m)


def train_ase(env, episodes: int, seed: int = 0, alpha: float = 1000.0, beta: float = 0.5, delta: float = 0.9,
              gamma: float = 0.95, lam: float = 0.8, sigma: float = 0.01) -> ASEFit:
    """Train ASE + ACE on a CartPole environment for ``episodes`` episodes
    (``seed``: the first ``env.reset`` and the noise); see module doc."""
    rng = np.random.default_rng([seed, 1983])
    w, v = np.zeros(N_BOXES), np.zeros(N_BOXES)
    lengths = []
    for k in range(int(episodes)):
        obs, _ = env.reset(seed=seed) if k == 0 else env.reset()
        e, xbar = np.zeros(N_BOXES), np.zeros(N_BOXES)
        box, p_prev, n = boxes(obs), 0.0, 0
        p_prev = v[box]
        while True:
            y = 1.0 if w[box] + sigma * rng.standard_normal() >= 0 else -1.0
            e *= delta
            e[box] += (1 - delta) * y
            xbar *= lam
            xbar[box] += 1 - lam
            obs, _, terminated, truncated, _ = env.step(1 if y > 0 else 0)
            n += 1
            box = boxes(obs)
            r, p = (-1.0, 0.0) if terminated else (0.0, v[box])
            rhat = r + gamma * p - p_prev
            w += alpha * rhat * e
            v += beta * rhat * xbar
            p_prev = p
            if terminated or truncated:
                break
        lengths.append(n)
    lengths = np.array(lengths)
    return ASEFit(lengths, w, v, float(lengths.sum()) * MACS_PER_STEP)
