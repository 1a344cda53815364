"""English for untranslated Cyrillic internationalisms: rendered where English shares the word, else left."""
from __future__ import annotations

import pytest
from fakes import FakeRewriter

from mtfix import Corrector
from mtfix.config import DEFAULT
from mtfix.rules.cognates import Cognates, key, plural, transliterate


@pytest.fixture(scope="module")
def cognates() -> Cognates:
    return Cognates()


def test_key_forgets_what_transliteration_cannot_know():
    assert key("kollaider") == key("collider")
    assert key("bozon") == key("boson")
    assert key("fizika") != key("physics")  # the suffix is mapped first (-ika -> -ics), not by the key
    assert key("fiziks") == key("physics")
    assert key("havard") != key("award")  # an h is kept: Хавард is not "award"
    assert transliterate("Щётка") == "shchetka"


def test_plural():
    assert [plural(w) for w in ("photon", "box", "galaxy", "day")] == ["photons", "boxes", "galaxies", "days"]


@pytest.mark.parametrize("word, english", [
    ("диаметром", "diameter"),  # instrumental case of a noun: the lemma is looked up
    ("телескоп", "telescope"),
    ("телескопы", "telescopes"),  # a known plural gets an English plural
    ("Бозон", "Boson"),  # capitals kept
    ("фотонов", "photons"),  # genitive plural
    ("коллайдер", "collider"),  # -ай- is English -i-
    ("оптимизм", "optimism"),  # -изм -> -ism
    ("коалиции", "coalition"),  # -ция -> -tion
    ("апокалиптический", "apocalyptic"),  # adjective: -ический -> -ic
    ("паллиативный", "palliative"),  # -ивный -> -ive
])
def test_renders_internationalisms(cognates, word, english):
    assert cognates.english(word) == english


@pytest.mark.parametrize("word", [
    "скука",  # boredom: no English word shares it
    "пояснять",  # a verb: not looked up
    "москва",  # its key would meet "mosque" only through an -e the noun table does not try
    "Хавард",  # not "award"
    "в",  # too short to be specific
    "matirovannym",  # Latin transliterations are the flags' business, not rendered
    "ЦЕРНе1",
])
def test_leaves_words_english_does_not_share(cognates, word):
    assert cognates.english(word) == ""


def test_render_replaces_only_flagged_whole_words(cognates):
    from mtfix.rules.untranslated import Detector

    text = "A ring with диаметром in 27 kilometers, скука and телескопы; диаметромы stays."
    flags = Detector().flags(text)
    assert cognates.render(text, flags) == (
        "A ring with diameter in 27 kilometers, скука and telescopes; диаметромы stays.")
    assert cognates.render(text, []) == text


def test_render_takes_lower_case_transliterations_the_detector_reads(cognates):
    from mtfix.rules.untranslated import Detector

    text = "The bozony and fotonu were found, says Argumenty."
    assert cognates.render(text, Detector().flags(text)) == "The bosons and photon were found, says Argumenty."


def echo() -> FakeRewriter:
    return FakeRewriter(lambda s: s, keep_score=-0.1)


def test_corrector_renders_with_offsets_a_type_and_a_switch():
    text = "Intro. They built a ring with диаметром in 27 kilometers."
    result = Corrector(config=DEFAULT.with_(spelling=False), rewriter=echo()).correct(text)
    assert result.text == "Intro. They built a ring with diameter in 27 kilometers."
    (edit,) = result.edits
    assert text[edit.start:edit.end] == "диаметром" and edit.replacement == "diameter"
    assert edit.kind == "untranslated"
    assert result.sentences[1].status == "rewritten" and result.sentences[1].reason == ""
    assert result.signature.decoding["cognates"] == "translit"
    off = Corrector(config=DEFAULT.with_(spelling=False, cognates=False), rewriter=echo()).correct(text)
    assert off.text == text and "cognates" not in off.signature.decoding
    no_flags = Corrector(config=DEFAULT.with_(spelling=False, flags=False), rewriter=echo()).correct(text)
    assert no_flags.text == text  # the words to render are the flagged ones


def test_cognates_apply_when_the_model_rewrite_is_refused_and_reasons_list_the_stages():
    refused = FakeRewriter(lambda s: s.replace("ring", "ring 42"), keep_score=-0.5)
    (s,) = Corrector(rewriter=refused).correct("The ``ring'' with диаметром and peaple.").sentences
    assert s.output == 'The "ring" with diameter and people.'
    assert s.reason.startswith("cognates, spelling and typography only; the model's rewrite was refused: ")


def test_cli_cognates_switch(monkeypatch, tmp_path, capsys):
    from mtfix import cli

    monkeypatch.setattr(cli, "_corrector", lambda args: Corrector(config=cli._config(args), rewriter=echo()))
    src = tmp_path / "in.txt"
    src.write_text("A ring with диаметром.\n", encoding="utf-8")
    assert cli.main(["correct", str(src), "-q"]) == 0
    assert capsys.readouterr().out == "A ring with diameter.\n"
    assert cli.main(["correct", str(src), "-q", "--no-cognates"]) == 0
    assert capsys.readouterr().out == "A ring with диаметром.\n"
    parser = cli.build_parser()
    assert parser.parse_args(["eval", "--preset", "wmt13", "--no-cognates"]).cognates is False
    assert parser.parse_args(["check", str(src)]).cognates is False
