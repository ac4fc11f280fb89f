"""``continual-digits``: class-incremental learning of five two-class tasks without stored
data (growing spiking network) vs sequential fine-tuning, EWC, SI, replay and joint training.

Protocol (van de Ven & Tolias's split-MNIST class-incremental scenario, on
scikit-learn's digits, or on MNIST with ``--set dataset=mnist data_dir=DIR``;
compare/_continual_data.py): the training images (digits: the rewiring-budget
split, ``n_train`` / ``n_test``; MNIST: the first ``n_train`` / ``n_test`` of
each file) are split into five tasks of ``classes_per_task`` = 2
classes, (0, 1), (2, 3), ..., (8, 9), learned one after another. No contender is
told the task at test time: every test image is classified among all ten classes.
Metrics after the last task: ``accuracy`` = the mean over tasks of the test
accuracy on that task's classes (van de Ven & Tolias's average accuracy),
``old_accuracy`` (mean over the first four tasks), ``last_task_accuracy``;
``stored_examples`` (training examples kept in a buffer: replay only);
``neurons`` (spiking: hidden neurons at the end); and the standard ``cost``,
``examples``, ``labelled_examples``, ``connections``. Learning curve (MLPs): the
average accuracy over the tasks seen so far, after each task.

Contenders:

* ``spiking`` (compare/_continual_net.py): a growing competitive LIF network --
  lateral inhibition, adaptive thresholds, and neurogenesis when a training image is
  new for its class, the new neuron's input weights imprinted from that one image
  (one-shot Hebbian). No stored data, no task identity; the labels of the training
  images assign neurons to classes and gate recruitment. One pass over the data.
* MLP inputs (64 or 784) -> ``mlp_hidden`` -> ``mlp_hidden`` -> 10 (tanh), Adam, ``iterations``
  minibatches of ``batch`` per task (baselines/continual.py): ``sequential``
  (fine-tuning), ``ewc`` (lambda = ``ewc_lambda``), ``si`` (c = ``si_c``), ``replay``
  (``buffer_per_class`` stored examples per class of each finished task: uses
  stored data) and ``joint`` (all classes at once: the upper bound).

EWC's lambda and SI's c are the best of a grid (lambda 1e2..1e7, c 0.1..1e3) on
seed 0 scored on the test images (docs/continual.md): an optimistic choice for the
baselines, so a pessimistic one for the spiking network.

Published anchors (split MNIST, class-incremental, 2 x 400 MLP, 20 seeds; van de
Ven & Tolias 2019, Table 3): none 19.90 %, EWC 19.90 %, SI 20.04 %, generative
replay (DGR) 91.24 %, offline 97.93 %; no-stored-data methods (van de Ven, Li &
Tolias 2021, Table 2): SLDA 87.30 %, generative classifier 93.79 %.

MNIST at the published scale (docs/continual.md)::

    --set dataset=mnist data_dir=DIR n_train=60000 n_test=10000 mlp_hidden=400 iterations=2000 batch=128

(van de Ven & Tolias's 2 x 400 MLP, 2000 minibatches of 128 per task, Adam 1e-3);
the spiking network keeps every parameter (the input-size rule in
compare/_continual_net.py). EWC's lambda and SI's c stay those tuned on digits.

Pre-registered targets (fixed with the design, before the first full run): on
digits the spiking network's average accuracy is >= 0.70 (MNIST: >= 0.60, checked
by hand in docs/continual.md), sequential fine-tuning forgets (<= 0.25) and joint training is >= 0.90. The
issue's ">= 30 points above sequential, EWC and SI" is a difference between
contenders; docs/continual.md reports it from the means.

References: van de Ven GM, Tolias AS (2019) arXiv:1904.07734; van de Ven GM, Li Z,
Tolias AS (2021) CVPR workshops; Kirkpatrick J et al. (2017) PNAS 114:3521; Zenke F,
Poole B, Ganguli S (2017) ICML; Diehl PU, Cook M (2015) Front Comput Neurosci 9:99.
"""
from __future__ import annotations

import numpy as np

from ..experiments.base import Target
from ..experiments.parameters import Param, defaults_of
from . import _continual_net as net_
from ._continual_data import DATASETS, images, mnist_check
from .base import CONNECTIONS, COST, EXAMPLES, JAX, LABELLED, Contender, Outcome, Task
from .registry import register_task

__all__ = ["TASK", "PARAMETERS"]

PARAMETERS = dict(
    net_.PARAMETERS,
    dataset=Param("digits", "images: scikit-learn's 8 x 8 digits or MNIST (28 x 28)", choices=DATASETS),
    data_dir=Param("", "MNIST: directory of the IDX files (empty: $NEUROPLASTIC_MNIST)"),
    n_train=Param(1000, "training images (digits: n_train + n_test <= 1797; MNIST: the first n_train)", ge=10),
    n_test=Param(797, "test images (MNIST: the first n_test)", ge=10),
    split_seed=Param(0, "digits: seed of the shuffle that splits the digits into training and test", ge=0),
    classes_per_task=Param(2, "classes per task (consecutive classes; the last task may be smaller)", ge=1, le=5),
    seeds=Param(tuple(range(5)), "seeds; every contender runs each", ge=0),
    mlp_hidden=Param(100, "MLP: units in each of the two hidden layers", ge=2),
    optimizer=Param("adam", "MLP optimizer", choices=("adam", "sgd")),
    mlp_lr=Param(1e-3, "MLP learning rate", gt=0),
    iterations=Param(150, "MLP: minibatches per task", ge=1),
    batch=Param(32, "MLP minibatch size", ge=2),
    ewc_lambda=Param(1e5, "EWC penalty strength lambda", ge=0),
    si_c=Param(1e3, "SI penalty strength c", ge=0),
    si_xi=Param(0.1, "SI damping xi", gt=0),
    buffer_per_class=Param(10, "replay: stored training examples per class of each finished task", ge=1),
)
DEFAULTS = defaults_of(PARAMETERS)
REDUCED = dict(n_train=400, n_test=300, seeds=(0,), iterations=60, mlp_hidden=32)


def _tasks(c):
    from ..baselines.continual import split_tasks

    return split_tasks(int(c["classes_per_task"]))


def _per_task(pred, y, tasks) -> np.ndarray:
    """Accuracy on the test images of each task's classes."""
    return np.array([np.mean(pred[np.isin(y, t)] == y[np.isin(y, t)]) for t in tasks])


def _summary(acc) -> dict:
    return {"accuracy": float(np.mean(acc)), "old_accuracy": float(np.mean(acc[:-1])),
            "last_task_accuracy": float(acc[-1])}


def _spiking(c: dict, seed: int) -> Outcome:
    x_tr, y_tr, x_te, y_te, full = data = images(c)
    tasks = _tasks(c)
    grow = net_.GrowingNetwork(c, seed, data.n_inputs, full)
    rng = np.random.default_rng([seed, 18])
    for task in tasks:
        mine = rng.permutation(np.flatnonzero(np.isin(y_tr, task)))
        grow.learn(x_tr[mine], y_tr[mine])
    grow.meter.update()
    pred = grow.predict(x_te)
    metrics = _summary(_per_task(pred, y_te, tasks))
    metrics.update({"stored_examples": 0.0, "neurons": float(grow.size), "recruited": float(grow.recruited),
                    COST: grow.meter.total, EXAMPLES: len(x_tr), LABELLED: len(x_tr),
                    CONNECTIONS: grow.connections})
    return Outcome(metrics)


def _mlp(method: str):
    def run(c: dict, seed: int) -> Outcome:
        from ..baselines.continual import train_tasks

        x_tr, y_tr, x_te, y_te, full = data = images(c)
        h, n_in = int(c["mlp_hidden"]), data.n_inputs
        strength = {"ewc": c["ewc_lambda"], "si": c["si_c"]}.get(method, 0.0)
        fit = train_tasks(x_tr / full, y_tr, _tasks(c), (n_in, h, h, 10), method, float(strength),
                          c["optimizer"], c["mlp_lr"], int(c["iterations"]), int(c["batch"]), seed,
                          (x_te / full, y_te), int(c["buffer_per_class"]), float(c["si_xi"]))
        metrics = _summary(fit.accuracy[-1])
        metrics.update({"stored_examples": float(fit.stored), "neurons": float(2 * h + 10), COST: fit.macs,
                        EXAMPLES: fit.examples, LABELLED: fit.examples, CONNECTIONS: n_in * h + h * h + h * 10})
        n = len(fit.accuracy)
        seen = np.array([fit.accuracy[k, :k + 1].mean() for k in range(n)])
        return Outcome(metrics, curve=(np.arange(1, n + 1, dtype=float), seen))
    return run


_MLP = "MLP inputs-100-100-10 (tanh), Adam, 150 minibatches of 32 per task (defaults)"
CONTENDERS = (
    Contender("spiking", "plastic", "growing LIF layer: lateral inhibition, adaptive thresholds, neurogenesis on "
              "novelty with one-shot Hebbian imprint; no stored data, no task identity", _spiking,
              "synaptic events + periodic updates + imprints"),
    Contender("sequential", "gradient", f"{_MLP}: fine-tuning on each task in turn", _mlp("sequential"),
              "multiply-accumulates", needs=JAX),
    Contender("ewc", "gradient", f"{_MLP}: elastic weight consolidation (Kirkpatrick et al. 2017)", _mlp("ewc"),
              "multiply-accumulates", needs=JAX),
    Contender("si", "gradient", f"{_MLP}: synaptic intelligence (Zenke et al. 2017)", _mlp("si"),
              "multiply-accumulates", needs=JAX),
    Contender("replay", "gradient", f"{_MLP}: experience replay from a stored buffer (10 per class)",
              _mlp("replay"), "multiply-accumulates", needs=JAX),
    Contender("joint", "gradient", f"{_MLP}: all classes at once (upper bound)", _mlp("joint"),
              "multiply-accumulates", needs=JAX),
)

TASK = register_task(Task(
    name="continual-digits",
    summary="digits (or MNIST), 5 class-incremental tasks: growing spiking network (no stored data) vs sequential "
            "fine-tuning, EWC, SI, replay and joint training (MLPs)",
    contenders=CONTENDERS, defaults=DEFAULTS, parameters=PARAMETERS, reduced=REDUCED,
    needs_data=mnist_check("continual-digits"),
    headline=("accuracy", "old_accuracy", "last_task_accuracy", "stored_examples"),
    curve_x="tasks learned", curve_y="average accuracy over the tasks seen",
    targets=(
        Target("spiking.accuracy", 0.70, None, "pre-registered: the spiking network's average accuracy after the "
               "last task >= 0.70 on digits", scales=("full",)),
        Target("spiking.stored_examples", 0, 0, "the spiking network stores no example"),
        Target("sequential.accuracy", None, 0.25, "sequential fine-tuning forgets (published 19.9 %)",
               scales=("full",)),
        Target("joint.accuracy", 0.90, None, "joint training (upper bound) >= 0.90", scales=("full",)),
    ),
    reference="van de Ven GM, Tolias AS (2019) arXiv:1904.07734; Kirkpatrick J et al. (2017) PNAS 114:3521; "
              "Zenke F, Poole B, Ganguli S (2017) ICML; Diehl PU, Cook M (2015) Front Comput Neurosci 9:99",
))
