"""The ``side-by-side`` view: original | corrected in two columns, one block per sentence (terminal)."""
from __future__ import annotations

import shutil
from collections.abc import Sequence

from mtfix.checks.finding import Finding
from mtfix.report._common import (
    MARKERS,
    Cell,
    cells,
    cells_width,
    display_name,
    finding_note,
    indexed_edits,
    marked_kinds,
    marked_suspects,
    one_line,
    place_findings,
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
from mtfix.text.spans import WordScore

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


def _marked(text: str, base: int, findings: Sequence[Finding], suspects: Sequence[WordScore],
            color: bool) -> list[Cell]:
    """Unchanged original text, the parts in a finding's target span marked (``[!...!]`` without colour),
    and the suspect words (``[?...?]``)."""
    out: list[Cell] = []
    for part, kind in marked_kinds(text, base, findings, suspects):
        out += _styled(part, kind, color) if kind else cells(_display(part))
    return out


def _columns(s: SentenceResult, edits: list[tuple[int, Edit]], color: bool,
             findings: Sequence[Finding] = ()) -> tuple[list[Cell], list[Cell]]:
    """The original (left) and corrected (right) cells of ``s``. Findings' target spans are marked on the
    left where the text is unchanged; where they meet a deletion the edit's markup wins. Suspect words are
    marked on the left in a sentence without edits, where no flag or finding is."""
    left: list[Cell] = []
    right: list[Cell] = []
    suspects = marked_suspects(s, findings)
    pos = s.start
    for seg in segments(s.source, s.start, edits):
        if seg.kind == "equal":
            left += _marked(seg.text, pos, findings, suspects, color) if findings or suspects \
                else cells(_display(seg.text))
            right += cells(_display(seg.text))
        elif seg.kind == "delete":
            left += _styled(seg.text, "del", color)
        else:
            right += _styled(seg.text, "ins", color)
        if seg.kind != "insert":
            pos += len(seg.text)
    return left, right


def _finding_rows(findings: Sequence[Finding], width: int, color: bool) -> list[list[Cell]]:
    """``! number (error): ... → suggestion: ...`` per finding, wrapped to ``width`` with a hanging indent."""
    rows: list[list[Cell]] = []
    indent = 2 if width > 4 else 0  # a very narrow column gets no marker rather than overflow
    for f in findings:
        body = wrap_cells(cells(_display(finding_note(f)), "note"), width - indent)
        rows += [(cells("! "[:indent], "bold") if i == 0 else cells(" " * indent)) + part
                 for i, part in enumerate(body)]
    return rows


def _source_line(r: Result, width: int, color: bool) -> list[str]:
    """``source: ...`` (the source-language text, on one line and cut to ``width``) when ``r`` has one."""
    if r.source_text is None:
        return []
    text = truncate("source: " + " ".join(_display(one_line(r.source_text)).split()), width)
    return [style(text, "note", color)]


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
    lines = [row(blank_gutter, head_l, head_r), *_source_line(r, width, color),
             style("─" * gutter_w + "─" * lw + "─┼─" + "─" * rw, "dim", color)]
    per_sentence, rest = place_findings(r)
    prev_para: int | None = None
    for (s, edits), found in zip(indexed_edits(r), per_sentence):
        if prev_para is not None and s.paragraph != prev_para:
            lines.append(row(blank_gutter, [], []))  # paragraph break
        prev_para = s.paragraph
        left, right = _columns(s, edits, color, found)
        lrows = wrap_cells(left, lw) + _finding_rows(found, lw, color)
        rrows = wrap_cells(right, rw)
        if s.status == "rejected":
            note = f"(rejected: {s.reason})" if s.reason else "(rejected)"
            rrows += wrap_cells(cells(_display(note), "note"), rw)
        notes = sentence_notes(s)
        if notes:
            rrows += wrap_cells(cells(_display("(" + "; ".join(notes) + ")"), "note"), rw)
        mark = style("!", "bold", color) if s.status == "rejected" else \
            style("*", "bold", color) if s.changed else style("?", "bold", color) if notes or found else " "
        first = style(f"{s.index + 1:>{numw}}", "dim", color) + f" {mark} " if gutter_w else ""
        for i in range(max(len(lrows), len(rrows))):
            g = first if i == 0 else blank_gutter
            lines.append(row(g, lrows[i] if i < len(lrows) else [],
                             rrows[i] if i < len(rrows) else []))
    # Findings in no sentence (no target span): full width, under the whole document.
    lines += [(blank_gutter + render_cells(c, color)).rstrip()
              for c in _finding_rows(rest, max(width - gutter_w, 1), color)]
    return lines


def render_side_by_side(results: Sequence[Result], *, color: bool = False,
                        width: int | None = None) -> str:
    """Original on the left, corrected on the right, aligned by sentence, at most ``width`` columns.

    With a source text, a ``source:`` line under the heading; each finding of the bilingual checks is a
    ``! kind (severity): message → suggestion: ...`` note under its sentence's original (or, without a
    target span, under the document), and its span is marked in the original where no edit is shown. In a
    sentence without edits, the words the quality head finds suspect are marked ``[?...?]`` (ANSI: yellow
    underline) in the original and named in the sentence's note (``suspect: word (0.61)``)."""
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
