"""The ``html`` view: one static, self-contained page (inline CSS, no script, no network).

Markup is deliberately regular so interactive review can be layered on later:
``section[data-doc]`` > ``tr.sent[data-sentence]`` > ``del``/``ins[data-edit]``, where
``data-edit`` is the edit's position in ``Result.edits`` and ``data-sentence`` is
``SentenceResult.index`` (both from 0; displayed numbers are from 1).
"""
from __future__ import annotations

from collections.abc import Sequence
from html import escape

from mtfix.diff import Edit
from mtfix.report._common import counts, display_name, indexed_edits, plural, segments
from mtfix.result import Result, SentenceResult, Signature

# Okabe-Ito derived orange (deleted) and blue (inserted) stay distinct under the common
# colour-vision deficiencies; strike-through and underline carry the meaning without colour.
# Keep this free of "//" and URLs: the page must not reference anything external.
_CSS = """
:root{color-scheme:light dark;--fg:#1a1a1a;--bg:#ffffff;--muted:#595959;--rule:#d6d6d6;
--head:#f4f4f4;--del-bg:#fde1c4;--del-fg:#6b3300;--ins-bg:#d3e6f8;--ins-fg:#003a6b;
--rej:#8b1a7a;--rej-bg:#fbeef9}
@media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--bg:#161616;--muted:#a6a6a6;
--rule:#3b3b3b;--head:#222222;--del-bg:#4d2a00;--del-fg:#ffd4a8;--ins-bg:#0a3457;
--ins-fg:#cfe5ff;--rej:#f2a7e6;--rej-bg:#2d1429}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.page{max-width:76rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}
h1{font-size:1.5rem;margin:0 0 .75rem}
h2{font-size:1.15rem;margin:2rem 0 .5rem;overflow-wrap:anywhere}
.summary{display:flex;flex-wrap:wrap;gap:.5rem 2rem;margin:0 0 .75rem;padding:0}
.summary div{display:flex;flex-direction:column}
.summary dt{font-size:.8rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.summary dd{margin:0;font-size:1.25rem;font-weight:600;font-variant-numeric:tabular-nums}
.meta{margin:.25rem 0;color:var(--muted);font-size:.9rem;overflow-wrap:anywhere}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875em}
.legend{font-size:.9rem;color:var(--muted)}
table{width:100%;border-collapse:collapse;table-layout:fixed}
th,td{vertical-align:top;text-align:left;padding:.4rem .6rem;border-bottom:1px solid var(--rule)}
thead th{background:var(--head);font-size:.85rem;text-transform:uppercase;letter-spacing:.04em}
th.num,td.num{width:3.75rem;text-align:right;color:var(--muted);font-variant-numeric:tabular-nums;
white-space:nowrap}
td.src,td.out{white-space:pre-wrap;overflow-wrap:anywhere}
tr.changed td.num{color:var(--fg);font-weight:600}
tr.rejected td{background:var(--rej-bg)}
del,ins{border-radius:2px;padding:0 1px}
del{background:var(--del-bg);color:var(--del-fg);text-decoration:line-through;
text-decoration-thickness:2px}
ins{background:var(--ins-bg);color:var(--ins-fg);text-decoration:underline;
text-decoration-thickness:2px;text-underline-offset:2px}
del[title],ins[title]{cursor:help}
.mark{display:inline-block;width:1em;text-align:center}
.note{display:block;margin-top:.25rem;color:var(--rej);font-size:.875em;white-space:normal}
details{margin-top:.25rem;font-size:.875em;white-space:normal}
summary{cursor:pointer;color:var(--muted)}
.proposal{white-space:pre-wrap}
tr.para td{padding:0;height:1.1rem;border-bottom:2px dashed var(--rule)}
.empty{color:var(--muted);font-style:italic}
"""


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _tooltip(e: Edit) -> str:
    if not e.original:
        change = f"+ “{e.replacement}”"
    elif not e.replacement:
        change = f"− “{e.original}”"
    else:
        change = f"“{e.original}” → “{e.replacement}”"
    return f"{e.kind} · {e.op} · confidence {e.confidence:.2f}: {change}"


def _edit_tag(tag: str, text: str, e: Edit, k: int, sentence: int) -> str:
    return (f'<{tag} data-edit="{k}" data-sentence="{sentence}" data-op="{_attr(e.op)}" '
            f'data-kind="{_attr(e.kind)}" data-confidence="{_attr(e.confidence)}" '
            f'title="{_attr(_tooltip(e))}">{escape(text)}</{tag}>')


def _cells(s: SentenceResult, edits: list[tuple[int, Edit]]) -> tuple[str, str]:
    src: list[str] = []
    out: list[str] = []
    for seg in segments(s.source, s.start, edits):
        if seg.kind == "equal":
            src.append(escape(seg.text))
            out.append(escape(seg.text))
        elif seg.kind == "delete":
            assert seg.edit is not None and seg.edit_index is not None
            src.append(_edit_tag("del", seg.text, seg.edit, seg.edit_index, s.index))
        else:
            assert seg.edit is not None and seg.edit_index is not None
            out.append(_edit_tag("ins", seg.text, seg.edit, seg.edit_index, s.index))
    if s.status == "rejected":
        reason = escape(s.reason) if s.reason else "no reason given"
        out.append(f'<span class="note">Rewrite rejected: {reason}</span>')
        if s.proposal:
            out.append(f'<details><summary>Model proposal</summary>'
                       f'<div class="proposal">{escape(s.proposal)}</div></details>')
    return "".join(src), "".join(out)


def _row(s: SentenceResult, edits: list[tuple[int, Edit]]) -> str:
    classes = ["sent", s.status]
    if s.changed:
        classes.append("changed")
    mark = "!" if s.status == "rejected" else "•" if s.changed else ""
    label = "rejected" if s.status == "rejected" else "changed" if s.changed else "unchanged"
    attrs = (f'class="{_attr(" ".join(classes))}" data-sentence="{s.index}" '
             f'data-paragraph="{s.paragraph}" data-start="{s.start}" data-end="{s.end}" '
             f'data-status="{_attr(s.status)}"')
    if s.reason:
        attrs += f' data-reason="{_attr(s.reason)}"'
    if s.score is not None:
        attrs += f' data-score="{_attr(s.score)}"'
    src, out = _cells(s, edits)
    return (f'<tr {attrs}><td class="num" title="{label}">{s.index + 1}'
            f'<span class="mark" aria-hidden="true">{mark}</span></td>'
            f'<td class="src">{src}</td><td class="out">{out}</td></tr>')


def _document(k: int, r: Result) -> str:
    rows: list[str] = []
    prev: int | None = None
    for s, edits in indexed_edits(r):
        if prev is not None and s.paragraph != prev:
            rows.append('<tr class="para" aria-label="paragraph break"><td colspan="3"></td></tr>')
        prev = s.paragraph
        rows.append(_row(s, edits))
    if not rows:
        rows.append('<tr><td></td><td class="empty" colspan="2">(empty document)</td></tr>')
    c = counts([r])
    return (f'<section class="doc" data-doc="{k}" data-name="{_attr(r.name)}">\n'
            f'<h2>{escape(display_name(r))}</h2>\n'
            f'<p class="meta">{plural(c.sentences, "sentence")}, {c.changed} changed, '
            f'{plural(c.edits, "edit")}, {c.rejected} rejected</p>\n'
            '<table>\n<thead><tr><th class="num" scope="col">#</th><th scope="col">Original</th>'
            '<th scope="col">Corrected</th></tr></thead>\n<tbody>\n'
            + "\n".join(rows) + "\n</tbody>\n</table>\n</section>")


def _signatures(results: Sequence[Result]) -> list[Signature]:
    seen: list[Signature] = []
    for r in results:
        if r.signature not in seen:
            seen.append(r.signature)
    return seen


def render_html(results: Sequence[Result], *, color: bool = False, width: int | None = None) -> str:
    """A complete HTML page: summary, then per document a sentence-aligned original/corrected table."""
    c = counts(results)
    title = "mtfix report"
    if len(results) == 1:
        title += " · " + display_name(results[0])
    stats = "".join(f"<div><dt>{label}</dt><dd>{n}</dd></div>" for label, n in
                    (("Documents", c.documents), ("Sentences", c.sentences), ("Changed", c.changed),
                     ("Edits", c.edits), ("Rejected", c.rejected)))
    meta = "".join(f'<p class="meta">Model <code>{escape(sig.model)}</code> · revision '
                   f'<code>{escape(sig.revision)}</code> · mtfix {escape(sig.version)}<br>'
                   f'Signature <code>{escape(sig.format())}</code></p>\n'
                   for sig in _signatures(results))
    legend = ('<p class="legend">Legend: <del>deleted</del> <ins>inserted</ins> · '
              '• changed sentence · ! rewrite rejected · hover a change for its kind, '
              'operation and confidence</p>')
    docs = "\n".join(_document(k, r) for k, r in enumerate(results))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="generator" content="mtfix">\n'
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            f'<div class="page">\n<header>\n<h1>mtfix report</h1>\n<dl class="summary">{stats}</dl>\n'
            f"{meta}{legend}\n</header>\n<main>\n{docs}\n</main>\n</div>\n</body>\n</html>\n")
