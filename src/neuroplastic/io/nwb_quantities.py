"""Units of recorded quantities, for export.

A quantity is ``(unit, conversion, stored)``: the SI unit NWB names, the factor
that turns stored values into it, and the neuroplastic unit the values are
stored in. Values are never rescaled on export, so they read back exactly.

============================  ============================  =====================
variable                      model                         stored in
============================  ============================  =====================
v, theta                      LIF, AdEx, Izhikevich         mV
ge, gi                        conductance synapses          nS
ie, ii                        LIF, AdEx (current synapses)  pA
w (adaptation current)        AdEx                          pA
u, ie, ii                     Izhikevich                    mV/ms (model units)
every variable                RateUnit, BinaryUnit          dimensionless
============================  ============================  =====================

Weights take the unit of the postsynaptic channel: nS onto conductance
synapses, pA onto current synapses (LIF, AdEx), mV/ms onto Izhikevich neurons,
dimensionless onto rate and binary units. What is not in the table (or not
described in the config, as in experiment runs) is written with unit ``n/a``.
"""
from __future__ import annotations

import dataclasses

MILLIVOLT = ("volts", 1e-3, "mV")
NANOSIEMENS = ("siemens", 1e-9, "nS")
PICOAMPERE = ("amperes", 1e-12, "pA")
IZHIKEVICH = ("volts/second", 1.0, "mV/ms")   # 1 mV/ms = 1 V/s
ONE = ("dimensionless", 1.0, "dimensionless")
HERTZ = ("hertz", 1.0, "Hz")
UNKNOWN = ("n/a", 1.0, "unknown units")

_DIMENSIONLESS_MODELS = ("RateUnit", "BinaryUnit")


class Quantities:
    """Units of state variables and weights, looked up in a model config."""

    def __init__(self, config: dict):
        self._config = config
        self._pops = {p["name"]: p for p in config.get("populations", []) if isinstance(p, dict) and "name" in p}
        self._projs = {p["name"]: p for p in config.get("projections", []) if isinstance(p, dict) and "name" in p}

    def model(self, population: str) -> str:
        """The neuron model's name (``"unknown model"`` when the config does not say)."""
        return self._pops.get(population, {}).get("model", "unknown model")

    def _synapse(self, population: str) -> str | None:
        entry = self._pops.get(population)
        if entry is None:
            return None
        if "synapse" in entry.get("params", {}):
            return entry["params"]["synapse"]
        from ..model.neurons import NEURON_MODELS

        cls = NEURON_MODELS.get(entry.get("model"))
        fields = {f.name: f.default for f in dataclasses.fields(cls)} if cls is not None else {}
        return fields.get("synapse")

    def state(self, population: str, var: str) -> tuple:
        """The quantity of state variable ``var`` of ``population``."""
        model, synapse = self.model(population), self._synapse(population)
        if model in _DIMENSIONLESS_MODELS:
            return ONE
        if model == "unknown model":
            return UNKNOWN
        if var in ("v", "theta"):
            return MILLIVOLT
        if var in ("ge", "gi"):
            return NANOSIEMENS
        if model == "Izhikevich" and var in ("u", "ie", "ii"):
            return IZHIKEVICH
        if var in ("ie", "ii", "w") and synapse is not None:
            return PICOAMPERE
        return UNKNOWN

    def weight(self, projection: str) -> tuple:
        """The quantity of the weights of ``projection`` (its postsynaptic channel's)."""
        post = self._projs.get(projection, {}).get("post")
        model = self.model(post) if post is not None else "unknown model"
        if model in _DIMENSIONLESS_MODELS:
            return ONE
        if model == "Izhikevich":
            return IZHIKEVICH
        synapse = self._synapse(post) if post is not None else None
        return {"conductance": NANOSIEMENS, "current": PICOAMPERE}.get(synapse, UNKNOWN)

    def dt_seconds(self) -> float | None:
        """The time step in s (spike-time resolution), when the config states it."""
        dt = self._config.get("simulation", {}).get("dt", self._config.get("parameters", {}).get("dt"))
        return float(dt) * 1e-3 if isinstance(dt, (int, float)) and not isinstance(dt, bool) else None
