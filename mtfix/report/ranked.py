"""``mtfix check --below X`` / ``--worst N``: the sentences ranked by their quality estimate, worst first.

For the data-cleaning use: which lines (with ``--lines``) or sentences to drop or send to a post-editor.
Sentences without an estimate (a model without a quality model, a sentence too long for the model) are
never selected. ``text`` gives ``NAME:WHERE: quality 0.12 | the sentence`` a line, then a summary;
``json``/``jsonl`` give one object per sentence (see :func:`ranked_rows`).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mtfix.report._common import display_name, plural, sanitize, style
from mtfix.result import Result, SentenceResult


def select(results: Sequence[Result], below: float | None = None,
           worst: int | None = None) -> list[tuple[Result, SentenceResult]]:
    """The (result, sentence) pairs with a quality estimate below ``below`` (all if None), the ``worst``
    lowest of them (all if None), worst first; ties keep their input order."""
    pairs = [(r, s) for r in results for s in r.sentences
             if s.quality is not None and (below is None or s.quality < below)]
    pairs.sort(key=lambda rs: rs[1].quality)  # type: ignore[arg-type, return-value]
    return pairs if worst is None else pairs[:worst]


def _where(s: SentenceResult, lines: bool) -> tuple[str, int]:
    """("line", N) in line mode (each line is a part, so its paragraph number), else ("sentence", N)."""
    return ("line", s.paragraph + 1) if lines else ("sentence", s.index + 1)


def ranked_rows(results: Sequence[Result], below: float | None, worst: int | None,
                lines: bool = False) -> list[dict[str, Any]]:
    """One object per selected sentence: ``name``, ``line`` (line mode) or ``sentence`` (its number from 1),
    ``start``/``end`` (code points in the document), ``quality``, ``text``, and its suspect ``words``."""
    rows = []
    for r, s in select(results, below, worst):
        key, n = _where(s, lines)
        rows.append({"name": display_name(r), key: n, "start": s.start, "end": s.end, "quality": s.quality,
                     "text": s.source, "words": [w.to_dict() for w in s.words if not w.ok]})
    return rows


def render_ranked(results: Sequence[Result], fmt: str, *, below: float | None = None, worst: int | None = None,
                  lines: bool = False, color: bool = False) -> str:
    """The selection in ``fmt``: ``text`` (or ``flags``), ``json`` or ``jsonl``."""
    rows = ranked_rows(results, below, worst, lines)
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if fmt == "json":
        return json.dumps({"below": below, "worst": worst, "sentences": rows}, ensure_ascii=False, indent=2) + "\n"
    out = []
    for row in rows:
        key = "line" if "line" in row else "sentence"
        suspect = ", ".join(row["text"][w["start"] - row["start"]:w["end"] - row["start"]] for w in row["words"])
        head = f"{row['name']}:{row[key]}: quality {row['quality']:.3f}" + (f"; suspect: {suspect}" if suspect else "")
        out.append(style(sanitize(head), "bold", color) + " | " + sanitize(" ".join(row["text"].split())) + "\n")
    total = sum(1 for r in results for s in r.sentences if s.quality is not None)
    what = []
    if below is not None:
        what.append(f"below {below:g}")
    if worst is not None:
        what.append(f"the worst {worst}")
    summary = f"{plural(len(rows), 'sentence')} of {total} scored ({' and '.join(what)}), worst first"
    return "".join(out) + style(summary, "dim", color) + "\n"
