"""Copy-aware decoding gives plain greedy decoding's output, with fewer forward passes (mtfix/model/decode.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from mtfix.config import DEFAULT
from mtfix.model.decode import continue_batch, draft, keep_pass, keep_pass_kept, prefix_cache

SOURCE = [5, 6, 7, 8, 9, 6, 7, 2]

# (output so far, k, expected draft): the longest tail found in SOURCE, nearest the output's length.
DRAFTS = [
    ([], 3, [5, 6, 7]),  # nothing yet: the source's start
    ([5, 6], 4, [7, 8, 9, 6]),
    ([1, 7], 2, [8, 9]),  # the 1-gram 7 matches twice: the one nearer position 2 wins
    ([5, 6, 7, 8, 9, 6], 5, [7, 2]),  # the 2-gram (9, 6) matches once, near the end; cut at the end
    ([4, 4, 3, 1], 3, []),  # not in the source, no repeat in the output
    ([3, 1, 0, 3, 1], 2, [0, 3]),  # not in the source: the output's own last repeat
    ([5, 6], 0, []),
]


@pytest.mark.parametrize(("out", "k", "expected"), DRAFTS)
def test_draft(out: list[int], k: int, expected: list[int]) -> None:
    assert draft(out, SOURCE, k) == expected


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path):  # noqa: ANN201 - the tiny model's rewriter
    from mtfix.model.rewriter import TransformersRewriter
    from mtfix.model.store import resolve

    return TransformersRewriter(resolve(tiny_model_dir))


def _greedy(model, prompt: list[int], steps: int, end_id: int) -> list[int]:  # noqa: ANN001
    """The reference: one full forward pass per token, no cache, argmax."""
    import torch

    out: list[int] = []
    with torch.inference_mode():
        while len(out) < steps and (not out or out[-1] != end_id):
            out.append(int(model(input_ids=torch.tensor([prompt + out])).logits[0, -1].argmax()))
    return out


SENTENCES = ["This offer suck.", "Moscow is not looking for enemies.", "NATO is trying to build the image."]


def _continue(tiny, answers: list[list[int]], budget: int, k: int, shared=None):  # noqa: ANN001, ANN202
    prompts = [tiny.format.prompt(s) for s in SENTENCES]
    keeps, kept = keep_pass_kept(tiny.model, prompts, answers, tiny.pad_id, None, shared)
    jobs = [(row, budget, keep) for row, keep in enumerate(keeps)]
    return continue_batch(tiny.model, kept, jobs, tiny.end_id, k, tiny.pad_id)


@pytest.mark.parametrize("k", [0, 1, 10])
@pytest.mark.parametrize("shared", [False, True])
def test_batched_continuation_is_greedy(tiny, k: int, shared: bool) -> None:
    prompts = [tiny.format.prompt(s) for s in SENTENCES]
    expected = [_greedy(tiny.model, p, 20, tiny.end_id) for p in prompts]
    sources = [tiny.format.answer(s) for s in SENTENCES]
    cache = prefix_cache(tiny.model, tiny.format.prefix) if shared else None
    # From where greedy leaves the source (the keep pass finds it), the rows decoded side by side ...
    for got, want in zip(_continue(tiny, sources, 20, k, cache), expected):
        assert got.tokens == want
        assert got.passes <= len(want)
    # ... and from any greedy prefix: answers that follow greedy for 3 tokens, then go wrong.
    wrong = [want[:3] + [t for t in src if t not in want[3:4]][:5] for want, src in zip(expected, sources)]
    for got, want in zip(_continue(tiny, wrong, 20, k, cache), expected):
        assert got.tokens == want
    # A budget cuts every row there, as the naive path's max_new_tokens would.
    for got, want in zip(_continue(tiny, sources, 4, k, cache), expected):
        assert got.tokens == want[:4]


def test_keep_pass_agrees_with_greedy(tiny) -> None:
    prompts = [tiny.format.prompt(s) for s in SENTENCES]
    greedy = [_greedy(tiny.model, p, 6, tiny.end_id) for p in prompts]
    answers = [tiny.format.answer(s) for s in SENTENCES]
    # Batched and left-padded: greedy's own tokens agree everywhere, the source's where greedy copies it.
    passes = keep_pass(tiny.model, prompts + prompts, greedy + answers, tiny.pad_id)
    assert [p.agree for p in passes[:3]] == [len(g) for g in greedy]
    for p, g, a in zip(passes[3:], greedy, answers):
        same = 0
        while same < min(len(g), len(a)) and g[same] == a[same]:
            same += 1
        assert p.agree == same
        assert len(p.logprobs) == len(a) and p.keep_score < 0


def test_keep_score_matches_score_pairs(tiny) -> None:
    passes = keep_pass(tiny.model, [tiny.format.prompt(s) for s in SENTENCES],
                       [tiny.format.answer(s) for s in SENTENCES], tiny.pad_id)
    alone = [tiny.score_pairs([s], [s])[0] for s in SENTENCES]
    assert [p.keep_score for p in passes] == pytest.approx(alone, abs=1e-4)


@pytest.mark.parametrize("batch_size", [1, 8])
def test_copy_draft_rewrites_like_naive_greedy(tiny_model_dir: Path, batch_size: int) -> None:
    from mtfix.model.rewriter import TransformersRewriter
    from mtfix.model.store import resolve

    spec = resolve(tiny_model_dir)
    sentences = [*SENTENCES, "", "Short.", "x" * 3]
    fast = TransformersRewriter(spec, DEFAULT.with_(batch_size=batch_size, max_new_tokens_extra=3))
    naive = TransformersRewriter(spec, DEFAULT.with_(strategy="greedy", batch_size=1, max_new_tokens_extra=3))
    slow = [naive.rewrite([s])[0] for s in sentences]
    got = fast.rewrite(sentences)
    assert [(r.text, r.truncated, r.skipped) for r in got] == [(r.text, r.truncated, r.skipped) for r in slow]
    for a, b in zip(got, slow):
        assert a.score == pytest.approx(b.score, abs=1e-4) if b.score is not None else a.score is None
        assert a.keep_score == pytest.approx(b.keep_score, abs=1e-4) if b.keep_score is not None else True


@pytest.mark.parametrize("strategy", ["copy-draft", "greedy"])
def test_rewrites_carry_the_quality_evidence_of_their_own_pass(tiny_model_dir: Path, strategy: str) -> None:
    # The pipeline scores quality from Rewrite.evidence instead of a second forward pass: it must be
    # what keep_evidence() computes on its own.
    from mtfix.model.rewriter import TransformersRewriter
    from mtfix.model.store import resolve

    rewriter = TransformersRewriter(resolve(tiny_model_dir), DEFAULT.with_(strategy=strategy, max_new_tokens_extra=3))
    sentences = [*SENTENCES, "Short."]
    alone = rewriter.keep_evidence(sentences)
    for got, (source, keep) in zip(rewriter.rewrite(sentences), alone):
        assert got.evidence is not None and len(got.evidence[0]) == len(source) > 0
        assert got.evidence[0] == pytest.approx(source, abs=1e-4)
        assert got.evidence[1] == pytest.approx(keep, abs=1e-4)


@pytest.mark.parametrize("strategy", ["copy-draft", "greedy"])
def test_sentences_without_words_are_not_sent_to_the_model(tiny_model_dir: Path, strategy: str) -> None:
    from mtfix.model.rewriter import TransformersRewriter
    from mtfix.model.store import resolve

    rewriter = TransformersRewriter(resolve(tiny_model_dir), DEFAULT.with_(strategy=strategy))
    got = rewriter.rewrite(["</i>", "—", "***", "Words here."])
    assert [(r.text, r.skipped) for r in got[:3]] == [("</i>", "no words"), ("—", "no words"), ("***", "no words")]
    assert got[3].skipped == ""


def test_unknown_strategy_is_refused(tiny_model_dir: Path) -> None:
    from mtfix.model.rewriter import TransformersRewriter
    from mtfix.model.store import resolve

    with pytest.raises(ValueError, match="unknown decoding strategy 'beam'; choose from copy-draft, greedy"):
        TransformersRewriter(resolve(tiny_model_dir), DEFAULT.with_(strategy="beam"))


def test_signature_names_only_what_changes_outputs() -> None:
    assert DEFAULT.decoding() == DEFAULT.with_(strategy="greedy", draft_tokens=3).decoding()
    assert "skip_keep" not in DEFAULT.decoding()
    assert DEFAULT.with_(skip_keep_score=-0.1).decoding()["skip_keep"] == -0.1


# Real MT from the dev sets and the README: some the default model keeps, some it rewrites.
REAL = ["However, different people demonstrate the different degree of tendency toward the boredom.",
        "The President of Russia have repeatedly said that we are not looking for enemies.",
        "The meeting will take place on Monday in Geneva.",
        "This offer suck.",
        "“The boundary of tele-SKOPYO Kanarias” has gigantic internal device - the diameter one mirror alone "
        "it is 10.4 meters."]


@pytest.mark.slow
def test_copy_draft_equals_naive_greedy_on_the_default_model() -> None:
    from mtfix.model.rewriter import TransformersRewriter
    from mtfix.model.store import models_dir, resolve

    if not (models_dir() / "default" / "adapter_config.json").is_file():
        pytest.skip("no default model shipped")
    spec = resolve()
    naive = TransformersRewriter(spec, DEFAULT.with_(strategy="greedy", batch_size=1))
    slow = [naive.rewrite([s])[0] for s in REAL]
    got = TransformersRewriter(spec, DEFAULT).rewrite(REAL)  # one batch, left-padded
    assert [(r.text, r.truncated) for r in got] == [(r.text, r.truncated) for r in slow]
    assert [r.score for r in got] == pytest.approx([r.score for r in slow], abs=1e-3)
    assert [r.keep_score for r in got] == pytest.approx([r.keep_score for r in slow], abs=1e-3)
    # Both paths of copy-aware decoding ran: a copy settled by the keep pass, a drafted rewrite.
    assert any(r.text == s for r, s in zip(got, REAL)) and any(r.text != s for r, s in zip(got, REAL))


def test_shared_prefix_gives_the_same_pass(tiny) -> None:
    # The system turn computed once and shared: same log-probs, agreement and evidence as the whole prompt.
    from mtfix.model.decode import prefix_cache

    shared = prefix_cache(tiny.model, tiny.format.prefix)
    assert shared is not None and len(shared.tokens) == len(tiny.format.prefix) > 0
    prompts = [tiny.format.prompt(s) for s in SENTENCES]
    answers = [tiny.format.answer(s) for s in SENTENCES]
    spans = [tiny.format.sentence_span(p, s) for p, s in zip(prompts, SENTENCES)]
    whole = keep_pass(tiny.model, prompts, answers, tiny.pad_id, spans)
    cut = keep_pass(tiny.model, prompts, answers, tiny.pad_id, spans, shared)
    for a, b in zip(cut, whole):
        assert a.agree == b.agree
        assert a.logprobs == pytest.approx(b.logprobs, abs=1e-4)
        assert a.source_logprobs == pytest.approx(b.source_logprobs, abs=1e-4)
    # A prompt that does not start with the shared turn is computed whole, not wrongly cut.
    other = [[tiny.end_id, *prompts[0]]]
    assert keep_pass(tiny.model, other, answers[:1], tiny.pad_id, None, shared)[0].logprobs == pytest.approx(
        keep_pass(tiny.model, other, answers[:1], tiny.pad_id)[0].logprobs, abs=1e-4)


def test_bfloat16_weights(tiny_model_dir: Path) -> None:
    # Not exact (float rounding), so it is named in the signature; the output is still a finished rewrite.
    import torch

    from mtfix.model.rewriter import TransformersRewriter
    from mtfix.model.store import resolve

    config = DEFAULT.with_(dtype="bfloat16", max_new_tokens_extra=3)
    rewriter = TransformersRewriter(resolve(tiny_model_dir), config)
    assert next(rewriter.model.parameters()).dtype == torch.bfloat16
    got = rewriter.rewrite(SENTENCES)
    assert len(got) == len(SENTENCES) and all(r.keep_score is not None for r in got)
    assert config.decoding()["dtype"] == "bfloat16" and "dtype" not in DEFAULT.decoding()
    with pytest.raises(ValueError, match="unknown dtype 'int4'; choose from float32, bfloat16"):
        TransformersRewriter(resolve(tiny_model_dir), DEFAULT.with_(dtype="int4"))
