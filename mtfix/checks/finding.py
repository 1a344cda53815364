"""The one value every check returns: a :class:`Finding` about a target segment judged against its source.

Offsets are Python ``str`` indices (code points): ``start``/``end`` into the target segment,
``source_start``/``source_end`` into the source segment; ``None`` where the finding has no span on that side.
``suggestion``, where given, is a replacement for ``target[start:end]`` (or, with no target span, text to add).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

KINDS: tuple[str, ...] = ("number", "markup", "untranslated", "inconsistent", "punctuation", "glossary")
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """A problem (or a hint) about one target segment.

    ``kind`` is one of :data:`KINDS`, ``severity`` one of :data:`SEVERITIES`; both are checked on creation.
    """

    kind: str
    severity: str
    message: str  # one line, for people
    start: int | None = None  # target span
    end: int | None = None
    source_start: int | None = None  # source span
    source_end: int | None = None
    suggestion: str | None = None  # replacement for target[start:end]

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Finding kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"Finding severity {self.severity!r} is not one of {', '.join(SEVERITIES)}")
        for lo, hi, side in ((self.start, self.end, "target"), (self.source_start, self.source_end, "source")):
            if (lo is None) != (hi is None) or (lo is not None and hi is not None and not 0 <= lo <= hi):
                raise ValueError(f"Finding {side} span ({lo}, {hi}) is not None/None or 0 <= start <= end")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of all fields."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """The inverse of :meth:`to_dict`; unknown keys are ignored, so newer files still load."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def shift(self, offset: int) -> Finding:
        """A copy with the target offsets moved by ``offset`` (segment offsets to document offsets)."""
        if self.start is None or self.end is None:
            return self
        return dataclasses.replace(self, start=self.start + offset, end=self.end + offset)
