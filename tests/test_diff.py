"""Tests for mtfix.text.diff: typed word-level edits and their exact application."""
from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtfix.text.diff import KINDS, OPS, Edit, apply_edits, diff, tokenize

# (source, target, expected edits as (start, end, original, replacement, op, kind))
CASES: list[tuple[str, str, list[tuple[int, int, str, str, str, str]]]] = [
    ("This offer suck.", "This offer sucks.", [(11, 15, "suck", "sucks", "replace", "agreement")]),
    ("They was happy.", "They were happy.", [(5, 8, "was", "were", "replace", "agreement")]),
    ("He don't know.", "He doesn't know.", [(3, 8, "don't", "doesn't", "replace", "agreement")]),
    ("I eat a apple.", "I eat an apple.", [(6, 7, "a", "an", "replace", "article")]),
    ("this offer sucks.", "This offer sucks.", [(0, 4, "this", "This", "replace", "casing")]),
    ("This offer sucks", "This offer sucks.", [(16, 16, "", ".", "insert", "punctuation")]),
    ("Hello world", "Hello, world", [(5, 5, "", ",", "insert", "punctuation")]),
    ("Wait...", "Wait.", [(4, 7, "...", ".", "replace", "punctuation")]),
    ("a  b", "a b", [(1, 3, "  ", " ", "replace", "punctuation")]),
    ("one\r\ntwo", "one\ntwo", [(3, 5, "\r\n", "\n", "replace", "punctuation")]),
    # insertion: the word carries the following space and sits at the start of the next word
    ("I saw cat.", "I saw the cat.", [(6, 6, "", "the ", "insert", "article")]),
    ("It is good", "It is good too", [(10, 10, "", " too", "insert", "other")]),
    # deletion: the word and its following space; at the end, the preceding space
    ("I saw the very big cat.", "I saw the big cat.", [(10, 15, "very ", "", "delete", "other")]),
    ("It is good too.", "It is good.", [(10, 14, " too", "", "delete", "other")]),
    ("I will recieve it.", "I will receive it.", [(7, 14, "recieve", "receive", "replace", "spelling")]),
    ("Read form the top.", "Read from the top.", [(5, 9, "form", "from", "replace", "spelling")]),
    ("I in the house.", "I on the house.", [(2, 4, "in", "on", "replace", "preposition")]),
    ("The docker is trying to build from Russia the image.",
     "The docker is trying to build the image from Russia.",
     [(30, 51, "from Russia the image", "the image from Russia", "move", "word_order")]),
    ("I went yesterday to shop.", "Yesterday I went to the shop.",
     [(0, 16, "I went yesterday", "Yesterday I went", "move", "word_order"),
      (20, 20, "", "the ", "insert", "article")]),
    # a lone word dropped here and added there, with another change between: no move
    ("the dog go to shop", "dog goes to the shop",
     [(0, 4, "the ", "", "delete", "article"), (8, 10, "go", "goes", "replace", "agreement"),
      (14, 14, "", "the ", "insert", "article")]),
    ("Nice 😀", "Nice 👍", [(5, 6, "😀", "👍", "replace", "other")]),  # a symbol is no punctuation
    ("He go to school yesterday and buyed a apple.", "He went to school yesterday and bought an apple.",
     [(3, 5, "go", "went", "replace", "agreement"),
      (30, 37, "buyed a", "bought an", "replace", "other")]),  # agreement + article: mixed
    # merged: edits separated only by whitespace become one (same kinds → that kind)
    ("This offer suck", "These offers sucks",
     [(0, 15, "This offer suck", "These offers sucks", "replace", "agreement")]),
    # merged, kinds differ → other; shared outer whitespace is trimmed off
    ("He go school", "He goes to school", [(3, 5, "go", "goes to", "replace", "other")]),
    ("the cat", "a big cat", [(0, 3, "the", "a big", "replace", "other")]),
    # casing riding along with punctuation counts as punctuation
    ("hello world", "Hello, world", [(0, 5, "hello", "Hello,", "replace", "punctuation")]),
    # emoji is one code point: "suck" starts at 13, not at its UTF-16 (14) or UTF-8 (16) offset
    ("😀 This offer suck.", "😀 This offer sucks.", [(13, 17, "suck", "sucks", "replace", "agreement")]),
    ("", "Hello", [(0, 0, "", "Hello", "insert", "other")]),
    ("Hello", "", [(0, 5, "Hello", "", "delete", "other")]),
    ("He is a very clever boy.", "He is a very smart boy.",
     [(13, 19, "clever", "smart", "replace", "lexical_choice")]),
    ("Same.", "Same.", []),
    ("", "", []),
]


@pytest.mark.parametrize(("source", "target", "expected"), CASES, ids=[f"{s!r}->{t!r}" for s, t, _ in CASES])
def test_diff_table(source: str, target: str, expected: list[tuple[int, int, str, str, str, str]]) -> None:
    edits = diff(source, target)
    got = [(e.start, e.end, e.original, e.replacement, e.op, e.kind) for e in edits]
    assert got == expected
    assert apply_edits(source, edits) == target


def test_offset_shifts_edits_into_document() -> None:
    doc = "First one. This offer suck. Last."
    start = doc.index("This")
    sentence = doc[start:doc.index(" Last")]
    edits = diff(sentence, "This offer sucks.", offset=start)
    assert [(e.start, e.end, e.original) for e in edits] == [(start + 11, start + 15, "suck")]
    assert apply_edits(doc, edits) == "First one. This offer sucks. Last."


def test_edits_from_several_sentences_apply_to_document() -> None:
    doc = "He go home. I saw cat."
    edits = diff("He go home.", "He goes home.", offset=0) + diff("I saw cat.", "I saw the cat.", offset=12)
    assert apply_edits(doc, edits) == "He goes home. I saw the cat."


def test_confidence_passed_through() -> None:
    edits = diff("He go to school yesterday.", "He went to the school.", confidence=0.25)
    assert edits and all(e.confidence == 0.25 for e in edits)


def test_edit_dict_round_trip() -> None:
    (e,) = diff("This offer suck.", "This offer sucks.", confidence=0.5)
    assert Edit.from_dict(e.to_dict()) == e
    assert Edit.from_dict({**e.to_dict(), "future_field": 1}) == e


def test_tokenize_keeps_words_together() -> None:
    toks = [t.text for t in tokenize("I can’t, don't… naïve 😀\u200d👍 x\r\n")]
    assert toks == ["I", " ", "can’t", ",", " ", "don't", "…", " ", "naïve", " ",
                    "😀\u200d👍", " ", "x", "\r\n"]
    # combining mark stays with its letter
    assert [t.text for t in tokenize("nai\u0308ve")] == ["nai\u0308ve"]


# --------------------------------------------------------------------------- apply_edits errors


def test_apply_edits_rejects_wrong_original() -> None:
    with pytest.raises(ValueError, match="expects 'suck'"):
        apply_edits("This offer sock.", [Edit(11, 15, "suck", "sucks", "replace", "agreement")])


def test_apply_edits_rejects_overlap() -> None:
    edits = [Edit(0, 4, "This", "That", "replace", "other"), Edit(2, 10, "is offer", "x", "replace", "other")]
    with pytest.raises(ValueError, match="overlap"):
        apply_edits("This offer suck.", edits)


def test_apply_edits_rejects_two_insertions_at_one_point() -> None:
    edits = [Edit(5, 5, "", "a ", "insert", "other"), Edit(5, 5, "", "b ", "insert", "other")]
    with pytest.raises(ValueError, match="overlap"):
        apply_edits("This offer.", edits)


def test_apply_edits_rejects_out_of_range() -> None:
    with pytest.raises(ValueError, match="out of range"):
        apply_edits("short", [Edit(3, 9, "rt", "x", "replace", "other")])


def test_apply_edits_accepts_any_order() -> None:
    s, t = "He go to school yesterday and buyed a apple.", "He went to school yesterday and bought an apple."
    assert apply_edits(s, list(reversed(diff(s, t)))) == t


# --------------------------------------------------------------------------- properties

WORDS = ["the", "a", "an", "cat", "Cat", "sat", "sits", "on", "mat", "is", "are", "was", "were", "big",
         "recieve", "receive", "can't", ",", ".", "!", "😀", "naïve", "שלום", "עולם", "\u200b"]
SEPS = [" ", " ", " ", "  ", "\n", "\r\n", "\t", ""]
# Text from a small alphabet of troublemakers, so collisions (and thus real alignments) are frequent.
TRICKY_CHARS = "ab AB.,'’\r\n\t😀🇩🇪\u0301\u200d\u200b\u200f\u05d0\u05d1é\U0001f3fd"
TRICKY = st.text(alphabet=st.sampled_from(list(TRICKY_CHARS)), max_size=40)


@st.composite
def mutated_pair(draw: st.DrawFn) -> tuple[str, str]:
    """A word sequence and a copy with words deleted, inserted, replaced, moved, re-cased."""
    words = draw(st.lists(st.sampled_from(WORDS), max_size=15))
    seps = draw(st.lists(st.sampled_from(SEPS), min_size=len(words), max_size=len(words)))
    out = list(words)
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["del", "ins", "sub", "move", "case"]))
        if action == "ins" or not out:
            out.insert(draw(st.integers(0, len(out))), draw(st.sampled_from(WORDS)))
            continue
        i = draw(st.integers(0, len(out) - 1))
        if action == "del":
            out.pop(i)
        elif action == "sub":
            out[i] = draw(st.sampled_from(WORDS))
        elif action == "case":
            out[i] = out[i].swapcase()
        else:
            w = out.pop(i)
            out.insert(draw(st.integers(0, len(out))), w)
    source = "".join(w + s for w, s in zip(words, seps, strict=True)).strip(" ")
    target = " ".join(out)
    return source, target


def check_edits(source: str, target: str, edits: list[Edit]) -> None:
    assert apply_edits(source, edits) == target
    for e in edits:
        assert source[e.start:e.end] == e.original
        assert e.original != e.replacement
        assert e.op in OPS and e.kind in KINDS
        assert (e.op == "insert") == (e.original == "")
        assert e.op != "delete" or e.replacement == ""
    for a, b in pairwise(edits):
        assert a.end < b.start  # sorted, non-overlapping, and never merely touching (those merge)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_roundtrip_arbitrary_text(source: str, target: str) -> None:
    check_edits(source, target, diff(source, target))


@settings(max_examples=300, deadline=None)
@given(TRICKY, TRICKY)
def test_roundtrip_tricky_alphabet(source: str, target: str) -> None:
    check_edits(source, target, diff(source, target))


@settings(max_examples=300, deadline=None)
@given(mutated_pair())
def test_roundtrip_mutated_words(pair: tuple[str, str]) -> None:
    source, target = pair
    check_edits(source, target, diff(source, target))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), TRICKY), st.integers(0, 1000))
def test_identical_strings_give_no_edits(text: str, offset: int) -> None:
    assert diff(text, text, offset=offset) == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20), mutated_pair(), st.text(max_size=20))
def test_offset_places_edits_in_document(prefix: str, pair: tuple[str, str], suffix: str) -> None:
    source, target = pair
    doc = prefix + source + suffix
    edits = diff(source, target, offset=len(prefix))
    assert [(e.start - len(prefix), e.end - len(prefix)) for e in edits] == \
        [(e.start, e.end) for e in diff(source, target)]
    assert apply_edits(doc, edits) == prefix + target + suffix


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), TRICKY))
def test_tokenize_is_lossless(text: str) -> None:
    toks = tokenize(text)
    assert "".join(t.text for t in toks) == text
    assert all(text[t.start:t.start + len(t.text)] == t.text for t in toks)
