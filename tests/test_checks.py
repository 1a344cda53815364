"""Bilingual checks (mtfix.checks): planted faults are found at exact offsets, clean controls give nothing."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mtfix.checks import (
    DEFAULT_KINDS,
    KINDS,
    Finding,
    Glossary,
    GlossaryError,
    breaks,
    check_consistency,
    check_file,
    check_glossary,
    check_markup,
    check_numbers,
    check_punctuation,
    check_segment,
    check_untranslated,
    guess_lang,
    load_glossary,
)
from mtfix.checks import dictionary as dictionary_mod
from mtfix.checks.glossary import lemmas


def spans(findings: list[Finding]) -> list[tuple[str, str, int | None, int | None, int | None, int | None]]:
    return [(f.kind, f.severity, f.start, f.end, f.source_start, f.source_end) for f in findings]


# ------------------------------------------------------------------------------------------------ Finding

def test_finding_round_trip_and_shift() -> None:
    f = Finding("number", "error", "m", start=3, end=5, source_start=1, source_end=2, suggestion="5")
    assert Finding.from_dict(f.to_dict()) == f
    assert Finding.from_dict({**f.to_dict(), "future_field": 1}) == f
    moved = f.shift(10)
    assert (moved.start, moved.end, moved.source_start, moved.source_end) == (13, 15, 1, 2)
    assert Finding("markup", "warning", "m").shift(10).start is None


@pytest.mark.parametrize("kwargs, word", [
    ({"kind": "spelling", "severity": "error"}, "kind"),
    ({"kind": "number", "severity": "fatal"}, "severity"),
    ({"kind": "number", "severity": "error", "start": 5, "end": 2}, "span"),
    ({"kind": "number", "severity": "error", "start": 5}, "span"),
])
def test_finding_refuses_bad_values(kwargs: dict[str, object], word: str) -> None:
    with pytest.raises(ValueError, match=word):
        Finding(message="m", **kwargs)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------ numbers

NUMBER_CLEAN = [
    ("Цена 1 000,5 руб.", "The price is 1,000.5 rubles."),
    ("Цена 1\u00a0000,5 руб.", "The price is 1,000.5 rubles."),
    ("Цена 1\u202f000,5 руб.", "The price is 1,000.5 rubles."),
    ("Стоит 5 000 $", "It costs $5,000"),
    ("Рост 15%", "Growth of 15 %"),
    ("Рост 15 процентов", "Growth of 15%"),
    ("Рост 3,5%", "Growth of 3.5%"),
    ("Было 2 кота", "There were two cats"),
    ("Это было 12.03.2013", "It was on March 12, 2013"),
    ("Это было 12.03.2013", "It was on 12/03/2013"),
    ("в 1990-х", "in the 1990s"),
    ("в 90-х годах", "in the 1990s"),
    ("в 19:00", "at 7 p.m."),
    ("В 17 часов 47 минут", "At 5:47 p.m."),
    ("5 млн рублей", "5,000,000 rubles"),
    ("1,5 млрд долларов", "$1.5 billion"),
    ("XX век", "The 20th century"),
    ("двух людей", "2 people"),
    ("46 кораблей", "Forty-six ships"),
    ("восемнадцатилетней девушкой", "an 18-year-old girl"),
    ("В сезоне-2019/20", "In the 2019/2020 season"),
    ("Zahl 1.000,5", "Number 1,000.5"),
    ("Il y a 3,5 %", "There is 3.5%"),
    # Regressions, keyed by the judged false findings they fix (docs/checks-precision.md).
    ("с начала семидесятых", "since the early 1970s"),
    ("от десяти до ста раз меньше", "from 10 to 100 times smaller"),
    ("в 01\u058923 часов", "at 0123 hours"),
    ("в течение суток", "within 24 hours"),
]


@pytest.mark.parametrize("source, target", NUMBER_CLEAN)
def test_numbers_clean(source: str, target: str) -> None:
    assert check_numbers(source, target) == []


def test_number_missing_and_added_with_offsets() -> None:
    source, target = "Было 1 000,5 кошек и 7 собак.", "There were 1,000.5 cats and 8 dogs."
    found = check_numbers(source, target)
    assert spans(found) == [("number", "error", None, None, 21, 22), ("number", "warning", 28, 29, None, None)]
    assert found[0].suggestion == "7"


def test_number_missing_suggests_english_form() -> None:
    (f,) = check_numbers("Собрали 10 000,5 тонн.", "They gathered tons.")
    assert (f.source_start, f.source_end, f.suggestion) == (8, 16, "10,000.5")


def test_number_wrong_decimal_is_reported() -> None:
    found = check_numbers("Рост 3,5%", "Growth of 35%")
    assert spans(found) == [("number", "error", None, None, 5, 8), ("number", "warning", 10, 12, None, None)]


# ------------------------------------------------------------------------------------------------ markup

MARKUP_CLEAN = [
    ("Привет, {name}! У вас %d сообщений.", "Hello, {name}! You have %d messages."),
    ("<b>Жирный</b> и <x id=\"1\"/>", "<b>Bold</b> and <x id=\"1\"/>"),
    ("<g id=\"2\">ссылка</g>", "<g id=\"2\">link</g>"),
    ("<a title=\"Заголовок\" href=\"/x\">тут</a>", "<a title=\"Title\" href=\"/x\">here</a>"),
    ("См. https://example.com/a.", "See https://example.com/a."),
    ("Пишите: info@example.ru, #mtfix, @bob, %1$s, $HOME, {{x}}",
     "Write to: info@example.ru, #mtfix, @bob, %1$s, $HOME, {{x}}"),
    ("Рост 50% годовых", "Growth of 50% a year"),
]


@pytest.mark.parametrize("source, target", MARKUP_CLEAN)
def test_markup_clean(source: str, target: str) -> None:
    assert check_markup(source, target) == []


def test_markup_missing_changed_added() -> None:
    source = "Нажмите <b>{0}</b> и %s"
    target = "Press <b>{1}</b> and <i>"
    found = check_markup(source, target)
    assert spans(found) == [
        ("markup", "error", 9, 12, 11, 14),  # {0} -> {1}
        ("markup", "error", None, None, 21, 23),  # %s dropped
        ("markup", "warning", 21, 24, None, None),  # <i> added
    ]
    assert found[0].suggestion == "{0}" and found[1].suggestion == "%s"


def test_markup_broken_url_is_reported() -> None:
    (f,) = check_markup("Адрес: http://ca.movember.com/fr", "Address: http: / / ca.movember.com / fr")
    assert (f.severity, f.source_start, f.source_end, f.start) == ("error", 7, 32, None)


# ------------------------------------------------------------------------------------------------ untranslated

def test_untranslated_runs_of_cyrillic() -> None:
    source = "Она сидит с бочкой масла, которую катает туда-сюда."
    target = "She sits with бочкой oils, which катает туда-сюда."
    found = check_untranslated(source, target)
    assert spans(found) == [("untranslated", "error", 14, 20, 12, 18), ("untranslated", "error", 33, 49, 34, 50)]


def test_untranslated_identical_target() -> None:
    source = "Это предложение не переведено."
    assert spans(check_untranslated(source, source)) == [("untranslated", "error", 0, 30, 0, 30)]


@pytest.mark.parametrize("source, target, lang", [
    ("Она сидит дома.", "She is at home.", "ru"),
    ("Real Madrid Barcelona", "Real Madrid Barcelona", "xx"),  # names only
    ("12 345", "12 345", "ru"),
    ("http://example.com", "http://example.com", "ru"),
    ("Hallo Welt", "Hallo Welt", "de"),  # two words
    ("Der Hund schläft gut.", "The dog sleeps well.", "de"),
])
def test_untranslated_clean(source: str, target: str, lang: str) -> None:
    assert check_untranslated(source, target, source_lang=lang) == []


def test_untranslated_identical_latin_source() -> None:
    text = "Der Hund schläft heute gut."
    assert spans(check_untranslated(text, text, source_lang="de")) == [("untranslated", "error", 0, 27, 0, 27)]


# ------------------------------------------------------------------------------------------------ consistency

def test_consistency_both_directions() -> None:
    pairs = [
        ("Кот спит.", "The cat sleeps."),
        ("Собака лает громко.", "The dog barks loudly at night."),
        ("кот  спит", "The cat is sleeping."),
        ("Кошка тихо мяукает днём.", "The dog barks loudly at night"),
        ("Да.", "Yes."),
        ("Да уж.", "Yes."),  # short shared target: not reported
        ("ВМФ России растёт.", "The Russian Navy is growing fast."),
        ("Военно-морской флот России растёт.", "The Russian Navy is growing fast."),  # near-paraphrase sources
    ]
    found = check_consistency(pairs)
    assert [len(x) for x in found] == [1, 1, 1, 1, 0, 0, 0, 0]
    assert "segment 2" in found[0][0].message and "segment 0" in found[2][0].message
    assert "segment 3" in found[1][0].message and "segment 1" in found[3][0].message
    assert (found[0][0].start, found[0][0].end) == (0, 15)


def test_consistency_clean() -> None:
    pairs = [("Кот спит.", "The cat sleeps."), ("Кот спит", "the cat sleeps"), ("123", "123"), ("123", "124")]
    assert check_consistency(pairs) == [[], [], [], []]


# ------------------------------------------------------------------------------------------------ punctuation

PUNCT_FAULTS = [
    ("Где он?", "Where is he.", ("punctuation", "warning", 11, 12, 6, 7), "?"),
    ("Где он?", "Where is he", ("punctuation", "warning", 11, 11, 6, 7), "?"),
    ("Состав:", "Contents", ("punctuation", "warning", 8, 8, 6, 7), ":"),
    ("Ура!", "Hurray", ("punctuation", "warning", 6, 6, 3, 4), "!"),
    ("Он ушёл.", "He left", ("punctuation", "warning", 7, 7, 7, 8), "."),
    ("Он сказал «да».", "He said \"yes\"", ("punctuation", "warning", 13, 13, 13, 15), "."),
    ("Он ушёл.", "he left.", ("punctuation", "warning", 0, 1, 0, 1), "H"),
]


@pytest.mark.parametrize("source, target, expected, suggestion", PUNCT_FAULTS)
def test_punctuation_faults(source: str, target: str, expected: tuple[object, ...], suggestion: str) -> None:
    (f,) = check_punctuation(source, target)
    assert spans([f])[0] == expected and f.suggestion == suggestion


@pytest.mark.parametrize("source, target", [
    ("Он сказал «да».", "He said \"yes.\""),
    ("Где он?»", "\"Where is he?\""),
    ("Заголовок статьи", "Article headline."),  # no final punctuation in the source
    ("Ура!", "Hurray."),
    ("Ну и вот...", "And so…"),
    ("Он ушёл…", "He left."),
    ("iPhone вышел.", "iPhone is out."),
    ("Apple выпустила iPhone.", "iPhone was released by Apple."),
    ("— Да, — сказал он.", "\"Yes,\" he said."),
])
def test_punctuation_clean(source: str, target: str) -> None:
    assert check_punctuation(source, target) == []


# ------------------------------------------------------------------------------------------------ glossary

def write(tmp_path: Path, text: str, name: str = "g.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_glossary_loads_tsv(tmp_path: Path) -> None:
    path = write(tmp_path, "source\ttarget\tforbidden\n# a comment\n\nконтракт\tcontract\tagreement|deal; pact\n"
                           "государственный заказ\tgovernment procurement\n")
    g = load_glossary(path)
    assert [(e.source, e.target, e.forbidden, e.line) for e in g.entries] == [
        ("контракт", "contract", ("agreement", "deal", "pact"), 4),
        ("государственный заказ", "government procurement", (), 5)]


@pytest.mark.parametrize("text, message", [
    ("контракт\n", ":1: expected 2 or 3 tab-separated columns (source, target[, forbidden]), got 1"),
    ("# c\nа\tb\tc\td\n", ":2: expected 2 or 3 tab-separated columns (source, target[, forbidden]), got 4"),
    ("контракт\t\n", ":1: the target term is empty"),
    ("\tcontract\n", ":1: the source term is empty"),
])
def test_glossary_errors(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(GlossaryError) as err:
        load_glossary(path)
    assert str(err.value) == f"{path}{message}"
    assert isinstance(err.value, ValueError)


def test_glossary_tbx(tmp_path: Path) -> None:
    tbx = """<?xml version="1.0"?><martif type="TBX"><text><body>
      <termEntry><langSet xml:lang="ru"><tig><term>контракт</term></tig></langSet>
      <langSet xml:lang="en"><tig><term>contract</term></tig>
      <tig><term>agreement</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
      </langSet></termEntry></body></text></martif>"""
    g = load_glossary(write(tmp_path, tbx, "g.tbx"))
    assert [(e.source, e.target, e.forbidden) for e in g.entries] == [("контракт", "contract", ("agreement",))]


def test_lemmas_both_sides() -> None:
    assert "контракт" in lemmas("контракта")
    assert "contract" in lemmas("contracts")
    assert "contract" not in lemmas("contractor")


GLOSSARY = Glossary.from_pairs([("контракт", "contract", "agreement"), ("государственный заказ", "public order")])


def test_glossary_required_term_missing() -> None:
    source, target = "Условия контракта изменились.", "The terms of the deal changed."
    (f,) = check_glossary(source, target, GLOSSARY)
    assert spans([f]) == [("glossary", "error", None, None, 8, 17)] and f.suggestion == "contract"


def test_glossary_forbidden_variant() -> None:
    source, target = "Подписали два контракта.", "They signed two agreements."
    found = check_glossary(source, target, GLOSSARY)
    # One finding: the forbidden variant says the required term is missing as well.
    assert spans(found) == [("glossary", "error", 16, 26, 14, 23)]
    assert found[0].suggestion == "contract"


@pytest.mark.parametrize("source, target", [
    ("Подписали два контракта.", "They signed two contracts."),
    ("Выполнен государственный заказ.", "The public order was fulfilled."),
    ("Выполнены государственные заказы.", "Public orders were fulfilled."),
    ("Это соглашение.", "This is an agreement."),  # forbidden variant, but no source term
])
def test_glossary_clean(source: str, target: str) -> None:
    assert check_glossary(source, target, GLOSSARY) == []


# ------------------------------------------------------------------------------------------------ run

def test_check_segment_sorted_and_filtered() -> None:
    source, target = "Где {x} 5 кошек?", "where 6 cats"
    found = check_segment(source, target, kinds=KINDS)
    assert [f.kind for f in found] == ["punctuation", "number", "punctuation", "markup", "number"]
    assert [(f.start, f.source_start) for f in found] == [(0, 0), (6, None), (12, 15), (None, 4), (None, 8)]
    assert {f.kind for f in check_segment(source, target, kinds=["number"])} == {"number"}
    with pytest.raises(ValueError, match="unknown check kind"):
        check_segment(source, target, kinds=["spelling"])


def test_guess_lang() -> None:
    assert (guess_lang("Привет"), guess_lang("Hallo")) == ("ru", "xx")


def test_check_file_adds_consistency() -> None:
    pairs = [("Кот спит.", "The cat sleeps."), ("Кот спит.", "A cat is asleep.")]
    found = check_file(pairs, kinds=["inconsistent", "number"])
    assert [[f.kind for f in seg] for seg in found] == [["inconsistent"], ["inconsistent"]]


def test_breaks() -> None:
    source = "Подписали 2 контракта в 2013 году."
    original = "Two contracts were signed in 2013."
    assert breaks(source, original, "2 contracts were signed in 2013.", GLOSSARY) == []
    broken = breaks(source, original, "Two agreements were signed in 2014.", GLOSSARY)
    assert sorted((f.kind, f.severity) for f in broken) == [
        ("glossary", "error"), ("number", "error"), ("number", "warning")]
    assert breaks(source, "Agreements signed in 2014.", "Agreements signed in 2014!", GLOSSARY) == []


def test_default_kinds_are_kinds() -> None:
    assert DEFAULT_KINDS <= set(KINDS)


def test_package_imports_no_heavy_modules() -> None:
    code = ("import sys, mtfix.checks; bad = [m for m in sys.modules if m.split('.')[0] in "
            "('torch', 'transformers', 'pymorphy3', 'lemminflect')]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------------------------------------ dictionary

def test_dictionary_missing_is_empty(tmp_path: Path) -> None:
    assert dictionary_mod.available(tmp_path) is False
    assert dictionary_mod.render("собака", tmp_path) == []


def test_transliteration() -> None:
    assert "матированным" in dictionary_mod.transliterations("matirovannym")
    assert "собака" in dictionary_mod.transliterations("sobaka")
    assert dictionary_mod.transliterations("qqqzzz") == []


@pytest.mark.skipif(not dictionary_mod.available(), reason="FreeDict eng-rus not installed "
                    "(apt-get install dict-freedict-eng-rus)")
def test_dictionary_renders() -> None:
    dog = dictionary_mod.render("собаки")
    assert "dog" in [r.english for r in dog] and dog[0].lemma == "собака"
    assert "dog" in [r.english for r in dictionary_mod.render("sobaku")]
    assert all(0 < r.confidence <= 1 for r in dictionary_mod.render("красивый"))
    assert dictionary_mod.render("matirovannym") == []  # the 1,700-headword dictionary has no матированный
