"""The Corrector end to end with a rewriter of known behaviour; invariants on many inputs."""
from __future__ import annotations

import pytest
from fakes import FakeRewriter, fix_agreement
from hypothesis import given, settings
from hypothesis import strategies as st

from mtfix import Corrector, Result, apply_edits
from mtfix.report import load_json, render

DOC = ("Lavrov: NATO is trying to build the image of enemy\n\n"
       "“This offer suck, – said the Minister. – The President have repeatedly said so.”\r\n"
       "And after Afghanistan such moods was present. 😀 The cat sat on the mat.\n")


@pytest.fixture
def corrector() -> Corrector:
    return Corrector(rewriter=FakeRewriter(fix_agreement))


def test_correct_fixes_and_keeps_everything_else(corrector: Corrector) -> None:
    result = corrector.correct(DOC, name="doc.txt")
    assert result.text == DOC.replace("suck", "sucks").replace("have repeatedly", "has repeatedly") \
        .replace("was present", "were present")
    assert result.source == DOC
    assert apply_edits(result.source, list(result.edits)) == result.text
    assert [e.replacement for e in result.edits] == ["sucks", "has", "were"]
    assert {e.kind for e in result.edits} == {"agreement"}
    assert result.name == "doc.txt"


def test_edit_offsets_point_into_the_document(corrector: Corrector) -> None:
    result = corrector.correct(DOC)
    for edit in result.edits:
        assert DOC[edit.start:edit.end] == edit.original
    for sentence in result.sentences:
        assert DOC[sentence.start:sentence.end] == sentence.source


def test_statuses(corrector: Corrector) -> None:
    result = corrector.correct(DOC)
    statuses = {s.source: s.status for s in result.sentences}
    assert statuses["😀 The cat sat on the mat."] == "unchanged"
    assert statuses["And after Afghanistan such moods was present."] == "rewritten"


def test_rejected_rewrite_leaves_sentence_alone() -> None:
    chatty = FakeRewriter(lambda s: "Sure! Here is the corrected sentence: " + s + " Bye.")
    corrector = Corrector(rewriter=chatty)
    result = corrector.correct("This offer suck.")
    # The opener and the extra sentence are cleaned off; what is left equals the source.
    assert result.text == "This offer suck."
    assert result.edits == ()


def test_model_preferring_the_original_wins() -> None:
    corrector = Corrector(rewriter=FakeRewriter(fix_agreement, score=-2.0, keep_score=-0.5))
    result = corrector.correct("This offer suck.")
    assert result.text == "This offer suck."
    assert result.sentences[0].status == "rejected"
    assert result.sentences[0].reason == "model prefers the original"
    assert result.sentences[0].proposal == "This offer sucks."


def test_batch_shares_model_calls_and_dedupes() -> None:
    fake = FakeRewriter(fix_agreement)
    results = Corrector(rewriter=fake).correct_batch(["This offer suck.", "Same. This offer suck."])
    assert [r.text for r in results] == ["This offer sucks.", "Same. This offer sucks."]
    sent = [s for call in fake.calls for s in call]
    assert sorted(sent) == ["Same.", "This offer suck."]


def test_repeated_sentences_are_judged_once_with_their_own_offsets(monkeypatch: pytest.MonkeyPatch) -> None:
    import mtfix.pipeline as pipeline

    calls: list[str] = []
    real = pipeline.judge
    monkeypatch.setattr(pipeline, "judge", lambda s, *a: calls.append(s) or real(s, *a))
    texts = ["This offer suck. Same. This offer suck.", "This offer suck."]
    results = Corrector(rewriter=FakeRewriter(fix_agreement)).correct_batch(texts)
    assert sorted(calls) == ["Same.", "This offer suck."]  # gate, rule stages and diff: once each
    assert [r.text for r in results] == ["This offer sucks. Same. This offer sucks.", "This offer sucks."]
    for text, result in zip(texts, results):
        assert apply_edits(text, result.edits) == result.text
        assert all(text[e.start:e.end] == e.original for e in result.edits)
    assert [e.start for e in results[0].edits] == [11, 34]


def test_stages_are_callable_one_by_one(corrector: Corrector) -> None:
    sentences = corrector.segment("One is here. Two is there.")
    assert [s.text for s in sentences] == ["One is here.", "Two is there."]
    assert corrector.rewrite(["This offer suck."])[0].text == "This offer sucks."
    edits = corrector.diff("This offer suck.", "This offer sucks.", offset=10)
    assert [(e.start, e.end, e.replacement) for e in edits] == [(21, 25, "sucks")]


def test_signature(corrector: Corrector) -> None:
    sig = corrector.correct("x").signature
    assert sig.model == "fake" and sig.revision == "0"
    assert sig.decoding["strategy"] == "greedy"
    assert sig.format().startswith("mtfix:")


def test_correct_batch_refuses_a_bare_string(corrector: Corrector) -> None:
    with pytest.raises(TypeError, match="correct_batch"):
        corrector.correct_batch("This offer suck.")  # type: ignore[arg-type]


def test_json_round_trip(corrector: Corrector) -> None:
    result = corrector.correct(DOC)
    assert load_json(render([result], "json")) == [result]
    assert Result.from_dict(result.to_dict()) == result


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["This offer suck.", "The cat sat.", " ", "\n", "\r\n", "\n\n", "😀",
                                 "– said he.", "“Quote", "”", "Mr. Smith was present", "U.S.", "a.m."]),
                max_size=12), st.text(max_size=40))
def test_invariants_hold_on_any_text(parts: list[str], noise: str) -> None:
    text = "".join(parts) + noise
    result = Corrector(rewriter=FakeRewriter(fix_agreement)).correct(text)
    assert result.source == text
    assert apply_edits(text, list(result.edits)) == result.text
    for edit in result.edits:
        assert text[edit.start:edit.end] == edit.original
    for s in result.sentences:
        assert text[s.start:s.end] == s.source


def test_join_lines_makes_one_document(corrector: Corrector) -> None:
    from mtfix.result import join_results

    lines = ["This offer suck.", "", "Fine. This offer suck."]
    endings = ["\r\n", "\n", ""]
    joined = join_results(corrector.correct_batch(lines), endings, "corpus.txt", per_part=True)
    assert joined.source == "This offer suck.\r\n\nFine. This offer suck."
    assert joined.text == "This offer sucks.\r\n\nFine. This offer sucks."
    assert apply_edits(joined.source, list(joined.edits)) == joined.text
    assert [s.index for s in joined.sentences] == [0, 1, 2]
    assert [s.paragraph for s in joined.sentences] == [0, 2, 2]
    for s in joined.sentences:
        assert joined.source[s.start:s.end] == s.source


def test_model_tuned_levels_override_the_built_in_ones() -> None:
    fake = FakeRewriter(fix_agreement, score=-0.5, keep_score=-0.7)  # prefers the fix by 0.2
    fake.levels = {"balanced": {"keep_margin": 0.5}}
    strict = Corrector(rewriter=fake)
    assert strict.gate_config.keep_margin == 0.5
    assert strict.correct("This offer suck.").text == "This offer suck."
    assert strict.correct("x").signature.decoding["keep_margin"] == 0.5
    fluent = Corrector(config=Corrector().config.at_level("fluent"), rewriter=fake)
    assert fluent.correct("This offer suck.").text == "This offer sucks."
