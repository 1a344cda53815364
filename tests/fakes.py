"""Rewriters that behave in known ways, for testing everything around the model."""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from mtfix.model.rewriter import Rewrite
from mtfix.pipeline import Corrector


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


def fake_corrector() -> Corrector:
    """A Corrector over :func:`fix_agreement`; module-level, so Ray workers can build it too."""
    return Corrector(rewriter=FakeRewriter(fix_agreement))


class LoggingFix:
    """:func:`fix_agreement` that also appends each sentence to ``log`` (to see which lines were redone)."""

    def __init__(self, log: str) -> None:
        self.log = log

    def __call__(self, sentence: str) -> str:
        with open(self.log, "a", encoding="utf-8") as fh:
            fh.write(sentence.replace("\n", " ") + "\n")
        return fix_agreement(sentence)


class DieOnce:
    """Builds a Corrector whose first rewrite anywhere kills its process (``marker`` says it happened)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __call__(self) -> Corrector:
        def fn(sentence: str) -> str:
            try:
                fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return fix_agreement(sentence)
            os.close(fd)
            os._exit(1)  # a worker lost mid-shard: no exception, no cleanup

        return Corrector(rewriter=FakeRewriter(fn))


class LoggingCorrector:
    """Builds a Corrector over :class:`LoggingFix`."""

    def __init__(self, log: str) -> None:
        self.log = log

    def __call__(self) -> Corrector:
        return Corrector(rewriter=FakeRewriter(LoggingFix(self.log)))


class SlowOn:
    """Builds a Corrector that takes ``seconds`` over each sentence containing ``text`` (to reorder results)."""

    def __init__(self, text: str, seconds: float) -> None:
        self.text = text
        self.seconds = seconds

    def __call__(self) -> Corrector:
        def fn(sentence: str) -> str:
            if self.text in sentence:
                time.sleep(self.seconds)
            return fix_agreement(sentence)

        return Corrector(rewriter=FakeRewriter(fn))


def cli_runner(monkeypatch: Any, capsys: Any, make: Callable[[], Corrector]) -> Callable[..., tuple[int, str, str]]:
    """``call(*args) -> (exit status, stdout, stderr)`` of ``mtfix ARGS`` with every command's Corrector built
    by ``make`` (a fake model); for the CLI tests' ``run`` fixtures."""
    from mtfix import cli

    monkeypatch.setattr(cli, "_corrector", lambda args: make())

    def call(*args: str) -> tuple[int, str, str]:
        rc = cli.main(list(args))
        out, err = capsys.readouterr()
        return rc, out, err

    return call
