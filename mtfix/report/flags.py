"""The ``flags`` view (``mtfix check``'s text output): one line per sentence worth a look."""
from __future__ import annotations

from collections.abc import Sequence

from mtfix.report._common import display_name, is_low_quality, plural, sanitize, sentence_notes, style
from mtfix.result import Result


def render_flags(results: Sequence[Result], *, color: bool = False, width: int | None = None) -> str:
    """``NAME:SENTENCE: quality Q; untranslated: word = слово (лемма) | the sentence`` for every sentence
    with flags or low quality, then a summary line. Sentences are numbered from 1; nothing at all when there
    is no result (every input failed: its error says so)."""
    if not results:
        return ""
    out = []
    for r in results:
        for s in r.sentences:
            if not s.flags and not is_low_quality(s):
                continue
            quality = f"quality {s.quality:.2f}" if s.quality is not None else "quality -"
            notes = [n for n in sentence_notes(s) if not n.startswith("low quality")]
            head = f"{display_name(r)}:{s.index + 1}: {quality}{' (low)' if is_low_quality(s) else ''}"
            out.append(style(sanitize(head + "".join(f"; {n}" for n in notes)), "bold", color)
                       + " | " + sanitize(" ".join(s.source.split())) + "\n")
    return "".join(out) + style(check_summary(results), "dim", color) + "\n"


def check_summary(results: Sequence[Result]) -> str:
    """``3 sentences checked, 1 untranslated word, 1 low quality``: what a check found, nothing about edits."""
    sents = [s for r in results for s in r.sentences]
    n_flags = sum(len(s.flags) for s in sents)
    return (f"{plural(len(sents), 'sentence')} checked, {plural(n_flags, 'untranslated word')}, "
            f"{sum(is_low_quality(s) for s in sents)} low quality")
