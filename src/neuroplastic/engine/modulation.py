"""Modulator levels in the engine: arrays, releases and the views rules read.

All modulators of a model share one array ``level`` (one entry each). Every
step the compiled loop decays them exactly towards their baselines
(``level = base + (level - base) * keep``, ``keep = exp(-dt / tau)``), then
adds the releases scheduled for that step; spikes of a source population add
``per_spike`` each after that population's update. Rules get 1-element views
``level[k:k+1]``, so what they read is always the current level.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .limits import to_steps


@dataclass
class ModulatorArrays:
    """The engine's modulator state (see module doc)."""

    names: list
    level: np.ndarray
    keep: np.ndarray
    base: np.ndarray
    schedules: list = field(default_factory=list)   # per modulator: (steps, amounts, ptr) or None
    sources: list = field(default_factory=list)     # (modulator index, population index, per_spike)

    @property
    def spike_amounts(self) -> np.ndarray:
        """Amount per spike of each source, in the order of ``sources``."""
        return np.array([a for _, _, a in self.sources] or [0.0], dtype=np.float64)

    @property
    def count(self) -> int:
        return len(self.names)

    def view(self, name: str) -> np.ndarray:
        """A live 1-element view of the level of modulator ``name``."""
        k = self.names.index(name)
        return self.level[k:k + 1]

    def views_for(self, rule) -> dict:
        """Field name -> level view, for the fields a rule lists in ``modulated_by``."""
        return {f: self.view(getattr(rule, f)) for f in type(rule).modulated_by}


def build_modulators(model, pop_index: dict, dt: float) -> ModulatorArrays:
    """Arrays for every modulator of ``model``."""
    mods = list(model.modulators.values())
    out = ModulatorArrays(
        names=[m.name for m in mods],
        level=np.array([m.start for m in mods], dtype=np.float64),
        keep=np.array([np.exp(-dt / m.tau) for m in mods], dtype=np.float64),
        base=np.array([m.baseline for m in mods], dtype=np.float64),
    )
    for k, m in enumerate(mods):
        times, amounts = m.schedule()
        if times.size:
            steps = to_steps(times, dt)
            out.schedules.append((steps, amounts, np.zeros(1, np.int64)))
        else:
            out.schedules.append(None)
        if m.source is not None and m.per_spike != 0.0:
            out.sources.append((k, pop_index[m.source], float(m.per_spike)))
    return out
