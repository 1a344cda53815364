"""A per-sentence quality estimate in [0, 1], from one forward pass of the rewriting model and the flags.

Evidence (:func:`features`), all from the same forward pass over "prompt + the sentence as its own
answer" (:meth:`mtfix.model.rewriter.TransformersRewriter.keep_evidence`): the log-probabilities of the
sentence's own tokens where it stands in the prompt's user turn (a fluency score: mean, worst three,
share of very unlikely tokens) and of keeping it as the answer (mean, worst); then what the words show:
the share flagged untranslated, of rare lower-case words (wordfreq), of words repeated at once, a count
of punctuation oddities, and the length. A :class:`QualityModel`, a logistic map of standardised
features fitted on human post-edit data (MLQE-PE train, target 1 - HTER, by ``scripts/fit_quality.py`` with
:mod:`mtfix.evaluation.qe`),
turns them into a number in [0, 1]; it is stored with the model (``quality`` in ``mtfix.json``) because
the log-probabilities are that model's own. No generation, so ``mtfix check`` is fast. numpy is needed
only to fit, not to predict.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mtfix.config import LOW_QUALITY

__all__ = ["FEATURES", "LOW_QUALITY", "QualityModel", "features"]

FEATURES = ("src_mean", "src_low3", "src_surprised", "slor", "keep_mean", "keep_min",
            "untranslated", "rare", "repeated", "oddities", "capitals", "log_words")
SURPRISE = math.log(0.05)  # a keep token the model gives under 5 % is "surprising"
SRC_SURPRISE = math.log(0.001)  # a token of the sentence itself the model gives under 0.1 % is "surprising"
RARE_ZIPF = 3.0  # a lower-case English word rarer than this (wordfreq's Zipf scale) counts as rare
_ODD = re.compile(r"\s[,.;:!?)]|[(]\s|([,;:!?])\1|(?<!\.)\.\.(?!\.)|,\.")  # space before a stop, doubled stops


def features(source: Sequence[float], keep: Sequence[float], sentence: str, n_flags: int) -> list[float]:
    """The :data:`FEATURES` of one sentence from its evidence (:meth:`TransformersRewriter.keep_evidence`):
    the log-probs of its own tokens as the user's turn (``source``: fluency as the model reads it; ``slor``
    is their sum less the words' unigram log-probs (wordfreq), per word, so rare names cost less) and of
    keeping it as the answer (``keep``); then what the words show: the share flagged untranslated
    (``n_flags``), of rare lower-case words, of a word repeated at once, punctuation oddities, the share
    of capitalised words after the first, and the length."""
    if not source or not keep:
        raise ValueError("features() needs the log-probabilities of at least one token")
    from mtfix.text.words import iter_words

    low = sorted(source)[:3]
    words = [w for _, _, w in iter_words(sentence)]
    n = max(len(words), 1)
    zipf = [_zipf(w) for w in words]
    unigram = sum((max(z, 1.0) - 9.0) * math.log(10) for z in zipf)  # Zipf = log10(per billion) words
    rare = sum(z < RARE_ZIPF for w, z in zip(words, zipf) if w.islower() and w.isascii())
    repeated = sum(a.lower() == b.lower() for a, b in zip(words, words[1:]))
    return [sum(source) / len(source), sum(low) / len(low), sum(lp < SRC_SURPRISE for lp in source) / len(source),
            (sum(source) - unigram) / n, sum(keep) / len(keep), min(keep), n_flags / n, rare / n, repeated / n,
            float(len(_ODD.findall(sentence))), sum(w[0].isupper() for w in words[1:]) / n, math.log(n)]


def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


@dataclass(frozen=True)
class QualityModel:
    """``sigmoid(bias + sum(w * (x - center) / scale))`` over :data:`FEATURES`."""

    weights: tuple[float, ...]
    bias: float
    center: tuple[float, ...]
    scale: tuple[float, ...]
    names: tuple[str, ...] = FEATURES
    trained_on: str = ""  # what it was fitted on, for people
    info: dict[str, Any] = field(default_factory=dict)  # fit settings and figures, for people

    def __post_init__(self) -> None:
        n = len(self.names)
        if not (len(self.weights) == len(self.center) == len(self.scale) == n):
            raise ValueError(f"quality model: {n} feature names but {len(self.weights)} weights, "
                             f"{len(self.center)} centers, {len(self.scale)} scales")
        if tuple(self.names) != FEATURES:
            raise ValueError(f"quality model was fitted on features {list(self.names)}; this mtfix computes "
                             f"{list(FEATURES)}: refit it with scripts/fit_quality.py")

    def predict(self, x: Sequence[float]) -> float:
        """Quality in [0, 1] (rounded to 4 places) of one feature vector."""
        z = self.bias + sum(w * (v - c) / s for w, v, c, s in zip(self.weights, x, self.center, self.scale))
        return round(1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z)))), 4)

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(self.names), "weights": list(self.weights), "bias": self.bias,
                "center": list(self.center), "scale": list(self.scale), "trained_on": self.trained_on,
                "info": dict(self.info)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> QualityModel:
        try:
            return cls(tuple(map(float, d["weights"])), float(d["bias"]), tuple(map(float, d["center"])),
                       tuple(map(float, d["scale"])), tuple(d["features"]), str(d.get("trained_on", "")),
                       dict(d.get("info", {})))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a quality model ({exc!r})") from None
