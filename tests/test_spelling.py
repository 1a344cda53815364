"""Spelling fixes: only clear misspellings of common words; names and untranslated words stay."""
from __future__ import annotations

import importlib.util

import pytest
from fakes import FakeRewriter

from mtfix import Corrector
from mtfix.config import DEFAULT
from mtfix.rules.spelling import Speller, edit_distance, max_distance

pytestmark = pytest.mark.skipif(importlib.util.find_spec("harper") is None, reason="harper-py not installed")


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller()


def test_edit_distance():
    assert edit_distance("peaple", "people") == 1
    assert edit_distance("", "abc") == 3
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("yaer", "year") == 1 and edit_distance("whcih", "which") == 1  # a swap is one edit
    assert edit_distance("ca", "abc") == 3
    assert edit_distance("preri", "peril") == 2
    assert [max_distance(w) for w in ("yaer", "peaple", "imidiatly", "errounuosly", "responsibilty")] == [1, 1, 2, 2, 3]


@pytest.mark.parametrize("text, fixed", [
    ("Many peaple beleive in the fucture.", "Many people believe in the future."),
    ("New tecnologies help the sosiety.", "New technologies help the society."),
    # names written in lower case (cu-karel, cu-zeman): capitals, however common the word
    ("In quebec the canadian smokers quit in november.", "In Quebec the Canadian smokers quit in November."),
])
def test_fixes_typos_of_common_words(speller, text, fixed):
    assert speller.fix(text) == fixed


@pytest.mark.parametrize("text", [
    "The vtiralsya and dolboslav were found near the preri.",  # transliterations Harper would "fix"
    "Mr Smiht and NATO met in Mexico.",  # capitalised: names and acronyms
    "The roubles were paid in Moscow.",  # British spelling of a common word
    "Children with asthmas and eczemas.",  # plurals Harper's dictionary lacks
    "The co-operation went well at 5pm.",  # hyphens and digits
    "A small window in endless expances.",  # nearest fix "expanses" is rare: not the farther "enhances"
    "He paid the bill in march and may go.",  # common words that are also names
    "We met andré there.",  # Harper would make it "and"; only a change of case is a name's fix
    "Great knitting brings to the knick-knack.",  # Harper flags "knick" alone
    'This offer suck, <bpt i="1">&lt;b&gt;</bpt>really<ept i="1">&lt;/b&gt;</ept>.',  # inline tags (TMX)
    "Without a penny, the rouble is chirpy.",  # British: Harper (American) would make it "double"
    "The colour of the theatre.",  # British spellings
    "On Liberta (https: / / old.reddit.com / r / liberta /) insults are allowed.",  # a path, tokenised
    "Write to jonh@exmaple.com or see beleive.txt and peaple_list.",  # addresses and file names
])
def test_leaves_names_transliterations_and_real_words(speller, text):
    assert speller.fix(text) == text


def test_words_beside_an_address_are_still_fixed(speller):
    assert speller.fix("See https://example.com for peaple who beleive.") == \
        "See https://example.com for people who believe."
    assert speller.fix("Many peaple / beleive it.") == "Many peaple / beleive it."  # "/" reads as a path


def test_offsets_are_code_points_and_protected_words_stay(speller):
    text = "Café «Über» peaple and yaer."
    fixes = speller.fixes(text)
    assert [(text[f.start:f.end], f.replacement) for f in fixes] == [("peaple", "people"), ("yaer", "year")]
    assert all(text[f.start:f.end] == f.word for f in fixes)
    assert speller.fix(text, protected={"peaple"}) == "Café «Über» peaple and year."


def echo() -> FakeRewriter:
    """A rewriter that keeps every sentence (as a model that sees nothing to change)."""
    return FakeRewriter(lambda s: s, keep_score=-0.1)


def refused() -> FakeRewriter:
    """A rewriter whose proposals the gate refuses (numbers changed)."""
    return FakeRewriter(lambda s: s.replace("came", "came 42 times"), keep_score=-0.5)


def test_corrector_applies_spelling_with_offsets_and_a_switch():
    text = "Intro. Many peaple came."
    result = Corrector(config=DEFAULT.with_(flags=False), rewriter=echo()).correct(text)
    assert result.text == "Intro. Many people came."
    (edit,) = result.edits
    assert text[edit.start:edit.end] == "peaple" and edit.replacement == "people" and edit.kind == "spelling"
    assert result.sentences[1].status == "rewritten" and result.sentences[0].status == "unchanged"
    assert result.signature.decoding["spelling"] == "harper"
    off = Corrector(config=DEFAULT.with_(flags=False, spelling=False), rewriter=echo()).correct(text)
    assert off.text == text and "spelling" not in off.signature.decoding


def test_spelling_still_applies_when_the_model_rewrite_is_refused():
    (s,) = Corrector(config=DEFAULT.with_(flags=False), rewriter=refused()).correct("Many peaple came.").sentences
    assert s.output == "Many people came." and s.status == "rewritten"
    assert s.reason.startswith("spelling only; the model's rewrite was refused: numbers changed")
    assert s.proposal == "Many peaple came 42 times."


def test_huge_tokens_are_skipped_quickly_with_offsets_kept(speller):
    text = "see " + "a" * 200_000 + " and the peaple."
    (fix,) = speller.fixes(text)
    assert text[fix.start:fix.end] == "peaple"


def test_undecodable_bytes_kept_as_surrogates_do_not_break_it(speller):
    text = "caf\udce9 and the peaple."
    assert speller.fix(text) == "caf\udce9 and the people."


def test_cli_spelling_switch(monkeypatch, tmp_path, capsys):
    from mtfix import cli

    monkeypatch.setattr(cli, "_corrector", lambda args: Corrector(config=cli._config(args), rewriter=echo()))
    src = tmp_path / "in.txt"
    src.write_text("Many peaple came.\n", encoding="utf-8")
    assert cli.main(["correct", str(src), "-q", "--no-flags"]) == 0
    assert capsys.readouterr().out == "Many people came.\n"
    assert cli.main(["correct", str(src), "-q", "--no-flags", "--no-spelling"]) == 0
    assert capsys.readouterr().out == "Many peaple came.\n"
    parser = cli.build_parser()
    assert parser.parse_args(["eval", "--preset", "jfleg", "--no-spelling"]).spelling is False
    assert parser.parse_args(["review", str(src)]).spelling is True
