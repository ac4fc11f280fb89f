"""Memory a network will need, checked against what the machine has before allocating.

A network that cannot fit is refused with a :class:`ValidationError` that
says how much it would need and how much is available, before anything large
is allocated (``Network()``, ``add_neurons``, scheduled neurogenesis, a
``run`` whose monitors would record more than fits), instead of a raw
``MemoryError`` (or the operating system killing the process) half-way.

Bytes are derived from the engine's array layout (``engine/build.py``,
``engine/synapses.py``):

* per neuron: state rows, parameter columns (one row per neuron at worst),
  ``spk``, ``ref``, ``cnt``, ``act`` (8 B each), ``work`` (3 x 8 B), ``alive``
  (1 B) and 8 B per neuron-rule state variable; a ValueInput's table of values;
* per synapse slot: ``pre``, ``post``, ``w``, ``delay``, ``sid``, ``col_pos``,
  ``branch`` (8 B each), ``alive`` (1 B), the column entries ``col_syn``/``col_pre``
  (16 B) and 8 B per per-synapse rule state variable; there are
  ``(1 + headroom)`` slots per synapse (at least 2 free per row and column);
  plus the id table (16 B per synapse);
* ``reset`` keeps a copy of every array: the peak is twice the above, or
  once the above plus the transient arrays of building the largest
  projection (endpoints, drawn weights and delays, sort orders: ~14 x 8 B per
  synapse) if that is more.

Measured (``AllToAll`` of 1,000-3,000 squared, headroom 0.25, Tsodyks-Markram
with 4 per-synapse variables): 257 B of peak resident memory per synapse;
the estimate is 274 B.

Available memory is the smallest of: ``MemAvailable`` in ``/proc/meminfo``
(or ``os.sysconf`` physical pages where that file does not exist), the
cgroup limit minus usage (v2 ``memory.max``, v1 ``memory.limit_in_bytes``),
and a soft ``RLIMIT_AS`` minus the address space in use. Where none can be
read (other systems) nothing is refused. ``NEUROPLASTIC_MEMORY_CHECK=off``
turns the check off (e.g. with swap the estimate is too strict).
"""
from __future__ import annotations

import math
import os

import numpy as np

from ..errors import ValidationError

PER_SLOT = 7 * 8 + 1 + 2 * 8      # pre, post, w, delay, sid, col_pos, branch; alive; col_syn, col_pre
PER_ID = 2 * 8                    # id table: key and slot
BUILD_TRANSIENT = 14 * 8          # endpoints, weights, delays, orders while a store is built
PER_NEURON = 6 * 8 + 1            # spk, ref, cnt, act, 3 work rows; alive


def available_bytes() -> int | None:
    """Bytes this process can still allocate (see module doc), or None if unknown."""
    found = [x for x in (_meminfo(), _cgroup(), _rlimit()) if x is not None]
    return max(0, min(found)) if found else None


def _meminfo() -> int | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _read_int(path: str) -> int | None:
    try:
        with open(path) as f:
            text = f.read().strip()
        return None if text == "max" else int(text)
    except (OSError, ValueError):
        return None


def _cgroup() -> int | None:
    for limit, usage in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                         ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                          "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        cap, used = _read_int(limit), _read_int(usage)
        if cap is not None and used is not None and cap < 1 << 60:   # v1 writes ~2^63 for "no limit"
            return cap - used
    return None


def _rlimit() -> int | None:
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        if soft == resource.RLIM_INFINITY:
            return None
        with open("/proc/self/statm") as f:
            return soft - int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError, IndexError, AttributeError):
        return None


def check(need: float, owner: str, field: str, what: str) -> None:
    """Refuse with a ValidationError when ``need`` bytes exceed what is available."""
    if os.environ.get("NEUROPLASTIC_MEMORY_CHECK", "").lower() in ("off", "0", "false", "no"):
        return
    have = available_bytes()
    if have is not None and need > have:
        raise ValidationError(owner, field, what,
                              f"would need about {_size(need)} of memory, {_size(have)} available "
                              f"(set NEUROPLASTIC_MEMORY_CHECK=off to try anyway)")


def _size(nbytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB", "PB", "EB"):
        if nbytes < 1000 or unit == "EB":
            return f"{nbytes:.3g} {unit}"
        nbytes /= 1000
    return f"{nbytes:.3g} EB"


# -- the layout ------------------------------------------------------------------

def neuron_bytes(part) -> int:
    """Bytes per neuron of a population or input description (resident, once)."""
    from ..model.population import Population

    if not isinstance(part, Population):
        return PER_NEURON                      # inputs: spk, cnt, act (a ValueInput table: _table_bytes)
    from .kinds import kind_for

    model = part.model
    n_state = len(model.state_variables)
    n_par = kind_for(part).width(model)        # widest coefficient row of its kind (one row per neuron at worst)
    n_rule = sum(len(type(r).neuron_state) for r in getattr(part, "rules", ()))
    return PER_NEURON + 8 * (n_state + n_par + n_rule)


def synapse_bytes(proj, headroom: float) -> float:
    """Resident bytes per synapse of a projection description (once)."""
    n_rule = sum(len(type(r).synapse_state) for r in proj.rules)
    return (PER_SLOT + 8 * n_rule) * (1.0 + headroom) + PER_ID


def _table_bytes(part) -> int:
    """Bytes of a ValueInput's table of values (copied into the network)."""
    from ..model.inputs import ValueInput

    return int(np.asarray(part.values).size) * 8 if isinstance(part, ValueInput) else 0


def expected_synapses(conn, n_pre: int, n_post: int, same: bool) -> float:
    """Synapses a connectivity rule draws (the mean for random ones)."""
    from ..model.connectivity import AllToAll, FixedInDegree, FixedProbability, OneToOne, Pairs

    if isinstance(conn, Pairs):
        return float(len(conn.pre))
    if isinstance(conn, OneToOne):
        return float(min(n_pre, n_post))
    if isinstance(conn, FixedInDegree):
        return float(conn.k) * n_post
    pairs = float(n_pre) * n_post - (min(n_pre, n_post) if same and not conn.allow_self else 0)
    return pairs if isinstance(conn, AllToAll) else pairs * float(conn.p)


def model_bytes(model, headroom: float, sizes: dict | None = None) -> tuple[float, float, float]:
    """(bytes, neurons, synapses) a model needs when built; ``sizes`` overrides
    population sizes (scheduled neurogenesis grows them)."""
    sizes = sizes or {}
    size = {k: float(sizes.get(k, p.n)) for k, p in model.populations.items()}
    resident = sum(size[k] * neuron_bytes(p) + _table_bytes(p) for k, p in model.populations.items())
    largest, synapses = 0.0, 0.0
    for proj in model.projections.values():
        count = expected_synapses(proj.connectivity, size[proj.pre], size[proj.post], proj.pre == proj.post)
        rows = size[proj.pre] + size[proj.post]
        resident += count * synapse_bytes(proj, headroom) + 2 * rows * PER_SLOT + 3 * 8 * rows
        largest, synapses = max(largest, count), synapses + count
    return max(2.0 * resident, resident + largest * BUILD_TRANSIENT), sum(size.values()), synapses


def check_model(model, headroom: float) -> None:
    """Refuse a model (with its scheduled neurogenesis) that cannot fit."""
    from ..model.topology import Neurogenesis

    sizes = {k: p.n for k, p in model.populations.items()}
    for event in model.events.values():
        if isinstance(event, Neurogenesis):
            sizes[event.population] += event.n
    need, neurons, synapses = model_bytes(model, headroom, sizes)
    check(need, "Network", "model", f"{_count(neurons)} neurons and inputs, about {_count(synapses)} synapses"
          + (" (after scheduled neurogenesis)" if sizes != {k: p.n for k, p in model.populations.items()} else ""))


def _count(x: float) -> str:
    return f"{x:.3g}" if x >= 1e6 else f"{int(x)}"


def check_growth(net, pop, n: int) -> None:
    """Refuse ``add_neurons(pop, n)`` when the grown arrays cannot fit: the
    population's arrays and every store from or to it are copied while growing."""
    part = net.model.populations[pop.name]
    need = 2.0 * (pop.n + float(n)) * neuron_bytes(part)
    for pj in net._projs:
        if pop.spec.index not in (pj.spec.pre, pj.spec.post):
            continue
        proj = net.model.projections[pj.name]
        n_pre = net._pops[pj.spec.pre].n + (n if pj.spec.pre == pop.spec.index else 0)
        n_post = net._pops[pj.spec.post].n + (n if pj.spec.post == pop.spec.index else 0)
        grown = expected_synapses(proj.connectivity, n_pre, n_post, pj.spec.pre == pj.spec.post)
        new = max(0.0, grown - expected_synapses(proj.connectivity, net._pops[pj.spec.pre].n,
                                                 net._pops[pj.spec.post].n, pj.spec.pre == pj.spec.post))
        need += 2.0 * (pj.store.capacity + new * (1.0 + net._headroom)) * PER_SLOT + new * BUILD_TRANSIENT
    check(need, "Network.add_neurons", "n", f"{n} neurons in '{pop.name}' (now {pop.n})")


def check_array(shape, owner: str, field: str, what: str, itemsize: int = 8) -> None:
    """Refuse one array of ``shape`` (e.g. a delay buffer) that cannot fit."""
    check(float(math.prod(float(s) for s in shape)) * itemsize, owner, field, what)
