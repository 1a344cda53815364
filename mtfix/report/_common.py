"""Helpers shared by the views: edit segments, counts, findings, terminal width and ANSI styling."""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mtfix.checks.finding import Finding
from mtfix.config import LOW_QUALITY
from mtfix.result import Result, SentenceResult
from mtfix.text.diff import Edit
from mtfix.text.spans import WordScore

STDIN_NAME = "<stdin>"

# SGR codes per style. Deletions and insertions differ by decoration as well as
# colour so that the views do not rely on colour alone.
ANSI = {
    "del": "\x1b[31;9m",  # red, struck through
    "ins": "\x1b[32;4m",  # green, underlined
    "note": "\x1b[2;3m",  # dim italic
    "dim": "\x1b[2m",
    "bold": "\x1b[1m",
    "finding": "\x1b[35;4m",  # magenta, underlined: a span a bilingual check found something in
    "suspect": "\x1b[33;4m",  # yellow, underlined: a word the quality head expects a post-editor to change
}
RESET = "\x1b[0m"
ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# wdiff-style markers used when colour is off.
MARKERS = {"del": ("[-", "-]"), "ins": ("{+", "+}"), "finding": ("[!", "!]"), "suspect": ("[?", "?]")}
SUSPECTS_LISTED = 5  # suspect words named in a sentence's note, the likeliest first
# Line breaks of every kind (what str.splitlines() breaks at), for flattening text onto one line.
_BREAKS = re.compile(r"(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])+")


@dataclass(frozen=True)
class Segment:
    """A run of a sentence: unchanged text, a deletion or an insertion."""

    kind: str  # "equal", "delete" or "insert"
    text: str
    edit: Edit | None = None
    edit_index: int | None = None  # position of the edit in ``Result.edits``


def display_name(result: Result) -> str:
    return result.name or STDIN_NAME


def indexed_edits(result: Result) -> list[tuple[SentenceResult, list[tuple[int, Edit]]]]:
    """Each sentence with its edits numbered as in ``Result.edits`` (the index the HTML exposes)."""
    out: list[tuple[SentenceResult, list[tuple[int, Edit]]]] = []
    n = 0
    for s in result.sentences:
        numbered = list(enumerate(s.edits, start=n))
        n += len(s.edits)
        out.append((s, numbered))
    return out


def segments(text: str, base: int, edits: Iterable[tuple[int, Edit]]) -> list[Segment]:
    """Split ``text`` (found at offset ``base`` of the document) into equal/delete/insert runs.

    Deleted text is taken from ``text`` itself rather than ``Edit.original`` so the left-hand
    side always shows exactly what the source held at those offsets.
    """
    out: list[Segment] = []
    pos = base
    for k, e in sorted(edits, key=lambda ke: (ke[1].start, ke[1].end, ke[0])):
        start = max(e.start, pos)  # defensive: overlapping edits must not duplicate text
        end = max(e.end, start)
        if start > pos:
            out.append(Segment("equal", text[pos - base:start - base]))
        if end > start:
            out.append(Segment("delete", text[start - base:end - base], e, k))
        if e.replacement:
            out.append(Segment("insert", e.replacement, e, k))
        pos = max(pos, end)
    if pos - base < len(text):
        out.append(Segment("equal", text[pos - base:]))
    return out


@dataclass(frozen=True)
class Counts:
    documents: int
    sentences: int
    changed: int
    edits: int
    rejected: int


def counts(results: Sequence[Result]) -> Counts:
    sents = [s for r in results for s in r.sentences]
    return Counts(len(results), len(sents), sum(s.changed for s in sents),
                  sum(len(s.edits) for s in sents), sum(s.status == "rejected" for s in sents))


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(results: Sequence[Result]) -> str:
    c = counts(results)
    line = f"{plural(c.sentences, 'sentence')}, {c.changed} changed, {plural(c.edits, 'edit')}"
    if c.rejected:
        line += f", {c.rejected} rejected"
    sents = [s for r in results for s in r.sentences]
    n_flags = sum(len(s.flags) for s in sents)
    n_low = sum(is_low_quality(s) for s in sents)
    if n_flags:
        line += f", {plural(n_flags, 'untranslated word')}"
    if n_low:
        line += f", {n_low} low quality"
    return line + suspects_summary(results) + findings_summary(results)


def is_low_quality(s: SentenceResult) -> bool:
    """The sentence's quality estimate is below :data:`mtfix.model.quality.LOW_QUALITY`."""
    return s.quality is not None and s.quality < LOW_QUALITY


def sentence_notes(s: SentenceResult) -> list[str]:
    """Short notes for a sentence: low quality, and each flagged word with its Cyrillic form and lemma."""
    notes = []
    if is_low_quality(s):
        notes.append(f"low quality {s.quality:.2f}")
    for f in s.flags:
        what = f.word if f.cyrillic in ("", f.word) else f"{f.word} = {f.cyrillic}"
        lemma = f" ({f.lemma})" if f.lemma and f.lemma != f.cyrillic.lower() else ""
        notes.append(f"{f.kind}: {what}{lemma}")
    suspects = suspect_words(s)
    if suspects:
        notes.append(suspect_note(s, suspects))
    return notes


# --- suspect words of the learned quality head ------------------------------------------------

def suspect_words(s: SentenceResult) -> tuple[WordScore, ...]:
    """The words of ``s`` the quality head marks suspect (``ok`` False, a non-empty span inside the
    sentence), in text order; none when a rewrite touched the sentence (it has edits): there the edits
    already show where to look."""
    if s.edits:
        return ()
    return tuple(sorted((w for w in s.words if not w.ok and s.start <= w.start < w.end <= s.end),
                        key=lambda w: (w.start, w.end)))


def suspect_note(s: SentenceResult, suspects: Sequence[WordScore]) -> str:
    """``suspect: word (0.61), other (0.55)``: the likeliest :data:`SUSPECTS_LISTED` of ``suspects`` (words of
    ``s``) with their P(BAD), then ``+N more`` when there are others. Not sanitized."""
    ranked = sorted(suspects, key=lambda w: (-w.p_bad, w.start))
    parts = [f"{one_line(s.source[w.start - s.start:w.end - s.start])} ({w.p_bad:.2f})"
             for w in ranked[:SUSPECTS_LISTED]]
    if len(ranked) > SUSPECTS_LISTED:
        parts.append(f"+{len(ranked) - SUSPECTS_LISTED} more")
    return "suspect: " + ", ".join(parts)


def has_words(results: Sequence[Result]) -> bool:
    """Some sentence carries word scores (the quality head ran): the summaries then count suspect words."""
    return any(s.words for r in results for s in r.sentences)


def suspects_summary(results: Sequence[Result]) -> str:
    """``, 3 suspect words`` (those shown: in sentences without edits); "" unless :func:`has_words`."""
    if not has_words(results):
        return ""
    return ", " + plural(sum(len(suspect_words(s)) for r in results for s in r.sentences), "suspect word")


def marked_suspects(s: SentenceResult, findings: Iterable[Finding] = ()) -> tuple[WordScore, ...]:
    """The :func:`suspect_words` of ``s`` to mark in its text: those overlapping none of its flags and
    none of the target spans of ``findings`` (their markup wins; marks never nest)."""
    taken = [(f.start, f.end) for f in s.flags]
    taken += [(f.start, f.end) for f in findings if f.start is not None and f.end is not None]
    return tuple(w for w in suspect_words(s) if not any(a < w.end and b > w.start for a, b in taken if b > a))


# --- findings of the bilingual checks ---------------------------------------------------------

def is_bilingual(results: Sequence[Result]) -> bool:
    """Some result was judged against a source text (or carries findings): the views then count findings."""
    return any(r.source_text is not None or r.findings for r in results)


def findings_summary(results: Sequence[Result]) -> str:
    """``, 3 findings (1 error)`` for :func:`summary_line`-style lines; "" unless :func:`is_bilingual`."""
    if not is_bilingual(results):
        return ""
    found = [f for r in results for f in r.findings]
    n_errors = sum(f.severity == "error" for f in found)
    return f", {plural(len(found), 'finding')} ({plural(n_errors, 'error')})"


def one_line(text: str) -> str:
    """``text`` with every run of line breaks turned into one space (other characters kept as they are)."""
    return _BREAKS.sub(" ", text)


def finding_detail(f: Finding) -> str:
    """``MESSAGE → suggestion: 5,000`` on one line: the suggestion part is left out when there is none, and
    an empty replacement reads ``(remove)``. Not sanitized: callers sanitize (or escape) it for their medium."""
    text = one_line(f.message)
    if f.suggestion is not None and (f.suggestion or f.start is not None):
        text += f" → suggestion: {one_line(f.suggestion) if f.suggestion else '(remove)'}"
    return text


def finding_note(f: Finding) -> str:
    """``number (error): MESSAGE → suggestion: 5,000`` (see :func:`finding_detail`)."""
    return f"{f.kind} ({f.severity}): {finding_detail(f)}"


def _overlaps(f: Finding, s: SentenceResult) -> bool:
    if f.start is None or f.end is None:
        return False
    if f.start == f.end:  # an insertion point: inside the sentence or at one of its ends
        return s.start <= f.start <= s.end
    return f.start < s.end and f.end > s.start


def place_findings(result: Result) -> tuple[list[list[Finding]], list[Finding]]:
    """The findings of ``result`` by sentence: a list per sentence (in the order of ``result.sentences``)
    holding the findings whose target span overlaps it, each under the first such sentence only; and the
    rest, in their order: findings without a target span, or whose span touches no sentence."""
    sents = result.sentences
    per: list[list[Finding]] = [[] for _ in sents]
    rest: list[Finding] = []
    ends = [s.end for s in sents]
    in_order = all(a.end <= b.start for a, b in zip(sents, sents[1:]))
    for f in result.findings:
        if f.start is None or f.end is None:
            rest.append(f)
            continue
        if in_order:  # the first sentence ending after the span's start is the only one it can overlap first
            i = bisect.bisect_left(ends, f.start) if f.start == f.end else bisect.bisect_right(ends, f.start)
            at = i if i < len(sents) and _overlaps(f, sents[i]) else None
        else:
            at = next((i for i, s in enumerate(sents) if _overlaps(f, s)), None)
        (rest if at is None else per[at]).append(f)
    return per, rest


def marked_parts(text: str, base: int, findings: Iterable[Finding]) -> list[tuple[str, bool]]:
    """``text`` (found at offset ``base`` of the document) cut into runs, each with whether it lies in the
    target span of one of ``findings``; empty spans mark nothing. Joined, the runs give ``text`` back."""
    inside = [False] * len(text)
    for f in findings:
        if f.start is None or f.end is None:
            continue
        for i in range(max(f.start - base, 0), min(f.end - base, len(text))):
            inside[i] = True
    return _runs(text, inside)


def marked_kinds(text: str, base: int, findings: Iterable[Finding],
                 suspects: Iterable[WordScore] = ()) -> list[tuple[str, str | None]]:
    """``text`` (found at offset ``base`` of the document) cut into runs, each with ``"finding"`` where it
    lies in a target span of ``findings``, ``"suspect"`` where in one of ``suspects`` and not in a finding,
    else None. Joined, the runs give ``text`` back; with no suspects, the runs of :func:`marked_parts`."""
    kind: list[str | None] = [None] * len(text)
    for w in suspects:
        for i in range(max(w.start - base, 0), min(w.end - base, len(text))):
            kind[i] = "suspect"
    i = 0
    for part, inside in marked_parts(text, base, findings):
        if inside:
            kind[i:i + len(part)] = ["finding"] * len(part)
        i += len(part)
    return _runs(text, kind)


def _runs(text: str, labels: Sequence[Any]) -> list[tuple[str, Any]]:
    """``text`` cut where ``labels`` (one per character) changes: (run, its label) in order."""
    out: list[tuple[str, Any]] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and labels[j] == labels[i]:
            j += 1
        out.append((text[i:j], labels[i]))
        i = j
    return out


# --- terminal text -------------------------------------------------------------------------

def sanitize(text: str, keep: str = "") -> str:
    """Replace control characters (ESC included) so input text cannot drive the terminal."""
    return "".join(ch if ch in keep or unicodedata.category(ch) != "Cc" else "\ufffd" for ch in text)


def char_width(ch: str) -> int:
    """Terminal columns taken by ``ch``; errs on the wide side where terminals disagree."""
    if ch == "\ufe0f":
        # Emoji presentation selector: terminals often widen the preceding narrow char to 2.
        return 1
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me", "Cf", "Cc") or unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns ``text`` occupies, ANSI escapes excluded."""
    return sum(char_width(ch) for ch in ANSI_RE.sub("", text))


def truncate(text: str, width: int) -> str:
    """Cut plain ``text`` to ``width`` columns, ending with an ellipsis when cut."""
    if display_width(text) <= width:
        return text
    out, w = [], 0
    for ch in text:
        cw = char_width(ch)
        if w + cw > width - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + ("…" if width >= 1 else "")


def style(text: str, name: str | None, color: bool) -> str:
    """Wrap ``text`` in the ANSI style ``name``, per line so pagers like ``less -R`` keep it."""
    if not color or not name or not text:
        return text
    code = ANSI[name]
    return "\n".join(f"{code}{part}{RESET}" if part else part for part in text.split("\n"))


Cell = tuple[str, str | None]  # one character and its style


def cells(text: str, name: str | None = None) -> list[Cell]:
    return [(ch, name) for ch in text]


def wrap_cells(line: Sequence[Cell], width: int) -> list[list[Cell]]:
    """Greedy word wrap of styled characters to ``width`` columns; long words are split."""
    width = max(width, 1)
    tokens: list[list[Cell]] = []
    for c in line:
        if tokens and tokens[-1][0][0].isspace() == c[0].isspace():
            tokens[-1].append(c)
        else:
            tokens.append([c])
    rows: list[list[Cell]] = [[]]
    w = 0
    for tok in tokens:
        tw = sum(char_width(ch) for ch, _ in tok)
        if tok[0][0].isspace():
            if w == 0:
                continue  # no leading blanks on a wrapped row
            if w + tw <= width:
                rows[-1].extend(tok)
                w += tw
            else:
                rows.append([])
                w = 0
            continue
        if w + tw > width and w > 0:
            rows.append([])
            w = 0
        if tw <= width:
            rows[-1].extend(tok)
            w += tw
            continue
        for c in tok:  # a word wider than the column: split by character
            cw = char_width(c[0])
            if cw and w + cw > width and w > 0:
                rows.append([])
                w = 0
            rows[-1].append(c)
            w += cw
    for row in rows:
        while row and row[-1][0].isspace():
            row.pop()
    return rows


def render_cells(row: Sequence[Cell], color: bool) -> str:
    """Characters to a string, opening and closing ANSI styles around each styled run."""
    out: list[str] = []
    i = 0
    while i < len(row):
        j = i
        while j < len(row) and row[j][1] == row[i][1]:
            j += 1
        out.append(style("".join(ch for ch, _ in row[i:j]), row[i][1], color))
        i = j
    return "".join(out)


def cells_width(row: Sequence[Cell]) -> int:
    return sum(char_width(ch) for ch, _ in row)
