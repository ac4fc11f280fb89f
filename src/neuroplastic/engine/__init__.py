"""How the network runs: compiled step loop, synapse storage, scheduler."""
from .network import Network

__all__ = ["Network"]
