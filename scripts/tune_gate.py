#!/usr/bin/env python3
"""Entry point kept for the commands in the model card: the code is :mod:`mtfix.training.tune_gate`.

    python scripts/tune_gate.py --help   # == python -m mtfix.training.tune_gate --help
"""
import sys

from mtfix.training.tune_gate import main

if __name__ == "__main__":
    sys.exit(main())
