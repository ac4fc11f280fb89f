"""Deprecated: run configurations moved to :mod:`neuroplastic.config`.

``neuroplastic.model.config`` was documented as the home of ``load_config``,
``config_from_dict`` and ``model_to_dict``; it re-exports them from
:mod:`neuroplastic.config` (the model layer itself never imports it).
"""
import warnings

from ..config import RunConfig, config_from_dict, load_config, model_to_dict  # noqa: F401

warnings.warn("neuroplastic.model.config is deprecated; import from neuroplastic.config", DeprecationWarning, 2)
