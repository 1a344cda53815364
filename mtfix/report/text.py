"""The ``text`` view: the corrected text only, byte for byte."""
from __future__ import annotations

from collections.abc import Sequence

from mtfix.result import Result


def render_text(results: Sequence[Result], *, color: bool = False, width: int | None = None) -> str:
    """``Result.text`` of each result, concatenated with nothing added."""
    return "".join(r.text for r in results)
