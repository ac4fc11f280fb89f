"""The measures of the ``zenke2015`` experiment on its recordings: which
neurons form an assembly, how their weights compare, how a cue evokes its
assembly (definitions in the experiment's module doc). Rates in Hz, times in ms."""
from __future__ import annotations

import numpy as np

from ._phases import Psth
from ._stimuli import SHAPES


def assembly_labels(rates: np.ndarray, n_patterns: int) -> np.ndarray:
    """Assembly of each neuron (-1: none) from its rates by class (rows: the
    patterns, then no stimulus): the pattern whose rate is at least twice
    every other pattern's and twice the rate without stimulus, and >= 1 Hz."""
    r = np.nan_to_num(rates[:n_patterns], nan=0.0)
    off = np.nan_to_num(rates[n_patterns], nan=0.0)
    if n_patterns == 1:
        second = np.zeros(r.shape[1])
    else:
        second = np.sort(r, axis=0)[-2]
    best = r.max(axis=0)
    ok = (best >= 2.0 * second) & (best >= 2.0 * off) & (best >= 1.0)
    return np.where(ok, np.argmax(r, axis=0), -1)


def weight_indices(w, pre, post, labels) -> tuple[float, float]:
    """Mean E->E weight within assemblies and between different assemblies,
    each divided by the mean of all E->E weights (nan without assemblies)."""
    a, b = labels[pre], labels[post]
    mean = float(w.mean()) if w.size else float("nan")
    same, other = (a >= 0) & (a == b), (a >= 0) & (b >= 0) & (a != b)
    within = float(w[same].mean()) / mean if same.any() and mean > 0 else float("nan")
    between = float(w[other].mean()) / mean if other.any() and mean > 0 else float("nan")
    return within, between


def recall_metrics(windows, sizes, psth: Psth, cue_ms: float) -> dict:
    """Per cued shape k (averaged over its cues): the evoked rate of assembly k
    in [0, cue_ms) after the onset over its rate in the 1 s before
    (``recall_ratio``), and over the largest evoked rate of another assembly
    (``recall_specificity``); ``_min`` over the shapes (nan if a shape was
    never cued or has no assembly)."""
    k_n = psth.n_groups
    sizes = np.asarray(sizes, float)
    e0, e1 = int(round(psth.pre / psth.bin_ms)), int(round((psth.pre + cue_ms) / psth.bin_ms))
    ratio, spec = np.full(k_n, np.nan), np.full(k_n, np.nan)
    evoked_all = np.full((k_n, k_n), np.nan)
    for k in range(k_n):
        mine = [w["counts"] for w in windows if w["stimulus"] == k]
        if not mine or sizes[k] == 0:
            continue
        c = np.mean(mine, axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            evoked = c[e0:e1].sum(0) / (np.maximum(sizes, 1) * cue_ms * 1e-3)
            background = c[:e0].sum(0) / (np.maximum(sizes, 1) * psth.pre * 1e-3)
            evoked_all[k] = evoked
            ratio[k] = evoked[k] / background[k]
            others = np.delete(evoked, k)[np.delete(sizes, k) > 0]
            spec[k] = evoked[k] / others.max() if others.size else np.inf
    return dict(recall_ratio=ratio, recall_specificity=spec, recall_evoked=evoked_all,
                recall_ratio_min=float(np.min(ratio)), recall_specificity_min=float(np.min(spec)))


def assembly_rates(grid: np.ndarray, labels: np.ndarray, k_n: int, grid_ms: float) -> dict:
    """Mean rate (Hz) of each assembly and of the other E neurons per grid bin."""
    out = {}
    for k in range(k_n):
        members = labels == k
        if members.any():
            out[f"assembly {SHAPES[k]} ({members.sum()})"] = grid[:, members].mean(1) / (grid_ms * 1e-3)
    out["other E"] = grid[:, labels < 0].mean(1) / (grid_ms * 1e-3) if (labels < 0).any() else np.zeros(len(grid))
    return out
