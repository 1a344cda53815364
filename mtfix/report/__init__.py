"""Views of a correction result: plain text, terminal, JSON, unified diff and HTML.

Stdlib only, so that a saved result can be reviewed without torch or a model: may import result, text and
config, never the model, the pipeline or the engine.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from mtfix.report.flags import render_flags
from mtfix.report.htmlpage import render_html
from mtfix.report.inline import render_inline
from mtfix.report.jsonio import load_json, render_json, render_jsonl
from mtfix.report.side_by_side import render_side_by_side
from mtfix.report.text import render_text
from mtfix.report.unified import render_diff
from mtfix.result import Result

Renderer = Callable[..., str]

FORMATS = ("text", "json", "jsonl", "diff", "side-by-side", "html", "inline", "flags")

_RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "jsonl": render_jsonl,
    "diff": render_diff,
    "side-by-side": render_side_by_side,
    "html": render_html,
    "inline": render_inline,
    "flags": render_flags,
}


def render(results: Sequence[Result], fmt: str, *, color: bool = False, width: int | None = None) -> str:
    """Render ``results`` in format ``fmt`` (one of :data:`FORMATS`)."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}") from None
    return renderer(list(results), color=color, width=width)


__all__ = ["FORMATS", "load_json", "render", "render_diff", "render_flags", "render_html", "render_inline",
           "render_json", "render_jsonl", "render_side_by_side", "render_text"]
