"""Correcting files: read as a stream of units, written atomically, resumable over many files.

A unit is a line (``--lines``) or a block of whole paragraphs; memory stays bounded by the block,
not the file. Output in ``text`` (and ``jsonl`` in line mode) is written as units are corrected;
the other views need a whole file and are rendered from the units joined back together.
"""
from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from mtfix.result import Progress, Result, join_results
from mtfix.text.textio import SNIFF, AtomicWriter, Encoding, InputError, iter_lines, label_of, sniff

LINE_CHUNK = 64  # lines corrected together in line mode
BLOCK_LINES = 200  # a document is cut into blocks of whole paragraphs of about this many lines...
BLOCK_CHARS = 50_000  # ...or characters; a block without a blank line is cut at 4x this, at a line end

Sink = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    """How inputs are read and rendered."""

    fmt: str = "text"  # a report format (mtfix.report.FORMATS)
    lines: bool = False  # line mode: each line is one unit, one output line per input line
    errors: str = "strict"  # undecodable bytes: strict, replace or keep (mtfix.text.textio.ERRORS)
    color: bool = False
    width: int | None = None
    files: Any = None  # mtfix.formats.FileOptions: how XLIFF, PO, ... inputs are read; None: all plain text
    source: str | None = None  # a plain-text input's source, line by line (with ``lines``); see mtfix.checks

    @property
    def streaming(self) -> bool:
        return self.fmt == "text" or (self.fmt == "jsonl" and self.lines)


def units(name: str, opts: Options) -> Iterator[tuple[str, str, str, int]]:
    """(label, text, ending, lines) of each unit of input ``name``."""
    label = label_of(name)
    if opts.lines:
        for number, body, ending in iter_lines(name, opts.errors):
            yield f"{label}:{number}", body, ending, 1
        return
    block: list[str] = []
    size = 0
    for _number, body, ending in iter_lines(name, opts.errors):
        block.append(body + ending)
        size += len(body) + len(ending)
        at_paragraph_end = not body.strip()
        if (at_paragraph_end and (len(block) >= BLOCK_LINES or size >= BLOCK_CHARS)) or size >= 4 * BLOCK_CHARS:
            yield label, "".join(block), "", len(block)
            block, size = [], 0
    if block:
        yield label, "".join(block), "", len(block)


def correct_input(corrector: Any, name: str, opts: Options, sink: Sink,
                  progress: Progress | None = None) -> Result | list[Result] | None:
    """Correct input ``name``: streamed to ``sink``, or returned whole for the views that need it.

    An input in a file format (``opts.files``) gives its repaired file in ``text`` format, else one
    result per segment.
    """
    if opts.files is not None:
        from mtfix import formats

        fmt = formats.format_of(name, opts.files)
        if fmt is not None:
            return formats.correct_input(corrector, name, fmt, opts.files, opts.errors, opts.fmt == "text",
                                         sink, progress)
    parts: list[Result] = []
    endings: list[str] = []
    chunk: list[tuple[str, str, str, int]] = []
    sources: list[str] = []
    stream = None
    if opts.source is not None:
        from mtfix.checks import Consistency

        check_aligned(name, opts.source, opts.errors)
        stream = Consistency()
    source_lines = iter_lines(opts.source, opts.errors) if opts.source is not None else None

    def flush() -> None:
        given = sources if source_lines is not None else None
        if opts.streaming:
            sink(correct_lines(corrector, chunk, opts.fmt, given, stream))
        else:
            parts.extend(_batch(corrector, chunk, given, stream))
            endings.extend(u[2] for u in chunk)
        if progress is not None:
            progress(sum(u[3] for u in chunk), 0)
        chunk.clear()
        sources.clear()

    for unit in units(name, opts):
        if source_lines is not None:
            sources.append(next(source_lines)[1])
        chunk.append(unit)
        if len(chunk) >= (LINE_CHUNK if opts.lines else 1):
            flush()
    if chunk:
        flush()
    if opts.streaming:
        return None
    signature = parts[0].signature if parts else corrector.signature
    return join_results(parts, endings, label_of(name), signature, per_part=opts.lines)


def check_aligned(name: str, source: str, errors: str = "strict") -> None:
    """Raise :class:`InputError` unless ``source`` has as many lines as input ``name`` (before anything is written)."""
    if name == "-" or source == "-":
        raise InputError("--source pairs two files line by line; give the input as a file, not stdin")
    n_input = sum(1 for _ in iter_lines(name, errors))
    n_source = sum(1 for _ in iter_lines(source, errors))
    if n_input != n_source:
        raise InputError(f"{label_of(name)} has {n_input} lines but its source {label_of(source)} has {n_source}; "
                         "they must be line-aligned (nothing was written)")


def _batch(corrector: Any, chunk: Sequence[tuple[str, str, str, int]], sources: Sequence[str] | None,
           stream: Any) -> list[Result]:
    texts, names = [u[1] for u in chunk], [u[0] for u in chunk]
    if sources is None:
        return list(corrector.correct_batch(texts, names))
    return list(corrector.correct_batch(texts, names, sources=list(sources), consistency=stream))


def correct_lines(corrector: Any, chunk: Sequence[tuple[str, str, str, int]], fmt: str,
                  sources: Sequence[str] | None = None, stream: Any = None) -> str:
    """A chunk of units corrected together, in a streaming format: ``text`` (with endings) or ``jsonl``.

    Shared by the local engine and the Ray workers, so both give the same bytes for the same chunk. With
    ``sources`` (one per unit), each unit is judged against its own, and ``stream`` (a
    :class:`mtfix.checks.Consistency`) compares it with the units before.
    """
    results = _batch(corrector, chunk, sources, stream)
    if fmt == "jsonl":
        from mtfix.report import render

        return render(results, "jsonl")
    return "".join(r.text + u[2] for r, u in zip(results, chunk))


def count_lines(names: Sequence[str]) -> int:
    """Lines in all inputs, for a progress bar's ETA; 0 (unknown) when stdin is among them."""
    if "-" in names:
        return 0
    total = 0
    for name in names:
        try:
            with open(name, "rb") as fh:
                data = b""
                for data in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    total += data.count(b"\n")
                total += bool(data) and not data.endswith(b"\n")
        except OSError:
            pass  # reported when the file is read
    return total


def file_encoding(name: str) -> Encoding:
    """The encoding file ``name`` starts with (to write it back the same way)."""
    with open(name, "rb") as fh:
        return sniff(fh.read(SNIFF), name)


class Batch:
    """Runs inputs through a corrector into one output, a folder of outputs, or back in place.

    Errors on one input are reported through ``on_error`` and the rest still run. A finished output
    is written atomically, so an interrupted batch leaves only whole files, and a rerun skips them.
    """

    def __init__(self, corrector: Any, opts: Options, on_error: Callable[[str], None],
                 progress: Progress | None = None, render: Callable[[list[Result]], str] | None = None):
        self.corrector = corrector
        self.opts = opts
        self.on_error = on_error
        self.progress = progress
        self.render = render or self._render
        self.failed = 0
        self.skipped = 0

    def _render(self, results: list[Result]) -> str:
        from mtfix.report import render

        return render(results, self.opts.fmt, color=self.opts.color, width=self.opts.width)

    def _one(self, name: str, sink: Sink) -> Result | list[Result] | None | bool:
        """Correct one input into ``sink``; False if it failed (reported)."""
        try:
            return correct_input(self.corrector, name, self.opts, sink, self.progress)
        except InputError as exc:
            self.on_error(str(exc))
            self.failed += 1
            return False

    def _begin(self, jobs: Sequence[tuple[str, Path | None]]) -> None:
        """Hook: the inputs about to be corrected, in order, each with its output file (None: a stream)."""

    def to_stream(self, names: Sequence[str], out: IO[str]) -> None:
        """All inputs into one stream (stdout), written as work proceeds."""
        self._begin([(name, None) for name in names])
        self._stream(names, out)

    def _stream(self, names: Sequence[str], out: IO[str]) -> None:
        def sink(text: str) -> None:
            out.write(text)
            out.flush()

        docs: list[Result] = []
        for name in names:
            doc = self._one(name, sink)
            docs += doc if isinstance(doc, list) else [doc] if isinstance(doc, Result) else []
        if not self.opts.streaming and (docs or self.failed < len(names)):  # every input failed: errors say it
            sink(self.render(docs))

    def to_file(self, names: Sequence[str], path: str) -> None:
        """All inputs into one file, which appears only once complete (and not at all if none could be read)."""
        self._begin([(name, Path(path)) for name in names])
        with AtomicWriter(path, self._kept_encoding(names), errors=self.opts.errors) as out:
            self._stream(names, out.stream)
            if self.failed < len(names):
                out.commit()

    def _kept_encoding(self, names: Sequence[str]) -> Encoding:
        """One translation or data file repaired into -o keeps its encoding and BOM (its XML declaration
        may name it); anything else is written as UTF-8."""
        if self.opts.fmt != "text" or self.opts.files is None or len(names) != 1 or not os.path.isfile(names[0]):
            return Encoding()
        from mtfix.formats import format_of

        try:
            return file_encoding(names[0]) if format_of(names[0], self.opts.files) else Encoding()
        except (InputError, OSError, ValueError):
            return Encoding()  # reported when the file is read

    def to_folder(self, names: Sequence[str], folder: str, overwrite: bool = False) -> None:
        """One output per input in ``folder``, named like it; finished outputs are not redone."""
        targets = [Path(folder) / Path(name).name for name in names]
        _refuse_collisions(names, targets)
        Path(folder).mkdir(parents=True, exist_ok=True)
        todo = [(name, target) for name, target in zip(names, targets) if overwrite or not target.exists()]
        self.skipped += len(names) - len(todo)
        self._begin(todo)
        for name, target in todo:
            for stale in target.parent.glob(f".{target.name}.*.tmp"):  # left by a killed run
                stale.unlink(missing_ok=True)
            self._write_one(name, target)

    def in_place(self, names: Sequence[str], suffix: str, overwrite: bool = False) -> None:
        """Correct each file in place, keeping the original as FILE+suffix; done files are not redone."""
        # A backup that differs from its file: corrected in an earlier run.
        todo = [name for name in names if overwrite or not Path(name + suffix).exists()
                or _same_bytes(Path(name + suffix), Path(name))]
        self.skipped += len(names) - len(todo)
        self._begin([(name, Path(name)) for name in todo])
        for name in todo:
            self._write_one(name, Path(name), Path(name + suffix))

    def _write_one(self, name: str, target: Path, backup: Path | None = None) -> None:
        try:
            encoding = file_encoding(name) if self.opts.fmt == "text" and os.path.isfile(name) else Encoding()
        except (InputError, OSError) as exc:
            self.on_error(str(exc) if isinstance(exc, InputError) else f"{name}: cannot read ({exc})")
            self.failed += 1
            return
        with AtomicWriter(target, encoding, self.opts.errors) as out:
            doc = self._one(name, out.write)
            if doc is False:
                return
            if isinstance(doc, (Result, list)):
                out.write(self.render(doc if isinstance(doc, list) else [doc]))
            if backup is not None and not backup.exists():
                _copy_atomic(Path(name), backup)
            out.commit()


def _refuse_collisions(names: Sequence[str], targets: Sequence[Path]) -> None:
    seen: dict[Path, str] = {}
    for name, target in zip(names, targets):
        if name == "-":
            raise InputError("stdin cannot be written to a folder; give file names")
        if target in seen:
            raise InputError(f"{seen[target]} and {name} would both be written to {target}")
        seen[target] = name


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _copy_atomic(src: Path, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name}.tmp")
    shutil.copy2(src, tmp)
    os.replace(tmp, dest)


class Checker:
    """A Corrector as the batch runner sees it, checking instead of correcting (``mtfix check``):
    ``Batch(Checker(corrector), ...)`` writes flags and quality estimates, and rewrites nothing."""

    def __init__(self, corrector: Any) -> None:
        self.corrector = corrector
        self.severities: set[str] = set()  # of the bilingual findings seen so far (for check --fail-on)

    @property
    def signature(self) -> Any:
        return self.corrector.check_signature

    @property
    def config(self) -> Any:
        return self.corrector.config

    def correct_batch(self, texts: list[str], names: list[str], *, sources: Any = None,
                      consistency: Any = True) -> list[Result]:
        return self.seen(self.corrector.check_batch(texts, names, sources=sources, consistency=consistency))

    def seen(self, results: list[Result]) -> list[Result]:
        """``results``, their findings' severities noted (the file-level ones arrive only at rendering)."""
        self.severities.update(f.severity for r in results for f in r.findings)
        return results

    def found(self, severity: str) -> bool:
        """Whether a finding of ``severity`` or worse (error > warning > info) was seen."""
        from mtfix.checks.finding import SEVERITIES

        return any(SEVERITIES.index(s) <= SEVERITIES.index(severity) for s in self.severities)


def report_error(message: str) -> None:
    print(f"mtfix: error: {message}", file=sys.stderr)
