"""Short content digests of JSON-able values: checkpoint keys, sweep fingerprints, folder names.

``json_digest(value, length)`` is the first ``length`` hex digits of the SHA-256 of
``json.dumps(value, sort_keys=True, default=str)``: the same value gives the same digest in
any process and on any machine (dict order does not matter; values JSON cannot hold are
written with ``str``). The checkpoint folders of ``diehl-cook`` and ``zenke2015`` use it to
refuse a folder made with another configuration, the sweeps to name their grids and members.
"""
from __future__ import annotations

import hashlib
import json

__all__ = ["json_digest"]


def json_digest(value, length: int = 16) -> str:
    """The first ``length`` (1-64) hex digits of the SHA-256 of ``value`` as sorted JSON."""
    if not 1 <= int(length) <= 64:
        raise ValueError(f"length must be 1 to 64 hex digits, got {length}")
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:int(length)]
