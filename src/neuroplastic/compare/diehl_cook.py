"""``diehl-cook``: unsupervised digit recognition with STDP (Diehl & Cook 2015) beside a
Kohonen map, the perceptron and an MLP.

Task (issue 18): a spiking network learns the digits without labels -- STDP on
the input weights, lateral inhibition, adaptive thresholds (network:
compare/_diehl_network.py, protocol: compare/_diehl_protocol.py) --; labels
are used only after learning, to give each neuron a class (compare/_diehl_labels.py).

Contenders (each sees the same images, pixels in [0, 1], and the same seeds):

* ``spiking`` (ours, unsupervised): ``n_neurons`` excitatory + as many
  inhibitory LIF neurons, Diehl & Cook's parameters; ``epochs`` passes over the
  ``n_train`` training images with plasticity on; then the network is frozen,
  the first ``n_label`` training images (labelled) give each neuron a class
  and the test images are classified by the assigned neurons' spike counts;
* ``som`` (unsupervised): a Kohonen map of ``n_neurons`` units (minisom),
  ``epochs x n_train`` updates, its units labelled the same way on the same
  ``n_label`` images (compare/_diehl_som.py);
* ``perceptron`` (supervised): Rosenblatt's rule, one unit per class, on
  every training image with its label, ``perceptron_epochs`` passes;
* ``mlp`` (supervised): n_inputs -> ``mlp_hidden`` -> 10 (tanh), Adam on the
  cross-entropy of every labelled training image, ``mlp_epochs`` passes.

The supervised contenders use a label for every training example and are
expected to win on accuracy; the point of the comparison is what the
unsupervised learners reach with labels used only to name their units
(``labelled_examples`` says how many labels each used).

Metrics: ``accuracy`` (test images), ``cost`` (spiking: synaptic events of
learning, labelling and testing; others: multiply-accumulates), ``examples``
(training presentations; spiking: repeats at higher rate counted as well),
``labelled_examples``, ``connections`` (learned weights), and for the spiking
network ``spikes_per_example`` (excitatory spikes per test image),
``repeat_fraction`` (share of presentations that were repeats because fewer
than ``min_spikes`` spikes came) and ``s_per_1000`` (wall seconds of learning
per 1,000 training presentations). Learning curve of the spiking network:
Diehl & Cook's running estimate, neurons assigned on each ``running_window``
training examples and scored on the next (training labels read for this
display only).

Scales and targets. Full scale = the paper's MNIST run with 100 neurons (1
epoch of 60,000 images, 10,000 test images; ``--set data_dir=DIR`` or
$NEUROPLASTIC_MNIST; the 400-neuron run is ``--set n_neurons=400 epochs=3``,
target 0.86 (canonical-results §12), checked by hand): ``spiking.accuracy >= 0.80``.
Reduced scale = scikit-learn's 8 x 8 digits (1,000 training, 797 test images,
50 neurons, 3 epochs, seeds 0-4). With 64 instead of 784 inputs, three
parameters are rescaled, chosen on exploratory seed 100 before any run on
seeds 0-4: ``w_total = 34`` (the same input conductance at the start: 78 x
mean MNIST pixel 0.13 / mean digits pixel 0.30), ``w_max = 3`` (so that the
total can sit on the ~20 ink pixels of a digit), ``nu_pre``, ``nu_post`` x 5
(each weight is ~5 x larger), and ``theta_plus = 0.02`` mV. Target fixed before
the first run on seeds 0-4: ``spiking.accuracy >= 0.70`` (mean over seeds).

Measured (docs/unsupervised.md): digits, seeds 0-4: spiking 0.772 [0.743, 0.800]
(target met), SOM 0.907, perceptron 0.899, MLP 0.976. MNIST, 100 neurons, 1 epoch,
seed 0: spiking **0.691, below the published 0.80** (55 % of the 132,587
presentations were repeats: the thresholds climb until the network falls
silent); SOM 0.812, perceptron 0.870, MLP 0.976 (seeds 0-4). MNIST, 400 neurons,
3 epochs, seed 0: spiking **0.884, the published >= 0.86 met** (5 % repeats; 39 min
of CPU time; benchmarks/diehl_cook_mnist.py --checkpoint). Checked and not the
cause (docs/unsupervised.md, benchmarks/diehl_cook_diagnose.py): the conductance
units (a weight of w nS gives the original's PSP), the original's 50 ms spike
block (``spike_block=50``, off by default), inhibition one step earlier, dt.

References: Diehl PU, Cook M (2015) Front Comput Neurosci 9:99. Kohonen T
(1982) Biol Cybern 43:59. Rosenblatt F (1958) Psychol Rev 65:386.
"""
from __future__ import annotations

import numpy as np

from ..errors import MissingData
from ..experiments.base import Target
from ..experiments.parameters import Param, defaults_of
from .base import CONNECTIONS, COST, EXAMPLES, JAX, LABELLED, Contender, Outcome, Task
from .registry import register_task
from ._diehl_labels import assign, classify
from ._diehl_som import images
from ._diehl_spiking import run_spiking

PARAMETERS = dict(
    seeds=Param(tuple(range(5)), "seeds; every contender runs each", ge=0),
    dataset=Param("mnist", "images: MNIST (28 x 28) or scikit-learn's 8 x 8 digits", choices=("mnist", "digits")),
    data_dir=Param("", "directory of the MNIST IDX files (empty: $NEUROPLASTIC_MNIST)"),
    n_train=Param(60000, "training images", ge=1),
    n_test=Param(10000, "test images", ge=1),
    n_label=Param(10000, "training images (the first ones) used to label the neurons after learning", ge=1),
    split_seed=Param(0, "digits only: seed of the shuffle that splits training and test", ge=0),
    epochs=Param(1, "passes over the training images (spiking network and SOM)", ge=1),
    n_neurons=Param(100, "excitatory neurons (as many inhibitory ones); SOM units", ge=1),
    dt=Param(0.5, "time step", "ms", gt=0),
    t_present=Param(350.0, "presentation of one image", "ms", gt=0),
    t_rest=Param(150.0, "silence after each image", "ms", ge=0),
    max_rate=Param(63.75, "input rate of a full pixel (pixel / 8 x intensity 2)", "Hz", gt=0),
    rate_step=Param(31.875, "rate added to a full pixel when an image is shown again (intensity + 1)", "Hz", ge=0),
    min_spikes=Param(5, "an image is shown again, brighter, until the network fires this many spikes", ge=0),
    max_tries=Param(10, "presentations of one image at most", ge=1),
    w_total=Param(78.0, "summed input weight per excitatory neuron (normalisation)", "nS", gt=0),
    w_max=Param(1.0, "upper bound of an input weight", "nS", gt=0),
    stdp=Param("diehl-cook", "the rule: Diehl & Cook's written for speed, or TripletSTDP with the same "
               "parameters (the same weights to 1e-12 nS, slower)", choices=("diehl-cook", "triplet")),
    nu_pre=Param(1e-4, "depression per presynaptic spike x post trace", "nS", ge=0),
    nu_post=Param(1e-2, "potentiation per postsynaptic spike x pre trace x slow post trace", "nS", ge=0),
    tau_pre=Param(20.0, "presynaptic trace", "ms", gt=0),
    tau_post1=Param(20.0, "fast postsynaptic trace (depression)", "ms", gt=0),
    tau_post2=Param(40.0, "slow postsynaptic trace (potentiation)", "ms", gt=0),
    theta_plus=Param(0.05, "adaptive-threshold increase per spike", "mV", ge=0),
    theta_tau=Param(1e7, "adaptive-threshold decay", "ms", gt=0),
    theta0=Param(20.0, "initial theta (the threshold starts at -52 mV)", "mV", ge=0),
    t_ref_exc=Param(5.0, "refractory period of the excitatory neurons (membrane held at reset)", "ms", ge=0),
    spike_block=Param(0.0, "excitatory neurons cannot fire for this long after a spike while their membrane "
                      "integrates after t_ref_exc (the original's timer: 50 ms; 0: none)", "ms", ge=0),
    delay_max=Param(10.0, "input delays are uniform in [0, delay_max]", "ms", ge=0),
    w_ei=Param(10.4, "excitatory -> inhibitory partner", "nS", ge=0),
    w_ie=Param(17.0, "inhibitory -> every other excitatory neuron", "nS", ge=0),
    running_window=Param(10000, "examples per window of the running accuracy (learning curve)", ge=1),
    checkpoint_dir=Param("", "spiking: save the learning pass here (one folder per seed) and continue a stopped "
                         "pass from its last save (empty: no saves)"),
    checkpoint_every=Param(5000, "spiking: examples between saves of the learning pass", ge=1),
    som_sigma=Param(1.5, "SOM neighbourhood width at the start", "units", gt=0),
    som_lr=Param(0.5, "SOM learning rate at the start", gt=0),
    perceptron_epochs=Param(5, "perceptron passes over the training images", ge=1),
    mlp_hidden=Param(100, "MLP hidden units", ge=1),
    mlp_epochs=Param(10, "MLP passes over the training images", ge=1),
    mlp_lr=Param(1e-3, "MLP learning rate (Adam)", gt=0),
    mlp_batch=Param(50, "MLP minibatch size", ge=1),
)
DEFAULTS = defaults_of(PARAMETERS)
#: 8 x 8 digits; rescaled parameters explained in the module doc.
REDUCED = dict(dataset="digits", n_train=1000, n_test=797, n_label=1000, epochs=3, n_neurons=50, w_total=34.0,
               w_max=3.0, nu_pre=5e-4, nu_post=5e-2, theta_plus=0.02, running_window=200, mlp_hidden=50,
               mlp_epochs=30, mlp_lr=1e-2, mlp_batch=20)


def _som(c: dict, seed: int) -> Outcome:
    from ._diehl_som import train_som, winners

    x_tr, y_tr, x_te, y_te = images(c)
    n, n_in, iterations = int(c["n_neurons"]), x_tr.shape[1], int(c["epochs"]) * len(x_tr)
    som = train_som(x_tr, n, c["som_sigma"], c["som_lr"], iterations, seed)
    n_label = min(int(c["n_label"]), len(x_tr))
    assignment = assign(winners(som, x_tr[:n_label]), y_tr[:n_label])
    accuracy = float(np.mean(classify(winners(som, x_te), assignment) == y_te))
    return Outcome({"accuracy": accuracy, COST: float(n * n_in * (2 * iterations + n_label + len(x_te))),
                    EXAMPLES: iterations, LABELLED: n_label, CONNECTIONS: n * n_in,
                    "silent_units": int((assignment < 0).sum())})


def _perceptron(c: dict, seed: int) -> Outcome:
    from ..baselines.perceptron import fit_perceptron, perceptron_predict

    x_tr, y_tr, x_te, y_te = images(c)
    epochs = int(c["perceptron_epochs"])
    fit = fit_perceptron(x_tr, y_tr, 10, epochs=epochs, seed=seed, eval_set=(x_te, y_te))
    return Outcome({"accuracy": float(np.mean(perceptron_predict(fit, x_te) == y_te)), COST: fit.macs,
                    EXAMPLES: fit.examples, LABELLED: len(x_tr), CONNECTIONS: fit.connections},
                   curve=(np.arange(1, epochs + 1) * len(x_tr), fit.eval_accuracy))


def _mlp(c: dict, seed: int) -> Outcome:
    from ..baselines.mlp import connections, train_mlp

    x_tr, y_tr, x_te, y_te = images(c)
    sizes = (x_tr.shape[1], int(c["mlp_hidden"]), 10)
    fit = train_mlp(x_tr, y_tr, sizes, optimizer="adam", lr=c["mlp_lr"], epochs=int(c["mlp_epochs"]),
                    batch=min(int(c["mlp_batch"]), len(x_tr)), seed=seed, eval_set=(x_te, y_te))
    return Outcome({"accuracy": float(fit.curve[1][-1]), COST: fit.macs, EXAMPLES: fit.examples,
                    LABELLED: len(x_tr), CONNECTIONS: connections(fit.masks)}, curve=fit.curve)


CONTENDERS = (
    Contender("spiking", "plastic", "Diehl & Cook (2015): LIF exc + inh, nearest-spike triplet STDP, weight "
              "normalisation, adaptive thresholds, lateral inhibition; no labels while learning",
              run_spiking, "synaptic events"),
    Contender("som", "self-organizing", "Kohonen self-organizing map (minisom), as many units; no labels while "
              "learning",
              _som, "multiply-accumulates", needs=("minisom",)),
    Contender("perceptron", "perceptron", "Rosenblatt's rule, one unit per class, every training label",
              _perceptron, "multiply-accumulates", needs=JAX),
    Contender("mlp", "gradient", "MLP inputs -> hidden (tanh) -> 10, Adam, every training label",
              _mlp, "multiply-accumulates", needs=JAX),
)

def _needs_mnist(config: dict) -> None:
    """MNIST runs need the four IDX files (MissingData before anything runs)."""
    if config["dataset"] == "mnist":
        from ..datasets import check_mnist
        try:
            check_mnist(config["data_dir"] or None)
        except MissingData as exc:
            raise MissingData("Task 'diehl-cook'", "data_dir", config["data_dir"] or None,
                              "must name a directory with the four MNIST IDX files (--set data_dir=DIR or "
                              "$NEUROPLASTIC_MNIST; 'neuroplastic data mnist DIR' writes them), or run "
                              f"--scale reduced / --set dataset=digits ({exc})") from None


TASK = register_task(Task(
    name="diehl-cook",
    summary="unsupervised digits: STDP + lateral inhibition + adaptive thresholds (Diehl & Cook 2015) vs a "
            "Kohonen map (both labelled after learning) vs the perceptron and an MLP (supervised)",
    contenders=CONTENDERS, defaults=DEFAULTS, parameters=PARAMETERS, reduced=REDUCED, needs_data=_needs_mnist,
    headline=("accuracy", LABELLED), curve_x="training examples", curve_y="accuracy",
    targets=(
        Target("spiking.accuracy", 0.80, None, "100 neurons, 1 epoch of MNIST (Diehl & Cook 2015: 82.9 %)",
               scales=("full",)),
        Target("spiking.accuracy", 0.70, None, "8 x 8 digits, 50 neurons, 3 epochs (fixed before seeds 0-4)",
               scales=("reduced",)),
        Target("perceptron.accuracy", 0.80, None, "the supervised perceptron learned"),
        Target("mlp.accuracy", 0.90, None, "the supervised MLP learned"),
    ),
    reference="Diehl PU, Cook M (2015) Front Comput Neurosci 9:99; Kohonen T (1982) Biol Cybern 43:59; "
              "Rosenblatt F (1958) Psychol Rev 65:386",
))
