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

Only kernels that advance every neuron independently of the others and draw
no random numbers are split, and only those with a range form
(:data:`BLOCKWISE`, :func:`register_blockwise`): the conductance-based LIF and
:class:`~neuroplastic.model.aif.AIF`. Other kinds, and populations smaller than
:data:`MIN_NEURONS`, run whole.

The spike-triggered rules of a projection whose rules all declare
``local_writes`` (plasticity/rule.py: each hook writes only its synapse's and
its spiking neuron's state) also run in blocks (:func:`parallel_walks`): the
rows of the spiking presynaptic neurons (``on_pre``, ``efficacy``,
``pre_spike``) in ``threads`` blocks of the spike list, each synapse's
transmitted value kept in a scratch array, then delivered sequentially in the
order of one thread; the columns of the spiking postsynaptic neurons
(``on_post``) in blocks of their spike list, each block with its own gather
row. Rows of different neurons are disjoint, and so are columns, so each
weight sees the same operations in the same order as on one thread. A rule's
state is a named tuple, which numba's parallel region cannot take as a whole:
the loop unpacks it into its arrays before the step loop (:func:`emit_unpack`)
and rebuilds it inside each block (:func:`state_rebuilt`).

Everything else stays sequential: whatever draws random numbers (Poisson
inputs, noise), the delivery of spikes (several sources add into one target,
and the order of those additions must not change), other rules, monitors.

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


def register_blockwise(step, range_step) -> None:
    """Declare ``range_step(state, par, ref, work, spk, bad, lo, hi) -> count`` the
    range form of neuron kernel ``step`` (module doc: the same arithmetic per
    neuron, spikes of block ``lo .. hi - 1`` into ``spk[lo:]``); a population whose
    kernel has one is updated in blocks on several threads."""
    BLOCKWISE[step] = range_step

#: Populations with fewer neurons run whole: starting a parallel region costs
#: a few microseconds, the update of 4,096 neurons takes about nine (2.3 ns
#: per neuron; the threshold is not tuned: it was set on a loaded machine).
MIN_NEURONS = 4096

#: A step's row or column walk in blocks only when it visits at least this many
#: synapses: entering a parallel region costs about 2 us on two cores, about the
#: cost of 200-400 STDP updates (measured: W2's 1,000 one-synapse rows per step
#: took 3.2 s on two threads in blocks against 0.17 s whole).
MIN_WALK = 512

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


def parallel_walks(j, threads: int) -> bool:
    """Whether projection ``j`` (a ProjSpec) walks its spiking rows and columns
    in blocks: two or more threads, spike-triggered rules, and every rule
    declaring ``local_writes`` (block projections, which carry no rules, never)."""
    from ..plasticity.rule import OnPost, OnPre

    return (threads > 1 and not j.blockable and any(isinstance(r, (OnPre, OnPost)) for r in j.rules)
            and all(getattr(type(r), "local_writes", False) for r in j.rules))


def effective(pops, projs, threads: int) -> int:
    """The threads the loop is generated for: ``threads`` where a population can
    be updated in blocks or a projection can walk in blocks, else 1 (the
    sequential loop; a loop compiled ``parallel`` without a ``prange`` only gets
    numba's warning that nothing was parallelised). The spikes are the same either way."""
    if threads > 1 and (any(blockwise(p, threads) for p in pops) or any(parallel_walks(j, threads) for j in projs)):
        return threads
    return 1


def _layout(rule) -> list:
    """(field, its named tuple class, its leaf names) of a rule's state, in order."""
    cls = type(rule)
    parts = (("syn", cls._synapse_state_type), ("pre", cls._pre_state_type), ("post", cls._post_state_type),
             ("glob", cls._global_state_type), ("src", cls._src_type), ("dst", cls._dst_type),
             ("mod", cls._mod_type))
    return [(name, nt, nt._fields) for name, nt in parts]


def state_globals(projs, threads: int) -> dict:
    """Global names -> the named tuple classes the blocks rebuild rule states with."""
    out = {}
    for j in projs:
        if parallel_walks(j, threads):
            for r, rule in enumerate(j.rules):
                out[f"J{j.index}R{r}_T"] = type(rule)._state_type
                out[f"J{j.index}R{r}_TP"] = type(rule).Params
                out.update({f"J{j.index}R{r}_T{name}": nt for name, nt, _ in _layout(rule)})
    return out


def emit_unpack(w, j) -> None:
    """Each rule state of projection ``j`` unpacked into named arrays (``J<k>R<r>u_...``:
    apart from the hooks' names such as ``J<k>R<r>_pre_spike``), and its
    parameters into numbers (before the step loop). The parameters too: numba
    rebuilds a named tuple that enters a parallel region by its class name, and
    every rule's parameter class is called ``Params``."""
    for r, rule in enumerate(j.rules):
        for name, _, leaves in _layout(rule):
            for leaf in leaves:
                w(1, f"J{j.index}R{r}u_{name}_{leaf} = J{j.index}R{r}_st.{name}.{leaf}")
        for field in type(rule).Params._fields:
            w(1, f"J{j.index}R{r}u_p_{field} = J{j.index}R{r}_p.{field}")


def state_rebuilt(j, r: int) -> str:
    """The expression that rebuilds rule ``r``'s state of projection ``j`` from its arrays."""
    k = j.index
    parts = [f"J{k}R{r}_T{name}({', '.join(f'J{k}R{r}u_{name}_{leaf}' for leaf in leaves)})"
             for name, _, leaves in _layout(j.rules[r])]
    return f"J{k}R{r}_T({', '.join(parts)})"


def params_rebuilt(j, r: int) -> str:
    """The expression that rebuilds rule ``r``'s parameters of projection ``j`` from its numbers."""
    k = j.index
    fields = type(j.rules[r]).Params._fields
    return f"J{k}R{r}_TP({', '.join(f'J{k}R{r}u_p_{field}' for field in fields)})"


def emit_walk_size(w, count: str, length: str) -> None:
    """``nw``: the synapses this step's walk visits (``length`` per spike ``a`` of
    ``count``), and the test that walks them in one call when they are fewer than
    :data:`MIN_WALK` (the caller writes that call, then the ``else`` branch)."""
    w(2, "nw = 0")
    w(2, f"for a in range({count}):")
    w(3, f"nw += {length}")
    w(2, f"if nw < {MIN_WALK}:")


def emit_block_range(w, depth: int, count: str, threads: int) -> None:
    """Block ``blk``'s part ``[b0, b1)`` of ``count`` items (in a ``prange`` body)."""
    w(depth, f"b0 = blk * {count} // {threads}")
    w(depth, f"b1 = (blk + 1) * {count} // {threads}")


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
