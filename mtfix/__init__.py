"""mtfix: suggest fluent corrections for machine-translated English.

    from mtfix import Corrector
    result = Corrector().correct("This offer suck.")
    print(result.text)
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mtfix")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

from mtfix.config import Config  # noqa: E402
from mtfix.diff import Edit, apply_edits  # noqa: E402
from mtfix.pipeline import Corrector  # noqa: E402
from mtfix.result import Result, SentenceResult, Signature  # noqa: E402
from mtfix.segment import Sentence  # noqa: E402

__all__ = ["Config", "Corrector", "Edit", "Result", "Sentence", "SentenceResult", "Signature",
           "__version__", "apply_edits"]
