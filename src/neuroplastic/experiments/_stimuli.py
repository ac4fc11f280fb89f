"""Binary shape patterns on a square grid of inputs, cues, and stimulus schedules.

The stimuli of the orchestrated-plasticity network (Zenke, Agnes & Gerstner
2015; the authors' ``shapes.pat`` and ``StimulusGroup``): every input neuron
sits on a ``side x side`` grid (64 x 64 = 4,096 inputs at full scale) and
fires at the background rate; while a pattern is shown its pixels fire at
background + pattern rate. The four patterns are outlines with thick strokes
drawn here (not read from the authors' files): a ring, a square frame, an X
and a downward triangle, each covering 19-29 % of the grid and overlapping
one another on 4-57 % of their pixels, as the authors' shapes do (their
sizes: 832-1,193 of 4,096 pixels; measured overlaps 14-57 %).

Schedules follow the authors' ``StimulusGroup`` with random intervals: the
first stimulus starts at 5 ms; "on" durations are normal with mean ``on`` and
standard deviation ``on / 3`` (negative draws give 0), "off" durations
exponential with mean ``off``; each stimulus is drawn uniformly from the set.
Times in ms.
"""
from __future__ import annotations

import numpy as np

SHAPES = ("ring", "square", "cross", "triangle")


def shape(name: str, side: int = 64) -> np.ndarray:
    """A boolean ``side x side`` image of one of :data:`SHAPES` (outline of
    stroke width ~side/13, centred, spanning ~85 % of the grid)."""
    y, x = np.mgrid[0:side, 0:side] + 0.5
    c, half, stroke = side / 2.0, 0.42 * side, max(side / 13.0, 1.0)
    u, v = x - c, y - c
    if name == "ring":
        r = np.hypot(u, v)
        return (r <= half) & (r > half - stroke)
    if name == "square":
        a = np.maximum(np.abs(u), np.abs(v))
        return (a <= half) & (a > half - stroke)
    if name == "cross":
        d1, d2 = np.abs(u - v) / np.sqrt(2.0), np.abs(u + v) / np.sqrt(2.0)
        inside = np.maximum(np.abs(u), np.abs(v)) <= half
        return inside & ((d1 <= 0.75 * stroke) | (d2 <= 0.75 * stroke))
    if name == "triangle":
        # downward triangle: top edge at v = -half, apex at v = +half
        top, slope = -half, 0.5
        edge = (v + half) * slope   # half-width shrinks linearly from `half` at the top to 0 at the apex
        width = half - edge
        inside = (v >= top) & (v <= half) & (np.abs(u) <= width)
        inner = (v >= top + stroke) & (np.abs(u) <= width - stroke * 1.12)
        return inside & ~inner
    raise ValueError(f"unknown shape {name!r}; known: {SHAPES}")


def patterns(n_inputs: int, n_patterns: int = 4) -> list[np.ndarray]:
    """Index arrays of the active inputs of the first ``n_patterns`` shapes on
    the largest square grid that fits ``n_inputs`` (row-major, input k at row
    k // side, column k % side)."""
    side = int(np.sqrt(n_inputs))
    if side * side != n_inputs:
        raise ValueError(f"n_inputs must be a square number (a grid), got {n_inputs}")
    return [np.flatnonzero(shape(name, side).ravel()) for name in SHAPES[:n_patterns]]


def half_cue(pattern: np.ndarray, n_inputs: int) -> np.ndarray:
    """The left half of a pattern: its pixels in columns left of its median
    column (ties broken by row), 50 % of the pixels (an occluded shape)."""
    side = int(np.sqrt(n_inputs))
    cols, rows = pattern % side, pattern // side
    order = np.lexsort((rows, cols))
    return np.sort(pattern[order[: len(pattern) // 2]])


def schedule(rng: np.random.Generator, t0: float, t1: float, on: float, off: float, n_stimuli: int,
             dt: float, first: float = 5.0) -> list[tuple[float, float, int]]:
    """(start, stop, stimulus) triples in [t0, t1), on the time grid of ``dt``:
    stimuli drawn uniformly, on ~ max(0, Normal(on, on / 3)), off ~
    Exponential(off); the first starts at t0 + ``first``. A stimulus running
    past t1 is cut at t1; one shorter than dt is left out."""
    out, t = [], t0 + first
    while t < t1:
        duration = max(0.0, rng.normal(on, on / 3.0))
        k = int(rng.integers(n_stimuli))
        a, b = _on_grid(t, dt), _on_grid(min(t + duration, t1), dt)
        if b > a:
            out.append((a, b, k))
        t += duration + rng.exponential(off)
    return out


def _on_grid(t: float, dt: float) -> float:
    return round(t / dt) * dt


def rates(n_inputs: int, background: float, boost: float, active: np.ndarray | None) -> np.ndarray:
    """Per-input rates (Hz): background everywhere, + boost on ``active``."""
    r = np.full(n_inputs, float(background))
    if active is not None:
        r[active] += boost
    return r


def positions(n_exc: int, side: int) -> np.ndarray:
    """(n_exc, 2) positions (x, y) of the excitatory neurons on the input grid
    (pixel units): a regular nx x ny lattice, nx * ny = n_exc as square as
    possible, spread evenly (n_exc = side^2 puts neuron i on pixel i)."""
    ny = int(np.sqrt(n_exc))
    while n_exc % ny:
        ny -= 1
    nx = n_exc // ny
    ix, iy = np.arange(n_exc) % nx, np.arange(n_exc) // nx
    return np.column_stack([(ix + 0.5) * side / nx, (iy + 0.5) * side / ny])


def disc_fields(n_exc: int, n_inputs: int, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """(pre, post) of the input->E synapses: every excitatory neuron receives
    the inputs whose pixel centres lie within ``radius`` pixels of its position
    (:func:`positions`), on a torus (the grid wraps around, so every neuron has
    the same number of inputs: 197 for radius 8). The authors' initialisation
    ``rf_discsR8.mtx`` (discs of radius 8, about 5 % of the 4,096 inputs)."""
    side = int(np.sqrt(n_inputs))
    pos = positions(n_exc, side)
    px, py = np.arange(n_inputs) % side + 0.5, np.arange(n_inputs) // side + 0.5
    pre, post = [], []
    for lo in range(0, n_exc, 256):                      # 256 neurons at a time: a (256, n_inputs) mask
        x, y = pos[lo:lo + 256, :1], pos[lo:lo + 256, 1:]
        dx, dy = np.abs(px - x), np.abs(py - y)
        dx, dy = np.minimum(dx, side - dx), np.minimum(dy, side - dy)
        j, i = np.nonzero(dx * dx + dy * dy <= radius * radius + 1e-9)
        pre.append(i)
        post.append(j + lo)
    return np.concatenate(pre).astype(np.int64), np.concatenate(post).astype(np.int64)
