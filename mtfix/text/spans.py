"""Values that mark a span of a text for a reviewer: :class:`Flag` (an untranslated word, say).

Offsets are code points into the document (or the sentence, with offset 0), like every offset in mtfix.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

FLAG_KINDS = ("untranslated",)


@dataclass(frozen=True)
class Flag:
    """A span worth a post-editor's look: ``source[start:end]`` (== ``word``) is ``kind``."""

    start: int  # code-point offset into the document (or sentence, with offset=0)
    end: int
    kind: str  # one of FLAG_KINDS
    word: str  # the text flagged, as written
    cyrillic: str = ""  # the Russian word it stands for (the word itself when already Cyrillic)
    lemma: str = ""  # its dictionary form (pymorphy3), "" when unknown
    confidence: float = 1.0  # in [0, 1]
    note: str = ""  # one line for people (shown on hover in the HTML page)
    # An English rendering of the word from a dictionary (mtfix.checks.dictionary), "" when none; a suggestion
    # for the reviewer, never applied by itself. ``suggestion_confidence`` ranks it (not calibrated).
    suggestion: str = ""
    suggestion_confidence: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Flag:
        """Inverse of :meth:`to_dict`; unknown keys are ignored, missing optional ones defaulted."""
        names = {f.name for f in fields(cls)}
        d = {k: v for k, v in d.items() if k in names}
        d.setdefault("word", "")
        return cls(**d)


@dataclass(frozen=True)
class WordScore:
    """One word of a sentence as the learned quality head reads it (mtfix.model.quality_head): ``p_bad`` is
    the calibrated probability that a post-editor would change or delete it; ``ok`` is False at or above the
    model's cut (the word is shown as suspect)."""

    start: int  # code-point offsets into the document (or sentence, with offset=0)
    end: int
    ok: bool
    p_bad: float

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "ok": self.ok, "p_bad": self.p_bad}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> WordScore:
        return cls(int(d["start"]), int(d["end"]), bool(d["ok"]), float(d["p_bad"]))
