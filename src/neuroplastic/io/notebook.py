"""Compact HTML summaries for notebooks (the ``_repr_html_`` of ``Network``,
``Model``, ``Result`` and ``RunRecord``) and the plain ``repr`` of a network.

Each function reads only public attributes of the object it summarises and
returns a fragment wrapped by :func:`neuroplastic.io.html.box`.
"""
from __future__ import annotations

import dataclasses
import io

import numpy as np

from . import html as h

THUMB_DPI = 40        # matplotlib figures of a Result, rendered small
THUMB_WIDTH = 240     # px, figures of a run directory


def describe(obj, limit: int = 90) -> str:
    """A short text for a model part: ``FixedProbability(p=0.1)``; arrays as ``<n values>``."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        every = len(dataclasses.fields(obj)) <= 3     # short ones in full; long ones (rules) without defaults
        fields = ", ".join(f"{f.name}={describe(getattr(obj, f.name), limit)}" for f in dataclasses.fields(obj)
                           if every or not _is_default(obj, f))
        text = f"{type(obj).__name__}({fields})"
    elif isinstance(obj, (np.ndarray, list, tuple)):
        arr = np.asarray(obj, dtype=object).reshape(-1)
        text = f"<{arr.size} values>" if arr.size > 4 else "[" + ", ".join(describe(v) for v in arr) + "]"
    elif isinstance(obj, (str, bool)):
        text = str(obj)
    else:
        text = h.number(obj.item() if isinstance(obj, np.generic) else obj)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_default(obj, f) -> bool:
    value = getattr(obj, f.name)
    if f.default is dataclasses.MISSING or isinstance(value, (np.ndarray, list, tuple)):
        return False
    try:
        return bool(value == f.default)
    except (TypeError, ValueError):
        return False


def neuron_kind(part) -> str:
    """``LIF (conductance)``, ``RateUnit``, ``PoissonInput``, ..."""
    from ..model.population import Population

    if not isinstance(part, Population):
        return type(part).__name__
    kind = type(part.model).__name__
    fields = {f.name for f in dataclasses.fields(part.model)}
    return f"{kind} ({part.model.synapse})" if "synapse" in fields else kind


def _population_rules(part) -> tuple:
    from ..model.population import Population

    return part.rules if isinstance(part, Population) else ()


def _rules(rules) -> str:
    if not rules:
        return '<span class="muted">-</span>'
    return ", ".join(f'<span title="{h.esc(describe(r, 400))}">{h.esc(type(r).__name__)}</span>' for r in rules)


def _monitor_rows(model) -> list:
    from ..model.modulators import ModulatorMonitor
    from ..model.monitors import RateMonitor, SpikeMonitor, WeightMonitor

    rows = []
    for mon in model.monitors.values():
        if isinstance(mon, WeightMonitor):
            target = mon.projection
        elif isinstance(mon, ModulatorMonitor):
            target = mon.modulator
        else:
            target = mon.population
        every = ("each spike" if isinstance(mon, SpikeMonitor) else
                 f"{h.number(mon.bin if isinstance(mon, RateMonitor) else mon.interval)} ms")
        rows.append((mon.name, type(mon).__name__, target, every))
    return rows


def _parts_tables(model, sizes, synapse_counts, levels) -> str:
    out = []
    pop_rows = [(h.esc(name), h.esc(neuron_kind(part)), h.esc(sizes(name)), _rules(_population_rules(part)))
                for name, part in model.populations.items()]
    out.append("<h3>Populations</h3>" + h.table(("name", "model", "neurons", "rules"), pop_rows, raw=True,
                                                num_cols=(2,)))
    if model.projections:
        rows = [(h.esc(p.name), h.esc(f"{p.pre} \u2192 {p.post}"), h.esc(describe(p.connectivity)),
                 h.esc(synapse_counts(p.name)), h.esc(describe(p.weight, 40)), h.esc(p.receptor), _rules(p.rules))
                for p in model.projections.values()]
        out.append("<h3>Projections</h3>" + h.table(("name", "pre \u2192 post", "connectivity", "synapses",
                                                      "weight", "receptor", "rules"), rows, raw=True, num_cols=(3,)))
    if model.monitors:
        out.append("<h3>Monitors</h3>" + h.table(("name", "kind", "records", "every"), _monitor_rows(model)))
    if model.modulators:
        rows = [(m.name, h.number(m.tau), h.number(m.baseline), levels(m)) for m in model.modulators.values()]
        out.append("<h3>Modulators</h3>" + h.table(("name", "tau (ms)", "baseline", "level"), rows,
                                                    num_cols=(1, 2, 3)))
    if model.events:
        out.append("<h3>Scheduled topology events</h3>"
                   + h.table(("name", "event"), [(e.name, describe(e)) for e in model.events.values()]))
    return "".join(out)


def model_html(model) -> str:
    """Summary of a :class:`~neuroplastic.Model` (nothing is built)."""
    head = f"<b>Model</b>: {h.esc(_counts(model))}, {h.plural(len(model.monitors), 'monitor')}; dt = {h.number(model.dt)} ms"
    body = _parts_tables(model, lambda n: model.size(n), lambda p: "built at run time",
                         lambda m: f"{h.number(m.start)} (start)")
    return h.box(f"<p>{head}</p>{body}")


def _counts(model) -> str:
    """``2 populations, 1 input, 1 projection``."""
    from ..model.population import Population

    n_pop = sum(isinstance(p, Population) for p in model.populations.values())
    n_in = len(model.populations) - n_pop
    return (f"{h.plural(n_pop, 'population')}, {h.plural(n_in, 'input')}, "
            f"{h.plural(len(model.projections), 'projection')}")


def network_repr(net) -> str:
    """``Network(2 populations, 1 input, 1 projection, t=50.0 ms, seed=1)``."""
    return f"Network({_counts(net.model)}, t={net.t:.1f} ms, seed={net.seed})"


def network_html(net) -> str:
    """Summary of a running :class:`~neuroplastic.Network`: sizes, synapse counts, levels now."""
    def sizes(name):
        n, alive = net.size(name), int(net.alive(name).sum())
        return str(n) if alive == n else f"{alive} of {n} alive"

    head = (f"<b>Network</b> at t = {h.number(net.t)} ms (step {net.step}), dt = {h.number(net.dt)} ms, "
            f"seed {net.seed}")
    log = net.topology_log
    body = _parts_tables(net.model, sizes, lambda p: str(net.synapses(p)[0].size),
                         lambda m: h.number(net.modulator(m.name)))
    if log:
        body += f"<p>{h.plural(len(log), 'topology change')} so far (<code>net.topology_log</code>)</p>"
    return h.box(f"<p>{h.esc(network_repr(net))}</p><p>{head}</p>{body}")


def _metrics_block(metrics: dict) -> str:
    out = []
    targets = [t for t in metrics.get("targets", []) or [] if isinstance(t, dict)]
    if targets:
        out.append(f"<h3>Targets ({sum(bool(t.get('passed')) for t in targets)} of {len(targets)} passed)</h3>"
                   + h.targets_table(targets))
    out.append("<h3>Metrics</h3>" + h.scalar_metrics_table(metrics))
    return "".join(out)


def result_html(result) -> str:
    """Summary of an experiment :class:`~neuroplastic.experiments.base.Result`."""
    out = [f"<p><b>Result</b>: {h.plural(len(result.metrics), 'metric')}, "
           f"{h.plural(len(result.figures), 'figure')}, {h.plural(len(result.recordings), 'recording')}</p>",
           _metrics_block(result.metrics)]
    if result.notes:
        out.append("<h3>Notes</h3><ul>" + "".join(f"<li>{h.esc(n)}</li>" for n in result.notes) + "</ul>")
    if result.figures:
        out.append("<h3>Figures</h3>" + "".join(h.figure(_png(fig), name) for name, fig in result.figures.items()))
    if result.recordings:
        rows = [(name, ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items()))
                for name, arrays in result.recordings.items()]
        out.append("<h3>Recordings</h3>" + h.table(("name", "arrays (shape)"), rows))
    return h.box("".join(out))


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=THUMB_DPI)
    return buf.getvalue()


def record_html(record) -> str:
    """Summary of a run directory read by :func:`~neuroplastic.io.load_run`."""
    from .report import run_status

    label, detail = run_status(record)
    cfg = record.config
    what = (f"experiment {cfg['experiment']} (seed {cfg.get('seed')}, {cfg.get('scale', 'full')} scale)"
            if "experiment" in cfg else "model run: " + ", ".join(
                f"{p.get('name')} ({p.get('n', '?')})" for p in cfg.get("populations", []) + cfg.get("inputs", [])))
    out = [f"<p><b>{h.esc(record.path.name)}</b> {h.badge(label)} <span class=\"muted\">{h.esc(detail)}</span></p>",
           f"<p>{h.esc(what)}</p>", _metrics_block(record.metrics) if record.metrics else ""]
    if record.figures:
        out.append("<h3>Figures</h3>" + "".join(h.figure(f.read_bytes(), f.name, THUMB_WIDTH)
                                                 for f in record.figures))
    if record.recordings:
        out.append(f"<p>Recordings: {h.esc(', '.join(record.recordings))}</p>")
    return h.box("".join(out))
