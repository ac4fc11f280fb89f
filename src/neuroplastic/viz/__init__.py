"""Headless plotting for neuroplastic results.

Every function returns a :class:`matplotlib.figure.Figure` built directly
(never via pyplot), so importing or using this package neither needs a display
nor changes matplotlib's global backend. Axes are labelled with units (ms, Hz,
nS, ...); a figure over time uses one time unit, chosen by :func:`time_unit`
from its span (ms, s or min), and accepts ``events=[(t_ms, label)]`` (vertical
lines: lesions, neurogenesis, stimulus changes) and ``phases=[(t0_ms, t1_ms, name)]``
(shaded spans: wake/sleep, learning on/off). Populations and conditions take
colour-blind-safe colours (:func:`population_colours`). Save with
``fig.savefig(path)``, :func:`neuroplastic.io.atomic_save_figure` or
:meth:`neuroplastic.io.RunDirectory.save_figure`.
"""
from .curves import bar_ratios, frequency_dependence, isi_cv_histogram, stdp_window, time_series
from .raster import population_rate, population_raster, raster, subsample_indices
from .style import plain_log_ticks, population_colours
from .timeaxis import events_from_topology, mark_time, sizes_from_topology, time_unit
from .weights import weight_fractions, weight_histogram, weight_histogram_over_time

__all__ = [
    "isi_cv_histogram",
    "raster",
    "population_raster",
    "population_rate",
    "subsample_indices",
    "weight_histogram",
    "weight_histogram_over_time",
    "weight_fractions",
    "stdp_window",
    "frequency_dependence",
    "time_series",
    "bar_ratios",
    "time_unit",
    "mark_time",
    "events_from_topology",
    "sizes_from_topology",
    "population_colours",
    "plain_log_ticks",
]
