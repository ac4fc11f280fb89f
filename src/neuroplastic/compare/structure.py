"""``structure``: learning with a fixed connection budget -- local pruning and regrowth vs
neuroevolution of topology vs gradient descent, on scikit-learn's digits.

The setting of the ``rewiring-budget`` experiment (its network, data split and
parameters, all shared): 64 pixel inputs, 30 hidden LIF neurons with k = 2
input synapses each (a budget of 60), a logistic readout of the 30 hidden spike
counts (300 weights), i.e. **360 learned connections**. Every contender gets
the same budget of learned connections (``budget`` metric = 60 + 30 x 10):

* ``spiking-rewired`` (ours): STDP + normalisation + adaptive thresholds +
  lateral inhibition, and ``PruneAndRegrow`` moves synapses whose pixel stayed
  silent to random free pairs -- local pruning and regrowth; then the readout
  (supervised) on the hidden spike counts. Identical to rewiring-budget's
  "rewired" network seed for seed;
* ``spiking-static``: the same without pruning and regrowth;
* ``neat``: NEAT (neat-python) evolves topology and weights from 64 inputs to
  10 outputs, penalised above the budget (baselines/neuroevolution.py);
* ``mlp-dense``: a dense MLP 64 -> h -> 10 with h = round(budget / 74) (370
  connections), trained by gradient descent (``optimizer``, default Adam);
* ``mlp-sparse``: the contenders' own layout trained by gradient descent:
  64 -> 30 -> 10 with 2 random inputs per hidden unit, drawn once and kept
  (a statically sparse MLP, 360 connections);
* ``perceptron``: Rosenblatt's rule, one unit per class, 36 random pixels per
  unit (360 connections).

Metrics per contender: ``accuracy`` (held-out), ``connections`` (learned
connections at the end), ``cost`` (training work: synaptic events + the
readout's multiply-accumulates for the spiking networks; multiply-accumulates
for the others, all evaluations for NEAT), ``network_evaluations`` (NEAT),
``inference_cost`` (per test image: synaptic events + readout MACs, or MACs),
``examples`` (training presentations: images shown for the spiking networks,
examples x epochs, genomes x examples for NEAT), ``labelled_examples``.
The spiking networks' learning curve is evaluated at ``curve_points``
intermediate checkpoints on ``curve_eval`` training and test images.
"""
from __future__ import annotations

import numpy as np

from ..experiments import rewiring_budget as rb
from ..experiments.base import Target
from ..experiments.parameters import Param, defaults_of
from .base import CONNECTIONS, COST, EXAMPLES, JAX, LABELLED, Contender, Outcome, Task
from .cost import SynapticEvents
from ._digits import digits, fit_readout, mlp_outcome, perceptron_outcome
from .registry import register_task

_RB = {k: p for k, p in rb.PARAMETERS.items() if k not in ("seeds", "record_every")}
PARAMETERS = dict(
    _RB,
    seeds=Param(tuple(range(10)), "seeds; every contender runs each", ge=0),
    curve_points=Param(2, "intermediate checkpoints of the spiking networks' learning curve", ge=0),
    curve_eval=Param(300, "training and test images scored at an intermediate checkpoint", ge=10),
    optimizer=Param("adam", "gradient-descent optimizer of the MLPs", choices=("adam", "sgd")),
    mlp_lr=Param(0.01, "MLP learning rate", gt=0),
    mlp_epochs=Param(30, "MLP passes over the training images", ge=1),
    mlp_batch=Param(50, "MLP minibatch size", ge=1),
    perceptron_epochs=Param(10, "perceptron passes over the training images", ge=1),
    neat_generations=Param(150, "NEAT generations", ge=1),
    neat_population=Param(100, "NEAT population size", ge=2),
    neat_initial=Param(0.3, "NEAT: fraction of the direct input-output connections at the start", gt=0, le=1),
)
DEFAULTS = defaults_of(PARAMETERS)
REDUCED = dict(n_train=300, n_test=200, seeds=(0,), curve_points=1, curve_eval=100, mlp_epochs=15, mlp_batch=20,
               perceptron_epochs=5, neat_generations=10, neat_population=30)


def budget(c: dict) -> int:
    """Learned connections of the spiking contenders: input synapses + readout weights."""
    n_h = int(c["n_hidden"])
    return rb.budget_k(c) * n_h + 10 * n_h


# --- spiking contenders -------------------------------------------------------------

def _checkpoints(total: int, points: int) -> list:
    return sorted({int(round(total * (k + 1) / (points + 1))) for k in range(points)} - {0, total}) + [total]


def _frozen_features(c, seed, net, images_train, images_test):
    """Hidden counts of a frozen copy (rewiring-budget's feature pass), and its events
    for the training and the test images."""
    from .. import Network

    pre, post = net.synapses("input")
    frozen = Network(rb.build_frozen(c, pre, post, net.weights("input")), seed=seed + 1)
    frozen.state("hidden", "theta")[...] = np.array(net.state("hidden", "theta"), copy=True)
    meter = SynapticEvents(frozen)
    f_train = rb.present(frozen, images_train, c)
    meter.update()
    train_events = meter.total
    f_test = rb.present(frozen, images_test, c)
    meter.update()
    return f_train, f_test, train_events, meter.total - train_events


def _spiking(rewire: bool):
    def run(c: dict, seed: int) -> Outcome:
        from .. import Network

        x_tr, y_tr, x_te, y_te = digits(c)
        stream = np.concatenate([x_tr] * int(c["epochs"]))
        net = Network(rb.build(c, rewire), seed=seed)
        meter = SynapticEvents(net)
        n_eval = min(int(c["curve_eval"]), len(x_tr), len(x_te))
        curve_x, curve_y, done = [], [], 0
        for stop in _checkpoints(len(stream), int(c["curve_points"])):
            rb.present(net, stream[done:stop], c, record=lambda i: meter.update())
            done = stop
            if stop < len(stream):
                f_tr, f_te, _, _ = _frozen_features(c, seed, net, x_tr[:n_eval], x_te[:n_eval])
                clf, _ = fit_readout(f_tr, y_tr[:n_eval], c["readout_c"])
                curve_x.append(stop)
                curve_y.append(float(clf.score(np.asarray(f_te, float), y_te[:n_eval])))
        learn_events = meter.total
        f_tr, f_te, train_events, test_events = _frozen_features(c, seed, net, x_tr, x_te)
        clf, readout_macs = fit_readout(f_tr, y_tr, c["readout_c"])
        accuracy = float(clf.score(np.asarray(f_te, float), y_te))
        curve_x.append(len(stream) + len(x_tr))
        curve_y.append(accuracy)
        n_h = int(c["n_hidden"])
        return Outcome({"accuracy": accuracy, CONNECTIONS: len(net.synapses("input")[0]) + 10 * n_h,
                        COST: learn_events + train_events + readout_macs, "synaptic_events": learn_events
                        + train_events, "readout_macs": readout_macs,
                        "inference_cost": test_events / len(x_te) + 10 * n_h,
                        EXAMPLES: len(stream) + len(x_tr), LABELLED: len(x_tr)},
                       curve=(np.array(curve_x, float), np.array(curve_y)))
    return run


# --- artificial contenders ----------------------------------------------------------

def _neat(c: dict, seed: int) -> Outcome:
    from ..baselines.neuroevolution import evolve

    x_tr, y_tr, x_te, y_te = digits(c)
    fit = evolve(x_tr / 16, y_tr, x_te / 16, y_te, generations=int(c["neat_generations"]),
                 pop_size=int(c["neat_population"]), budget=budget(c), seed=seed,
                 initial_fraction=float(c["neat_initial"]))
    return Outcome({"accuracy": fit.accuracy, CONNECTIONS: fit.connections, COST: fit.macs,
                    "network_evaluations": fit.evaluations, "hidden_nodes": fit.hidden,
                    "inference_cost": fit.connections, EXAMPLES: fit.evaluations, LABELLED: len(x_tr)},
                   curve=fit.curve)


def _mlp_dense(c: dict, seed: int) -> Outcome:
    hidden = max(1, int(round(budget(c) / (64 + 10))))
    return mlp_outcome(c, seed, (64, hidden, 10))


def _mlp_sparse(c: dict, seed: int) -> Outcome:
    from ..baselines.mlp import sparse_masks

    sizes = (64, int(c["n_hidden"]), 10)
    return mlp_outcome(c, seed, sizes, sparse_masks(sizes, (rb.budget_k(c), None), seed))


def _perceptron(c: dict, seed: int) -> Outcome:
    return perceptron_outcome(c, seed, budget=budget(c))


CONTENDERS = (
    Contender("spiking-rewired", "plastic", "30 LIF x 2 input synapses, STDP + normalisation + adaptive "
              "threshold + inhibition, PruneAndRegrow (silent synapses move); logistic readout",
              _spiking(True), "synaptic events + readout MACs"),
    Contender("spiking-static", "plastic", "the same network, synapses fixed where drawn",
              _spiking(False), "synaptic events + readout MACs"),
    Contender("neat", "evolution", "NEAT (neat-python) from 64 inputs to 10 tanh outputs, penalised above the "
              "budget", _neat, "multiply-accumulates of all network evaluations", needs=("neat",)),
    Contender("mlp-dense", "gradient", "dense MLP 64 -> 5 -> 10 (tanh), same number of connections",
              _mlp_dense, "multiply-accumulates", needs=JAX),
    Contender("mlp-sparse", "gradient", "MLP 64 -> 30 -> 10 with 2 random inputs per hidden unit, kept",
              _mlp_sparse, "multiply-accumulates", needs=JAX),
    Contender("perceptron", "perceptron", "Rosenblatt's rule, 10 units x 36 random pixels",
              _perceptron, "multiply-accumulates", needs=JAX),
)

TASK = register_task(Task(
    name="structure",
    summary="digits with a budget of 360 learned connections: pruning + regrowth vs NEAT vs dense and sparse "
            "MLPs (gradient descent) vs the perceptron",
    contenders=CONTENDERS, defaults=DEFAULTS, parameters=PARAMETERS, reduced=REDUCED,
    headline=("accuracy", CONNECTIONS, "inference_cost"),
    curve_x="training presentations (NEAT: network evaluations)", curve_y="held-out accuracy",
    targets=(
        Target("spiking-rewired.connections", 360, 360, "the budget is kept exactly (60 synapses + 300 readout)"),
        Target("neat.connections", 0, 360, "NEAT stays within the budget"),
        Target("spiking-rewired.accuracy", 0.6, None, "the spiking network learned (chance 0.1)"),
        Target("mlp-dense.accuracy", 0.7, None, "the dense MLP learned"),
        Target("perceptron.accuracy", 0.7, None, "the perceptron learned"),
        Target("neat.accuracy", 0.2, None, "NEAT is above chance (0.1)"),
    ),
    reference="Bellec G et al. (2018) Deep rewiring, ICLR; Stanley KO, Miikkulainen R (2002) Evol Comput 10:99; "
              "Rosenblatt F (1958) Psychol Rev 65:386",
))
