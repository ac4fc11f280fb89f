"""Saving and loading simulation output.

* :mod:`~neuroplastic.io.atomic` -- atomic writers (temp file + fsync + ``os.replace``).
* :mod:`~neuroplastic.io.digest` -- short SHA-256 digests of JSON-able values.
* :mod:`~neuroplastic.io.rundir` -- one folder per run (config, metrics, figures,
  recordings, log) and :func:`load_run` to read it back.

The on-disk layout is described in ``docs/run-directory.md``.
"""
from .atomic import (atomic_save_figure, atomic_save_npy, atomic_save_npz, atomic_write_bytes,
                     atomic_write_json, atomic_write_text, atomic_write_toml,
                     remove_stale_temp_files, stale_temp_files, to_jsonable)
from .digest import json_digest
from .rundir import RunDirectory, RunRecord, load_run, sweep_stale_temp_files

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_json",
    "atomic_write_toml",
    "atomic_save_npy",
    "atomic_save_npz",
    "atomic_save_figure",
    "to_jsonable",
    "json_digest",
    "stale_temp_files",
    "remove_stale_temp_files",
    "RunDirectory",
    "RunRecord",
    "load_run",
    "sweep_stale_temp_files",
]
