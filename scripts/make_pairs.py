#!/usr/bin/env python3
"""Entry point kept for `make pairs` and old habits: the pair builder is :mod:`mtfix.training.pairs`.

    python scripts/make_pairs.py --help   # == python -m mtfix.training.pairs --help
"""
import sys

from mtfix.training.pairs import main

if __name__ == "__main__":
    sys.exit(main())
