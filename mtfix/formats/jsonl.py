"""JSON Lines: one string field of each object (``--field a.b`` for nested objects).

The json module reads each line and is the judge of its value; the string's offsets in the line
come from the same module's scanner (``json.decoder.scanstring`` and ``raw_decode``), so a changed
line keeps its key order, spacing and escapes and only the string's changed run is rewritten.

With ``source_field`` (a path as ``field`` is), each segment's :attr:`~mtfix.formats.base.Segment.source` is
that field's string in the same line, as json decodes it; None where the line lacks it or it is not a string.
"""
from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Any

from mtfix.formats.base import Builder, Document, FormatError, Segment

_WS = re.compile(r"[ \t\n\r]*")
_ESC = re.compile(r"\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)")


def _skip(line: str, pos: int) -> int:
    return _WS.match(line, pos).end()  # type: ignore[union-attr]


def _locate(line: str, path: list[str]) -> tuple[int, int] | None:
    """Offsets of the content (inside the quotes) of the string at ``path`` in a JSON ``line``."""
    decoder = json.JSONDecoder()
    pos = _skip(line, 0)
    for key in path:
        if pos >= len(line) or line[pos] != "{":
            return None
        pos = _skip(line, pos + 1)
        found = None
        while pos < len(line) and line[pos] != "}":
            name, pos = scanstring(line, pos + 1)
            pos = _skip(line, _skip(line, pos) + 1)  # past the colon
            if name == key:
                found = pos  # the last of duplicate keys wins, as in json.loads
            _value, pos = decoder.raw_decode(line, pos)
            pos = _skip(line, pos)
            if line[pos] == ",":
                pos = _skip(line, pos + 1)
        if found is None:
            return None
        pos = found
    if pos >= len(line) or line[pos] != '"':
        return None
    _value, end = scanstring(line, pos + 1)
    return pos + 1, end - 1


def _get(obj: Any, path: list[str]) -> Any:
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


def parse(doc: Document, data: bytes, field: str | None, source_field: str | None = None) -> None:
    """Fill ``doc.segments`` with the strings of field ``field`` of each line, and their sources from
    ``source_field`` if given (an error only when no line has that field)."""
    if not field:
        raise FormatError(f"{doc.name}: a JSONL file needs --field NAME (the field of English text; a.b for nested)")
    if source_field == field:
        raise FormatError(f"{doc.name}: the source field {source_field!r} is the field of English text")
    path = field.split(".")
    source_path = source_field.split(".") if source_field else None
    pos = 0
    present = 0
    sources_present = 0
    for number, line in enumerate(doc.text.split("\n"), 1):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError(f"{doc.name}:{number}: not JSON ({exc.msg} at column {exc.colno})") from None
        source = _get(obj, source_path) if source_path else None
        sources_present += source is not None
        value = _get(obj, path)
        if value is None:
            continue
        present += 1
        span = _locate(line, path) if isinstance(value, str) else None
        if span is None or not value.strip():
            continue
        a, b = span
        builder = Builder()
        at = a
        for m in _ESC.finditer(line, a, b):
            builder.literal(start + at, line[at:m.start()])
            builder.atomic(start + m.start(), start + m.end(), json.loads(f'"{m.group()}"'))
            at = m.end()
        builder.literal(start + at, line[at:b])
        if builder.text != value:
            raise FormatError(f"{doc.name}:{number}: could not find field {field!r} where json reads it")
        sid = str(obj["id"]) if isinstance(obj, dict) and isinstance(obj.get("id"), (str, int)) else f"line {number}"
        doc.segments.append(Segment(sid, number, builder.text, tuple(builder.pieces), start + a, start + b,
                                    _escaper(line), source=source if isinstance(source, str) else None))
    if not present and doc.text.strip():
        raise FormatError(f"{doc.name}: no line has a field {field!r}")
    if source_field and present and not sources_present:
        raise FormatError(f"{doc.name}: no line has a field {source_field!r}")


def _escaper(line: str):  # type: ignore[no-untyped-def]
    ascii_only = line.isascii()  # a file written with \\u escapes stays ASCII

    def escape(plain: str) -> str:
        return json.dumps(plain, ensure_ascii=ascii_only)[1:-1]
    return escape
