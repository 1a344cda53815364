"""The ``inline`` view: the document with its changes marked in place (terminal)."""
from __future__ import annotations

from collections.abc import Sequence

from mtfix.report._common import (
    MARKERS,
    indexed_edits,
    sanitize,
    segments,
    sentence_notes,
    style,
    summary_line,
)
from mtfix.result import Result

# Line breaks and tabs are part of the layout; every other control character is neutralised.
_KEEP = "\n\r\t"


def _mark(text: str, kind: str, color: bool) -> str:
    text = sanitize(text, _KEEP)
    if color:
        return style(text, kind, True)
    left, right = MARKERS[kind]
    return f"{left}{text}{right}"


def render_inline(results: Sequence[Result], *, color: bool = False, width: int | None = None) -> str:
    """Each document with ``[-old-]{+new+}`` (or ANSI red/green) changes, then a summary line."""
    out: list[str] = []
    for r in results:
        if out and not out[-1].endswith("\n"):
            out.append("\n")  # e.g. --lines results carry no line ending: keep one per row
        pos = 0
        for s, edits in indexed_edits(r):
            out.append(sanitize(r.source[pos:s.start], _KEEP))  # gap: spaces, line and paragraph breaks
            for seg in segments(r.source[s.start:s.end], s.start, edits):
                if seg.kind == "equal":
                    out.append(sanitize(seg.text, _KEEP))
                else:
                    out.append(_mark(seg.text, "del" if seg.kind == "delete" else "ins", color))
            if s.status == "rejected":
                note = f"⟨rejected: {s.reason}⟩" if s.reason else "⟨rejected⟩"
                out.append(" " + style(sanitize(note), "note", color))
            for note in sentence_notes(s):
                out.append(" " + style(sanitize(f"⟨{note}⟩"), "note", color))
            pos = s.end
        out.append(sanitize(r.source[pos:], _KEEP))
    body = "".join(out)
    if body and not body.endswith("\n"):
        body += "\n"
    return body + style(summary_line(results), "dim", color) + "\n"
