"""A per-sentence quality estimate in [0, 1], from one forward pass of the rewriting model and the flags.

Evidence (:func:`features`): how readily the rewriter would *keep* the sentence as its own answer
(per-token log-probabilities of repeating it: mean, worst tokens, share of surprising tokens),
the share of words flagged untranslated, and the length. A :class:`QualityModel`, a logistic map of
standardised features fitted on human post-edit data (MLQE-PE train, target 1 - HTER, by
``scripts/fit_quality.py``), turns them into a number in [0, 1]; it is stored with the model
(``quality`` in ``mtfix.json``) because the log-probabilities are that model's own. No generation,
so ``mtfix check`` is fast. numpy is needed only to fit, not to predict.
"""
from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FEATURES = ("mean_logprob", "min_logprob", "low3_logprob", "surprised", "untranslated", "log_words")
LOW_QUALITY = 0.5  # reports mark a sentence whose estimate is below this
SURPRISE = math.log(0.05)  # a token the model gives under 5 % is "surprising"


def features(logprobs: Sequence[float], n_words: int, n_flags: int) -> list[float]:
    """The :data:`FEATURES` of one sentence: its keep log-probs, word count and untranslated-word count."""
    if not logprobs:
        raise ValueError("features() needs the log-probabilities of at least one token")
    low = sorted(logprobs)[:3]
    return [sum(logprobs) / len(logprobs), low[0], sum(low) / len(low),
            sum(lp < SURPRISE for lp in logprobs) / len(logprobs),
            n_flags / max(n_words, 1), math.log(max(n_words, 1))]


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


def fit(rows: Sequence[Sequence[float]], targets: Sequence[float], l2: float = 1.0,
        trained_on: str = "") -> QualityModel:
    """Fractional logistic regression (targets in [0, 1], binomial deviance, L2 on the weights) by Newton
    steps on standardised features."""
    import numpy as np

    x = np.asarray(rows, dtype=float)
    y = np.clip(np.asarray(targets, dtype=float), 0.0, 1.0)
    if x.ndim != 2 or x.shape[1] != len(FEATURES) or len(x) != len(y) or len(x) < len(FEATURES) + 2:
        raise ValueError(f"fit() needs an (n, {len(FEATURES)}) feature table and n targets, n > {len(FEATURES) + 1}")
    center = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - center) / scale])
    w = np.zeros(z.shape[1])
    w[0] = math.log((y.mean() + 1e-6) / (1 - y.mean() + 1e-6))
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0  # the bias is not shrunk
    for _ in range(100):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (p - y) + penalty * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return QualityModel(tuple(float(v) for v in w[1:]), float(w[0]), tuple(float(v) for v in center),
                        tuple(float(v) for v in scale), FEATURES, trained_on)


def pearson(a: Sequence[float], b: Sequence[float]) -> float:
    """Pearson's r of two equally long sequences."""
    n = len(a)
    if n != len(b) or n < 2:
        raise ValueError("pearson() needs two sequences of the same length, at least 2")
    ma, mb = sum(a) / n, sum(b) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    va = sum((x - ma) ** 2 for x in a)
    vb = sum((y - mb) ** 2 for y in b)
    return cov / math.sqrt(va * vb) if va and vb else float("nan")


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2  # ties share their mean rank
        i = j + 1
    return ranks


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rho (Pearson's r of the ranks, ties averaged)."""
    return pearson(_ranks(a), _ranks(b))


def sentence_features(scorer: Any, detector: Any, sentences: Sequence[str]) -> list[list[float] | None]:
    """:func:`features` of each sentence: ``scorer.keep_logprobs`` (a TransformersRewriter) gives the
    log-probs, ``detector.flags`` (an untranslated.Detector, or None) the flags; None where the model
    does not take the sentence (empty or too long)."""
    from mtfix.untranslated import iter_words

    logprobs = scorer.keep_logprobs(list(sentences))
    out: list[list[float] | None] = []
    for s, lp in zip(sentences, logprobs):
        n_flags = len(detector.flags(s)) if detector is not None else 0
        out.append(features(lp, sum(1 for _ in iter_words(s)), n_flags) if lp else None)
    return out


def load_mlqe(folder: str | os.PathLike[str], split: str) -> tuple[list[str], list[float]]:
    """Detokenised MT sentences and their HTER from an MLQE-PE folder (``<pair>-<split>``)."""
    from mtfix.evaluate import detokenizer
    from mtfix.textio import read_lines

    folder = Path(folder)
    detok = detokenizer()
    mt = [detok(line) for line in read_lines(folder / f"{split}.mt")]
    hter = [float(x) for x in read_lines(folder / f"{split}.hter")]
    if len(mt) != len(hter):
        raise ValueError(f"{folder}: {len(mt)} MT lines but {len(hter)} HTER values")
    return mt, hter
