"""The gate: cleaning chat artefacts off proposals, and each guard refusing what it should."""
from __future__ import annotations

import pytest

from mtfix.model.rewriter import Rewrite
from mtfix.rules.gate import _name_spans, clean, judge

CLEAN_CASES = [  # (proposal, source, cleaned)
    ("Sure! Here is the corrected sentence: This offer sucks.", "This offer suck.", "This offer sucks."),
    ("Corrected sentence: This offer sucks.", "This offer suck.", "This offer sucks."),
    ('"This offer sucks."', "This offer suck.", "This offer sucks."),
    ("“This offer sucks.”", "This offer suck.", "This offer sucks."),
    ("This offer sucks. I hope this helps!", "This offer suck.", "This offer sucks."),
    ("This offer sucks.\nExplanation: agreement.", "This offer suck.", "This offer sucks."),
    ("New budget for the libraries.", "New budget for the library", "New budget for the libraries"),
    ("The libraries are closed.", "– The libraries is closed.", "– The libraries are closed."),
    ("people cannot take the books.", "people cannot to take the books.”", "people cannot take the books.”"),
    # What the source itself has is kept.
    ('"Quoted," he said.', '"Quoted," he say.', '"Quoted," he said.'),
    ("Two sentences. Both kept.", "Two sentence. Both kept.", "Two sentences. Both kept."),
]


@pytest.mark.parametrize(("proposal", "source", "cleaned"), CLEAN_CASES)
def test_clean(proposal: str, source: str, cleaned: str) -> None:
    assert clean(proposal, source) == cleaned


GOOD = Rewrite("", score=-0.1, keep_score=-1.0)
REFUSALS = [  # (source, proposal, reason starts with)
    ("This offer suck.", "", "empty rewrite"),
    ("This offer suck.", "As an AI language model I think this offer sucks.", "chat artefact"),
    ("The budget grew by 12% in 2015.", "The budget grew by 15% in 2015.", "numbers changed"),
    ("Yesterday Lavrov said it to Petrov.", "Yesterday he said it to Petrov.", "name dropped (Lavrov)"),
    ("This was stated by the chairman in an interview to local radio today.",
     "The chairman said it today.", "length ratio"),
    ("This offer suck, and everybody know it, said the deputy from the region.",
     "This offer sucks, said the deputy from the region.", "content dropped"),
    ("The offer is bad.", "The offer is bad and the weather in the capital was also bad.", "length ratio"),
    ("The budget was approved by council members on Tuesday evening.",
     "The budget was approved by all of the many council members on Tuesday evening.", "content invented"),
    ("The cat sat on the mat.", "A dog ran in the park.", "too different"),
    ("“We agree, – said he.", "We agree, said he.", "quotes or dashes changed"),
    ("One line\nonly.", "One line only.", "line breaks changed"),
    ("The Freedom from Religion Foundation erected a monument.",
     "The Freedom of Religion Foundation erected a monument.", "name changed (Freedom from Religion Foundation)"),
    ("It will be shown at The Game Awards 2019.", "It will be shown at the Game Awards 2019.",
     "name changed (The Game Awards)"),
    ("Did you happen to see a man naked, as it were?", "Did you happen to see a man naked, as it was?",
     "fixed expression changed (as it were)"),
    ("It would be better if he were here.", "It would be better if he was here.",
     "fixed expression changed (if he were)"),
]


@pytest.mark.parametrize(("source", "proposal", "reason"), REFUSALS)
def test_guards_refuse(source: str, proposal: str, reason: str) -> None:
    verdict = judge(source, Rewrite(proposal, GOOD.score, GOOD.keep_score))
    assert verdict.status == "rejected"
    assert verdict.output == source
    assert verdict.reason.startswith(reason), verdict.reason


def test_accepts_a_good_fix() -> None:
    verdict = judge("This offer suck.", Rewrite("This offer sucks.", -0.1, -1.0))
    assert (verdict.status, verdict.output, verdict.reason) == ("rewritten", "This offer sucks.", "")


def test_fixes_around_names_and_fixed_expressions_pass() -> None:
    for source, fixed in [
            ("The Ministry of Internal Affairs have said it.", "The Ministry of Internal Affairs has said it."),
            ("As it were, he say so.", "As it were, he says so."),
            ("We met Sergei Lavrov in the Moscow.", "We met Sergei Lavrov in Moscow.")]:
        verdict = judge(source, Rewrite(fixed, GOOD.score, GOOD.keep_score))
        assert (verdict.status, verdict.output) == ("rewritten", fixed), verdict.reason


@pytest.mark.parametrize(("text", "names"), [
    ("The Freedom from Religion Foundation (FFRF) erected it in Alabama.", ["Freedom from Religion Foundation"]),
    ("He met Vladimir Putin and the President of Russia. Then Sergei Lavrov spoke.",
     ["Vladimir Putin", "President of Russia", "Sergei Lavrov"]),
    ("Elden Ring: Game to be shown at The Game Awards", ["The Game Awards"]),  # "Game" starts a clause
    ("They live in New York, Moscow and Paris.", ["New York"]),  # a comma or "and" ends a name
    ("He said: Go Home.", []),  # a capital after a colon starts a clause
])
def test_name_spans(text: str, names: list[str]) -> None:
    assert _name_spans(text) == names


def test_model_preference_and_truncation() -> None:
    assert judge("This offer suck.", Rewrite("This offer sucks.", -2.0, -1.0)).reason == "model prefers the original"
    truncated = Rewrite("This offer sucks.", -0.1, -1.0, truncated=True)
    assert judge("This offer suck.", truncated).reason == "unfinished (token budget)"


def test_skipped_and_identical_are_unchanged() -> None:
    assert judge("Very long.", Rewrite("Very long.", skipped="too long")).status == "unchanged"
    assert judge("Fine.", Rewrite("Fine.", -0.1, -0.1)).status == "unchanged"


@pytest.mark.parametrize(("source", "proposal", "changed"), [
    ("This offer suck.", "This offer sucks.", 1),
    ("you feel humiliated.", "You feel humiliated.", 0),  # casing alone changes no word
    ("This was very successful season.", "This was a very successful season.", 1),
    ("whether it on herself will take leading role", "whether it will take the leading role", 3),
])
def test_changed_words(source: str, proposal: str, changed: int) -> None:
    from mtfix.rules.gate import changed_words

    assert changed_words(source, proposal) == changed


def test_edit_size_bound() -> None:
    from mtfix.config import DEFAULT

    source, proposal = "whether it on herself will take leading role", "whether it will take the leading role"
    bounded = DEFAULT.with_(max_changed_words=2, min_chrf=0.0)
    verdict = judge(source, Rewrite(proposal, -0.1, -1.0), bounded)
    assert (verdict.status, verdict.reason) == ("rejected", "3 words changed (at most 2)")
    assert judge(source, Rewrite(proposal, -0.1, -1.0), bounded.with_(max_changed_words=3)).status == "rewritten"
    assert judge(source, Rewrite(proposal, -0.1, -1.0), DEFAULT.with_(min_chrf=0.0)).status == "rewritten"  # 0 = none
    assert "max_changed" in bounded.decoding() and "max_changed" not in DEFAULT.decoding()


@pytest.mark.parametrize(("source", "proposal", "dropped"), [
    ("“This offer suck, and everybody know it”, – declared the deputy.",
     "“This offer, and everybody know it”, – declared the deputy.", "suck"),
    ("found dozens of bodies of dead women", "found dozens of dead women", "bodies"),
    ("people cannot to take the books", "people cannot take the books", ""),  # a function word: a repair
    ("including the Saturday", "including Saturday", ""),
    ("This offer suck.", "This offer sucks.", ""),  # a replacement, not a deletion
    ("very very good news", "very good news", ""),  # still there
])
def test_dropped_content_word(source: str, proposal: str, dropped: str) -> None:
    from mtfix.rules.gate import dropped_content_word

    assert dropped_content_word(source, proposal) == dropped
    if dropped:
        verdict = judge(source, Rewrite(proposal, GOOD.score, GOOD.keep_score))
        assert (verdict.status, verdict.reason) == ("rejected", f"content dropped ({dropped})")


@pytest.mark.parametrize(("source", "proposal", "invented"), [
    ("The King has officially 14 wives.", "The King has officially married 14 wives.", "married"),
    ("a waiter or bellhop in hotel", "a waiter or bellhop in the hotel", ""),  # an article: a repair
    ("so have to acknowledge it", "so I have to acknowledge it", ""),  # a pronoun
    ("But the money also have the disadvantage.", "But the money also has the disadvantage.", ""),  # replaced
    ("good news, very good news", "very good news, good news", ""),  # moved, not new
])
def test_invented_content_word(source: str, proposal: str, invented: str) -> None:
    from mtfix.rules.gate import invented_content_word

    assert invented_content_word(source, proposal) == invented
    verdict = judge(source, Rewrite(proposal, GOOD.score, GOOD.keep_score))
    if invented:
        assert (verdict.status, verdict.reason) == ("rejected", f"content invented ({invented})")
    else:
        assert verdict.status == "rewritten"


def test_content_word_guards_ignore_markup() -> None:
    # Tags and entities are the formats' tag guard's business, not words the rewrite dropped.
    from mtfix.rules.gate import dropped_content_word, invented_content_word

    assert dropped_content_word('everybody <g id="1">know it</g>', 'everybody <g id="1">knows it') == ""
    assert dropped_content_word("salt &amp; pepper", "salt & pepper") == ""
    assert dropped_content_word("salt &amp; black pepper", "salt & pepper") == "black"
    assert invented_content_word('salt &amp; pepper', 'salt <g id="1">&amp;</g> pepper') == ""
    assert invented_content_word("salt &amp; pepper", "salt & black pepper") == "black"
