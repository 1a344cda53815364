"""Corpus scores with sacrebleu: BLEU, chrF and TER, each with its signature."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

METRICS = ("bleu", "chrf", "ter")


@dataclass(frozen=True)
class Score:
    """One metric's corpus score, exactly as sacrebleu computes it."""

    metric: str  # "BLEU", "chrF2" or "TER"
    score: float
    signature: str  # sacrebleu's signature string
    text: str  # sacrebleu's own formatted line

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "score": self.score, "signature": self.signature, "text": self.text}


def corpus_scores(hyps: Sequence[str], refs: Sequence[Sequence[str]],
                  metrics: Sequence[str] = METRICS) -> list[Score]:
    """Score ``hyps`` against one or more reference streams (each as long as ``hyps``)."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    for k, ref in enumerate(refs):
        if len(ref) != len(hyps):
            raise ValueError(f"reference {k + 1} has {len(ref)} lines but the hypothesis has {len(hyps)}")
    classes = {"bleu": BLEU, "chrf": CHRF, "ter": TER}
    out = []
    for name in metrics:
        if name not in classes:
            raise ValueError(f"unknown metric {name!r}; choose from {', '.join(METRICS)}")
        metric = classes[name]()
        result = metric.corpus_score(list(hyps), [list(r) for r in refs])
        out.append(Score(result.name, result.score, str(metric.get_signature()), str(result)))
    return out
