"""zenke2015 with a checkpoint folder: a run stopped inside a phase and
continued gives the metrics, rates, grid, PSTHs and weights of a run never
stopped; a finished part is read back; a folder of another run is refused;
each ablation continues in its own folder (experiments/_zenke_resume.py)."""
import numpy as np
import pytest

from neuroplastic import experiments
from neuroplastic.errors import ValidationError
from neuroplastic.experiments import _zenke_resume as R
from neuroplastic.experiments import zenke2015 as z

#: Not the simulation: seconds spent.
TIMES = ("cpu_s", "sim_wall_s", "wall_s", "bio_per_cpu")
TINY = dict(n_exc=64, n_inh=16, n_inputs=256, p_rec=0.5, rf_radius=4.0, w_ext=0.6, init_ms=2000.0, learn_ms=2000.0,
            learn_off=500.0, recall_ms=2000.0, cue_off=500.0, ablation_ms=2000.0, grid_ms=500.0, block_ms=1000.0,
            band_bin_ms=1000.0, n_weight_sample=50, checkpoint_every=500.0)


def _config(**overrides) -> dict:
    return experiments.get("zenke2015").resolve(overrides, scale="reduced")


def _run(c: dict, monkeypatch, sims=None):
    """run() without figures; the simulations it made go to ``sims``."""
    kept = [] if sims is None else sims
    monkeypatch.setattr(z, "_figures", lambda c_, sim, *rest: kept.append(sim) or {})
    return z.run(c, seed=2)


def _stop_after_saves(monkeypatch, n: int, folder: str) -> list:
    """Raise KeyboardInterrupt (the user's Ctrl-C) right after the ``n``-th save into ``folder``."""
    real, saves = R.CheckpointFolder.save, []

    def save_then_stop(self, out, at, t0):
        real(self, out, at, t0)
        if self.folder.name == folder:
            saves.append((at.phase, out["net"].t, None if at.cursor is None else at.cursor.current))
            if len(saves) == n:
                raise KeyboardInterrupt
    monkeypatch.setattr(R.CheckpointFolder, "save", save_then_stop)
    return saves


def _same_metrics(a, b):
    """Every metric but the seconds spent is equal (nan where no assembly formed equals nan)."""
    assert set(a.metrics) == set(b.metrics)
    np.testing.assert_equal({k: v for k, v in a.metrics.items() if k not in TIMES},
                            {k: v for k, v in b.metrics.items() if k not in TIMES})


def _assert_same(a, b, sim_a, sim_b):
    _same_metrics(a, b)
    for name in ("rates", "grid_counts", "assemblies", "weights_ee_final", "weights_ee_sample"):
        for key, x in a.recordings[name].items():
            assert np.array_equal(x, b.recordings[name][key]) and np.asarray(x).dtype == \
                np.asarray(b.recordings[name][key]).dtype, (name, key)
    for proj in ("ee", "ext", "ie"):
        assert np.array_equal(sim_a["net"].weights(proj), sim_b["net"].weights(proj)), proj
    pa, pb = sim_a["counts"].psth, sim_b["counts"].psth
    assert len(pa) == len(pb) and all(x["t_on"] == y["t_on"] and x["stimulus"] == y["stimulus"]
                                      and np.array_equal(x["counts"], y["counts"]) for x, y in zip(pa, pb))
    assert sim_a["counts"].classes.keys() == sim_b["counts"].classes.keys()


def test_a_run_stopped_inside_phases_continues_bit_for_bit(tmp_path, monkeypatch):
    """Reduced scale (1,024 E), phases of 3 s, saves every second; stopped inside
    the learn phase (at 4 s, shape 1 shown) and again inside the recall phase
    (at 8 s, cue 2 shown, its window open), then
    continued: every number but the seconds spent is the unstopped run's."""
    c = _config(init_ms=3000.0, learn_ms=3000.0, learn_off=500.0, recall_ms=3000.0, cue_off=300.0,
                grid_ms=500.0, block_ms=1000.0, band_bin_ms=1000.0, checkpoint_every=1000.0)
    sims = []
    plain = _run(c, monkeypatch, sims)
    assert plain.metrics["n_cues"] >= 3 and plain.metrics["assembly_sizes"] != [0, 0, 0, 0]
    c = dict(c, checkpoint_dir=str(tmp_path))
    for n, at in ((4, (1, 4000.0, 1)), (4, (2, 8000.0, 2))):   # saves at 1, 2, 3 (phase end), 4 s ...
        saves = _stop_after_saves(monkeypatch, n, "main")
        with pytest.raises(KeyboardInterrupt):
            _run(c, monkeypatch)
        assert saves[-1] == at
    with np.load(next((tmp_path / "main").glob("loop-*.npz"))) as f:
        assert len(f["win_index"]) >= 1 and len(f["psth_index"]) == 0     # cue windows open at 8 s
    monkeypatch.undo()
    resumed = _run(c, monkeypatch, sims)
    _assert_same(plain, resumed, *sims)
    assert sorted(p.name for p in (tmp_path / "main").iterdir()) == ["loop-000009.npz", R.NETWORK]
    assert resumed.metrics["cpu_s"] > 0 and set(sims[1]["cpu_s"]) == {"init", "learn", "recall"}

    # a finished run is read back, not run again
    monkeypatch.setattr(z, "run_phase", lambda *a, **k: pytest.fail("a finished run ran again"))
    again = _run(c, monkeypatch, sims)
    _assert_same(plain, again, sims[0], sims[2])
    assert again.metrics["cpu_s"] == resumed.metrics["cpu_s"]


def test_each_ablation_continues_in_its_own_folder(tmp_path, monkeypatch):
    """64 E, 2 s per phase, ablations on: stopped inside the second ablation, the
    rerun reads back the main run and the first ablation and continues the second."""
    c = _config(**TINY, ablations=True)
    plain = _run(c, monkeypatch)
    assert plain.metrics["ablation_transmitter"] == 1 and plain.metrics["ablation_transmitter_rate_last"] > 2.0
    c = dict(c, checkpoint_dir=str(tmp_path))
    saves = _stop_after_saves(monkeypatch, 2, "without-transmitter")
    with pytest.raises(KeyboardInterrupt):
        _run(c, monkeypatch)
    assert [s[:2] for s in saves] == [(0, 500.0), (0, 1000.0)]
    assert {p.name for p in tmp_path.iterdir()} == {"main", "without-heterosynaptic", "without-transmitter"}
    monkeypatch.undo()
    phases_run = []
    real = z.run_phase
    monkeypatch.setattr(z, "run_phase", lambda net, *a, **k: phases_run.append(net.t) or real(net, *a, **k))
    resumed = _run(c, monkeypatch)
    assert phases_run == [1000.0]                      # only the second ablation, from its last save
    _same_metrics(resumed, plain)


def test_a_folder_of_another_run_or_a_bad_interval_is_refused(tmp_path, monkeypatch):
    c = _config(**dict(TINY, init_ms=500.0, learn_ms=500.0, recall_ms=500.0), ablations=False,
                checkpoint_dir=str(tmp_path))
    _run(c, monkeypatch)
    for other, seed in ((c, 3), (dict(c, w_ee=0.2), 2), (dict(c, recall_ms=1000.0), 2)):
        with pytest.raises(ValidationError, match="checkpoint_dir.*another run"):
            z.simulate(other, seed, checkpoint=tmp_path / "main")
    # where and how often it saves, and the ablations' settings, do not count
    key = R.config_key(c, 2, z.PHASES)
    assert R.config_key(dict(c, checkpoint_dir="x", checkpoint_every=1e4, save_dir="y", ablations=True,
                             ablation_ms=9.0), 2, z.PHASES) == key
    assert R.config_key(c, 2, ("init",)) != key
    with pytest.raises(ValidationError, match="checkpoint_every.*multiple of grid_ms"):
        z.run(dict(c, checkpoint_every=750.0), seed=2)
    (tmp_path / "main" / next(p.name for p in (tmp_path / "main").glob("loop-*"))).unlink()
    with pytest.raises(ValidationError, match="must hold loop-"):
        z.simulate(c, 2, checkpoint=tmp_path / "main")


def test_a_run_stopped_as_runaway_is_read_back_as_such(tmp_path, monkeypatch):
    """64 E driven hard, runaway above 12 Hz: the init phase stops at 0.5 s; the
    rerun neither runs it again nor goes on to the next phase."""
    c = _config(**dict(TINY, runaway_rate=12.0), ablations=False, checkpoint_dir=str(tmp_path))
    first = _run(c, monkeypatch)
    assert first.metrics["outcome"] == "runaway" and first.metrics["t_end_s"] == 0.5
    monkeypatch.setattr(z, "run_phase", lambda *a, **k: pytest.fail("a finished run ran again"))
    again = _run(c, monkeypatch)
    _same_metrics(again, first)
