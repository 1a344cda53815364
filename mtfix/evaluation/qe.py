"""Fitting and judging the quality estimate: MLQE-PE loading, feature extraction with the model, the
logistic fit, and the correlations reported against human scores. The runtime model is
:mod:`mtfix.model.quality`; this module is needed only to fit or evaluate it (numpy for the fit).
"""
from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mtfix.model.quality import FEATURES, QualityModel, features
from mtfix.text.moses import detokenizer
from mtfix.text.textio import read_lines


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
