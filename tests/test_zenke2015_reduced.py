"""The zenke2015 network at reduced scale (1,024 E + 256 I with the full scale's
in-degrees, the 64 x 64 input grid): the E rate band with every term of the
rule, runaway without the heterosynaptic term, and the experiment's metrics
and figures end to end on a tiny network. The full-scale targets (three
hours) are what ``neuroplastic reproduce zenke2015`` checks."""
import numpy as np
import pytest

from neuroplastic import experiments
from neuroplastic.experiments import _stimuli as S
from neuroplastic.experiments import zenke2015 as z


def _config(**overrides) -> dict:
    return experiments.get("zenke2015").resolve(dict(overrides), scale="reduced")


def _init_rates(c: dict, seed: int = 0):
    """E population rate (Hz) per 5 s of an init phase, how it ended, and the simulation."""
    sim = z.simulate(c, seed, phases=("init",))
    rate = sim["net"].monitor("rate_exc")["rate"]
    m = len(rate) // 5 * 5
    return rate[:m].reshape(-1, 5).mean(1), sim["outcome"], sim


def _on_shape(c: dict, pattern: np.ndarray, labelled: np.ndarray, radius: float) -> float:
    """Fraction of the ``labelled`` E neurons placed within ``radius`` pixels of a pixel of ``pattern``."""
    side = int(np.sqrt(c["n_inputs"]))
    pos = S.positions(int(c["n_exc"]), side)[labelled]
    px, py = pattern % side + 0.5, pattern // side + 0.5
    dx, dy = np.abs(pos[:, :1] - px), np.abs(pos[:, 1:] - py)
    dx, dy = np.minimum(dx, side - dx), np.minimum(dy, side - dy)
    return float(np.mean((dx * dx + dy * dy).min(1) <= radius ** 2))


@pytest.mark.slow
def test_reduced_rate_band_selectivity_and_runaway_without_heterosynaptic():
    """Measured (seed 0, 30 s): 2.0-3.5 Hz per 5 s with every term, and 81-146
    neurons selective for each shape (the assembly criterion of the learn
    phase, applied to the init phase: the selectivity the receptive fields
    give before any learning), 83-100 % of them within 4 pixels (half a
    receptive field) of their shape (44-56 % of all E neurons are); without
    the heterosynaptic term the E rate passes 20 Hz (a 1 s bin) at 22 s."""
    c = _config(init_ms=30_000.0)
    rates, outcome, sim = _init_rates(c)
    assert outcome.status == "ok"
    assert np.all((rates >= 1.0) & (rates <= 10.0)), rates
    labels = z.assembly_labels(sim["counts"].responses(0.0, 30_000.0)[0], 4)
    sizes = np.bincount(labels[labels >= 0], minlength=4)
    assert sizes.min() >= 40, sizes
    for k, p in enumerate(sim["patterns"]):
        assert _on_shape(c, p, labels == k, 4.0) >= 0.75 > 0.65 > _on_shape(c, p, labels >= -1, 4.0)
    rates_abl, outcome_abl, _ = _init_rates(dict(c, heterosynaptic=False))
    assert outcome_abl.status == "runaway" and outcome_abl.t_ms < 30_000.0
    assert rates_abl[:2].mean() == pytest.approx(rates[:2].mean(), rel=0.3)    # the same start
    assert rates_abl.max() > 2.0 * rates.max()


@pytest.mark.slow
def test_reduced_protocol_forms_assemblies_that_a_half_cue_recalls():
    """Three phases of 60 s (learn: 1 s on / 2 s off; recall: 0.5 s cues every
    ~5 s). Measured (seed 0; 50 s CPU): E 1.85-4.30 Hz (10 s bins);
    assemblies of 98, 113, 172, 130 neurons; E->E weights within assemblies
    2.00x the mean, between assemblies 0.80x; recall ratio 4.3, 5.7, 4.2,
    22.0 and specificity 4.3, 1.9, 8.7, 4.9 (ring, square, cross, triangle:
    the square cue also drives the ring assembly, the shapes that overlap most)."""
    c = _config(init_ms=60_000.0, learn_ms=60_000.0, learn_off=2000.0, recall_ms=60_000.0)
    m = z.run(c, seed=0).metrics
    assert 1.0 <= m["rate_exc_min"] and m["rate_exc_max"] <= 10.0
    assert m["assembly_size_min"] >= 80
    assert m["assembly_weight_index"] >= 1.8 and m["assembly_weight_between"] <= 0.9
    assert m["recall_ratio_min"] >= 3.0
    spec = np.sort(m["recall_specificity"])
    assert spec[0] >= 1.5 and spec[1] >= 2.0, spec


def test_tiny_run_reports_every_target_and_figure(tmp_path):
    """The whole run() on 64 E + 16 I neurons and a 16 x 16 grid, 2 s per
    phase, ablations on: every target's metric is in the result (a number;
    nan where no assembly formed) and every figure is drawn."""
    c = _config(n_exc=64, n_inh=16, n_inputs=256, p_rec=0.5, rf_radius=2.0, init_ms=2000.0, learn_ms=2000.0,
                learn_off=500.0, recall_ms=2000.0, cue_off=500.0, ablations=True, ablation_ms=2000.0,
                grid_ms=500.0, block_ms=1000.0, band_bin_ms=1000.0, n_weight_sample=50)
    result = z.run(c, seed=1)
    m = result.metrics
    for target in z.EXPERIMENT.targets:
        assert isinstance(m[target.metric], (int, float)), target.metric
    assert m["t_end_s"] == pytest.approx(6.0)
    assert m["ablation_heterosynaptic"] in (0, 1, 2) and m["ablation_transmitter"] in (0, 1, 2)
    assert m["n_cues"] >= 1
    assert {"rates", "weight_matrix", "stimuli", "recall", "ablations"} <= set(result.figures)
    grid = result.recordings["grid_counts"]["counts"]
    assert grid.shape == (12, 64) and grid.dtype == np.uint16
    assert grid.sum() / (64 * 6.0) == pytest.approx(m["rate_exc_mean"], rel=0.05)
