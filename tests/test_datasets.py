"""MNIST loader and IDX format on small files the tests write (no download ever)."""
import gzip
import io
import pickle

import numpy as np
import pytest

from neuroplastic.cli import main
from neuroplastic.datasets import ENVIRONMENT, load_mnist, read_idx, write_idx
from neuroplastic.datasets.fetch import parts_from_pickle, write_mnist
from neuroplastic.datasets.mnist import CLASS_COUNTS
from neuroplastic.errors import ValidationError


def _mnist_dir(tmp_path, n_train=12, n_test=5, gz=True, seed=0):
    rng = np.random.default_rng(seed)
    data = {}
    for stem, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        suffix = ".gz" if gz else ""
        write_idx(tmp_path / f"{stem}-images-idx3-ubyte{suffix}", images)
        write_idx(tmp_path / f"{stem}-labels-idx1-ubyte{suffix}", labels)
        data[stem] = (images, labels)
    return data


def test_idx_header_is_the_published_layout(tmp_path):
    a = np.arange(6, dtype=np.uint8).reshape(2, 3)
    path = write_idx(tmp_path / "x-idx2-ubyte", a)
    raw = path.read_bytes()
    assert raw[:4] == bytes([0, 0, 0x08, 2])                        # magic: 0, 0, unsigned byte, 2 dims
    assert raw[4:12] == (2).to_bytes(4, "big") + (3).to_bytes(4, "big")
    assert raw[12:] == bytes(range(6)) and len(raw) == 18


@pytest.mark.parametrize("dtype", ["u1", "i1", "i2", "i4", "f4", "f8"])
@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
def test_idx_round_trip_every_type_gzipped_or_not(tmp_path, dtype, name):
    a = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype) if dtype != "u1" else np.arange(24, dtype="u1")
    path = write_idx(tmp_path / name, a)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == name.endswith(".gz")
    b = read_idx(path)
    assert b.dtype == np.dtype(dtype) and b.shape == a.shape and np.array_equal(a, b)
    assert read_idx(path).dtype.isnative


def test_big_endian_values_are_read_right(tmp_path):
    (tmp_path / "v").write_bytes(bytes([0, 0, 0x0C, 1, 0, 0, 0, 2]) + (258).to_bytes(4, "big") + (-1).to_bytes(4, "big", signed=True))
    assert read_idx(tmp_path / "v").tolist() == [258, -1]


def test_load_mnist_reads_both_splits_with_or_without_gzip(tmp_path, monkeypatch):
    for gz, folder in ((True, tmp_path / "gz"), (False, tmp_path / "raw")):
        folder.mkdir()
        data = _mnist_dir(folder, gz=gz)
        train = load_mnist("train", folder)
        assert np.array_equal(train.images, data["train"][0]) and train.labels.dtype == np.int64
        assert np.array_equal(train.labels, data["train"][1])
        test = load_mnist("test", folder)
        assert test.images.shape == (5, 28, 28)
    monkeypatch.setenv(ENVIRONMENT, str(tmp_path / "raw"))
    assert load_mnist("test").labels.size == 5                      # the directory from the environment


def test_dotted_names_are_found(tmp_path):
    _mnist_dir(tmp_path, gz=False)
    for stem, kind, d in (("train", "images", 3), ("train", "labels", 1)):
        (tmp_path / f"{stem}-{kind}-idx{d}-ubyte").rename(tmp_path / f"{stem}-{kind}.idx{d}-ubyte")
    assert load_mnist("train", tmp_path).images.shape == (12, 28, 28)


def test_missing_directory_and_files_name_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    with pytest.raises(ValidationError, match=f"--data DIR or \\${ENVIRONMENT}"):
        load_mnist("train")
    with pytest.raises(ValidationError, match="existing directory"):
        load_mnist("train", tmp_path / "nowhere")
    with pytest.raises(ValidationError, match="train-images-idx3-ubyte"):
        load_mnist("train", tmp_path)
    with pytest.raises(ValidationError, match="split"):
        load_mnist("validation", tmp_path)


def test_truncated_padded_and_foreign_files_are_refused(tmp_path):
    _mnist_dir(tmp_path, gz=False)
    path = tmp_path / "train-images-idx3-ubyte"
    whole = path.read_bytes()
    path.write_bytes(whole[:-100])
    with pytest.raises(ValidationError, match="truncated"):
        load_mnist("train", tmp_path)
    path.write_bytes(whole + b"\0")
    with pytest.raises(ValidationError, match="longer than its header"):
        load_mnist("train", tmp_path)
    path.write_bytes(whole[:6])
    with pytest.raises(ValidationError, match="truncated"):
        load_mnist("train", tmp_path)
    path.write_bytes(b"<html>not found</html>")
    with pytest.raises(ValidationError, match="is it an IDX file"):
        load_mnist("train", tmp_path)
    path.write_bytes(b"\x1f\x8b" + b"broken")
    with pytest.raises(ValidationError, match="damaged gzip"):
        load_mnist("train", tmp_path)


def test_mismatched_files_are_refused(tmp_path):
    _mnist_dir(tmp_path, gz=True)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(11, np.uint8))
    with pytest.raises(ValidationError, match="12 images.*11 labels"):
        load_mnist("train", tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.full(12, 10, np.uint8))
    with pytest.raises(ValidationError, match="labels 0..9"):
        load_mnist("train", tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(12, np.uint8))
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", np.zeros((12, 8, 8), np.uint8))
    with pytest.raises(ValidationError, match=r"\(n, 28, 28\)"):
        load_mnist("train", tmp_path)


SMALL = {"train": (3, 2, 2, 2, 2, 2, 2, 2, 2, 1), "test": (1,) * 10}   # 20 training, 10 test images


def _pickle_like_the_wheel(rng, counts=SMALL):
    """The layout of the classic mnist.pkl.gz: (train, validation, test), each (float32 k/256
    images, int64 labels); training split 3 : 1 between the first two parts, as 50,000 : 10,000."""
    def part(labels):
        k = rng.integers(0, 256, (labels.size, 784))
        return (k / 256.0).astype(np.float32), labels.astype(np.int64)

    train = rng.permutation(np.repeat(np.arange(10), counts["train"]))
    test = rng.permutation(np.repeat(np.arange(10), counts["test"]))
    parts = (part(train[:15]), part(train[15:]), part(test))
    return gzip.compress(pickle.dumps(parts, protocol=2)), parts


def test_the_wheels_pickle_becomes_the_standard_files(tmp_path):
    blob, parts = _pickle_like_the_wheel(np.random.default_rng(1))
    out = parts_from_pickle(blob, SMALL)
    assert out["train"][0].shape == (20, 28, 28) and out["test"][0].shape == (10, 28, 28)
    assert np.array_equal(out["train"][1], np.concatenate([parts[0][1], parts[1][1]]))   # in order
    assert np.array_equal(out["test"][0].reshape(10, 784), np.round(parts[2][0] * 256).astype(np.uint8))
    with pytest.raises(ValidationError, match="standard class counts"):
        parts_from_pickle(blob)                                       # not MNIST's 60,000 + 10,000
    write_mnist(tmp_path, out)
    got = load_mnist("test", tmp_path)
    assert np.array_equal(got.labels, parts[2][1])
    assert np.array_equal(got.images.reshape(-1, 784) / 256.0, parts[2][0])   # k/256 exactly


def test_the_pickle_reader_builds_arrays_only():
    evil = gzip.compress(pickle.dumps(io.StringIO("x")))
    with pytest.raises(ValidationError, match="only NumPy arrays"):
        parts_from_pickle(evil)
    rng = np.random.default_rng(2)
    bad = (rng.integers(0, 10, (3, 784)) / 1000.0, np.zeros(3, np.int64))
    with pytest.raises(ValidationError, match="1/256"):
        parts_from_pickle(gzip.compress(pickle.dumps((bad, bad, bad))), SMALL)


def test_standard_class_counts_are_mnists():
    assert sum(CLASS_COUNTS["train"]) == 60000 and sum(CLASS_COUNTS["test"]) == 10000


def test_data_command_refuses_an_unknown_dataset(capsys):
    with pytest.raises(SystemExit):
        main(["data", "cifar", "x"])
    assert "invalid choice" in capsys.readouterr().err
