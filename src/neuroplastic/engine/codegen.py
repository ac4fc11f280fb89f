"""Generate the compiled step loop for one network structure.

The loop is specialised to the network's structure (which populations, which
neuron kernels, which projections and which rule hooks, in which order) and takes
every array as an argument, so changing sizes or parameter values never
recompiles. Population kernels (registered kinds, engine/kinds.py) and rule hooks
are numba functions bound as globals of the generated module; the module lives
in an on-disk cache keyed by a hash of its source, the kernels' and rule hooks'
sources and the engine's own sources, so a new process loads the compiled
machine code instead of compiling again.

Status codes written to ``status[0]``: 0 finished, 1 non-finite state,
2 runaway activity, 3 spike-monitor buffer full (``status[1]`` = step,
``status[2]`` = population or monitor index, ``status[3]`` = state row).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import threads as threaded
from .prefetch import prefetch
from .kinds import LOOP_NAMES, Kind, NeuronKind
from ..plasticity.gating import GatedRule
from ..plasticity.rule import Continuous, OnPost, OnPre, OnSpike, Periodic, Transmission

OK, NONFINITE, RUNAWAY, BUFFER_FULL = 0, 1, 2, 3


@dataclass
class PopSpec:
    """Structure of one population as the generator sees it."""

    index: int
    kind: Kind              # the registered kind (engine/kinds.py)
    step: object = None     # its kernel for this population (a numba function)
    channel_rows: tuple = ()  # state rows receiving exc / inh input
    buffered: tuple = ()    # channels (0 exc, 1 inh) that have a delay buffer
    graded: bool = False    # synapses carry w * activity (rate units, value inputs)
    instant_input: bool = False  # zero-delay input from earlier populations arrives in the same step
    track_activity: bool = False  # keep a 0/1 spike-indicator array (a rule reads it)
    rules: list = field(default_factory=list)  # neuron (intrinsic) rules
    scaled: bool = False    # a protocol switches its rules on/off (argument P<k>_scale; engine/protocol.py)
    branch_rows: tuple = ()  # per channel, the state row of each dendritic branch's input (engine/branches.py)
    branch_targets: bool = False  # receives input on its branches (arguments T0, T1: the rows)
    branch_buffered: tuple = ()   # channels with a branch delay buffer D<c> (depth, K, n)

    @property
    def neuron(self) -> bool:
        """A neuron population (state, synaptic input), not an input."""
        return isinstance(self.kind, NeuronKind)

    @property
    def kernel_name(self) -> str:
        """The global name the generated module binds the kernel to (``K`` names
        nothing else in the loop, so no kernel name can shadow an argument)."""
        name = self.step.py_func.__name__
        return f"K{self.index}_{name if name.isidentifier() else 'kernel'}"


@dataclass
class ProjSpec:
    """Structure of one projection: endpoints, channel and rules."""

    index: int
    pre: int
    post: int
    channel: int            # 0 exc, 1 inh
    deliver: bool           # False when the target is an input (no state)
    row: int = -1           # target state row (the channel's synaptic variable)
    direct: bool = False    # all delays zero: add straight into the state row
    rules: list = field(default_factory=list)
    graded_pre: bool = False  # the presynaptic side sends graded activity
    instant: bool = False   # delivered before the target updates, same step (see PopSpec.instant_input)
    scaled: bool = False    # a protocol scales its rules' weight changes (argument J<k>_scale; engine/protocol.py)
    branched: bool = False  # lands on dendritic branches: per-synapse branch J<k>_br picks the row

    @property
    def blockable(self) -> bool:
        """Static, zero-delay, plain delivery: a candidate for the block loop
        (argument J<k>_blk, engine/blocks.py), which applies while the store is a block."""
        return self.deliver and self.direct and not (self.rules or self.branched or self.graded_pre)

    def has(self, capability) -> bool:
        return any(isinstance(r, capability) for r in self.rules)

    @property
    def changes_weights(self) -> bool:
        return any(isinstance(r, (OnPre, OnPost, Periodic, Continuous)) for r in self.rules)


@dataclass
class ModSpec:
    """Structure of the modulators: how many, which have a release schedule,
    and (modulator, population) pairs whose spikes release."""

    count: int = 0
    scheduled: list = field(default_factory=list)
    sources: list = field(default_factory=list)


@dataclass
class MonitorSpec:
    """Structure of one monitor."""

    index: int
    kind: str               # "spikes", "state", "weights", "rate"
    target: int             # population or projection index


class _Writer:
    def __init__(self):
        self.lines: list[str] = []

    def __call__(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)


def argument_names(pops, projs, mons, mods=None) -> list[str]:
    """The kernel's argument names, in call order."""
    names = ["n0", "n1", "dt", "rng", "status", "bad", "win", "win_steps", "win_limit"]
    if mods is not None and mods.count:
        names += ["MOD_level", "MOD_keep", "MOD_base", "MOD_spike"]
        names += [f"Q{m}_{x}" for m, on in enumerate(mods.scheduled) if on for x in ("steps", "amt", "ptr")]
    for p in pops:
        k = p.index
        names += [f"P{k}_{a}" for a in population_arguments(p)]
        for r, rule in enumerate(p.rules):
            names += [f"P{k}R{r}_st", f"P{k}R{r}_p"] + ([f"P{k}R{r}_period"] if isinstance(rule, Periodic) else [])
    for j in projs:
        k = j.index
        names += [f"J{k}_rs", f"J{k}_rl", f"J{k}_cs", f"J{k}_cl", f"J{k}_cx", f"J{k}_cp",
                  f"J{k}_pre", f"J{k}_post", f"J{k}_w", f"J{k}_d", f"J{k}_bounds", f"J{k}_conn"]
        names += [f"J{k}_br"] if j.branched else []
        names += [f"J{k}_blk"] if j.blockable else []
        for r, rule in enumerate(j.rules):
            names += [f"J{k}R{r}_st", f"J{k}R{r}_p"]
            if isinstance(rule, Periodic):
                names += [f"J{k}R{r}_period"]
    for m in mons:
        names += {
            "spikes": [f"M{m.index}_i", f"M{m.index}_t", f"M{m.index}_n"],
            "state": [f"M{m.index}_data", f"M{m.index}_rows", f"M{m.index}_idx", f"M{m.index}_k", f"M{m.index}_every"],
            "weights": [f"M{m.index}_data", f"M{m.index}_slots", f"M{m.index}_k", f"M{m.index}_every"],
            "rate": [f"M{m.index}_counts", f"M{m.index}_bin", f"M{m.index}_offset"],
            "modulator": [f"M{m.index}_data", f"M{m.index}_k", f"M{m.index}_every"],
        }[m.kind]
    return names + scale_names(pops, projs)


def scale_names(pops, projs) -> list[str]:
    """The protocol's per-rule scale arrays, last in the call (none without a protocol)."""
    return [f"P{p.index}_scale" for p in pops if p.scaled] + [f"J{j.index}_scale" for j in projs if j.scaled]


def population_arguments(p) -> list[str]:
    """Suffixes of a population's arrays passed to the loop, in order: the one
    list from which both the signature (``P<k>_<suffix>``) and the call
    (``Network._arguments``, ``PopArrays.argument``) are made."""
    names = ["spk"] + (["cnt"] if counts_spikes(p) else []) + list(p.kind.arrays)
    names += [f"B{c}" for c in p.buffered]
    if p.branch_targets:
        names += ["T0", "T1"] + [f"D{c}" for c in p.branch_buffered]
    if p.graded:
        names += ["act"]
    elif p.track_activity:
        names += ["act", "nact"]
    return names


def counts_spikes(p) -> bool:
    """Whether the loop keeps per-neuron spike counts for ``p`` (every
    population that spikes; graded units and value/noise inputs send every
    step and have no spike count)."""
    return not p.graded


def hook_globals(projs, pops=(), threads: int = 1) -> dict:
    """Global names -> numba functions for every population kernel and rule
    hook the loop calls."""
    out = {p.kernel_name: p.step for p in pops}
    out.update(threaded.range_globals(pops, threads))
    out.update(threaded.state_globals(projs, threads))
    for p in pops:
        for r, rule in enumerate(p.rules):
            for hook in ("on_spike", "every"):
                fn = getattr(type(rule), hook, None)
                if fn is not None and hasattr(fn, "py_func"):
                    out[f"P{p.index}R{r}_{hook}"] = fn
    for j in projs:
        for r, rule in enumerate(j.rules):
            for hook in ("before_pre", "on_pre", "pre_spike", "before_post", "on_post", "post_spike", "efficacy", "every",
                         "post_drive", "on_drive"):
                fn = getattr(type(rule), hook, None)
                if fn is not None and hasattr(fn, "py_func"):
                    out[f"J{j.index}R{r}_{hook}"] = fn
    if any(_prefetched(j) for j in projs):
        out["prefetch"] = prefetch
    return out


def _prefetched(j) -> list:
    """(rule index, field) of the per-synapse state the projection's ``on_post``
    hooks read at scattered synapses (``Rule.prefetch_on_post``)."""
    return [(r, name) for r, rule in enumerate(j.rules) if isinstance(rule, OnPost)
            for name in rule.prefetch_on_post]


def generate(pops, projs, mons, mods=None, threads: int = 1) -> str:
    """Python source of a module defining ``advance(...)`` for this structure.

    ``threads`` 1 gives the sequential loop; 2 or more a loop compiled with
    numba's ``parallel`` (prange only) whose neuron updates run in ``threads``
    blocks at once (engine/threads.py); the spikes are the same bit for bit."""
    w = _Writer()
    w(0, '"""Generated by neuroplastic.engine.codegen; do not edit."""')
    w(0, "import numpy as np")
    w(0, "from numba import njit" + (", prange" if threads > 1 else ""))
    w(0, "")
    w(0, "")
    for j in projs:
        if threaded.parallel_walks(j, threads):
            _emit_block_functions(w, j)
    w(0, f"@njit(cache=True, nogil=True, error_model=\"numpy\"{threaded.parallel_option(threads)})")
    w(0, f"def advance({', '.join(argument_names(pops, projs, mons, mods))}):")
    _emit_scratch(w, projs, threads)
    for j in projs:
        if threaded.parallel_walks(j, threads):
            threaded.emit_unpack(w, j)
    blocked = [p for p in pops if threaded.blockwise(p, threads)]
    threaded.emit_block_scratch(w, blocked, threads)
    w(1, "for n in range(n0, n1):")
    w(2, "t = n * dt")
    _emit_monitor_checks(w, pops, mons)
    _emit_samples(w, mons)
    _emit_modulators(w, mods)
    for p in pops:
        for j in projs:
            if j.instant and j.post == p.index:
                _emit_pre_side(w, pops, j, threads)
        _emit_population(w, p, threads)
        _emit_spike_releases(w, mods, p.index)
        _emit_neuron_rules(w, p)
    _emit_spike_records(w, pops, mons)
    for j in projs:
        if not j.instant:
            _emit_pre_side(w, pops, j, threads)
    for j in projs:
        if j.has(OnPost):
            _emit_post_side(w, j, threads)
    for p in pops:
        for c in p.buffered:
            _emit_delivery(w, p, c)
        for c in p.branch_buffered:
            _emit_branch_delivery(w, p, c)
    for j in projs:
        _emit_continuous(w, j)
    for j in projs:
        _emit_periodic(w, j)
    _emit_runaway(w, pops)
    w(1, "return n1")
    return "\n".join(w.lines) + "\n"


def _emit_scratch(w, projs, threads=1):
    """Per projection with postsynaptic rules, room for its longest column (one
    row per block with parallel walks, engine/threads.py), and with parallel
    walks room for each synapse's transmitted value (allocated once per call:
    the store's layout is fixed within a call)."""
    for j in projs:
        k = j.index
        blocks = threaded.parallel_walks(j, threads)
        if j.has(OnPost):
            w(1, "longest = 0")
            w(1, f"for q in range(J{k}_cl.shape[0]):")
            w(2, f"longest = max(longest, J{k}_cl[q])")
            w(1, f"J{k}_wb = np.empty(({threads}, longest))" if blocks else f"J{k}_wb = np.empty(longest)")
        if blocks and j.deliver and _row_rules(j):
            w(1, f"J{k}_xs = np.empty(J{k}_w.shape[0])")


def _emit_monitor_checks(w, pops, mons):
    for m in mons:
        if m.kind == "spikes":
            w(2, f"if M{m.index}_n[0] + P{m.target}_spk.shape[0] > M{m.index}_i.shape[0]:")
            w(3, f"status[0] = {BUFFER_FULL}; status[1] = n; status[2] = {m.index}")
            w(3, "return n")


def _emit_samples(w, mons):
    for m in mons:
        k = m.index
        if m.kind == "state":
            w(2, f"if n % M{k}_every == 0:")
            w(3, f"for a in range(M{k}_rows.shape[0]):")
            w(4, f"for b in range(M{k}_idx.shape[0]):")
            w(5, f"M{k}_data[M{k}_k[0], a, b] = P{m.target}_state[M{k}_rows[a], M{k}_idx[b]]")
            w(3, f"M{k}_k[0] += 1")
        elif m.kind == "modulator":
            w(2, f"if n % M{k}_every == 0:")
            w(3, f"M{k}_data[M{k}_k[0]] = MOD_level[{m.target}]")
            w(3, f"M{k}_k[0] += 1")
        elif m.kind == "weights":
            w(2, f"if n % M{k}_every == 0:")
            w(3, f"for b in range(M{k}_slots.shape[0]):")
            w(4, f"M{k}_data[M{k}_k[0], b] = J{m.target}_w[M{k}_slots[b]]")
            w(3, f"M{k}_k[0] += 1")


def _emit_modulators(w, mods):
    """Exact decay towards baseline, then the releases scheduled for this step."""
    if mods is None or not mods.count:
        return
    w(2, "for m in range(MOD_level.shape[0]):")
    w(3, "MOD_level[m] = MOD_base[m] + (MOD_level[m] - MOD_base[m]) * MOD_keep[m]")
    for m, on in enumerate(mods.scheduled):
        if on:
            w(2, f"while Q{m}_ptr[0] < Q{m}_steps.shape[0] and Q{m}_steps[Q{m}_ptr[0]] <= n:")
            w(3, f"if Q{m}_steps[Q{m}_ptr[0]] == n:")
            w(4, f"MOD_level[{m}] += Q{m}_amt[Q{m}_ptr[0]]")
            w(3, f"Q{m}_ptr[0] += 1")


def _emit_spike_releases(w, mods, k):
    if mods is None:
        return
    for q, (m, pop) in enumerate(mods.sources):
        if pop == k:
            w(2, f"MOD_level[{m}] += MOD_spike[{q}] * c{k}")


def _emit_population(w, p, threads=1):
    k = p.index
    if p.track_activity:  # clear the previous step's indicators (spk still holds them)
        w(2, f"for a in range(P{k}_nact[0]):")
        w(3, f"P{k}_act[P{k}_spk[a]] = 0.0")
    call = ", ".join(a if a in LOOP_NAMES else f"P{k}_{a}" for a in p.kind.call)
    if threaded.blockwise(p, threads):
        threaded.emit_blocks(w, p, threads, call)
    else:
        w(2, f"c{k} = {p.kernel_name}({call})")
    if p.neuron:
        w(2, f"if c{k} < 0:")
        w(3, f"status[0] = {NONFINITE}; status[1] = n; status[2] = {k}; status[3] = -c{k} - 1")
        w(3, "return n")
        w(2, f"if P{k}_ndead[0] > 0:")  # removed neurons stay silent (their spikes are dropped)
        w(3, "m = 0")
        w(3, f"for a in range(c{k}):")
        w(4, f"if P{k}_alive[P{k}_spk[a]]:")
        w(5, f"P{k}_spk[m] = P{k}_spk[a]")
        w(5, "m += 1")
        w(3, f"c{k} = m")
    if p.track_activity:
        w(2, f"for a in range(c{k}):")
        w(3, f"P{k}_act[P{k}_spk[a]] = 1.0")
        w(2, f"P{k}_nact[0] = c{k}")
    if counts_spikes(p):
        w(2, f"for a in range(c{k}):")
        w(3, f"P{k}_cnt[P{k}_spk[a]] += 1")
    if not p.graded:  # graded units send every step: not spikes, not runaway
        w(2, f"win[{k}] += c{k}")


def _emit_neuron_rules(w, p):
    k = p.index
    for r, rule in enumerate(p.rules):
        args = f"P{k}R{r}_st, P{k}R{r}_p"
        d = 2
        if p.scaled:   # a protocol phase switches the rule off at scale 0
            w(2, f"if P{k}_scale[{r}] > 0.0:")
            d = 3
        if isinstance(rule, OnSpike):
            w(d, f"for a in range(c{k}):")
            w(d + 1, f"P{k}R{r}_on_spike(P{k}_spk[a], t, {args})")
        if isinstance(rule, Periodic):
            w(d, f"if (n + 1) % P{k}R{r}_period == 0:")
            w(d + 1, f"P{k}R{r}_every(t, {args})")


def _emit_spike_records(w, pops, mons):
    for m in mons:
        k, p = m.index, m.target
        if m.kind == "spikes":
            w(2, f"for a in range(c{p}):")
            w(3, f"M{k}_i[M{k}_n[0] + a] = P{p}_spk[a]")
            w(3, f"M{k}_t[M{k}_n[0] + a] = n")
            w(2, f"M{k}_n[0] += c{p}")
        elif m.kind == "rate":
            w(2, f"M{k}_counts[n // M{k}_bin - M{k}_offset] += c{p}")


def _emit_weight_update(w, depth, j, hook, weight=None, sv="st"):
    """dw of the projection's rules for synapse ``s``, added to ``weight`` (the
    weight's expression: ``J<k>_w[s]``, or a gathered copy) and clipped once.
    ``sv``: the rule states' name suffix (``sb``: rebuilt in a block, engine/threads.py)."""
    k = j.index
    weight = weight or f"J{k}_w[s]"
    w(depth, "dw = 0.0")
    for r, rule in enumerate(j.rules):
        if isinstance(rule, OnPre if hook == "on_pre" else OnPost):
            call = f"J{k}R{r}_{hook}(s, i, j, t, {weight}, J{k}R{r}_{sv}, J{k}R{r}_p)"
            if j.scaled:   # a protocol phase's factor (1.0 leaves dw exactly as it is)
                call = f"J{k}_scale[{r}] * {call}"
            if isinstance(rule, GatedRule) and rule.gates(hook):  # plasticity/gating.py: g(M) * dw
                st, p = f"J{k}R{r}_{sv}", f"J{k}R{r}_p"
                w(depth, f"g = 1.0 + {p}.gate_gain * ({st}.mod.gate_modulator[0] - {p}.gate_reference)")
                w(depth, f"dw += max(g, 0.0) * {call}")
            else:
                w(depth, f"dw += {call}")
    w(depth, f"{weight} = min(max({weight} + dw, J{k}_bounds[0]), J{k}_bounds[1])")


def _emit_block_side(w, j):
    """Delivery of a block projection (engine/blocks.py): source i's one synapse
    targets i // J<k>_blk[0]; its weight is J<k>_w[J<k>_rs[i]], or the one shared
    weight when J<k>_blk[1] is 1. The same additions, in the same order, as the
    row walk, without reading the per-source row length and target."""
    k, pre, dst = j.index, j.pre, f"P{j.post}_state[{j.row}, "
    w(2, f"if J{k}_blk[0] > 0:")
    w(3, f"blk = J{k}_blk[0]")
    w(3, f"if J{k}_blk[1] > 0:")
    w(4, f"x = J{k}_w[J{k}_rs[0]]")
    w(4, f"for a in range(c{pre}):")
    w(5, f"{dst}P{pre}_spk[a] // blk] += x")
    w(3, "else:")
    w(4, f"for a in range(c{pre}):")
    w(5, f"i = P{pre}_spk[a]")
    w(5, f"{dst}i // blk] += J{k}_w[J{k}_rs[i]]")
    w(2, "else:")


def _row_rules(j) -> bool:
    """Whether the projection's row walk calls rule hooks (``on_pre``, ``efficacy``)."""
    return j.has(OnPre) or j.has(Transmission)


def _emit_pre_side(w, pops, j, threads=1):
    if threaded.parallel_walks(j, threads) and _row_rules(j):
        _emit_row_walk_blocks(w, pops, j, threads)
    elif j.blockable:
        _emit_block_side(w, j)
        with_block = _Indented(w)
        _emit_row_walk(with_block, pops, j)
    else:
        _emit_row_walk(w, pops, j)


class _Indented:
    """A writer one level deeper (the row walk under a block projection's ``else``)."""

    def __init__(self, w):
        self.w = w

    def __call__(self, depth: int, text: str) -> None:
        self.w(depth + 1, text)


def _emit_row_walk(w, pops, j):
    k = j.index
    if j.deliver:
        _emit_slot_base(w, 2, j)
    w(2, f"for a in range(c{j.pre}):")
    w(3, f"i = P{j.pre}_spk[a]")
    _emit_before_pre(w, 3, j)
    w(3, f"for s in range(J{k}_rs[i], J{k}_rs[i] + J{k}_rl[i]):")
    w(4, f"j = J{k}_post[s]")
    _emit_transmitted(w, 4, j)
    if j.deliver:
        _emit_add(w, 4, j)
    if j.has(OnPre):
        _emit_weight_update(w, 4, j, "on_pre")
    _emit_pre_spikes(w, 3, j)


def _emit_row_walk_blocks(w, pops, j, threads):
    """The row walk with its rules in ``threads`` blocks of the spike list
    (engine/threads.py): each block calls the projection's ``J<k>_rows``, which
    keeps each synapse's value in ``J<k>_xs``; the values are then delivered in
    the order of the sequential walk."""
    k = j.index
    _emit_walk_in_blocks(w, threads, f"c{j.pre}", f"J{k}_rl[P{j.pre}_spk[a]]", f"J{k}_rows",
                         lambda states: _row_arguments(j, states))
    if j.deliver:
        _emit_slot_base(w, 2, j)
        w(2, f"for a in range(c{j.pre}):")
        w(3, f"i = P{j.pre}_spk[a]")
        w(3, f"for s in range(J{k}_rs[i], J{k}_rs[i] + J{k}_rl[i]):")
        w(4, f"j = J{k}_post[s]")
        _emit_add(w, 4, j, f"J{k}_xs[s]")


def _emit_walk_in_blocks(w, threads, count, length, func, arguments):
    """A step's walk over ``count`` spikes (``length``: the synapses of spike ``a``):
    one call of ``func`` below :data:`threads.MIN_WALK` synapses, else one call per
    block in a parallel region; ``arguments(states)`` names what follows ``b0, b1, t``."""
    threaded.emit_walk_size(w, count, length)
    w(3, f"{func}(0, {count}, t, {', '.join(arguments('st'))})")
    w(2, "else:")
    w(3, f"for blk in prange({threads}):")
    threaded.emit_block_range(w, 4, count, threads)
    w(4, f"{func}(b0, b1, t, {', '.join(arguments('rebuilt'))})")


def _row_arguments(j, states="sb") -> list:
    """Arguments of ``J<k>_rows`` after ``b0, b1, t``; ``states``: ``sb`` (the
    parameter names), ``st`` (the loop's own states: the call outside the parallel
    region) or ``rebuilt`` (the expressions that rebuild them in a block)."""
    k = j.index
    out = [f"P{j.pre}_spk", f"J{k}_rs", f"J{k}_rl", f"J{k}_post", f"J{k}_w", f"J{k}_bounds"]
    out += [f"J{k}_xs"] if j.deliver else []
    out += [f"P{j.pre}_act"] if j.deliver and j.graded_pre else []
    return out + _walk_tail(j, states)


def _column_arguments(j, states="sb") -> list:
    """Arguments of ``J<k>_columns`` after ``b0, b1, t`` (``J<k>_wb``: the block's gather row)."""
    k = j.index
    return [f"P{j.post}_spk", f"J{k}_cs", f"J{k}_cl", f"J{k}_cx", f"J{k}_cp", f"J{k}_w", f"J{k}_bounds",
            {"sb": f"J{k}_wb", "st": f"J{k}_wb[0]"}.get(states, f"J{k}_wb[blk]")] + _walk_tail(j, states)


def _walk_tail(j, states) -> list:
    k = j.index
    out = [f"J{k}_scale"] if j.scaled else []
    for r in range(len(j.rules)):
        out += ([f"J{k}R{r}_{states}", f"J{k}R{r}_p"] if states in ("sb", "st")
                else [threaded.state_rebuilt(j, r), threaded.params_rebuilt(j, r)])
    return out


def _emit_block_functions(w, j):
    """``J<k>_rows`` and ``J<k>_columns``: one block of projection ``j``'s row and
    column walks, compiled as functions of their own. Called from the parallel
    region with the rule states rebuilt there (engine/threads.py); a hook inlined
    into the parallel region itself loses its writes through a rebuilt named
    tuple (numba 0.68), a hook inlined into a called function does not."""
    k = j.index
    head = '@njit(cache=True, nogil=True, error_model="numpy")'
    if _row_rules(j):
        w(0, head)
        w(0, f"def J{k}_rows(b0, b1, t, {', '.join(_row_arguments(j))}):")
        w(1, "for a in range(b0, b1):")
        w(2, f"i = P{j.pre}_spk[a]")
        _emit_before_pre(w, 2, j, "sb")
        w(2, f"for s in range(J{k}_rs[i], J{k}_rs[i] + J{k}_rl[i]):")
        w(3, f"j = J{k}_post[s]")
        _emit_transmitted(w, 3, j, "sb")
        if j.deliver:
            w(3, f"J{k}_xs[s] = x")
        if j.has(OnPre):
            _emit_weight_update(w, 3, j, "on_pre", sv="sb")
        _emit_pre_spikes(w, 2, j, "sb")
        w(0, "")
        w(0, "")
    if j.has(OnPost):
        w(0, head)
        w(0, f"def J{k}_columns(b0, b1, t, {', '.join(_column_arguments(j))}):")
        w(1, "for a in range(b0, b1):")
        _emit_column(w, 2, j, f"J{k}_wb[q]", "sb")
        w(0, "")
        w(0, "")


def _emit_transmitted(w, depth, j, sv="st"):
    """``x``: the value synapse ``s`` transmits (its weight, times the presynaptic
    activity for graded sources, times each Transmission rule's efficacy); the
    efficacy hooks alone where the projection delivers nothing."""
    k = j.index
    if j.deliver:
        w(depth, f"x = J{k}_w[s] * P{j.pre}_act[i]" if j.graded_pre else f"x = J{k}_w[s]")
    for r, rule in enumerate(j.rules):
        if isinstance(rule, Transmission):
            call = f"J{k}R{r}_efficacy(s, i, j, t, J{k}R{r}_{sv}, J{k}R{r}_p)"
            w(depth, f"x *= {call}" if j.deliver else call)


def _delay_buffer(j) -> str:
    """The delay buffer projection ``j`` adds into (a branched target's has a branch axis)."""
    return f"P{j.post}_D{j.channel}" if j.branched else f"P{j.post}_B{j.channel}"


def _emit_slot_base(w, depth, j):
    """``nb<k>``: this step's slot of the delay buffer, once per step and projection; a
    synapse of delay d adds into slot (nb<k> + d) mod L, which :func:`_emit_add` reduces
    by one conditional subtraction (d < L, engine/structure.py): the same slot as
    (n + d) % L without an integer division per synapse."""
    if not j.direct:
        w(depth, f"nb{j.index} = n % {_delay_buffer(j)}.shape[0]")


def _emit_add(w, depth, j, x="x"):
    """``x`` added to target ``j``'s input (its state row, or the delay buffer slot of the
    synapse's delay, from ``nb<k>`` of :func:`_emit_slot_base`)."""
    k = j.index
    if j.direct:
        if j.branched:   # the synapse's branch picks the row (engine/branches.py)
            w(depth, f"P{j.post}_state[P{j.post}_T{j.channel}[J{k}_br[s]], j] += {x}")
        else:
            w(depth, f"P{j.post}_state[{j.row}, j] += {x}")
        return
    buf = _delay_buffer(j)
    w(depth, f"slot_s = nb{k} + J{k}_d[s]")
    w(depth, f"if slot_s >= {buf}.shape[0]:")
    w(depth + 1, f"slot_s -= {buf}.shape[0]")
    if j.branched:
        w(depth, f"{buf}[slot_s, J{k}_br[s], j] += {x}")
    else:
        w(depth, f"{buf}[slot_s, j] += {x}")


def _emit_before_pre(w, depth, j, sv="st"):
    """``before_pre`` of the rules that define it (plasticity/rule.py), once per
    presynaptic spike before its row: what the row's synapses share."""
    for r, rule in enumerate(j.rules):
        if isinstance(rule, OnPre) and type(rule).before_pre is not OnPre.before_pre:
            w(depth, f"J{j.index}R{r}_before_pre(i, t, J{j.index}R{r}_{sv}, J{j.index}R{r}_p)")


def _emit_pre_spikes(w, depth, j, sv="st"):
    for r, rule in enumerate(j.rules):
        if isinstance(rule, OnPre):
            w(depth, f"J{j.index}R{r}_pre_spike(i, t, J{j.index}R{r}_{sv}, J{j.index}R{r}_p)")


def _emit_post_side(w, j, threads=1):
    """The column walk of a postsynaptic spike in three passes: gather the
    column's weights (scattered slots) into ``J<k>_wb``, apply the rules to the
    copies, scatter them back. Each weight is read and written once, as in one
    pass, so the result is the same bit for bit; the gather and scatter loops
    call nothing, so the processor overlaps their cache misses (in one pass
    every miss waited behind the rule's exp()); the gather pass also prefetches
    the rule state that ``on_post`` reads per synapse (engine/prefetch.py). Rules that define
    ``before_post`` (plasticity/rule.py) compute what the column's synapses
    share once, before the walk. With parallel walks (engine/threads.py) the
    spike list goes in ``threads`` blocks, each calling ``J<k>_columns`` with its
    own row of ``J<k>_wb``."""
    k = j.index
    if threaded.parallel_walks(j, threads):
        _emit_walk_in_blocks(w, threads, f"c{j.post}", f"J{k}_cl[P{j.post}_spk[a]]", f"J{k}_columns",
                             lambda states: _column_arguments(j, states))
    else:
        w(2, f"for a in range(c{j.post}):")
        _emit_column(w, 3, j, f"J{k}_wb[q]", "st")


def _emit_column(w, d, j, slot, sv):
    """Spike ``a``'s column walk; ``slot``: the gather scratch element of synapse ``q``."""
    k = j.index
    w(d, f"j = P{j.post}_spk[a]")
    for r, rule in enumerate(j.rules):
        if isinstance(rule, OnPost) and type(rule).before_post is not OnPost.before_post:
            w(d, f"J{k}R{r}_before_post(j, t, J{k}R{r}_{sv}, J{k}R{r}_p)")
    w(d, f"col0 = J{k}_cs[j]")
    w(d, f"for q in range(J{k}_cl[j]):")
    w(d + 1, f"{slot} = J{k}_w[J{k}_cx[col0 + q]]")
    for r, name in _prefetched(j):
        w(d + 1, f"prefetch(J{k}R{r}_{sv}.syn.{name}, J{k}_cx[col0 + q])")
    w(d, f"for q in range(J{k}_cl[j]):")
    w(d + 1, f"s = J{k}_cx[col0 + q]")
    w(d + 1, f"i = J{k}_cp[col0 + q]")
    _emit_weight_update(w, d + 1, j, "on_post", weight=slot, sv=sv)
    w(d, f"for q in range(J{k}_cl[j]):")
    w(d + 1, f"J{k}_w[J{k}_cx[col0 + q]] = {slot}")
    for r, rule in enumerate(j.rules):
        if isinstance(rule, OnPost):
            w(d, f"J{k}R{r}_post_spike(j, t, J{k}R{r}_{sv}, J{k}R{r}_p)")


def _emit_delivery(w, p, c):
    k, row = p.index, p.channel_rows[c]
    buf = f"P{k}_B{c}"
    w(2, f"slot = n % {buf}.shape[0]")
    w(2, f"for j in range({buf}.shape[1]):")
    w(3, f"P{k}_state[{row}, j] += {buf}[slot, j]")
    w(3, f"{buf}[slot, j] = 0.0")


def _emit_continuous(w, j):
    """Continuous rules: every postsynaptic neuron's drive at the end of the
    step; a non-zero drive walks the neuron's column (plasticity/rule.py)."""
    k = j.index
    for r, rule in enumerate(j.rules):
        if not isinstance(rule, Continuous):
            continue
        args = f"J{k}R{r}_st, J{k}R{r}_p"
        w(2, f"for j in range(J{k}_cs.shape[0]):")
        w(3, f"g = J{k}R{r}_post_drive(j, t + dt, dt, {args})")
        w(3, "if g != 0.0:")
        w(4, f"for c in range(J{k}_cs[j], J{k}_cs[j] + J{k}_cl[j]):")
        w(5, f"s = J{k}_cx[c]")
        call = f"J{k}R{r}_on_drive(s, J{k}_cp[c], j, t + dt, J{k}_w[s], g, {args})"
        w(5, f"dw = {f'J{k}_scale[{r}] * ' if j.scaled else ''}{call}")
        w(5, f"J{k}_w[s] = min(max(J{k}_w[s] + dw, J{k}_bounds[0]), J{k}_bounds[1])")


def _emit_branch_delivery(w, p, c):
    k = p.index
    buf = f"P{k}_D{c}"
    w(2, f"slot = n % {buf}.shape[0]")
    w(2, f"for b in range({buf}.shape[1]):")
    w(3, f"r = P{k}_T{c}[b]")
    w(3, f"for j in range({buf}.shape[2]):")
    w(4, f"P{k}_state[r, j] += {buf}[slot, b, j]")
    w(4, f"{buf}[slot, b, j] = 0.0")


def _emit_periodic(w, j):
    k = j.index
    for r, rule in enumerate(j.rules):
        if isinstance(rule, Periodic):
            w(2, f"if (n + 1) % J{k}R{r}_period == 0:")
            if j.scaled:   # a protocol phase scales the change: w0 + scale * (w - w0)
                w(3, f"sc = J{k}_scale[{r}]")
                w(3, f"w0 = J{k}_w.copy() if sc != 1.0 else J{k}_w")
            w(3, f"J{k}R{r}_every(t + dt, J{k}_w, J{k}_conn, J{k}R{r}_st, J{k}R{r}_p)")
            w(3, f"for s in range(J{k}_w.shape[0]):")
            if j.scaled:
                w(4, "if sc != 1.0:")
                w(5, f"J{k}_w[s] = w0[s] + sc * (J{k}_w[s] - w0[s])")
            w(4, f"J{k}_w[s] = min(max(J{k}_w[s], J{k}_bounds[0]), J{k}_bounds[1])")


def _emit_runaway(w, pops):
    w(2, "if (n + 1) % win_steps == 0:")
    w(3, "for q in range(win.shape[0]):")
    w(4, "if win[q] > win_limit[q]:")
    w(5, f"status[0] = {RUNAWAY}; status[1] = n; status[2] = q")
    w(5, "return n + 1")
    w(4, "win[q] = 0")
