"""The step loop on several threads: ``Network(model, seed, threads=N)``.

With ``threads`` >= 2 the generated loop (engine/codegen.py) is compiled with
numba's ``parallel`` option restricted to ``prange`` (no automatic
parallelisation of array expressions or reductions, whose order of
floating-point additions could change) and the update of each large neuron
population runs as ONE parallel loop over ``threads`` fixed blocks of
neurons: block ``b`` advances neurons ``[b n // B, (b + 1) n // B)`` with
the range form of the population's kernel on the whole arrays, writes its
spikes into its part of the spike list and its count into a scratch array.
The blocks' spikes are then joined in block order, so the list is the one the
sequential kernel writes, index for index.

Everything else stays sequential: whatever draws random numbers (Poisson
inputs, noise), propagation (several sources add into one target, and the
order of those additions must not change), rules, monitors. Only kernels that
advance every neuron independently of the others and draw no random numbers
are split, and only those with a range form (:data:`BLOCKWISE`): for now the
conductance-based LIF. Other kinds, and populations smaller than
:data:`MIN_NEURONS`, run whole.

Where a kernel finds a non-finite state, the first failing block in order
reports its first failing neuron: the same neuron the sequential kernel
reports (the other blocks have advanced their neurons, which the sequential
kernel would not have; the run stops there either way).
"""
from __future__ import annotations

import contextlib

import numba

from .neurons import lif_conductance_range, lif_conductance_step
from .kinds import NeuronKind

#: Kernels that advance each neuron from its own state and coefficients alone,
#: and their range form ``(..., lo, hi)`` on the whole arrays (a view
#: ``state[:, lo:hi]`` is typed non-contiguous and its kernel does not vectorise).
BLOCKWISE = {lif_conductance_step: lif_conductance_range}

#: Populations with fewer neurons run whole: starting a parallel region costs
#: a few microseconds, the update of 4,096 neurons takes about nine (2.3 ns
#: per neuron; the threshold is not tuned: it was set on a loaded machine).
MIN_NEURONS = 4096

#: numba's ``parallel`` option: explicit ``prange`` loops only.
_PARALLEL = ('{"prange": True, "comprehension": False, "reduction": False, "inplace_binop": False, '
             '"setitem": False, "numpy": False, "stencil": False, "fusion": False}')


def parallel_option(threads: int) -> str:
    """The extra ``@njit`` keyword of the loop (none for one thread: the
    sequential loop's source is unchanged)."""
    return "" if threads <= 1 else f", parallel={_PARALLEL}"


def blockwise(p, threads: int) -> bool:
    """Whether population ``p`` (a PopSpec) is updated in blocks."""
    return (threads > 1 and isinstance(p.kind, NeuronKind) and p.kind.call == NeuronKind.CALL
            and any(p.step is k for k in BLOCKWISE))


def range_name(p) -> str:
    """The global name of population ``p``'s range kernel in the loop."""
    return f"{p.kernel_name}_range"


def range_globals(pops, threads: int) -> dict:
    """Global names -> range kernels of the populations updated in blocks."""
    return {range_name(p): BLOCKWISE[next(k for k in BLOCKWISE if p.step is k)]
            for p in pops if blockwise(p, threads)}


def emit_block_scratch(w, pops, threads: int) -> None:
    """Per blocked population, each block's spike count and non-finite neuron."""
    for p in pops:
        w(1, f"P{p.index}_bc = np.zeros({threads}, np.int64)")
        w(1, f"P{p.index}_bb = np.zeros({threads}, np.int64)")


def emit_blocks(w, p, threads: int, call: str) -> None:
    """The update of population ``p``: in ``threads`` blocks when it has at
    least :data:`MIN_NEURONS` neurons, else the one sequential ``call``."""
    k, kern = p.index, p.kernel_name
    w(2, f"nk = P{k}_state.shape[1]")
    w(2, f"if nk < {MIN_NEURONS}:")
    w(3, f"c{k} = {kern}({call})")
    w(2, "else:")
    w(3, f"for blk in prange({threads}):")
    w(4, f"b0 = blk * nk // {threads}")
    w(4, f"b1 = (blk + 1) * nk // {threads}")
    w(4, f"P{k}_bc[blk] = {range_name(p)}(P{k}_state, P{k}_par, P{k}_ref, P{k}_work, P{k}_spk, "
         f"P{k}_bb[blk:blk + 1], b0, b1)")
    _emit_join(w, k, threads)


def _emit_join(w, k: int, threads: int) -> None:
    """Spikes of the blocks moved together in block order (in place: a spike
    moves down, never onto one not yet moved); a block's failure stops the join."""
    w(3, f"c{k} = 0")
    w(3, f"for blj in range({threads}):")
    w(4, f"first = blj * nk // {threads}")
    w(4, f"if P{k}_bc[blj] < 0:")
    w(5, f"bad[0] = P{k}_bb[blj]")
    w(5, f"c{k} = P{k}_bc[blj]")
    w(5, "break")
    w(4, f"for a in range(P{k}_bc[blj]):")
    w(5, f"P{k}_spk[c{k} + a] = P{k}_spk[first + a]")
    w(4, f"c{k} += P{k}_bc[blj]")


@contextlib.contextmanager
def using(threads: int):
    """numba's thread count set to ``threads`` within the context (restored after)."""
    if threads <= 1:
        yield
        return
    before = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        yield
    finally:
        numba.set_num_threads(before)
