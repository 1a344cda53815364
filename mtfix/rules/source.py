"""Repairs that agree with the source: the bilingual checks (mtfix.checks) applied to corrected results.

Contract, for one result and its source text (:func:`judge_against_source`):

- **guard**: a changed sentence whose edits alone make the document break a check the MT passed
  (:func:`mtfix.checks.breaks`: a dropped amount, a lost tag, a glossary term changed) is put back as it was,
  ``rejected`` with the reason ``"breaks a bilingual check: <message>"``; if the remaining changes together
  still break one, every change is put back;
- **findings**: the checks' findings about the MT as given (target offsets into ``Result.source``), so they
  say what to look at whatever the repair did;
- **suggestions** (only with ``apply``): each finding with a target span and a suggestion (a tag or number
  restored, a forbidden term replaced, a missing ``?``) becomes an edit of confidence 1, unless it overlaps
  one of the sentence's own edits (the model's edit then stands and the finding stays a suggestion).

The file-level ``inconsistent`` findings need every pair of a file and come from :func:`add_consistency`.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from mtfix.checks import Consistency, Finding, Glossary, breaks, check_consistency, check_segment
from mtfix.result import Result, SentenceResult
from mtfix.text.diff import Edit, apply_edits

BROKEN_REASON = "breaks a bilingual check"
APPLIED_REASON = "bilingual check fixes only"
_EDIT_KINDS = {"punctuation": "punctuation", "glossary": "lexical_choice", "untranslated": "untranslated",
               "markup": "other", "number": "other"}


def judge_against_source(result: Result, source: str, *, glossary: Glossary | None = None,
                         kinds: Collection[str] = (), apply: bool = False) -> Result:
    """``result`` guarded against ``source``, with the findings about its MT (and, with ``apply``, their fixes)."""
    segment_kinds = [k for k in kinds if k != "inconsistent"]
    result = _guard(result, source, glossary, segment_kinds)
    findings = tuple(check_segment(source, result.source, glossary=glossary, kinds=segment_kinds))
    if apply and findings:
        result = _apply(result, findings)
    return replace(result, source_text=source, findings=findings)


def add_consistency(results: Sequence[Result], stream: Consistency | None = None,
                    labels: Sequence[str] | None = None) -> list[Result]:
    """``results`` (the bilingual ones, in file order) with their ``inconsistent`` findings: across these
    results, or, given a ``stream``, against every pair added to it before (``labels`` name them there)."""
    pairs = [(r.source_text or "", r.source) for r in results]
    labels = labels or ([r.name for r in results] if all(r.name for r in results) else None)
    if stream is None:
        extra = check_consistency(pairs, labels)
    else:
        labels = labels or [f"segment {i}" for i in range(len(results))]
        extra = [stream.add(s, t, label) for (s, t), label in zip(pairs, labels)]
    return [replace(r, findings=_sorted(r.findings + tuple(e))) if e else r for r, e in zip(results, extra)]


def _sorted(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: (f.start is None, f.start or 0, f.end or 0, f.source_start or 0)))


def _guard(result: Result, source: str, glossary: Glossary | None, kinds: Sequence[str]) -> Result:
    if result.text == result.source or not breaks(source, result.source, result.text, glossary, kinds=kinds):
        return result
    sentences = []
    for s in result.sentences:
        broken = breaks(source, result.source, apply_edits(result.source, s.edits), glossary,
                        kinds=kinds) if s.edits else []
        sentences.append(_refused(s, broken[0].message) if broken else s)
    text = apply_edits(result.source, [e for s in sentences for e in s.edits])
    still = breaks(source, result.source, text, glossary, kinds=kinds)
    if still:  # the changes together break what none breaks alone: keep the MT as it was
        sentences = [_refused(s, still[0].message) if s.edits else s for s in sentences]
        text = result.source
    return replace(result, text=text, sentences=tuple(sentences))


def _refused(s: SentenceResult, message: str) -> SentenceResult:
    return replace(s, output=s.source, status="rejected", reason=f"{BROKEN_REASON}: {message}", edits=())


def _apply(result: Result, findings: Sequence[Finding]) -> Result:
    sentences = list(result.sentences)
    changed = False
    for f in findings:
        if f.start is None or f.end is None or f.suggestion is None:
            continue
        k = next((i for i, s in enumerate(sentences) if s.start <= f.start and f.end <= s.end), None)
        if k is None or result.source[f.start:f.end] == f.suggestion:
            continue
        s = sentences[k]
        if any(e.start < f.end and f.start < e.end or f.start <= e.start <= f.end and e.start == e.end
               or e.start <= f.start <= e.end and f.start == f.end for e in s.edits):
            continue  # the sentence's own edit there stands
        sentences[k] = _with_edit(s, _edit(result.source, f))
        changed = True
    if not changed:
        return result
    text = apply_edits(result.source, [e for s in sentences for e in s.edits])
    return replace(result, text=text, sentences=tuple(sentences))


def _edit(document: str, f: Finding) -> Edit:
    assert f.start is not None and f.end is not None and f.suggestion is not None
    original = document[f.start:f.end]
    op = "insert" if not original else "delete" if not f.suggestion else "replace"
    kind = _EDIT_KINDS.get(f.kind, "other")
    if original and original.lower() == f.suggestion.lower():
        kind = "casing"
    return Edit(f.start, f.end, original, f.suggestion, op, kind, 1.0)


def _with_edit(s: SentenceResult, edit: Edit) -> SentenceResult:
    edits = tuple(sorted((*s.edits, edit), key=lambda e: (e.start, e.end)))
    local = [replace(e, start=e.start - s.start, end=e.end - s.start) for e in edits]
    if s.status == "rewritten":
        return replace(s, edits=edits, output=apply_edits(s.source, local))
    reason = APPLIED_REASON + (f"; the model's rewrite was refused: {s.reason}" if s.status == "rejected" else "")
    return replace(s, edits=edits, output=apply_edits(s.source, local), status="rewritten", reason=reason)
