"""End-of-segment punctuation and the case of the first letter.

Contract: :func:`check_punctuation` looks at the *trailing run* of each segment, the final characters that
are punctuation, closing quotes/brackets or spaces (so ``«да».`` and ``"yes."`` both end with a full stop,
and ``...``/``…`` is an ellipsis), and reports:

* source ends with a question mark (``?``, ``؟``, ``？``), target's run has none: ``warning``;
* source ends with ``:``, target's run has none: ``warning``;
* source ends with ``!``, target's run has no end punctuation at all: ``warning`` (a ``.`` instead is fine);
* source ends with ``.`` (or an ellipsis), target has no end punctuation at all: ``warning``;
* source starts with an upper-case letter and the target with a lower-case word (not camel-case like
  ``iPhone``): ``warning`` at that letter, suggesting its upper case.

A source without final punctuation never gives a finding (a heading; a target adding ``.`` is fine).
The end findings span the target's final punctuation mark where it has one (to be replaced by the suggestion),
else the empty span at the end of the target's text (an insertion).
"""
from __future__ import annotations

import re

from mtfix.checks.finding import Finding

__all__ = ["check_punctuation", "final_marks"]

_QUESTION = "?؟？"
_END_MARKS = ".!?:;…؟？。！"
_CLOSERS = "\"'»”’“)]}›"
_TRAIL = re.compile(rf"[\s{re.escape(_CLOSERS + _END_MARKS)}]*\Z")
_FIRST_WORD = re.compile(r"[^\W\d_]+")


def final_marks(text: str) -> tuple[set[str], int, int]:
    """The end marks of ``text`` (``?``, ``!``, ``:``, ``.``, ``…``, ``;``) and the span of its trailing run."""
    m = _TRAIL.search(text)
    if m is None:  # pragma: no cover - the pattern matches the empty string at the end
        return set(), len(text), len(text)
    run = m.group(0)
    marks: set[str] = set()
    for ch in run:
        if ch in _QUESTION:
            marks.add("?")
        elif ch in "!！":
            marks.add("!")
        elif ch in ".。":
            marks.add(".")
        elif ch in ":;…":
            marks.add(ch)
    if "..." in run or "…" in run:
        marks.discard(".")
        marks.add("…")
    return marks, m.start(), m.end()


def _end_span(target: str, start: int, end: int) -> tuple[int, int]:
    """The target's last end mark as a span, else the empty span after the text (before trailing spaces)."""
    for i in range(end - 1, start - 1, -1):
        if target[i] in _END_MARKS:
            return i, i + 1
    stripped = len(target.rstrip())
    return stripped, stripped


def _end_findings(source: str, target: str) -> list[Finding]:
    smarks, s0, s1 = final_marks(source)
    tmarks, t0, t1 = final_marks(target)
    if not smarks:
        return []
    ss, se = s0 + len(source[s0:s1]) - len(source[s0:s1].lstrip()), len(source.rstrip())
    lo, hi = _end_span(target, t0, t1)

    def finding(severity: str, message: str, mark: str) -> Finding:
        return Finding("punctuation", severity, message, start=lo, end=hi, source_start=ss, source_end=se,
                       suggestion=mark)

    tend = tmarks & {".", "!", "?", "…"}
    if "?" in smarks and "?" not in tmarks:
        return [finding("warning", "the source is a question; the target does not end with '?'", "?")]
    if ":" in smarks and ":" not in tmarks and not tend - {"."}:
        return [finding("warning", "the source ends with ':'; the target does not", ":")]
    if "!" in smarks and "!" not in tmarks:
        if not tend:
            return [finding("warning", "the source ends with '!'; the target has no end punctuation", "!")]
        return []
    if smarks & {".", "…"} and not tmarks:
        mark = "…" if "…" in smarks else "."
        return [finding("warning", f"the source ends with {mark!r}; the target has no end punctuation", mark)]
    return []


def _case_findings(source: str, target: str) -> list[Finding]:
    s = _FIRST_WORD.search(source)
    t = _FIRST_WORD.search(target)
    if not s or not t:
        return []
    sw, tw = s.group(0), t.group(0)
    # Only where both segments start with their first word (no leading digits or list markers in between).
    if source[:s.start()].strip(" \"'«„“(-—–") or target[:t.start()].strip(" \"'«„“(-—–"):
        return []
    if not sw[0].isupper() or not tw[0].islower() or any(c.isupper() for c in tw[1:]):
        return []
    return [Finding("punctuation", "warning", "the source starts with a capital letter; the target does not",
                    start=t.start(), end=t.start() + 1, source_start=s.start(), source_end=s.start() + 1,
                    suggestion=tw[0].upper())]


def check_punctuation(source: str, target: str) -> list[Finding]:
    """Findings of kind ``punctuation`` (see the module docstring)."""
    if not source.strip() or not target.strip():
        return []
    return _case_findings(source, target) + _end_findings(source, target)
