"""XML shared by XLIFF and TMX: lxml checks the file, a small lexer finds exact offsets.

lxml (libxml2) decides whether a file is well-formed and names the line of the first fault; it
cannot say where in the text an element starts, and writing its tree back changes quoting,
attribute order and entities. So once lxml has accepted the file, a lexer over the original
text walks the same elements with their offsets, and only target contents are spliced.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mtfix.formats.base import Builder, FormatError, Segment, split_tokens

_LEX = re.compile(
    r"<!--.*?-->|<!\[CDATA\[(?P<cdata>.*?)\]\]>|<\?.*?\?>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>"
    r"|<(?P<close>/?)(?P<name>[^\s/>!?]+)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(?P<empty>/?)>",
    re.S)
_ATTR = re.compile(r"([^\s=]+)\s*=\s*(\"[^\"]*\"|'[^']*')")
_ENTITY = re.compile(r"&(?:#(\d+)|#x([0-9A-Fa-f]+)|(\w+));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


@dataclass(frozen=True)
class Tag:
    """One start, end or empty-element tag, or another markup item (comment, CDATA, PI)."""

    kind: str  # "start", "end", "empty", "cdata" or "other"
    name: str  # local name (prefix dropped); "" for comments etc.
    start: int
    end: int
    attrs_start: int = 0  # offset where the attributes begin (just after the name)
    attrs: str = ""
    cdata: tuple[int, int] | None = None  # offsets of a CDATA section's content

    def attr(self, name: str) -> str | None:
        """Value of attribute ``name`` (local name; ``xml:lang`` also as ``lang``), undecoded."""
        for m in _ATTR.finditer(self.attrs):
            key = m.group(1)
            if key == name or key.split(":")[-1] == name:
                return decode_entities(m.group(2)[1:-1])
        return None

    def attr_span(self, name: str) -> tuple[int, int] | None:
        """Offsets of the value (inside the quotes) of attribute ``name``."""
        for m in _ATTR.finditer(self.attrs):
            if m.group(1) == name:
                return self.attrs_start + m.start(2) + 1, self.attrs_start + m.end(2) - 1
        return None


def decode_entities(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(1):
            return chr(int(m.group(1)))
        if m.group(2):
            return chr(int(m.group(2), 16))
        return _NAMED.get(m.group(3), m.group())
    return _ENTITY.sub(one, text)


def check_well_formed(data: bytes, label: str) -> Any:
    """The lxml root of ``data``; a file that is not well-formed XML is refused, naming the line."""
    try:
        from lxml import etree
    except ImportError:
        raise ImportError("reading XLIFF and TMX needs lxml (a dependency of mtfix): pip install lxml") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        # The exception's own text ends in ", line N, column M"; the line goes in front instead.
        message = re.sub(r", line \d+, column \d+$", "", str(exc.msg)).strip()
        raise FormatError(f"{label}:{exc.lineno or 1}: {message}") from None


def local(element: Any) -> str:
    """Local name of an lxml element; "" for comments and processing instructions."""
    return element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""


def lxml_text(element: Any, whole: frozenset[str]) -> str:
    """The text lxml reads in ``element``, without the content of native-code elements in ``whole``
    (nor comments, processing instructions and entity references: tokens to the lexer)."""
    parts = [element.text or ""]
    for child in element:
        if local(child) and local(child) not in whole:
            parts.append(lxml_text(child, whole))
        parts.append(child.tail or "")
    return "".join(parts)


def cross_check(label: str, segments: list[Segment], expected: list[str]) -> None:
    """Refuse the file unless the lexer's segments hold the texts lxml reads (``expected``, in order)."""
    got = ["".join(run for run, is_token in split_tokens(s.text, s.tokens) if not is_token) for s in segments]
    got = [g.replace("\r\n", "\n").replace("\r", "\n") for g in got]
    expected = [e for e in expected if e.strip()]
    for k, (mine, theirs) in enumerate(zip(got, expected)):
        if mine != theirs:
            raise FormatError(f"{label}:{segments[k].line}: could not find this text where lxml reads it")
    if len(got) != len(expected):
        raise FormatError(f"{label}: found {len(got)} targets where lxml reads {len(expected)}")


def tags(text: str) -> Iterator[Tag]:
    """The markup of ``text`` in order (text between tags is left out)."""
    for m in _LEX.finditer(text):
        if m.group("name"):
            name = m.group("name").split(":")[-1]
            if m.group("close"):
                yield Tag("end", name, m.start(), m.end())
            else:
                yield Tag("empty" if m.group("empty") else "start", name, m.start(), m.end(),
                          m.start("attrs"), m.group("attrs"))
        elif m.group("cdata") is not None:
            yield Tag("cdata", "", m.start(), m.end(), cdata=(m.start("cdata"), m.end("cdata")))
        else:
            yield Tag("other", "", m.start(), m.end())


def escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def content(text: str, items: list[Tag], start: int, end: int, whole: frozenset[str]) -> tuple[Builder, list[str]]:
    """Plain text and pieces of the content ``text[start:end]`` whose markup is ``items``.

    Text runs are decoded (entities become characters); each tag stays as its raw markup, an atomic
    token; elements named in ``whole`` (native codes such as ``<ph>``) are one token with their content.
    """
    b = Builder()
    tokens: list[str] = []
    pos = start
    depth = 0  # inside a ``whole`` element
    token_start = 0
    for item in items:
        if depth == 0 and item.start > pos:
            _text_run(b, text, pos, item.start, tokens)
        if depth:
            if item.name in whole and item.kind == "start":
                depth += 1
            elif item.name in whole and item.kind == "end":
                depth -= 1
            if depth == 0:
                tokens.append(text[token_start:item.end])
                b.atomic(token_start, item.end, tokens[-1])
        elif item.kind == "start" and item.name in whole:
            depth, token_start = 1, item.start
        elif item.kind == "cdata" and item.cdata is not None:
            b.literal(item.cdata[0], text[item.cdata[0]:item.cdata[1]])
        else:
            tokens.append(text[item.start:item.end])
            b.atomic(item.start, item.end, tokens[-1])
        pos = item.end
    if pos < end:
        _text_run(b, text, pos, end, tokens)
    return b, tokens


def _text_run(b: Builder, text: str, start: int, end: int, tokens: list[str]) -> None:
    pos = start
    for m in _ENTITY.finditer(text, start, end):
        b.literal(pos, text[pos:m.start()])
        if m.group(3) and m.group(3) not in _NAMED:  # an entity the DTD defines: kept like a tag
            tokens.append(m.group())
            b.atomic(m.start(), m.end(), m.group())
        else:
            b.atomic(m.start(), m.end(), decode_entities(m.group()))
        pos = m.end()
    b.literal(pos, text[pos:end])


def xml_escaper(tokens: list[str]):  # type: ignore[no-untyped-def]
    """Plain text -> XML content: tokens kept as raw markup, the rest escaped."""
    def escape(plain: str) -> str:
        return "".join(run if is_token else escape_text(run) for run, is_token in split_tokens(plain, tokens))
    return escape


def set_attrs(tag: Tag, values: dict[str, str]) -> list[tuple[int, int, str]]:
    """Splices giving ``tag`` these attribute values: existing ones replaced, missing ones added."""
    out: list[tuple[int, int, str]] = []
    added = ""
    for name, value in values.items():
        span = tag.attr_span(name)
        if span is None:
            added += f' {name}="{value}"'
        elif tag.attr(name) != value:
            out.append((span[0], span[1], value))
    if added:
        at = tag.attrs_start + len(tag.attrs.rstrip())
        out.append((at, at, added))
    return out


def collision(plain: str, tokens: list[str]) -> bool:
    """True when a decoded text run reads like one of the tokens (``&lt;g&gt;``): it could not be told apart."""
    return any(plain.count(t) != tokens.count(t) for t in set(tokens))


__all__ = ["Tag", "check_well_formed", "collision", "content", "cross_check", "decode_entities", "escape_text",
           "local", "lxml_text", "set_attrs", "tags", "xml_escaper"]
