"""Diehl & Cook's presentation protocol: show, rest, and show brighter when the network is silent.

One example (pixel values x in [0, 1]; :func:`neuroplastic.experiments.protocols.present`)::

    rates = x * max_rate                         Hz
    repeat:
        rates for t_present ms, then 0 Hz for t_rest ms; count exc spikes
        if count >= min_spikes or tries = max_tries: done
        rates += x * rate_step                   (the original: intensity += 1)

Every try is part of the network's history (it learns during repeats, as in
the original). The loop over examples is Python, once per example; everything
inside a presentation is the compiled step loop.

:class:`ExampleProgress` is the progress bar of a pass over examples: examples
seen, the running accuracy (Diehl & Cook's estimate, compare/_diehl_labels.py)
and examples per second.
"""
from __future__ import annotations

import time

import numpy as np

from ..experiments.protocols import present
from ._diehl_labels import running_accuracy

__all__ = ["show", "show_all", "ExampleProgress"]


def show(net, x, c) -> tuple[np.ndarray, int]:
    """Present one example; returns (exc spike counts of the last try, tries)."""
    rates = np.asarray(x, float) * c["max_rate"]
    step = np.asarray(x, float) * c["rate_step"]
    silent = np.zeros_like(rates)
    tries = 0
    while True:
        tries += 1
        counts = present(net, {"pixels": rates}, c["t_present"], "exc", rest=c["t_rest"],
                         rest_rates={"pixels": silent})
        if counts.sum() >= c["min_spikes"] or tries >= c["max_tries"]:
            return counts, tries
        rates = rates + step


def show_all(net, images, c, labels=None, bar=None, window: int = 0, start: int = 0,
             before=None) -> tuple[np.ndarray, int]:
    """Present every image in turn; returns (counts: examples x neurons, total tries).
    With ``labels``, ``window`` and ``bar``, the bar shows the running accuracy.
    A pass in parts shows the same: ``start`` examples were shown before these
    (``labels`` covers them too) and ``before`` holds the counts of the last of
    them (at least ``2 window`` rows where there are as many)."""
    past = [] if before is None or not window else list(before[-2 * window:])
    done = start
    rows, tries = [], 0
    for k, x in enumerate(images, start=done):
        counts, n = show(net, x, c)
        rows.append(counts)
        tries += n
        if bar is not None:
            acc = None
            if labels is not None and window and (k + 1) % window == 0 and k + 1 >= 2 * window:
                recent = np.array((past + rows)[-2 * window:])
                acc = running_accuracy(recent, labels[k + 1 - 2 * window:k + 1], window)[1][-1]
            bar.advance(acc)
    return np.array(rows, np.int64).reshape(len(rows), -1), tries


class ExampleProgress:
    """A rich progress bar over examples (``enabled=False``: silent; ``console``: a rich Console)."""

    def __init__(self, enabled: bool, total: int, label: str, console=None, done: int = 0):
        self.enabled, self.total, self.label, self.console = enabled, total, label, console
        self.done = done            # examples seen before (a resumed pass)
        self._bar = None
        self._accuracy = "running accuracy: -"

    def __enter__(self):
        self._start = time.perf_counter()
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("examples"), TextColumn("{task.fields[acc]}"), TimeElapsedColumn(),
                                 TextColumn("{task.fields[speed]}"), console=self.console)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total, completed=self.done, acc=self._accuracy,
                                            speed="")
        return self

    def advance(self, accuracy: float | None = None) -> None:
        if self._bar is None:
            return
        if accuracy is not None:
            self._accuracy = f"running accuracy {accuracy:.3f}"
        done = self._bar.tasks[0].completed + 1 - self.done
        wall = time.perf_counter() - self._start
        self._bar.update(self._task, advance=1, acc=self._accuracy, speed=f"{done / wall:.1f} ex/s")

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.stop()
        return False
