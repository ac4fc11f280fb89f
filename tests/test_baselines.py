"""The comparison baselines against known answers: the perceptron convergence theorem and
XOR, an MLP fitting XOR (SGD and Adam), NEAT's evaluation, ASE/ACE's boxes."""
import sys

import numpy as np
import pytest

pytest.importorskip("jax")
pytest.importorskip("optax")

from neuroplastic.baselines import ase, mlp  # noqa: E402
from neuroplastic.baselines.perceptron import fit_perceptron, perceptron_predict  # noqa: E402
from neuroplastic.errors import MissingExtra  # noqa: E402

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
XOR_Y = np.array([0, 1, 1, 0])


def test_perceptron_converges_within_novikoffs_bound():
    # 60 points in 4-D separated by a known unit vector u with margin >= 0.1 (bias input included)
    rng = np.random.default_rng(3)
    u = np.array([0.5, -0.5, 0.5, 0.3, 0.1])
    u /= np.linalg.norm(u)
    x = rng.uniform(-1, 1, (400, 4))
    margin = (np.c_[x, np.ones(len(x))] @ u)
    keep = np.abs(margin) >= 0.1
    x, y = x[keep][:60], (margin[keep][:60] > 0).astype(int)
    fit = fit_perceptron(x, y, epochs=60, seed=1)
    r2 = np.max(np.sum(np.c_[x, np.ones(len(x))] ** 2, axis=1))
    gamma = np.min(np.abs(np.c_[x, np.ones(len(x))] @ u))
    assert fit.mistakes[-1] == 0 and fit.train_accuracy[-1] == 1.0
    assert fit.mistakes.sum() <= r2 / gamma ** 2                       # Novikoff 1962
    assert np.all(perceptron_predict(fit, x) == y)


def test_perceptron_never_exceeds_three_of_four_on_xor():
    fit = fit_perceptron(XOR_X, XOR_Y, epochs=40, seed=0)
    assert fit.train_accuracy.max() <= 0.75
    assert np.all(fit.mistakes >= 1)                                    # it never stops erring
    # Rosenblatt's rule from w = 0: a tie counts as an error, so the first example always updates
    assert fit.macs == pytest.approx(40 * 4 * 2 + fit.mistakes.sum() * 2)


def test_perceptron_mask_keeps_a_budget():
    rng = np.random.default_rng(0)
    x, y = rng.uniform(0, 1, (50, 6)), rng.integers(0, 3, 50)
    mask = np.zeros((6, 3))
    mask[:2] = 1
    fit = fit_perceptron(x, y, 3, epochs=3, mask=mask)
    assert fit.connections == 6 and np.all(fit.w[2:] == 0)


@pytest.mark.parametrize("optimizer, lr, epochs", [("adam", 0.05, 300), ("sgd", 1.0, 600)])
def test_mlp_fits_xor_exactly(optimizer, lr, epochs):
    fit = mlp.train_mlp(XOR_X, XOR_Y, (2, 4, 2), optimizer, lr, epochs=epochs, batch=4, seed=0, chunk=50)
    assert np.all(mlp.mlp_predict(fit.params, XOR_X) == XOR_Y)
    assert len(fit.loss) == epochs // 50                  # one mean loss per chunk of 50 epochs
    assert fit.loss[-1] < 0.01 < fit.loss[0]              # the last chunk's mean: fitted
    assert fit.examples == 4 * epochs
    assert fit.macs == pytest.approx(3 * (2 * 4 + 4 * 2) * 4 * epochs)


def test_masks_stay_and_lesions_cut_units():
    sizes = (6, 5, 3)
    masks = mlp.sparse_masks(sizes, (2, None), seed=1)
    assert np.all(masks[0].sum(axis=0) == 2) and masks[1].sum() == 15
    x, y = np.random.default_rng(0).uniform(0, 1, (20, 6)), np.arange(20) % 3
    fit = mlp.train_mlp(x, y, sizes, "adam", 0.05, epochs=5, batch=10, masks=masks)
    assert np.all(fit.params[0][0][masks[0] == 0] == 0) and fit.connections == 10 + 15
    cut = mlp.lesion_masks(masks, 1, [0, 3])
    assert cut[0][:, [0, 3]].sum() == 0 and cut[1][[0, 3]].sum() == 0
    assert mlp.connections(cut) == mlp.connections(masks) - masks[0][:, [0, 3]].sum() - 6


def test_neat_evaluation_equals_neat_python_and_respects_the_budget():
    neat = pytest.importorskip("neat")
    from neuroplastic.baselines.neuroevolution import evolve, genome_outputs

    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 5, float)
    y = (x[:, 0] + x[:, 1] > 0).astype(int)                          # OR: linearly separable
    fit = evolve(x, y, x, y, generations=15, pop_size=30, budget=4, seed=2, initial_fraction=1.0)
    net = neat.nn.FeedForwardNetwork.create(fit.genome, fit.config)
    ref = np.array([net.activate(row) for row in x[:4]])
    np.testing.assert_allclose(genome_outputs(fit.genome, fit.config, x[:4]), ref, atol=1e-12)
    assert fit.train_accuracy == 1.0 and fit.connections <= 4
    assert fit.evaluations == 15 * 30 * len(x) and len(fit.curve[0]) == 15


def test_ase_boxes_and_learning():
    deg = np.pi / 180
    assert ase.boxes([0.0, 0.0, 0.0, 0.0]) == ((1 * 3 + 1) * 6 + 2) * 3 + 1
    assert ase.boxes([-2.0, -1.0, -7 * deg, -1.0]) == 0
    assert ase.boxes([2.0, 1.0, 7 * deg, 1.0]) == 161
    from neuroplastic.closedloop.gym import make_env

    fit = ase.train_ase(make_env("CartPole-v1"), 60, seed=0)
    assert fit.lengths[-20:].mean() >= 195                              # BSA 1983: balances within ~100 trials
    assert fit.macs == fit.lengths.sum() * ase.MACS_PER_STEP


def test_missing_jax_names_the_extra(monkeypatch):
    from neuroplastic.baselines._extra import require_jax, require_neat

    monkeypatch.setitem(sys.modules, "jax", None)
    with pytest.raises(MissingExtra, match=r"neuroplastic\[compare\]"):
        require_jax()
    monkeypatch.setitem(sys.modules, "neat", None)
    with pytest.raises(MissingExtra, match="neat-python"):
        require_neat()
