#!/usr/bin/env python3
"""Entry point kept for `make train` and old habits: the trainer is :mod:`mtfix.training.trainer`.

    python scripts/train.py --config models/recipes/default.json   # == python -m mtfix.training.trainer ...

Relative recipe paths resolve against the source tree (this script's parent folder), wherever it is run.
"""
import sys
from pathlib import Path

from mtfix.training.trainer import main

if __name__ == "__main__":
    argv = sys.argv[1:]
    if "--root" not in argv:
        argv = [*argv, "--root", str(Path(__file__).resolve().parents[1])]
    sys.exit(main(argv))
