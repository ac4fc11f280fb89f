"""``lesion``: a trained network loses 30 % of its hidden units -- recovery without labels
(spiking network, homeostatic plasticity) vs recovery by retraining (gradient descent).

Data: scikit-learn's digits, the rewiring-budget split (1000 training, 797 test
images). Both kinds of network have ``n_hidden`` = 100 hidden units and 10 classes.

**Spiking classifier** (compare/_lesion_net.py). Hidden layer: the
rewiring-budget network at 100 LIF neurons x 6 input synapses (``density`` 0.1):
pair STDP, incoming normalisation, adaptive thresholds, lateral inhibition and
structural plasticity (``PruneAndRegrow``: synapses whose pixel stayed silent
move) learn features from the training images without labels. Readout:
``per_class`` = 5 output LIF neurons per class with mutual inhibition
(``w_out_inh``); the hidden -> output weights are set once from the labelled
training images by a rectified covariance (Hebbian) rule, w_jk proportional to
max(0, m_kj - mean_k' m_k'j) with m_kj the mean spike count of hidden neuron j
on class k, each class's weights summing to ``w_out_total``. The answer is the
class whose output neurons fire most while an image is shown (a tie is an error).

Recovery mechanism (homeostatic; decided before the first full run): the
output neurons' incoming weights are under synaptic scaling (van Rossum, Bi &
Turrigiano 2000: every ``scaling_period`` ms each output neuron's weights are
multiplied by 1 + beta (r_target - a) P, ``a`` its rate sensor with time
constant ``scaling_tau``), with the set point r_target = the mean output rate
measured on the training images just after the readout was set. A lesion
removes a different share of each class's input; the deprived outputs fire less
than their set point and scale their remaining synapses up until the classes
are balanced again -- with no label, from the unlabelled images alone. The
hidden thresholds stay adaptive. With ``hidden_plastic`` the hidden layer's
STDP, normalisation and pruning/regrowth also go on after the readout is set
(default off: measured, they move the features away from the fixed readout and
recover less; docs/comparison.md).

Protocol: learn (``n_train`` images, no labels); labelled pass and readout;
``n_settle`` unlabelled images with homeostasis on; test (``accuracy_before``);
``Network.lesion`` removes ``lesion_fraction`` of the hidden neurons with all
their synapses; test (``accuracy_lesioned``); ``n_recover`` unlabelled training
images in a new random order, tested at ``curve_points`` checkpoints; test
(``accuracy_recovered``). Every test runs the test images through a frozen copy
(no plasticity, the same input seed every time) of the network as it is, so
testing never changes it.

**MLPs**: 64 -> ``n_hidden`` -> 10 (``mlp``, the same number of hidden units) and
64 -> ``narrow_hidden`` -> 10 (``mlp-narrow``), tanh, trained by gradient descent
(``optimizer``, default Adam, ``mlp_epochs`` epochs); the same fraction of hidden
units removed (``lesion_masks``); then retrained on labelled training images in
minibatches of ``retrain_batch`` (learning rate ``retrain_lr``), tested after
each, until the accuracy is back within ``recover_within`` of
``accuracy_before`` (at most ``retrain_max`` examples).

Metrics (every contender): ``accuracy_before``, ``accuracy_lesioned``,
``accuracy_recovered`` (spiking: after ``n_recover`` images; MLP: when back
within ``recover_within``, or after ``retrain_max``), ``drop`` = before -
lesioned, ``recovered_gain`` = recovered - lesioned (its interval over seeds is
the paired test of the recovery), ``recovered_fraction`` = recovered_gain / drop
(NaN when the lesion cost nothing; noisy when the drop is small), ``labelled_to_recover`` (labelled examples used after the
lesion: 0 for the spiking network; for an MLP the examples until it was back
within ``recover_within``: 0 if it never left that band, NaN if it never came
back), ``unlabelled_to_recover`` (images shown after the lesion),
``recovery_cost`` (work after the lesion); and the standard ``cost`` (all work:
synaptic events + periodic updates + the readout's additions, or MACs),
``examples``, ``labelled_examples``, ``connections`` (after the lesion).
Learning curve: test accuracy against the examples shown after the lesion
(spiking: unlabelled; MLP: labelled).
"""
from __future__ import annotations

import math

import numpy as np

from ..experiments import rewiring_budget as rb
from ..experiments.base import Target
from ..experiments.parameters import Param, Relation, defaults_of
from . import _lesion_net as net_
from ._digits import digits
from .base import CONNECTIONS, COST, EXAMPLES, JAX, LABELLED, Contender, Outcome, Task
from .cost import SynapticEvents
from .registry import register_task

_RB = {k: p for k, p in rb.PARAMETERS.items()
       if k not in ("seeds", "record_every", "n_hidden", "density", "readout_c", "bg_level")}
PARAMETERS = dict(
    _RB,
    n_hidden=Param(100, "hidden units of both kinds of network", ge=2),
    density=Param(0.1, "spiking: round(density * 64) input synapses per hidden neuron", gt=0, le=1),
    seeds=Param(tuple(range(10)), "seeds; every contender runs each", ge=0),
    lesion_fraction=Param(0.3, "fraction of the hidden units removed", gt=0, lt=1),
    per_class=Param(5, "spiking: output neurons per class", ge=1),
    w_out_total=Param(8000.0, "spiking: summed readout weight onto each output neuron", "pA", gt=0),
    w_out_inh=Param(-200.0, "spiking: inhibition between output neurons (negative)", "pA", le=0),
    scaling_tau=Param(10_000.0, "spiking: time constant of the output neurons' rate sensor", "ms", gt=0),
    scaling_beta=Param(0.01, "spiking: synaptic-scaling gain", "1/(s Hz)", ge=0),
    scaling_period=Param(150.0, "spiking: interval of the synaptic scaling", "ms", gt=0),
    hidden_plastic=Param(False, "spiking: hidden STDP, normalisation, pruning/regrowth go on after the readout"),
    n_settle=Param(500, "spiking: unlabelled images between the readout and the first test", ge=0),
    n_recover=Param(1000, "spiking: unlabelled images after the lesion", ge=1),
    curve_points=Param(3, "spiking: tests during the recovery besides the last", ge=0),
    optimizer=Param("adam", "gradient-descent optimizer of the MLPs", choices=("adam", "sgd")),
    mlp_lr=Param(0.01, "MLP learning rate", gt=0),
    mlp_epochs=Param(30, "MLP passes over the training images", ge=1),
    mlp_batch=Param(50, "MLP minibatch size", ge=1),
    narrow_hidden=Param(30, "hidden units of the narrow MLP", ge=2),
    retrain_lr=Param(0.001, "MLP learning rate when retraining after the lesion", gt=0),
    retrain_batch=Param(10, "MLP minibatch size when retraining (tested after each)", ge=1),
    retrain_max=Param(1000, "most labelled examples an MLP retrains on", ge=1),
    recover_within=Param(0.01, "an MLP has recovered when within this of its accuracy before", ge=0),
)
DEFAULTS = defaults_of(PARAMETERS)
REDUCED = dict(n_train=400, n_test=300, seeds=(0,), n_settle=200, n_recover=500, curve_points=1, mlp_epochs=20,
               retrain_max=400)
RELATIONS = (Relation("narrow_hidden", "<=", "n_hidden"),)


def _fractions(before: float, lesioned: float, recovered: float) -> dict:
    drop = before - lesioned
    return {"accuracy_before": before, "accuracy_lesioned": lesioned, "accuracy_recovered": recovered,
            "drop": drop, "recovered_gain": recovered - lesioned,
            "recovered_fraction": (recovered - lesioned) / drop if drop > 0 else math.nan}


# --- spiking ------------------------------------------------------------------------

def _test(c, clf, seed, x_te, y_te) -> float:
    """Accuracy of a frozen copy of ``clf`` on the test images (same input seed every time)."""
    counts = net_.show(net_.freeze(c, clf, seed + 4), x_te, c, "output")
    return float(np.mean(net_.classify(counts, int(c["per_class"])) == y_te))


def _trained_classifier(c, seed, x_tr, y_tr):
    """Learn without labels, set the readout from labels, calibrate the set point; returns
    (plastic classifier, work so far)."""
    from .. import Network

    n_h, q = int(c["n_hidden"]), int(c["per_class"])
    learner = Network(net_.build_learner(c), seed=seed)
    meter = SynapticEvents(learner)
    net_.show(learner, x_tr, c, "hidden", each=lambda k, counts: meter.update())
    theta = np.array(learner.state("hidden", "theta"), copy=True)
    syn = net_.synapses_of(learner, ("input", "lateral"))
    syn["readout"] = net_.readout_synapses(np.zeros((n_h, net_.N_CLASSES)), q)
    work = meter.total

    def probe(seed_offset, population, images):
        nonlocal work
        p = Network(net_.build_classifier(c, syn, None), seed=seed + seed_offset)
        p.state("hidden", "theta")[...] = theta
        m = SynapticEvents(p)
        counts = net_.show(p, images, c, population)
        m.update()
        work += m.total
        return counts

    w = net_.hebbian_readout(probe(1, "hidden", x_tr), y_tr, n_h, c["w_out_total"])
    work += len(x_tr) * n_h                                 # the readout's additions
    syn["readout"] = net_.readout_synapses(w, q)
    out = probe(2, "output", x_tr)
    rate = float(out.mean() / ((c["t_present"] + c["t_rest"]) * 1e-3))    # Hz, over stimulus + rest
    clf = Network(net_.build_classifier(c, syn, rate), seed=seed + 3)
    clf.state("hidden", "theta")[...] = theta
    clf.rule_state("readout", 0).post.a[:] = rate           # the sensors start at the set point
    return clf, work


def _spiking(c: dict, seed: int) -> Outcome:
    x_tr, y_tr, x_te, y_te = digits(c)
    clf, work = _trained_classifier(c, seed, x_tr, y_tr)
    meter = SynapticEvents(clf)
    each = (lambda k, counts: meter.update()) if c["hidden_plastic"] else None
    rng = np.random.default_rng([seed, 30])
    net_.show(clf, x_tr[rng.integers(0, len(x_tr), int(c["n_settle"]))], c, "output", each)
    meter.update()
    before = _test(c, clf, seed, x_te, y_te)
    clf.lesion(float(c["lesion_fraction"]), population="hidden")
    before_recovery = meter.total
    curve_x, curve_y = [0], [_test(c, clf, seed, x_te, y_te)]
    n_rec, points = int(c["n_recover"]), int(c["curve_points"])
    stops = sorted({int(round(n_rec * (k + 1) / (points + 1))) for k in range(points)} - {0, n_rec}) + [n_rec]
    order = rng.integers(0, len(x_tr), n_rec)
    for start, stop in zip([0] + stops[:-1], stops):
        net_.show(clf, x_tr[order[start:stop]], c, "output", each)
        meter.update()
        curve_x.append(stop)
        curve_y.append(_test(c, clf, seed, x_te, y_te))
    n_conn = sum(len(clf.synapses(p)[0]) for p in ("input", "readout"))
    metrics = _fractions(before, curve_y[0], curve_y[-1])
    metrics.update({"labelled_to_recover": 0.0, "unlabelled_to_recover": float(n_rec),
                    "recovery_cost": meter.total - before_recovery, COST: work + meter.total,
                    EXAMPLES: 3 * len(x_tr) + int(c["n_settle"]) + n_rec, LABELLED: len(x_tr),
                    CONNECTIONS: n_conn})
    return Outcome(metrics, curve=(np.array(curve_x, float), np.array(curve_y)))


# --- MLPs ---------------------------------------------------------------------------

def _mlp(hidden_key: str):
    def run(c: dict, seed: int) -> Outcome:
        from ..baselines.mlp import connections, lesion_masks, mlp_predict, train_mlp

        x_tr, y_tr, x_te, y_te = digits(c)
        x_tr, x_te = x_tr / 16, x_te / 16
        h = int(c[hidden_key])
        sizes = (64, h, 10)
        fit = train_mlp(x_tr, y_tr, sizes, c["optimizer"], c["mlp_lr"], int(c["mlp_epochs"]),
                        min(int(c["mlp_batch"]), len(x_tr)), seed=seed, eval_set=(x_te, y_te))
        before = float(fit.curve[1][-1])
        dead = np.random.default_rng([seed, 30]).choice(h, int(round(float(c["lesion_fraction"]) * h)),
                                                        replace=False)
        masks = lesion_masks(fit.masks, 1, dead)
        batch = min(int(c["retrain_batch"]), len(x_tr))
        epochs = max(1, math.ceil(int(c["retrain_max"]) / len(x_tr)))
        again = train_mlp(x_tr, y_tr, sizes, c["optimizer"], c["retrain_lr"], epochs, batch, seed=seed + 1,
                          masks=masks, params=fit.params, eval_set=(x_te, y_te), chunk=1)
        seen, acc = again.curve
        keep = seen <= int(c["retrain_max"])
        seen, acc = seen[keep], acc[keep]
        back = np.flatnonzero(acc >= before - float(c["recover_within"]))
        k = int(back[0]) if back.size else len(acc) - 1
        n_conn = connections(masks)
        metrics = _fractions(before, float(np.mean(mlp_predict(fit.params, x_te, masks) == y_te)), float(acc[k]))
        metrics.update({"labelled_to_recover": float(seen[k]) if back.size else math.nan,
                        "unlabelled_to_recover": 0.0, "recovery_cost": 3.0 * n_conn * seen[k],
                        COST: fit.macs + 3.0 * n_conn * seen[k], EXAMPLES: fit.examples + seen[k],
                        LABELLED: len(x_tr), CONNECTIONS: n_conn})
        return Outcome(metrics, curve=(seen[:k + 1].astype(float), acc[:k + 1]))
    return run


CONTENDERS = (
    Contender("spiking", "plastic", "100 LIF x 6 input synapses (STDP, normalisation, adaptive thresholds, "
              "pruning/regrowth) -> 10 x 5 output LIF, Hebbian readout; recovery: synaptic scaling, no labels",
              _spiking, "synaptic events + periodic updates + readout additions"),
    Contender("mlp", "gradient", "MLP 64 -> 100 -> 10 (tanh), Adam; recovery: retraining on labelled images",
              _mlp("n_hidden"), "multiply-accumulates", needs=JAX),
    Contender("mlp-narrow", "gradient", "MLP 64 -> 30 -> 10 (tanh), Adam; recovery: retraining on labelled images",
              _mlp("narrow_hidden"), "multiply-accumulates", needs=JAX),
)

TASK = register_task(Task(
    name="lesion",
    summary="digits: 30 % of the hidden units removed -- recovery without labels (spiking, synaptic scaling) "
            "vs retraining with labels (MLPs, gradient descent)",
    contenders=CONTENDERS, defaults=DEFAULTS, parameters=PARAMETERS, reduced=REDUCED, relations=RELATIONS,
    headline=("accuracy_before", "accuracy_lesioned", "accuracy_recovered", "labelled_to_recover"),
    curve_x="examples after the lesion (spiking: unlabelled; MLPs: labelled)", curve_y="test accuracy",
    targets=(
        Target("spiking.drop", 0.03, None, "the lesion costs the spiking network >= 3 points"),
        Target("spiking.recovered_fraction", 0.3, None, "the spiking network wins back >= 30 % of the loss "
               "with no label"),
        Target("spiking.labelled_to_recover", 0, 0, "the spiking network uses no label after the lesion"),
        Target("mlp-narrow.labelled_to_recover", 1, None, "the narrow MLP needs labelled examples to recover"),
    ),
    reference="van Rossum MCW, Bi GQ, Turrigiano GG (2000) J Neurosci 20:8812; Diehl PU, Cook M (2015) Front "
              "Comput Neurosci 9:99; Sejnowski TJ (1977) J Math Biol 4:303",
))
