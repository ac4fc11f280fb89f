"""Colours and tick formats shared by the figures.

* :data:`OKABE_ITO`: the colour-blind-safe palette of Okabe & Ito (2008),
  used for populations and conditions.
* :func:`population_colours`: one distinct colour per population; excitatory
  populations get blue and inhibitory ones vermillion, the pair that stays
  distinct under every common colour-vision deficiency.
* :func:`plain_log_ticks`: a log axis labelled 1, 2, 5, 10, 20 ... instead of
  ``2×10¹`` when it spans few decades.

References: Okabe M, Ito K (2008) Color Universal Design, https://jfly.uni-koeln.de/color/
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

__all__ = ["OKABE_ITO", "EXCITATORY", "INHIBITORY", "population_colours", "plain_log_ticks"]

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
EXCITATORY = OKABE_ITO[0]   # blue
INHIBITORY = OKABE_ITO[1]   # vermillion

_EXC_NAMES = ("e", "exc", "excitatory", "pyr")
_INH_NAMES = ("i", "inh", "inhibitory", "int")


def _role(name: str) -> str:
    head = name.strip().lower().replace("-", "_").split("_")[0]
    if head in _EXC_NAMES:
        return "exc"
    if head in _INH_NAMES:
        return "inh"
    return ""


def population_colours(names: Sequence[str]) -> dict[str, str]:
    """A distinct colour-blind-safe colour per name.

    Names read as excitatory (``E``, ``exc``, ``E_hidden`` ...) get blue, those
    read as inhibitory (``I``, ``inh`` ...) vermillion, if only one of each; the
    rest take the remaining Okabe-Ito colours in order (cycling past eight).
    """
    names = [str(n) for n in names]
    roles = [_role(n) for n in names]
    colours: dict[str, str] = {}
    for role, colour in (("exc", EXCITATORY), ("inh", INHIBITORY)):
        if roles.count(role) == 1:
            colours[names[roles.index(role)]] = colour
    free = iter([c for c in OKABE_ITO if c not in colours.values()] * (len(names) // 6 + 1))
    for name in names:
        if name not in colours:
            colours[name] = next(free)
    return colours


def plain_log_ticks(ax, axis: str = "y") -> None:
    """Label a log-scaled axis with plain numbers (0.5, 1, 2, 5, 10 ...).

    Matplotlib's default labels minor ticks of a log axis spanning less than
    about two decades as ``2×10¹``; this keeps the log scale and writes the
    numbers as numbers: denser ticks below one decade, 1-2-5 ticks up to 2.5
    decades, powers of ten beyond. Call it after the data (or limits) are set.
    """
    which = ax.yaxis if axis == "y" else ax.xaxis
    lo, hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    decades = np.log10(hi / lo) if lo > 0 and hi > 0 else np.inf
    if decades <= 1.0:
        subs = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)
    elif decades <= 2.5:
        subs = (1.0, 2.0, 5.0)
    else:
        subs = (1.0,)
    which.set_major_locator(LogLocator(base=10.0, subs=subs, numticks=30 if decades <= 2.5 else "auto"))
    which.set_minor_locator(LogLocator(base=10.0, subs=tuple(range(2, 10)), numticks="auto"))
    which.set_minor_formatter(NullFormatter())
    which.set_major_formatter(FuncFormatter(_plain))


def _plain(value: float, _pos=None) -> str:
    """``0.5``, ``20``, ``1000``; powers of ten beyond 10^±4 as ``1e+05``."""
    return f"{value:g}" if 1e-4 <= abs(value) < 1e5 or value == 0 else f"{value:.0e}"
