"""The ``inline`` view: the document with its changes marked in place (terminal)."""
from __future__ import annotations

from collections.abc import Sequence

from mtfix.checks.finding import Finding
from mtfix.report._common import (
    MARKERS,
    finding_note,
    indexed_edits,
    marked_kinds,
    marked_suspects,
    one_line,
    place_findings,
    sanitize,
    segments,
    sentence_notes,
    style,
    summary_line,
)
from mtfix.result import Result, SentenceResult
from mtfix.text.diff import Edit
from mtfix.text.spans import WordScore

# Line breaks and tabs are part of the layout; every other control character is neutralised.
_KEEP = "\n\r\t"


def _mark(text: str, kind: str, color: bool) -> str:
    text = sanitize(text, _KEEP)
    if color:
        return style(text, kind, True)
    left, right = MARKERS[kind]
    return f"{left}{text}{right}"


def _equal(text: str, base: int, findings: Sequence[Finding], suspects: Sequence[WordScore], color: bool) -> str:
    """Unchanged text at offset ``base``, the parts in a finding's target span marked ``[!...!]``, the
    suspect words ``[?...?]``."""
    if not findings and not suspects:
        return sanitize(text, _KEEP)
    return "".join(_mark(part, kind, color) if kind else sanitize(part, _KEEP)
                   for part, kind in marked_kinds(text, base, findings, suspects))


def _sentence(r: Result, s: SentenceResult, edits: list[tuple[int, Edit]], findings: Sequence[Finding],
              color: bool) -> list[str]:
    """The sentence with its changes, finding spans and suspect words marked, then its notes (``⟨...⟩``, one
    per note)."""
    out: list[str] = []
    suspects = marked_suspects(s, findings)
    pos = s.start
    for seg in segments(r.source[s.start:s.end], s.start, edits):
        if seg.kind == "equal":
            out.append(_equal(seg.text, pos, findings, suspects, color))
        else:
            out.append(_mark(seg.text, "del" if seg.kind == "delete" else "ins", color))
        if seg.kind != "insert":
            pos += len(seg.text)
    if s.status == "rejected":
        note = f"⟨rejected: {s.reason}⟩" if s.reason else "⟨rejected⟩"
        out.append(" " + style(sanitize(note), "note", color))
    for note in sentence_notes(s):
        out.append(" " + style(sanitize(f"⟨{note}⟩"), "note", color))
    for f in findings:
        out.append(" " + style(sanitize(f"⟨! {finding_note(f)}⟩"), "note", color))
    return out


def _document(r: Result, color: bool) -> list[str]:
    """``source: ...`` (when there is a source text), the document marked up, then the findings that are
    in no sentence, one ``! kind (severity): ...`` line each."""
    out: list[str] = []
    if r.source_text is not None:
        out.append(style(sanitize("source: " + one_line(r.source_text)), "note", color) + "\n")
    per_sentence, rest = place_findings(r)
    pos = 0
    for (s, edits), found in zip(indexed_edits(r), per_sentence):
        out.append(sanitize(r.source[pos:s.start], _KEEP))  # gap: spaces, line and paragraph breaks
        out += _sentence(r, s, edits, found, color)
        pos = s.end
    out.append(sanitize(r.source[pos:], _KEEP))
    if rest:
        if not out[-1].endswith("\n"):
            out.append("\n")
        out += [style(sanitize(f"! {finding_note(f)}"), "note", color) + "\n" for f in rest]
    return out


def render_inline(results: Sequence[Result], *, color: bool = False, width: int | None = None) -> str:
    """Each document with ``[-old-]{+new+}`` (or ANSI red/green) changes, then a summary line.

    With a source text, a ``source:`` line before the document; each finding of the bilingual checks is a
    ``⟨! kind (severity): message → suggestion: ...⟩`` note after its sentence (or, without a target span,
    a line after the document), and its span is marked ``[!...!]`` (ANSI: magenta underline) where the
    text is unchanged. In a sentence without edits, the words the quality head finds suspect are marked
    ``[?...?]`` (ANSI: yellow underline) and named in a ``⟨suspect: word (0.61)⟩`` note."""
    out: list[str] = []
    for r in results:
        if out and not out[-1].endswith("\n"):
            out.append("\n")  # e.g. --lines results carry no line ending: keep one per row
        out += _document(r, color)
    body = "".join(out)
    if body and not body.endswith("\n"):
        body += "\n"
    return body + style(summary_line(results), "dim", color) + "\n"
