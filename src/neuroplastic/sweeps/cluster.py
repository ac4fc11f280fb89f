"""Running sweep members as Dask tasks (``neuroplastic[sweep]``: dask.distributed).

By default a :class:`distributed.LocalCluster` with one single-threaded worker
process per core (the engine's loops hold the GIL: processes, not threads, run
side by side); ``scheduler`` names an existing cluster instead (an address such
as ``tcp://10.0.0.5:8786``, a scheduler file, or a ``distributed.Client``), for
instance one started on a SLURM allocation with dask-jobqueue (docs/sweeps.md).
Dask is imported here only, when a sweep runs.
"""
from __future__ import annotations

import contextlib
import os
import uuid

from ..errors import MissingExtra, ValidationError
from .member import MemberTask, record_of, run_member

INSTALL = "pip install 'neuroplastic[sweep]'"


def require_dask():
    """The ``distributed`` module, or MissingExtra saying how to install it."""
    try:
        import distributed
    except ImportError as exc:
        raise MissingExtra(f"sweeps run on Dask, which is not installed: {INSTALL}") from exc
    return distributed


def check_workers(workers) -> int | None:
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ValidationError("neuroplastic sweep", "--workers", workers, "must be a positive integer")
    return workers


@contextlib.contextmanager
def client_for(scheduler=None, workers: int | None = None):
    """A ``distributed.Client``: the one given, one connected to ``scheduler``
    (an address or a scheduler file), or one on a new LocalCluster of ``workers``
    single-threaded processes (default: one per core). Closed on exit unless given."""
    distributed = require_dask()
    if isinstance(scheduler, distributed.Client):
        yield scheduler
        return
    if scheduler is not None:
        key = "scheduler_file" if str(scheduler).endswith(".json") else "address"
        with distributed.Client(**{key: str(scheduler)}) as client:
            yield client
        return
    n = workers or _cores()
    with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield client


def _cores() -> int:
    """The cores this process may use (a SLURM or container allocation, not the whole machine)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:      # not on Linux
        return os.cpu_count() or 1


def run_tasks(client, tasks: list[MemberTask], log=None) -> list[dict]:
    """Submit every task; collect one record per task, in the order they finish.

    A member whose run raised is a "failed" record from :func:`run_member`; a
    task that Dask itself lost (a worker killed, say) becomes one here, so
    neither stops the others.
    """
    distributed = require_dask()
    if not tasks:
        return []
    token = uuid.uuid4().hex[:8]        # this submission's keys: never a result cached from an earlier one
    # one submission per member, so that a task Dask cannot even unpack fails alone, not the whole batch
    futures = [client.submit(run_member, t, key=f"neuroplastic-{t.id}-{token}", pure=False) for t in tasks]
    by_key = {f.key: t for f, t in zip(futures, tasks)}
    records = []
    for future in distributed.as_completed(futures):
        task = by_key[future.key]
        try:
            record = future.result()
        except Exception as exc:
            record = record_of(task, None, "failed", f"{type(exc).__name__}: {exc}")
        records.append(record)
        if log is not None:
            log(record)
        future.release()
    return records
