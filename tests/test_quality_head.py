"""The learned quality head (mtfix.model.quality_head): hidden states of the keep pass, the vectors pooled from
them, the head stored with a model, the pipeline's quality and per-word P(BAD), and check --below/--worst."""
from __future__ import annotations

import json
import math
import shutil
import sys
from pathlib import Path

import pytest
from fakes import FakeRewriter, cli_runner, fix_agreement

from mtfix import cli
from mtfix.config import DEFAULT
from mtfix.model.decode import keep_pass
from mtfix.model.quality import FEATURES
from mtfix.model.quality_head import QualityHead, align_words, sentence_vector, word_vectors
from mtfix.model.rewriter import TransformersRewriter
from mtfix.model.store import resolve
from mtfix.pipeline import Corrector
from mtfix.report import load_json, render
from mtfix.report.ranked import select

SENTENCES = ["This offer suck.", "The committee have said so, and everybody know it."]


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> TransformersRewriter:
    return TransformersRewriter(resolve(tiny_model_dir))


def test_align_words_finds_each_word_left_to_right() -> None:
    text = "He don't know it, \"really\"."
    assert align_words(text, ["He", "don", "'t", "know", "it", ",", '"', "really", '"', "."]) == [
        (0, 2), (3, 6), (6, 8), (9, 13), (14, 16), (16, 17), (18, 19), (19, 25), (25, 26), (26, 27)]
    # a word that detokenising changed is None, and the rest still align
    assert align_words("a-b c", ["a", "@-@", "b", "c"]) == [(0, 1), None, (2, 3), (4, 5)]
    assert align_words("a b", ["a", "x", "y"]) == [(0, 1), None, None]


def test_hidden_states_line_up_with_the_logprobs(tiny: TransformersRewriter) -> None:
    import torch

    n_layers = len(tiny.model.model.layers)
    prompts = [tiny.format.prompt(s) for s in SENTENCES]
    answers = [tiny.format.answer(s) for s in SENTENCES]
    spans = [tiny.format.sentence_span(p, s) for p, s in zip(prompts, SENTENCES)]
    passes = keep_pass(tiny.model, prompts, answers, tiny.pad_id, spans, None, (1, n_layers))
    head = tiny.model.lm_head.weight
    for kp, answer, (a, b) in zip(passes, answers, spans):
        first, last = kp.answer_hidden
        assert first.shape == last.shape == (len(answer), tiny.model.config.hidden_size)
        assert [h.shape[0] for h in kp.source_hidden] == [b - a, b - a]
        # the last layer is what the head reads: state i predicts answer token i + 1
        lp = (last[:-1] @ head.T).log_softmax(-1).gather(-1, torch.tensor(answer[1:]).unsqueeze(-1)).squeeze(-1)
        assert torch.allclose(lp, torch.tensor(kp.logprobs[1:]), atol=1e-4)
    alone = keep_pass(tiny.model, prompts[:1], answers[:1], tiny.pad_id, spans[:1], None, (n_layers,))[0]
    assert torch.allclose(alone.answer_hidden[0], passes[0].answer_hidden[1], atol=1e-4)  # padding changes nothing
    with pytest.raises(ValueError, match="layers 1 to"):
        keep_pass(tiny.model, prompts, answers, tiny.pad_id, spans, None, (n_layers + 1,))


def random_head(width: int, layers: tuple[int, ...], seed: int = 0) -> QualityHead:
    import torch

    g = torch.Generator().manual_seed(seed)
    n_sentence = 3 * width * len(layers) + len(FEATURES)
    n_word = width * len(layers) + 4 + 1 + len(FEATURES)  # + the sentence's z-score and hand features
    return QualityHead(torch.randn(n_sentence, generator=g), torch.rand(n_sentence, generator=g) + 0.5,
                       torch.randn(n_sentence, generator=g) * 0.05, 0.1, (1.2, -0.3),
                       torch.randn(n_word, generator=g), torch.rand(n_word, generator=g) + 0.5,
                       torch.randn(n_word, generator=g) * 0.3, -0.5, 0.4, {"note": "random, for tests"}, layers,
                       1 + len(FEATURES))


@pytest.fixture(scope="module")
def headed(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tiny model with a random quality head stored beside it."""
    folder = tmp_path_factory.mktemp("headed") / "model"
    shutil.copytree(tiny_model_dir, folder)
    meta = json.loads((folder / "mtfix.json").read_text(encoding="utf-8"))
    meta["quality_head"] = random_head(32, (1, 2)).save(folder)
    (folder / "mtfix.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def test_the_head_round_trips_through_its_files(headed: Path) -> None:
    import torch

    meta = json.loads((headed / "mtfix.json").read_text(encoding="utf-8"))
    head = QualityHead.load(headed, meta["quality_head"])
    want = random_head(32, (1, 2))
    assert head.layers == (1, 2) and head.word_threshold == 0.4 and head.calibration == want.calibration
    assert torch.equal(head.sentence_weights, want.sentence_weights)
    q, z = head.quality(0.3, [0.0] * len(FEATURES))
    assert 0.0 <= q <= 1.0 and math.isfinite(z)
    assert head.word_context == 1 + len(FEATURES)
    # a word is read against its sentence: the same word score gives another P(BAD) in a worse sentence
    assert head.p_bad(0.2, z, [0.0] * len(FEATURES)) != head.p_bad(0.2, z - 3, [0.0] * len(FEATURES))


def test_check_and_correct_give_quality_and_suspect_words_from_the_head(headed: Path) -> None:
    corrector = Corrector(model=str(headed), config=DEFAULT.with_(spelling=False, cognates=False))
    assert corrector.rewriter.hidden_layers == (1, 2)
    text = "This offer suck. The committee have said so."
    checked = corrector.check(text)
    corrected = corrector.correct(text)
    for r in (checked, corrected):
        for s in r.sentences:
            assert s.quality is not None and 0.0 <= s.quality <= 1.0
            assert s.words, "every word of the sentence is scored"
            for w in s.words:
                assert s.start <= w.start < w.end <= s.end and 0.0 <= w.p_bad <= 1.0
                assert w.ok == (w.p_bad < 0.4)
    assert [r.source[w.start:w.end] for w in checked.sentences[0].words] == ["This", "offer", "suck", "."]
    # the rewrite's own keep pass gives what check's separate pass gives
    for a, b in zip(checked.sentences, corrected.sentences):
        assert a.quality == pytest.approx(b.quality, abs=1e-3)
        assert [w.p_bad for w in a.words] == pytest.approx([w.p_bad for w in b.words], abs=1e-3)
    assert load_json(render([checked], "json")) == [checked]


def test_without_a_head_nothing_changes(tiny_model_dir: Path) -> None:
    corrector = Corrector(model=str(tiny_model_dir), config=DEFAULT.with_(spelling=False, cognates=False))
    r = corrector.check("This offer suck.")
    assert corrector.rewriter.hidden_layers == () and all(s.words == () for s in r.sentences)


def test_vectors_have_the_head_s_widths(tiny: TransformersRewriter) -> None:
    kp = tiny.keep_passes(["This offer suck."], (1, 2))[0]
    assert sentence_vector(kp).shape == (3 * 32 * 2,)
    offsets = tiny.token_offsets("This offer suck.")
    assert offsets is not None
    vectors = word_vectors(kp, offsets, [(0, 4), (5, 10), None, (20, 30)])
    assert vectors[0].shape == (32 * 2 + 4,) and vectors[2] is None and vectors[3] is None


# --- mtfix check --below / --worst -----------------------------------------------------------------------

class Scored(Corrector):
    """Quality from the sentence's length, so the ranking is known."""

    def estimate(self, sentences, flags=None, evidence=None, heads=None):  # type: ignore[no-untyped-def]
        return [(round(len(s) / 100, 3), ()) for s in sentences]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    config = DEFAULT.with_(spelling=False, cognates=False)
    return cli_runner(monkeypatch, capsys, lambda: Scored(rewriter=FakeRewriter(fix_agreement), config=config))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.txt"
    path.write_text("A short one.\nThis sentence is rather longer than that.\nMid length line.\nTiny.\n",
                    encoding="utf-8")
    return path


def test_check_below_lists_the_lines_worst_first(run, corpus: Path) -> None:
    rc, out, _ = run("check", str(corpus), "--lines", "--below", "0.15", "-q")
    assert rc == 0
    assert out.splitlines() == [f"{corpus}:4: quality 0.050 | Tiny.", f"{corpus}:1: quality 0.120 | A short one.",
                                "2 sentences of 4 scored (below 0.15), worst first"]


def test_check_worst_as_jsonl_for_data_cleaning(run, corpus: Path) -> None:
    rc, out, _ = run("check", str(corpus), "--lines", "--worst", "3", "--below", "0.9", "-f", "jsonl", "-q")
    rows = [json.loads(line) for line in out.splitlines()]
    assert rc == 0 and [(r["line"], r["quality"]) for r in rows] == [(4, 0.05), (1, 0.12), (3, 0.16)]
    assert rows[0]["text"] == "Tiny." and rows[0]["words"] == []
    rc, out, _ = run("check", str(corpus), "--worst", "1", "-f", "json", "-q")  # not line mode: sentence numbers
    assert json.loads(out)["sentences"][0]["sentence"] == 4


@pytest.mark.parametrize(("args", "message"), [
    (("--below", "1.5"), "expected a number from 0 to 1"),
    (("--worst", "0"), "expected a positive whole number"),
    (("--worst", "2", "-f", "side-by-side"), "use -f text, json or jsonl"),
])
def test_check_ranking_usage_errors(run, corpus: Path, args: tuple[str, ...], message: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    try:
        rc = cli.main(["check", str(corpus), "-q", *args])
    except SystemExit as exc:
        rc = exc.code
    err = capsys.readouterr().err
    assert rc == 2 and message in err and "Traceback" not in err


def test_select_skips_sentences_without_an_estimate() -> None:
    from mtfix.result import Result, SentenceResult, Signature

    sents = (SentenceResult(0, 0, 0, 2, "A.", "A.", "unchanged", quality=None),
             SentenceResult(1, 0, 3, 5, "B.", "B.", "unchanged", quality=0.4))
    r = Result("A. B.", "A. B.", sents, Signature("0", "m", "r"), "x")
    assert [s.index for _, s in select([r], below=1.0)] == [1]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
