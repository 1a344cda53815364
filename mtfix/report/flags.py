"""The ``flags`` view (``mtfix check``'s text output): one line per sentence worth a look, one per finding."""
from __future__ import annotations

from collections.abc import Sequence

from mtfix.checks.finding import Finding
from mtfix.report._common import (
    display_name,
    finding_detail,
    findings_summary,
    is_low_quality,
    place_findings,
    plural,
    sanitize,
    sentence_notes,
    style,
    suspect_words,
    suspects_summary,
)
from mtfix.result import Result, SentenceResult


def _sentence_line(r: Result, s: SentenceResult, color: bool) -> str:
    quality = f"quality {s.quality:.2f}" if s.quality is not None else "quality -"
    notes = [n for n in sentence_notes(s) if not n.startswith("low quality")]
    head = f"{display_name(r)}:{s.index + 1}: {quality}{' (low)' if is_low_quality(s) else ''}"
    return (style(sanitize(head + "".join(f"; {n}" for n in notes)), "bold", color)
            + " | " + sanitize(" ".join(s.source.split())) + "\n")


def _finding_line(r: Result, where: str, f: Finding, color: bool) -> str:
    """``NAME:SENTENCE: kind severity: message → suggestion: ...`` (SENTENCE ``-`` when in none)."""
    head = f"{display_name(r)}:{where}: {f.kind} {f.severity}:"
    return style(sanitize(head), "bold", color) + " " + sanitize(finding_detail(f)) + "\n"


def render_flags(results: Sequence[Result], *, color: bool = False, width: int | None = None) -> str:
    """``NAME:SENTENCE: quality Q; untranslated: word = слово (лемма); suspect: word (0.61) | the sentence``
    for every sentence with flags, low quality or suspect words (in a sentence without edits), each followed
    by its findings, ``NAME:SENTENCE: kind severity: message`` (with ``→ suggestion: ...`` where there is
    one); findings in no sentence follow the document's sentences as ``NAME:-: ...``. Then a summary line.
    Sentences are numbered from 1; nothing at all when there is no result (every input failed: its error
    says so)."""
    if not results:
        return ""
    out = []
    for r in results:
        per_sentence, rest = place_findings(r)
        for s, found in zip(r.sentences, per_sentence):
            if s.flags or is_low_quality(s) or suspect_words(s):
                out.append(_sentence_line(r, s, color))
            out += [_finding_line(r, str(s.index + 1), f, color) for f in found]
        out += [_finding_line(r, "-", f, color) for f in rest]
    return "".join(out) + style(check_summary(results), "dim", color) + "\n"


def check_summary(results: Sequence[Result]) -> str:
    """``3 sentences checked, 1 untranslated word, 1 low quality``: what a check found, nothing about edits;
    with ``, 4 suspect words`` when some sentence has word scores, and ``, 2 findings (1 error)`` when some
    result was checked against a source text."""
    sents = [s for r in results for s in r.sentences]
    n_flags = sum(len(s.flags) for s in sents)
    return (f"{plural(len(sents), 'sentence')} checked, {plural(n_flags, 'untranslated word')}, "
            f"{sum(is_low_quality(s) for s in sents)} low quality" + suspects_summary(results)
            + findings_summary(results))
