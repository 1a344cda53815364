"""The ``side-by-side`` view: original | corrected in two columns, one block per sentence (terminal)."""
from __future__ import annotations

import shutil
from collections.abc import Sequence

from mtfix.report._common import (
    MARKERS,
    Cell,
    cells,
    cells_width,
    display_name,
    indexed_edits,
    render_cells,
    sanitize,
    segments,
    sentence_notes,
    style,
    summary_line,
    truncate,
    wrap_cells,
)
from mtfix.result import Result, SentenceResult
from mtfix.text.diff import Edit

SEP = " │ "
MIN_COLUMN = 8


def _display(text: str) -> str:
    # Inside a column every kind of whitespace is a plain space: rows are laid out by us.
    return "".join(" " if ch.isspace() else ch for ch in sanitize(text))


def _styled(text: str, kind: str, color: bool) -> list[Cell]:
    text = _display(text)
    if color:
        return cells(text, kind)
    left, right = MARKERS[kind]
    return cells(left) + cells(text) + cells(right)


def _columns(s: SentenceResult, edits: list[tuple[int, Edit]], color: bool) -> tuple[list[Cell], list[Cell]]:
    left: list[Cell] = []
    right: list[Cell] = []
    for seg in segments(s.source, s.start, edits):
        if seg.kind == "equal":
            left += cells(_display(seg.text))
            right += cells(_display(seg.text))
        elif seg.kind == "delete":
            left += _styled(seg.text, "del", color)
        else:
            right += _styled(seg.text, "ins", color)
    return left, right


def _pad(row: list[Cell], width: int, color: bool) -> str:
    return render_cells(row, color) + " " * max(width - cells_width(row), 0)


def _document(r: Result, width: int, color: bool) -> list[str]:
    numw = len(str(max(len(r.sentences), 1)))
    gutter_w = numw + 3  # number, space, mark, space
    avail = width - gutter_w - len(SEP)
    if avail < 2 * MIN_COLUMN:
        # Too narrow for a gutter: give its columns to the text rather than overflow.
        gutter_w, numw = 0, 0
        avail = width - len(SEP)
    lw = max(avail // 2, 1)
    rw = max(avail - lw, 1)

    def row(gutter: str, left: list[Cell], right: list[Cell]) -> str:
        return (gutter + _pad(left, lw, color) + SEP + render_cells(right, color)).rstrip()

    blank_gutter = " " * gutter_w
    head_l = cells(truncate(f"original · {_display(display_name(r))}", lw), "bold")
    head_r = cells(truncate("corrected", rw), "bold")
    lines = [row(blank_gutter, head_l, head_r),
             style("─" * gutter_w + "─" * lw + "─┼─" + "─" * rw, "dim", color)]
    prev_para: int | None = None
    for s, edits in indexed_edits(r):
        if prev_para is not None and s.paragraph != prev_para:
            lines.append(row(blank_gutter, [], []))  # paragraph break
        prev_para = s.paragraph
        left, right = _columns(s, edits, color)
        lrows = wrap_cells(left, lw)
        rrows = wrap_cells(right, rw)
        if s.status == "rejected":
            note = f"(rejected: {s.reason})" if s.reason else "(rejected)"
            rrows += wrap_cells(cells(_display(note), "note"), rw)
        notes = sentence_notes(s)
        if notes:
            rrows += wrap_cells(cells(_display("(" + "; ".join(notes) + ")"), "note"), rw)
        mark = style("!", "bold", color) if s.status == "rejected" else \
            style("*", "bold", color) if s.changed else style("?", "bold", color) if notes else " "
        first = style(f"{s.index + 1:>{numw}}", "dim", color) + f" {mark} " if gutter_w else ""
        for i in range(max(len(lrows), len(rrows))):
            g = first if i == 0 else blank_gutter
            lines.append(row(g, lrows[i] if i < len(lrows) else [],
                             rrows[i] if i < len(rrows) else []))
    return lines


def render_side_by_side(results: Sequence[Result], *, color: bool = False,
                        width: int | None = None) -> str:
    """Original on the left, corrected on the right, aligned by sentence, at most ``width`` columns."""
    if width is None:
        width = shutil.get_terminal_size().columns
    width = max(width, len(SEP) + 2)
    lines: list[str] = []
    for k, r in enumerate(results):
        if k:
            lines.append("")
        lines += _document(r, width, color)
    lines.append(style(truncate(summary_line(results), width), "dim", color))
    return "\n".join(lines) + "\n"
