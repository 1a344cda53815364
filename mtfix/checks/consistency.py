"""Consistency over a whole file: one source translated two ways, or two sources sharing one target.

Contract: :func:`check_consistency` takes the file's (source, target) pairs and returns one list of findings
per pair (kind ``inconsistent``, severity ``warning``, spanning the whole target and source). Segments are
compared after folding case and whitespace and dropping final punctuation and quotes, so ``Yes.`` and ``yes``
are one text. Empty segments and segments without letters (numbers, codes) are never compared. Each finding
names the index (0-based) of one other segment that disagrees with it.

:class:`Consistency` does the same for a stream (lines corrected chunk by chunk): each pair is compared with the
pairs before it, so only the later segment of a disagreeing pair gets the finding, naming the earlier one.

Two different sources sharing one target are only reported for targets of at least four words whose
sources are far apart (a character similarity under 0.5): short replies ("Of course." for
Конечно./Разумеется.) and near-paraphrases (ВМФ / Военно-морского флота) legitimately share a translation.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from difflib import SequenceMatcher

from mtfix.checks.finding import Finding

__all__ = ["Consistency", "check_consistency", "normalise"]

_SPACE = re.compile(r"\s+")
_EDGE = re.compile(r"^[\s\"'«»“”„‘’()\[\]-]+|[\s\"'«»“”„‘’()\[\].,;:!?…-]+$")
_LETTER = re.compile(r"[^\W\d_]")
_MIN_SHARED_TARGET_WORDS = 4
_MAX_SHARED_SOURCE_SIMILARITY = 0.5  # SequenceMatcher ratio of two sources sharing a target, at most
_MESSAGE_CHARS = 80  # the other segment's text, quoted in the message, is cut to this


def _clip(text: str) -> str:
    return text if len(text) <= _MESSAGE_CHARS else text[: _MESSAGE_CHARS - 1] + "…"


def normalise(text: str) -> str:
    """The form two segments are compared in: case and whitespace folded, edge punctuation and quotes dropped."""
    return _EDGE.sub("", _SPACE.sub(" ", text).casefold())


def _groups(keys: Sequence[str | None]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        if key:
            out[key].append(i)
    return out


def _far(a: str | None, b: str | None) -> bool:
    return SequenceMatcher(None, a or "", b or "", autojunk=False).ratio() < _MAX_SHARED_SOURCE_SIMILARITY


def check_consistency(pairs: Sequence[tuple[str, str]], labels: Sequence[str] | None = None) -> list[list[Finding]]:
    """Findings of kind ``inconsistent`` for each pair of ``pairs`` (see the module docstring); messages name
    the other segment by ``labels[j]`` where given, else as ``segment j``."""
    srcs = [normalise(s) if _LETTER.search(s) and t.strip() else None for s, t in pairs]
    tgts = [normalise(t) if _LETTER.search(t) and s.strip() else None for s, t in pairs]
    shared = [k if k and len(k.split()) >= _MIN_SHARED_TARGET_WORDS else None for k in tgts]
    out: list[list[Finding]] = [[] for _ in pairs]
    for a_keys, b_keys, what in ((srcs, tgts, "source"), (shared, srcs, "target")):
        for indices in _groups(a_keys).values():
            if len({b_keys[i] for i in indices}) < 2:
                continue
            for i in indices:
                others = [j for j in indices if b_keys[j] != b_keys[i]]
                if what == "target":
                    others = [j for j in others if _far(b_keys[i], b_keys[j])]
                if not others:
                    continue
                other = others[0]
                where = labels[other] if labels else f"segment {other}"
                source, target = pairs[i]
                if what == "source":
                    message = (f"the same source is translated differently in {where}: "
                               f"{_clip(pairs[other][1])!r}")
                else:
                    message = (f"the same target translates a different source in {where}: "
                               f"{_clip(pairs[other][0])!r}")
                out[i].append(Finding("inconsistent", "warning", message, start=0, end=len(target),
                                      source_start=0, source_end=len(source)))
    return out


class Consistency:
    """The ``inconsistent`` check over a stream of pairs: :meth:`add` each pair in file order.

    Remembers the first target of each source and the first source of each target (normalised), so memory
    grows with the distinct segments of the stream, not its length.
    """

    def __init__(self) -> None:
        self._by_source: dict[str, tuple[str, str]] = {}  # normalised source -> (label, target) first seen
        self._by_target: dict[str, tuple[str, str]] = {}  # normalised target -> (label, source) first seen

    def add(self, source: str, target: str, label: str) -> list[Finding]:
        """Findings of ``(source, target)`` against the pairs added before; ``label`` names it in later messages
        ("line 12")."""
        src = normalise(source) if _LETTER.search(source) and target.strip() else None
        tgt = normalise(target) if _LETTER.search(target) and source.strip() else None
        out: list[Finding] = []
        if src:
            first = self._by_source.setdefault(src, (label, target))
            if normalise(first[1]) != tgt:
                out.append(Finding("inconsistent", "warning",
                                   f"the same source is translated differently in {first[0]}: {_clip(first[1])!r}",
                                   start=0, end=len(target), source_start=0, source_end=len(source)))
        if tgt and len(tgt.split()) >= _MIN_SHARED_TARGET_WORDS:
            first = self._by_target.setdefault(tgt, (label, source))
            if normalise(first[1]) != src and _far(src, normalise(first[1])):
                out.append(Finding("inconsistent", "warning",
                                   f"the same target translates a different source in {first[0]}: "
                                   f"{_clip(first[1])!r}",
                                   start=0, end=len(target), source_start=0, source_end=len(source)))
        return out
