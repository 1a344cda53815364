"""Glossary terms: a source term present means its required target term must be used, and no forbidden variant.

File format (:func:`load_glossary`): UTF-8 TSV, one entry a line: ``source term <TAB> required target term
[<TAB> forbidden variants separated by | or ;]``. Blank lines and lines starting with ``#`` are skipped, and so is
a first row ``source<TAB>target[<TAB>forbidden]``. A line with fewer than two columns, more than three, or an empty
term raises :class:`GlossaryError` naming the file and line. A ``.tbx`` file (or one starting with ``<``) is read
as TBX: each ``termEntry`` gives, per ``langSet``, its ``term`` elements (in ``tig`` or ``ntig/termGrp``); terms
whose ``termNote type="administrativeStatus"`` (or ``normativeAuthorization``) says deprecated/superseded/
forbidden become forbidden variants.

Matching is on lemmas, as sequences (multi-word terms match consecutive words): Cyrillic words by their
``pymorphy3`` normal forms (every parse's, so "контракта" matches "контракт"); Latin words by ``lemminflect``'s
lemmas (any part of speech) plus the lower-cased word, or, without lemminflect, by stripping English suffixes.

Contract of :func:`check_glossary`: for each entry whose source term occurs in the source, an ``error`` at the
first occurrence's source span if the required target term does not occur in the target (suggestion: the
required term), and an ``error`` at each occurrence of a forbidden variant in the target (suggestion: the
required term); where a forbidden variant is used, that finding alone says the term is missing.
Forbidden variants are only reported where the source term occurs (elsewhere they may be right).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtfix.checks.finding import Finding
from mtfix.text.morphology import russian_morphology_or_none

__all__ = ["Glossary", "GlossaryEntry", "GlossaryError", "check_glossary", "lemmas", "load_glossary"]

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_SPLIT_FORBIDDEN = re.compile(r"\s*[|;]\s*")
_HEADER = ("source", "target")
_BAD_STATUS = ("deprecated", "superseded", "forbidden", "notrecommended", "rejected")


class GlossaryError(ValueError):
    """A glossary file that cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class GlossaryEntry:
    """One term: the source term, the target term it must be translated with, and variants not to use."""

    source: str
    target: str
    forbidden: tuple[str, ...] = ()
    line: int | None = None  # where it was read, for messages


@dataclass(frozen=True)
class Glossary:
    """A sequence of :class:`GlossaryEntry`; build it with :func:`load_glossary` or from entries directly."""

    entries: tuple[GlossaryEntry, ...] = field(default_factory=tuple)
    path: str | None = None

    @classmethod
    def from_pairs(cls, rows: Iterable[Sequence[str]]) -> Glossary:
        """A glossary from (source, target[, forbidden...]) rows, as in tests or an API call."""
        return cls(tuple(GlossaryEntry(r[0], r[1], tuple(r[2:])) for r in rows))

    def __len__(self) -> int:
        return len(self.entries)


# ------------------------------------------------------------------------------------------------ loading


def load_glossary(path: str | Path) -> Glossary:
    """Read a TSV (or TBX) glossary; raises :class:`GlossaryError` on a malformed line, OSError if unreadable."""
    p = Path(path)
    text = p.read_text(encoding="utf-8-sig")
    if p.suffix.lower() == ".tbx" or text.lstrip().startswith("<"):
        return _load_tbx(p, text)
    entries: list[GlossaryEntry] = []
    first = True
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if first and tuple(c.lower() for c in cols[:2]) == _HEADER:
            first = False
            continue
        first = False
        while len(cols) > 2 and not cols[-1]:
            cols.pop()
        if len(cols) < 2 or len(cols) > 3:
            raise GlossaryError(f"{p}:{n}: expected 2 or 3 tab-separated columns (source, target[, forbidden]), "
                                f"got {len(cols)}")
        if not cols[0] or not cols[1]:
            raise GlossaryError(f"{p}:{n}: the {'source' if not cols[0] else 'target'} term is empty")
        forbidden = tuple(f for f in _SPLIT_FORBIDDEN.split(cols[2]) if f) if len(cols) == 3 else ()
        entries.append(GlossaryEntry(cols[0], cols[1], forbidden, n))
    return Glossary(tuple(entries), str(p))


def _load_tbx(p: Path, text: str) -> Glossary:
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise GlossaryError(f"{p}:{exc.position[0]}: not well-formed TBX ({exc})") from None
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    entries: list[GlossaryEntry] = []
    for entry in (e for e in root.iter() if local(e.tag) in ("termEntry", "conceptEntry")):
        langs: list[tuple[str, list[str], list[str]]] = []
        for ls in (e for e in entry if local(e.tag) == "langSet"):
            lang = (ls.get(xml_lang) or ls.get("lang") or "").lower()
            good: list[str] = []
            bad: list[str] = []
            for holder in ls.iter():
                if local(holder.tag) not in ("tig", "termGrp", "termSec"):
                    continue
                term = next((t for t in holder if local(t.tag) == "term"), None)
                if term is None or not (term.text or "").strip():
                    continue
                notes = " ".join((n.text or "") for n in holder.iter() if local(n.tag) in ("termNote", "descrip")
                                 and (n.get("type") or "") in ("administrativeStatus", "normativeAuthorization"))
                (bad if any(s in notes.lower().replace(" ", "") for s in _BAD_STATUS) else good).append(
                    term.text.strip())
            langs.append((lang, good, bad))
        if len(langs) < 2 or not langs[0][1] or not langs[1][1]:
            continue
        src = langs[0]
        tgt = next((x for x in langs[1:] if x[0].startswith("en")), langs[1])
        entries.append(GlossaryEntry(src[1][0], tgt[1][0], tuple(tgt[2])))
    return Glossary(tuple(entries), str(p))


# ------------------------------------------------------------------------------------------------ lemmas


@functools.lru_cache(maxsize=1)
def _lemminflect() -> Any:
    try:
        import lemminflect
    except ImportError:
        return None
    return lemminflect


_EN_SUFFIXES = (("ies", "y"), ("ves", "f"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("shes", "sh"),
                ("ing", ""), ("ied", "y"), ("ed", ""), ("es", ""), ("s", ""))


def _strip_suffixes(word: str) -> set[str]:
    out = {word}
    for suffix, repl in _EN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            out.add(word[: -len(suffix)] + repl)
            if repl == "" and suffix in ("ed", "ing"):
                out.add(word[: -len(suffix)] + "e")
    return out


@functools.lru_cache(maxsize=65536)
def lemmas(word: str) -> frozenset[str]:
    """Every lemma ``word`` may have, lower-cased (the word itself included)."""
    lower = word.lower().replace("ё", "е")
    out = {lower}
    if _CYRILLIC.search(lower):
        morph = russian_morphology_or_none()
        if morph is not None:
            out |= {p.normal_form.replace("ё", "е") for p in morph.parse(lower)}
        return frozenset(out)
    li = _lemminflect()
    if li is not None and lower.isalpha():
        found = li.getAllLemmas(lower)
        if not found:
            found = li.getAllLemmasOOV(lower, "NOUN")
        out |= {lemma.lower() for group in found.values() for lemma in group}
    elif lower.isalpha():
        out |= _strip_suffixes(lower)
    return frozenset(out)


def _words(text: str) -> list[tuple[int, int, frozenset[str]]]:
    return [(m.start(), m.end(), lemmas(m.group(0))) for m in _WORD.finditer(text)]


@functools.lru_cache(maxsize=4096)
def _term_lemmas(term: str) -> tuple[frozenset[str], ...]:
    return tuple(ls for _, _, ls in _words(term))


def _find(term: str, words: list[tuple[int, int, frozenset[str]]]) -> list[tuple[int, int]]:
    """Spans where the term's words match consecutive words by a shared lemma."""
    pattern = _term_lemmas(term)
    if not pattern:
        return []
    hits = []
    for i in range(len(words) - len(pattern) + 1):
        if all(words[i + k][2] & pattern[k] for k in range(len(pattern))):
            hits.append((words[i][0], words[i + len(pattern) - 1][1]))
    return hits


def check_glossary(source: str, target: str, glossary: Glossary) -> list[Finding]:
    """Findings of kind ``glossary`` (see the module docstring)."""
    if not glossary.entries:
        return []
    src_words, tgt_words = _words(source), _words(target)
    findings: list[Finding] = []
    for entry in glossary.entries:
        hits = _find(entry.source, src_words)
        if not hits:
            continue
        s0, s1 = hits[0]
        used = [(t0, t1) for variant in entry.forbidden for t0, t1 in _find(variant, tgt_words)]
        if not used and not _find(entry.target, tgt_words):
            findings.append(Finding(
                "glossary", "error", f"glossary: {entry.source!r} should be translated as {entry.target!r}",
                source_start=s0, source_end=s1, suggestion=entry.target))
        for t0, t1 in sorted(used):
            findings.append(Finding(
                "glossary", "error",
                f"glossary: {target[t0:t1]!r} is a forbidden variant for {entry.source!r}; use {entry.target!r}",
                start=t0, end=t1, source_start=s0, source_end=s1, suggestion=entry.target))
    return findings
