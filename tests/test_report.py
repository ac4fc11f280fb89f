"""HTML reports of run directories and the notebook summaries (_repr_html_)."""
import base64
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import numpy as np
import pytest
from matplotlib.figure import Figure

import neuroplastic as npl
from neuroplastic.cli import main
from neuroplastic.experiments.base import Result
from neuroplastic.io import RunDirectory, load_run
from neuroplastic.io.html import number
from neuroplastic.io.report import recording_arrays, write_report

from _tiny import tiny_model

EVIL = "<script>alert('x & y')</script>"
VOID = {"meta", "img", "br", "hr", "input", "link"}
METRICS = {
    "rate_hz": 12.345678,
    "cv": 0.91,
    "n_spikes": 4321,
    "label": EVIL,
    "targets": [
        {"metric": "rate_hz", "target": "Brunel 2000 <AI state>", "tolerance": "[5, 20]", "measured": 12.345678,
         "passed": True},
        {"metric": "cv", "target": "irregular & asynchronous", "tolerance": "[1, 2]", "measured": 0.91,
         "passed": False},
    ],
    "topology": [{"t_ms": 20.0, "event": "lesion", "kind": "remove", "target": "exc", "count": 6}],
    "phases": [{"name": "wake", "start_ms": 0.0, "stop_ms": 30.0}, {"name": "sleep", "start_ms": 30.0,
                                                                      "stop_ms": 50.0}],
    "notes": ["a note with <b>markup</b>"],
}


class Balance(HTMLParser):
    """Checks that every opened element is closed, in order."""

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def parse(text):
    p = Balance()
    p.feed(text)
    p.close()
    assert not p.errors and not p.stack, (p.errors, p.stack)
    ET.fromstring(text.split("\n", 1)[1] if text.startswith("<!DOCTYPE") else text)   # XHTML-compatible
    return p.tags


def small_figure(k):
    fig = Figure(figsize=(1, 1), dpi=50)
    fig.add_subplot().plot([0, k])
    return fig


@pytest.fixture(scope="module")
def fake_run(tmp_path_factory):
    """A finished run directory written without simulating (tests only add files beside it)."""
    rd = RunDirectory.create(tmp_path_factory.mktemp("runs"), "fake", seed=7)
    rd.write_config({"experiment": "demo", "seed": 7, "scale": "reduced",
                     "parameters": {"duration": 50.0, "title": EVIL, "sizes": list(range(20))}})
    rd.write_metrics(METRICS)
    for k in range(3):
        rd.save_figure(small_figure(k), f"fig{k}", dpi=50)
    rd.save_spikes("exc", [0, 1, 1], [1.0, 2.0, 3.5])
    rd.save_weights("ee", [0.0, 10.0, 20.0], np.zeros((3, 4)), [0, 0, 1, 1], [1, 2, 0, 2])
    rd.log("started " + EVIL)
    (rd.path / "status.json").write_text(json.dumps({"status": "complete", "exit_code": 0}))
    return rd


def test_report_is_well_formed_self_contained_and_complete(fake_run):
    path = write_report(fake_run.path)
    assert path == fake_run.path / "report.html"
    assert [p.name for p in fake_run.path.iterdir() if p.name.startswith(".")] == []   # no temp file left
    text = path.read_text()
    tags = parse(text)
    imgs = [a["src"] for t, a in tags if t == "img"]
    figures = sorted(fake_run.figures_dir.glob("*.png"))
    assert len(imgs) == len(figures) == 3
    assert [base64.b64decode(s.split(",", 1)[1]) for s in imgs] == [f.read_bytes() for f in figures]
    # offline: no external resources of any kind
    assert not [a for t, a in tags if t in ("script", "link")]
    assert not [v for _, a in tags for k, v in a.items() if k in ("src", "href") and not v.startswith("data:")]
    # every metric value and target, pass/fail highlighted
    for key in ("rate_hz", "cv", "n_spikes"):
        assert f"<td>{key}</td><td class=\"num\">{number(METRICS[key])}</td>" in text
    assert "12.3457" in text and "4321" in text
    rows = re.findall(r'<tr class="(pass|fail)"><td>(\w+)</td>', text)
    assert rows == [("pass", "rate_hz"), ("fail", "cv")]
    assert "Brunel 2000 &lt;AI state&gt;" in text and "irregular &amp; asynchronous" in text
    assert "[5, 20]" in text and "1 of 2 passed" in text
    # everything from files is escaped
    assert EVIL not in text and text.count(html_escaped(EVIL)) >= 3   # config table, raw TOML, log
    assert "&lt;b&gt;markup&lt;/b&gt;" in text
    # recordings with shapes, status, topology, phases, log
    assert "w float64 (3, 4)" in text and "i int64 (3,)" in text
    assert "exit_code" in text and 'badge complete' in text
    assert "<svg" in text and ">wake</text>" in text and "lesion remove exc at 20 ms" in text
    assert "started " in text and "[0, 1, 2, 3, 4, 5, 6, 7, ... (20 values)]" in text


def html_escaped(s):
    import html
    return html.escape(s, quote=True)


def test_incomplete_and_stopped_runs_say_so(tmp_path):
    rd = RunDirectory.create(tmp_path, "unfinished")
    rd.write_config({"simulation": {"duration": 100.0}})
    text = write_report(rd.path, tmp_path / "r.html").read_text()
    parse(text)
    assert 'badge incomplete">incomplete' in text and "metrics.json is missing" in text
    rd.write_metrics({"error": "non-finite value at step 12", "step": 12})
    text = write_report(rd.path).read_text()
    assert 'badge stopped">stopped' in text and "non-finite value at step 12" in text


def test_recording_shapes_come_from_headers_only(fake_run):
    got = recording_arrays(fake_run.recordings_dir / "weights_ee.npz")
    assert got == [("t", (3,), "float64"), ("w", (3, 4), "float64"), ("pre", (4,), "int64"),
                   ("post", (4,), "int64")]


def test_cli_report(fake_run, tmp_path, capsys):
    out = tmp_path / "elsewhere.html"
    assert main(["report", str(fake_run.path), "--out", str(out)]) == 0
    assert out.is_file() and str(out) in capsys.readouterr().out
    assert main(["report", str(tmp_path / "missing")]) == 2


# ------------------------------------------------------------------------------ notebooks

def test_model_html_lists_parts():
    text = tiny_model()._repr_html_()
    parse(text)
    for part in ("inp", "PoissonInput", "LIF (conductance)", "FixedProbability(p=0.5, allow_self=False)",
                 "Uniform(low=0, high=2)", "PairSTDP", "inp \u2192 out", "state_out", "ModulatorMonitor",
                 "dopamine", "1 population, 1 input, 1 projection, 6 monitors"):
        assert part in text, part
    assert re.search(r"<td>out</td><td>LIF \(conductance\)</td><td class=\"num\">20</td>", text)


def test_network_repr_and_html():
    net = npl.Network(tiny_model(), seed=3).run(20.0)
    assert repr(net) == "Network(1 population, 1 input, 1 projection, t=20.0 ms, seed=3)"
    text = net._repr_html_()
    parse(text)
    n_syn = net.synapses("syn")[0].size
    assert 100 < n_syn < 300 and f'<td class="num">{n_syn}</td>' in text
    assert "step 200" in text and "seed 3" in text
    level = net.modulator("dopamine")
    assert level > 0 and f'<td class="num">{number(level)}</td></tr>' in text


def test_result_html_has_metrics_figures_and_recordings():
    res = Result(config={}, metrics={"a": 1.5, "targets": METRICS["targets"]},
                 figures={"f1": small_figure(1), "f2": small_figure(2)},
                 recordings={"r": {"x": np.zeros((3, 4))}}, notes=["n <1>"])
    text = res._repr_html_()
    tags = parse(text)
    assert sum(t == "img" and a["src"].startswith("data:image/png;base64,") for t, a in tags) == 2
    assert '<td class="num">1.5</td>' in text and "x (3, 4)" in text and "n &lt;1&gt;" in text
    assert "1 of 2 passed" in text


def test_run_record_html(fake_run):
    text = load_run(fake_run.path)._repr_html_()
    tags = parse(text)
    assert sum(t == "img" for t, _ in tags) == 3 and "badge complete" in text
    assert "experiment demo (seed 7, reduced scale)" in text and "12.3457" in text and "weights_ee" in text
