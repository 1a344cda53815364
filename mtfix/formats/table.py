"""CSV and TSV: one column (``--column NAME`` with a header row, or ``--column NUMBER`` from 1, every row data).

Python's csv module reads the file and is the judge of each field's value; a scanner with the same
rules finds each field's offsets (csv keeps none, and writing rows back requotes fields), and
every value it decodes is checked against csv's. Only the fields that change are rewritten; a
field that gains a delimiter or quote gets quotes.

With ``source_column`` (named or numbered as ``column`` is), each segment's
:attr:`~mtfix.formats.base.Segment.source` is that column's value in the same row ("" for an empty
field, None for a row too short to have one).
"""
from __future__ import annotations

import csv
import io

from mtfix.formats.base import Builder, Document, FormatError, Lines, Segment

DELIMITERS = {"csv": ",", "tsv": "\t"}


def _scan(text: str, delim: str) -> list[list[tuple[int, int, bool]]]:
    """Rows of fields as (start, end, quoted), offsets of the raw field."""
    rows: list[list[tuple[int, int, bool]]] = []
    row: list[tuple[int, int, bool]] = []
    pos, n = 0, len(text)
    while pos < n:
        start = pos
        if not row and text[pos] in "\r\n":  # an empty line: csv reads it as a row without fields
            pos += 2 if text.startswith("\r\n", pos) else 1
            rows.append([])
            continue
        if text[pos] == '"':
            pos += 1
            while pos < n:
                if text[pos] == '"':
                    if pos + 1 < n and text[pos + 1] == '"':
                        pos += 2
                        continue
                    break
                pos += 1
            pos += 1  # the closing quote
            row.append((start, pos, True))
        else:
            while pos < n and text[pos] not in (delim, "\n", "\r"):
                pos += 1
            row.append((start, pos, False))
        if pos < n and text[pos] == delim:
            pos += 1
            if pos >= n or text[pos] in "\r\n":
                row.append((pos, pos, False))
            else:
                continue
        if pos < n and text[pos] == "\r":
            pos += 1
        if pos < n and text[pos] == "\n":
            pos += 1
        rows.append(row)
        row = []
    if row:
        rows.append(row)
    return rows


def _value(text: str, field: tuple[int, int, bool]) -> str:
    a, b, quoted = field
    return text[a + 1:b - 1].replace('""', '"') if quoted else text[a:b]


def _numbered(column: str) -> bool:
    """True for a column given by number (from 1: every row is data), False for a header name."""
    return column.isdigit() and int(column) >= 1


def _index(doc: Document, column: str, parsed: list[list[str]], what: str = "column") -> int:
    """Index of ``column`` in each row: its number less one, else its place in the header row."""
    if _numbered(column):
        return int(column) - 1
    header = parsed[0] if parsed else []
    if column not in header:
        raise FormatError(f"{doc.name}:1: no {what} {column!r}; the header has {', '.join(map(repr, header))}")
    return header.index(column)


def parse(doc: Document, data: bytes, column: str | None, delim: str, source_column: str | None = None) -> None:
    """Fill ``doc.segments`` with the fields of one column, and their sources from ``source_column`` if given."""
    kind = "TSV" if delim == "\t" else "CSV"
    if not column:
        raise FormatError(f"{doc.name}: a {kind} file needs --column NAME|NUMBER (the column of English text)")
    if source_column and _numbered(source_column) != _numbered(column):
        raise FormatError(f"{doc.name}: give the column ({column!r}) and the source column ({source_column!r}) "
                          "both as header names or both as numbers")
    reader = csv.reader(io.StringIO(doc.text, newline=""), delimiter=delim, strict=True)
    parsed: list[list[str]] = []
    try:
        parsed.extend(reader)
    except csv.Error as exc:
        raise FormatError(f"{doc.name}:{reader.line_num}: {exc}") from None
    rows = _scan(doc.text, delim)
    lines = Lines(doc.text)
    if [[_value(doc.text, f) for f in r] for r in rows] != parsed:
        raise FormatError(f"{doc.name}: could not find the fields where the csv module reads them")
    index, first = _index(doc, column, parsed), 0 if _numbered(column) else 1
    source = _index(doc, source_column, parsed, "source column") if source_column else None
    if source == index:
        raise FormatError(f"{doc.name}: the source column {source_column!r} is the column of English text")
    for number, row in enumerate(rows[first:], first + 1):
        if index >= len(row):
            continue
        a, b, quoted = row[index]
        builder = Builder()
        if quoted:
            pos = a + 1
            while pos < b - 1:
                nxt = doc.text.find('""', pos, b - 1)
                if nxt < 0:
                    break
                builder.literal(pos, doc.text[pos:nxt])
                builder.atomic(nxt, nxt + 2, '"')
                pos = nxt + 2
            builder.literal(pos, doc.text[pos:b - 1])
        else:
            builder.literal(a, doc.text[a:b])
        if not builder.text.strip():
            continue
        doc.segments.append(Segment(f"row {number}", lines(a), builder.text, tuple(builder.pieces), a, b,
                                    _escape_quoted if quoted else _plain, (), (),
                                    requote=None if quoted else _requote(delim), source=_source(doc.text, row, source)))


def _source(text: str, row: list[tuple[int, int, bool]], index: int | None) -> str | None:
    """The value of field ``index`` of ``row``; None without a source column or when the row is too short."""
    return _value(text, row[index]) if index is not None and index < len(row) else None


def _escape_quoted(plain: str) -> str:
    return plain.replace('"', '""')


def _plain(plain: str) -> str:
    return plain


def _requote(delim: str):  # type: ignore[no-untyped-def]
    def requote(new: str) -> str | None:
        if any(ch in new for ch in (delim, '"', "\n", "\r")):
            return '"' + new.replace('"', '""') + '"'
        return None
    return requote

