"""Rewriters that behave in known ways, for testing everything around the model."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from mtfix.rewrite import Rewrite


class FakeRewriter:
    """Rewrites each sentence with ``fn``; scores say the rewrite is preferred unless told otherwise."""

    model_id = "fake"
    revision = "0"

    def __init__(self, fn: Callable[[str], str], score: float = -0.1, keep_score: float = -1.0) -> None:
        self.fn = fn
        self.score = score
        self.keep_score = keep_score
        self.calls: list[list[str]] = []

    def rewrite(self, sentences: Sequence[str]) -> list[Rewrite]:
        self.calls.append(list(sentences))
        return [Rewrite(self.fn(s), self.score, self.keep_score) for s in sentences]


FIXES = {"suck": "sucks", "have repeatedly": "has repeatedly", "was present": "were present",
         "know it": "knows it"}


def fix_agreement(sentence: str) -> str:
    for wrong, right in FIXES.items():
        sentence = sentence.replace(wrong, right)
    return sentence
