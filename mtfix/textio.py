"""Reading users' files and writing outputs without ever half-writing them."""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path


class InputError(Exception):
    """An input cannot be read as text; the message names the file and what is wrong."""


def read_text(name: str) -> str:
    """The text of file ``name`` (``-`` for stdin), decoded as UTF-8; newlines kept exactly."""
    if name == "-":
        data = sys.stdin.buffer.read()
        label = "<stdin>"
    else:
        path = Path(name)
        if path.is_dir():
            raise InputError(f"{name}: is a directory")
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputError(f"{name}: no such file") from None
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
        label = name
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{label}: not valid UTF-8 at byte {exc.start}") from None


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: readers see all or nothing."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
