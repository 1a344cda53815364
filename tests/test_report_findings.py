"""The findings of the bilingual checks (``Result.findings``) and the source text (``Result.source_text``) in
every human view. Results are built by hand: no model, no checks."""
from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from mtfix.checks.finding import Finding
from mtfix.report import FORMATS, load_json, render
from mtfix.report._common import place_findings
from mtfix.report.flags import check_summary
from mtfix.result import Result, SentenceResult, Signature
from mtfix.text.diff import Edit
from mtfix.text.spans import Flag

SIG = Signature("0.1", "fake", "0")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

T1 = "We paid 5 000 rubles for the house."
T2 = "The dom was big."
SOURCE = T1 + " " + T2 + "\n"
S2 = len(T1) + 1  # where the second sentence starts
EDIT = Edit(14, 20, "rubles", "roubles", "replace", "spelling", 0.9)
FLAG = Flag(S2 + 4, S2 + 7, "untranslated", "dom", "дом", "дом", 0.8, "check", "house", 0.4)
SENTS = (SentenceResult(0, 0, 0, len(T1), T1, T1.replace("rubles", "roubles"), "rewritten", "", "", -0.1, (EDIT,)),
         SentenceResult(1, 0, S2, S2 + len(T2), T2, T2, "unchanged", flags=(FLAG,), quality=0.2))
PLAIN = Result(SOURCE, SOURCE.replace("rubles", "roubles"), SENTS, SIG, "doc.txt")

SOURCE_TEXT = "Мы заплатили 5 000 рублей за дом.\nДом был большим."
HOUSE = T1.index("house")
NUMBER = Finding("number", "error", "source number '5 000' is missing from the target", suggestion="5,000")
MARKUP = Finding("punctuation", "warning", "the sentence ends without a full stop", HOUSE, HOUSE + 5,
                 suggestion="home")
IN_EDIT = Finding("glossary", "info", "'рублей' should be 'roubles'", 14, 20, 19, 25, "roubles")
DOM = Finding("untranslated", "info", "'dom' looks untranslated", S2 + 4, S2 + 7, 34, 37, "house")
FOUND = replace(PLAIN, source_text=SOURCE_TEXT, findings=(NUMBER, MARKUP, IN_EDIT, DOM))

# What the views printed for PLAIN before findings existed (the renderers of the commit before them); the
# flag's dictionary suggestion is new too and must not show in the terminal views.
BEFORE = {
    ("side-by-side", False):
        "    original · doc.txt                   │ corrected\n"
        "─────────────────────────────────────────┼──────────────────────────────────────\n"
        "1 * We paid 5 000 [-rubles-] for the     │ We paid 5 000 {+roubles+} for the\n"
        "    house.                               │ house.\n"
        "2 ? The dom was big.                     │ The dom was big.\n"
        "                                         │ (low quality 0.20; untranslated: dom\n"
        "                                         │ = дом)\n"
        "2 sentences, 1 changed, 1 edit, 1 untranslated word, 1 low quality\n",
    ("side-by-side", True):
        "    \x1b[1moriginal · doc.txt\x1b[0m                   │ \x1b[1mcorrected\x1b[0m\n"
        "\x1b[2m─────────────────────────────────────────┼──────────────────────────────────────\x1b[0m\n"
        "\x1b[2m1\x1b[0m \x1b[1m*\x1b[0m We paid 5 000 \x1b[31;9mrubles\x1b[0m for the house.  │ "
        "We paid 5 000 \x1b[32;4mroubles\x1b[0m for the house.\n"
        "\x1b[2m2\x1b[0m \x1b[1m?\x1b[0m The dom was big.                     │ The dom was big.\n"
        "                                         │ \x1b[2;3m(low quality 0.20; untranslated: dom\x1b[0m\n"
        "                                         │ \x1b[2;3m= дом)\x1b[0m\n"
        "\x1b[2m2 sentences, 1 changed, 1 edit, 1 untranslated word, 1 low quality\x1b[0m\n",
    ("inline", False):
        "We paid 5 000 [-rubles-]{+roubles+} for the house. The dom was big. ⟨low quality 0.20⟩ "
        "⟨untranslated: dom = дом⟩\n2 sentences, 1 changed, 1 edit, 1 untranslated word, 1 low quality\n",
    ("inline", True):
        "We paid 5 000 \x1b[31;9mrubles\x1b[0m\x1b[32;4mroubles\x1b[0m for the house. The dom was big. "
        "\x1b[2;3m⟨low quality 0.20⟩\x1b[0m \x1b[2;3m⟨untranslated: dom = дом⟩\x1b[0m\n"
        "\x1b[2m2 sentences, 1 changed, 1 edit, 1 untranslated word, 1 low quality\x1b[0m\n",
    ("flags", False):
        "doc.txt:2: quality 0.20 (low); untranslated: dom = дом | The dom was big.\n"
        "2 sentences checked, 1 untranslated word, 1 low quality\n",
    ("flags", True):
        "\x1b[1mdoc.txt:2: quality 0.20 (low); untranslated: dom = дом\x1b[0m | The dom was big.\n"
        "\x1b[2m2 sentences checked, 1 untranslated word, 1 low quality\x1b[0m\n",
}


def sbs(results: list[Result], width: int = 100, color: bool = False) -> str:
    return render(results, "side-by-side", width=width, color=color)


# --- results without findings: nothing changes ------------------------------------------------

@pytest.mark.parametrize(("fmt", "color"), sorted(BEFORE))
def test_without_findings_the_terminal_views_are_as_before(fmt: str, color: bool) -> None:
    width = 80 if fmt == "side-by-side" else None
    assert render([PLAIN], fmt, color=color, width=width) == BEFORE[fmt, color]


@pytest.mark.parametrize("fmt", FORMATS)
def test_dropping_the_findings_and_source_gives_the_plain_output(fmt: str) -> None:
    bare = replace(FOUND, source_text=None, findings=())
    assert render([bare], fmt, width=90) == render([PLAIN], fmt, width=90)
    if fmt not in ("json", "jsonl", "text", "diff"):
        assert render([FOUND], fmt, width=90) != render([PLAIN], fmt, width=90)


def test_html_without_findings_has_no_finding_parts() -> None:
    out = render([PLAIN], "html")
    for part in ("<dt>Findings</dt>", 'id="mtfix-only-findings"', 'class="source-text"', "data-findings",
                 'class="finding finding-error">finding</mark>'):
        assert part not in out, part


# --- the terminal views -------------------------------------------------------------------------

def test_side_by_side_shows_source_findings_and_marks() -> None:
    out = sbs([FOUND])
    lines = out.splitlines()
    assert lines[1] == "source: Мы заплатили 5 000 рублей за дом. Дом был большим."
    assert lines[2].startswith("────")
    # the spans in unchanged text are marked in the original column only
    assert "[!house!]" in lines[3] and "[!house!]" not in lines[3].split("│")[1]
    assert "[!dom!]" in out
    # a finding on the span of an edit leaves the edit's markup alone
    assert "[-rubles-]" in out and "[![-" not in out and "-]!]" not in out
    text = " ".join(line.split("│")[0].strip() for line in lines)
    for note in ("! punctuation (warning): the sentence ends without a full stop → suggestion: home",
                 "! glossary (info): 'рублей' should be 'roubles' → suggestion: roubles",
                 "! untranslated (info): 'dom' looks untranslated → suggestion: house"):
        assert note in " ".join(text.split()), note
    # the finding without a target span comes last, under the document, in full width
    assert lines[-2] == "    ! number (error): source number '5 000' is missing from the target → suggestion: 5,000"
    assert lines[-1] == "2 sentences, 1 changed, 1 edit, 1 untranslated word, 1 low quality, 4 findings (1 error)"
    assert "2 ? The [!dom!] was big." in lines[8]  # the unchanged sentence, after the first one's notes


def test_side_by_side_findings_keep_the_width() -> None:
    for width in (20, 30, 41, 60, 100):
        for color in (False, True):
            out = sbs([FOUND], width=width, color=color)
            assert all(len(ANSI.sub("", line)) <= width for line in out.splitlines()[:-1]), (width, out)
    long = replace(FOUND, source_text="слово " * 50)
    first = sbs([long], width=40).splitlines()[1]
    assert first.startswith("source: слово слово") and first.endswith("…") and len(first) == 40


def test_side_by_side_in_colour_styles_the_span() -> None:
    out = sbs([FOUND], color=True)
    assert "\x1b[35;4mhouse\x1b[0m" in out and "[!" not in out
    assert "\x1b[2;3msource: Мы заплатили" in out


def test_inline_shows_source_findings_and_marks() -> None:
    out = render([FOUND], "inline")
    lines = out.splitlines()
    assert lines[0] == "source: Мы заплатили 5 000 рублей за дом. Дом был большим."
    assert lines[1] == ("We paid 5 000 [-rubles-]{+roubles+} for the [!house!]. "
                        "⟨! punctuation (warning): the sentence ends without a full stop → suggestion: home⟩ "
                        "⟨! glossary (info): 'рублей' should be 'roubles' → suggestion: roubles⟩ "
                        "The [!dom!] was big. ⟨low quality 0.20⟩ ⟨untranslated: dom = дом⟩ "
                        "⟨! untranslated (info): 'dom' looks untranslated → suggestion: house⟩")
    assert lines[2] == "! number (error): source number '5 000' is missing from the target → suggestion: 5,000"
    assert lines[3].endswith(", 4 findings (1 error)")


def test_flags_lists_each_finding() -> None:
    assert render([FOUND], "flags") == (
        "doc.txt:1: punctuation warning: the sentence ends without a full stop → suggestion: home\n"
        "doc.txt:1: glossary info: 'рублей' should be 'roubles' → suggestion: roubles\n"
        "doc.txt:2: quality 0.20 (low); untranslated: dom = дом | The dom was big.\n"
        "doc.txt:2: untranslated info: 'dom' looks untranslated → suggestion: house\n"
        "doc.txt:-: number error: source number '5 000' is missing from the target → suggestion: 5,000\n"
        "2 sentences checked, 1 untranslated word, 1 low quality, 4 findings (1 error)\n")


def test_check_summary_counts_findings_only_with_a_source() -> None:
    assert check_summary([PLAIN]) == "2 sentences checked, 1 untranslated word, 1 low quality"
    checked = replace(PLAIN, source_text="Всё хорошо.")
    assert check_summary([PLAIN, checked]) == ("4 sentences checked, 2 untranslated words, 2 low quality, "
                                               "0 findings (0 errors)")
    assert check_summary([FOUND, FOUND]).endswith(", 8 findings (2 errors)")
    assert render([checked], "flags").endswith("0 findings (0 errors)\n")


def test_suggestions_without_text_and_without_a_span() -> None:
    drop = Finding("punctuation", "warning", "doubled word", 0, 2, suggestion="")
    add = Finding("markup", "error", "tag <b> is missing", suggestion="")
    r = replace(PLAIN, source_text="x", findings=(drop, add))
    out = render([r], "flags")
    assert "doc.txt:1: punctuation warning: doubled word → suggestion: (remove)\n" in out
    assert "doc.txt:-: markup error: tag <b> is missing\n" in out  # nothing to add: no suggestion shown


def test_terminal_views_neutralise_control_characters() -> None:
    evil = Finding("glossary", "error", "bad \x1b[2Jterm\x07\nsecond line", 0, 2, suggestion="x\x1b]0;t\x07")
    r = replace(PLAIN, source_text="ист\x1b[31mочник\r\nline", findings=(evil,))
    for fmt in ("side-by-side", "inline", "flags"):
        for color in (False, True):
            out = render([r], fmt, color=color, width=100)
            assert "\x07" not in out and "\x1b]" not in out and "\x1b[2J" not in out and "\x1b[31m" not in out
            assert "bad \ufffd[2Jterm\ufffd second line" in out, fmt  # one line, the controls shown
    assert "source: ист\ufffd[31mочник line" in render([r], "inline")


def test_findings_survive_a_json_round_trip() -> None:
    for fmt in ("json", "jsonl"):
        [back] = load_json(render([FOUND], fmt))
        assert back == FOUND
        assert sbs([back]) == sbs([FOUND]) and render([back], "flags") == render([FOUND], "flags")


def test_place_findings() -> None:
    gap = Finding("number", "info", "in the gap", len(T1), S2)  # the space between the sentences
    across = Finding("number", "info", "across", S2 - 3, S2 + 3)
    at_end = Finding("punctuation", "info", "at the end", len(T1), len(T1))  # insertion point after sentence 1
    tail = Finding("punctuation", "info", "after all", len(SOURCE), len(SOURCE))
    r = replace(PLAIN, findings=(gap, across, at_end, tail, NUMBER))
    per, rest = place_findings(r)
    assert per == [[across, at_end], []] and rest == [gap, tail, NUMBER]


# --- the HTML page ------------------------------------------------------------------------------

def _data(page: str) -> dict:
    raw = re.search(r'<script type="application/json" id="mtfix-data">(.*?)</script>', page, re.S)
    assert raw
    return json.loads(raw[1])


def test_html_counts_filters_and_shows_the_source() -> None:
    out = render([FOUND, PLAIN], "html")
    assert '<dt>Findings</dt><dd id="mtfix-findings">4</dd>' in out
    assert '<span data-findings>4</span> findings' in out and '<span data-findings>0</span> findings' in out
    assert 'id="mtfix-only-findings" aria-pressed="false"' in out and ">Findings only</button>" in out
    assert out.count('class="source-text"') == 1
    assert f'<div class="st">{SOURCE_TEXT}</div>' in out
    assert '<mark class="finding finding-error">finding</mark>' in out  # the legend
    data = _data(out)
    assert data["results"][0]["findings"][0]["suggestion"] == "5,000"
    assert data["results"][0]["source_text"] == SOURCE_TEXT
    assert data["results"][0]["sentences"][1]["flags"][0]["suggestion"] == "house"
    js = out[out.rindex("<script>"):]
    for needle in ('class="finding finding-', "has-finding", "dictionary: ", "only-findings", "→ suggestion: "):
        assert needle in js, needle


def test_html_escapes_messages_and_source_text() -> None:
    bad = Finding("markup", "error", "tag <script>alert(1)</script> & <!-- lost", 0, 2,
                  suggestion="</script><b>")
    r = replace(PLAIN, name="<i>n</i>", source_text="</script><script>alert(2)</script> & <!--",
                findings=(bad,))
    out = render([r], "html")
    assert "<script>alert" not in out and "<b>" not in out.split("<main", 1)[1].split("<script", 1)[0]
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt; &amp; &lt;!--" in out
    assert out.count("</script>") == 2 and out.count("<!--") == 0
    assert "\\u003cscript\\u003ealert(1)" in out  # inside the embedded JSON
    assert _data(out)["results"][0]["findings"][0]["message"] == bad.message
