"""Fixers compared by ``mtfix eval``: each rewrites a list of lines, one output line per input line.

``identity`` (raw MT, do nothing), ``harper`` (harper-py, first suggestion of every lint) and the mtfix
Corrector with any model: ``base`` (the base instruct model prompted zero-shot: the system prompt, no
demonstrations), ``default`` (``models/default``, else the base model with the few-shot prompt) or a
model directory. Only the Corrector loads torch, and only when it first rewrites.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol

from mtfix.config import DEFAULT, Config

BUILTIN = ("identity", "harper", "base", "default")


class Fixer(Protocol):
    """Rewrites lines; ``signature`` says exactly what did it (versions, model, settings)."""

    name: str

    @property
    def signature(self) -> str: ...

    def fix(self, lines: Sequence[str]) -> list[str]:
        """One output per input line, in order."""
        ...


class Identity:
    """Raw MT: returns every line unchanged."""

    name = "identity"
    signature = "identity"

    def fix(self, lines: Sequence[str]) -> list[str]:
        return list(lines)


class Harper:
    """Harper (harper-py) applying the first suggestion of each lint, as a one-click user would."""

    name = "harper"

    def __init__(self) -> None:
        try:
            import harper
        except ImportError:
            raise ImportError("the harper baseline needs harper-py: pip install harper-py") from None
        # Building the linter loads the curated dictionary (~1 s): once per fixer.
        self._linter = harper.Linter(harper.Dialect.AMERICAN)

    @property
    def signature(self) -> str:
        return f"harper-py:{_version('harper-py')}|dialect:american|first-suggestion"

    def fix(self, lines: Sequence[str]) -> list[str]:
        return [self.fix_line(line) for line in lines]

    def fix_line(self, line: str) -> str:
        # Plain text: Markdown (harper's default) would treat MT's '*', '#' or '_' as markup.
        lints = [lint for lint in self._linter.lint(line, language="plaintext") if lint.suggestions]
        kept: list[Any] = []
        end = -1
        for lint in sorted(lints, key=lambda lint: (lint.span.start, lint.span.end)):
            if lint.span.start >= end:  # overlapping lints would fight over the same characters
                kept.append(lint)
                end = lint.span.end
        # Right to left, so the spans of the lints still to apply keep pointing at the same text.
        for lint in reversed(kept):
            line = apply_suggestion(line, lint.span.start, lint.span.end, lint.suggestions[0])
        return line


def apply_suggestion(text: str, start: int, end: int, suggestion: Any) -> str:
    """Apply one harper suggestion to ``text[start:end]`` (harper's three kinds of suggestion)."""
    kind = int(suggestion.kind)
    if kind == 1:  # REMOVE
        return text[:start] + text[end:]
    if kind == 2:  # INSERT_AFTER
        return text[:end] + suggestion.replacement_text + text[end:]
    return text[:start] + suggestion.replacement_text + text[end:]  # REPLACE


class CorrectorFixer:
    """The mtfix Corrector with one model; each line is one unit, as with ``mtfix correct --lines``."""

    def __init__(self, name: str, corrector: Any, note: str = "") -> None:
        self.name = name
        self.corrector = corrector
        self.note = note  # what the Corrector's own signature does not say (e.g. "prompt:zero-shot")

    @property
    def signature(self) -> str:
        sig = str(self.corrector.signature.format())  # loads the model if it is not loaded yet
        return f"{sig}|{self.note}" if self.note else sig

    def fix(self, lines: Sequence[str]) -> list[str]:
        return [r.text for r in self.corrector.correct_batch(list(lines))]


class Cached:
    """Remembers each fixer's output per distinct input line for the whole run.

    Many MT systems produce the same sentence; a model fixer then rewrites it once.
    """

    def __init__(self, fixer: Fixer) -> None:
        self.fixer = fixer
        self.name = fixer.name
        self.memo: dict[str, str] = {}

    @property
    def signature(self) -> str:
        return self.fixer.signature

    def missing(self, lines: Sequence[str]) -> list[str]:
        """Distinct lines not yet fixed, in first-seen order."""
        return [line for line in dict.fromkeys(lines) if line not in self.memo]

    def fix(self, lines: Sequence[str], progress: Callable[[int], None] | None = None,
            chunk: int = 32) -> list[str]:
        todo = self.missing(lines)
        for start in range(0, len(todo), chunk):
            part = todo[start:start + chunk]
            out = self.fixer.fix(part)
            if len(out) != len(part):
                raise RuntimeError(f"fixer {self.name!r} returned {len(out)} lines for {len(part)}")
            self.memo.update(zip(part, out))
            if progress is not None:
                progress(len(part))
        return [self.memo[line] for line in lines]


def make_fixer(name: str, config: Config = DEFAULT) -> Fixer:
    """``identity``, ``harper``, ``base`` (zero-shot), ``default`` or a model directory."""
    if name == "identity":
        return Identity()
    if name == "harper":
        return Harper()
    from mtfix.pipeline import Corrector

    if name not in BUILTIN and not Path(name).is_dir():  # fail now, not after the other fixers ran
        raise ValueError(f"unknown fixer {name!r}: choose from {', '.join(BUILTIN)} or a model directory")
    if name == "base":  # the "base model prompted zero-shot": no demonstrations
        return CorrectorFixer(name, Corrector(model="base", config=config.with_(few_shot=())),
                              "prompt:zero-shot")
    return CorrectorFixer(name, Corrector(model=name, config=config))


def make_fixers(names: Sequence[str], config: Config = DEFAULT) -> list[Fixer]:
    """Fixers by name, in order, each once."""
    if not names:
        raise ValueError("no fixers given")
    return [make_fixer(name, config) for name in dict.fromkeys(names)]


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"
