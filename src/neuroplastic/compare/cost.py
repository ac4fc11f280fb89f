"""The work a spiking network does: synaptic events and periodic synapse updates.

A spike of neuron i of a population delivers one synaptic event to each of its
outgoing synapses, so between two readings the events of a projection are

    events = sum_i (spikes of presynaptic neuron i) x (fan-out of i)

with the spike counts from :meth:`Network.spike_totals` (not affected by the
clearing of :meth:`Network.spike_counts`) and the fan-out read from the
projection at the reading (structural plasticity changes it: read often, e.g.
once per trial, and the error stays small). Each event costs one addition into
the target -- the spiking counterpart of a multiply-accumulate -- plus the
``on_pre``/``on_post`` weight updates of event-driven rules, which are
proportional to the events too. Rules that run every ``period`` ms over all
synapses (:class:`~neuroplastic.Periodic`: three-factor updates, normalisation)
add ``synapses x elapsed / period`` synapse updates, counted separately.
Neuron updates (one per neuron and time step) are not counted.
"""
from __future__ import annotations

import numpy as np

from ..plasticity.rule import Periodic

__all__ = ["SynapticEvents"]


class SynapticEvents:
    """Counts the synaptic events and periodic synapse updates of ``net`` from now on
    (``since_start``: from the start of the network, or its last ``reset``; its
    connectivity must then not have changed since).

    Call :meth:`update` at least whenever connectivity may change (after each
    trial or episode) and once at the end; read :attr:`events` and :attr:`updates`.
    """

    def __init__(self, net, since_start: bool = False):
        self.net = net
        self.events = 0.0
        self.updates = 0.0
        self._projections = list(net.model.projections.values())
        self._sources = sorted({pj.pre for pj in self._projections})
        self._last = {pop: net.spike_totals(pop) * (not since_start) for pop in self._sources}
        self._t = 0.0 if since_start else net.t

    def update(self) -> None:
        """Add the events and updates since the last call."""
        net = self.net
        delta = {}
        for pop in self._sources:
            now = net.spike_totals(pop)
            last = self._last[pop]
            delta[pop] = now - np.pad(last, (0, len(now) - len(last)))
            self._last[pop] = now
        elapsed = net.t - self._t
        self._t = net.t
        for pj in self._projections:
            pre, _ = net.synapses(pj.name)
            fan_out = np.bincount(pre, minlength=len(delta[pj.pre]))
            self.events += float(delta[pj.pre] @ fan_out)
            for rule in pj.rules:
                if isinstance(rule, Periodic):
                    self.updates += len(pre) * elapsed / rule.period

    @property
    def total(self) -> float:
        """Events plus periodic updates."""
        return self.events + self.updates
