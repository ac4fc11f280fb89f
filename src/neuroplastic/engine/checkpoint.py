"""The complete state of a running network, taken and put back (docs/checkpoints.md).

A :class:`Snapshot` is a flat ``name -> numpy array`` table plus a small
JSON-able ``meta`` dict. It holds everything a network changes while it runs:

* per population or input: every array the compiled loop reads or writes
  (state, parameters, refractory counters, delay ring buffers ``B0``/``B1``
  with the spikes still in flight, Poisson next positions and rate tables,
  spike-time pointers, spike counters, ``alive`` masks, activity) and its size
  (neurogenesis grows it);
* per projection: the synapse store (rows, column index, weights, delays,
  ids, free capacity) and every rule's own state (per synapse, per pre/post
  neuron, global); the parts of a rule-state tuple that view neuron variables
  (``src``, ``dst``, ``var``) and modulator levels (``mod``) are not stored:
  they are bound again to the network's arrays;
* modulator levels and release-schedule pointers, the kernel's xoshiro state,
  the runaway-check windows, the step counter;
* recordings so far; the structural rules' and topology events' numpy
  generators, schedules and logs; the protocol's position (current phase,
  next change, phase log), its rule scales and modulator baselines.

:func:`capture` takes one, :func:`apply` puts one into a network built from the
same model (in place where shapes agree, so live views stay valid; grown or
shrunk arrays are replaced). ``Network.store``/``restore`` keep snapshots in
memory; ``Network.save``/``load`` write them with :mod:`neuroplastic.io.checkpoint`.
"""
from __future__ import annotations

import copy as _copy
import dataclasses
import hashlib
import warnings
from dataclasses import dataclass

import numba
import numpy as np

from .recorders import RateRecorder, SpikeRecorder, StateRecorder, WeightRecorder
from .structure import Structure
from .topology import Topology


@dataclass
class Snapshot:
    """The state of a network: ``arrays`` (name -> array) and ``meta`` (JSON-able)."""

    arrays: dict
    meta: dict


class Mismatch(Exception):
    """A snapshot does not fit the network it is applied to (names the array)."""


# -- taking a snapshot -----------------------------------------------------------

def capture(net, copy: bool = True) -> Snapshot:
    """The network's state now; ``copy=False`` shares arrays (for an immediate write)."""
    arrays, meta = {}, {"step": int(net.step), "pops": {}, "count_base": sorted(net._count_base)}

    def put(key, value):
        arrays[key] = np.array(value, copy=True) if copy else np.asarray(value)

    put("net/rng", net._rng)
    put("net/win", net._win)
    put("net/win_limit", net._win_limit)
    for name, base in net._count_base.items():
        put(f"net/count_base/{name}", base)
    put("mod/level", net._mods.level)
    for k, q in enumerate(net._mods.schedules):
        if q is not None:
            put(f"mod/ptr{k}", q[2])
    for p in net._pops:
        meta["pops"][p.name] = int(p.n)
        for key, value in p.arrays.items():
            put(f"pop/{p.name}/{key}", value)
        for r, st in enumerate(p.rule_states):
            _put_rule(put, f"pop/{p.name}/rule{r}", st, ("neuron", "glob"))
    for pj in net._projs:
        for f in dataclasses.fields(pj.store):
            put(f"proj/{pj.name}/store/{f.name}", getattr(pj.store, f.name))
        for r, st in enumerate(pj.rule_states):
            _put_rule(put, f"proj/{pj.name}/rule{r}", st, ("syn", "pre", "post", "glob"))
    meta["recorders"] = {r.monitor.name: _capture_recorder(r, f"rec/{r.monitor.name}", put)
                         for r in net._recorders}
    meta["structure"] = _capture_structure(net._structure)
    meta["topology"] = _capture_topology(net._topology, put)
    meta["phases"] = net._phases.capture(put)
    return Snapshot(arrays, _copy.deepcopy(meta) if copy else meta)


def _put_rule(put, prefix, state, parts) -> None:
    for part in parts:
        values = getattr(state, part)
        for field, arr in zip(values._fields, values):
            put(f"{prefix}/{part}/{field}", arr)


def _merged(chunks, steps):
    """Consecutive recording chunks of equal sample shape joined into one
    (``data()`` concatenates them anyway; neurogenesis changes the shape)."""
    groups = []
    for c, s in zip(chunks, steps):
        if groups and groups[-1][0][-1].shape[1:] == c.shape[1:]:
            groups[-1][0].append(c)
            groups[-1][1].append(s)
        else:
            groups.append(([c], [s]))
    return [(np.concatenate(cs), np.concatenate(ss)) for cs, ss in groups]


def _capture_recorder(r, prefix, put) -> dict:
    if isinstance(r, SpikeRecorder):
        k = int(r.n[0])
        put(f"{prefix}/i", r.i[:k])
        put(f"{prefix}/t", r.t[:k])
        return {"capacity": len(r.i)}
    if isinstance(r, RateRecorder):
        put(f"{prefix}/counts", r.counts)
        put(f"{prefix}/neuron_steps", r.neuron_steps)
        return {"end": int(r.end)}
    groups = _merged(r.chunks, r.steps)
    for g, (chunk, steps) in enumerate(groups):
        put(f"{prefix}/chunk{g}", chunk)
        put(f"{prefix}/steps{g}", steps)
    if isinstance(r, WeightRecorder):
        put(f"{prefix}/slots", r.slots)
    elif type(r) is StateRecorder:
        put(f"{prefix}/idx", r.idx)
    return {"chunks": len(groups)}


def _capture_structure(structure) -> dict | None:
    if structure is None:
        return None
    return {"rng": structure.rng.bit_generator.state, "done": int(structure._done),
            "edits": sorted(int(k) for k in structure._edits)}


def _capture_topology(topology, put) -> dict | None:
    if topology is None:
        return None
    for name, (_, counts) in topology._checked.items():
        put(f"topo/checked/{name}", counts)
    for name, born in topology._born.items():
        put(f"topo/born/{name}", born)
    return {"rng": topology.rng.bit_generator.state, "resized": bool(topology.resized),
            "next": int(topology._next), "checked": {k: int(v[0]) for k, v in topology._checked.items()},
            "born": sorted(topology._born), "log": topology.log}


# -- putting a snapshot back ---------------------------------------------------------

class _Source:
    """Reads a snapshot's arrays: copies them (in-process snapshots stay intact)
    or hands them over (a file just read); checks dtypes against the network."""

    def __init__(self, snap: Snapshot, copy: bool):
        self.arrays, self.copy = snap.arrays, copy

    def get(self, key: str) -> np.ndarray:
        if key not in self.arrays:
            raise Mismatch(f"array '{key}' is missing")
        a = self.arrays[key]
        return a.copy() if self.copy else a

    def into(self, key: str, live):
        """The value for a live entry: ``live`` itself updated in place when the
        shapes agree, the saved array when they do not, a scalar of the live
        type for scalars."""
        if key not in self.arrays:
            raise Mismatch(f"array '{key}' is missing")
        saved = self.arrays[key]
        if not isinstance(live, np.ndarray):
            return type(live)(saved[()]) if saved.ndim == 0 else self._bad(key, live, saved)
        if saved.dtype != live.dtype or saved.ndim != live.ndim:
            self._bad(key, live, saved)
        if saved.shape == live.shape:
            live[...] = saved
            return live
        return self.get(key)

    def fill(self, key: str, live: np.ndarray) -> None:
        """Copy into ``live``, which others hold (shapes must agree)."""
        if self.into(key, live) is not live:
            self._bad(key, live, self.arrays[key])

    @staticmethod
    def _bad(key, live, saved):
        raise Mismatch(f"array '{key}' is {saved.dtype}{list(saved.shape)}, the network holds "
                       f"{getattr(live, 'dtype', type(live).__name__)}{list(np.shape(live))}")


def apply(net, snap: Snapshot, copy: bool = True) -> None:
    """Put ``snap`` into ``net`` (built from the same model). Raises
    :class:`Mismatch` when an array is missing or of another type."""
    src, meta = _Source(snap, copy), snap.meta
    if set(meta["pops"]) != {p.name for p in net._pops}:
        raise Mismatch(f"populations {sorted(meta['pops'])} differ from the network's")
    src.fill("net/rng", net._rng)
    src.fill("net/win", net._win)
    net._win_limit = src.into("net/win_limit", net._win_limit)
    net._status[...] = 0
    net._count_base = {name: src.get(f"net/count_base/{name}") for name in meta["count_base"]}
    src.fill("mod/level", net._mods.level)   # in place: rules hold views of it
    for k, q in enumerate(net._mods.schedules):
        if q is not None:
            src.fill(f"mod/ptr{k}", q[2])
    for p in net._pops:
        p.n = int(meta["pops"][p.name])
        for key in list(p.arrays):
            p.arrays[key] = src.into(f"pop/{p.name}/{key}", p.arrays[key])
    _apply_rules(net, src)
    for pj in net._projs:
        for f in dataclasses.fields(pj.store):
            key = f"proj/{pj.name}/store/{f.name}"
            if f.name == "branch" and key not in src.arrays:   # saved before branches existed: none
                pj.store.branch = np.zeros(pj.store.w.shape[0], np.int64)
                continue
            setattr(pj.store, f.name, src.into(key, getattr(pj.store, f.name)))
    _apply_structure(net, meta["structure"])   # before the recorders: new edits note build-time slots
    _apply_topology(net, meta["topology"], src)
    if "phases" in meta:   # checkpoints written before protocols existed have none
        net._phases.restore(meta["phases"], src)
    for r in net._recorders:
        _apply_recorder(r, f"rec/{r.monitor.name}", meta["recorders"][r.monitor.name], src)
    if net._structure is not None:
        for edit in net._structure._edits.values():
            edit._sync_monitors()
    net.step = int(meta["step"])


def _apply_rules(net, src: _Source) -> None:
    """Rule state: own arrays from the snapshot, views bound again to the
    network's (possibly replaced) neuron arrays and modulator levels."""
    mods = net._mods
    for p in net._pops:
        for r, (rule, st) in enumerate(zip(p.spec.rules, p.rule_states)):
            own = _own_parts(src, f"pop/{p.name}/rule{r}", st, ("neuron", "glob"))
            var = type(st.var)(*[p.variable(v) for v in rule.reads])
            p.rule_states[r] = type(st)(*own, var, type(st.mod)(**mods.views_for(rule)))
    for pj in net._projs:
        pre, post = net._pops[pj.spec.pre], net._pops[pj.spec.post]
        for r, (rule, st) in enumerate(zip(pj.spec.rules, pj.rule_states)):
            own = _own_parts(src, f"proj/{pj.name}/rule{r}", st, ("syn", "pre", "post", "glob"))
            views = (type(st.src)(*[pre.variable(v) for v in rule.pre_reads]),
                     type(st.dst)(*[post.variable(v) for v in rule.post_reads]),
                     type(st.mod)(**mods.views_for(rule)))
            pj.rule_states[r] = type(st)(*own, *views)


def _own_parts(src, prefix, state, parts) -> list:
    out = []
    for part in parts:
        values = getattr(state, part)
        out.append(type(values)(*[src.into(f"{prefix}/{part}/{f}", a) for f, a in zip(values._fields, values)]))
    return out


def _apply_structure(net, meta) -> None:
    if meta is None:
        net._structure = None   # none existed then: nothing was edited before that point
        return
    if net._structure is None:
        net._structure = Structure(net)
    s = net._structure
    s.rng.bit_generator.state = meta["rng"]
    s._done = int(meta["done"])
    for k in meta["edits"]:
        s.edit(int(k))


def _apply_topology(net, meta, src: _Source) -> None:
    if meta is None:
        net._topology = None
        return
    if net._topology is None:
        net._topology = Topology(net)
    t = net._topology
    t.rng.bit_generator.state = meta["rng"]
    t.resized, t._next = bool(meta["resized"]), int(meta["next"])
    t._checked = {name: (int(step), src.get(f"topo/checked/{name}")) for name, step in meta["checked"].items()}
    t._born = {name: src.get(f"topo/born/{name}") for name in meta["born"]}
    t.log = _copy.deepcopy(meta["log"])


def _apply_recorder(r, prefix, meta, src: _Source) -> None:
    if isinstance(r, SpikeRecorder):
        i, t = src.get(f"{prefix}/i"), src.get(f"{prefix}/t")
        r.i = np.zeros(max(int(meta["capacity"]), len(i)), np.int64)
        r.t = np.zeros_like(r.i)
        r.i[: len(i)], r.t[: len(t)] = i, t
        r.n = np.array([len(i)], np.int64)
        return
    if isinstance(r, RateRecorder):
        counts, cover = src.get(f"{prefix}/counts"), src.get(f"{prefix}/neuron_steps")
        r._counts, r._cover, r.nbins = counts.copy(), cover.copy(), len(counts)
        r.end = int(meta["end"])
        return
    r.chunks = [src.get(f"{prefix}/chunk{g}") for g in range(int(meta["chunks"]))]
    r.steps = [src.get(f"{prefix}/steps{g}") for g in range(int(meta["chunks"]))]
    if isinstance(r, WeightRecorder):
        src.fill(f"{prefix}/slots", r.slots)
    elif type(r) is StateRecorder:
        r.idx = src.get(f"{prefix}/idx")


# -- identity of the compiled loop ------------------------------------------------------

def kernel_digest(net) -> str:
    """SHA-256 of the generated step loop and the sources of the kernels and
    rule hooks it calls: equal digests run the same compiled code (the
    condition for bit-for-bit continuation)."""
    from .cache import kernel_sources

    return hashlib.sha256("\n".join([net.kernel_source, *kernel_sources(net)]).encode()).hexdigest()


# -- files and pickling ------------------------------------------------------------------

def save(net, path, metadata=None):
    """Write ``net``'s state to a checkpoint file (io/checkpoint.py); returns the path."""
    from ..io.atomic import to_jsonable
    from ..io.checkpoint import write_checkpoint
    from ..io.description import describe

    if net._description is None:   # checked once: the model does not change while it runs
        net._description = describe(net.model, net.seed)
    text, model_arrays = net._description
    snap = capture(net, copy=False)
    manifest = {"seed": net.seed, "headroom": float(net._headroom), "threads": int(net.threads), "dt": net.dt,
                "step": net.step,
                "t_ms": net.t, "kernel_sha256": kernel_digest(net), "state": snap.meta,
                "metadata": to_jsonable(metadata or {})}
    return write_checkpoint(path, manifest, text, {**model_arrays, **snap.arrays})


def load(cls, path, threads=None):
    """A network of class ``cls`` continuing from a checkpoint file, on
    ``threads`` threads (None: the saved number, at most the available ones;
    any number continues with the same spikes)."""
    from .. import __version__
    from ..errors import ValidationError
    from ..io.checkpoint import read_checkpoint
    from ..io.description import read_model

    ck = read_checkpoint(path)
    m = ck.manifest
    owner = f"checkpoint '{path}'"
    saved = int(m.get("threads", 1))
    if threads is None:
        threads = max(1, min(saved, numba.config.NUMBA_NUM_THREADS))
    net = cls(read_model(ck.model, ck.arrays, owner), seed=int(m["seed"]), headroom=float(m["headroom"]),
              threads=threads)
    # the loop compiled for another number of threads differs by construction, not by version
    same_loop = m.get("kernel_sha256") == kernel_digest(net) or net.threads != saved
    if not same_loop or m.get("neuroplastic_version") != __version__:
        other = "" if same_loop else " and builds another compiled step loop"
        warnings.warn(f"{owner} was written by neuroplastic {m.get('neuroplastic_version')}; this is "
                      f"{__version__}{other}: the run continues, but not necessarily bit for bit",
                      UserWarning, stacklevel=3)
    try:
        apply(net, Snapshot(ck.arrays, m["state"]), copy=False)
    except (Mismatch, KeyError, TypeError, ValueError) as e:
        raise ValidationError(owner, "state", str(e),
                              "must fit the model saved with it (the file is corrupt or was edited)") from None
    return net


def rebuild(model, seed, headroom, snap: Snapshot, threads: int = 1):
    """Unpickle a network: build it from its model, then put its state back
    (on as many threads as it ran, at most the available ones)."""
    from .network import Network

    net = Network(model, seed=seed, headroom=headroom, threads=max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))
    apply(net, snap, copy=False)
    return net
