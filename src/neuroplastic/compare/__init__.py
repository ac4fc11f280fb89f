"""Plasticity vs perceptron vs gradient descent: comparison tasks (``neuroplastic compare``).

A :class:`Task` runs several :class:`Contender` s -- a plastic spiking network and
the classic artificial learners (neuroplastic.baselines) -- on the same data,
seeds and budget, and writes one run directory with a self-contained HTML
report (docs/comparison.md).
"""
from .base import Contender, FAMILIES, Outcome, Task
from .registry import all_tasks, get_task, has_task, register_task
from .runner import Comparison, run_comparison

__all__ = ["Comparison", "Contender", "FAMILIES", "Outcome", "Task", "all_tasks", "get_task", "has_task",
           "register_task", "run_comparison"]
