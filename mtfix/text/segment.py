"""Text → paragraphs and sentences with exact character offsets; lossless.

Offsets are Python ``str`` indices (Unicode code points), so an emoji counts as one.
``text[s.start:s.end] == s.text`` for every sentence, and the pieces returned by
:func:`pieces` join back to the input exactly (whitespace, blank lines, CRLF included).

How text is cut:

* Line breaks are those of :meth:`str.splitlines` (``\\r\\n`` is one break). A line holding only
  whitespace (``str.isspace``) is blank; paragraphs are runs of non-blank lines.
* A single line break inside a paragraph is a sentence boundary (MT output is usually one
  paragraph or sentence per line, and a heading without a full stop is then its own sentence),
  except for evident hard wrapping: the line does not end in terminal punctuation and either the
  next line starts with a lowercase letter, or the line ends with a comma or with one of
  "the a an of and or". Wrapped lines are joined into one unit before splitting.
* Each unit is split into sentences by pysbd's English rules. pysbd's own ``char_span`` offsets
  are unreliable and it may alter characters, so only its sentence *strings* are used, aligned
  back onto the input by their non-whitespace characters, which cannot lose or reorder text.
* A few rules on top of pysbd, for MT news: a boundary before a dash that follows terminal
  punctuation and precedes a capital, as in “It is unacceptable, – said the Minister. – The
  President ...” (pysbd keeps closed quotes whole); none before a dash and a lowercase word
  ("– Really? – asked the journalist."); one after "…" before a capital, as pysbd does for
  "..."; none after a verbless time such as "At 5 a.m." (Golden Rule 18).
* Text is fed to pysbd in chunks of at most ``_MAX_CHUNK`` characters (pysbd is superlinear on
  long inputs); chunks overlap by one sentence so boundaries near a chunk edge still see context.

Whitespace means ``str.isspace``: zero-width characters (U+200B, U+FEFF...) are content.
"""
from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Sentence:
    """One sentence of the input: ``text == source[start:end]``, no surrounding whitespace."""

    index: int  # position among all sentences of the document, from 0
    paragraph: int  # index of the paragraph (blank-line separated block) holding it, from 0
    start: int  # code-point offset of the first character in the document
    end: int  # offset one past the last character
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Same set as str.splitlines, "\r\n" first so it counts as one break.
_LINE_BREAK_RE = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# Python's re \s and str.isspace share one definition (Py_UNICODE_ISSPACE).
_WS_RE = re.compile(r"\s+")
_NON_WS_RE = re.compile(r"\S")
# Sentence-final punctuation, optionally followed by closing quotes/brackets.
_TERMINAL_END_RE = re.compile(r"[.!?…。！？．]['\"”’»)\]]*\Z")
_WRAP_WORDS = frozenset({"the", "a", "an", "of", "and", "or"})
_LAST_WORD_RE = re.compile(r"(\w+)\Z")
# Dash-introduced continuation of direct speech: boundary at the dash.
_DASH_SPEECH_RE = re.compile(
    r"[.!?…]['\"”’»)\]]*[^\S\n]+(?P<dash>[–—‒―]|--?)[^\S\n]+[A-Z«“\"]")
# A "sentence" that is only an introductory time ("At 5 a.m.") is pysbd splitting after the
# abbreviation; it has no verb, so it is joined to what follows (Golden Rule 18).
_TIME_FRAGMENT_RE = re.compile(
    r"(?:(?:at|by|before|after|until|till|from|since|around|about)\s+)?"
    r"\d{1,2}(?:[:.]\d{2})?\s*[ap]\.\s?m\.", re.IGNORECASE)
# Attribution after a dash ("– Really? – asked the journalist.") continues the sentence.
_DASH_ATTRIBUTION_RE = re.compile(r"[–—‒―-]+[^\S\n]*(?=\w)")
# pysbd splits after "..." before a capital but not after the single character "…".
_ELLIPSIS_CAPITAL_RE = re.compile(r"…['\"”’»)\]]*[^\S\n]+(?P<next>[\"“«]?[A-Z])")
# Characters without which pysbd cannot split anything except at line breaks (its sentence
# punctuation, and ")" for "1) ..." list items): chunks without them skip pysbd entirely.
_SPLIT_CHARS_RE = re.compile(r"[.!?。．！？)]")
# Used only if pysbd is missing or fails on a chunk.
_FALLBACK_SPLIT_RE = re.compile(r"[.!?…]+['\"”’»)\]]*\s+(?=\S)")

_MAX_CHUNK = 5000  # characters per pysbd call; pysbd takes ~0.02 s for 5,000 characters


def segment(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with offsets; never raises on a ``str``."""
    try:
        sentences = _segment(text)
        if _valid(text, sentences):
            return sentences
    except Exception:  # the contract is "never raises"; the fallback keeps the invariants
        pass
    return _fallback_segment(text)


def pieces(text: str, sentences: list[Sentence] | None = None) -> list[tuple[str, Sentence | None]]:
    """All of ``text`` as consecutive non-empty pieces: ``(sentence text, Sentence)`` and
    ``(gap, None)`` for the whitespace between; ``"".join(p for p, _ in pieces(t)) == t``.

    ``sentences`` defaults to ``segment(text)``; given ones must come from the same text
    (ValueError otherwise).
    """
    if sentences is None:
        sentences = segment(text)
    out: list[tuple[str, Sentence | None]] = []
    pos = 0
    for s in sentences:
        if s.start < pos or s.end > len(text) or text[s.start:s.end] != s.text:
            raise ValueError(f"sentence {s.index} does not fit the text at {s.start}:{s.end}")
        if s.start > pos:
            out.append((text[pos:s.start], None))
        if s.end > s.start:
            out.append((s.text, s))
        pos = s.end
    if pos < len(text):
        out.append((text[pos:], None))
    return out


# --- implementation ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _pysbd_segmenter() -> Any:
    import pysbd  # lazy: importing pysbd compiles many regexes

    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def _segment(text: str) -> list[Sentence]:
    units, masked = _units(text)
    if not units:
        return []
    forced = {start for start, _, _ in units}
    cuts = forced | set(_pysbd_cuts(masked)) | _dash_cuts(masked) | _ellipsis_cuts(masked)
    sorted_cuts = sorted(cuts)

    sentences: list[Sentence] = []
    ci = 0
    for start, end, para in units:
        # Cuts strictly inside this unit, in order.
        while ci < len(sorted_cuts) and sorted_cuts[ci] <= start:
            ci += 1
        bounds = [start]
        while ci < len(sorted_cuts) and sorted_cuts[ci] < end:
            bounds.append(sorted_cuts[ci])
            ci += 1
        bounds.append(end)
        bounds = _merge_bounds(text, bounds)
        for a, b in zip(bounds, bounds[1:]):
            a, b = _strip_span(text, a, b)
            if a < b:
                sentences.append(Sentence(len(sentences), para, a, b, text[a:b]))
    return sentences


def _merge_bounds(text: str, bounds: list[int]) -> list[int]:
    """``bounds`` (unit start, cuts, unit end) without cuts that end a time fragment or
    start a dash attribution."""
    if len(bounds) <= 2:
        return bounds
    kept = [bounds[0]]
    for b in bounds[1:-1]:
        a, e = _strip_span(text, kept[-1], b)
        if not (_TIME_FRAGMENT_RE.fullmatch(text, a, e) or _is_dash_attribution(text, b) or _glued(text, b)):
            kept.append(b)
    kept.append(bounds[-1])
    return kept


def _glued(text: str, at: int) -> bool:
    """A cut right after a full stop with a lower-case letter or a digit straight after it (no space):
    a file extension or a domain ("in .mp3", "clck.ru"), not a sentence end ("ends.Next" stays cut)."""
    return 0 < at < len(text) and text[at - 1] == "." and (text[at].islower() or text[at].isdigit())


def _is_dash_attribution(text: str, at: int) -> bool:
    m = _DASH_ATTRIBUTION_RE.match(text, at)
    return m is not None and text[m.end()].islower()


def _units(text: str) -> tuple[list[tuple[int, int, int]], str]:
    """Units to split (start, end, paragraph), each stripped, plus a same-length copy of
    ``text`` for pysbd: line breaks inside a unit become spaces, all others ``\\n``."""
    # Lines as (content start, content end, break end).
    lines: list[tuple[int, int, int]] = []
    pos = 0
    for m in _LINE_BREAK_RE.finditer(text):
        lines.append((pos, m.start(), m.end()))
        pos = m.end()
    lines.append((pos, len(text), len(text)))

    units: list[tuple[int, int, int]] = []
    masked_parts: list[str] = []
    para = -1
    prev_blank = True
    unit_start = -1  # start of the open unit, -1 if none
    unit_end = -1
    for i, (a, b, brk) in enumerate(lines):
        content = text[a:b]
        blank = not content or content.isspace()
        if blank:
            if unit_start >= 0:
                units.append((unit_start, unit_end, para))
                unit_start = -1
            prev_blank = True
            masked_parts.append(content)
            masked_parts.append("\n" * (brk - b))
            continue
        if prev_blank:
            para += 1
        prev_blank = False
        s, e = _strip_span(text, a, b)
        if unit_start < 0:
            unit_start = s
        unit_end = e
        masked_parts.append(content)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is not None and _joins(content, text[nxt[0]:nxt[1]]):
            masked_parts.append(" " * (brk - b))
        else:
            masked_parts.append("\n" * (brk - b))
            units.append((unit_start, unit_end, para))
            unit_start = -1
    if unit_start >= 0:
        units.append((unit_start, unit_end, para))
    return units, "".join(masked_parts)


def _joins(line: str, next_line: str) -> bool:
    """Whether the break between two lines of a paragraph is hard wrapping, not a boundary."""
    line = line.rstrip()
    nxt = next_line.lstrip()
    if not line or not nxt or _TERMINAL_END_RE.search(line):
        return False
    if nxt[0].islower() or line.endswith(","):
        return True
    m = _LAST_WORD_RE.search(line)
    return m is not None and m.group(1) in _WRAP_WORDS


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _pysbd_cuts(masked: str) -> list[int]:
    """Sentence starts found by pysbd (other than each chunk's first), as offsets."""
    cuts: list[int] = []
    n = len(masked)
    pos = 0
    while pos < n:
        end = n if n - pos <= _MAX_CHUNK else _chunk_end(masked, pos, pos + _MAX_CHUNK)
        starts = _chunk_starts(masked, pos, end)
        cuts.extend(starts[1:])
        if end == n:
            break
        # The chunk's last sentence may run past the chunk: redo it with the next chunk (its
        # start stays a cut), unless that would advance too little; then the sentence just
        # continues into the next chunk.
        if len(starts) >= 2 and starts[-1] - pos >= _MAX_CHUNK // 2:
            pos = starts[-1]
        else:
            pos = end
    return cuts


def _chunk_end(masked: str, lo: int, hi: int) -> int:
    """Where to end a chunk that must stop by ``hi``: after a line break, else after
    whitespace, in the chunk's second half; else at ``hi`` (e.g. inside a base64 blob)."""
    mid = lo + (hi - lo) // 2
    k = masked.rfind("\n", mid, hi)
    if k >= 0:
        return k + 1
    for k in range(hi - 1, mid - 1, -1):
        if masked[k].isspace():
            return k + 1
    return hi


def _chunk_starts(masked: str, lo: int, hi: int) -> list[int]:
    """Start offsets of the sentences pysbd finds in ``masked[lo:hi]``, first one included."""
    chunk = masked[lo:hi]
    nw_pos = [m.start() for m in _NON_WS_RE.finditer(chunk)]
    if not nw_pos:
        return []
    if not _SPLIT_CHARS_RE.search(chunk):
        return [lo + nw_pos[0]]
    sents = _pysbd_split(chunk)
    if sents is None:
        rel = [nw_pos[0]] + [m.end() for m in _FALLBACK_SPLIT_RE.finditer(chunk)]
        return [lo + r for r in rel]
    nw = "".join(chunk[p] for p in nw_pos)
    return [lo + nw_pos[i] for i in _align(nw, sents)]


def _pysbd_split(chunk: str) -> list[str] | None:
    try:
        out = _pysbd_segmenter().processor(chunk).process()
    except Exception:  # pysbd missing or broken on odd input: caller falls back to a regex
        return None
    if not isinstance(out, list):
        return []
    return [s for s in out if isinstance(s, str)]


def _align(nw: str, sents: list[str]) -> list[int]:
    """Indices into ``nw`` (the chunk without whitespace) where each sentence starts.

    pysbd changes whitespace and, on odd input, some characters (its placeholder symbols), so
    sentences are matched without whitespace, and a sentence that does not match exactly is
    located by its tail near where it should end. Anything pysbd dropped joins a neighbour.
    """
    starts: list[int] = []
    cur = 0
    n = len(nw)
    for s in sents:
        if cur >= n:
            break
        s_nw = _WS_RE.sub("", s)
        if not s_nw:
            continue
        if nw.startswith(s_nw, cur):
            end = cur + len(s_nw)
        else:
            tail = s_nw[-16:]
            lo = cur + max(0, len(s_nw) - len(tail) - 16)
            j = nw.find(tail, lo, cur + len(s_nw) + 16 + len(tail))
            end = j + len(tail) if j >= 0 else cur + len(s_nw)
        starts.append(cur)
        cur = min(end, n)
    return starts or [0]


def _dash_cuts(masked: str) -> set[int]:
    return {m.start("dash") for m in _DASH_SPEECH_RE.finditer(masked)}


def _ellipsis_cuts(masked: str) -> set[int]:
    if "…" not in masked:
        return set()
    return {m.start("next") for m in _ELLIPSIS_CAPITAL_RE.finditer(masked)}


def _valid(text: str, sentences: list[Sentence]) -> bool:
    pos = 0
    para = 0
    for i, s in enumerate(sentences):
        if (s.index != i or s.start < pos or s.end <= s.start or s.end > len(text)
                or s.paragraph < para or text[s.start:s.end] != s.text
                or s.text != s.text.strip()):
            return False
        pos, para = s.end, s.paragraph
    return True


def _fallback_segment(text: str) -> list[Sentence]:
    """Non-blank lines as sentences; only used if the main path has a bug."""
    try:
        out: list[Sentence] = []
        para = -1
        prev_blank = True
        pos = 0
        for line in text.splitlines(keepends=True):
            a, b = _strip_span(text, pos, pos + len(line))
            pos += len(line)
            if a == b:
                prev_blank = True
                continue
            if prev_blank:
                para += 1
            prev_blank = False
            out.append(Sentence(len(out), para, a, b, text[a:b]))
        return out
    except Exception:
        a, b = 0, len(text)
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        return [Sentence(0, 0, a, b, text[a:b])] if a < b else []
