"""``python -m mtfix``."""
import sys

from mtfix.cli import main

sys.exit(main())
