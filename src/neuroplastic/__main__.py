"""``python -m neuroplastic ...``: the same command line as ``neuroplastic ...``."""
import sys

from .cli import main

sys.exit(main())
