"""Text left in the source language: a target identical to its source, or words still in the source's script.

Contract: :func:`check_untranslated` gives

* one ``error`` spanning the whole target when the target equals the source (whitespace and case folded), the
  source has letters and at least three words, and it is not only names (every word capitalised), numbers,
  URLs or e-mails;
* otherwise, for a Cyrillic-script source language (``ru``, ``uk``, ``be``, ``bg``, ...), one ``error`` per run
  of consecutive words holding Cyrillic letters in the target (punctuation and spaces may separate them; a
  Latin word or a digit ends the run), with the run's span in the target and, where the run occurs in the
  source (ignoring case), its first span there. Latin-script sources get no script test.
"""
from __future__ import annotations

import re

from mtfix.checks.finding import Finding

__all__ = ["CYRILLIC_LANGS", "check_untranslated"]

CYRILLIC_LANGS = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn"})
_CYR_WORD = re.compile(r"[\w\u0300-\u036f'’-]*[\u0400-\u04ff][\w\u0300-\u036f'’-]*")
_GAP = re.compile(r"[\s,;:«»\"“”„()—–.!?-]*")  # what may stand between two words of one run
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_URLISH = re.compile(r"\S+://\S+|www\.\S+|\S+@\S+\.\w+")
_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def _identical(source: str, target: str) -> bool:
    if _norm(source) != _norm(target):
        return False
    words = _WORD.findall(_URLISH.sub(" ", source))
    if len(words) < 3:
        return False
    return not all(w[0].isupper() for w in words)  # only names: a transliteration would be the same


def check_untranslated(source: str, target: str, *, source_lang: str = "ru") -> list[Finding]:
    """Findings of kind ``untranslated`` (see the module docstring)."""
    if not target.strip():
        return []
    if _identical(source, target):
        return [Finding("untranslated", "error", "the target is the source, untranslated",
                        start=0, end=len(target), source_start=0, source_end=len(source))]
    if source_lang not in CYRILLIC_LANGS:
        return []
    findings: list[Finding] = []
    words = list(_CYR_WORD.finditer(target))
    i = 0
    while i < len(words):
        j = i
        while j + 1 < len(words) and _GAP.fullmatch(target, words[j].end(), words[j + 1].start()):
            j += 1
        start, end = words[i].start(), words[j].end()
        text = target[start:end]
        at = source.lower().find(text.lower()) if len(source.lower()) == len(source) else source.find(text)
        n = j - i + 1
        findings.append(Finding(
            "untranslated", "error",
            f"{'word' if n == 1 else f'{n} words'} {text!r} left in the source's script",
            start=start, end=end,
            source_start=at if at >= 0 else None, source_end=at + len(text) if at >= 0 else None))
        i = j + 1
    return findings
