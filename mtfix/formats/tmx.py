"""TMX: the ``<seg>`` of each translation unit's English variant (``<tuv xml:lang="en...">``).

Each segment's :attr:`~mtfix.formats.base.Segment.source` is the plain text of the ``<seg>`` of a non-English
``<tuv>`` of the same ``<tu>`` (before or after the English one): the one in the unit's ``srclang``, else in
the header's (unless ``*all*``), else the first; None where the unit has no other variant.
"""
from __future__ import annotations

from dataclasses import replace

from mtfix.formats import xml
from mtfix.formats.base import Document, FormatError, Lines, Segment
from mtfix.formats.xliff import _matching_end

WHOLE = frozenset({"bpt", "ept", "it", "ph", "ut", "sub"})
MARK = '<prop type="x-mtfix">repaired</prop>'


def _english(lang: str | None) -> bool:
    return bool(lang) and lang.lower().replace("_", "-").split("-")[0] == "en"  # type: ignore[union-attr]


def _tag(lang: str | None) -> str:
    return (lang or "").lower().replace("_", "-")


def _pick_source(others: list[tuple[str | None, str]], wanted: list[str | None]) -> str | None:
    """The text among the non-English variants ``others`` ((lang, text), in file order) that is the source:
    the first in the first language of ``wanted`` that one of them has (the whole tag matching, else its
    primary subtag; ``*all*`` is skipped), else the first variant; None when there is none."""
    for want in wanted:
        if not want or want.lower() == "*all*":
            continue
        for key in (_tag, lambda lang: _tag(lang).split("-")[0]):
            found = next((t for lang, t in others if key(lang) == key(want)), None)
            if found is not None:
                return found
    return others[0][1] if others else None


def parse(doc: Document, data: bytes, mark: bool) -> None:
    """Fill ``doc.segments`` with the English segments of a TMX file."""
    root = xml.check_well_formed(data, doc.name)
    text = doc.text
    items = list(xml.tags(text))
    if xml.local(root) != "tmx":
        raise FormatError(f"{doc.name}:1: not a TMX file (no <tmx> root element)")
    lines = Lines(text)
    tu_id, tu_count, tuv = "?", 0, None
    header_lang: str | None = None
    tu: xml.Tag | None = None
    first = 0  # index in doc.segments of the unit's first English segment
    others: list[tuple[str | None, str]] = []  # the unit's non-English variants so far: (lang, plain text)
    other: str | None = None  # language of the non-English <tuv> we are in
    k = 0
    while k < len(items):
        tag = items[k]
        if tag.kind in ("start", "empty") and tag.name == "header":
            header_lang = tag.attr("srclang")
        elif tag.kind == "start" and tag.name == "tu":
            tu_count += 1
            tu_id = tag.attr("tuid") or str(tu_count)
            tu, first, others = tag, len(doc.segments), []
        elif tag.kind == "end" and tag.name == "tu" and tu is not None:
            source = _pick_source(others, [tu.attr("srclang"), header_lang])
            doc.segments[first:] = [replace(s, source=source) for s in doc.segments[first:]]
            tu = None
        elif tag.kind == "start" and tag.name == "tuv":
            tuv = tag if _english(tag.attr("lang")) else None
            other = None if tuv is not None else tag.attr("lang") or ""
        elif tag.name == "seg" and tag.kind in ("start", "empty") and tuv is None and other is not None:
            end = _matching_end(items, k) if tag.kind == "start" else k
            plain = "" if end == k else xml.content(text, items[k + 1:end], tag.end, items[end].start, WHOLE)[0].text
            others.append((other, plain))
            other = None  # one <seg> per <tuv>
            k = end + 1
            continue
        elif tag.kind == "start" and tag.name == "seg" and tuv is not None:
            end = _matching_end(items, k)
            b, tokens = xml.content(text, items[k + 1:end], tag.end, items[end].start, WHOLE)
            skip = "text reads like an inline tag" if xml.collision(b.text, tokens) else ""
            already = MARK in text[tuv.end:tag.start]  # marked by an earlier run
            marks = ((tag.start, tag.start, MARK),) if mark and not already else ()
            if b.text.strip():
                doc.segments.append(Segment(tu_id, lines(tag.end), b.text, tuple(b.pieces), tag.end,
                                            items[end].start, xml.xml_escaper(tokens), tuple(tokens), marks, skip))
            k = end + 1
            continue
        k += 1
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    xml.cross_check(doc.name, doc.segments, [
        xml.lxml_text(el, WHOLE) for el in root.iter("{*}seg", "seg")
        if el.getparent() is not None and _english(el.getparent().get(lang) or el.getparent().get("lang"))])
