"""Datasets: MNIST from its standard IDX files (loader, IDX reader and writer,
and the on-request command that writes the files). scikit-learn's bundled
digits need no loader here (``sklearn.datasets.load_digits``)."""
from .idx import read_idx, write_idx
from .mnist import ENVIRONMENT, Digits, check_mnist, load_mnist

__all__ = ["read_idx", "write_idx", "load_mnist", "Digits", "ENVIRONMENT"]
