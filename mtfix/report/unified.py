"""The ``diff`` view: a unified diff of original vs corrected text, ready for ``patch``."""
from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from mtfix.report._common import ANSI, RESET, display_name
from mtfix.result import Result

# Lines end at "\n" only (what patch and git use); str.splitlines() would also break at
# "\r", "\x0c", U+2028 ... and produce a diff that does not apply.
_LINE = re.compile(r"[^\n]*\n|[^\n]+")
_NO_EOL = "\\ No newline at end of file\n"
_COLORS = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m"}


def _lines(text: str) -> list[str]:
    return _LINE.findall(text)


def _paint(line: str) -> str:
    body = line.rstrip("\r\n")
    end = line[len(body):]
    if line.startswith(("---", "+++")):
        code = ANSI["bold"]
    else:
        code = _COLORS.get(line[:1])
    return f"{code}{body}{RESET}{end}" if code else line


def _one(r: Result, color: bool) -> list[str]:
    if r.source == r.text:
        return []
    name = display_name(r)
    out: list[str] = []
    for line in difflib.unified_diff(_lines(r.source), _lines(r.text), f"a/{name}", f"b/{name}"):
        if not line.endswith("\n"):
            line += "\n" + _NO_EOL  # last line without a newline, GNU diff style
        out.append(line)
    if color:
        out = ["".join(_paint(part) for part in _lines(line)) for line in out]
    return out


def render_diff(results: Sequence[Result], *, color: bool = False, width: int | None = None) -> str:
    """Unified diff per changed result, ``--- a/NAME`` / ``+++ b/NAME``; "" if nothing changed."""
    return "".join(line for r in results for line in _one(r, color))
