"""continual-digits and few-shot-digits on MNIST files (``dataset=mnist``): small IDX files
the tests write (one bright band of rows per class, so every learner can tell the
classes apart), never the real MNIST."""
import numpy as np
import pytest

from neuroplastic import compare
from neuroplastic.compare._continual_data import images
from neuroplastic.datasets import write_idx
from neuroplastic.errors import MissingData

TASKS = ("continual-digits", "few-shot-digits")


def _band_images(labels, rng):
    """28 x 28 uint8 images: faint noise, and rows 4 + 2k, 5 + 2k bright for class k."""
    x = rng.integers(0, 20, (len(labels), 28, 28)).astype(np.uint8)
    for i, k in enumerate(labels):
        x[i, 4 + 2 * k:6 + 2 * k, 2:26] = 255
    return x


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mnist")
    rng = np.random.default_rng(3)
    for stem, per_class in (("train", 4), ("t10k", 2)):
        labels = rng.permutation(np.repeat(np.arange(10), per_class)).astype(np.uint8)
        write_idx(folder / f"{stem}-images-idx3-ubyte.gz", _band_images(labels, rng))
        write_idx(folder / f"{stem}-labels-idx1-ubyte.gz", labels)
    return folder


def _config(name, folder, **extra):
    return compare.get_task(name).resolve(dict(dict(dataset="mnist", data_dir=str(folder), n_train=40, n_test=20,
                                                    seeds=(0,)), **extra), scale="reduced")


@pytest.mark.parametrize("name", TASKS)
def test_mnist_absent_stops_before_a_run_directory_naming_data_dir(tmp_path, monkeypatch, name):
    monkeypatch.delenv("NEUROPLASTIC_MNIST", raising=False)
    with pytest.raises(MissingData, match="data_dir"):
        compare.run_comparison(name, {"dataset": "mnist", "data_dir": str(tmp_path / "none")}, out=tmp_path / "runs")
    assert not (tmp_path / "runs").exists()
    task = compare.get_task(name)
    task.check_data(task.resolve({"data_dir": str(tmp_path / "none")}))      # digits (default): nothing to find


def test_the_tasks_read_the_first_images_of_each_file(mnist_dir):
    from neuroplastic.datasets import load_mnist

    data = images(_config("continual-digits", mnist_dir, n_train=30, n_test=12))
    train, test = load_mnist("train", mnist_dir), load_mnist("test", mnist_dir)
    assert data.n_inputs == 784 and data.full == 255.0
    np.testing.assert_array_equal(data.x_train, train.images[:30].reshape(30, 784))
    np.testing.assert_array_equal(data.y_test, test.labels[:12])
    assert data.x_train.shape == (30, 784) and data.x_test.shape == (12, 784)


def test_split_mnist_spiking_has_784_inputs_and_one_neuron_per_class_when_limited(mnist_dir):
    c = _config("continual-digits", mnist_dir, n_max_per_class=1)
    out = compare.get_task("continual-digits").contender("spiking").run(c, 0).metrics
    # each class's first image recruits (no neuron of its class yet), then the limit stops growth
    assert out["recruited"] == 10 and out["neurons"] == 11
    assert out["connections"] == 11 * 784 and out["examples"] == 40 and out["stored_examples"] == 0
    assert out["accuracy"] > 0.9                                     # the bands do not overlap: chance 0.1


@pytest.mark.slow                                           # JAX compiles the 784-input shapes: ~5-15 s
def test_split_mnist_mlp_is_inputs_by_hidden_and_learns_the_last_task(mnist_dir):
    pytest.importorskip("jax")
    c = _config("continual-digits", mnist_dir, mlp_hidden=8, iterations=40, batch=8, mlp_lr=0.01)
    out = compare.get_task("continual-digits").contender("sequential").run(c, 0).metrics
    assert out["connections"] == 784 * 8 + 8 * 8 + 8 * 10 and out["examples"] == 5 * 40 * 8
    assert out["last_task_accuracy"] > 0.9 and out["old_accuracy"] < 0.2        # it forgets the rest


def test_few_shot_mnist_learns_a_new_class_from_one_image(mnist_dir):
    c = _config("few-shot-digits", mnist_dir, shots=(1,))
    out = compare.get_task("few-shot-digits").contender("spiking").run(c, 0).metrics
    assert out["examples"] == 32 + 2 and out["connections"] % 784 == 0
    assert out["new_k1"] > 0.9 and out["old_k1"] > 0.9
