"""``neuroplastic.sweep``: a parameter grid times seeds, run as Dask tasks (docs/sweeps.md).

Sweep directory (default ``<out>/sweep-<target>-<hash of the grid>``, so that
running the same sweep again finds it)::

    sweep.json        the grid: target, scale, swept values, seeds, members
    members/<id>/     one folder per member, holding its run directory(ies)
    results.csv       the aggregate table (one row per member; neuroplastic.sweeps.table)
    failures.json     the failed members with their errors
    summary.png       a metric against the first swept parameter, mean and spread over seeds
"""
from __future__ import annotations

from pathlib import Path

from ..errors import ValidationError
from ..io.atomic import atomic_write_json
from . import table as tables
from .cluster import check_workers, client_for, require_dask, run_tasks
from .grid import OWNER, Grid, make_grid
from .member import MEMBERS_DIR, MemberTask, finished_run, record_of


def sweep(target: str, parameters: dict | None = None, seeds="0", *, scale: str | None = None,
          out="runs", directory=None, scheduler=None, workers: int | None = None,
          metric: str | None = None, log=None) -> tables.SweepTable:
    """Run ``target`` (an experiment name or a ``.toml`` config) for every
    combination of ``parameters`` (name -> list of values) and every seed.

    Args:
        target: experiment name (``neuroplastic list``) or path to a config.
        parameters: swept values, e.g. ``{"a_plus": [0.005, 0.01]}``; for model
            configs the keys are dotted config paths (``inputs[0].rate``).
        seeds: ``"0-19"``, ``"0,3,5"``, an int or a list of ints.
        scale: "full" or "reduced" (experiments; default "full" or the config's).
        out: root folder of the default sweep directory; ``directory``: the sweep
            directory itself (an existing one is continued: finished members are skipped).
        scheduler: an address or scheduler file of a running Dask cluster, or a
            ``distributed.Client``; default a LocalCluster of ``workers`` processes
            (default one per core).
        metric: the metric of the summary figure (default: the experiment's first
            target metric, else the first metric that is not a timing).
        log: called with each member's record as it finishes.

    Returns:
        The aggregate table (also written to ``results.csv``). Failed members are
        rows with status "failed" and their error; they do not stop the others.

    Raises:
        ValidationError: before anything runs or is written, for any bad argument.
        MissingExtra: Dask is not installed (``pip install 'neuroplastic[sweep]'``).
    """
    grid = make_grid(target, dict(parameters or {}), seeds, scale)
    check_workers(workers)
    require_dask()
    folder = Path(directory) if directory is not None else Path(out) / f"sweep-{grid.name}-{grid.fingerprint()}"
    folder = folder.absolute()        # workers of a remote cluster do not share this process's working directory
    _check_same_grid(folder, grid)
    tasks = _tasks(grid, folder)
    metric = _check_metric(grid, metric)
    (folder / MEMBERS_DIR).mkdir(parents=True, exist_ok=True)      # all checks are done: now it is written
    atomic_write_json(folder / tables.GRID_FILE, grid.describe())
    finished = {t.id: finished_run(t.folder) for t in tasks}
    records = [record_of(t, finished[t.id], "complete", reused=True) for t in tasks if finished[t.id] is not None]
    pending = [t for t in tasks if finished[t.id] is None]
    if pending:
        with client_for(scheduler, workers) as client:
            records += run_tasks(client, pending, log)
    return _write_outputs(grid, folder, [t.id for t in tasks], records, metric)


def _tasks(grid: Grid, folder: Path) -> list[MemberTask]:
    fixed = grid.base
    return [MemberTask(m.id, grid.kind, grid.name, m.params, m.seed, grid.scale, fixed,
                       str(folder / MEMBERS_DIR / m.id)) for m in grid.members()]


def _check_same_grid(folder: Path, grid: Grid) -> None:
    """A sweep directory holds one sweep: continuing it with another target or scale is refused."""
    import json

    path = folder / tables.GRID_FILE
    if not path.is_file():
        return
    try:
        old = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    for key, now in (("target", grid.name), ("kind", grid.kind), ("scale", grid.scale)):
        if old.get(key) != now:
            raise ValidationError(OWNER, "--dir", str(folder), f"holds a sweep of {key} {old.get(key)!r}, "
                                  f"not {now!r}: choose another directory")
    if old.get("fixed", grid.fixed_fingerprint()) != grid.fixed_fingerprint():
        raise ValidationError(OWNER, "--dir", str(folder), f"holds a sweep of another version of {grid.source} "
                              f"(its finished members would not be runs of this one): choose another directory")


def _check_metric(grid: Grid, metric):
    if metric is not None and (not isinstance(metric, str) or not metric):
        raise ValidationError(OWNER, "--metric", metric, "must be a metric name (see a run's metrics.json)")
    return metric


def _preferred(grid: Grid) -> list[str]:
    if grid.kind != "experiment":
        return []
    from ..experiments import get

    return [t.metric for t in get(grid.name).targets if grid.scale in t.scales]


def _write_outputs(grid: Grid, folder: Path, order, records, metric) -> tables.SweepTable:
    table = tables.build_table(records, order, list(grid.values), folder)
    tables.write_table(table)
    tables.write_failures(table)
    if metric is not None and metric not in table.columns:
        from ..model._validate import suggestion

        names = [c for c in table.columns if c not in ("member", "seed", *grid.values)]
        raise ValidationError(OWNER, "--metric", metric, f"is not a metric of these runs{suggestion(metric, names)} "
                              f"(the table {table.path} is written)")
    tables.write_figure(table, metric or tables.pick_metric(table, _preferred(grid)))
    return table
