"""The suspect words of the learned quality head (``SentenceResult.words``) in every human view: marked, and
named in the notes, only in sentences that no rewrite touched. Results are built by hand: no model."""
from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from mtfix.checks.finding import Finding
from mtfix.report import FORMATS, load_json, render
from mtfix.report._common import marked_suspects, sentence_notes, suspect_words
from mtfix.report.flags import check_summary
from mtfix.result import Result, SentenceResult, Signature
from mtfix.text.diff import Edit
from mtfix.text.spans import Flag, WordScore

SIG = Signature("0.1", "fake", "0")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

T1 = "We paid 5 000 rubles for the house."  # rewritten: its suspect words are never shown
T2 = "The dom was big."  # unchanged, "dom" flagged
T3 = "Nobody came 🎉 to the feast."  # rejected without edits; the emoji is two UTF-16 units in the page
SOURCE = T1 + " " + T2 + "\n\n" + T3 + "\n"
S2 = len(T1) + 1
S3 = S2 + len(T2) + 2
EDIT = Edit(14, 20, "rubles", "roubles", "replace", "spelling", 0.9)
FLAG = Flag(S2 + 4, S2 + 7, "untranslated", "dom", "дом", "дом", 0.8, "check")


def scores(base: int, text: str, bad: dict[str, float]) -> tuple[WordScore, ...]:
    """A WordScore per word of ``text`` (found at ``base``; a full stop is a word): suspect with the given
    P(BAD) for the words in ``bad``, ok with 0.1 for the others."""
    out, pos = [], 0
    for word in text.replace(".", " .").split():
        i = text.index(word, pos)
        pos = i + len(word)
        out.append(WordScore(base + i, base + pos, word not in bad, bad.get(word, 0.1)))
    return tuple(out)


SENTS = (SentenceResult(0, 0, 0, len(T1), T1, T1.replace("rubles", "roubles"), "rewritten", "", "", -0.1, (EDIT,),
                        words=scores(0, T1, {"house": 0.7, "paid": 0.66})),
         SentenceResult(1, 0, S2, S2 + len(T2), T2, T2, "unchanged", flags=(FLAG,), quality=0.2,
                        words=scores(S2, T2, {"dom": 0.8, "big": 0.61})),
         SentenceResult(2, 1, S3, S3 + len(T3), T3, T3, "rejected", "length ratio", T3 + " Yes.", -0.3,
                        words=scores(S3, T3, {"came": 0.55, "feast": 0.93})))
WORDY = Result(SOURCE, SOURCE.replace("rubles", "roubles"), SENTS, SIG, "doc.txt")
BARE = replace(WORDY, sentences=tuple(replace(s, words=()) for s in SENTS))
ALL_OK = replace(WORDY, sentences=tuple(replace(s, words=tuple(replace(w, ok=True) for w in s.words))
                                        for s in SENTS))

# What the views printed for BARE before word scores existed (the renderers of the commit before them).
BEFORE = {
    ("side-by-side", False):
        "    original · doc.txt                   │ corrected\n"
        "─────────────────────────────────────────┼──────────────────────────────────────\n"
        "1 * We paid 5 000 [-rubles-] for the     │ We paid 5 000 {+roubles+} for the\n"
        "    house.                               │ house.\n"
        "2 ? The dom was big.                     │ The dom was big.\n"
        "                                         │ (low quality 0.20; untranslated: dom\n"
        "                                         │ = дом)\n"
        "                                         │\n"
        "3 ! Nobody came 🎉 to the feast.         │ Nobody came 🎉 to the feast.\n"
        "                                         │ (rejected: length ratio)\n"
        "3 sentences, 1 changed, 1 edit, 1 rejected, 1 untranslated word, 1 low quality\n",
    ("side-by-side", True):
        "    \x1b[1moriginal · doc.txt\x1b[0m                   │ \x1b[1mcorrected\x1b[0m\n"
        "\x1b[2m─────────────────────────────────────────┼──────────────────────────────────────\x1b[0m\n"
        "\x1b[2m1\x1b[0m \x1b[1m*\x1b[0m We paid 5 000 \x1b[31;9mrubles\x1b[0m for the house.  │ "
        "We paid 5 000 \x1b[32;4mroubles\x1b[0m for the house.\n"
        "\x1b[2m2\x1b[0m \x1b[1m?\x1b[0m The dom was big.                     │ The dom was big.\n"
        "                                         │ \x1b[2;3m(low quality 0.20; untranslated: dom\x1b[0m\n"
        "                                         │ \x1b[2;3m= дом)\x1b[0m\n"
        "                                         │\n"
        "\x1b[2m3\x1b[0m \x1b[1m!\x1b[0m Nobody came 🎉 to the feast.         │ Nobody came 🎉 to the feast.\n"
        "                                         │ \x1b[2;3m(rejected: length ratio)\x1b[0m\n"
        "\x1b[2m3 sentences, 1 changed, 1 edit, 1 rejected, 1 untranslated word, 1 low quality\x1b[0m\n",
    ("inline", False):
        "We paid 5 000 [-rubles-]{+roubles+} for the house. The dom was big. ⟨low quality 0.20⟩ "
        "⟨untranslated: dom = дом⟩\n"
        "\n"
        "Nobody came 🎉 to the feast. ⟨rejected: length ratio⟩\n"
        "3 sentences, 1 changed, 1 edit, 1 rejected, 1 untranslated word, 1 low quality\n",
    ("inline", True):
        "We paid 5 000 \x1b[31;9mrubles\x1b[0m\x1b[32;4mroubles\x1b[0m for the house. The dom was big. "
        "\x1b[2;3m⟨low quality 0.20⟩\x1b[0m \x1b[2;3m⟨untranslated: dom = дом⟩\x1b[0m\n"
        "\n"
        "Nobody came 🎉 to the feast. \x1b[2;3m⟨rejected: length ratio⟩\x1b[0m\n"
        "\x1b[2m3 sentences, 1 changed, 1 edit, 1 rejected, 1 untranslated word, 1 low quality\x1b[0m\n",
    ("flags", False):
        "doc.txt:2: quality 0.20 (low); untranslated: dom = дом | The dom was big.\n"
        "3 sentences checked, 1 untranslated word, 1 low quality\n",
    ("flags", True):
        "\x1b[1mdoc.txt:2: quality 0.20 (low); untranslated: dom = дом\x1b[0m | The dom was big.\n"
        "\x1b[2m3 sentences checked, 1 untranslated word, 1 low quality\x1b[0m\n",
}


def sbs(results: list[Result], width: int = 80, color: bool = False) -> str:
    return render(results, "side-by-side", width=width, color=color)


def _no_assets(page: str) -> str:
    """The page without its inlined CSS and script (the assets hold the code for every field)."""
    page = re.sub(r"<style>.*?</style>", "<style></style>", page, flags=re.S)
    return re.sub(r"<script>\n.*?</script>", "<script></script>", page, flags=re.S)


def _data(page: str) -> dict:
    raw = re.search(r'<script type="application/json" id="mtfix-data">(.*?)</script>', page, re.S)
    assert raw
    return json.loads(raw[1])


# --- results without words: nothing changes -----------------------------------------------------

@pytest.mark.parametrize(("fmt", "color"), sorted(BEFORE))
def test_without_words_the_terminal_views_are_as_before(fmt: str, color: bool) -> None:
    width = 80 if fmt == "side-by-side" else None
    assert render([BARE], fmt, color=color, width=width) == BEFORE[fmt, color]


@pytest.mark.parametrize("fmt", FORMATS)
def test_without_words_nothing_new_shows(fmt: str) -> None:
    out = render([BARE], fmt, width=90)
    if fmt == "html":
        out = _no_assets(out)
        assert "suspect" not in out.lower() and all(s["words"] == [] for s in _data(out)["results"][0]["sentences"])
    elif fmt in ("json", "jsonl"):
        assert out.count('"words": []') == 3
    else:
        assert "suspect" not in out and "[?" not in out and "\x1b[33;4m" not in render([BARE], fmt, color=True)
    if fmt in ("text", "diff"):  # the corrected text and a patch, whatever the head thought
        assert render([WORDY], fmt) == out
    elif fmt not in ("json", "jsonl"):
        assert render([WORDY], fmt, width=90) != render([BARE], fmt, width=90)


def test_words_that_are_all_ok_mark_nothing_and_count_zero() -> None:
    for fmt in ("side-by-side", "inline", "flags"):
        out = render([ALL_OK], fmt, width=120)
        assert "[?" not in out and "suspect: " not in out
        assert out.endswith(", 0 suspect words\n"), fmt
        assert out[:out.rindex("\n", 0, -1)] == render([BARE], fmt, width=120)[:out.rindex("\n", 0, -1)]
    assert check_summary([ALL_OK]) == "3 sentences checked, 1 untranslated word, 1 low quality, 0 suspect words"


# --- which words ----------------------------------------------------------------------------------

def test_suspect_words_only_in_sentences_without_edits() -> None:
    s1, s2, s3 = SENTS
    assert suspect_words(s1) == ()  # rewritten: the edits show where to look
    assert [SOURCE[w.start:w.end] for w in suspect_words(s2)] == ["dom", "big"]
    assert [SOURCE[w.start:w.end] for w in suspect_words(s3)] == ["came", "feast"]
    assert [SOURCE[w.start:w.end] for w in marked_suspects(s2)] == ["big"]  # "dom" is flagged: not marked
    came = SOURCE.index("came")
    found = Finding("glossary", "info", "check", came + 1, came + 2)
    point = Finding("punctuation", "info", "here", came, came)  # an insertion point covers nothing
    assert [SOURCE[w.start:w.end] for w in marked_suspects(s3, [found, point])] == ["feast"]
    # a span outside the sentence or empty is no word of it
    odd = replace(s3, words=(WordScore(0, 2, False, 0.9), WordScore(S3, S3, False, 0.9)))
    assert suspect_words(odd) == ()


def test_notes_list_the_likeliest_five_by_p_bad() -> None:
    text = "a bb c dd e ff g"
    words = tuple(WordScore(m.start(), m.end(), False, p)
                  for m, p in zip(re.finditer(r"\S+", text), (0.5, 0.9, 0.7, 0.6, 0.8, 0.95, 0.55)))
    s = SentenceResult(0, 0, 0, len(text), text, text, "unchanged", words=words)
    assert sentence_notes(s) == ["suspect: ff (0.95), bb (0.90), e (0.80), c (0.70), dd (0.60), +2 more"]
    assert sentence_notes(replace(s, words=words[:2])) == ["suspect: bb (0.90), a (0.50)"]
    assert sentence_notes(replace(s, words=())) == [] and sentence_notes(replace(s, words=words[:0])) == []
    edited = replace(s, output="A" + text[1:], edits=(Edit(0, 1, "a", "A", "replace", "other", 0.9),))
    assert sentence_notes(edited) == []


# --- the terminal views ---------------------------------------------------------------------------

def test_side_by_side_marks_suspects_in_unedited_sentences() -> None:
    assert sbs([WORDY]) == (
        "    original · doc.txt                   │ corrected\n"
        "─────────────────────────────────────────┼──────────────────────────────────────\n"
        "1 * We paid 5 000 [-rubles-] for the     │ We paid 5 000 {+roubles+} for the\n"
        "    house.                               │ house.\n"
        "2 ? The dom was [?big?].                 │ The dom was big.\n"
        "                                         │ (low quality 0.20; untranslated: dom\n"
        "                                         │ = дом; suspect: dom (0.80), big\n"
        "                                         │ (0.61))\n"
        "                                         │\n"
        "3 ! Nobody [?came?] 🎉 to the [?feast?]. │ Nobody came 🎉 to the feast.\n"
        "                                         │ (rejected: length ratio)\n"
        "                                         │ (suspect: feast (0.93), came (0.55))\n"
        "3 sentences, 1 changed, 1 edit, 1 rejected, 1 untranslated word, 1 low quality,…\n")
    wide = sbs([WORDY], width=200)
    assert wide.endswith(", 1 low quality, 4 suspect words\n")
    assert all("[?" not in line.split("│")[1] for line in wide.splitlines()[2:-1])  # the original side only


def test_side_by_side_unchanged_sentence_gets_a_gutter_mark() -> None:
    quiet = replace(SENTS[1], flags=(), quality=None)
    r = replace(WORDY, sentences=(SENTS[0], quiet, SENTS[2]))
    lines = sbs([r]).splitlines()
    assert lines[4].startswith("2 ? The [?dom?] was [?big?]. ")  # not flagged now: "dom" is marked too
    assert lines[5].endswith("│ (suspect: dom (0.80), big (0.61))")
    assert sbs([replace(r, sentences=(SENTS[0], replace(quiet, words=()), SENTS[2]))]).splitlines()[4] \
        .startswith("2   The dom was big. ")


def test_side_by_side_in_colour_styles_the_words() -> None:
    out = sbs([WORDY], color=True)
    assert "\x1b[33;4mbig\x1b[0m" in out and "\x1b[33;4mcame\x1b[0m" in out and "\x1b[33;4mfeast\x1b[0m" in out
    assert "[?" not in out and "\x1b[33;4mhouse" not in out and "\x1b[33;4mdom" not in out
    assert "suspect: feast (0.93), came (0.55))\x1b[0m" in out


def test_side_by_side_keeps_the_width() -> None:
    long = "Word " * 30 + "end."
    many = SentenceResult(0, 0, 0, len(long), long, long, "unchanged",
                          words=scores(0, long, {"Word": 0.7, "end": 0.9}))
    r = Result(long, long, (many,), SIG, "long.txt")
    for width in (20, 30, 41, 60, 100):
        for color in (False, True):
            for doc in (WORDY, r):
                out = sbs([doc], width=width, color=color)
                assert all(len(ANSI.sub("", line)) <= width for line in out.splitlines()), (width, out)
    assert sbs([r], width=100).count("[?Word?]") == 30


def test_inline_marks_suspects_in_unedited_sentences() -> None:
    assert render([WORDY], "inline") == (
        "We paid 5 000 [-rubles-]{+roubles+} for the house. The dom was [?big?]. ⟨low quality 0.20⟩ "
        "⟨untranslated: dom = дом⟩ ⟨suspect: dom (0.80), big (0.61)⟩\n"
        "\n"
        "Nobody [?came?] 🎉 to the [?feast?]. ⟨rejected: length ratio⟩ ⟨suspect: feast (0.93), came (0.55)⟩\n"
        "3 sentences, 1 changed, 1 edit, 1 rejected, 1 untranslated word, 1 low quality, 4 suspect words\n")
    out = render([WORDY], "inline", color=True)
    assert "The dom was \x1b[33;4mbig\x1b[0m." in out and "Nobody \x1b[33;4mcame\x1b[0m 🎉" in out
    assert "[?" not in out and "\x1b[2;3m⟨suspect: feast (0.93), came (0.55)⟩\x1b[0m" in out


def test_findings_win_over_suspect_words() -> None:
    came = SOURCE.index("came")
    over = Finding("glossary", "warning", "check it", came, came + 6)  # "came 🎉"
    r = replace(WORDY, source_text="Никто не пришёл.", findings=(over,))
    for out in (render([r], "inline"), sbs([r], width=120)):
        assert "Nobody [!came 🎉!] to the [?feast?]." in out and "[?came" not in out
        assert "suspect: feast (0.93), came (0.55)" in out  # still named in the note


def test_terminal_views_neutralise_control_characters_in_words() -> None:
    text = "Bad\x1b[2J word\x07 here."
    words = (WordScore(0, 7, False, 0.9), WordScore(8, 13, False, 0.8))
    s = SentenceResult(0, 0, 0, len(text), text, text, "unchanged", words=words)
    r = Result(text, text, (s,), SIG, "evil.txt")
    for fmt in ("side-by-side", "inline", "flags"):
        for color in (False, True):
            out = render([r], fmt, color=color, width=100)
            assert "\x07" not in out and "\x1b[2J" not in out, fmt
            assert "suspect: Bad\ufffd[2J (0.90), word\ufffd (0.80)" in out, fmt


# --- the flags view -------------------------------------------------------------------------------

def test_flags_lists_sentences_with_suspect_words() -> None:
    assert render([WORDY], "flags") == (
        "doc.txt:2: quality 0.20 (low); untranslated: dom = дом; suspect: dom (0.80), big (0.61) | The dom was big.\n"
        "doc.txt:3: quality -; suspect: feast (0.93), came (0.55) | Nobody came 🎉 to the feast.\n"
        "3 sentences checked, 1 untranslated word, 1 low quality, 4 suspect words\n")
    assert check_summary([WORDY, BARE]) == "6 sentences checked, 2 untranslated words, 2 low quality, 4 suspect words"
    assert check_summary([BARE]) == "3 sentences checked, 1 untranslated word, 1 low quality"
    checked = replace(WORDY, source_text="x")
    assert check_summary([checked]).endswith(", 4 suspect words, 0 findings (0 errors)")


# --- the HTML page --------------------------------------------------------------------------------

def test_html_embeds_words_and_shows_the_legend_and_count() -> None:
    out = render([WORDY], "html")
    data = _data(out)
    assert [len(s["words"]) for s in data["results"][0]["sentences"]] == [9, 5, 7]
    assert data["results"][0]["sentences"][2]["words"][-2] == {"start": S3 + 21, "end": S3 + 26, "ok": False,
                                                                "p_bad": 0.93}
    assert "<dt>Suspect words</dt><dd>4</dd>" in out
    static = _no_assets(out)
    # the only suspect mark outside the script is the legend's: the rows are drawn by review.js
    assert static.count('class="suspect"') == 1 and '<mark class="suspect">suspect words</mark>' in static
    assert "<dt>Suspect words</dt><dd>0</dd>" in render([ALL_OK], "html")
    assert "<dt>Suspect words</dt><dd>4</dd>" in render([WORDY, BARE], "html")


def test_html_script_marks_suspects_as_the_terminal_views_do() -> None:
    """What review.js is given to follow, checked without a browser: the mark and its title, the rule (no
    edits, not under a flag or finding), the note, offsets converted as flags' are."""
    js = render([WORDY], "html")
    js = js[js.rindex("<script>"):]
    for needle in ('\'<mark class="suspect" title="P(BAD) \'', "p.toFixed(2)", "(s.edits || []).length",
                   "!w.ok", "'suspect: '", "SUSPECTS_LISTED = 5", "' more'", "conv(w.start)", "conv(w.end)",
                   'class="badge suspect"', "!on.length && !fon.length"):
        assert needle in js, needle
    css = re.search(r"<style>(.*?)</style>", render([BARE], "html"), re.S)
    assert css and "mark.suspect{" in css[1] and "dotted var(--suspect)" in css[1]


# --- JSON -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_words_survive_a_json_round_trip(fmt: str) -> None:
    back = load_json(render([WORDY, BARE], fmt))
    assert back == [WORDY, BARE]
    for view in ("side-by-side", "inline", "flags", "html"):
        assert render(back, view, width=90) == render([WORDY, BARE], view, width=90)
