"""diehl-cook's learning pass with a checkpoint folder: stopped and continued, it gives
the spikes, weights and thresholds of a pass never stopped; a folder of another pass
is refused (compare/_diehl_resume.py)."""
import numpy as np
import pytest

from neuroplastic.compare import _diehl_spiking as spiking
from neuroplastic.compare import get_task
from neuroplastic.compare._diehl_resume import NETWORK, config_key
from neuroplastic.compare._diehl_som import images
from neuroplastic.errors import ValidationError

TINY = {"n_train": 30, "n_test": 10, "n_label": 30, "epochs": 2, "n_neurons": 10, "running_window": 5}


@pytest.fixture(scope="module")
def task():
    c = get_task("diehl-cook").resolve(TINY, scale="reduced")
    x, y, _, _ = images(c)
    return c, x, y, spiking.learn(c, 3, x, y)


def _state(net):
    return net.weights("input"), net.spike_totals("exc"), np.array(net.state("exc", "theta")), net.t


def test_a_stopped_pass_continues_with_the_spikes_of_an_unstopped_one(task, tmp_path, monkeypatch):
    c, x, y, (net0, counts0, tries0, events0, _) = task
    real, calls = spiking.show_all, []

    def stop_in_the_third_part(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt          # the user stops the run during examples 24-35
        return real(*args, **kwargs)

    monkeypatch.setattr(spiking, "show_all", stop_in_the_third_part)
    with pytest.raises(KeyboardInterrupt):
        spiking.learn(c, 3, x, y, checkpoint=tmp_path, every=12)
    monkeypatch.setattr(spiking, "show_all", real)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counts_0000000.npy", "counts_0000012.npy", NETWORK]

    net1, counts1, tries1, events1, wall1 = spiking.learn(c, 3, x, y, checkpoint=tmp_path, every=12)
    assert counts1.shape == (60, 10) and np.array_equal(counts1, counts0)
    assert (tries1, events1) == (tries0, events0) and wall1 > 0
    for a, b in zip(_state(net1), _state(net0)):
        assert np.array_equal(a, b)
    assert len(list(tmp_path.glob("counts_*.npy"))) == 5            # 0, 12, 24, 36, 48

    # a finished pass is read back, not run again
    net2, counts2, tries2, _, _ = spiking.learn(c, 3, x, y, checkpoint=tmp_path, every=12)
    assert net2.t == net0.t and tries2 == tries0 and np.array_equal(counts2, counts0)


def test_a_folder_of_another_pass_is_refused(task, tmp_path):
    c, x, y, _ = task
    spiking.learn(c, 3, x[:6], y[:6], checkpoint=tmp_path, every=6)
    for other in (dict(seed=4), dict(c=dict(c, nu_post=2e-2)), dict(x=x[:7])):
        kw = {"c": c, "seed": 3, "x": x[:6], **other}
        with pytest.raises(ValidationError, match="checkpoint_dir.*another run"):
            spiking.learn(kw["c"], kw["seed"], kw["x"], y[:len(kw["x"])], checkpoint=tmp_path, every=6)
    # evaluation-only settings and the other contenders' do not count
    assert config_key(dict(c, n_test=5, mlp_hidden=7, checkpoint_dir="elsewhere"), 3, 60) == config_key(c, 3, 60)
    (tmp_path / "counts_0000000.npy").unlink()
    with pytest.raises(ValidationError, match="counts_0000000.npy"):
        spiking.learn(c, 3, x[:6], y[:6], checkpoint=tmp_path, every=6)


def test_the_task_saves_each_seed_in_its_own_folder(tmp_path):
    c = get_task("diehl-cook").resolve(dict(TINY, epochs=1, n_train=12, checkpoint_dir=str(tmp_path),
                                            checkpoint_every=6), scale="reduced")
    out = spiking.run_spiking(c, 1, progress=False)
    assert (tmp_path / "spiking-seed1" / NETWORK).exists()
    assert sorted(p.name for p in (tmp_path / "spiking-seed1").glob("counts_*")) == [
        "counts_0000000.npy", "counts_0000006.npy"]
    again = spiking.run_spiking(c, 1, progress=False)          # read back: the same outcome
    assert again.metrics == out.metrics
