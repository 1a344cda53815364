"""Fitting the quality head (mtfix.training.qe_features, mtfix.training.fit_qe) on small made-up data."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from mtfix.model.rewriter import TransformersRewriter
from mtfix.model.store import resolve
from mtfix.rules.untranslated import Detector
from mtfix.training import fit_qe
from mtfix.training.qe_features import extract


def test_ridge_recovers_a_linear_target_and_platt_a_logistic_one() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 5))
    x -= x.mean(axis=0)  # standardised inputs, as the fit gives it
    true = np.array([1.0, -2.0, 0.0, 0.5, 3.0])
    w, b = fit_qe.ridge(x, x @ true + 0.7, 1e-6)
    assert np.allclose(w, true, atol=1e-4) and b == pytest.approx(0.7, abs=1e-2)
    score = rng.normal(size=4000)
    label = (rng.random(4000) < 1 / (1 + np.exp(-(2 * score - 1)))).astype(float)
    a, c = fit_qe.platt(score, label)
    assert a == pytest.approx(2, abs=0.3) and c == pytest.approx(-1, abs=0.2)


def test_out_of_fold_never_sees_its_own_rows() -> None:
    x = np.eye(10)  # each row its own feature: in-sample ridge would reproduce y, out-of-fold cannot
    y = np.arange(10, dtype=float)
    oof = fit_qe.out_of_fold(x, y, (1e-6,))[1e-6]
    assert not np.allclose(oof, y)


def test_mcc_and_f1() -> None:
    gold = np.array([True, True, False, False])
    assert fit_qe.mcc(gold, gold) == pytest.approx(1.0) and fit_qe.mcc(~gold, gold) == pytest.approx(-1.0)
    assert fit_qe.mcc(np.ones(4, bool), gold) == 0.0
    assert fit_qe.f1(np.array([True, False, True, False]), gold) == pytest.approx(0.5)


def made_up(n: int, words_per: int, names: list[str]) -> dict:
    return {"sentence": np.zeros((n, 3), np.float16), "hand": np.zeros((n, 2), np.float32),
            "da": np.arange(n, dtype=np.float32), "hter": np.zeros(n, np.float32), "names": np.array(names),
            "words": np.ones((n * words_per, 4), np.float16), "bad": np.zeros(n * words_per, bool),
            "word_sentence": np.repeat(np.arange(n), words_per).astype(np.int32)}


def test_join_take_and_the_wmt21_split_keep_words_with_their_sentences() -> None:
    a = made_up(2, 3, ["ru-en-train:0", "ru-en-train:1"])
    news = made_up(3, 0, ["Online-A:10", "Online-A:700", "Online-B:10"])
    news["words"] = np.asarray([], dtype=np.float16)  # how extract() stored a set without words before
    both = fit_qe.join(a, news)
    assert both["words"].shape == (6, 4) and list(both["word_sentence"]) == [0, 0, 0, 1, 1, 1]
    part = fit_qe.take(a, np.array([False, True]))
    assert list(part["da"]) == [1.0] and list(part["word_sentence"]) == [0, 0, 0]
    train, held = fit_qe.wmt21_split(fit_qe.join(news))
    assert list(train["names"]) == ["Online-A:10", "Online-B:10"] and list(held["names"]) == ["Online-A:700"]


def test_extract_gives_one_row_per_sentence_and_per_tagged_word(tiny_model_dir: Path) -> None:
    rewriter = TransformersRewriter(resolve(tiny_model_dir))
    rows = [{"set": "ru-en-dev", "index": 0, "tokens": "This offer suck .".split(), "tags": ["OK", "OK", "BAD", "OK"],
             "da": -0.5, "hter": 0.3},
            {"set": "wmt21-ruen", "index": "Online-A:1", "tokens": ["Fine", "."], "tags": None, "da": 0.2,
             "hter": float("nan")}]
    arrays = extract(rows, rewriter, Detector(), layers=(1, 2))
    assert arrays["sentence"].shape[0] == 2 and arrays["hand"].shape == (2, 12)
    assert arrays["words"].shape[0] == 4 and list(arrays["bad"]) == [False, False, True, False]
    assert list(arrays["names"]) == ["ru-en-dev:0", "wmt21-ruen:Online-A:1"]
    none = extract(rows[1:], rewriter, Detector(), layers=(1, 2))
    assert none["words"].ndim == 2 and none["words"].shape[0] == 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
