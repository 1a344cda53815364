"""Repairing the English inside translation and data files: XLIFF, PO, TMX, SRT, WebVTT, CSV/TSV, JSONL.

    from mtfix.formats import correct_file
    fixed = correct_file("app.xlf", output="app.fixed.xlf")
    print(fixed.changed, "segments repaired")

Each format finds its English target texts (:class:`~mtfix.formats.base.Segment`); each is corrected
as one document; inline tags and placeholders must come back in the same order, or that sentence is
kept and flagged; the repairs are spliced into the original text, so nothing else changes, and a file
without repairs comes back byte for byte. Changed segments are marked where the format has a place
for it (XLIFF state, PO fuzzy flag, a TMX prop), unless ``mark_changes=False``.

Where a file holds the source of each segment (XLIFF ``<source>``, PO ``msgid``, the other ``<tuv>`` of a TMX
unit, ``source_column``/``source_field`` of CSV/TSV/JSONL), each segment is corrected against it (see
:meth:`mtfix.pipeline.Corrector.correct_batch`) and the file's segments are compared for consistency.

The I/O stage for files: may import text, result and config, the rules stage's source checks
(:mod:`mtfix.rules.source`), and the pipeline (a default Corrector) only inside :func:`correct_file`; never
the engine, evaluation or the CLI.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtfix.formats.base import (
    KEPT_REASON,
    SOFT_REASON,
    SUBTITLE_CODE,
    Document,
    FormatError,
    Segment,
    layout,
    segment_splices,
    soften,
    splice,
)
from mtfix.result import Progress, Result, SentenceResult
from mtfix.text.diff import apply_edits
from mtfix.text.textio import Encoding, InputError, decode, label_of, read_bytes, write_atomic

FORMATS = ("xliff", "po", "tmx", "srt", "vtt", "csv", "tsv", "jsonl")
SUFFIXES = {".xlf": "xliff", ".xliff": "xliff", ".sdlxliff": "xliff", ".mxliff": "xliff", ".po": "po", ".tmx": "tmx",
            ".srt": "srt", ".vtt": "vtt", ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl"}
XML_FORMATS = ("xliff", "tmx")
CHUNK = 64  # segments corrected together between progress reports



@dataclass(frozen=True)
class FileOptions:
    """How files in a translation or data format are read and marked."""

    input_format: str | None = None  # one of FORMATS, or "text"; None: from the file name's suffix
    column: str | None = None  # CSV/TSV: header name, or column number from 1
    field: str | None = None  # JSONL: field name, a.b for nested objects
    mark_changes: bool = True  # mark changed segments where the format has a place for it
    source_column: str | None = None  # CSV/TSV: the column of the source text (as ``column``)
    source_field: str | None = None  # JSONL: the field of the source text (as ``field``)


@dataclass(frozen=True)
class FileResult:
    """A repaired file: its new text and one result per segment."""

    name: str
    format: str
    source: str  # the file's text as read (BOM removed)
    text: str  # the repaired file's text
    encoding: Encoding
    results: tuple[Result, ...]

    @property
    def changed(self) -> int:
        """Segments whose text changed."""
        return sum(r.text != r.source for r in self.results)


def format_of(name: str, options: FileOptions = FileOptions()) -> str | None:
    """The format of input ``name``: ``options.input_format``, else its suffix; None for plain text."""
    if options.input_format == "text":  # plain text whatever the name says
        return None
    if options.input_format:
        if options.input_format not in FORMATS:
            raise ValueError(f"unknown input format {options.input_format!r}; choose from {', '.join(FORMATS)}")
        return options.input_format
    return SUFFIXES.get(Path(name).suffix.lower())


def read(name: str, fmt: str | None = None, options: FileOptions = FileOptions(),
         errors: str = "strict") -> tuple[Document, Encoding]:
    """Read file ``name`` (``-``: stdin) and find its segments; :class:`FormatError` names the line of a fault."""
    fmt = fmt or format_of(name, options)
    if fmt is None:
        raise ValueError(f"{name}: unknown file format; give input_format (one of {', '.join(FORMATS)})")
    label = label_of(name)
    data = read_bytes(name)
    text, encoding = decode(data, label, errors)
    doc = Document(label, fmt, text)
    if fmt == "xliff":
        from mtfix.formats import xliff
        xliff.parse(doc, data, options.mark_changes)
    elif fmt == "tmx":
        from mtfix.formats import tmx
        tmx.parse(doc, data, options.mark_changes)
    elif fmt == "po":
        from mtfix.formats import po
        po.parse(doc, data, options.mark_changes)
    elif fmt in ("srt", "vtt"):
        from mtfix.formats import subtitles
        (subtitles.parse_srt if fmt == "srt" else subtitles.parse_vtt)(doc, data, options.mark_changes)
    elif fmt in ("csv", "tsv"):
        from mtfix.formats import table
        table.parse(doc, data, options.column, table.DELIMITERS[fmt], options.source_column)
    else:
        from mtfix.formats import jsonl
        jsonl.parse(doc, data, options.field, options.source_field)
    doc.segments = [soften(s) for s in doc.segments]
    return doc, encoding


def correct_document(corrector: Any, doc: Document, encoding: Encoding | None = None,
                     options: FileOptions = FileOptions(), progress: Progress | None = None) -> FileResult:
    """Correct every segment of ``doc`` and splice the repairs into its text."""
    encoding = encoding or Encoding()
    extra = SUBTITLE_CODE if doc.format in ("srt", "vtt") else None
    live = [s for s in doc.segments if not s.skip]
    corrected: dict[int, Result] = {}
    done_line = 0
    for start in range(0, len(live), CHUNK):
        chunk = live[start:start + CHUNK]
        results = _correct_chunk(corrector, chunk, [_name(doc, s) for s in chunk])
        for seg, result in zip(chunk, results):
            corrected[id(seg)] = keep_codes(result, seg.tokens, extra, seg.soft)
        if progress is not None:
            progress(chunk[-1].line - done_line, 0)
            done_line = chunk[-1].line
    if progress is not None:  # the lines after the last segment, so that the bar ends at the file's end
        progress(max(0, doc.text.count("\n") + (not doc.text.endswith("\n")) - done_line), 0)
    signature = corrector.signature if doc.segments and len(corrected) < len(doc.segments) else None
    results_out = [corrected.get(id(seg)) or _skipped(doc, seg, signature) for seg in doc.segments]
    results_out = _consistent(corrector, results_out)
    splices = []
    for seg, result in zip(doc.segments, results_out):
        if result.text != seg.text:
            splices += segment_splices(seg, result.text, result.edits)
            if options.mark_changes:
                splices += seg.marks
    text = splice(doc.text, splices)
    if text != doc.text and doc.format in XML_FORMATS:
        from mtfix.formats.xml import check_well_formed

        try:
            check_well_formed(encoding.encode(text, "keep"), doc.name)
        except FormatError as exc:
            raise FormatError(f"{doc.name}: the repaired file would not be well-formed ({exc}); "
                              "nothing was written") from None
    return FileResult(doc.name, doc.format, doc.text, text, encoding, tuple(results_out))


def _correct_chunk(corrector: Any, chunk: Sequence[Segment], names: list[str]) -> list[Result]:
    """The chunk's results; where the file gives sources, judged against them (consistency comes after, over
    the whole file)."""
    texts = [s.text for s in chunk]
    if all(s.source is None for s in chunk):
        return list(corrector.correct_batch(texts, names))
    return list(corrector.correct_batch(texts, names, sources=[s.source for s in chunk], consistency=False))


def _consistent(corrector: Any, results: list[Result]) -> list[Result]:
    """``results`` with the file-level ``inconsistent`` findings of the segments that have a source."""
    config = getattr(corrector, "config", None)
    if config is None or "inconsistent" not in config.checks:
        return results
    keep = [i for i, r in enumerate(results) if r.source_text is not None]
    if len(keep) < 2:
        return results
    from mtfix.rules.source import add_consistency

    out = list(results)
    for i, r in zip(keep, add_consistency([results[i] for i in keep])):
        out[i] = r
    return out


def keep_codes(result: Result, tokens: Sequence[str] = (), extra: Any = None, soft: Sequence[int] = ()) -> Result:
    """``result`` with each rewritten sentence put back as it was and marked rejected when it lost,
    added, reordered or emptied an inline tag or placeholder (:data:`KEPT_REASON`, see
    :func:`~mtfix.formats.base.layout`) or edits across a line break shown as a space (:data:`SOFT_REASON`)."""
    sentences = []
    for s in result.sentences:
        reason = ""
        if s.status == "rewritten" and layout(s.source, tokens, extra) != layout(s.output, tokens, extra):
            reason = KEPT_REASON
        elif s.status == "rewritten" and any(e.start <= p < e.end for e in s.edits for p in soft):
            reason = SOFT_REASON
        if reason:
            s = dataclasses.replace(s, output=s.source, status="rejected", reason=reason, edits=())
        sentences.append(s)
    if sentences == list(result.sentences):
        return result
    text = apply_edits(result.source, [e for s in sentences for e in s.edits])
    return dataclasses.replace(result, text=text, sentences=tuple(sentences))


def _name(doc: Document, seg: Segment) -> str:
    return f"{doc.name}:{seg.line}#{seg.id}"


def _skipped(doc: Document, seg: Segment, signature: Any) -> Result:
    sentence = SentenceResult(0, 0, 0, len(seg.text), seg.text, seg.text, "rejected", seg.skip)
    return Result(seg.text, seg.text, (sentence,), signature, _name(doc, seg))


def correct_input(corrector: Any, name: str, fmt: str, options: FileOptions, errors: str, as_file: bool,
                  sink: Callable[[str], None], progress: Progress | None = None) -> list[Result] | None:
    """For :mod:`mtfix.engine.batch`: the repaired file to ``sink`` (``as_file``), else the segments' results."""
    try:
        doc, encoding = read(name, fmt, options, errors)
    except ImportError as exc:
        raise InputError(f"{label_of(name)}: {exc}") from None
    fixed = correct_document(corrector, doc, encoding, options, progress)
    if as_file:
        sink(fixed.text)
        return None
    return list(fixed.results)


def correct_file(path: str, corrector: Any = None, *, output: str | None = None, input_format: str | None = None,
                 column: str | None = None, field: str | None = None, mark_changes: bool = True,
                 errors: str = "strict", source_column: str | None = None,
                 source_field: str | None = None) -> FileResult:
    """Repair the English in file ``path``; written (atomically, in its encoding) to ``output`` if given.

    ``corrector`` defaults to ``Corrector()`` (the default model). Where the file carries the source (XLIFF,
    PO, TMX; CSV/TSV with ``source_column``, JSONL with ``source_field``) each segment is judged against it
    (``Result.findings``; see :mod:`mtfix.checks`). Raises :class:`FormatError` (an
    :class:`~mtfix.text.textio.InputError`) naming the line when the file is malformed.
    """
    if corrector is None:
        from mtfix.pipeline import Corrector

        corrector = Corrector()
    options = FileOptions(input_format, column, field, mark_changes, source_column, source_field)
    doc, encoding = read(path, None, options, errors)
    fixed = correct_document(corrector, doc, encoding, options)
    if output is not None:
        write_atomic(output, fixed.text, encoding, errors)
    return fixed


__all__ = ["FORMATS", "SUFFIXES", "FileOptions", "FileResult", "FormatError", "Segment", "correct_document",
           "correct_file", "format_of", "keep_codes", "read"]
