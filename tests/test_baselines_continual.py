"""Continual-learning baselines against known answers (class-incremental split digits):
sequential fine-tuning forgets all but the last task, EWC with lambda = 0 is sequential
fine-tuning, joint training is the upper bound, replay keeps a stated buffer, SI and EWC
with a strong penalty keep the first task; nearest class mean on a closed-form case."""
import numpy as np
import pytest

pytest.importorskip("jax")
pytest.importorskip("optax")

from neuroplastic.baselines import continual as cl  # noqa: E402
from neuroplastic.compare._digits import digits  # noqa: E402
from neuroplastic.errors import ValidationError  # noqa: E402

TASKS = cl.split_tasks(2)
KW = dict(sizes=(64, 32, 10), lr=3e-3, iterations=60, batch=32, seed=0)


@pytest.fixture(scope="module")
def data():
    x_tr, y_tr, x_te, y_te = digits(dict(n_train=600, n_test=400, split_seed=0))
    return x_tr / 16, y_tr, x_te / 16, y_te


def _fit(data, method, strength=0.0, **extra):
    x_tr, y_tr, x_te, y_te = data
    return cl.train_tasks(x_tr, y_tr, TASKS, method=method, strength=strength, eval_set=(x_te, y_te), **KW, **extra)


@pytest.fixture(scope="module")
def sequential(data):
    return _fit(data, "sequential")


def test_sequential_fine_tuning_forgets_every_old_class(sequential):
    acc = sequential.accuracy
    assert np.all(np.diag(acc) > 0.85)                       # each task is learned when it is trained
    assert np.all(acc[-1, :-1] < 0.05) and acc[-1, -1] > 0.9   # then only the last two classes are predicted
    assert sequential.average == pytest.approx(acc[-1].mean())
    assert 0.15 < sequential.average < 0.22                   # van de Ven & Tolias: 19.9 % on split MNIST
    assert sequential.examples == 5 * 60 * 32
    assert sequential.macs == pytest.approx(3 * (64 * 32 + 32 * 10) * sequential.examples)


def test_ewc_with_zero_lambda_is_sequential_fine_tuning(data, sequential):
    ewc = _fit(data, "ewc", 0.0)
    for (w, b), (w0, b0) in zip(ewc.params, sequential.params):
        np.testing.assert_allclose(w, w0, atol=1e-6)
        np.testing.assert_allclose(b, b0, atol=1e-6)
    # the Fisher of the first four tasks is paid for: 3 MACs per connection per example
    n_conn = 64 * 32 + 32 * 10
    n_task = sum(np.isin(data[1], t).sum() for t in TASKS)
    assert ewc.macs - sequential.macs == pytest.approx(3 * n_conn * n_task)


def test_strong_penalties_keep_the_first_task(data, sequential):
    ewc, si = _fit(data, "ewc", 1e6), _fit(data, "si", 1e3)
    assert ewc.accuracy[-1, 0] > sequential.accuracy[-1, 0] + 0.3
    assert si.accuracy[-1, 0] > sequential.accuracy[-1, 0] + 0.3


def test_joint_training_is_the_upper_bound(data):
    joint = _fit(data, "joint")
    assert joint.average > 0.9 and joint.examples == 5 * 60 * 32
    assert np.all(joint.accuracy == joint.accuracy[0])       # one model, its row repeated


def test_replay_keeps_a_buffer_and_remembers(data, sequential):
    replay = _fit(data, "replay", buffer_per_class=10)
    assert replay.stored == 10 * 10                          # 10 per class of every finished task
    assert replay.average > sequential.average + 0.4


def test_nearest_class_mean_closed_form():
    f = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0], [12.0, 10.0]])
    model = cl.ncm_fit(f, np.array([3, 3, 7, 7]))
    np.testing.assert_array_equal(model[1], [[1.0, 0.0], [11.0, 10.0]])
    np.testing.assert_array_equal(cl.ncm_predict(model, np.array([[5.9, 5.0], [6.1, 5.0]])), [3, 7])


def test_unknown_method_and_negative_strength_are_refused(data):
    with pytest.raises(ValidationError, match="method"):
        _fit(data, "lwf")
    with pytest.raises(ValidationError, match="strength"):
        _fit(data, "ewc", -1.0)
