"""Edit types against hand-labelled MT repairs: ERRANT (when installed) and the rule fallback."""
from __future__ import annotations

import pytest

from mtfix.rules.untranslated import Detector, Flag
from mtfix.text.diff import KINDS, diff
from mtfix.text.edittypes import errant_available, errant_kind, retype

# (MT output, its repair, the kind of each edit in order, labelled by hand; True if rules get it too)
LABELLED = [
    ("The president have said it.", "The president has said it.", ["agreement"], True),
    ("Two reason were given.", "Two reasons were given.", ["agreement"], True),
    ("He go to school yesterday.", "He went to school yesterday.", ["agreement"], True),
    ("I saw cat in the garden.", "I saw a cat in the garden.", ["article"], True),
    ("The Moscow is big city.", "Moscow is a big city.", ["article", "article"], True),
    ("She is in the home.", "She is at home.", ["other"], False),  # preposition + dropped article
    ("We arrived to Paris.", "We arrived in Paris.", ["preposition"], True),
    ("He depends from his parents.", "He depends on his parents.", ["preposition"], True),
    ("It was a very strong rain.", "It was a very heavy rain.", ["lexical_choice"], True),
    ("The government took a decision.", "The government made a decision.", ["lexical_choice"], False),
    ("The meeting will be tomorow.", "The meeting will be tomorrow.", ["spelling"], True),
    ("They recieved the letter.", "They received the letter.", ["spelling"], True),
    ("I like very much this film.", "I like this film very much.", ["word_order"], True),
    ("Hello world", "Hello, world", ["punctuation"], True),
    ("he said so.", "He said so.", ["casing"], True),
    ("It is an apple and a orange.", "It is an apple and an orange.", ["article"], True),
    ("The company has many worker.", "The company has many workers.", ["agreement"], True),
    ("She interested in music.", "She is interested in music.", ["other"], False),  # a missing verb
    ("The river is deep and dangerously.", "The river is deep and dangerous.", ["agreement"], True),
    ("Матированным glass is used.", "Frosted glass is used.", ["untranslated"], False),
]


def _kinds(source: str, target: str, mode: str, flags: tuple[Flag, ...] | None = None) -> list[str]:
    if flags is None:  # the detector's own flags, as the pipeline passes them
        flags = tuple(Detector().flags(source))
    return [e.kind for e in retype(source, target, diff(source, target), 0, flags, mode)]


@pytest.mark.parametrize("source,target,kinds,rules_too", LABELLED, ids=[row[0] for row in LABELLED])
def test_rules_types(source: str, target: str, kinds: list[str], rules_too: bool) -> None:
    got = _kinds(source, target, "rules")
    assert all(k in KINDS for k in got)
    if rules_too:
        assert got == kinds


@pytest.mark.skipif(not errant_available(), reason="ERRANT (mtfix[types]) is not installed")
@pytest.mark.parametrize("source,target,kinds,rules_too", LABELLED, ids=[row[0] for row in LABELLED])
def test_errant_types(source: str, target: str, kinds: list[str], rules_too: bool) -> None:
    assert _kinds(source, target, "errant") == kinds


def test_flagged_word_is_untranslated_whatever_the_classifier() -> None:
    source, target = "The glass was matirovannym.", "The glass was frosted."
    flag = Flag(14, 26, "untranslated", "matirovannym", "матированным", "матировать", 0.9)
    assert _kinds(source, target, "rules", (flag,)) == ["untranslated"]
    assert _kinds(source, target, "rules", ()) == ["lexical_choice"]


@pytest.mark.parametrize("errant_type,original,correction,kind", [
    ("R:VERB:SVA", "have", "has", "agreement"), ("M:DET", "", "the", "article"), ("R:DET", "this", "that", "other"),
    ("U:PREP", "of", "", "preposition"), ("R:ORTH", "paris", "Paris", "casing"), ("R:ORTH", "to day", "today",
                                                                                     "punctuation"),
    ("R:WO", "very much this", "this very much", "word_order"), ("R:NOUN", "rain", "shower", "lexical_choice"),
    ("UNK", "x", "y", "other"),
])
def test_errant_kind_mapping(errant_type: str, original: str, correction: str, kind: str) -> None:
    assert errant_kind(errant_type, original, correction) == kind


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown edit typing 'spacy'; choose from auto, errant, rules"):
        retype("a", "b", diff("a", "b"), mode="spacy")
