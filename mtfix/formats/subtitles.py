"""SubRip (.srt) and WebVTT (.vtt): each cue's text is one segment, its line breaks kept.

Hand-written: the formats are a few lines of grammar, and the libraries for them (pysrt,
webvtt-py) rebuild a file from their cue objects, which changes its spacing and timing notation.
Numbers, timings, cue settings, NOTE, STYLE and REGION blocks are never touched.
"""
from __future__ import annotations

import re

from mtfix.formats.base import Builder, Document, FormatError, Segment

_SRT_TIMING = re.compile(r"\s*\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->\s*\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}(?:\s.*)?$")
_VTT_TIMING = re.compile(r"\s*(?:\d+:)?\d{2}:\d{2}\.\d{3}[ \t]+-->[ \t]+(?:\d+:)?\d{2}:\d{2}\.\d{3}(?:[ \t].*)?$")


def _blocks(text: str) -> list[list[tuple[int, int, str]]]:
    """Blocks of (line number, offset, line without its ending) separated by blank lines."""
    blocks: list[list[tuple[int, int, str]]] = []
    block: list[tuple[int, int, str]] = []
    pos = 0
    for number, line in enumerate(text.split("\n"), 1):
        body = line[:-1] if line.endswith("\r") else line
        if body.strip():
            block.append((number, pos, body))
        elif block:
            blocks.append(block)
            block = []
        pos += len(line) + 1
    if block:
        blocks.append(block)
    return blocks


def _cue(doc: Document, sid: str, lines: list[tuple[int, int, str]]) -> None:
    if not lines:
        return  # a cue without text
    b = Builder()
    start = lines[0][1]
    end = lines[-1][1] + len(lines[-1][2])
    b.literal(start, doc.text[start:end])
    doc.segments.append(Segment(sid, lines[0][0], b.text, tuple(b.pieces), start, end))


def parse_srt(doc: Document, data: bytes, mark: bool) -> None:
    """Fill ``doc.segments`` with the cues of a SubRip file."""
    for block in _blocks(doc.text):
        number, _pos, first = block[0]
        if not first.strip().isdigit():
            raise FormatError(f"{doc.name}:{number}: expected a cue number, got {first.strip()[:40]!r}")
        if len(block) < 2 or not _SRT_TIMING.match(block[1][2]):
            line = block[1][0] if len(block) > 1 else number + 1
            raise FormatError(f"{doc.name}:{line}: expected a timing line like "
                              "'00:00:01,000 --> 00:00:04,000'")
        _cue(doc, first.strip(), block[2:])


def parse_vtt(doc: Document, data: bytes, mark: bool) -> None:
    """Fill ``doc.segments`` with the cues of a WebVTT file."""
    blocks = _blocks(doc.text)
    if not blocks or not re.match(r"WEBVTT(?:[ \t].*)?$", blocks[0][0][2]) or blocks[0][0][0] != 1:
        raise FormatError(f"{doc.name}:1: a WebVTT file must start with 'WEBVTT'")
    count = 0
    for block in blocks[1:]:
        number, _pos, first = block[0]
        if re.match(r"(?:NOTE|STYLE|REGION)(?:[ \t]|$)", first):
            continue
        timing = 0 if "-->" in first else 1
        if len(block) <= timing or not _VTT_TIMING.match(block[timing][2]):
            line = block[timing][0] if len(block) > timing else number + 1
            raise FormatError(f"{doc.name}:{line}: expected a timing line like '00:00:01.000 --> 00:00:04.000'")
        count += 1
        _cue(doc, first.strip() if timing else str(count), block[timing + 1:])
