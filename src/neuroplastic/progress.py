"""Progress display for long runs: biological time, wall time, simulated s per s.

The first run of a new network structure compiles its step loop (numba; 5-20 s,
then cached on disk): the bar says "compiling kernels…" meanwhile, prints how long
it took, and leaves that time out of the simulated-seconds-per-second figure.
"""
from __future__ import annotations

import time

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn


class RunProgress:
    """A context manager showing a rich progress bar when ``enabled``."""

    def __init__(self, enabled: bool, total_ms: float, start_ms: float = 0.0, label: str = "simulating"):
        self.enabled, self.total_ms, self.label = enabled and total_ms > 0, total_ms, label
        self._origin = start_ms
        self._bar = None
        self.compile_seconds = 0.0

    def __enter__(self):
        self._start_wall = time.perf_counter()
        if self.enabled:
            self._bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                                 TextColumn("{task.fields[bio]}"), TimeElapsedColumn(),
                                 TextColumn("{task.fields[speed]}"), transient=False)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total_ms, bio="", speed="")
        return self

    def compile_started(self) -> None:
        """The step loop of a new structure is being compiled (not loaded from the cache)."""
        if self._bar:
            self._bar.update(self._task, description="compiling kernels…")

    def compile_finished(self, seconds: float) -> None:
        """Compilation took ``seconds``; it is not counted in the simulation speed."""
        self.compile_seconds += seconds
        if self._bar:
            self._bar.update(self._task, description=self.label)
            self._bar.console.print(f"compiled kernels in {seconds:.1f} s (cached for later runs)", highlight=False)

    def update(self, t_ms: float) -> None:
        """Report that biological time ``t_ms`` (ms since the network's start) is reached."""
        if not self._bar:
            return
        done = t_ms - self._origin
        wall = time.perf_counter() - self._start_wall - self.compile_seconds
        speed = f"{done * 1e-3 / wall:.2f} sim-s/s" if wall > 0 else ""
        self._bar.update(self._task, completed=done, bio=f"{t_ms / 1000:.2f} s bio", speed=speed)

    def __exit__(self, *exc):
        if self._bar:
            self._bar.stop()
        return False
