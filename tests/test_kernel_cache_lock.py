"""Two processes that need the same new kernel at once: one compiles, the other
waits on the cache lock and loads its machine code; both simulate the same
spikes and the cache stays loadable by a third process."""
import multiprocessing as mp
import sys

import numpy as np
import pytest

import neuroplastic as npl


def _model():
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("x", 30, rate=40.0))
    m.add(npl.Population("n", 8, npl.LIF(synapse="current"), initial={"v": npl.Uniform(-70.0, -55.0)}))
    m.add(npl.Projection("p", "x", "n", npl.AllToAll(), weight=60.0))
    m.add(npl.SpikeMonitor("n"))
    return m


def _simulate(barrier, queue):
    """In a child: build, wait for the sibling, run; report spikes and whether numba compiled."""
    for name in [m for m in sys.modules if m.startswith("np_")]:   # forget kernels the parent loaded:
        del sys.modules[name]                                      # the child starts as a new process would
    net = npl.Network(_model(), seed=7)
    if barrier is not None:
        barrier.wait(timeout=60)
    net.run(100.0)
    i, t = net.spikes("n")
    stats = net._advance.stats
    queue.put((i.tolist(), t.tolist(), sum(stats.cache_misses.values()), sum(stats.cache_hits.values())))


def _in_children(n, barrier):
    ctx = mp.get_context("fork")    # the children start from this process: no import, no sys.path games
    queue = ctx.Queue()
    procs = [ctx.Process(target=_simulate, args=(barrier, queue)) for _ in range(n)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return results


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs the fork start method")
def test_two_processes_compiling_one_new_kernel_at_once(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROPLASTIC_CACHE_DIR", str(tmp_path / "kernels"))   # empty: the kernel is new
    both = _in_children(2, mp.get_context("fork").Barrier(2))
    (i0, t0, miss0, hit0), (i1, t1, miss1, hit1) = both
    assert len(t0) > 10
    assert (i0, t0) == (i1, t1)                       # same seed, same spikes, compiled or loaded
    assert sorted([miss0, miss1]) == [0, 1]           # exactly one compiled ...
    assert sorted([hit0, hit1]) == [0, 1]             # ... and the other loaded its machine code
    [(i2, t2, miss2, hit2)] = _in_children(1, None)   # the cache is intact for a later process
    assert (miss2, hit2) == (0, 1) and (i2, t2) == (i0, t0)
    assert len(list((tmp_path / "kernels").glob("np_*.py"))) == 1
    assert not list((tmp_path / "kernels").rglob("*.tmp*"))   # no half-written file left behind


def test_a_cache_where_no_lock_file_can_be_made_is_used_unlocked(monkeypatch):
    from neuroplastic.engine import cache

    class ReadOnly:
        def __init__(self, path):
            self.path = path

        def acquire(self):
            raise PermissionError(13, "Permission denied", str(self.path))

    monkeypatch.setattr(cache, "FileLock", ReadOnly)
    entered = []
    with cache.kernel_lock("np_readonly"):
        entered.append(True)
    assert entered == [True]
