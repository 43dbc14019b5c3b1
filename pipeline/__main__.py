"""``python -m pipeline``: the command line of :mod:`pipeline.cli`."""

import sys

from .cli import main

__all__: list[str] = []

sys.exit(main())
