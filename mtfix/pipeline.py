"""The Corrector: segment → rewrite → gate → diff, each stage callable on its own."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from mtfix import __version__
from mtfix.config import DEFAULT, Config
from mtfix.diff import Edit, apply_edits, diff
from mtfix.gate import judge
from mtfix.result import Result, SentenceResult, Signature
from mtfix.rewrite import Rewrite, Rewriter
from mtfix.segment import Sentence, segment

Progress = Callable[[int, int], None]  # (sentences done, sentences in all)


class Corrector:
    """Suggests fluent corrections for machine-translated English.

    >>> corrector = Corrector()            # the default model, loaded on first use
    >>> result = corrector.correct("This offer suck.")
    >>> result.text, [e.replacement for e in result.edits]

    ``model`` is ``"default"``, ``"base"`` or a model directory; ``rewriter`` replaces the model
    altogether with any object that has ``rewrite(sentences)``, ``model_id`` and ``revision``.
    """

    def __init__(self, model: str | None = None, config: Config = DEFAULT,
                 rewriter: Rewriter | None = None) -> None:
        self.config = config
        self._model = model
        self._rewriter = rewriter

    @property
    def rewriter(self) -> Rewriter:
        """The rewriting model, loaded on first use."""
        if self._rewriter is None:
            from mtfix import modelstore
            from mtfix.rewrite import TransformersRewriter

            self._rewriter = TransformersRewriter(modelstore.resolve(self._model), self.config)
        return self._rewriter

    @property
    def gate_config(self) -> Config:
        """The settings the gate applies: the model's own tuning for ``config.level`` if it has one."""
        preset = (getattr(self.rewriter, "levels", None) or {}).get(self.config.level)
        return self.config.with_(**preset) if preset else self.config

    @property
    def signature(self) -> Signature:
        """mtfix version, model id and revision, decoding and gate settings (loads the model)."""
        rw = self.rewriter
        return Signature(__version__, rw.model_id, rw.revision, self.gate_config.decoding())

    # The stages, one by one.
    def segment(self, text: str) -> list[Sentence]:
        """Sentences of ``text`` with offsets; joining the gaps and sentences gives ``text`` back."""
        return segment(text)

    def rewrite(self, sentences: Sequence[str]) -> list[Rewrite]:
        """The model's raw proposal for each sentence (not yet gated)."""
        return self.rewriter.rewrite(list(sentences))

    def diff(self, source: str, target: str, offset: int = 0, confidence: float = 1.0) -> list[Edit]:
        """Word-level typed edits turning ``source`` into ``target``; offsets shifted by ``offset``."""
        return diff(source, target, offset=offset, confidence=confidence)

    # All stages.
    def correct(self, text: str, name: str = "") -> Result:
        """Correct one document."""
        return self.correct_batch([text], [name])[0]

    def correct_batch(self, texts: Sequence[str], names: Sequence[str] | None = None,
                      progress: Progress | None = None) -> list[Result]:
        """Correct several documents at once; sentences of all of them share the model's batches."""
        if isinstance(texts, str):
            raise TypeError("correct_batch() takes a list of texts; use correct() for one string")
        names = list(names) if names is not None else [""] * len(texts)
        if len(names) != len(texts):
            raise ValueError(f"got {len(texts)} texts but {len(names)} names")
        segmented = [self.segment(t) for t in texts]
        # A repeated sentence (a heading, a boilerplate line) is rewritten once.
        unique = list(dict.fromkeys(s.text for sents in segmented for s in sents))
        rewrites = dict(zip(unique, self._rewrite_chunked(unique, progress)))
        signature, gate = self.signature, self.gate_config
        return [self._assemble(text, sents, rewrites, signature, name, gate)
                for text, sents, name in zip(texts, segmented, names)]

    def _rewrite_chunked(self, sentences: list[str], progress: Progress | None) -> list[Rewrite]:
        # Chunks of several batches keep length-sorting useful while progress still moves.
        chunk = max(1, self.config.batch_size) * 4
        out: list[Rewrite] = []
        for start in range(0, len(sentences), chunk):
            out += self.rewrite(sentences[start:start + chunk])
            if progress is not None:
                progress(len(out), len(sentences))
        return out

    def _assemble(self, text: str, sentences: list[Sentence], rewrites: dict[str, Rewrite],
                  signature: Signature, name: str, gate: Config) -> Result:
        results = []
        for s in sentences:
            rewrite = rewrites[s.text]
            verdict = judge(s.text, rewrite, gate)
            confidence = _confidence(rewrite)
            edits: tuple[Edit, ...] = ()
            if verdict.status == "rewritten":
                edits = tuple(self.diff(s.text, verdict.output, s.start, confidence))
            results.append(SentenceResult(s.index, s.paragraph, s.start, s.end, s.text, verdict.output,
                                          verdict.status, verdict.reason, verdict.proposal,
                                          rewrite.score, edits))
        corrected = apply_edits(text, [e for r in results for e in r.edits])
        return Result(text, corrected, tuple(results), signature, name)


def _confidence(rewrite: Rewrite) -> float:
    """Mean per-token probability of the proposal: a first, uncalibrated confidence."""
    if rewrite.score is None:
        return 0.0
    return round(min(1.0, max(0.0, math.exp(rewrite.score))), 4)
