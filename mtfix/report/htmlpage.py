"""The ``html`` view: one self-contained review page (inline CSS and script, no network).

The page shows each document's original and corrected text side by side, sentence by sentence,
and lets a post-editor accept or reject each edit (or a whole sentence, or every undecided edit
above a confidence threshold), edit a sentence by hand, undo, and export the reviewed text and a
JSON of the decisions. Decisions are kept in the browser's local storage across reloads.

The results are embedded as JSON (``Result.to_dict()``, escaped so that no ``</script>`` or
``<!--`` can end the block early) and rendered by ``assets/review.js``; the header (counts, model,
settings, and the source text a result was checked against) is static HTML. The findings of the bilingual
checks are marked on their target spans and listed under their sentence (or, without a target span,
under the document's heading) by review.js; with any, the header counts them and the toolbar gains a
"findings only" filter. Where sentences carry word scores of the learned quality head, review.js marks the
suspect words of each sentence without edits (dotted underline, P(BAD) on hover) and names them in its
notes; the header then counts them and the legend shows the mark. In the page, an edit is addressed by its
document's position in the page (``section[data-doc]``) and its position in ``Result.edits``
(``[data-e]``), both from 0.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from functools import cache
from html import escape
from importlib import resources
from typing import Any

from mtfix.config import LOW_QUALITY
from mtfix.report._common import counts, display_name, has_words, is_bilingual, plural, suspect_words
from mtfix.report.jsonio import _strict
from mtfix.result import Result, SentenceResult, Signature

# A sentence is flagged (marked for a closer look) when its rewrite was refused, when the model was
# unsure of its proposal (mean per-token probability below one half), or, once results carry them,
# when it has flagged spans or a quality estimate below one half. review.js applies the same rules.
LOW_SCORE = math.log(0.5)
CHUNK = 100  # sentences rendered together; chunks far from the viewport are rendered in idle time


@cache
def _asset(name: str) -> str:
    text = (resources.files("mtfix.report") / "assets" / name).read_text(encoding="utf-8")
    if "</script" in text.lower() or "<!--" in text:
        raise ValueError(f"asset {name} must not contain a closing script tag or a comment opener")
    return text


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` escaped, as are the
    line separators U+2028/U+2029 that some older JavaScript parsers choke on."""
    text = json.dumps(_strict(value), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def is_flagged(s: SentenceResult) -> bool:
    """The page's rule for marking a sentence (see :data:`LOW_SCORE`)."""
    flags = getattr(s, "flags", None)
    quality = getattr(s, "quality", None)
    return (s.status == "rejected" or (s.score is not None and s.score < LOW_SCORE) or bool(flags)
            or (quality is not None and quality < LOW_QUALITY))


def _signatures(results: Sequence[Result]) -> list[Signature]:
    seen: list[Signature] = []
    for r in results:
        if r.signature not in seen:
            seen.append(r.signature)
    return seen


def _settings(sig: Signature) -> str:
    return " · ".join(f"{escape(str(k))} <code>{escape(str(v))}</code>" for k, v in sig.decoding.items())


def _source_text(r: Result) -> str:
    """The source-language text ``r`` was checked against, under its heading; "" when there is none."""
    if r.source_text is None:
        return ""
    return (f'<div class="source-text"><span class="lbl">Source</span>'
            f'<div class="st">{escape(r.source_text)}</div></div>\n')


def _document(k: int, r: Result, bilingual: bool = False) -> str:
    """A document's section: heading, counts (findings too when ``bilingual``), source text, empty rows."""
    c = counts([r])
    flagged = sum(is_flagged(s) for s in r.sentences)
    n = len(r.findings)
    findings = f', <span data-findings>{n}</span> finding{"" if n == 1 else "s"}' if bilingual else ""
    return (f'<section class="doc" data-doc="{k}" data-name="{_attr(r.name)}" aria-label="{_attr(display_name(r))}">\n'
            f'<div class="doc-h"><h2>{escape(display_name(r))}</h2>\n'
            f'<p class="meta">{plural(c.sentences, "sentence")}, {c.changed} changed, '
            f'{plural(c.edits, "edit")}, <span data-flagged>{flagged}</span> flagged, {c.rejected} rejected'
            f'{findings}<br><span data-progress></span></p>\n'
            f'<div class="doc-actions" data-needs-js hidden>'
            f'<button type="button" data-act="dl-text" data-d="{k}" '
            f'title="Download the reviewed text: accepted edits and hand edits applied, layout kept">'
            f'Download reviewed text</button>'
            f'<button type="button" data-act="dl-json" data-d="{k}" title="Download every decision as JSON">'
            f'Decisions (JSON)</button></div></div>\n'
            f'{_source_text(r)}'
            '<div class="cols" aria-hidden="true"><div>#</div><div>Original</div><div>Corrected</div>'
            '<div></div></div>\n'
            '<div class="rows"></div>\n</section>')


# {filters}: _FILTERS on a page with findings, else nothing.
_TOOLBAR = """<div class="toolbar" role="toolbar" aria-label="Review" data-needs-js hidden>
<div class="grp"><label for="mtfix-threshold">Confidence ≥</label>
<input type="range" id="mtfix-threshold" min="0" max="1" step="0.01" value="0.80">
<output id="mtfix-threshold-value" for="mtfix-threshold">0.80</output>
<button type="button" class="primary" id="mtfix-accept"
 title="Accept every undecided edit at or above this confidence">Accept</button>
<button type="button" id="mtfix-reject-rest" title="Reject every undecided edit">Reject undecided</button></div>
<div class="grp"><button type="button" id="mtfix-prev" title="Previous change (p)">↑ Prev</button>
<button type="button" id="mtfix-next" title="Next change (n)">↓ Next</button>
<button type="button" id="mtfix-undo" title="Undo (u, Ctrl+Z)">Undo</button>
<button type="button" id="mtfix-redo" title="Redo (Shift+U, Ctrl+Y)">Redo</button>
<button type="button" id="mtfix-reset" title="Clear every decision and hand edit (undoable)">Clear all</button></div>
{filters}<div class="grp progress" id="mtfix-progress"></div>
<details class="keys"><summary>Keys <kbd>?</kbd></summary><div class="keylist">
<kbd>n</kbd><span>next change (also <kbd>j</kbd>)</span><kbd>p</kbd><span>previous change (also <kbd>k</kbd>)</span>
<kbd>a</kbd><span>accept the change, go to the next</span><kbd>r</kbd><span>reject the change, go to the next</span>
<kbd>A</kbd><span>accept the whole sentence</span><kbd>R</kbd><span>reject the whole sentence</span>
<kbd>e</kbd><span>edit the sentence by hand; <kbd>Ctrl+Enter</kbd> saves, <kbd>Esc</kbd> cancels</span>
<kbd>f</kbd><span>next flagged sentence (<kbd>F</kbd>: previous)</span>
<kbd>u</kbd><span>undo (<kbd>U</kbd>: redo); also <kbd>Ctrl+Z</kbd>, <kbd>Ctrl+Y</kbd></span>
<kbd>Esc</kbd><span>close the edit's panel</span></div></details>
</div>
<p class="meta" id="mtfix-status" hidden></p>"""
_FILTERS = ('<div class="grp" role="group" aria-label="Filter"><button type="button" id="mtfix-only-findings" '
            'aria-pressed="false" title="Show only the sentences with findings of the bilingual checks">'
            'Findings only</button></div>\n')

_LEGEND = ('<p class="legend"><span><del class="e st0">deleted</del> <ins class="e st0">inserted</ins> '
           'suggested (dashed: undecided)</span> '
           '<span><ins class="e st1">accepted</ins></span> <span><span class="e st2">rejected</span> '
           '(original kept)</span> <span><span class="caret">‸</span> insertion point</span> '
           '<span><mark class="flag">flagged words</mark></span> {suspect}'
           '<span>⚑ flagged sentence (left stripe)</span> <span>✎ edited by hand</span> '
           '{findings}<span>Undecided edits are left out of the export.</span></p>')
_LEGEND_SUSPECT = ('<span><mark class="suspect">suspect words</mark> of a sentence no edit touched '
                  '(P(BAD) on hover)</span> ')
_LEGEND_FINDINGS = ('<span><mark class="finding finding-error">finding</mark> of a check against the source '
                    '(solid: error, dashed: warning, dotted: info)</span> ')


def render_html(results: Sequence[Result], *, color: bool = False, width: int | None = None) -> str:
    """A complete, self-contained review page for ``results`` (``color``/``width`` are ignored)."""
    return page(results, [r.to_dict() for r in results])


def page(results: Sequence[Result], data: Sequence[dict[str, Any]]) -> str:
    """The page for ``results`` whose embedded data is ``data`` (their ``to_dict()``, possibly with
    fields the Python model does not have yet, such as per-sentence ``flags`` and ``quality``)."""
    c = counts(results)
    bilingual = is_bilingual(results)
    flagged = sum(is_flagged(s) for r in results for s in r.sentences)
    low = sum(s.score is not None and s.score < LOW_SCORE for r in results for s in r.sentences)
    title = "mtfix review"
    if len(results) == 1:
        title += " · " + display_name(results[0])
    stats = "".join(f"<div><dt>{label}</dt><dd{attr}>{n}</dd></div>" for label, n, attr in
                    (("Documents", c.documents, ""), ("Sentences", c.sentences, ""), ("Changed", c.changed, ""),
                     ("Edits", c.edits, ""), ("Flagged", flagged, ' id="mtfix-flagged"'),
                     ("Rejected", c.rejected, ""), ("Low score", low, ""))
                    + ((("Suspect words", sum(len(suspect_words(s)) for r in results for s in r.sentences), ""),)
                       if has_words(results) else ())
                    + ((("Findings", sum(len(r.findings) for r in results), ' id="mtfix-findings"'),)
                       if bilingual else ()))
    meta = "".join(f'<p class="meta">Model <code>{escape(sig.model)}</code> · revision '
                   f'<code>{escape(sig.revision)}</code> · mtfix {escape(sig.version)}'
                   + (f"<br>Settings: {_settings(sig)}" if sig.decoding else "")
                   + f'<br>Signature <code>{escape(sig.format())}</code></p>\n'
                   for sig in _signatures(results))
    payload: dict[str, Any] = {"schema": 1, "results": list(data),
               "settings": {"low_score": LOW_SCORE, "low_quality": LOW_QUALITY, "chunk": CHUNK}}
    data = _script_json(payload)
    payload["key"] = hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]
    data = _script_json(payload)
    docs = "\n".join(_document(k, r, bilingual) for k, r in enumerate(results))
    toolbar = _TOOLBAR.replace("{filters}", _FILTERS if bilingual else "", 1)
    legend = (_LEGEND.replace("{suspect}", _LEGEND_SUSPECT if has_words(results) else "", 1)
              .replace("{findings}", _LEGEND_FINDINGS if bilingual else "", 1))
    if not results:
        docs = '<p class="empty">No documents.</p>'
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="generator" content="mtfix">\n'
            f"<title>{escape(title)}</title>\n<style>{_asset('review.css')}</style>\n</head>\n<body>\n"
            f'<div class="page">\n<header>\n<h1>{escape(title)}</h1>\n<dl class="summary">{stats}</dl>\n'
            f"{meta}{legend}\n</header>\n{toolbar}\n"
            '<noscript><p class="noscript">This review page needs JavaScript to show the documents; '
            'the data is embedded in the page as JSON (<code>#mtfix-data</code>).</p></noscript>\n'
            f'<main id="mtfix-docs">\n{docs}\n</main>\n</div>\n'
            '<div class="pop" id="mtfix-pop" role="dialog" aria-label="Edit" hidden></div>\n'
            '<div class="sr" id="mtfix-live" aria-live="polite"></div>\n'
            f'<script type="application/json" id="mtfix-data">{data}</script>\n'
            f"<script>\n{_asset('review.js')}</script>\n</body>\n</html>\n")
