"""Reading users' files and writing outputs without ever losing or half-writing them.

Inputs are UTF-8 (a BOM is remembered and given back), or UTF-16 with a BOM. Undecodable bytes are
refused by default, naming the file and byte offset; ``errors="replace"`` swaps them for U+FFFD and
``errors="keep"`` carries them through untouched (as lone surrogates inside, bytes again outside).
Binary files are refused. Outputs go to a temporary file in the same folder, then a rename.
"""
from __future__ import annotations

import codecs
import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ERRORS = ("strict", "replace", "keep")  # what to do with bytes that are not valid UTF-8
_PY_ERRORS = {"strict": "strict", "replace": "replace", "keep": "surrogateescape"}
SNIFF = 8192  # bytes looked at to tell text from binary


class InputError(Exception):
    """An input cannot be read as text; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Encoding:
    """How a file was encoded, so that writing it back (``--in-place``) keeps it so."""

    name: str = "utf-8"  # "utf-8", "utf-16-le" or "utf-16-be"
    bom: bool = False  # the file started with a byte order mark

    def encode(self, text: str, errors: str = "strict") -> bytes:
        body = text.encode(self.name, _PY_ERRORS[errors] if self.name == "utf-8" else "strict")
        if not self.bom:
            return body
        return {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE,
                "utf-16-be": codecs.BOM_UTF16_BE}[self.name] + body


def label_of(name: str) -> str:
    return "<stdin>" if name == "-" else name


def sniff(head: bytes, label: str) -> Encoding:
    """The encoding a file starts with; refuses binary data."""
    if head.startswith(codecs.BOM_UTF8):
        return Encoding("utf-8", True)
    if head.startswith(codecs.BOM_UTF16_LE):
        return Encoding("utf-16-le", True)
    if head.startswith(codecs.BOM_UTF16_BE):
        return Encoding("utf-16-be", True)
    nul = head.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{label}: looks like a binary file (NUL byte at offset {nul}); "
                         "mtfix reads UTF-8 or UTF-16 text with a BOM")
    return Encoding()


def decode(data: bytes, label: str, errors: str = "strict") -> tuple[str, Encoding]:
    """The text of ``data`` (BOM removed) and its encoding; one clear error if it is not text."""
    if errors not in ERRORS:
        raise ValueError(f"errors must be one of {', '.join(ERRORS)}, not {errors!r}")
    enc = sniff(data[:SNIFF], label)
    body = data[len(codecs.BOM_UTF8 if enc.name == "utf-8" else codecs.BOM_UTF16_LE):] if enc.bom else data
    try:
        return body.decode(enc.name, _PY_ERRORS[errors] if enc.name == "utf-8" else "strict"), enc
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(data) - len(body))
        hint = " (use --errors replace or --errors keep)" if enc.name == "utf-8" else ""
        raise InputError(f"{label}: not valid {enc.name.upper()} at byte {offset}{hint}") from None


def read_bytes(name: str) -> bytes:
    """All bytes of file ``name`` (``-`` for stdin), with one clear error for what cannot be read."""
    stream = open_binary(name)
    if stream is sys.stdin.buffer:
        return stream.read()
    with stream:
        return stream.read()


def read_text(name: str, errors: str = "strict") -> str:
    """The text of file ``name`` (``-`` for stdin); newlines kept exactly, a BOM dropped."""
    return decode(read_bytes(name), label_of(name), errors)[0]


def read_lines(name: str | os.PathLike[str]) -> list[str]:
    """Lines of a text file without their terminators (a final newline ends the last line)."""
    lines = read_text(str(name)).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def open_binary(name: str) -> IO[bytes]:
    """``name`` opened for reading bytes (``-``: stdin), with one clear error if it cannot be."""
    if name == "-":
        return sys.stdin.buffer
    if os.path.isdir(name):
        raise InputError(f"{name}: is a directory")
    try:
        return open(name, "rb")
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None


def iter_lines(name: str, errors: str = "strict") -> Iterator[tuple[int, str, str]]:
    """(line number, content, line ending) of each line of ``name``, read as a stream.

    Memory stays bounded by the longest line. A BOM is dropped from the first line.
    """
    label = label_of(name)
    stream = open_binary(name)
    try:
        first = stream.peek(SNIFF)[:SNIFF] if hasattr(stream, "peek") else b""
        enc = sniff(first, label)
        if enc.name != "utf-8":  # UTF-16 lines are not byte lines: decode incrementally
            text = io.TextIOWrapper(stream, encoding="utf-16", newline="")
            for number, line in enumerate(text, 1):
                body = line.rstrip("\r\n")
                yield number, body, line[len(body):]
            return
        offset = 0
        for number, raw in enumerate(stream, 1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw, offset = raw[3:], 3
            nul = raw.find(b"\x00")
            if nul >= 0:
                raise InputError(f"{label}: looks like a binary file (NUL byte at offset {offset + nul})")
            try:
                line = raw.decode("utf-8", _PY_ERRORS[errors])
            except UnicodeDecodeError as exc:
                raise InputError(f"{label}: not valid UTF-8 at byte {offset + exc.start} (line {number}); "
                                 "use --errors replace or --errors keep") from None
            offset += len(raw)
            body = line.rstrip("\r\n")
            yield number, body, line[len(body):]
    except UnicodeDecodeError as exc:  # from the UTF-16 reader
        raise InputError(f"{label}: not valid UTF-16 ({exc.reason})") from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


class AtomicWriter:
    """A text file that appears at ``path`` only when :meth:`commit` is called; never half-written.

    Use as a context manager: leaving the block without committing (an error, Ctrl-C) removes the
    temporary file and leaves whatever was at ``path`` untouched.
    """

    def __init__(self, path: str | os.PathLike[str], encoding: Encoding = Encoding(), errors: str = "strict"):
        self.path = Path(path)
        self.encoding = encoding
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent or ".")
        self.tmp = Path(tmp)
        os.chmod(fd, _mode_for(self.path))  # mkstemp makes 0600; the output should look like any other file
        self._raw = os.fdopen(fd, "wb")
        if encoding.bom:
            self._raw.write(encoding.encode(""))
        self.stream: IO[str] = io.TextIOWrapper(self._raw, encoding=encoding.name, newline="",
                                                errors=_PY_ERRORS[errors] if encoding.name == "utf-8" else "strict")

    def write(self, text: str) -> None:
        self.stream.write(text)

    def commit(self) -> None:
        self.stream.flush()
        os.fsync(self._raw.fileno())
        self.stream.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self.stream.close()
        with contextlib.suppress(OSError):
            self.tmp.unlink()

    def __enter__(self) -> AtomicWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.stream.closed:
            self.abort()


def _mode_for(path: Path) -> int:
    """The permissions an output gets: those of the file it replaces, else the umask's default."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: str | os.PathLike[str], text: str, encoding: Encoding = Encoding(),
                 errors: str = "strict") -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: readers see all or nothing."""
    with AtomicWriter(path, encoding, errors) as out:
        out.write(text)
        out.commit()
