"""mtfix: suggest fluent corrections for machine-translated English.

    from mtfix import Corrector
    result = Corrector().correct("This offer suck.")
    print(result.text)
"""
from __future__ import annotations

from mtfix import _compat
from mtfix.config import Config
from mtfix.pipeline import Corrector
from mtfix.result import Result, SentenceResult, Signature
from mtfix.text.diff import Edit, apply_edits
from mtfix.text.segment import Sentence
from mtfix.version import __version__

_compat.install()  # old module paths (mtfix.spelling, ...) keep working for one release, with a warning

__all__ = ["Config", "Corrector", "Edit", "Result", "Sentence", "SentenceResult", "Signature",
           "__version__", "apply_edits"]
