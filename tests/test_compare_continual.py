"""continual-digits and few-shot-digits: the growing spiking network's parts against closed
forms (the vote, the one-shot imprint, recruitment on class novelty) and a tiny
class-incremental run that keeps its first task with no stored example."""
import numpy as np
import pytest

from neuroplastic.compare import _continual_net as net_
from neuroplastic.compare import get_task
from neuroplastic.compare._digits import digits

TINY = dict(n_train=150, n_test=120, seeds=(0,))


@pytest.fixture(scope="module")
def config():
    return get_task("continual-digits").resolve(TINY, scale="reduced")


def test_vote_is_the_mean_count_of_each_class_and_silence_is_an_error():
    labels = np.array([0, 0, 3, -1])
    counts = np.array([[4, 0, 3, 9],        # class 0: mean 2, class 3: 3 -> 3 (the unassigned neuron is ignored)
                       [4, 4, 3, 0],        # class 0: 4 -> 0
                       [0, 0, 0, 5]])       # no assigned neuron fired -> -1
    np.testing.assert_array_equal(net_.vote(counts, labels), [3, 0, -1])


def test_recruitment_imprints_the_image_and_gates_on_the_class(config):
    x_tr, y_tr, _, _ = digits(config)
    grow = net_.GrowingNetwork(config, seed=0)
    x, y = x_tr[0], int(y_tr[0])
    new = grow.recruit(x, y)
    pre, post = grow.net.synapses("input")
    w = grow.net.weights("input")[post == new]
    np.testing.assert_allclose(w, config["w_total"] * x[pre[post == new]] / x.sum(), rtol=1e-12)
    assert grow.labels[new] == y and grow.size == 2 and grow.recruited == 1
    # an image of a class with no neuron yet always recruits (class-gated novelty)
    other = int(np.flatnonzero(y_tr != y)[0])
    grow.learn(x_tr[[other]], y_tr[[other]])
    assert grow.size == 3 and grow.labels[-1] == y_tr[other]


def test_class_incremental_run_keeps_the_first_task_without_stored_data(config):
    c = dict(config, classes_per_task=5)                       # two tasks: 0-4, then 5-9
    out = get_task("continual-digits").contender("spiking").run(c, 0).metrics
    assert out["stored_examples"] == 0 and out["neurons"] == out["recruited"] + 1
    assert out["old_accuracy"] > 0.6                           # sequential fine-tuning: ~0 here
    assert out["accuracy"] > 0.6 and out["examples"] == 150


def test_few_shot_learns_new_classes_from_five_examples_and_keeps_the_old():
    c = get_task("few-shot-digits").resolve(dict(TINY, shots=(5,)), scale="reduced")
    out = get_task("few-shot-digits").contender("spiking").run(c, 0).metrics
    assert out["new_k5"] > 0.5 and out["old_k5"] > 0.6         # chance among ten classes: 0.1
    n_new = int(np.isin(digits(c)[3], (8, 9)).sum())
    assert out["combined_k5"] == pytest.approx((out["new_k5"] * n_new + out["old_k5"] * (120 - n_new)) / 120)
    assert out["examples"] == np.sum(digits(c)[1] < 8) + 10


def test_tasks_are_registered_with_their_targets():
    cont, few = get_task("continual-digits"), get_task("few-shot-digits")
    assert [c.name for c in cont.contenders] == ["spiking", "sequential", "ewc", "si", "replay", "joint"]
    assert [c.name for c in few.contenders] == ["spiking", "finetune", "ncm"]
    assert {t.metric: t.low for t in cont.targets}["spiking.accuracy"] == 0.70
    assert cont.resolve(scale="full")["seeds"] == (0, 1, 2, 3, 4)
