"""Corpus GLEU for fluency corrections, computed as JFLEG's ``eval/gleu.py`` does.

GLEU (Napoles et al. 2015; multi-reference update 2016) is BLEU that also penalises n-grams the
hypothesis keeps from the source where the reference changed them. With several references the JFLEG
script does not merge them: each of 500 iterations picks one reference per sentence at random
(``random.seed(j * 101)`` for iteration ``j``) and the score is the mean corpus GLEU over iterations.

This module reproduces that script exactly, including its reference choices: the script ran under
Python 2, whose ``randint(0, k - 1)`` is ``int(random() * k)``; Python 3's ``random()`` gives the same
sequence for the same integer seed, so the choices (and the scores) match. Text is split on whitespace
only, as in the script: JFLEG sources and references are tokenised, so hypotheses must be too.
"""
from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

ORDER = 4
ITERATIONS = 500
SEED_STEP = 101  # iteration j seeds Python's random with j * 101, as the JFLEG script does

Ngrams = list[Counter[tuple[str, ...]]]


@dataclass(frozen=True)
class GleuScore:
    """Mean corpus GLEU over the iterations (0-100) and its spread across reference choices."""

    score: float
    std: float
    iterations: int
    references: int

    name = "GLEU"

    @property
    def signature(self) -> str:
        return (f"nrefs:{self.references}|n:{ORDER}|iter:{self.iterations}|seed:j*{SEED_STEP}"
                "|tok:whitespace|version:jfleg-2017")

    def format(self) -> str:
        return f"GLEU = {self.score:.2f} (std {self.std:.2f} over {self.iterations} reference draws)"

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.name, "score": self.score, "std": self.std, "signature": self.signature}


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) + 1 - n))


def _all_orders(tokens: Sequence[str]) -> Ngrams:
    return [_ngrams(tokens, n) for n in range(1, ORDER + 1)]


def sentence_stats(source: str, hypothesis: str, reference: str) -> list[int]:
    """``[hyp length, ref length, matches_1, total_1, ..., matches_4, total_4]`` for one pair.

    A match counts a hypothesis n-gram found in the reference, less those kept from the source that
    the reference does not have (the "penalty" n-grams); never below zero.
    """
    return _stats(_all_orders(source.split()), hypothesis.split(), reference.split())


def _stats(src: Ngrams, hyp_tokens: list[str], ref_tokens: list[str]) -> list[int]:
    hyp = _all_orders(hyp_tokens)
    out = [len(hyp_tokens), len(ref_tokens)]
    for n in range(1, ORDER + 1):
        ref = _ngrams(ref_tokens, n)
        # Source n-grams whose type never occurs in the reference, with their full source counts.
        penalty = Counter({g: c for g, c in src[n - 1].items() if g not in ref})
        h = hyp[n - 1]
        out.append(max(sum((h & ref).values()) - sum((h & penalty).values()), 0))
        out.append(max(len(hyp_tokens) + 1 - n, 0))
    return out


def gleu_from_stats(stats: Sequence[float]) -> float:
    """Corpus GLEU (0-1) from summed statistics; 0 when any count is 0, as in the script."""
    if any(s == 0 for s in stats):
        return 0.0
    c, r = stats[0], stats[1]
    log_prec = sum(math.log(m / t) for m, t in zip(stats[2::2], stats[3::2])) / ORDER
    return math.exp(min(0.0, 1.0 - r / c) + log_prec)


def reference_choices(sentences: int, references: int, iterations: int = ITERATIONS) -> list[list[int]]:
    """For each iteration, the reference index used for each sentence (the script's draws)."""
    rng = random.Random()
    choices = []
    for j in range(iterations):
        rng.seed(j * SEED_STEP)
        # Python 2's randint(0, k-1) == int(random() * k): kept so scores match the original script.
        choices.append([int(rng.random() * references) for _ in range(sentences)])
    return choices


def corpus_gleu(hypotheses: Sequence[str], references: Sequence[Sequence[str]], sources: Sequence[str],
                iterations: int = ITERATIONS) -> GleuScore:
    """GLEU of ``hypotheses`` given ``sources`` and reference streams (each as long as the hypotheses)."""
    n = len(hypotheses)
    if len(sources) != n:
        raise ValueError(f"the source has {len(sources)} lines but the hypothesis has {n}")
    for k, ref in enumerate(references):
        if len(ref) != n:
            raise ValueError(f"reference {k + 1} has {len(ref)} lines but the hypothesis has {n}")
    if not references:
        raise ValueError("GLEU needs at least one reference")
    per_ref = per_sentence_stats(hypotheses, references, sources)
    nrefs = len(references)
    if nrefs == 1:  # no draws to make: every iteration would be the same
        score = gleu_from_stats([sum(col) for col in zip(*(s[0] for s in per_ref))])
        return GleuScore(100 * score, 0.0, iterations, 1)
    scores = []
    for draw in reference_choices(n, nrefs, iterations):
        total = [0] * (2 + 2 * ORDER)
        for i, r in enumerate(draw):
            total = [a + b for a, b in zip(total, per_ref[i][r])]
        scores.append(gleu_from_stats(total))
    mean = sum(scores) / len(scores)
    std = math.sqrt(sum((s - mean) ** 2 for s in scores) / len(scores))  # numpy's std (ddof 0), as the script
    return GleuScore(100 * mean, 100 * std, iterations, nrefs)


def per_sentence_stats(hypotheses: Sequence[str], references: Sequence[Sequence[str]],
                       sources: Sequence[str]) -> list[list[list[int]]]:
    """``[sentence][reference] -> stats``: what every iteration sums, computed once."""
    out = []
    for i, (hyp, src) in enumerate(zip(hypotheses, sources)):
        src_ngrams, hyp_tokens = _all_orders(src.split()), hyp.split()
        out.append([_stats(src_ngrams, hyp_tokens, ref[i].split()) for ref in references])
    return out
