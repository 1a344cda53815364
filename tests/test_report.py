"""Tests for the reporters (mtfix.report). Results are built by hand: no model, no diff()."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field, replace

import pytest

from mtfix.report import FORMATS, load_json, render
from mtfix.result import Result, SentenceResult, Signature
from mtfix.text.diff import Edit

SIG = Signature("0.1.0", "HuggingFaceTB/SmolLM2-135M-Instruct+prompt", "abc1234",
                {"strategy": "greedy", "max_new_tokens": 64})
ESC = "\x1b"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# --- building Results by hand ----------------------------------------------------------------

@dataclass
class S:
    """A sentence spec: its text, changes as (rel_start, old, new, kind, conf), status."""

    text: str
    changes: list[tuple[int, str, str, str, float]] = field(default_factory=list)
    paragraph: int = 0
    status: str | None = None  # default: "rewritten" when changed else "unchanged"
    reason: str = ""
    proposal: str = ""


def ch(text: str, old: str, new: str, kind: str = "other", *, at: int | None = None,
       conf: float = 0.9) -> tuple[int, str, str, str, float]:
    """A change of ``old`` (found in ``text`` unless ``at`` is given) into ``new``."""
    start = text.index(old) if at is None else at
    assert text[start:start + len(old)] == old
    return (start, old, new, kind, conf)


def _apply(text: str, edits: list[Edit], base: int) -> str:
    out, pos = [], base
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out += [text[pos - base:e.start - base], e.replacement]
        pos = e.end
    return "".join(out) + text[pos - base:]


def build(specs: list[S], name: str = "doc.txt", end: str = "\n") -> Result:
    """A Result from sentence specs; sentences joined by " " or, across paragraphs, by a blank line."""
    source, text, sentences = "", "", []
    for i, sp in enumerate(specs):
        if i:
            gap = " " if sp.paragraph == specs[i - 1].paragraph else "\n\n"
            source += gap
            text += gap
        start = len(source)
        edits = []
        for rel, old, new, kind, conf in sp.changes:
            op = "insert" if not old else "delete" if not new else "replace"
            edits.append(Edit(start + rel, start + rel + len(old), old, new, op, kind, conf))
        output = _apply(sp.text, edits, start)
        status = sp.status or ("rewritten" if edits else "unchanged")
        proposal = sp.proposal or (output if status == "rewritten" else "")
        sentences.append(SentenceResult(i, sp.paragraph, start, start + len(sp.text), sp.text, output,
                                        status, sp.reason, proposal, -0.42 if edits else None,
                                        tuple(edits)))
        source += sp.text
        text += output
    r = Result(source + end, text + end, tuple(sentences), SIG, name)
    # The invariants the reporters rely on.
    assert _apply(r.source, list(r.edits), 0) == r.text
    assert all(s.source == r.source[s.start:s.end] for s in r.sentences)
    return r


SIMPLE = build([S("This tool suck.", [ch("This tool suck.", "suck", "sucks", "agreement")]),
                S("It work fine.", [ch("It work fine.", "work", "works", "agreement")])])
UNCHANGED = build([S("All good here."), S("Nothing to do.")], name="clean.txt")
_P = "I love 🍕 pizza very much much."
RICH = build([
    S("日本語のテキストです。これは長い文章で、幅の計算を確かめるためのものです。"),
    S(_P, [ch(_P, " much", "", "other", at=_P.rindex(" much")), ch(_P, "", "really ", "other",
                                                                   at=_P.index("love"), conf=0.55)]),
    S("Colour café naïve résumé 😀😀😀 emoji everywhere in this sentence.", paragraph=1),
    S("He go to school every day yesterday.", paragraph=1, status="rejected", reason="length ratio",
      proposal="He went to school."),
    S("The the end", [ch("The the end", "The the", "The", "word_order")], paragraph=2),
], name="rich.md")
_X = 'Use <script>alert("x")</script> & co carefuly.'
XSS = build([S(_X, [ch(_X, "carefuly", "carefully", "spelling")])], name="<b>evil</b>.html")
NO_EOL = build([S("Line one is fine."), S("Line two are bad.", [ch("Line two are bad.", "are", "is")])],
               end="")
_C = "First line here.\r\nIt have CRLF."
CRLF = build([S(_C, [ch(_C, "have", "has")])], end="\r\n")
EMPTY = Result("", "", (), SIG, "")

DOCS = {"simple": SIMPLE, "unchanged": UNCHANGED, "rich": RICH, "xss": XSS, "no_eol": NO_EOL,
        "crlf": CRLF, "empty": EMPTY}


def width_of(line: str) -> int:
    """Terminal columns of ``line`` (independent of the implementation under test)."""
    line = ANSI.sub("", line)
    w = 0
    for c in line:
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return w


def unmark(text: str) -> str:
    return ANSI.sub("", text).replace("[-", "").replace("-]", "").replace("{+", "").replace("+}", "")


# --- registry --------------------------------------------------------------------------------

def test_unknown_format_raises_naming_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"'pdf'.*side-by-side"):
        render([SIMPLE], "pdf")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("color", [False, True])
def test_every_format_renders_every_document(fmt: str, color: bool) -> None:
    for r in DOCS.values():
        assert isinstance(render([r], fmt, color=color, width=72), str)
    assert isinstance(render([], fmt, color=color, width=72), str)
    assert isinstance(render(list(DOCS.values()), fmt, color=color, width=72), str)


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "diff", "html"])
def test_non_terminal_formats_never_emit_escapes_without_colour(fmt: str) -> None:
    assert ESC not in render(list(DOCS.values()), fmt)


# --- text ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", DOCS)
def test_text_is_corrected_text_exactly(name: str) -> None:
    assert render([DOCS[name]], "text") == DOCS[name].text
    assert render([DOCS[name]], "text", color=True, width=10) == DOCS[name].text


def test_text_concatenates_results() -> None:
    assert render([SIMPLE, CRLF, NO_EOL], "text") == SIMPLE.text + CRLF.text + NO_EOL.text


# --- json / jsonl ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@pytest.mark.parametrize("docs", [[SIMPLE], [RICH, XSS, CRLF, NO_EOL], [EMPTY], []])
def test_json_round_trip(fmt: str, docs: list[Result]) -> None:
    assert load_json(render(docs, fmt)) == docs


def test_json_document_shape() -> None:
    out = render([SIMPLE, RICH], "json")
    doc = json.loads(out)
    assert doc["schema"] == 1
    assert doc["signature"] == SIG.to_dict()
    assert [r["name"] for r in doc["results"]] == ["doc.txt", "rich.md"]
    assert "\n  " in out  # pretty-printed
    assert "日本語" in out and "🍕" in out  # ensure_ascii=False
    s = doc["results"][0]["sentences"][0]
    assert set(s) == {"index", "paragraph", "start", "end", "source", "output", "status", "reason",
                      "proposal", "score", "edits", "quality", "flags", "words"}
    assert s["edits"][0] == {"start": 10, "end": 14, "original": "suck", "replacement": "sucks",
                             "op": "replace", "kind": "agreement", "confidence": 0.9}


def test_jsonl_one_line_per_result_with_signature() -> None:
    out = render([SIMPLE, RICH, XSS], "jsonl")
    lines = out.split("\n")
    assert lines[-1] == "" and len(lines) == 4
    for line, r in zip(lines[:-1], [SIMPLE, RICH, XSS], strict=True):
        d = json.loads(line)
        assert d["signature"] == SIG.to_dict() and d["name"] == r.name and d["source"] == r.source


def test_jsonl_survives_unicode_line_separators() -> None:
    # json.dumps(ensure_ascii=False) leaves U+2028 raw; str.splitlines() would break on it.
    r = build([S("Odd\u2028separator\u0085here.", [ch("Odd\u2028separator\u0085here.", "here", "there")])])
    assert load_json(render([r, SIMPLE], "jsonl")) == [r, SIMPLE]


def test_load_json_accepts_a_bare_result_and_rejects_other_things() -> None:
    assert load_json(json.dumps(SIMPLE.to_dict())) == [SIMPLE]
    with pytest.raises(ValueError, match="schema"):
        load_json(json.dumps({"schema": 99, "results": []}))
    with pytest.raises(ValueError, match="line 2"):
        load_json(render([SIMPLE], "jsonl") + "{not json\n")
    with pytest.raises(ValueError):
        load_json('{"hello": 1}')


def test_json_non_finite_scores_become_null() -> None:
    s = SIMPLE.sentences[0]
    r = Result(SIMPLE.source, SIMPLE.text, (SentenceResult(**{**s.__dict__, "score": float("-inf")}),
                                            SIMPLE.sentences[1]), SIG, "x")
    out = render([r], "json")
    assert "Infinity" not in out
    assert json.loads(out)["results"][0]["sentences"][0]["score"] is None


# --- diff ------------------------------------------------------------------------------------

_LINES = re.compile(r"[^\n]*\n|[^\n]+")


def apply_patch(old: str, patch: str) -> str:
    """Apply a single-file unified diff to ``old``, checking context and removed lines."""
    src, plines = _LINES.findall(old), _LINES.findall(patch)
    assert plines[0].startswith("--- a/") and plines[1].startswith("+++ b/")
    out: list[str] = []
    i, p = 0, 2
    while p < len(plines):
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n$", plines[p])
        assert m, plines[p]
        first = int(m[1]) - 1 if (m[2] or "1") != "0" else int(m[1])
        out += src[i:first]
        i, p = first, p + 1
        while p < len(plines) and not plines[p].startswith("@@"):
            tag, body = plines[p][0], plines[p][1:]
            if p + 1 < len(plines) and plines[p + 1].startswith("\\ No newline"):
                body = body[:-1]
            if tag in " -":
                assert src[i] == body, (src[i], body)
                i += 1
            if tag in " +":
                out.append(body)
            assert tag in " -+\\"
            p += 1
    return "".join(out + src[i:])


@pytest.mark.parametrize("name", ["simple", "rich", "xss", "no_eol", "crlf"])
def test_diff_applies(name: str) -> None:
    r = DOCS[name]
    patch = render([r], "diff")
    assert patch.startswith(f"--- a/{r.name}\n+++ b/{r.name}\n@@ ")
    assert apply_patch(r.source, patch) == r.text


@pytest.mark.skipif(shutil.which("patch") is None, reason="no patch(1)")
@pytest.mark.parametrize("name", ["simple", "no_eol", "crlf"])
def test_diff_applies_with_patch_tool(name: str, tmp_path) -> None:
    r = DOCS[name]
    (tmp_path / r.name).write_bytes(r.source.encode())
    proc = subprocess.run(["patch", "-p1", "--binary"], input=render([r], "diff").encode(), cwd=tmp_path,
                          capture_output=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / r.name).read_bytes() == r.text.encode()


def test_diff_lines() -> None:
    patch = render([SIMPLE], "diff")
    assert "-This tool suck. It work fine.\n" in patch
    assert "+This tool sucks. It works fine.\n" in patch


def test_diff_keeps_line_endings_and_marks_missing_newline() -> None:
    assert " First line here.\r\n-It have CRLF.\r\n+It has CRLF.\r\n" in render([CRLF], "diff")
    assert render([NO_EOL], "diff").endswith(
        "+Line one is fine. Line two is bad.\n\\ No newline at end of file\n")


@pytest.mark.parametrize("docs", [[UNCHANGED], [EMPTY], [], [UNCHANGED, EMPTY]])
def test_diff_empty_when_nothing_changed(docs: list[Result]) -> None:
    assert render(docs, "diff") == ""
    assert render(docs, "diff", color=True) == ""


def test_diff_stdin_name_and_several_results() -> None:
    unnamed = Result(SIMPLE.source, SIMPLE.text, SIMPLE.sentences, SIG, "")
    out = render([unnamed, UNCHANGED, NO_EOL], "diff")
    assert out.startswith("--- a/<stdin>\n+++ b/<stdin>\n")
    assert out.count("--- a/") == 2  # the unchanged result contributes nothing


def test_diff_colour() -> None:
    out = render([SIMPLE], "diff", color=True)
    assert ESC in out and ANSI.sub("", out) == render([SIMPLE], "diff")


# --- inline ----------------------------------------------------------------------------------

def test_inline_plain_markers() -> None:
    out = render([SIMPLE], "inline")
    assert "This tool [-suck-]{+sucks+}. It [-work-]{+works+} fine.\n" in out
    assert ESC not in out
    assert out.endswith("2 sentences, 2 changed, 2 edits\n")


def test_inline_colour_uses_ansi_and_decoration() -> None:
    out = render([SIMPLE], "inline", color=True)
    assert ESC in out and "[-" not in out and "{+" not in out
    assert "\x1b[31;9msuck\x1b[0m" in out  # red and struck through: not colour alone
    assert "\x1b[32;4msucks\x1b[0m" in out  # green and underlined
    assert ANSI.sub("", out).startswith("This tool sucksucks.")


def test_inline_keeps_layout_and_notes_rejections() -> None:
    out = render([RICH], "inline")
    assert "I {+really +}love 🍕 pizza very much[- much-]." in out
    assert "\n\n" in out  # paragraph breaks kept
    assert "He go to school every day yesterday. ⟨rejected: length ratio⟩" in out
    assert out.endswith("5 sentences, 2 changed, 3 edits, 1 rejected\n")


def test_inline_separates_results_without_line_endings() -> None:
    out = render([NO_EOL, NO_EOL], "inline")
    assert out.count("Line two [-are-]{+is+} bad.\n") == 2


def test_inline_unchanged_is_source_plus_summary() -> None:
    assert render([UNCHANGED], "inline") == UNCHANGED.source + "2 sentences, 0 changed, 0 edits\n"


def test_inline_neutralises_control_characters_from_input() -> None:
    r = build([S("Bad \x1b[2J text.", [ch("Bad \x1b[2J text.", "text", "texts")])])
    assert ESC not in render([r], "inline")
    assert ESC not in ANSI.sub("", render([r], "inline", color=True))
    assert "Bad \ufffd[2J" in render([r], "inline")


# --- side-by-side ----------------------------------------------------------------------------

@pytest.mark.parametrize("width", [24, 40, 61, 80, 132])
@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("name", DOCS)
def test_side_by_side_fits_width(name: str, width: int, color: bool) -> None:
    out = render([DOCS[name]], "side-by-side", color=color, width=width)
    assert out.endswith("\n")
    for line in out.splitlines():
        assert width_of(line) <= width, (line, width_of(line))
    assert (ESC in out) == color


@pytest.mark.parametrize("color", [False, True])
def test_side_by_side_shows_both_sides(color: bool) -> None:
    out = unmark(render([SIMPLE, RICH], "side-by-side", color=color, width=100))
    words = set()
    for r in (SIMPLE, RICH):
        for s in r.sentences:
            words |= set(s.source.split()) | set(s.output.split())
    for w in words:
        if width_of(w) <= 40:  # longer words are split over rows (columns are ~46 wide here)
            assert w in out, w
    for cjk in ("日本語のテキストです。", "😀😀😀", "🍕"):
        assert cjk in out


def test_side_by_side_layout() -> None:
    out = render([RICH], "side-by-side", width=60)
    lines = out.splitlines()
    assert "rich.md" in lines[0] and "corrected" in lines[0]
    assert set(lines[1]) <= set("─┼")
    # Gutter: sentence number from 1, "*" for changed, "!" for rejected.
    assert lines[2].startswith("1   ")
    starts = {int(m[1]): (k, m[2]) for k, line in enumerate(lines) if (m := re.match(r"(\d) (.) ", line))}
    assert [starts[n][1] for n in range(1, 6)] == [" ", "*", " ", "!", "*"]
    # Sentence 1 (long CJK) wraps over several rows; sentence 2 starts after the taller side.
    assert starts[2][0] - starts[1][0] > 2
    # Paragraph breaks: a blank row (only the column rule) before sentences 3 and 5.
    for n in (3, 5):
        assert lines[starts[n][0] - 1].strip() == "│"
    assert "(rejected: length ratio)" in out
    assert "[- much-]" in out and "{+really +}" in out
    # Columns line up: the rule is at the same display column on every row.
    cols = {width_of(line[:line.index("│")]) for line in lines[2:-1] if "│" in line}
    assert len(cols) == 1


def test_side_by_side_plain_markers_and_colour() -> None:
    plain = render([SIMPLE], "side-by-side", width=80)
    assert "[-suck-]" in plain and "{+sucks+}" in plain and ESC not in plain
    coloured = render([SIMPLE], "side-by-side", width=80, color=True)
    assert "\x1b[31;9msuck\x1b[0m" in coloured and "\x1b[32;4msucks\x1b[0m" in coloured


def test_side_by_side_wide_chars_never_split_over_the_edge() -> None:
    r = build([S("😀" * 30 + " 漢字" * 20)])
    for width in (21, 22, 23, 40):
        for line in render([r], "side-by-side", width=width).splitlines():
            assert width_of(line) <= width


def test_side_by_side_width_defaults_to_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    out = render([RICH], "side-by-side")
    assert max(width_of(line) for line in out.splitlines()) <= 50
    assert out == render([RICH], "side-by-side", width=50)


# --- html ------------------------------------------------------------------------------------
# The page is rendered by its inline script from embedded JSON; what the script draws (tooltips,
# highlights, paragraphs, decisions, export) is tested in a real browser in tests/test_browser.py.

_DATA = re.compile(r'<script type="application/json" id="mtfix-data">(.*?)</script>', re.S)


def page_data(out: str) -> dict:
    m = _DATA.search(out)
    assert m
    return json.loads(m[1])


def test_html_is_one_self_contained_document() -> None:
    out = render([SIMPLE, RICH, XSS], "html")
    assert out.startswith("<!DOCTYPE html>")
    assert out.count("<html") == 1 and out.count("</html>") == 1 and out.count("<body") == 1
    assert "<style>" in out
    # Two script elements, both inline: the data and the page's code.
    assert out.count("<script") == 2 and out.count("</script>") == 2
    assert '<script type="application/json" id="mtfix-data">' in out and "<script>\n" in out
    low = out.lower()
    for bad in ("http", "//", "src=", "href=", "<link", "<iframe", "fetch(", "xmlhttprequest", "import("):
        assert bad not in low, bad
    style = re.search(r"<style>(.*?)</style>", out, re.S)[1]
    assert "url(" not in style and "@import" not in style


def test_html_escapes_input() -> None:
    out = render([XSS], "html")
    # Input text reaches the page only inside the JSON block, where "<" cannot appear.
    data = _DATA.search(out)[1]
    assert "<" not in data and ">" not in data and "&" not in data
    assert "\\u003cscript\\u003ealert" in data
    assert "<script>alert" not in out and "<!--" not in out
    assert "<b>evil" not in out and "&lt;b&gt;evil&lt;/b&gt;.html" in out  # the name, in title and heading
    assert page_data(out)["results"][0]["name"] == "<b>evil</b>.html"


def test_html_embeds_the_results_losslessly() -> None:
    docs = [SIMPLE, RICH, XSS, CRLF, NO_EOL, EMPTY]
    data = page_data(render(docs, "html"))
    assert data["schema"] == 1 and [Result.from_dict(d) for d in data["results"]] == docs
    # What the tooltips show (kind, op, confidence) travels with each edit, in Result.edits order.
    rich = data["results"][1]
    assert [(e["op"], e["kind"], e["confidence"], e["replacement"]) for s in rich["sentences"] for e in s["edits"]] \
        == [("delete", "other", 0.9, ""), ("insert", "other", 0.55, "really "), ("replace", "word_order", 0.9, "The")]
    # The storage key follows the content: decisions for one page are not restored on another.
    assert data["key"] != page_data(render([SIMPLE], "html"))["key"]
    assert data["key"] == page_data(render(docs, "html"))["key"]


def test_html_summary_settings_and_flags() -> None:
    out = render([RICH], "html")
    assert "<dt>Sentences</dt><dd>5</dd>" in out and "<dt>Edits</dt><dd>3</dd>" in out
    assert "<dt>Rejected</dt><dd>1</dd>" in out
    assert '<dt>Flagged</dt><dd id="mtfix-flagged">1</dd>' in out  # the rejected sentence
    assert SIG.model in out and "abc1234" in out and SIG.format() in out
    assert "max_new_tokens <code>64</code>" in out  # the decoding settings
    low = Result(SIMPLE.source, SIMPLE.text, (replace(SIMPLE.sentences[0], score=-2.0), SIMPLE.sentences[1]),
                 SIG, "low.txt")
    out = render([low], "html")
    assert '<dt>Flagged</dt><dd id="mtfix-flagged">1</dd>' in out and "<dt>Low score</dt><dd>1</dd>" in out


def test_html_review_controls_present() -> None:
    out = render([SIMPLE, RICH], "html")
    for control in ('id="mtfix-threshold"', 'id="mtfix-accept"', 'id="mtfix-undo"', 'data-act="dl-text" data-d="1"',
                    'data-act="dl-json" data-d="0"', '<section class="doc" data-doc="1" data-name="rich.md"'):
        assert control in out, control


# --- docs and dependencies -------------------------------------------------------------------

def test_schema_doc_example_loads() -> None:
    from pathlib import Path
    doc = (Path(__file__).resolve().parent.parent / "docs" / "json-schema.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", doc, re.S)
    assert example
    [r] = load_json(example[1])
    assert r.name == "notes.txt" and r.text == "This tool sucks. It is fine.\n"
    assert _apply(r.source, list(r.edits), 0) == r.text
    assert all(s.source == r.source[s.start:s.end] for s in r.sentences)
    assert render([r], "json") == json.dumps(json.loads(example[1]), ensure_ascii=False, indent=2) + "\n"


def test_reporters_need_no_model_libraries() -> None:
    code = "import sys, mtfix.report; print(sorted({'torch', 'transformers', 'rich'} & set(sys.modules)))"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert proc.stdout.strip() == "[]"
