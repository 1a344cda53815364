"""What every file format shares: segments with exact offsets, the splicer, and inline-code protection.

A format module finds the English target texts of a file and describes each as a :class:`Segment`:
its plain text (what the rewriter sees: entities and escapes decoded, inline tags kept as their raw
markup), and how each run of that text maps back to the bytes of the file. Repairs are applied by
splicing only the edited runs back into the original text, so everything else (markup, IDs, notes,
timestamps, escapes, line endings) stays as it was, and a run without repairs gives back the file
unchanged.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from mtfix.text.diff import Edit
from mtfix.text.textio import InputError

Splice = tuple[int, int, str]  # (start, end, new text): replace document[start:end]


class FormatError(InputError):
    """A file cannot be read as its format; the message names the file and the line."""


@dataclass(frozen=True)
class Piece:
    """A run of a segment's plain text and where it sits in the document.

    A literal piece maps character for character (``plain[i]`` is ``document[raw_start + i]``); an
    atomic one (an entity, an escape, an inline tag) is replaced only as a whole.
    """

    plain_start: int
    plain_end: int
    raw_start: int
    raw_end: int
    literal: bool


@dataclass(frozen=True)
class Segment:
    """One English target text of a file."""

    id: str  # the format's own id: trans-unit id, msgid, cue number, row number, ...
    line: int  # line of the file where the text starts, from 1
    text: str  # plain text given to the rewriter
    pieces: tuple[Piece, ...]  # how ``text`` maps onto the document
    start: int  # offsets of the whole raw text in the document
    end: int
    escape: Callable[[str], str] = lambda s: s  # plain text -> raw text (tokens kept as they are)
    tokens: tuple[str, ...] = ()  # inline tags of this segment, as they appear in ``text``
    marks: tuple[Splice, ...] = ()  # splices that mark the segment as changed, where the format has a place
    skip: str = ""  # why this segment is not sent to the rewriter (empty: it is)
    requote: Callable[[str], str | None] | None = None  # whole raw text for a new plain text, if needed
    soft: tuple[int, ...] = ()  # offsets in ``text`` of line breaks shown to the rewriter as spaces
    source: str | None = None  # plain text of the source segment this translates, where the file holds one


@dataclass
class Document:
    """A file read for repair: its text (BOM removed), encoding, and target segments."""

    name: str  # label of the input (file name or <stdin>)
    format: str
    text: str
    segments: list[Segment] = field(default_factory=list)


class Lines:
    """Line numbers of offsets in one text, by binary search over its line starts."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


class Builder:
    """Collects a segment's plain text and pieces run by run."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pieces: list[Piece] = []
        self.length = 0

    def literal(self, raw_start: int, text: str) -> None:
        if not text:
            return
        last = self.pieces[-1] if self.pieces else None
        if last is not None and last.literal and last.raw_end == raw_start:
            self.pieces[-1] = Piece(last.plain_start, last.plain_end + len(text), last.raw_start,
                                    last.raw_end + len(text), True)
        else:
            self.pieces.append(Piece(self.length, self.length + len(text), raw_start, raw_start + len(text), True))
        self.parts.append(text)
        self.length += len(text)

    def atomic(self, raw_start: int, raw_end: int, plain: str) -> None:
        self.pieces.append(Piece(self.length, self.length + len(plain), raw_start, raw_end, False))
        self.parts.append(plain)
        self.length += len(plain)

    @property
    def text(self) -> str:
        return "".join(self.parts)


_BREAK = re.compile(r"\r\n|\n|\r")
SOFT_REASON = "edit across a line break"


def _inside_line(text: str, a: int, b: int) -> bool:
    """True when the break ``text[a:b]`` has words on both sides on its own lines (not a blank line)."""
    before = _BREAK.split(text[:a])[-1]
    after = _BREAK.split(text[b:], maxsplit=1)[0]
    return bool(before.strip() and after.strip())


def soften(seg: Segment) -> Segment:
    """``seg`` with each line break inside a paragraph shown as a space that maps back to the break.

    A subtitle's two lines or a message's ``\\n`` are one sentence to the rewriter, which would join
    them; edits that leave the space alone keep the break where it was (see :func:`keep_codes`).
    """
    b = Builder()
    soft: list[int] = []
    for p in seg.pieces:
        plain = seg.text[p.plain_start:p.plain_end]
        if not p.literal:
            if _BREAK.fullmatch(plain) and _inside_line(seg.text, p.plain_start, p.plain_end):
                soft.append(b.length)
                b.atomic(p.raw_start, p.raw_end, " ")
            else:
                b.atomic(p.raw_start, p.raw_end, plain)
            continue
        pos = 0
        for m in _BREAK.finditer(plain):
            if _inside_line(seg.text, p.plain_start + m.start(), p.plain_start + m.end()):
                b.literal(p.raw_start + pos, plain[pos:m.start()])
                soft.append(b.length)
                b.atomic(p.raw_start + m.start(), p.raw_start + m.end(), " ")
                pos = m.end()
        b.literal(p.raw_start + pos, plain[pos:])
    if not soft:
        return seg
    return replace(seg, text=b.text, pieces=tuple(b.pieces), soft=tuple(soft))


# --- protection of inline codes ----------------------------------------------------------------

# Placeholders the rewriter must copy: printf (%s, %1$d, %(name)s), Python/ICU-style braces ({0},
# {name}, {count:d}), doubled braces ({{name}}), and line breaks (a subtitle's or a message's layout).
PLACEHOLDER = re.compile(
    r"%(?:\d+\$)?(?:\([A-Za-z_]\w*\))?[-+#0]*\d*(?:\.\d+)?[sdifFeEgGxXouc]"
    r"|\{\{[^{}\n]*\}\}|\{[A-Za-z_][\w.]*(?:![rsa])?(?::[^{}\n]*)?\}|\{\d+\}"
    r"|\$\{[^{}\n]+\}|\r\n|\n")
# Markup that sits in the plain text of subtitles: <i>, </font>, <v Roger>, <00:01.000>, {\an8}, &amp;.
SUBTITLE_CODE = re.compile(r"</?[A-Za-z0-9:.][^<>\n]*>|\{\\[^{}\n]*\}|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")

KEPT_REASON = "inline tags or placeholders not kept"


def protected(text: str, tokens: Sequence[str] = (), extra: re.Pattern[str] | None = None) -> list[str]:
    """The inline tags and placeholders of ``text``, in order: what a rewrite must give back unchanged."""
    return [tok for _pos, tok in _codes(text, tokens, extra)]


TEXT = "\x00"  # stands for a run of words between codes in a layout


def layout(text: str, tokens: Sequence[str] = (), extra: re.Pattern[str] | None = None) -> list[str]:
    """The codes of ``text`` in order with :data:`TEXT` wherever words stand between them.

    Two texts with the same layout keep every tag and placeholder, in the same order, and no tag pair
    lost or gained the words it wraps (``<g>Save</g>`` rewritten as ``Save <g></g>`` differs).
    """
    out: list[str] = []
    pos = 0
    for start, tok in _codes(text, tokens, extra):
        if text[pos:start].strip():
            out.append(TEXT)
        out.append(tok)
        pos = start + len(tok)
    if text[pos:].strip():
        out.append(TEXT)
    return out


def _codes(text: str, tokens: Sequence[str], extra: re.Pattern[str] | None) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for tok in sorted(set(tokens), key=len, reverse=True):
        pos = text.find(tok)
        while pos >= 0:
            if not any(a < pos + len(tok) and pos < b for a, b in taken):
                found.append((pos, tok))
                taken.append((pos, pos + len(tok)))
            pos = text.find(tok, pos + len(tok))
    for pattern in (extra, PLACEHOLDER):
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                found.append((m.start(), m.group()))
                taken.append((m.start(), m.end()))
    return sorted(found)


# --- splicing ------------------------------------------------------------------------------------

def splice(text: str, splices: Iterable[Splice]) -> str:
    """``text`` with each ``(start, end, new)`` applied; splices must not overlap (identical ones count once)."""
    out: list[str] = []
    pos = 0
    for start, end, new in sorted(set(splices)):
        if not 0 <= start <= end <= len(text) or start < pos:
            raise ValueError(f"splice {start}:{end} overlaps another or lies outside the text")
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _piece_at(pieces: Sequence[Piece], pos: int) -> Piece | None:
    """The piece holding plain character ``pos``."""
    starts = [p.plain_start for p in pieces]
    k = bisect.bisect_right(starts, pos) - 1
    if k >= 0 and pieces[k].plain_start <= pos < pieces[k].plain_end:
        return pieces[k]
    return None


def _raw_start(seg: Segment, pos: int) -> int:
    if pos >= len(seg.text):
        return seg.pieces[-1].raw_end if seg.pieces else seg.end
    p = _piece_at(seg.pieces, pos)
    if p is None:
        raise ValueError(f"segment {seg.id!r}: pieces do not cover offset {pos}")
    return p.raw_start + (pos - p.plain_start if p.literal else 0)


def _raw_end(seg: Segment, pos: int) -> int:
    if pos <= 0:
        return seg.pieces[0].raw_start if seg.pieces else seg.start
    p = _piece_at(seg.pieces, pos - 1)
    if p is None:
        raise ValueError(f"segment {seg.id!r}: pieces do not cover offset {pos - 1}")
    return p.raw_start + (pos - p.plain_start) if p.literal else p.raw_end


def _widen(seg: Segment, a: int, b: int) -> tuple[int, int]:
    """[a, b) widened so that it does not cut an atomic piece."""
    p = _piece_at(seg.pieces, a)
    if p is not None and not p.literal and p.plain_start < a:
        a = p.plain_start
    q = _piece_at(seg.pieces, b - 1) if b > 0 else None
    if q is not None and not q.literal and b < q.plain_end:
        b = q.plain_end
    return a, b


def segment_splices(seg: Segment, new_text: str, edits: Sequence[Edit]) -> list[Splice]:
    """Splices that turn the segment's raw text into the raw form of ``new_text``.

    ``edits`` (offsets into ``seg.text``) say which runs changed; only those runs are rewritten, each
    widened to whole escapes and tags. A format may instead rewrite the whole text (``requote``),
    e.g. a CSV field that now needs quotes.
    """
    if new_text == seg.text:
        return []
    if seg.requote is not None:
        whole = seg.requote(new_text)
        if whole is not None:
            return [(seg.start, seg.end, whole)]
    groups: list[list[Edit]] = []
    spans: list[tuple[int, int]] = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        a, b = _widen(seg, e.start, e.end)
        if spans and a <= spans[-1][1]:  # touching runs become one, so insertions keep their order
            spans[-1] = (spans[-1][0], max(spans[-1][1], b))
            groups[-1].append(e)
        else:
            spans.append((a, b))
            groups.append([e])
    out: list[Splice] = []
    for (a, b), group in zip(spans, groups):
        piece, pos = [], a
        for e in group:
            piece.append(seg.text[pos:e.start])
            piece.append(e.replacement)
            pos = max(pos, e.end)
        piece.append(seg.text[pos:b])
        raw_a = _raw_start(seg, a)
        raw_b = _raw_end(seg, b) if b > a else raw_a
        out.append((raw_a, max(raw_a, raw_b), seg.escape("".join(piece))))
    return out


def split_tokens(text: str, tokens: Sequence[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (run, is_token) around the given token strings (longest first)."""
    if not tokens:
        return [(text, False)] if text else []
    pattern = re.compile("|".join(re.escape(t) for t in sorted(set(tokens), key=len, reverse=True)))
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], False))
        out.append((m.group(), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out
