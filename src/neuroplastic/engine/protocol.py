"""Offline phases in the engine: a model's protocol carried out between compiled chunks.

:class:`Phases` turns the model's :class:`~neuroplastic.model.protocol.Protocol`
into transitions at exact steps (``round(t / dt)``); the run loop ends a chunk
at each one (as at scheduled topology events) and the new phase's settings
take effect before the step at that time:

* rates of Poisson inputs: new acceptance tables and a fresh first candidate
  (the same operation as ``Network.set_rates``; inputs that no phase names are
  never touched);
* modulator baselines (the loop's ``MOD_base``) and levels (set once);
* rule scales: one float per rule in arrays the generated loop reads
  (``J<k>_scale``, ``P<k>_scale``; engine/codegen.py): event-driven weight
  changes are ``scale * dw``; a periodic rule's update becomes
  ``w0 + scale * (w - w0)``; a neuron rule, and a structural rule (here, between
  chunks), runs only while its scale is > 0. A model without a protocol has
  none of these arrays and its generated loop is unchanged.

Then ``on_phase(name, state)`` of every PhaseAware rule is called and the
change is logged (``Network.phase_log``). Leaving the last phase (or a gap
between phases) returns every setting the protocol touches to the model as
built, calls ``on_phase(None, state)`` and logs the name ``None``.
``Network.set_phase(name)`` enters a phase by hand (the settings of the first
phase of that name, if the protocol has one; otherwise only ``on_phase`` and
the log); the next scheduled change overrides it.
"""
from __future__ import annotations

import numpy as np

from . import inputs
from .limits import to_steps
from ..model.protocol import rule_targets
from ..plasticity.rule import PhaseAware

NONE = -1   # transition target: no phase (the model as built)


class Phases:
    """The protocol state of one network (see module doc)."""

    def __init__(self, net):
        self._net = net
        protocol = net.model.protocol
        self.phases = protocol.phases if protocol is not None else ()
        self.steps, self.targets = _transitions(protocol, net.dt)
        self.scales = {}   # ("J" | "P", index) -> per-rule factors read by the loop
        if self.phases:
            for kind, parts in (("P", net._pops), ("J", net._projs)):
                for k, part in enumerate(parts):
                    if part.spec.rules:
                        part.spec.scaled = True
                        self.scales[(kind, k)] = np.ones(len(part.spec.rules))
        self._settings = [_resolve(net, phase) for phase in self.phases]
        self._inputs = sorted({q for s in self._settings for q in s["rates"]})
        self._mods = sorted({m for s in self._settings for m in s["baselines"]})
        self._base0 = net._mods.base.copy()
        self.reset()

    def reset(self) -> None:
        """The state before the first step (then the transitions due at step 0 apply)."""
        self.current, self.name, self._next, self.log = None, None, 0, []
        for a in self.scales.values():
            a[...] = 1.0
        self._net._mods.base[...] = self._base0
        self.run_due(self._net.step)

    # -- what the run loop asks ----------------------------------------------------
    def args(self) -> list:
        """The scale arrays in the order of ``codegen.scale_names``."""
        return [self.scales[key] for key in sorted(self.scales, key=lambda key: (key[0] != "P", key[1]))]

    def next_stop(self, step: int, target: int) -> int:
        """The first transition after ``step`` (or ``target``)."""
        k = self._next
        return min(target, int(self.steps[k])) if k < len(self.steps) else target

    def run_due(self, step: int) -> None:
        """Apply the transitions scheduled at or before ``step`` not applied yet."""
        while self._next < len(self.steps) and self.steps[self._next] <= step:
            k = int(self.targets[self._next])
            self._next += 1
            self.enter(None if k == NONE else k)

    def allows(self, projection: int, rule) -> bool:
        """Whether a structural ``rule`` of a projection runs now (scale > 0)."""
        scale = self.scales.get(("J", projection))
        if scale is None:
            return True
        rules = self._net._projs[projection].spec.rules
        return all(scale[r] > 0.0 for r, other in enumerate(rules) if other is rule)

    # -- entering a phase ------------------------------------------------------------
    def enter(self, k: int | None) -> None:
        """Enter phase ``k`` (None: the model as built): settings, ``on_phase``, log."""
        self._set_rates(k)
        self._set_modulators(k)
        self._set_scales(k)
        self.current = k
        self.mark(None if k is None else self.phases[k].name)

    def set_phase(self, name: str) -> None:
        """Enter the first phase called ``name``; only ``on_phase`` and the log if there is none."""
        k = next((k for k, phase in enumerate(self.phases) if phase.name == name), None)
        if k is None:
            self.mark(name)
        else:
            self.enter(k)

    def mark(self, name: str | None) -> None:
        """Call ``on_phase(name)`` of PhaseAware rules and log the change."""
        net = self._net
        for part in net._projs + net._pops:
            for rule, st in zip(part.spec.rules, part.rule_states):
                if isinstance(rule, PhaseAware):
                    rule.on_phase(name, st)
        self.name = name
        self.log.append({"t_ms": net.t, "name": name})

    def _set_rates(self, k) -> None:
        net = self._net
        for q in self._inputs:
            old = self.current if self.current is not None and q in self._settings[self.current]["rates"] else None
            new = k if k is not None and q in self._settings[k]["rates"] else None
            if new == old:
                continue
            p = net._pops[q]
            if new is None:
                log_q, acc, interval = inputs.poisson_tables(net.model.populations[p.name], net.dt)
            else:
                log_q, acc = inputs.rate_tables(self._settings[new]["rates"][q], net.dt)
                interval = 0
            p.arrays["logq"], p.arrays["acc"], p.arrays["int"] = log_q, acc, np.int64(interval)
            inputs.start(p.arrays["nxt"], net.step, net._rng, log_q, p.n)

    def _set_modulators(self, k) -> None:
        mods = self._net._mods
        own = self._settings[k] if k is not None else {"baselines": {}, "levels": {}}
        for m in self._mods:
            mods.base[m] = own["baselines"].get(m, self._base0[m])
        for m, level in own["levels"].items():
            mods.level[m] = level

    def _set_scales(self, k) -> None:
        for a in self.scales.values():
            a[...] = 1.0
        if k is not None:
            for key, r, value in self._settings[k]["scales"]:
                self.scales[key][r] = value

    # -- checkpoints (engine/checkpoint.py) ---------------------------------------------
    def capture(self, put) -> dict:
        for (kind, k), a in self.scales.items():
            put(f"phase/scale/{kind}{k}", a)
        if self.phases:
            put("phase/mod_base", self._net._mods.base)
        return {"current": self.current, "name": self.name, "next": self._next, "log": self.log}

    def restore(self, meta: dict, src) -> None:
        for (kind, k), a in self.scales.items():
            src.fill(f"phase/scale/{kind}{k}", a)
        if self.phases:
            src.fill("phase/mod_base", self._net._mods.base)
        self.current, self.name, self._next = meta["current"], meta["name"], int(meta["next"])
        self.log = [dict(e) for e in meta["log"]]


def _transitions(protocol, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """(steps, targets): at ``steps[i]`` the network enters phase ``targets[i]``
    (``NONE``: no phase); a phase that starts where the previous one ends
    replaces the return to no phase in between."""
    if protocol is None or not protocol.phases:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    cycle = np.array(protocol.cycle())
    offsets = protocol.start + np.arange(protocol.repeat, dtype=float)[:, None] * protocol.period
    s0, s1 = to_steps((offsets + cycle[:, 0]).ravel(), dt), to_steps((offsets + cycle[:, 1]).ravel(), dt)
    n = len(s0)
    steps, targets = np.empty(2 * n, np.int64), np.empty(2 * n, np.int64)
    steps[0::2], steps[1::2] = s0, s1
    targets[0::2], targets[1::2] = np.tile(np.arange(len(protocol.phases)), protocol.repeat), NONE
    keep = np.ones(2 * n, bool)
    keep[1:-1:2] = s1[:-1] != s0[1:]
    return steps[keep], targets[keep]


def _resolve(net, phase) -> dict:
    """A phase's settings by engine index: rates by population (per neuron),
    levels and baselines by modulator, scales as (array key, rule, factor)
    with whole-part keys first so that a key naming one rule wins."""
    model, names = net.model, net._mods.names
    rates = {net._pop_index[q]: np.broadcast_to(np.asarray(rate, float), (model.populations[q].n,))
             for q, rate in phase.rates.items()}
    scales = []
    for key in sorted(phase.scales, key=lambda key: "." in key):
        for kind, part, r in rule_targets(model, key):
            index = ("J", net._proj_index[part]) if kind == "projection" else ("P", net._pop_index[part])
            scales.append((index, r, float(phase.scales[key])))
    return {"rates": rates, "levels": {names.index(m): v for m, v in phase.levels.items()},
            "baselines": {names.index(m): v for m, v in phase.baselines.items()}, "scales": scales}


def phase_spans(log: list, t_end: float) -> list[tuple[float, float, str]]:
    """``(t0_ms, t1_ms, name)`` of each named stretch of a phase log up to
    ``t_end`` (what figures take as ``phases=``); zero-length stretches are left out."""
    out = []
    for entry, nxt in zip(log, log[1:] + [{"t_ms": t_end}]):
        t0, t1 = float(entry["t_ms"]), min(float(nxt["t_ms"]), t_end)
        if entry["name"] is not None and t1 > t0:
            out.append((t0, t1, str(entry["name"])))
    return out


def phase_rows(log: list, t_end: float) -> list[dict]:
    """The same stretches as ``{"name", "t0_ms", "t1_ms"}`` rows (``metrics["phases"]``)."""
    return [{"name": name, "t0_ms": t0, "t1_ms": t1} for t0, t1, name in phase_spans(log, t_end)]
