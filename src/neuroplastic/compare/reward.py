"""``reward``: closed-loop CartPole-v1 -- a spiking actor-critic with dopamine vs a
policy-gradient actor-critic (gradient descent) vs the perceptron-era ASE/ACE.

Same environment (gymnasium ``CartPole-v1``, 500-step limit), same number of
episodes, same seeds (each seeds the first ``env.reset`` and the learner):

* ``spiking`` (ours): the ``cartpole`` experiment's agent, unchanged (its
  parameters are this task's): 480 Poisson cells coding the observation,
  2 x 20 actor and 100 critic LIF neurons, 6,720 plastic synapses learning by
  reward-modulated STDP with a dopamine TD error (experiments/cartpole.py);
* ``actor-critic``: two tanh MLPs 4 -> 56 -> 56 -> 2 (actor) and -> 1 (critic),
  6,888 weights -- about the spiking agent's 6,720 synapses -- trained by
  REINFORCE with a learned baseline and Adam (baselines/policy.py), on the
  environment's own reward (+1 per step), gamma 0.99;
* ``ase``: Barto, Sutton & Anderson's (1983) associative search element -- a
  single linear threshold unit -- with its adaptive critic on the 162-box code
  of the state (baselines/ase.py), 324 weights.

Metrics: ``last_mean`` (mean episode length of the last ``window`` episodes),
``first_mean``, ``best_mean`` (best moving mean over ``window`` episodes),
``episodes_to_195`` (the episode at which the moving mean over ``window``
episodes first reaches 195; NaN -- "not reached" -- if never), ``solved``
(1 if the last ``window`` episodes average >= 195), ``total_steps``; and the
standard ones: ``cost`` (spiking: synaptic events + the periodic three-factor
updates, ``synaptic_events`` and ``synapse_updates`` apart; the others:
multiply-accumulates), ``examples`` (episodes), ``labelled_examples`` (0: no
labels), ``connections``. Learning curve: the moving mean over ``window``
episodes. The random policy's mean length is reported with the spiking agent.
"""
from __future__ import annotations

import math

import numpy as np

from ..experiments import cartpole
from ..experiments.base import Target
from ..experiments.parameters import Param, Relation, defaults_of
from .base import CONNECTIONS, COST, EXAMPLES, LABELLED, Contender, Outcome, Task
from .cost import SynapticEvents
from .registry import register_task

SOLVED = cartpole.SOLVED

PARAMETERS = dict(
    cartpole.PARAMETERS,
    seeds=Param((0, 1, 2, 3, 4), "seeds; every contender runs each", ge=0),
    ac_hidden=Param(56, "actor-critic: units in each of the two hidden layers of both networks", ge=1),
    ac_lr=Param(1e-3, "actor-critic: Adam learning rate of both networks", gt=0),
    ac_gamma=Param(0.99, "actor-critic: discount per step", gt=0, le=1),
)
DEFAULTS = defaults_of(PARAMETERS)
REDUCED = dict(episodes=60, window=20, random_episodes=20, eta_actor=0.01, seeds=(0,))
RELATIONS = cartpole.RELATIONS


def episode_metrics(lengths, window: int) -> tuple[dict, tuple]:
    """Metrics of a sequence of episode lengths, and the learning curve (moving mean)."""
    lengths = np.asarray(lengths, float)
    mm = cartpole.moving_mean(lengths, window)
    reach = np.flatnonzero(mm >= SOLVED)
    metrics = {"last_mean": float(lengths[-window:].mean()), "first_mean": float(lengths[:window].mean()),
               "best_mean": float(mm.max()) if mm.size else math.nan,
               "episodes_to_195": float(reach[0] + window) if reach.size else math.nan,
               "solved": float(lengths[-window:].mean() >= SOLVED), "total_steps": float(lengths.sum()),
               EXAMPLES: float(lengths.size), LABELLED: 0.0}
    return metrics, (np.arange(window, lengths.size + 1, dtype=float), mm)


def _spiking(c: dict, seed: int) -> Outcome:
    from ..closedloop.gym import make_env, random_policy_lengths

    t = cartpole.train(c, seed)
    meter = SynapticEvents(t.net, since_start=True)      # connectivity is fixed in this agent
    meter.update()
    metrics, curve = episode_metrics(t.lengths, int(c["window"]))
    rand = random_policy_lengths(make_env(c["env"]), int(c["random_episodes"]), seed=seed)
    n_syn = sum(len(t.net.synapses(p)[0]) for p in t.net.model.projections)
    metrics.update({COST: meter.total, "synaptic_events": meter.events, "synapse_updates": meter.updates,
                    CONNECTIONS: n_syn, "random_mean": float(rand.mean())})
    return Outcome(metrics, curve)


def _actor_critic(c: dict, seed: int) -> Outcome:
    from ..baselines.policy import train_actor_critic
    from ..closedloop.gym import make_env

    h = int(c["ac_hidden"])
    fit = train_actor_critic(make_env(c["env"]), int(c["episodes"]), seed=seed, hidden=(h, h),
                             lr_actor=c["ac_lr"], lr_critic=c["ac_lr"], gamma=c["ac_gamma"])
    metrics, curve = episode_metrics(fit.lengths, int(c["window"]))
    metrics.update({COST: fit.macs, CONNECTIONS: fit.connections})
    return Outcome(metrics, curve)


def _ase(c: dict, seed: int) -> Outcome:
    from ..baselines.ase import train_ase
    from ..closedloop.gym import make_env

    fit = train_ase(make_env(c["env"]), int(c["episodes"]), seed=seed)
    metrics, curve = episode_metrics(fit.lengths, int(c["window"]))
    metrics.update({COST: fit.macs, CONNECTIONS: fit.connections})
    return Outcome(metrics, curve)


CONTENDERS = (
    Contender("spiking", "plastic", "the cartpole experiment's spiking actor-critic: R-STDP with a dopamine TD "
              "error, 140 LIF neurons, 6,720 synapses", _spiking, "synaptic events + periodic synapse updates",
              needs=("gymnasium",)),
    Contender("actor-critic", "gradient", "REINFORCE with a learned baseline, two tanh MLPs 4-56-56-(2|1), "
              "6,888 weights, Adam", _actor_critic, "multiply-accumulates", needs=("gymnasium", "jax", "optax")),
    Contender("ase", "perceptron", "ASE + ACE (Barto, Sutton & Anderson 1983): one threshold unit and one "
              "critic unit on 162 boxes", _ase, "multiply-accumulates", needs=("gymnasium",)),
)

TASK = register_task(Task(
    name="reward",
    summary="CartPole-v1 in closed loop: spiking actor-critic with dopamine vs policy-gradient actor-critic "
            "(gradient descent) vs ASE/ACE (a perceptron with a critic)",
    contenders=CONTENDERS, defaults=DEFAULTS, parameters=PARAMETERS, reduced=REDUCED, relations=RELATIONS,
    headline=("last_mean", "episodes_to_195", "best_mean"),
    curve_x="episode", curve_y="mean episode length over the preceding window of episodes",
    targets=(
        Target("spiking.last_mean", 66.0, None, "spiking: >= 3 x the random policy (about 22), the cartpole "
               "experiment's target", scales=("full",)),
        Target("actor-critic.last_mean", 195.0, None, "actor-critic: CartPole-v1 solved (>= 195)", scales=("full",)),
        Target("ase.last_mean", 195.0, None, "ASE/ACE: CartPole-v1 solved (>= 195)"),
        Target("spiking.last_mean", 25.0, None, "spiking learns within 60 episodes (random policy: about 22)",
               scales=("reduced",)),
        Target("actor-critic.last_mean", 50.0, None, "actor-critic learns within 60 episodes", scales=("reduced",)),
    ),
    reference="Fremaux, Sprekeler & Gerstner 2013, PLoS Comput Biol 9:e1003024; Barto, Sutton & Anderson 1983, "
              "IEEE SMC 13:834; Williams 1992, Mach Learn 8:229",
))
