"""Untranslated-word flags, the quality estimate, --min-confidence and ``mtfix check``."""
from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import FakeRewriter, fix_agreement

from mtfix import Corrector
from mtfix.config import DEFAULT
from mtfix.evaluation.qe import cached_evidence, fit, pearson, spearman
from mtfix.model.quality import FEATURES, LOW_QUALITY, QualityModel, features
from mtfix.report import load_json, render
from mtfix.result import Result, SentenceResult, Signature, join_results, keep_confident
from mtfix.rules.untranslated import Detector, Flag
from mtfix.text.diff import apply_edits

pytest.importorskip("pymorphy3")


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


# --- the detector ---------------------------------------------------------------------------

# (sentence, the words that must be flagged, their Cyrillic forms); by what they regress against.
FLAGGED = [
    ("The windows were matirovannym glass.", ["matirovannym"], ["матированным"]),
    ("They fought the narkokartelyami for years.", ["narkokartelyami"], ["наркокартелями"]),
    ("The pump is podsoedinennym to the pipe.", ["podsoedinennym"], ["подсоединённым"]),
    ("a completely dezadaptirovannogo person", ["dezadaptirovannogo"], ["дезадаптированного"]),
    ("Cyrillic left in: the road on возвышенностях is icy.", ["возвышенностях"], ["возвышенностях"]),
    ("GOST-style rbmt output: moguqestvennyx forces", ["moguqestvennyx"], ["могущественных"]),  # q = щ, x = х
    ("Scholarly apostrophe: bezbar'ernogo equipment", ["bezbar'ernogo"], ["безбарьерного"]),
    ("A dropped soft sign: he pryachesh the pack", ["pryachesh"], ["прячешь"]),
    ("Polupustaya library is sad, he said.", ["Polupustaya"], ["полупустая"]),  # sentence-initial capital
    ("Greek word: the λόγος matters.", ["λόγος"], ["λόγος"]),
]
# Hard negatives: names (even inflected), English words rare or not, acronyms, other languages.
CLEAN = [
    "President Putin met Sergei Lavrov in the Kremlin.",
    "Irina Yarovaya, head of the Duma committee, spoke to Igor Pestov.",  # surnames after first names
    "The capital of Tajikistan is Dushanbe; Mr Sharipov lives there.",
    "Pediculosis and scabies are treated with permethrin.",
    "The IMBP and COSPAR published the MVRDV report.",
    "He ordered a café au lait at Müller's.",
    "It was said by Pikulina Ortiz.",
    "Matryoshka dolls and a dacha near Moscow.",
    "In Spijkenisse the Tymczasowy Komitet met.",
    "Numbers 1234 and the symbol μ are fine.",
]


@pytest.mark.parametrize("sentence,words,cyrillic", FLAGGED, ids=[row[1][0] for row in FLAGGED])
def test_flags_untranslated_words(detector: Detector, sentence: str, words: list[str], cyrillic: list[str]) -> None:
    flags = detector.flags(sentence, offset=100)
    assert [f.word for f in flags] == words
    assert [f.cyrillic for f in flags] == cyrillic
    for f in flags:
        assert sentence[f.start - 100:f.end - 100] == f.word  # offsets into the original text
        assert f.kind == "untranslated" and 0.5 <= f.confidence <= 1 and f.note


@pytest.mark.parametrize("sentence", CLEAN)
def test_leaves_names_english_and_acronyms_alone(detector: Detector, sentence: str) -> None:
    assert detector.flags(sentence) == []


def test_lemma_of_a_transliteration(detector: Detector) -> None:
    [flag] = detector.flags("The pump is podsoedinennym to the pipe.")
    assert flag.lemma == "подсоединить"


def test_capitalised_mid_sentence_common_word_is_below_the_cut(detector: Detector) -> None:
    # "Zerkalo" is a dictionary word (mirror) but mid-sentence capitals are mostly titles and names.
    assert detector.check_word("Zerkalo", initial=False)[2] < detector.min_confidence
    assert detector.check_word("zerkalo", initial=False)[2] >= detector.min_confidence


def test_flag_round_trip_and_old_results() -> None:
    flag = Flag(3, 9, "untranslated", "slovom", "словом", "слово", 0.9, "note")
    assert Flag.from_dict(flag.to_dict()) == flag
    assert Flag.from_dict({"start": 1, "end": 2, "kind": "x", "note": "n", "future": 1}).word == ""
    old = {"index": 0, "paragraph": 0, "start": 0, "end": 2, "source": "Hi", "output": "Hi", "status": "unchanged"}
    s = SentenceResult.from_dict(old)
    assert s.quality is None and s.flags == ()
    assert SentenceResult.from_dict(json.loads(json.dumps(
        SentenceResult(0, 0, 0, 6, "slovom", "slovom", "unchanged", quality=0.25, flags=(flag,)).to_dict())
    )).flags == (flag,)


def test_join_results_shifts_flags() -> None:
    flag = Flag(0, 6, "untranslated", "slovom", "словом")
    part = Result("slovom", "slovom", (SentenceResult(0, 0, 0, 6, "slovom", "slovom", "unchanged", flags=(flag,)),),
                  Signature("v", "m", "r"))
    joined = join_results([part, part], ["\n", "\n"])
    assert [(f.start, f.end) for f in joined.sentences[1].flags] == [(7, 13)]
    assert all(joined.source[f.start:f.end] == f.word for s in joined.sentences for f in s.flags)


# --- the quality estimate --------------------------------------------------------------------

def test_features_and_prediction_range() -> None:
    x = dict(zip(FEATURES, features([-1.0, -2.0, -9.0, -0.5], [-0.1, -0.2], "The the cat sat , on zyzzyva mat", 1)))
    assert len(x) == len(FEATURES)
    assert x["src_mean"] == -3.125 and x["src_low3"] == -4.0 and x["src_surprised"] == 0.25  # -9 < log(0.001)
    assert x["keep_mean"] == pytest.approx(-0.15) and x["keep_min"] == -0.2
    assert x["untranslated"] == x["rare"] == x["repeated"] == pytest.approx(1 / 7)  # zyzzyva; The the
    assert x["oddities"] == 1.0 and math.isclose(x["log_words"], math.log(7))  # the space before the comma
    assert x["capitals"] == 0.0 and x["slor"] > x["src_mean"] * 4 / 7  # words' unigram log-probs taken off
    common = features([-1.0] * 4, [-0.1], "The cat sat on.", 0)[FEATURES.index("slor")]
    assert features([-1.0] * 4, [-0.1], "The zyzzyva sat on.", 0)[FEATURES.index("slor")] > common
    names = dict(zip(FEATURES, features([-1.0], [-0.1], "Anna met Boris in Omsk.", 0)))
    assert names["rare"] == 0.0 and names["capitals"] == 0.4  # names are not rare words
    with pytest.raises(ValueError, match="at least one token"):
        features([], [-0.1], "x", 0)


def _rows(rng: random.Random, n: int) -> tuple[list[list[float]], list[float]]:
    rows, ys = [], []
    for _ in range(n):
        lp = [-rng.random() * rng.choice((0.5, 6.0)) for _ in range(8)]
        text = rng.choice(("The cat sat.", "The cat sat , sat."))
        x = features(lp, [v / 20 for v in lp], text, rng.choice((0, 0, 1)))
        rows.append(x)
        ys.append(min(1.0, max(0.0, 1 + x[0] / 6 - x[FEATURES.index("untranslated")] * 2 + rng.gauss(0, 0.05))))
    return rows, ys


def test_fit_learns_the_direction_and_predicts_in_unit_interval() -> None:
    rows, ys = _rows(random.Random(1), 300)
    model = fit(rows, ys, trained_on="synthetic")
    preds = [model.predict(r) for r in rows]
    assert all(0.0 <= p <= 1.0 for p in preds)
    assert pearson(preds, ys) > 0.8
    assert model.weights[FEATURES.index("src_mean")] > 0 > model.weights[FEATURES.index("untranslated")]
    assert QualityModel.from_dict(json.loads(json.dumps(model.to_dict()))) == model


def test_quality_model_refuses_other_features() -> None:
    d = fit(*_rows(random.Random(2), 40)).to_dict()
    d["features"] = ["mean_logprob"]
    with pytest.raises(ValueError, match=f"1 feature names but {len(FEATURES)} weights"):
        QualityModel.from_dict(d)


def test_keep_evidence_scores_the_sentence_inside_the_prompt_and_the_answer(tiny_model_dir: Path) -> None:
    import torch

    from mtfix.model.rewriter import TransformersRewriter
    from mtfix.model.store import resolve

    rewriter = TransformersRewriter(resolve(tiny_model_dir), DEFAULT.with_(batch_size=3))
    sentences = ["This offer suck.", "The pump is podsoedinennym to the pipe, they was happy.", " Two  spaces ",
                 "", "Line\nbreak"]
    evidence = rewriter.keep_evidence(sentences)  # batched and left-padded
    assert evidence[3] is None
    fmt = rewriter.format
    for sentence, ev in zip(sentences, evidence):
        if not sentence:
            continue
        prompt = fmt.prompt(sentence)
        start, end = fmt.sentence_span(prompt, sentence)
        assert rewriter.tokenizer.decode(prompt[start:end]) == sentence
        ids = torch.tensor([prompt + fmt.answer(sentence)])  # alone, unpadded
        with torch.inference_mode():
            logits = rewriter.model(input_ids=ids).logits.float()[0, :-1]
        lp = logits.log_softmax(-1).gather(-1, ids[0, 1:, None]).squeeze(-1).tolist()
        assert ev is not None and ev[0] == pytest.approx(lp[start - 1:end - 1], abs=1e-4)
        assert ev[1] == pytest.approx(lp[len(prompt) - 1:], abs=1e-4)
    assert rewriter.keep_logprobs(sentences[:1])[0] == pytest.approx(evidence[0][1], abs=1e-5)
    # A sentence whose own tokens are not in the prompt as such: the user turn's content is taken.
    prompt = fmt.prompt("This offer suck.")
    start, end = fmt.sentence_span(prompt, "something else entirely")
    assert rewriter.tokenizer.decode(prompt[start:end]) == "This offer suck."


def test_cached_evidence_scores_each_sentence_once(tmp_path: Path) -> None:
    class Scorer:
        def __init__(self) -> None:
            self.seen: list[str] = []

        def keep_evidence(self, sentences: list[str]) -> list[tuple[list[float], list[float]] | None]:
            self.seen += sentences
            return [([-1.0 * len(s)], [-0.12345678]) if s else None for s in sentences]

    scorer, path = Scorer(), tmp_path / "runs" / "evidence.jsonl"
    first = cached_evidence(scorer, ["ab", "", "ab", "c"], path)
    assert first == [([-2.0], [-0.12345678]), None, ([-2.0], [-0.12345678]), ([-1.0], [-0.12345678])]
    again = cached_evidence(scorer, ["c", "", "dd"], path)
    assert scorer.seen == ["ab", "", "c", "dd"]  # only the new sentence was scored again
    assert again == [([-1.0], [-0.123457]), None, ([-2.0], [-0.12345678])]  # stored to 6 significant digits


def test_correlations() -> None:
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [10, 20, 15, 40]) == pytest.approx(0.8)
    assert spearman([1, 1, 2], [1, 1, 2]) == pytest.approx(1.0)  # ties share ranks


# --- through the Corrector --------------------------------------------------------------------

class ScoringRewriter(FakeRewriter):
    """A fake that also scores: keeping a sentence is unlikely in proportion to its unknown words."""

    quality = fit(*_rows(random.Random(3), 60)).to_dict()

    def keep_evidence(self, sentences: list[str]) -> list[tuple[list[float], list[float]] | None]:
        return [([-1.0 * s.count("o")] * 4, [-0.1 * s.count("o")] * 4) if s.strip() else None for s in sentences]


def test_corrector_reports_flags_and_quality() -> None:
    corrector = Corrector(rewriter=ScoringRewriter(fix_agreement))
    text = "This offer suck. The pump is podsoedinennym to the pipe."
    r = corrector.correct(text)
    s0, s1 = r.sentences
    assert s0.flags == () and [f.word for f in s1.flags] == ["podsoedinennym"]
    assert r.source[s1.flags[0].start:s1.flags[0].end] == "podsoedinennym"
    assert s0.quality is not None and s1.quality is not None and 0 <= s1.quality < s0.quality <= 1
    assert [e.kind for e in r.edits] == ["agreement"]
    out = render([r], "inline")
    assert "⟨untranslated: podsoedinennym = подсоединённым (подсоединить)⟩" in out and "1 untranslated word" in out
    assert load_json(render([r], "json"))[0] == r


def test_check_does_not_rewrite() -> None:
    rewriter = ScoringRewriter(fix_agreement)
    results = Corrector(rewriter=rewriter).check_batch(["This offer suck.", "Слово here."])
    assert rewriter.calls == []  # no generation at all
    assert [r.text for r in results] == ["This offer suck.", "Слово here."]
    assert results[1].sentences[0].flags[0].word == "Слово"
    assert results[0].signature.decoding == {"mode": "check"}
    listing = render(results, "flags")
    assert "Слово" in listing
    low = sum(s.quality is not None and s.quality < LOW_QUALITY for r in results for s in r.sentences)
    assert listing.splitlines()[-1] == f"2 sentences checked, 1 untranslated word, {low} low quality"  # no edits


def test_min_confidence_filters_what_is_shown_and_applied() -> None:
    text = "This offer suck and they was happy."
    r = Corrector(rewriter=FakeRewriter(lambda s: s.replace("suck", "sucks").replace("was", "were"),
                                        score=math.log(0.6))).correct(text)
    assert len(r.edits) == 2 and all(e.confidence == 0.6 for e in r.edits)
    high = Corrector(rewriter=FakeRewriter(lambda s: s.replace("suck", "sucks"), score=math.log(0.6)),
                     config=DEFAULT.with_(min_confidence=0.7)).correct(text)
    assert high.edits == () and high.text == text and high.sentences[0].status == "rejected"
    assert high.sentences[0].reason == "below min confidence"
    # A saved result filtered afterwards (mtfix review --min-confidence): texts re-derived from the edits.
    lowered = Result(r.source, r.text, (r.sentences[0].__class__(**{**r.sentences[0].__dict__, "edits": (
        r.sentences[0].edits[0].__class__(**{**r.sentences[0].edits[0].__dict__, "confidence": 0.3}),
        r.sentences[0].edits[1])}),), r.signature)
    kept = keep_confident(lowered, 0.5)
    assert [e.replacement for e in kept.edits] == ["were"]
    assert kept.text == apply_edits(text, list(kept.edits)) == "This offer suck and they were happy."
    assert kept.sentences[0].output == kept.text
    none = keep_confident(lowered, 0.9)  # as in a live run: a rewrite left with no edit is refused, and says why
    assert (none.text, none.sentences[0].status, none.sentences[0].reason) == (text, "rejected", "below min confidence")


# --- mtfix check, as a user runs it -----------------------------------------------------------

def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "mtfix", *args], input=stdin.encode(), capture_output=True,
                          timeout=300)


@pytest.fixture(scope="module")
def calibrated_model(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model with a quality calibration, so that check has something to estimate with."""
    path = tmp_path_factory.mktemp("calibrated") / "model"
    shutil.copytree(tiny_model_dir, path)
    meta = json.loads((path / "mtfix.json").read_text())
    meta["quality"] = ScoringRewriter.quality
    (path / "mtfix.json").write_text(json.dumps(meta))
    return path


def test_check_cli_text_and_json(calibrated_model: Path, tmp_path: Path) -> None:
    src = tmp_path / "mt.txt"
    src.write_text("The pump is podsoedinennym to the pipe.\nAll good here.\n", encoding="utf-8")
    out = run("check", str(src), "--model", str(calibrated_model))
    assert out.returncode == 0, out.stderr
    listing = out.stdout.decode()
    assert f"{src}:1: quality" in listing and "untranslated: podsoedinennym = подсоединённым" in listing
    out = run("check", "--lines", "-f", "jsonl", "--model", str(calibrated_model), stdin=src.read_text())
    rows = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [len(r["sentences"][0]["flags"]) for r in rows] == [1, 0]
    assert all(0 <= r["sentences"][0]["quality"] <= 1 for r in rows)
    assert all(r["text"] == r["source"] for r in rows)


def test_min_confidence_is_checked_at_the_boundary() -> None:
    out = run("correct", "--min-confidence", "1.5")
    assert out.returncode == 2
    assert b"--min-confidence: expected a number from 0 to 1, got '1.5'" in out.stderr


def test_correct_scores_quality_from_the_rewrite_pass(calibrated_model: Path) -> None:
    # No second forward pass for quality: the rewrites' evidence is used, and gives check's numbers.
    texts = ["The pump is podsoedinennym to the pipe. All good here.", "He go home."]
    corrector = Corrector(model=str(calibrated_model), config=DEFAULT.with_(max_new_tokens_extra=2))
    asked: list[list[str]] = []
    scorer = corrector.rewriter.keep_evidence
    corrector.rewriter.keep_evidence = lambda sentences: asked.append(list(sentences)) or scorer(sentences)
    corrected = corrector.correct_batch(texts)
    assert asked == []
    checked = corrector.check_batch(texts)
    assert asked  # check has no rewrites to reuse
    got = [s.quality for r in corrected for s in r.sentences]
    assert all(q is not None for q in got)
    assert got == pytest.approx([s.quality for r in checked for s in r.sentences], abs=2e-3)
