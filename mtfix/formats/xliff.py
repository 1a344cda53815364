"""XLIFF 1.2 and 2.x: the ``<target>`` of each translation unit (not of ``<alt-trans>`` or ``<ignorable>``).

Each target's :attr:`~mtfix.formats.base.Segment.source` is the plain text of the ``<source>`` beside it in
the same ``<trans-unit>`` (1.2) or ``<segment>`` (2.x), before or after it; None where there is none.
"""
from __future__ import annotations

from dataclasses import replace

from mtfix.formats import xml
from mtfix.formats.base import Document, FormatError, Lines, Segment, Splice

# Native codes: one token with their content. Other inline elements (<g>, <mrk>, <pc>) are tokens
# tag by tag, and the text between them is repaired.
WHOLE = frozenset({"ph", "bpt", "ept", "it", "sub"})
NEEDS_REVIEW = "needs-review-translation"


def is_english(lang: str | None) -> bool:
    return lang is None or lang == "" or lang.lower().replace("_", "-").split("-")[0] == "en"


def parse(doc: Document, data: bytes, mark: bool) -> None:
    """Fill ``doc.segments`` with the targets of an XLIFF file."""
    root = xml.check_well_formed(data, doc.name)
    text = doc.text
    items = list(xml.tags(text))
    lines = Lines(text)
    stack: list[xml.Tag] = []
    version2 = False
    sources: dict[int, str] = {}  # offset of a <trans-unit> or <segment> -> the plain text of its <source>
    owners: dict[int, int] = {}  # offset of a <trans-unit> or <segment> -> index of its target in doc.segments
    k = 0
    while k < len(items):
        tag = items[k]
        if tag.kind == "start" and tag.name == "xliff":
            version2 = (tag.attr("version") or "").startswith("2")
            _check_language(doc, tag.attr("trgLang") if version2 else None, lines(tag.start))
        elif tag.kind == "start" and tag.name == "file" and not version2:
            _check_language(doc, tag.attr("target-language"), lines(tag.start))
        parent = stack[-1].name if stack else ""
        if tag.name == "source" and tag.kind in ("start", "empty") and parent in ("trans-unit", "segment"):
            end = _matching_end(items, k) if tag.kind == "start" else k
            owner = stack[-1].start
            if owner not in sources:  # the first <source> of the unit counts
                sources[owner] = _plain(text, items, k, end)
                if owner in owners:  # the <source> comes after its <target>
                    at = owners[owner]
                    doc.segments[at] = replace(doc.segments[at], source=sources[owner])
            k = end + 1
            continue
        if tag.kind == "start" and tag.name == "target" and parent in ("trans-unit", "segment"):
            end = _matching_end(items, k)
            if not any(t.attr("translate") == "no" for t in stack):  # text marked not to be translated
                seg = _segment(doc, text, items, k, end, stack, lines, version2, mark)
                if seg.text.strip():
                    owner = stack[-1].start
                    owners.setdefault(owner, len(doc.segments))
                    doc.segments.append(replace(seg, source=sources.get(owner)))
            k = end + 1
            continue
        if tag.kind == "start":
            stack.append(tag)
        elif tag.kind == "end" and stack:
            stack.pop()
        k += 1
    if xml.local(root) != "xliff":
        raise FormatError(f"{doc.name}:1: not an XLIFF file (no <xliff> root element)")
    xml.cross_check(doc.name, doc.segments, [xml.lxml_text(el, WHOLE) for el in root.iter() if _is_target(el)])


def _is_target(el: object) -> bool:
    parent = el.getparent()  # type: ignore[attr-defined]
    return (xml.local(el) == "target" and parent is not None and xml.local(parent) in ("trans-unit", "segment")
            and not any(a.get("translate") == "no" for a in el.iterancestors()))  # type: ignore[attr-defined]


def _check_language(doc: Document, lang: str | None, line: int) -> None:
    if not is_english(lang):
        raise FormatError(f"{doc.name}:{line}: the target language is {lang!r}, not English; "
                          "mtfix repairs English translations")


def _matching_end(items: list[xml.Tag], k: int) -> int:
    depth = 0
    for j in range(k, len(items)):
        if items[j].name == items[k].name and items[j].kind == "start":
            depth += 1
        elif items[j].name == items[k].name and items[j].kind == "end":
            depth -= 1
            if depth == 0:
                return j
    return len(items) - 1  # unreachable in a well-formed file


def _plain(text: str, items: list[xml.Tag], k: int, end: int) -> str:
    """Plain text of the element ``items[k]`` whose end tag is ``items[end]``, decoded as a target's is;
    "" for an empty element (``end == k``)."""
    if end == k:
        return ""
    return xml.content(text, items[k + 1:end], items[k].end, items[end].start, WHOLE)[0].text


def _segment(doc: Document, text: str, items: list[xml.Tag], k: int, end: int, stack: list[xml.Tag],
             lines: Lines, version2: bool, mark: bool) -> Segment:
    start_tag, end_tag = items[k], items[end]
    unit = next((t for t in reversed(stack) if t.name in ("trans-unit", "unit")), None)
    seg_tag = stack[-1] if version2 and stack and stack[-1].name == "segment" else None
    unit_id = (unit.attr("id") if unit else None) or "?"
    if seg_tag is not None and seg_tag.attr("id"):
        unit_id = f"{unit_id}/{seg_tag.attr('id')}"
    b, tokens = xml.content(text, items[k + 1:end], start_tag.end, end_tag.start, WHOLE)
    marks: list[Splice] = []
    if mark:
        if version2 and seg_tag is not None:
            marks = xml.set_attrs(seg_tag, {"state": "translated", "subState": "mtfix:repaired"})
        elif not version2:
            marks = xml.set_attrs(start_tag, {"state": NEEDS_REVIEW})
            if unit is not None and unit.attr("approved") == "yes":  # a changed target is no longer approved
                marks += xml.set_attrs(unit, {"approved": "no"})
    skip = ""
    if xml.collision(b.text, tokens):
        skip = "text reads like an inline tag"
    elif not is_english(start_tag.attr("lang")):
        skip = f"target language {start_tag.attr('lang')!r} is not English"
    return Segment(unit_id, lines(start_tag.end), b.text, tuple(b.pieces), start_tag.end, end_tag.start,
                   xml.xml_escaper(tokens), tuple(tokens), tuple(marks), skip)
