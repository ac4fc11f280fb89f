"""Sweeps and seed ensembles on Dask (docs/sweeps.md).

:func:`sweep` runs a target (an experiment or a ``.toml`` config) for every
combination of the swept parameters and every seed, as Dask tasks, each member
into its own run directory, and returns the aggregate table
(:class:`~.table.SweepTable`). Dask (``neuroplastic[sweep]``) is imported only
when a sweep runs.
"""
from .api import sweep
from .grid import parse_seeds, parse_set
from .table import SweepTable, read_table

__all__ = ["SweepTable", "parse_seeds", "parse_set", "read_table", "sweep"]
