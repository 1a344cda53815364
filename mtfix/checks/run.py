"""Run the bilingual checks on a segment or a file, and compare two targets of one source.

Contract: :func:`check_segment` runs the checks named in ``kinds`` (default :data:`DEFAULT_KINDS`) and returns
their findings sorted by target offset (findings without a target span last, by source offset); the
``glossary`` kind runs only with a glossary, ``inconsistent`` only in :func:`check_file`. :func:`breaks` gives
the findings a new target has that the original target of the same source did not.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from mtfix.checks.consistency import check_consistency
from mtfix.checks.finding import KINDS, Finding
from mtfix.checks.glossary import Glossary, check_glossary
from mtfix.checks.markup import check_markup
from mtfix.checks.numbers import check_numbers
from mtfix.checks.punctuation import check_punctuation
from mtfix.checks.untranslated import check_untranslated

__all__ = ["DEFAULT_KINDS", "breaks", "check_file", "check_segment", "guess_lang"]

# On by default: the kinds whose findings were >= 80% precise on WMT13/WMT21 ru-en (docs/checks-precision.md).
DEFAULT_KINDS: frozenset[str] = frozenset(
    {"number", "markup", "untranslated", "inconsistent", "punctuation", "glossary"})
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def guess_lang(source: str) -> str:
    """``"ru"`` for a source holding Cyrillic letters, else ``"xx"`` (some Latin-script language)."""
    return "ru" if _CYRILLIC.search(source) else "xx"


def _kinds(kinds: Collection[str] | None) -> frozenset[str]:
    if kinds is None:
        return DEFAULT_KINDS
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown check kind(s) {', '.join(sorted(unknown))}; valid: {', '.join(KINDS)}")
    return frozenset(kinds)


def _order(f: Finding) -> tuple[int, int, int, int]:
    if f.start is not None and f.end is not None:
        return (0, f.start, f.end, f.source_start or 0)
    return (1, f.source_start or 0, f.source_end or 0, 0)


def check_segment(source: str, target: str, *, source_lang: str | None = None, glossary: Glossary | None = None,
                  kinds: Collection[str] | None = None) -> list[Finding]:
    """The findings about ``target`` as a translation of ``source``, sorted by target offset."""
    wanted = _kinds(kinds)
    lang = source_lang or guess_lang(source)
    out: list[Finding] = []
    if "number" in wanted:
        out += check_numbers(source, target, source_lang=lang)
    if "markup" in wanted:
        out += check_markup(source, target)
    if "untranslated" in wanted:
        out += check_untranslated(source, target, source_lang=lang)
    if "punctuation" in wanted:
        out += check_punctuation(source, target)
    if "glossary" in wanted and glossary is not None:
        out += check_glossary(source, target, glossary)
    return sorted(out, key=_order)


def check_file(pairs: Sequence[tuple[str, str]], *, source_lang: str | None = None,
               glossary: Glossary | None = None, kinds: Collection[str] | None = None) -> list[list[Finding]]:
    """:func:`check_segment` on each pair, plus the file-level ``inconsistent`` findings; one list per pair."""
    wanted = _kinds(kinds)
    out = [check_segment(s, t, source_lang=source_lang, glossary=glossary, kinds=wanted) for s, t in pairs]
    if "inconsistent" in wanted:
        for i, extra in enumerate(check_consistency(pairs)):
            if extra:
                out[i] = sorted(out[i] + extra, key=_order)
    return out


def _key(f: Finding) -> tuple[object, ...]:
    """What makes two findings on two targets of one source "the same": kind and source span (else message)."""
    if f.source_start is not None:
        return (f.kind, f.source_start, f.source_end)
    return (f.kind, None, None, f.message)


def breaks(source: str, original_target: str, new_target: str, glossary: Glossary | None = None, *,
           source_lang: str | None = None, kinds: Collection[str] | None = None) -> list[Finding]:
    """Findings on ``new_target`` that ``original_target`` did not have (same kind and source span).

    A finding without a source span (an added number, an added tag) is matched by kind and message, so the
    same added number is not counted twice. For a gate that refuses a rewrite breaking a passed check.
    """
    old = {_key(f) for f in check_segment(source, original_target, source_lang=source_lang, glossary=glossary,
                                          kinds=kinds)}
    return [f for f in check_segment(source, new_target, source_lang=source_lang, glossary=glossary, kinds=kinds)
            if _key(f) not in old]
