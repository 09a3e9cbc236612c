"""``python -m skgan``: the skgan command line (see :mod:`skgan.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
