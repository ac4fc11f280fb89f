"""Input populations: spike sources with no membrane.

Units: rates in Hz, times in ms.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .spec import Indices, Integer, Matrix, Name, Number, Numbers, check, per_neuron
from ..errors import ValidationError

NAME, SIZE = Name(), Integer(ge=1)


@dataclass(frozen=True)
class PoissonInput:
    """``n`` independent Poisson spike trains.

    ``rate`` (Hz) is one of:
      * a scalar: every neuron fires at that rate;
      * a 1-D array of length ``n``: one rate per neuron;
      * with ``rate_interval`` (ms) set, a 1-D array of rates over time, shared by
        all neurons: ``rate[k]`` applies during [k, k+1) * rate_interval, and the
        last value holds after the end.

    In each step of length dt a neuron emits a spike with probability rate*dt
    (Bernoulli discretisation of the Poisson process, as Brian2's PoissonGroup);
    the engine draws only the spikes (geometric skipping), not one number per
    neuron per step.
    """

    name: str
    n: int
    rate: object = 10.0
    rate_interval: float | None = None

    constraints = {"name": NAME, "n": SIZE, "rate": Number("Hz", ge=0, array=True),
                   "rate_interval": Number("ms", gt=0, optional=True)}

    def __post_init__(self):
        o = f"PoissonInput '{self.name}'"
        check(self, o)
        if self.rate_interval is None:
            per_neuron(o, "rate", self.rate, self.n)
        else:
            if np.ndim(self.rate) != 1:
                raise ValidationError(o, "rate", self.rate,
                                      "must be a 1-D array of rates over time when rate_interval is set")

    @property
    def kind(self) -> str:
        return "poisson"


@dataclass(frozen=True)
class SpikeTimes:
    """Explicit spike times: neuron ``indices[k]`` fires at ``times[k]`` (ms).

    Times are rounded to the nearest step. Duplicate (neuron, step) pairs are
    allowed and produce two spikes.
    """

    name: str
    n: int
    indices: object = field(default_factory=tuple)
    times: object = field(default_factory=tuple)

    constraints = {"name": NAME, "n": SIZE, "indices": Indices(), "times": Numbers("ms", ge=0)}

    def __post_init__(self):
        o = f"SpikeTimes '{self.name}'"
        check(self, o)
        idx, t = self.indices, self.times
        if idx.shape != t.shape:
            raise ValidationError(o, "indices", f"shape {idx.shape}",
                                  f"must be 1-D and match times (shape {t.shape})")
        if idx.size and idx.max() >= self.n:
            k = int(np.argmax(idx >= self.n))
            raise ValidationError(o, f"indices[{k}]", int(idx[k]),
                                  f"must be <= {self.n - 1} (neuron indices in [0, {self.n - 1}])")

    @classmethod
    def from_trains(cls, name: str, trains) -> "SpikeTimes":
        """Build from a list with one sequence of spike times (ms) per neuron."""
        idx = np.concatenate([np.full(len(tr), k, dtype=np.int64) for k, tr in enumerate(trains)] or [[]])
        t = np.concatenate([np.asarray(tr, dtype=float) for tr in trains] or [[]])
        return cls(name, len(trains), idx.astype(np.int64), t)

    @property
    def kind(self) -> str:
        return "spike_times"


@dataclass(frozen=True)
class ValueInput:
    """A graded input: activity values given over time (for rate units).

    ``values`` is a 2-D array (``n_samples`` x ``n``): row ``k`` is the
    activity of the ``n`` units during [k, k+1) * ``interval`` ms; after the
    last row the sequence starts again from row 0. Synapses from a ValueInput
    carry ``w * value`` every step (like a rate unit's output); rules read the
    values as the population's ``"activity"``. Dimensionless.
    """

    name: str
    values: object = None
    interval: float = 1.0

    constraints = {"name": NAME, "values": Matrix(), "interval": Number("ms", gt=0)}

    def __post_init__(self):
        check(self, f"ValueInput '{self.name}'")

    @property
    def n(self) -> int:
        return int(self.values.shape[1])

    @property
    def kind(self) -> str:
        return "values"


@dataclass(frozen=True)
class NoiseInput:
    """A graded noise source: ``n`` units whose activity in every step is an
    independent uniform draw on [``low``, ``high``).

    Like a :class:`ValueInput`, synapses from a NoiseInput carry ``w * value``
    every step (connect it ``OneToOne`` with weight 1 to add the draw to the
    target's synaptic variable, e.g. Izhikevich's thalamic noise current
    13 (rand - 0.5): ``low=-6.5, high=6.5``). With ``interval`` (ms) set, new
    values are drawn only every ``interval`` ms (rounded to whole steps) and held
    in between (noise that is constant over each ms, whatever dt). The draws come
    from the network's own random stream, so runs are reproducible from the
    seed. Dimensionless (the weight carries the unit).
    """

    name: str
    n: int
    low: float = 0.0
    high: float = 1.0
    interval: float | None = None

    constraints = {"name": NAME, "n": SIZE, "low": Number(), "high": Number(),
                   "interval": Number("ms", gt=0, optional=True)}

    def __post_init__(self):
        o = f"NoiseInput '{self.name}'"
        check(self, o)
        if self.high < self.low:
            raise ValidationError(o, "high", self.high, f"must be >= {self.low:g}")
        if not np.isfinite(self.high - self.low):
            raise ValidationError(o, "high", self.high, f"minus low ({self.low:g}) must be finite")

    @property
    def kind(self) -> str:
        return "noise"


INPUT_KINDS = {"PoissonInput": PoissonInput, "SpikeTimes": SpikeTimes, "ValueInput": ValueInput,
               "NoiseInput": NoiseInput}
