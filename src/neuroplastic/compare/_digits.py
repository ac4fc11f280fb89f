"""Shared pieces of the digit tasks (``structure``, ``lesion``): data, readout, baselines.

Data: scikit-learn's bundled 8 x 8 digits, split as the ``rewiring-budget``
experiment splits them (``split_seed``, ``n_train``, ``n_test``); artificial
networks see the pixels scaled to [0, 1] (value / 16).

Readout of spiking features: ``StandardScaler`` + ``LogisticRegression(C)`` on the
hidden spike counts (as ``rewiring-budget``); its fit costs about
3 x iterations x examples x features x classes multiply-accumulates (one
function and gradient evaluation per L-BFGS iteration).
"""
from __future__ import annotations

import numpy as np

from ..experiments import rewiring_budget as rb
from .base import CONNECTIONS, COST, EXAMPLES, LABELLED, Outcome

__all__ = ["digits", "fit_readout", "perceptron_outcome", "mlp_outcome"]


def digits(c: dict):
    """(x_train, y_train, x_test, y_test), pixels 0..16 (the rewiring-budget split)."""
    return rb.digits(c)


def fit_readout(f_train, y_train, c_reg: float):
    """(classifier, multiply-accumulates of its fit)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    clf = make_pipeline(StandardScaler(), LogisticRegression(C=c_reg, max_iter=5000))
    f_train = np.asarray(f_train, float)
    clf.fit(f_train, y_train)
    n_iter = int(np.max(clf[-1].n_iter_))
    macs = 3.0 * n_iter * f_train.shape[0] * f_train.shape[1] * len(clf[-1].classes_)
    return clf, macs


def perceptron_outcome(c: dict, seed: int, budget: int | None = None) -> Outcome:
    """The perceptron on the pixels (one unit per class); with ``budget``, only that many
    connections, drawn at random (the same number into every unit)."""
    from ..baselines.perceptron import fit_perceptron, perceptron_predict

    x_tr, y_tr, x_te, y_te = digits(c)
    mask = None
    if budget is not None:
        rng = np.random.default_rng([seed, 7])
        per_unit = max(1, budget // 10)
        mask = np.zeros((64, 10))
        for j in range(10):
            mask[rng.choice(64, per_unit, replace=False), j] = 1
    epochs = int(c["perceptron_epochs"])
    fit = fit_perceptron(x_tr / 16, y_tr, 10, epochs=epochs, seed=seed, mask=mask, eval_set=(x_te / 16, y_te))
    curve = (np.arange(1, epochs + 1) * len(x_tr), fit.eval_accuracy)
    return Outcome({"accuracy": float(np.mean(perceptron_predict(fit, x_te / 16) == y_te)),
                    CONNECTIONS: fit.connections, COST: fit.macs, EXAMPLES: fit.examples, LABELLED: len(x_tr),
                    "inference_cost": fit.connections}, curve=curve)


def mlp_outcome(c: dict, seed: int, sizes, masks=None) -> Outcome:
    """An MLP of layer ``sizes`` (optionally masked) trained on the pixels."""
    from ..baselines.mlp import connections, train_mlp

    x_tr, y_tr, x_te, y_te = digits(c)
    fit = train_mlp(x_tr / 16, y_tr, sizes, optimizer=c["optimizer"], lr=c["mlp_lr"], epochs=int(c["mlp_epochs"]),
                    batch=min(int(c["mlp_batch"]), len(x_tr)), seed=seed, masks=masks, eval_set=(x_te / 16, y_te))
    n_conn = connections(fit.masks)
    return Outcome({"accuracy": float(fit.curve[1][-1]), CONNECTIONS: n_conn, COST: fit.macs,
                    EXAMPLES: fit.examples, LABELLED: len(x_tr), "inference_cost": n_conn},
                   curve=fit.curve)
