"""NWB export: a run directory and a live network written with pynwb, read back
exactly, and checked with nwbinspector."""
import datetime as dt
import sys
import warnings

import numpy as np
import pytest

pynwb = pytest.importorskip("pynwb")
nwbinspector = pytest.importorskip("nwbinspector")

import neuroplastic as npl  # noqa: E402
from neuroplastic.cli import main  # noqa: E402
from neuroplastic.errors import MissingExtra  # noqa: E402
from neuroplastic.experiments.runner import run_model  # noqa: E402
from neuroplastic.io import load_run  # noqa: E402
from neuroplastic.io.nwb import export_network, export_run, run_start_time  # noqa: E402

from _tiny import SYNAPSES, WATCHED, tiny_model  # noqa: E402

# What nwbinspector (default configuration) still reports for these files, and why (docs/nwb.md):
EXPECTED_FINDINGS = {
    ("BEST_PRACTICE_SUGGESTION", "check_experimenter_exists"),     # a simulation has no experimenter on record
    ("BEST_PRACTICE_SUGGESTION", "check_institution"),             # nor an institution
    ("BEST_PRACTICE_VIOLATION", "check_subject_species_exists"),   # an in-silico network has no species
    ("BEST_PRACTICE_SUGGESTION", "check_processing_module_name"),  # 'network'/'activity' fit no modality name
    ("BEST_PRACTICE_SUGGESTION", "check_single_row"),              # this model has one projection
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A 50 ms run directory of the tiny model, with a modulator recording and one
    experiment-specific recording that has no NWB form."""
    root = tmp_path_factory.mktemp("runs")
    rundir = run_model(tiny_model(), 50.0, seed=1, out=root, name="tiny")
    net = npl.Network(tiny_model(), seed=1).run(50.0)
    mod = net.monitor("modulator_dopamine")
    rundir.save_recording("modulator_dopamine", t=mod["t"], level=mod["level"])
    rundir.save_recording("window", dt=np.arange(3.0), dw=np.ones(3))
    with pytest.warns(UserWarning, match="window"):
        path = export_run(rundir.path)
    return load_run(rundir.path), path, net


def read(path):
    io = pynwb.NWBHDF5IO(str(path), "r")
    return io, io.read()


def test_spikes_read_back_exactly_in_seconds(run):
    rec, path, _ = run
    io, nwb = read(path)
    with io:
        units = nwb.units
        pops, index = units["population"][:], units["neuron_index"][:]
        assert list(pops).count("out") == 20 and list(pops).count("inp") == 20
        assert units.resolution == pytest.approx(1e-4)
        total = 0
        for pop in ("out", "inp"):
            s = rec.recording(f"spikes_{pop}")
            assert s["t"].size > 0
            for row in np.flatnonzero(np.asarray(pops) == pop):
                expected = s["t"][s["i"] == index[row]] * 1e-3
                np.testing.assert_array_equal(units["spike_times"][row], expected)
                total += expected.size
        assert total == rec.recording("spikes_out")["t"].size + rec.recording("spikes_inp")["t"].size


def test_state_weights_rates_and_modulator_read_back_with_units(run):
    rec, path, _ = run
    io, nwb = read(path)
    with io:
        state = rec.recording("state_out")
        v = nwb.acquisition["state_out_v"]
        np.testing.assert_array_equal(v.data[:], state["v"])
        assert (v.unit, v.conversion, v.rate) == ("volts", 1e-3, pytest.approx(1000.0))
        np.testing.assert_allclose(v.get_timestamps(), state["t"] * 1e-3, rtol=0, atol=1e-12)
        ge = nwb.acquisition["state_out_ge"]
        np.testing.assert_array_equal(ge.data[:], state["ge"])
        assert (ge.unit, ge.conversion) == ("siemens", 1e-9)
        np.testing.assert_array_equal(nwb.processing["network"]["state_out_neurons"]["neuron_index"][:], WATCHED)

        w = rec.recording("weights_syn")
        ws = nwb.acquisition["weights_syn"]
        np.testing.assert_array_equal(ws.data[:], w["w"])
        assert ws.data.shape == (50, len(SYNAPSES)) and (ws.unit, ws.conversion) == ("siemens", 1e-9)
        syn = nwb.processing["network"]["weights_syn_synapses"]
        np.testing.assert_array_equal(syn["pre"][:], w["pre"])
        np.testing.assert_array_equal(syn["post"][:], w["post"])

        r = rec.recording("rate_out")
        rs = nwb.processing["activity"]["rate_out"]
        np.testing.assert_array_equal(rs.data[:], r["rate"])
        assert rs.unit == "hertz" and rs.rate == pytest.approx(200.0)          # 5 ms bins
        m = rec.recording("modulator_dopamine")
        ms = nwb.acquisition["modulator_dopamine"]
        np.testing.assert_array_equal(ms.data[:], m["level"])
        assert ms.unit == "dimensionless" and ms.data[9] == 0 < ms.data[11]    # released at 10 ms
        assert "window" not in nwb.acquisition and "window" not in nwb.processing["network"].data_interfaces


def test_file_carries_the_model_description_and_session_metadata(run):
    rec, path, _ = run
    io, nwb = read(path)
    with io:
        assert nwb.notes == (rec.path / "config.toml").read_text()
        assert nwb.session_id == rec.path.name and nwb.subject.subject_id == rec.path.name
        stamp = dt.datetime.strptime(rec.path.name.split("-", 1)[1][:15], "%Y%m%d-%H%M%S")
        assert nwb.session_start_time.replace(tzinfo=None) == stamp
        assert nwb.session_start_time.utcoffset() == stamp.astimezone().utcoffset()
        pops = nwb.processing["network"]["populations"].to_dataframe()
        assert list(pops["population"]) == ["out", "inp"] and list(pops["n"]) == [20, 20]
        assert "tau_m = 10" in pops["parameters"][0] and list(pops["kind"]) == ["LIF", "PoissonInput"]
        proj = nwb.processing["network"]["projections"].to_dataframe()
        assert (proj["pre"][0], proj["post"][0], proj["rules"][0]) == ("inp", "out", "PairSTDP")
        assert "p = 0.5" in proj["connectivity"][0] and proj["w_max"][0] == 2.0
        metrics = nwb.processing["network"]["metrics"].to_dataframe().set_index("metric")
        assert metrics.loc["spikes_out", "value"] == rec.metrics["spikes_out"]
        assert len(nwb.identifier) == 36 and "tiny" not in nwb.identifier
    with pytest.warns(UserWarning):
        again = export_run(rec.path, rec.path / "again.nwb")
    io, nwb2 = read(again)
    with io:
        assert nwb2.identifier == nwb.identifier   # derived from the run, not random


def test_inspector_finds_nothing_critical(run):
    _, path, _ = run
    found = {(m.importance.name, m.check_function_name) for m in nwbinspector.inspect_nwbfile(path)}
    assert not {f for f in found if f[0] in ("CRITICAL", "PYNWB_VALIDATION", "ERROR")}, found
    assert found <= EXPECTED_FINDINGS, found - EXPECTED_FINDINGS


def test_export_network_matches_the_run_directory(run, tmp_path):
    rec, _, net = run
    start = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)
    path = export_network(net, tmp_path / "net.nwb", name="tiny-live", start_time=start,
                          species="Rattus norvegicus")
    io, nwb = read(path)
    with io:
        assert nwb.session_start_time == start and nwb.subject.species == "Rattus norvegicus"
        s = rec.recording("spikes_out")                         # same seed -> same spikes as the run directory
        rows = np.flatnonzero(np.asarray(nwb.units["population"][:]) == "out")
        got = np.concatenate([nwb.units["spike_times"][k] for k in rows])
        np.testing.assert_array_equal(np.sort(got), np.sort(s["t"] * 1e-3))
        np.testing.assert_array_equal(nwb.acquisition["weights_syn"].data[:], rec.recording("weights_syn")["w"])
        np.testing.assert_array_equal(nwb.acquisition["modulator_dopamine"].data[:],
                                      rec.recording("modulator_dopamine")["level"])
        assert "[[populations]]" in nwb.notes and "duration = 50.0" in nwb.notes


def test_many_synapses_few_samples_become_synapse_table_rows(tmp_path):
    """A weight matrix with more synapses than samples (the common case) would be a
    TimeSeries wider than long, which nwbinspector's default configuration flags as
    critical (time must be the first axis): each synapse's trajectory becomes a row of
    the synapse table instead, timed by the mean-weight series. Nothing critical with
    the default or the DANDI configuration. Targets and nested metrics become table
    rows, never serialised dictionaries."""
    from neuroplastic.io import RunDirectory
    from neuroplastic.config import model_to_dict

    rd = RunDirectory.create(tmp_path, "wide", seed=0)
    rd.write_config(model_to_dict(tiny_model(), duration=20.0))
    rd.write_metrics({"rate": 3.5, "fit": {"slope": 2.0, "ci": [1.5, 2.5]}, "notes": ["n1"],
                      "targets": [{"metric": "rate", "target": "paper", "tolerance": "[1, 5]", "measured": 3.5,
                                   "passed": True}]})
    rng = np.random.default_rng(0)
    rd.save_weights("syn", np.array([0.0, 10.0]), rng.random((2, 40)), np.arange(40) % 20, np.arange(40) // 2)
    v = rng.random((2, 20))
    v[0, 5] = np.nan                                   # a neuron born after the first sample
    rd.save_state("out", np.array([0.0, 10.0]), np.arange(20), v=v)
    path = export_run(rd.path, species="http://purl.obolibrary.org/obo/NCBITaxon_10116")
    for config in (None, nwbinspector.load_config("dandi")):
        found = {(m.importance.name, m.check_function_name)
                 for m in nwbinspector.inspect_nwbfile(path, config=config)}
        assert not {f for f in found if f[0] in ("CRITICAL", "PYNWB_VALIDATION", "ERROR")}, found
        assert "check_data_orientation" not in {f[1] for f in found}
        assert "check_table_values_for_dict" not in {f[1] for f in found}
    io, nwb = read(path)
    with io:
        w = rd.path / "recordings" / "weights_syn.npz"
        with np.load(w) as rec_w:
            syn = nwb.processing["network"]["weights_syn_synapses"]
            np.testing.assert_array_equal(np.asarray(syn["w"][:]), rec_w["w"].T)
            np.testing.assert_array_equal(syn["pre"][:], rec_w["pre"])
            mean = nwb.acquisition["weights_syn_mean"]
            np.testing.assert_array_equal(mean.data[:], rec_w["w"].mean(axis=1))
            np.testing.assert_allclose(mean.get_timestamps(), rec_w["t"] * 1e-3)
        assert "weights_syn" not in nwb.acquisition
        neurons = nwb.processing["network"]["state_out_neurons"]
        np.testing.assert_array_equal(np.asarray(neurons["v"][:]), v.T)
        np.testing.assert_array_equal(nwb.acquisition["state_out_v_mean"].data[:], np.nanmean(v, axis=1))
        assert "state_out_v" not in nwb.acquisition
        metrics = nwb.processing["network"]["metrics"].to_dataframe().set_index("metric")
        assert metrics.loc["fit.slope", "value"] == 2.0 and metrics.loc["fit.ci", "json"] == "[1.5, 2.5]"
        targets = nwb.processing["network"]["targets"].to_dataframe()
        assert list(targets["metric"]) == ["rate"] and targets["passed"][0] and targets["measured"][0] == 3.5


def test_start_time_falls_back_to_the_log(tmp_path):
    d = tmp_path / "renamed"
    d.mkdir()
    (d / "config.toml").write_text("x = 1\n")
    (d / "run.log").write_text("2023-01-02T03:04:05.678 start\n")
    assert run_start_time(d).replace(tzinfo=None) == dt.datetime(2023, 1, 2, 3, 4, 5, 678000)


def test_cli_export_and_bad_format(run, tmp_path, capsys):
    rec, _, _ = run
    out = tmp_path / "cli.nwb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["export", str(rec.path), "--format", "nwb", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert out.is_file() and str(out) in text and "window" in text   # names what was left out
    assert main(["export", str(rec.path), "--format", "csv"]) == 2
    assert main(["export", str(tmp_path / "nope"), "--out", str(out)]) == 2
    assert "nope" in capsys.readouterr().err


def test_missing_pynwb_names_the_extra(run, monkeypatch, capsys):
    rec, _, _ = run
    monkeypatch.setitem(sys.modules, "pynwb", None)   # import pynwb -> ImportError
    with pytest.raises(MissingExtra, match=r"pip install 'neuroplastic\[nwb\]'"):
        export_run(rec.path)
    assert main(["export", str(rec.path)]) == 2
    assert "neuroplastic[nwb]" in capsys.readouterr().err
