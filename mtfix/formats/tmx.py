"""TMX: the ``<seg>`` of each translation unit's English variant (``<tuv xml:lang="en...">``)."""
from __future__ import annotations

from mtfix.formats import xml
from mtfix.formats.base import Document, FormatError, Lines, Segment
from mtfix.formats.xliff import _matching_end

WHOLE = frozenset({"bpt", "ept", "it", "ph", "ut", "sub"})
MARK = '<prop type="x-mtfix">repaired</prop>'


def _english(lang: str | None) -> bool:
    return bool(lang) and lang.lower().replace("_", "-").split("-")[0] == "en"  # type: ignore[union-attr]


def parse(doc: Document, data: bytes, mark: bool) -> None:
    """Fill ``doc.segments`` with the English segments of a TMX file."""
    root = xml.check_well_formed(data, doc.name)
    text = doc.text
    items = list(xml.tags(text))
    if xml.local(root) != "tmx":
        raise FormatError(f"{doc.name}:1: not a TMX file (no <tmx> root element)")
    lines = Lines(text)
    tu_id, tu_count, tuv = "?", 0, None
    k = 0
    while k < len(items):
        tag = items[k]
        if tag.kind == "start" and tag.name == "tu":
            tu_count += 1
            tu_id = tag.attr("tuid") or str(tu_count)
        elif tag.kind == "start" and tag.name == "tuv":
            tuv = tag if _english(tag.attr("lang")) else None
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
