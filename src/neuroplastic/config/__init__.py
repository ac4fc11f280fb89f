"""Run configurations: TOML configs (or their dicts) <-> model descriptions.

Two forms are read (docs/config.md): the model form (``[simulation]``,
``[[populations]]``, ``[[inputs]]``, ``[[modulators]]``, ``[[projections]]``,
``[[monitors]]``, ``[[events]]``) and the experiment form
(``experiment = "song2000"``, ``seed``, ``scale``, ``[parameters]``).

The schema is not written here: every table's keys, which are required, what
each takes, its unit and bounds are those the model class declares (its
dataclass fields and ``constraints``, :mod:`neuroplastic.model.spec`; see
:mod:`.schema`). This layer adds what only a file has: the dotted path of an
entry in its errors (``projections[2].rules[0].tau_plus``), "did you mean"
suggestions, kinds by name (:mod:`.kinds`) and sanity limits on sizes
(:mod:`.limits`).

Any number may be a string with a unit (``tau_m = "10 ms"``): the model class
converts it to its field's unit; a written config stores plain numbers in the
internal units (ms, mV, nS, pF, pA, Hz).
"""
from .read import config_from_dict, load_config
from .run import RunConfig
from .schema import describe, layout
from .write import model_to_dict

__all__ = ["RunConfig", "config_from_dict", "describe", "layout", "load_config", "model_to_dict"]
