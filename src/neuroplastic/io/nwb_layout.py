"""Where each part of a run goes in an NWB file (see ``docs/nwb.md``).

* ``config.toml`` verbatim -> ``NWBFile.notes``;
* ``spikes_<pop>`` -> rows of ``units`` (columns ``population``, ``neuron_index``);
* ``state_<pop>`` variable ``x`` -> ``acquisition/state_<pop>_<x>``, its neurons in
  ``processing/network/state_<pop>_neurons``;
* ``weights_<proj>`` -> ``acquisition/weights_<proj>``, its synapses in
  ``processing/network/weights_<proj>_synapses``;
* ``modulator_<name>`` -> ``acquisition/modulator_<name>``;
* ``rate_<pop>`` -> ``processing/activity/rate_<pop>``;
* the model and results -> ``processing/network/`` tables ``populations``,
  ``projections``, ``metrics``, ``targets``, ``topology`` (:mod:`.nwb_tables`);
* protocol phases (``metrics["phases"]``) -> ``epochs``, tagged with the phase name.

Times are seconds (ms * 1e-3). Values keep neuroplastic's units; each series'
``unit`` is the SI unit and ``conversion`` the factor to it (mV -> volts 1e-3,
nS -> siemens 1e-9, pA -> amperes 1e-12).
"""
from __future__ import annotations

import uuid
import warnings

import numpy as np
from hdmf.common import VectorData, VectorIndex
from pynwb import NWBFile, TimeSeries
from pynwb.file import Subject
from pynwb.misc import Units

from .nwb_quantities import HERTZ, ONE, Quantities
from .nwb_tables import (metrics_table, populations_table, projections_table, table, targets_table,
                         topology_table)

MS = 1e-3  # seconds per ms


def build_nwbfile(session) -> NWBFile:
    """The in-memory NWBFile of a :class:`~neuroplastic.io.nwb.Session`."""
    from .. import __version__

    q = Quantities(session.config)
    nwb = NWBFile(
        session_description=_describe(session), identifier=_identifier(session),
        session_start_time=session.start_time, session_id=session.name, notes=session.config_text,
        keywords=["simulation", "spiking neural network", "synaptic plasticity", "neuroplastic"],
        was_generated_by=[["neuroplastic", __version__]],
        experiment_description="Simulated network; the resolved configuration is in notes (TOML). "
                               "Units: ms, mV, nS, pF, pA, Hz; times in this file are seconds.",
        subject=_subject(session),
    )
    network = nwb.create_processing_module("network", "Model description: populations, projections, "
                                           "which neurons and synapses were recorded, metrics, topology changes")
    for table in (populations_table(session.config), projections_table(session.config),
                  metrics_table(session.metrics), targets_table(session.metrics), topology_table(session.metrics)):
        if table is not None:
            network.add(table)
    for phase in session.metrics.get("phases") or []:   # protocol phases (wake, sleep ...) as epochs
        nwb.add_epoch(start_time=float(phase["t0_ms"]) * MS, stop_time=float(phase["t1_ms"]) * MS,
                      tags=[str(phase["name"])])
    units = _units_table([r for r in session.recordings if r.kind == "spikes"], session.sizes, q.dt_seconds())
    if units is not None:
        nwb.units = units
    activity = None
    for rec in session.recordings:
        if rec.kind == "state":
            _add_state(nwb, network, rec, q)
        elif rec.kind == "weights":
            _add_weights(nwb, network, rec, q)
        elif rec.kind == "modulator":
            _add_series(nwb.add_acquisition, rec.name, rec.arrays["level"], rec.arrays["t"], ONE,
                        f"level of modulator '{rec.owner}' (dimensionless)", "continuous")
        elif rec.kind == "rate":
            activity = activity or nwb.create_processing_module(
                "activity", "Population rates (Hz) binned from spikes by RateMonitor")
            _add_series(activity.add, rec.name, rec.arrays["rate"], rec.arrays["t"], HERTZ,
                        f"rate of population '{rec.owner}' averaged over its living neurons, in Hz, "
                        f"per bin starting at each time", "step")
    return nwb


def _describe(session) -> str:
    cfg = session.config
    if "experiment" in cfg:
        return (f"neuroplastic experiment '{cfg['experiment']}' (seed {cfg.get('seed')}, "
                f"{cfg.get('scale', 'full')} scale), run {session.name}")
    pops = ", ".join(f"{p['name']} ({p['n']})" for p in cfg.get("populations", []) if "n" in p)
    duration = cfg.get("simulation", {}).get("duration")
    return f"neuroplastic simulation {session.name}: populations {pops or 'none'}; {duration} ms"


def _subject(session) -> Subject:
    """The simulated network as the session's subject: built at the session start
    (its date of birth); sex does not apply ('O', other); species only if given."""
    return Subject(subject_id=session.name, date_of_birth=session.start_time, sex="O", species=session.species,
                   description="an in-silico spiking network simulated by neuroplastic (no animal); it was "
                               "built at the session start; sex does not apply")


def _identifier(session) -> str:
    """A lab-neutral unique id: a UUID derived from the run name and its config."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"neuroplastic:{session.name}:{session.config_text}"))


# -------------------------------------------------------------------------------- series

def _timing(t_ms: np.ndarray) -> dict:
    """``starting_time`` + ``rate`` (Hz) for regular samples, else ``timestamps`` (s)."""
    t = np.asarray(t_ms, dtype=np.float64)
    if t.size >= 2:
        step = (t[-1] - t[0]) / (t.size - 1)
        if step > 0 and np.all(np.abs(np.diff(t) - step) <= 1e-6 * step):
            return {"starting_time": float(t[0]) * MS, "rate": 1.0 / (step * MS)}
    return {"timestamps": t * MS}


def _add_series(add, name, data, t_ms, quantity, description, continuity) -> None:
    unit, conversion, stored = quantity
    if not np.asarray(t_ms).size:
        return
    note = "" if conversion == 1.0 else f"; stored in {stored}, multiply by conversion ({conversion:g}) for {unit}"
    add(TimeSeries(name=name, data=np.asarray(data), unit=unit, conversion=conversion,
                   description=description + note, continuity=continuity, **_timing(t_ms)))


def _add_state(nwb, network, rec, q) -> None:
    """One TimeSeries (n_samples, n_neurons) per variable when there are at least as
    many samples as neurons; otherwise each neuron's trajectory is a row of the
    neuron table (one column per variable), timed by ``<name>_<var>_mean`` (see
    :func:`_add_weights` for why)."""
    index, t = rec.arrays["index"], rec.arrays["t"]
    if not t.size:
        return
    neurons = f"{rec.name}_neurons"
    columns = dict(neuron_index=(index, f"index of the neuron in population '{rec.owner}'"))
    wide = index.size > t.size
    for var, values in rec.arrays.items():
        if var in ("t", "index"):
            continue
        unit, conversion, stored = q.state(rec.owner, var)
        what = f"state variable '{var}' of population '{rec.owner}' ({q.model(rec.owner)})"
        if not wide:
            _add_series(nwb.add_acquisition, f"{rec.name}_{var}", values, t, (unit, conversion, stored),
                        f"{what}, one column per recorded neuron (processing/network/{neurons}); NaN before a "
                        f"neuron existed", "continuous")
            continue
        _add_series(nwb.add_acquisition, f"{rec.name}_{var}_mean", _nan_mean_rows(values), t, (unit, conversion, stored), f"mean over the recorded neurons of {what}; each "
                    f"neuron's values at these times are the rows of processing/network/{neurons}, column {var}",
                    "continuous")
        columns[var] = (np.ascontiguousarray(values.T), f"{what} in {stored} at the sample times of "
                                                        f"acquisition/{rec.name}_{var}_mean (NaN before a neuron "
                                                        f"existed; multiply by {conversion:g} for {unit})")
    where = ("one row per neuron with its trajectories" if wide else
             f"the neurons whose state {rec.name}_* records, in column order")
    network.add(table(neurons, where, **columns))


def _nan_mean_rows(values: np.ndarray) -> np.ndarray:
    """Row means ignoring NaN (neurons not yet born); NaN for an all-NaN row, silently."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=1)


def _add_weights(nwb, network, rec, q) -> None:
    """A weight recording as a TimeSeries (n_samples, n_synapses) when it has at least
    as many samples as synapses; otherwise (the common 10,000 synapses x 100 samples)
    each synapse's trajectory is a row of the synapse table (column ``w``) and the
    sample times are those of ``acquisition/<name>_mean`` (the mean weight): NWB puts
    time first, and nwbinspector flags a series wider than long as critical."""
    a = rec.arrays
    if not a["t"].size:
        return
    columns = dict(pre=(a["pre"], "presynaptic neuron index"), post=(a["post"], "postsynaptic neuron index"))
    unit, conversion, stored = q.weight(rec.owner)
    if a["w"].shape[0] >= a["w"].shape[1]:
        _add_series(nwb.add_acquisition, rec.name, a["w"], a["t"], (unit, conversion, stored),
                    f"weights of projection '{rec.owner}', one column per synapse "
                    f"(processing/network/{rec.name}_synapses gives pre and post)", "step")
        where = f"in the column order of acquisition/{rec.name}"
    else:
        _add_series(nwb.add_acquisition, f"{rec.name}_mean", a["w"].mean(axis=1), a["t"], (unit, conversion, stored),
                    f"mean weight of the recorded synapses of projection '{rec.owner}'; each synapse's "
                    f"weights at these times are the rows of processing/network/{rec.name}_synapses, column "
                    f"w", "step")
        columns["w"] = (np.ascontiguousarray(a["w"].T), f"weights in {stored} at the sample times of "
                                                       f"acquisition/{rec.name}_mean (multiply by {conversion:g} "
                                                       f"for {unit})")
        where = f"one row per synapse, with its weight trajectory (w); times: acquisition/{rec.name}_mean"
    network.add(table(f"{rec.name}_synapses", f"synapses of projection '{rec.owner}', {where}", **columns))


# -------------------------------------------------------------------------------- spikes

def _units_table(recordings, sizes: dict, resolution: float | None) -> Units | None:
    """One row per neuron of every population with a spikes recording (None if
    there is none); each neuron's spike times in s, ascending."""
    times, counts, pops, index = [], [], [], []
    for rec in recordings:
        i, t = rec.arrays["i"], rec.arrays["t"]
        n = max(sizes.get(rec.owner, 0), int(i.max()) + 1 if i.size else 0)
        if n == 0:
            continue
        order = np.lexsort((t, i))   # by neuron, then time
        times.append(t[order] * MS)
        counts.append(np.bincount(i, minlength=n))
        pops += [rec.owner] * n
        index.append(np.arange(n, dtype=np.int64))
    if not pops:
        return None
    spike_times = VectorData(name="spike_times", description="spike times (s) of each neuron",
                             data=np.concatenate(times))
    ends = np.cumsum(np.concatenate(counts)).astype(np.int64)
    columns = [spike_times, VectorIndex(name="spike_times_index", data=ends, target=spike_times),
               VectorData(name="population", description="population the neuron belongs to", data=pops),
               VectorData(name="neuron_index", description="index of the neuron within its population",
                          data=np.concatenate(index))]
    kwargs = {} if resolution is None else {"resolution": resolution}
    return Units(name="units", description="neurons of the simulated populations (no electrodes); spike "
                                           "time = time step of the threshold crossing", columns=columns,
                 **kwargs)
