"""Canonical reproductions, each a function config -> Result with published targets."""
from .base import Experiment, Result, Row, Target, compare
from .parameters import Length, Param, Relation, defaults_of
from .registry import all_experiments, get, register
from .runner import run_experiment, save_result

__all__ = ["Experiment", "Length", "Param", "Relation", "Result", "Row", "Target", "compare", "all_experiments",
           "defaults_of", "get", "register", "run_experiment", "save_result"]
