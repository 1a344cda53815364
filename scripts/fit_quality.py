#!/usr/bin/env python3
"""Entry point kept for the commands in the model card: the code is :mod:`mtfix.training.fit_quality`.

    python scripts/fit_quality.py --help   # == python -m mtfix.training.fit_quality --help
"""
import sys

from mtfix.training.fit_quality import main

if __name__ == "__main__":
    sys.exit(main())
