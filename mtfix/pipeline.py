"""The Corrector: segment → rewrite → gate → diff, each stage callable on its own."""
from __future__ import annotations

import functools
import math
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from mtfix.config import DEFAULT, Config
from mtfix.model.rewriter import Rewrite, Rewriter
from mtfix.result import Progress, Result, SentenceResult, Signature, confident_sentence
from mtfix.rules.gate import judge
from mtfix.rules.untranslated import Flag
from mtfix.text.diff import Edit, apply_edits, diff
from mtfix.text.segment import Sentence, segment
from mtfix.text.spans import WordScore
from mtfix.text.typography import tidy
from mtfix.version import __version__


class Corrector:
    """Suggests fluent corrections for machine-translated English.

    >>> corrector = Corrector()            # the default model, loaded on first use
    >>> result = corrector.correct("This offer suck.")
    >>> result.text, [e.replacement for e in result.edits]

    ``model`` is ``"default"``, ``"base"`` or a model directory; ``rewriter`` replaces the model
    altogether with any object that has ``rewrite(sentences)``, ``model_id`` and ``revision``.
    ``glossary`` (a :class:`mtfix.checks.Glossary` or the path of a TSV/TBX file) is checked wherever a
    source is given (``correct(text, source=...)``).
    """

    def __init__(self, model: str | None = None, config: Config = DEFAULT,
                 rewriter: Rewriter | None = None, glossary: Any = None) -> None:
        self.config = config
        self._model = model
        self._rewriter = rewriter
        if isinstance(glossary, (str, os.PathLike)):
            from mtfix.checks import load_glossary

            glossary = load_glossary(glossary)
        self.glossary = glossary
        self._detector: Any = None  # the untranslated-word detector, loaded on first use
        self._speller: Any = None  # the spelling fixer (mtfix.rules.spelling), loaded on first use
        self._quality: Any = False  # the quality model: False = not looked up yet, None = none

    @property
    def rewriter(self) -> Rewriter:
        """The rewriting model, loaded on first use."""
        if self._rewriter is None:
            from mtfix.model import store as modelstore
            from mtfix.model.rewriter import TransformersRewriter

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

    @property
    def check_signature(self) -> Signature:
        """The signature of ``check`` results: the model that scored quality, no decoding."""
        rw = self.rewriter
        return Signature(__version__, rw.model_id, rw.revision, {"mode": "check"})

    # The stages, one by one.
    def segment(self, text: str) -> list[Sentence]:
        """Sentences of ``text`` with offsets; joining the gaps and sentences gives ``text`` back."""
        return segment(text)

    def rewrite(self, sentences: Sequence[str]) -> list[Rewrite]:
        """The model's raw proposal for each sentence (not yet gated)."""
        return self.rewriter.rewrite(list(sentences))

    def diff(self, source: str, target: str, offset: int = 0, confidence: float = 1.0,
             flags: Sequence[Flag] = ()) -> list[Edit]:
        """Word-level typed edits turning ``source`` into ``target``; offsets shifted by ``offset``.

        Kinds come from ERRANT when installed (``Config.edit_types``), else from rules; an edit
        that replaces or drops a flagged word is ``untranslated``."""
        from mtfix.text.edittypes import retype

        edits = diff(source, target, offset=offset, confidence=confidence)
        return retype(source, target, edits, offset, flags, self.config.edit_types)

    @property
    def detector(self) -> Any:
        """The untranslated-word detector (mtfix.rules.untranslated), loaded on first use; None when
        ``config.flags`` is off. Raises ImportError naming the extra when its libraries are missing."""
        if self._detector is None and self.config.flags:
            from mtfix.rules.untranslated import Detector

            self._detector = Detector()
        return self._detector

    def flags(self, sentence: str, offset: int = 0) -> list[Flag]:
        """Untranslated words of ``sentence`` (offsets shifted by ``offset``); [] when flags are off. With
        ``config.dictionary``, a Russian word the FreeDict dictionary knows carries its English rendering."""
        detector = self.detector
        found = detector.flags(sentence, offset) if detector is not None else []
        return [self._with_rendering(f) for f in found] if found and self.config.dictionary else found

    def _with_rendering(self, flag: Flag) -> Flag:
        """``flag`` with an English rendering of its Russian word: the FreeDict dictionary's best (its top
        three in the note), else the cognates stage's (confidence 0.5: a transliteration, not a translation)."""
        found = _renderings(flag.cyrillic or flag.word)
        note = f"{flag.note}; " if flag.note else ""
        if found:
            told = ", ".join(f"{r.english} ({r.confidence:.2f})" for r in found)
            return replace(flag, suggestion=found[0].english, suggestion_confidence=found[0].confidence,
                           note=f"{note}dictionary ({found[0].lemma}): {told}")
        if not self.config.cognates:
            return flag
        try:
            from mtfix.rules import cognates

            english = cognates.shared().for_flag(flag)
        except ImportError:
            return flag
        if not english:
            return flag
        return replace(flag, suggestion=english, suggestion_confidence=0.5, note=f"{note}cognate: {english}")

    @property
    def speller(self) -> Any:
        """The spelling fixer (mtfix.rules.spelling.Speller); None when ``config.spelling`` is off."""
        if self._speller is None and self.config.spelling:
            from mtfix.rules.spelling import Speller

            self._speller = Speller()
        return self._speller

    def _spelled(self, text: str, flags: Sequence[Flag]) -> str:
        """``text`` with clear misspellings fixed, the flagged (untranslated) words kept as they are."""
        speller = self.speller
        if speller is None:
            return text
        try:
            return speller.fix(text, protected={f.word for f in flags})
        except ImportError as exc:
            self._speller = None
            self._turn_off("spelling", "spelling fixes", exc)
            return text

    def _rendered(self, text: str, flags: Sequence[Flag]) -> str:
        """``text`` with the flagged Cyrillic words that English shares rendered in English."""
        if not self.config.cognates or not flags:
            return text
        try:
            from mtfix.rules import cognates
            return cognates.shared().render(text, flags)
        except ImportError as exc:
            self._turn_off("cognates", "English for untranslated words", exc)
            return text

    def _by_rule(self, text: str, flags: Sequence[Flag]) -> tuple[str, list[str]]:
        """``text`` after the rule stages (cognates, spelling, typography) and the names of those that changed it."""
        stages = []
        rendered = self._rendered(text, flags)
        if rendered != text:
            stages.append("cognates")
        spelled = self._spelled(rendered, flags)
        if spelled != rendered:
            stages.append("spelling")
        tidied = tidy(spelled) if self.config.typography else spelled
        if tidied != spelled:
            stages.append("typography")
        return tidied, stages

    def _optional_flags(self, sentence: str) -> list[Flag]:
        try:
            return self.flags(sentence)
        except ImportError as exc:
            self._turn_off("flags", "flags", exc)
            return []

    def _turn_off(self, option: str, what: str, exc: ImportError) -> None:
        # In a correction, flags and spelling fixes are a bonus: without their libraries, correct anyway
        # and say so once.
        warnings.warn(f"{exc}; correcting without {what}", stacklevel=4)
        self.config = self.config.with_(**{option: False})

    @property
    def quality_model(self) -> Any:
        """The model's quality calibration (mtfix.model.quality.QualityModel), or None if it has none."""
        if self._quality is False:
            from mtfix.model.quality import QualityModel

            calibration = getattr(self.rewriter, "quality", None)
            self._quality = QualityModel.from_dict(calibration) if calibration else None
        return self._quality

    def quality(self, sentences: Sequence[str], flags: Sequence[Sequence[Flag]] | None = None,
                evidence: Sequence[Any] | None = None) -> list[float | None]:
        """Quality estimate in [0, 1] of each sentence from one forward pass (no generation); None for
        all when the model has no calibration or cannot score, and for sentences it does not take.
        ``evidence`` (from the rewrites' own pass, :attr:`Rewrite.evidence`) saves that pass where given."""
        return [q for q, _ in self.estimate(sentences, flags, evidence)]

    def estimate(self, sentences: Sequence[str], flags: Sequence[Sequence[Flag]] | None = None,
                 evidence: Sequence[Any] | None = None,
                 heads: Sequence[Any] | None = None) -> list[tuple[float | None, tuple[WordScore, ...]]]:
        """(quality, words) of each sentence: :meth:`quality`, and with the model's learned quality head
        (:mod:`mtfix.model.quality_head`) its P(BAD) per word (offsets into the sentence); ``heads``: the
        head's estimates from the rewrites' own pass (:attr:`Rewrite.estimate`), where given."""
        head = getattr(self.rewriter, "quality_head", None)
        model = self.quality_model
        if head is None and model is None:
            return [(None, ())] * len(sentences)
        if flags is None:
            flags = [self.flags(s) for s in sentences]
        known = list(evidence) if evidence is not None else [None] * len(sentences)
        found = list(heads) if heads is not None else [None] * len(sentences)
        missing = [i for i, (ev, h) in enumerate(zip(known, found)) if ev is None or (head is not None and h is None)]
        if missing and head is not None:
            for i, pair in zip(missing, self.rewriter.estimates([sentences[i] for i in missing])):
                known[i], found[i] = pair if pair else (None, None)
        elif missing:
            scorer = getattr(self.rewriter, "keep_evidence", None)
            if scorer is None:
                return [(None, ())] * len(sentences)
            for i, ev in zip(missing, scorer([sentences[i] for i in missing])):
                known[i] = ev
        from mtfix.model.quality import features

        out: list[tuple[float | None, tuple[WordScore, ...]]] = []
        for s, ev, fl, h in zip(sentences, known, flags, found):
            if not (ev and ev[0] and ev[1]):
                out.append((None, ()))
                continue
            x = features(list(ev[0]), list(ev[1]), s, len(fl))
            if head is None or h is None:
                out.append((model.predict(x) if model is not None else None, ()))
                continue
            q, z = head.quality(h.vector_score, x)
            probs = [(a, b, head.p_bad(score, z, x)) for a, b, score in h.words]
            out.append((q, tuple(WordScore(a, b, p < head.word_threshold, p) for a, b, p in probs)))
        return out

    def check(self, text: str, name: str = "", *, source: str | None = None) -> Result:
        """Flags and quality of one document, without rewriting it; with ``source``, the bilingual findings too."""
        return self.check_batch([text], [name], sources=None if source is None else [source])[0]

    def check_batch(self, texts: Sequence[str], names: Sequence[str] | None = None,
                    progress: Progress | None = None, *, sources: Sequence[str | None] | None = None,
                    consistency: Any = True) -> list[Result]:
        """Flags and quality of several documents (no generation): results have no edits and ``text == source``.
        ``sources`` and ``consistency`` as in :meth:`correct_batch`."""
        names = self._names(texts, names, "check")
        self._check_sources(texts, sources)
        segmented = [self.segment(t) for t in texts]
        unique = list(dict.fromkeys(s.text for sents in segmented for s in sents))
        flags = {s: self.flags(s) for s in unique}
        quality = dict(zip(unique, self._quality_chunked(unique, flags, progress)))
        signature = self.check_signature
        results = []
        for text, sents, name in zip(texts, segmented, names):
            rows = tuple(SentenceResult(s.index, s.paragraph, s.start, s.end, s.text, s.text, "unchanged",
                                        quality=quality[s.text][0], flags=_shift(flags[s.text], s.start),
                                        words=_shift(quality[s.text][1], s.start))
                         for s in sents)
            results.append(Result(text, text, rows, signature, name))
        return self._against_sources(results, sources, consistency, apply=False)

    @staticmethod
    def _check_sources(texts: Sequence[str], sources: Sequence[str | None] | None) -> None:
        if sources is not None and (isinstance(sources, str) or len(sources) != len(texts)):
            given = "a string" if isinstance(sources, str) else f"{len(sources)} sources"
            raise ValueError(f"got {len(texts)} texts but {given}; give one source (or None) per text")

    def _against_sources(self, results: list[Result], sources: Sequence[str | None] | None, consistency: Any,
                         apply: bool) -> list[Result]:
        """Results judged against their sources (mtfix.rules.source): guarded, with findings, fixes if ``apply``."""
        if sources is None or all(s is None for s in sources):
            return results
        from mtfix.rules.source import add_consistency, judge_against_source

        kinds = self.config.checks
        out = [r if src is None else judge_against_source(r, src, glossary=self.glossary, kinds=kinds,
                                                          apply=apply and self.config.apply_checks)
               for r, src in zip(results, sources)]
        if "inconsistent" in kinds and consistency is not False:
            keep = [i for i, src in enumerate(sources) if src is not None]
            stream = None if consistency is True else consistency
            for i, r in zip(keep, add_consistency([out[i] for i in keep], stream)):
                out[i] = r
        return out

    def _quality_chunked(self, sentences: list[str], flags: dict[str, list[Flag]],
                         progress: Progress | None) -> list[tuple[float | None, tuple[WordScore, ...]]]:
        chunk = max(1, self.config.batch_size) * 4
        out: list[tuple[float | None, tuple[WordScore, ...]]] = []
        for start in range(0, len(sentences), chunk):
            part = sentences[start:start + chunk]
            out += self.estimate(part, [flags[s] for s in part])
            if progress is not None:
                progress(len(out), len(sentences))
        return out

    @staticmethod
    def _names(texts: Sequence[str], names: Sequence[str] | None, method: str) -> list[str]:
        """The names of ``texts`` for ``{method}_batch()``, checked against them."""
        if isinstance(texts, str):
            raise TypeError(f"{method}_batch() takes a list of texts; use {method}() for one string")
        names = list(names) if names is not None else [""] * len(texts)
        if len(names) != len(texts):
            raise ValueError(f"got {len(texts)} texts but {len(names)} names")
        return names

    # All stages.
    def correct(self, text: str, name: str = "", *, source: str | None = None) -> Result:
        """Correct one document; with ``source`` (the text it translates), repairs must agree with it
        and the result carries the bilingual checks' findings (see :meth:`correct_batch`)."""
        return self.correct_batch([text], [name], sources=None if source is None else [source])[0]

    def correct_batch(self, texts: Sequence[str], names: Sequence[str] | None = None,
                      progress: Progress | None = None, *, sources: Sequence[str | None] | None = None,
                      consistency: Any = True) -> list[Result]:
        """Correct several documents at once; sentences of all of them share the model's batches.

        ``sources``: the source-language text of each document (None where there is none). Where given, a
        rewrite that breaks a bilingual check the MT passed is refused, each result carries ``source_text``
        and the ``findings`` of ``config.checks`` about its MT, and with ``config.apply_checks`` their
        suggested fixes are applied. ``consistency``: compare the documents with each other for the
        ``inconsistent`` check (True), not at all (False), or with a stream's earlier documents (a
        :class:`mtfix.checks.Consistency`, whose messages name each document by its name).
        """
        names = self._names(texts, names, "correct")
        self._check_sources(texts, sources)
        segmented = [self.segment(t) for t in texts]
        # A repeated sentence (a heading, a boilerplate line) is rewritten once.
        unique = list(dict.fromkeys(s.text for sents in segmented for s in sents))
        rewrites = dict(zip(unique, self._rewrite_chunked(unique, progress)))
        flags = {s: self._optional_flags(s) for s in unique}
        # The rewriter's keep pass already holds the quality evidence of most sentences: no second pass.
        evidence = [getattr(rewrites[s], "evidence", None) for s in unique]
        heads = [getattr(rewrites[s], "estimate", None) for s in unique]
        quality = dict(zip(unique, self.estimate(unique, [flags[s] for s in unique], evidence, heads)))
        signature, gate = self.signature, self.gate_config
        judged: dict[str, _Judged] = {}  # gate, rule stages and diff run once per distinct sentence too
        results = [self._assemble(text, sents, rewrites, signature, name, gate, flags, quality, judged)
                   for text, sents, name in zip(texts, segmented, names)]
        return self._against_sources(results, sources, consistency, apply=True)

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
                  signature: Signature, name: str, gate: Config, flags: dict[str, list[Flag]],
                  quality: dict[str, tuple[float | None, tuple[WordScore, ...]]],
                  judged: dict[str, _Judged]) -> Result:
        results = []
        for s in sentences:
            if s.text not in judged:
                judged[s.text] = self._judge(s.text, rewrites[s.text], gate, flags[s.text])
            j = judged[s.text]
            edits = tuple(replace(e, start=e.start + s.start, end=e.end + s.start) for e in j.edits)
            result = SentenceResult(s.index, s.paragraph, s.start, s.end, s.text, j.output, j.status,
                                    j.reason, j.proposal, rewrites[s.text].score, edits, quality[s.text][0],
                                    _shift(flags[s.text], s.start), _shift(quality[s.text][1], s.start))
            # --min-confidence: what is not shown is not applied either.
            results.append(confident_sentence(result, self.config.min_confidence))
        corrected = apply_edits(text, [e for r in results for e in r.edits])
        return Result(text, corrected, tuple(results), signature, name)

    def _judge(self, sentence: str, rewrite: Rewrite, gate: Config, flags: list[Flag]) -> _Judged:
        """What becomes of one sentence: the gate's verdict, then the rule stages; edits at offset 0."""
        verdict = judge(sentence, rewrite, gate)
        output, status, reason = verdict.output, verdict.status, verdict.reason
        # The rule stages run on whatever the gate let through: the model's rewrite, or the sentence it kept.
        fixed, stages = self._by_rule(output, flags)
        if stages:
            refused = f"; the model's rewrite was refused: {reason}" if status == "rejected" else ""
            reason = f"{_and(stages)} only{refused}" if refused else ""
            output, status = fixed, "rewritten"
        edits: tuple[Edit, ...] = ()
        if status == "rewritten":
            edits = tuple(self.diff(sentence, output, 0, _confidence(rewrite), flags))
        return _Judged(output, status, reason, verdict.proposal, edits)


@dataclass(frozen=True)
class _Judged:
    output: str
    status: str
    reason: str
    proposal: str
    edits: tuple[Edit, ...]  # offsets into the sentence


def _and(names: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@functools.lru_cache(maxsize=4096)
def _renderings(word: str) -> tuple[Any, ...]:
    from mtfix.checks.dictionary import render

    return tuple(render(word)[:3])


def _shift(spans: Sequence[Any], offset: int) -> tuple[Any, ...]:
    """Flags or word scores moved by ``offset`` (sentence offsets -> document offsets)."""
    return tuple(replace(f, start=f.start + offset, end=f.end + offset) for f in spans)


def _confidence(rewrite: Rewrite) -> float:
    """Mean per-token probability of the proposal: a first, uncalibrated confidence."""
    if rewrite.score is None:
        return 0.0
    return round(min(1.0, max(0.0, math.exp(rewrite.score))), 4)
