"""The gate tuner's choice of levels and how it stores them: the rules the model card's levels come from."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tune():
    from mtfix.training import tune_gate

    return tune_gate


def point(margin, wmt13, mlqe, changed, weak=(0.1, -0.1, 10), wmt21=0.0, worst=0.0):
    """A grid point; ``weak`` = (least chrF gain, highest TER change, systems passing) of 10 weak systems."""
    settings = {"min_chrf": 35.0, "keep_margin": margin, "max_gap": 3, "max_changed_words": 0}
    result = {"wmt13": wmt13, "wmt21": wmt21, "wmt21_worst": worst, "mlqe": mlqe, "changed": changed,
              "wmt13_weak_chrf": weak[0], "wmt13_weak_ter": weak[1], "wmt13_weak_pass": weak[2]}
    return settings, result


def test_balanced_keeps_mlqe_flat_when_the_wmt13_floor_allows(tune):
    results = [point(0.1, wmt13=0.16, mlqe=0.0, changed=46, weak=(0.0, 0.0, 9)),
               point(0.05, wmt13=0.18, mlqe=0.0, changed=50),
               point(0.02, wmt13=0.21, mlqe=0.2, changed=59)]
    chosen = tune.choose(results)
    assert chosen["balanced"]["settings"]["keep_margin"] == 0.05
    assert chosen["conservative"]["settings"]["keep_margin"] == 0.05  # most WMT13 gain with MLQE flat


def test_balanced_puts_the_wmt13_floor_before_mlqe(tune):
    results = [point(0.1, wmt13=0.16, mlqe=0.0, changed=46, weak=(0.0, 0.0, 8)),  # two weak systems flat
               point(0.02, wmt13=0.21, mlqe=0.2, changed=59),
               point(0.0, wmt13=0.25, mlqe=0.4, changed=70),
               point(-0.3, wmt13=0.3, mlqe=0.5, changed=90, wmt21=-0.06)]  # beyond the WMT21 bound
    chosen = tune.choose(results)
    # the floor holds at 0.02 and 0.0; of those, the smaller MLQE rise wins over the larger WMT13 gain
    assert chosen["balanced"]["settings"]["keep_margin"] == 0.02
    assert chosen["conservative"]["settings"]["keep_margin"] == 0.1  # conservative keeps MLQE from rising


def test_balanced_without_a_point_meeting_the_floor_takes_the_most_systems(tune):
    results = [point(0.1, wmt13=0.16, mlqe=0.0, changed=46, weak=(0.0, 0.0, 6)),
               point(0.02, wmt13=0.21, mlqe=0.2, changed=59, weak=(-0.1, 0.1, 8)),
               point(0.0, wmt13=0.22, mlqe=0.3, changed=60, weak=(-0.1, 0.1, 8))]
    assert tune.choose(results)["balanced"]["settings"]["keep_margin"] == 0.02


def test_floor_needs_both_metrics_and_holds_without_weak_systems(tune):
    assert tune.meets_wmt13_floor({"wmt13_weak_chrf": 0.1, "wmt13_weak_ter": -0.1})
    assert not tune.meets_wmt13_floor({"wmt13_weak_chrf": 0.1, "wmt13_weak_ter": 0.0})
    assert not tune.meets_wmt13_floor({"wmt13_weak_chrf": 0.0, "wmt13_weak_ter": -0.1})
    assert tune.meets_wmt13_floor({})


def test_store_writes_only_the_named_levels(tune):
    meta = {"model_id": "m", "levels": {"conservative": {"keep_margin": 0.3}, "balanced": {"keep_margin": 0.02},
                                        "fluent": {"keep_margin": -0.3}},
            "levels_tuned_on": {"data": "old sample", "per_system": 8}}  # the old form: one record for all
    chosen = {level: {"settings": {"keep_margin": m}, "dev": {"changed": n}}
              for level, m, n in (("conservative", 0.1, 1), ("balanced", 0.05, 2), ("fluent", -0.1, 3))}
    out = tune.store(meta, chosen, ["conservative"], {"data": "new sample"})
    assert out["levels"] == {"conservative": {"keep_margin": 0.1}, "balanced": {"keep_margin": 0.02},
                             "fluent": {"keep_margin": -0.3}}
    assert out["levels_tuned_on"]["conservative"]["data"] == "new sample"
    assert out["levels_tuned_on"]["balanced"] == {"data": "old sample", "per_system": 8}
    assert meta["levels"]["conservative"] == {"keep_margin": 0.3}  # the input is not modified


def test_corpus_ter_adds_up_to_sacrebleus(tune):
    from sacrebleu.metrics import TER

    hyps = ["the cat sat on mat", "a dog barks loudly today", "it rain", "nothing here"]
    refs = [["the cat sat on the mat", "a dog is barking loudly today", "it rains", "nothing here"],
            ["a cat sat on the mat", "the dog barks loud today", "it is raining", "there is nothing here"]]
    memo: dict = {}
    for streams in (refs[:1], refs):  # one reference and two
        assert tune.corpus_ter(hyps, streams, memo) == pytest.approx(TER().corpus_score(hyps, streams).score)
    assert tune.corpus_ter(hyps, refs, memo) == pytest.approx(TER().corpus_score(hyps, refs).score)  # from memo
