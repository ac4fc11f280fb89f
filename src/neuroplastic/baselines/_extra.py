"""Optional dependencies of the baselines: JAX + Optax (``neuroplastic[compare]``) and neat-python."""
from __future__ import annotations

from ..errors import MissingExtra

INSTALL = "pip install 'neuroplastic[compare]'"


def require_jax():
    """``(jax, jax.numpy, optax)``, or MissingExtra saying how to install them."""
    try:
        import jax
        import jax.numpy as jnp
        import optax
    except ImportError as exc:
        raise MissingExtra(f"the gradient-descent baselines need jax and optax: {INSTALL}") from exc
    return jax, jnp, optax


def require_neat():
    """The ``neat`` module of neat-python, or MissingExtra saying how to install it."""
    try:
        import neat
    except ImportError as exc:
        raise MissingExtra(f"the neuroevolution baseline needs neat-python: {INSTALL}") from exc
    return neat
