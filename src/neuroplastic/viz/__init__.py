"""Headless plotting for neuroplastic results.

Every function returns a :class:`matplotlib.figure.Figure` built directly
(never via pyplot), so importing or using this package neither needs a display
nor changes matplotlib's global backend. Axes are labelled with units (ms, Hz,
nS, ...). Save with ``fig.savefig(path)``, :func:`neuroplastic.io.atomic_save_figure`
or :meth:`neuroplastic.io.RunDirectory.save_figure`.
"""
from .curves import bar_ratios, frequency_dependence, isi_cv_histogram, stdp_window, time_series
from .raster import population_rate, raster, subsample_indices
from .weights import weight_fractions, weight_histogram, weight_histogram_over_time

__all__ = [
    "isi_cv_histogram",
    "raster",
    "population_rate",
    "subsample_indices",
    "weight_histogram",
    "weight_histogram_over_time",
    "weight_fractions",
    "stdp_window",
    "frequency_dependence",
    "time_series",
    "bar_ratios",
]
