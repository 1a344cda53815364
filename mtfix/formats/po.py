"""Gettext PO: ``msgstr`` and each ``msgstr[n]`` plural form; the header and obsolete ``#~`` entries are left alone.

polib parses the file and is the judge of what each entry says; a line scanner finds the same
strings' exact offsets (polib keeps none, and writing its entries back rewraps lines and reorders
flags), and every string the scanner decodes is checked against polib's.

Each segment's :attr:`~mtfix.formats.base.Segment.source` is the decoded ``msgid`` (for ``msgstr`` and
``msgstr[0]``) or ``msgid_plural`` (for ``msgstr[n]``, n >= 1), as polib reads them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mtfix.formats.base import Builder, Document, FormatError, Lines, Segment, Splice

_KEYWORD = re.compile(r'[ \t]*(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]+"((?:[^"\\\n]|\\.)*)"[ \t]*\r?$')
_CONTINUATION = re.compile(r'[ \t]*"((?:[^"\\\n]|\\.)*)"[ \t]*\r?$')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


@dataclass
class _Entry:
    line: int
    obsolete: bool = False
    flags: tuple[int, int] | None = None  # offsets of the text of a "#," line, after "#,"
    insert_at: int = -1  # where a new "#, fuzzy" line goes
    eol: str = "\n"
    strings: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)  # key -> (line, start, end)
    order: list[str] = field(default_factory=list)

    def value(self, text: str, key: str) -> str:
        return "".join(_unescape(text[a:b]) for _line, a, b in self.strings.get(key, []))


def _unescape(raw: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group()), raw)


def escape(plain: str) -> str:
    """Plain text -> the inside of a PO string."""
    return (plain.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
            .replace("\r", "\\r"))


def parse(doc: Document, data: bytes, mark: bool) -> None:
    """Fill ``doc.segments`` with the translations of a PO file."""
    po = _polib_file(doc)
    language = po.metadata.get("Language", "").strip()
    if language and language.lower().replace("_", "-").split("-")[0] != "en":
        line = doc.text.count("\n", 0, max(0, doc.text.find("Language:"))) + 1
        raise FormatError(f"{doc.name}:{line}: the language is {language!r}, not English; "
                          "mtfix repairs English translations")
    polib_entries = [e for e in po if not e.obsolete]
    entries = _scan(doc)
    # polib keeps the header (msgid "" without a context) apart from the entries.
    live = [e for e in entries if not e.obsolete and (e.value(doc.text, "msgid") or "msgctxt" in e.strings)]
    if len(live) != len(polib_entries):
        raise FormatError(f"{doc.name}: found {len(live)} entries where polib reads {len(polib_entries)}")
    lines = Lines(doc.text)
    for entry, pe in zip(live, polib_entries):
        msgid = entry.value(doc.text, "msgid")
        if msgid != pe.msgid:
            raise FormatError(f"{doc.name}:{entry.line}: could not read this entry as polib does")
        ctxt = entry.value(doc.text, "msgctxt") if "msgctxt" in entry.strings else None
        marks = _fuzzy(doc.text, entry) if mark else ()
        expected = ({f"msgstr[{n}]": v for n, v in pe.msgstr_plural.items()} if pe.msgid_plural
                    else {"msgstr": pe.msgstr})
        for key in entry.order:
            if not key.startswith("msgstr"):
                continue
            if entry.value(doc.text, key) != expected.get(key):
                raise FormatError(f"{doc.name}:{entry.line}: could not read this entry as polib does")
            parts = entry.strings[key]
            b = Builder()
            for _line, a, z in parts:
                pos = a
                for m in _ESCAPE.finditer(doc.text, a, z):
                    b.literal(pos, doc.text[pos:m.start()])
                    b.atomic(m.start(), m.end(), _ESCAPES.get(m.group(1), m.group()))
                    pos = m.end()
                b.literal(pos, doc.text[pos:z])
            if not b.text.strip():
                continue  # untranslated
            sid = _short(msgid if ctxt is None else f"{ctxt}|{msgid}")
            if key != "msgstr":
                sid += key[len("msgstr"):]
            doc.segments.append(Segment(sid, lines(parts[0][1]), b.text, tuple(b.pieces), parts[0][1], parts[-1][2],
                                        escape, (), marks, source=_source(pe, key)))


def _source(pe: Any, key: str) -> str:
    """The source text that the string ``key`` (``msgstr`` or ``msgstr[n]``) of polib entry ``pe`` translates."""
    plural = key.startswith("msgstr[") and key != "msgstr[0]"
    return str(pe.msgid_plural if plural and pe.msgid_plural else pe.msgid)


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _fuzzy(text: str, entry: _Entry) -> tuple[Splice, ...]:
    if entry.flags is not None:
        a, b = entry.flags
        if "fuzzy" in [f.strip() for f in text[a:b].split(",")]:
            return ()
        return ((a, a, " fuzzy,"),)
    return ((entry.insert_at, entry.insert_at, "#, fuzzy" + entry.eol),)


def _polib_file(doc: Document) -> Any:
    try:
        import polib
    except ImportError:
        raise ImportError("reading PO files needs polib (a dependency of mtfix): pip install polib") from None
    try:
        po = polib.pofile(doc.text if "\n" in doc.text else doc.text + "\n", wrapwidth=0)
    except (OSError, ValueError) as exc:
        message = str(exc)
        m = re.search(r"\(line (\d+)\)", message)
        line = m.group(1) if m else "1"
        message = re.sub(r" *[(]line \d+[)]", "", message)
        raise FormatError(f"{doc.name}:{line}: {message}") from None
    return po


def _scan(doc: Document) -> list[_Entry]:
    text = doc.text
    entries: list[_Entry] = []
    current: _Entry | None = None
    key = ""
    pos = 0
    for number, line in enumerate(text.split("\n"), 1):
        start, pos = pos, pos + len(line) + 1
        stripped = line.strip()
        if not stripped:
            current, key = None, ""
            continue
        if current is None or (current.order and current.order[-1].startswith("msgstr")
                               and (stripped.startswith("#") or _KEYWORD.match(line) and not
                                    _KEYWORD.match(line).group(1).startswith("msgstr"))):  # type: ignore[union-attr]
            current, key = _Entry(number), ""
            entries.append(current)
        if stripped.startswith("#~"):
            current.obsolete = True
            continue
        if stripped.startswith("#"):
            if stripped.startswith("#,") and current.flags is None:
                at = start + line.index("#,") + 2
                current.flags = (at, start + len(line.rstrip("\r")))
            elif stripped.startswith("#|") and current.insert_at < 0:
                current.insert_at, current.eol = start, "\r\n" if line.endswith("\r") else "\n"
            continue
        m = _KEYWORD.match(line)
        if m:
            key = m.group(1)
            if current.insert_at < 0:
                current.insert_at, current.eol = start, "\r\n" if line.endswith("\r") else "\n"
            current.order.append(key)
            current.strings.setdefault(key, []).append((number, start + m.start(3), start + m.end(3)))
            continue
        m = _CONTINUATION.match(line)
        if m and key:
            current.strings[key].append((number, start + m.start(1), start + m.end(1)))
            continue
        raise FormatError(f"{doc.name}:{number}: not a PO line: {stripped[:40]!r}")
    return entries
