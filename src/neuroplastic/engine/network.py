"""The running network: ``Network(model, seed).run(duration)``.

Builds arrays from a validated :class:`~neuroplastic.model.Model`, generates a
step loop specialised to its structure, and advances it in chunks: Python runs
once per chunk (progress, buffer growth), never per step, neuron or synapse.
numba compiles the loop at its first call, i.e. in the first ``run`` of a new
structure, or loads the machine code from the on-disk cache (engine/cache.py);
the progress bar says when it compiles.
"""
from __future__ import annotations

import copy

import numba
import numpy as np

from . import arguments as arg
from . import branches, build, codegen, inputs, kinds, memory, runaway, topology
from .modulation import build_modulators
from .protocol import Phases
from . import threads as threaded
from .threads import using as using_threads
from .cache import compile_once, kernel_sources, load_kernel, watch_compile
from .inputs import rate_tables
from .recorders import make_recorder
from .blocks import block_flags
from .structure import Structure, resize_rule_states
from .topology import Topology
from ..model.description import Model
from ..model.inputs import PoissonInput, SpikeTimes
from ..model.topology import Lesion
from ..errors import SimulationError, ValidationError
from ..plasticity.dendritic import DendriticRule
from ..plasticity.rule import Periodic
from ..plasticity.structural import Structural

CHUNK_MS = 1000.0


class Network:
    """A compiled, runnable instance of a model.

    Args:
        model: the validated description (validated again here).
        seed: integer seed in 0 .. 2^63 - 1; the same seed on the same machine
            gives identical spikes.
        headroom: free synapse capacity kept per row/column (fraction >= 0).
        threads: threads the step loop uses, 1 .. ``numba.config.NUMBA_NUM_THREADS``;
            2 or more update large neuron populations in parallel blocks
            (engine/threads.py). Any number gives the same spikes as 1.

    A model that cannot fit in the available memory is refused before anything
    large is allocated (``engine/memory.py``). Every public method raises
    :class:`ValidationError` naming the method and argument on bad input
    (``engine/arguments.py``); ``run`` raises :class:`SimulationError` when
    the simulation becomes invalid.

    ``run`` can be called repeatedly and continues where it stopped; ``reset``
    restores the initial state without rebuilding or recompiling.
    """

    def __init__(self, model, seed: int = 0, headroom: float = 0.25, threads: int = 1):
        if not isinstance(model, Model):
            raise ValidationError("Network", "model", type(model).__name__, "must be a neuroplastic Model")
        seed = arg.seed(seed)
        headroom = arg.number("__init__", "headroom", headroom, 0.0, 100.0)
        self.threads = arg.integer("__init__", "threads", threads, 1, numba.config.NUMBA_NUM_THREADS + 1,
                                   f"{numba.config.NUMBA_NUM_THREADS + 1}: at most numba.config.NUMBA_NUM_THREADS = "
                                   f"{numba.config.NUMBA_NUM_THREADS}")
        self.model, self.seed, self.dt = model.validate(), seed, float(model.dt)
        self._headroom = headroom
        kinds.check_populations(self.model)
        memory.check_model(self.model, headroom)
        self._build()
        self._compile()
        self._snapshots = {}     # store/restore (engine/checkpoint.py)
        self._description = None  # the model as a checkpoint holds it, made at the first save

    def _build(self):
        """Arrays, rule state, recorders and the structural/topology helpers
        from the model and seed (again on ``reset`` after neurogenesis)."""
        model, headroom = self.model, self._headroom
        rng = np.random.default_rng(self.seed)
        parts = list(model.populations.values())
        self._pops = [build.build_population(k, p, self.dt, rng) for k, p in enumerate(parts)]
        self._pop_index = {p.name: k for k, p in enumerate(self._pops)}
        self._mods = build_modulators(model, self._pop_index, self.dt)
        for pop, part in zip(self._pops, parts):
            build.neuron_rules(pop, part, self.dt, self._mods)
        by_name = {p.name: p for p in self._pops}
        self._projs = [build.build_projection(k, pj, by_name, self.dt, rng, headroom, self._mods, self.seed)
                       for k, pj in enumerate(model.projections.values())]
        self._proj_index = {p.name: k for k, p in enumerate(self._projs)}
        build.delay_buffers(self._pops, self._projs)
        branches.allocate(self._pops, self._projs)
        self._recorders = [make_recorder(k, m, by_name, self._pop_index,
                                         {p.name: p for p in self._projs}, self._proj_index, self.dt,
                                         self._mods)
                           for k, m in enumerate(model.monitors.values())]
        runaway.setup(self)
        self._rng = build.rng_state(self.seed)
        build.start_inputs(self._pops, self._rng)
        self._status, self._bad = np.zeros(4, np.int64), np.zeros(1, np.int64)
        self.step = 0
        self._initial = copy.deepcopy(self._mutable())
        # structural plasticity (engine/structure.py): None when no rule is Structural
        self._structure = Structure(self) if any(isinstance(r, Structural) for pj in self._projs
                                                 for r in pj.spec.rules) else None
        # lesions, neurogenesis, silent-neuron removal (engine/topology.py): made when first needed
        self._topology = Topology(self) if model.events else None
        self._count_base = {}   # population -> counts at the last spike_counts(clear=True)
        # the protocol's phases (engine/protocol.py): settings at exact steps, on_phase, the phase log
        self._phases = Phases(self)

    def __repr__(self) -> str:
        from ..io.notebook import network_repr

        return network_repr(self)

    def _repr_html_(self) -> str:
        """Notebook summary: populations, projections (synapse counts), monitors, modulators, time."""
        from ..io.notebook import network_html

        return network_html(self)

    # -- construction helpers -------------------------------------------------
    def _compile(self):
        pops = [p.spec for p in self._pops]
        projs = [p.spec for p in self._projs]
        mons = [r.spec for r in self._recorders]
        mods = codegen.ModSpec(self._mods.count, [q is not None for q in self._mods.schedules],
                               [(k, pop) for k, pop, _ in self._mods.sources])
        threads = threaded.effective(pops, projs, self.threads)
        self.kernel_source = codegen.generate(pops, projs, mons, mods, threads)
        self._advance = load_kernel(self.kernel_source, kernel_sources(self),
                                    codegen.hook_globals(projs, pops, threads))

    def _mutable(self):
        """Everything ``reset`` must restore (arrays are copied by deepcopy)."""
        return {
            "pops": [p.arrays for p in self._pops],
            "stores": [p.store for p in self._projs],
            # rule-owned state only: the trailing parts of a state tuple are views
            # of neuron variables, restored with the populations
            "rules": [[st[:4] for st in p.rule_states] for p in self._projs],
            "neuron_rules": [[st[:2] for st in p.rule_states] for p in self._pops],
            "rng": self._rng, "win": self._win,
            "mod_level": self._mods.level,
            "mod_ptr": [q[2] for q in self._mods.schedules if q is not None],
        }

    # -- running --------------------------------------------------------------
    @property
    def t(self) -> float:
        """Biological time reached, in ms."""
        return self.step * self.dt

    def run(self, duration: float, progress: bool = False) -> "Network":
        """Advance by ``duration`` ms (rounded to whole steps).

        Raises SimulationError on NaN/inf or runaway activity; the recordings up
        to that step are kept and the network stays at that step. A network
        runs at most 2^62 - 1 steps in all (``engine/limits.py``); a run whose
        monitors would record more than the available memory is refused
        before it starts.
        """
        stop = self.step + arg.duration(duration, self.step, self.dt)
        self._check_recordings(stop)
        chunk = max(1, int(round(CHUNK_MS / self.dt)))
        from ..progress import RunProgress

        with RunProgress(enabled=progress, total_ms=duration, start_ms=self.t) as bar, \
                watch_compile(self._advance, bar.compile_started, bar.compile_finished):
            while self.step < stop:
                target = min(stop, self.step + chunk)
                self._advance_to(target)
                bar.update(self.t)
        return self

    def _check_recordings(self, stop: int) -> None:
        """Refuse a run whose fixed-rate monitors would record more than fits."""
        need = sum(r.bytes_between(self.step, stop) for r in self._recorders)
        if need > 1e8:
            memory.check(need, "Network.run", "duration", f"{(stop - self.step) * self.dt:g} ms of recordings "
                         f"({', '.join(r.monitor.name for r in self._recorders)})")

    def _advance_to(self, target: int) -> None:
        while self.step < target:
            # structural rules: chunks end at each of their period boundaries
            if self._topology is not None:
                self._topology.run_due(self.step)
            stop = target if self._structure is None else self._structure.next_stop(self.step, target)
            if self._topology is not None:
                stop = min(stop, self._topology.next_stop(self.step, target))
            self._phases.run_due(self.step)   # protocol phases: chunks end at each change
            stop = self._phases.next_stop(self.step, stop)
            args = self._arguments(self.step, stop)
            compile_once(self._advance, args)     # one process compiles a new kernel, the others load it
            with using_threads(self.threads):
                reached = self._advance(*args)
            self._finish_chunk(reached)
            code = int(self._status[0])
            self._status[0] = codegen.OK
            self.step = int(reached)
            if code == codegen.BUFFER_FULL:
                self._grow_recording(self._recorders[int(self._status[2])])
            elif code != codegen.OK:
                self._raise(code)
            if self._structure is not None:
                self._structure.after_chunk(self.step)
            self._phases.run_due(self.step)   # a phase beginning here is in force from now on

    def _grow_recording(self, r) -> None:
        try:
            r.grow()
        except MemoryError:
            raise SimulationError(f"out of memory: the spike recording of monitor '{r.monitor.name}' cannot "
                                  f"grow beyond {len(r.i)} spikes", self.step, self.t, r.monitor.population,
                                  "spikes") from None

    def _arguments(self, n0, n1) -> list:
        args = [np.int64(n0), np.int64(n1), self.dt, self._rng, self._status, self._bad,
                self._win, self._win_steps, self._win_limit]
        if self._mods.count:
            args += [self._mods.level, self._mods.keep, self._mods.base, self._mods.spike_amounts]
            for q in self._mods.schedules:
                if q is not None:
                    args += list(q)
        for p in self._pops:
            args += [p.argument(a) for a in codegen.population_arguments(p.spec)]
            for rule, st, par, period in zip(p.spec.rules, p.rule_states, p.rule_params, p.rule_periods):
                args += [st, par] + ([period] if isinstance(rule, Periodic) else [])
        for pj in self._projs:
            s = pj.store
            bounds = np.array([self.model.projections[pj.name].w_min, self.model.projections[pj.name].w_max])
            args += [s.row_start, s.row_len, s.col_start, s.col_len, s.col_syn, s.col_pre, s.pre, s.post, s.w,
                     s.delay, bounds, build.connections(s)] + ([s.branch] if pj.spec.branched else [])
            args += [block_flags(s)] if pj.spec.blockable else []   # from the live store: edits fall back
            for rule, st, par, period in zip(pj.spec.rules, pj.rule_states, pj.rule_params, pj.rule_periods):
                if isinstance(rule, DendriticRule):   # the live branch field (stores are re-laid out)
                    st = st._replace(branch=s.branch)
                args += [st, par] + ([period] if isinstance(rule, Periodic) else [])
        for r in self._recorders:
            args += r.args(n0, n1)
        return args + self._phases.args()

    def _finish_chunk(self, reached):
        for r in self._recorders:
            r.trim(int(reached))

    def _raise(self, code: int):
        step, index, row = (int(x) for x in self._status[1:4])
        pop = self._pops[index]
        if code != codegen.NONFINITE:
            raise runaway.error(self, step, index)
        var = pop.state_names[row] if row < len(pop.state_names) else f"row {row}"
        reason = f"non-finite value (NaN/inf) in neuron {int(self._bad[0])}"
        raise SimulationError(reason, step, step * self.dt, pop.name, var)

    def reset(self) -> "Network":
        """Restore the initial state, weights, rule state, random stream and
        clear recordings; nothing is recompiled (after neurogenesis the arrays
        are built again, with the same seed)."""
        if self._topology is not None and self._topology.resized:
            self._build()
            return self
        fresh = copy.deepcopy(self._initial)
        for p, arrays in zip(self._pops, fresh["pops"]):
            for key, value in arrays.items():
                live = p.arrays.get(key)
                if isinstance(value, np.ndarray) and isinstance(live, np.ndarray) and live.shape == value.shape:
                    live[...] = value
                else:  # scalars (a Poisson source's log_q after set_rates), resized arrays
                    p.arrays[key] = value
        for pj, store, states in zip(self._projs, fresh["stores"], fresh["rules"]):
            pj.store.restore(store)
            resize_rule_states(pj, states)  # per-synapse state resized by structural growth
            _restore(pj.rule_states, states)
        for p, states in zip(self._pops, fresh["neuron_rules"]):
            _restore(p.rule_states, states)
        self._rng[...] = fresh["rng"]
        self._win[...] = fresh["win"]
        self._mods.level[...] = fresh["mod_level"]
        for ptr, init in zip([q[2] for q in self._mods.schedules if q is not None], fresh["mod_ptr"]):
            ptr[...] = init
        for r in self._recorders:
            r.reset()
        if self._structure is not None:
            self._structure.reset()
        if self._topology is not None:
            self._topology.reset_state()
        self._count_base = {}
        self.step = 0
        self._phases.reset()
        return self

    def compact(self, projection: str | None = None) -> "Network":
        """Lay the synapse store(s) out again with the build-time headroom, moving
        rule state and monitors along; results do not change (docs/structural.md)."""
        names = list(self._proj_index) if projection is None else \
            [arg.name("compact", "projection", projection, self._proj_index)]
        if self._structure is None:
            self._structure = Structure(self)
        for name in names:
            self._structure.edit(self._proj_index[name]).compact()
        return self

    def set_phase(self, phase: str) -> None:
        """Enter a phase now: if the model's protocol has a phase of that name,
        its settings (rates, modulator levels and baselines, rule scales; the
        first such phase) take effect; ``on_phase`` of every PhaseAware rule is
        called and the change logged. The next scheduled phase change of the
        protocol overrides it (docs/memory.md, "Offline phases")."""
        if not isinstance(phase, str):
            raise ValidationError("Network.set_phase", "phase", phase, "must be a string (the phase name)")
        self._phases.set_phase(phase)

    @property
    def phase(self) -> str | None:
        """The current phase's name (None outside every phase: the model as built)."""
        return self._phases.name

    @property
    def phase_log(self) -> list:
        """Every phase change so far: ``{"t_ms", "name"}`` dicts (name None: back to the model as built)."""
        return [dict(e) for e in self._phases.log]

    # -- reading results --------------------------------------------------------
    def monitor(self, name: str) -> dict:
        """Recorded data of a monitor by name (see docs/run-directory.md)."""
        names = [r.monitor.name for r in self._recorders]
        return self._recorders[names.index(arg.name("monitor", "monitor", name, names))].data(self.dt)

    def monitors(self) -> dict:
        """All recorded data, by monitor name."""
        return {r.monitor.name: r.data(self.dt) for r in self._recorders}

    def spikes(self, population: str) -> tuple[np.ndarray, np.ndarray]:
        """(neuron indices, times in ms) from the population's SpikeMonitor."""
        recorded = {r.monitor.population: r for r in self._recorders if r.kind == "spikes"}
        d = recorded[arg.name("spikes", "population", population, recorded)].data(self.dt)
        return d["i"], d["t"]

    def state(self, population: str, variable: str) -> np.ndarray:
        """Live view of a state variable (one value per neuron) of a neuron population."""
        p = self._population(population, "state")
        if not p.spec.neuron:
            raise ValidationError("Network.state", "population", population,
                                  "must be a neuron population (inputs have no state variables)")
        name = arg.name("state", "variable", variable, p.state_names, f"population {population!r}")
        return p.arrays["state"][p.state_names.index(name)]

    def _proj(self, projection: str, method: str):
        return self._projs[self._proj_index[arg.name(method, "projection", projection, self._proj_index)]]

    def _store(self, projection: str, method: str = "weights"):
        return self._proj(projection, method).store

    def weights(self, projection: str) -> np.ndarray:
        """Current weights in build order (a copy). After structural changes:
        the existing synapses in id order (build order without the removed
        ones, then the added ones in creation order); see docs/structural.md."""
        s = self._store(projection, "weights")
        return s.w[s.build_slots].copy()

    def set_weights(self, projection: str, values) -> None:
        """Overwrite the weights (build order): a number or one finite value per
        synapse (the order of ``weights``); bounds are applied."""
        s = self._store(projection, "set_weights")
        proj, slots = self.model.projections[projection], s.build_slots
        w = arg.real_array("set_weights", "values", values)
        if w.shape not in ((), (len(slots),)) or not np.isfinite(w).all():
            raise ValidationError("Network.set_weights", "values", f"shape {w.shape}",
                                  f"must be finite: one number or {len(slots)} values (one per synapse)")
        s.w[slots] = np.clip(np.broadcast_to(w, slots.shape), proj.w_min, proj.w_max)

    def synapses(self, projection: str) -> tuple[np.ndarray, np.ndarray]:
        """(pre, post) indices of the synapses in build order (id order, as ``weights``)."""
        s = self._store(projection, "synapses")
        return s.pre[s.build_slots].copy(), s.post[s.build_slots].copy()

    def synapse_ids(self, projection: str) -> np.ndarray:
        """Stable ids of the existing synapses, in the order of ``weights`` and
        ``synapses``: ``0 .. N-1`` for the synapses built with the network,
        then one new id per synapse created at run time (ids are never reused,
        so ``max + 1`` is the number of synapses ever created)."""
        s = self._store(projection, "synapse_ids")
        return s.sid[s.build_slots].copy()

    def synapse_slots(self, projection: str) -> np.ndarray:
        """Storage slots of the existing synapses, in the order of ``weights`` and
        ``synapses``: index a rule's per-synapse state with them
        (``net.rule_state(p).syn.x[net.synapse_slots(p)]``)."""
        return self._store(projection, "synapse_slots").build_slots.copy()

    def branches(self, projection: str) -> np.ndarray:
        """The dendritic branch each synapse lands on, in the order of ``weights``
        (-1 for every synapse of a projection onto the soma); see
        :mod:`neuroplastic.model.branches`."""
        pj = self._proj(projection, "branches")
        s = pj.store
        return s.branch[s.build_slots].copy() if pj.spec.branched else np.full(len(s.build_slots), -1, np.int64)

    def rule_state(self, projection: str, rule: int = 0):
        """Live state of the projection's ``rule``-th rule (named tuples of arrays)."""
        pj = self._proj(projection, "rule_state")
        return pj.rule_states[arg.rule_index("rule_state", rule, pj.spec.rules, f"projection {projection!r}")]

    def spike_counts(self, population: str, clear: bool = False) -> np.ndarray:
        """Spikes of each neuron of a spiking population (or Poisson/spike-time
        input) since the start, the last ``reset`` or the last ``clear=True``
        call (a copy; int64, one per neuron). Kept by the compiled loop at one
        increment per spike, so closed-loop controllers, reward functions and
        structural rules read activity without a SpikeMonitor."""
        p = self._population(population, "spike_counts")
        clear = arg.flag("spike_counts", "clear", clear)
        if "cnt" not in p.arrays or not codegen.counts_spikes(p.spec):
            raise ValidationError("Network.spike_counts", "population", population,
                                  "must be a spiking population or input (rate units and value/noise "
                                  "inputs have no spikes)")
        total = p.arrays["cnt"]
        base = self._count_base.get(population)
        out = total.copy()
        if base is not None:
            out[: len(base)] -= base
        if clear:
            self._count_base[population] = total.copy()
        return out

    def spike_totals(self, population: str) -> np.ndarray:
        """Spikes of each neuron since the start or the last ``reset`` (a copy;
        int64), whatever ``spike_counts(clear=True)`` calls happened: the same
        counter, without the base that clearing moves. Cost accounting reads it
        (synaptic events = spikes x fan-out)."""
        self.spike_counts(population)          # checks the population
        return self._population(population).arrays["cnt"].copy()

    def set_rates(self, population: str, rates) -> None:
        """Change the rates (Hz) of a PoissonInput from now on: a scalar or one
        rate per neuron. Closed-loop tasks use it to encode observations. Only
        for inputs built with per-neuron rates (no ``rate_interval``); ``reset``
        restores the built rates. Rates above 1/dt are refused, as in the model."""
        p = self._population(population, "set_rates")
        if not isinstance(self.model.populations[population], PoissonInput) or int(p.arrays["int"]) != 0:
            raise ValidationError("Network.set_rates", "population", population,
                                  "must be a PoissonInput without rate_interval")
        rates = arg.real_array("set_rates", "rates", rates)
        if rates.ndim > 1 or (rates.ndim == 1 and rates.size != p.n) or not (rates >= 0).all() \
                or not np.isfinite(rates).all():
            raise ValidationError("Network.set_rates", "rates", f"shape {rates.shape}",
                                  f"must be finite rates >= 0 Hz: one number or {p.n} values")
        if rates.size and rates.max() > 1e3 / self.dt:
            raise ValidationError("Network.set_rates", "rates", float(rates.max()),
                                  f"must be <= 1/dt = {1e3 / self.dt:g} Hz (at most one spike per step)")
        log_q, acc = rate_tables(np.broadcast_to(rates, (p.n,)), self.dt)
        p.arrays["logq"], p.arrays["acc"] = log_q, acc
        inputs.start(p.arrays["nxt"], self.step, self._rng, log_q, p.n)

    def add_spikes(self, population: str, indices, times) -> None:
        """Schedule more spikes for a SpikeTimes input: neuron ``indices[k]`` at
        ``times[k]`` (ms, rounded to steps as in the model), merged with the
        spikes it has not yet emitted, so that a long input can be fed in pieces
        instead of held whole. A spike before the current step is refused;
        ``reset`` restores the built spikes."""
        p = self._population(population, "add_spikes")
        if not isinstance(self.model.populations[population], SpikeTimes):
            raise ValidationError("Network.add_spikes", "population", population, "must be a SpikeTimes input")
        steps, idx, _ = inputs.spike_schedule(SpikeTimes(population, p.n, indices, times), self.dt)
        if steps.size and steps[0] < self.step:
            raise ValidationError("Network.add_spikes", "times", float(steps[0] * self.dt),
                                  f"must be >= {self.t:g} ms (the current time; earlier steps have run)")
        ptr = int(p.arrays["ptr"][0])
        steps = np.concatenate([p.arrays["steps"][ptr:], steps])
        order = np.argsort(steps, kind="stable")
        p.arrays["steps"] = steps[order]
        p.arrays["idx"] = np.concatenate([p.arrays["idx"][ptr:], idx])[order]
        p.arrays["ptr"][0] = 0
        per_step = int(np.unique(steps, return_counts=True)[1].max()) if steps.size else 0
        if per_step > p.arrays["spk"].size:
            p.arrays["spk"] = np.zeros(per_step, np.int64)

    # -- topology: neurons added and removed, lesions (engine/topology.py) --------
    def _topo(self) -> Topology:
        if self._topology is None:
            self._topology = Topology(self)
        return self._topology

    def add_neurons(self, population: str, n: int) -> np.ndarray:
        """Add ``n`` neurons to a population now (neurogenesis); returns their
        indices. Every projection from or to it draws their synapses with its
        own connectivity, weights and delays (docs/structural.md). Refused when
        the grown arrays would not fit in the available memory."""
        return self._topo().grow(population, n, self.step)

    def remove_neurons(self, population: str, indices) -> np.ndarray:
        """Remove neurons now: they lose their synapses and never spike again;
        their indices stay (recordings keep them). ``indices`` are integers in
        0..size-1 (floats and boolean masks are refused; repeats count once;
        already removed neurons are skipped). Returns those removed now."""
        idx = topology.remove_neurons(self, population, indices)
        self._topo().log.append(dict(t=self.t, event="python", kind="remove", target=population,
                                     indices=idx.tolist()))
        return idx

    def lesion(self, fraction: float, population: str | None = None, projection: str | None = None) -> np.ndarray:
        """Remove a random ``fraction`` (in (0, 1], seeded) of the living neurons
        of a population (returns their indices) or of the synapses of a
        projection (returns their ids) now."""
        fraction = arg.number("lesion", "fraction", fraction, 0.0, 1.0, low_open=True)
        if (population is None) == (projection is None):
            raise ValidationError("Network.lesion", "population/projection", (population, projection),
                                  "exactly one of population and projection must be given")
        if population is not None:
            topology._neuron_population(self, population, "Network.lesion")
        else:
            arg.name("lesion", "projection", projection, self._proj_index)
        event = Lesion(self.t, fraction, population, projection, name="python")
        topo = self._topo()
        before = len(topo.log)
        topo.apply(event, self.step)
        entry = topo.log[before]
        return np.asarray(entry.get("indices", entry.get("ids")), np.int64)

    def alive(self, population: str) -> np.ndarray:
        """Which neurons of a population exist (a bool copy; False once removed)."""
        p = self._population(population, "alive")
        return p.arrays["alive"].copy() if "alive" in p.arrays else np.ones(p.n, bool)

    def size(self, population: str) -> int:
        """Current number of neuron indices of a population (removed ones included)."""
        return self._population(population, "size").n

    @property
    def topology_log(self) -> list:
        """Every lesion, neurogenesis and removal so far (dicts; see engine/topology.py)."""
        return [] if self._topology is None else list(self._topology.log)

    def _population(self, name: str, method: str = "size"):
        return self._pops[self._pop_index[arg.name(method, "population", name, self._pop_index)]]

    def release(self, modulator: str, amount: float) -> None:
        """Add ``amount`` to a modulator's level now (rewards, environments,
        novelty signals computed in Python between runs)."""
        arg.name("release", "modulator", modulator, self._mods.names)
        self._mods.view(modulator)[0] += arg.number("release", "amount", amount)

    def modulator(self, name: str) -> float:
        """The current level of a modulator."""
        return float(self._mods.view(arg.name("modulator", "modulator", name, self._mods.names))[0])

    def neuron_rule_state(self, population: str, rule: int = 0):
        """Live state ``(neuron, glob, var)`` of the population's ``rule``-th neuron rule."""
        p = self._population(population, "neuron_rule_state")
        return p.rule_states[arg.rule_index("neuron_rule_state", rule, p.spec.rules, f"population {population!r}")]

    # -- checkpoints and snapshots (engine/checkpoint.py, docs/checkpoints.md) ------
    def save(self, path, metadata: dict | None = None):
        """Write the whole state to a checkpoint file at ``path`` (atomically):
        ``Network.load(path)`` continues bit for bit, in any process. ``metadata``
        (JSON-able) is kept in the file's manifest. Returns the path."""
        from . import checkpoint

        return checkpoint.save(self, path, metadata)

    @classmethod
    def load(cls, path, threads: int | None = None) -> "Network":
        """The network saved in a checkpoint file, ready to ``run`` on from where
        it was saved, on ``threads`` threads (default: as many as it ran on, at
        most ``numba.config.NUMBA_NUM_THREADS``; the spikes do not depend on it).
        A corrupt or truncated file, or one of another format version, raises
        ValidationError."""
        from . import checkpoint

        return checkpoint.load(cls, path, threads)

    def store(self, name: str = "default") -> None:
        """Keep a copy of the whole state (recordings included) in memory under
        ``name`` (replacing one of that name), for ``restore``."""
        from .checkpoint import capture

        if not isinstance(name, str):
            raise ValidationError("Network.store", "name", name, "must be a string")
        self._snapshots[name] = capture(self)

    def restore(self, name: str = "default") -> "Network":
        """Go back to the state stored under ``name``: the run continues as it
        did from there (trial-based protocols). Views taken before (``state``,
        ``rule_state``) stay valid unless the network grew or shrank since."""
        from .checkpoint import apply

        if name not in self._snapshots:
            stored = ", ".join(map(repr, self._snapshots)) or "none stored"
            raise ValidationError("Network.restore", "name", name, f"must name a stored state ({stored})")
        apply(self, self._snapshots[name])
        return self

    def __reduce__(self):
        """Pickle as model, seed, state and threads (views into neuron arrays and
        modulator levels are bound again on unpickling; stored snapshots are not kept)."""
        from .checkpoint import capture, rebuild

        return rebuild, (self.model, self.seed, self._headroom, capture(self), self.threads)


def _restore(live_states, initial_states) -> None:
    """Copy initial values into live rule-state arrays, in place."""
    for live, init in zip(live_states, initial_states):
        for part_live, part_init in zip(live, init):
            for arr_live, arr_init in zip(part_live, part_init):
                arr_live[...] = arr_init
