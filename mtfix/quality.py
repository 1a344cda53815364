"""A per-sentence quality estimate in [0, 1], from one forward pass of the rewriting model and the flags.

Evidence (:func:`features`), all from the same forward pass over "prompt + the sentence as its own
answer" (:meth:`mtfix.rewrite.TransformersRewriter.keep_evidence`): the log-probabilities of the
sentence's own tokens where it stands in the prompt's user turn (a fluency score: mean, worst three,
share of very unlikely tokens) and of keeping it as the answer (mean, worst); then what the words show:
the share flagged untranslated, of rare lower-case words (wordfreq), of words repeated at once, a count
of punctuation oddities, and the length. A :class:`QualityModel`, a logistic map of standardised
features fitted on human post-edit data (MLQE-PE train, target 1 - HTER, by ``scripts/fit_quality.py``),
turns them into a number in [0, 1]; it is stored with the model (``quality`` in ``mtfix.json``) because
the log-probabilities are that model's own. No generation, so ``mtfix check`` is fast. numpy is needed
only to fit, not to predict.
"""
from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FEATURES = ("src_mean", "src_low3", "src_surprised", "slor", "keep_mean", "keep_min",
            "untranslated", "rare", "repeated", "oddities", "capitals", "log_words")
LOW_QUALITY = 0.5  # reports mark a sentence whose estimate is below this
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
    from mtfix.untranslated import iter_words

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


def sentence_features(scorer: Any, detector: Any, sentences: Sequence[str],
                      cache: str | os.PathLike[str] | None = None) -> list[list[float] | None]:
    """:func:`features` of each sentence: ``scorer.keep_evidence`` (a TransformersRewriter) gives the
    log-probs (remembered in ``cache``, see :func:`cached_evidence`), ``detector.flags`` (an
    untranslated.Detector, or None) the flags; None where the model does not take the sentence."""
    out: list[list[float] | None] = []
    for s, ev in zip(sentences, cached_evidence(scorer, sentences, cache)):
        n_flags = len(detector.flags(s)) if detector is not None else 0
        out.append(features(ev[0], ev[1], s, n_flags) if ev and ev[0] and ev[1] else None)
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


Evidence = tuple[list[float], list[float]]  # (the sentence's own token log-probs, its keep log-probs)


def cached_evidence(scorer: Any, sentences: Sequence[str],
                    path: str | os.PathLike[str] | None) -> list[Evidence | None]:
    """``scorer.keep_evidence(sentences)``, remembered in a JSON-lines file (one ``{"text", "evidence"}`` a
    line) so that refitting and re-evaluating do not run the model again; ``path`` None: no cache. The file
    belongs to one model: name it after the model's id and revision."""
    import json

    cache: dict[str, Evidence | None] = {}
    if path is not None and Path(path).is_file():
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            cache[row["text"]] = tuple(row["evidence"]) if row["evidence"] else None  # type: ignore[assignment]
    todo = [s for s in dict.fromkeys(sentences) if s not in cache]
    if todo:
        new = scorer.keep_evidence(todo)
        cache.update(zip(todo, new))
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8") as f:
                for s, ev in zip(todo, new):
                    rounded = [[float(f"{v:.6g}") for v in part] for part in ev] if ev else None
                    f.write(json.dumps({"text": s, "evidence": rounded}, ensure_ascii=False) + "\n")
    return [cache[s] for s in sentences]
