"""What a correction returns: frozen values with offsets into the original text and serializers.

Kept free of torch so that reporters (and ``mtfix review`` on a saved JSON) need no model.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from mtfix.checks.finding import Finding
from mtfix.text.diff import Edit
from mtfix.text.spans import Flag, WordScore

SCHEMA_VERSION = 1
# How far a run is: called with (units done, units in all); units are sentences, lines or segments, as the
# caller documents. The one progress type of every layer (pipeline, formats, engine, evaluation).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Signature:
    """Everything needed to compare two results later (cf. sacrebleu's signatures)."""

    version: str  # mtfix version
    model: str  # model id, e.g. "HuggingFaceTB/SmolLM2-135M-Instruct+prompt"
    revision: str  # model revision: a short content hash of the weights/adapter used
    decoding: dict[str, Any] = field(default_factory=dict)  # settings that change outputs (Config.decoding())

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "model": self.model, "revision": self.revision,
                "decoding": dict(self.decoding)}

    def format(self) -> str:
        """One line, sacrebleu style: ``mtfix:0.1.0|model:...|rev:...|greedy|max_new:...``."""
        dec = "|".join(f"{k}:{v}" for k, v in sorted(self.decoding.items()))
        return f"mtfix:{self.version}|model:{self.model}|rev:{self.revision}|{dec}"

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Signature:
        return cls(d["version"], d["model"], d["revision"], dict(d.get("decoding", {})))


@dataclass(frozen=True)
class SentenceResult:
    """One source sentence and what became of it."""

    index: int  # sentence number in the document, from 0
    paragraph: int  # paragraph number, from 0
    start: int  # code-point offsets of the source sentence in the original text
    end: int
    source: str  # the source sentence (== original[start:end])
    output: str  # the sentence as it stands in the corrected text (== source when not changed)
    status: str  # "unchanged" (model kept it), "rewritten" (accepted), "rejected" (a guard refused it)
    # why a rewrite was rejected ("chat artefact", "length ratio", ...), also when the rule stages then fixed the
    # sentence ("spelling only; the model's rewrite was refused: ...", "cognates and typography only; ...");
    # empty otherwise
    reason: str = ""
    proposal: str = ""  # what the model proposed (even if rejected)
    score: float | None = None  # the model's mean log-probability of its proposal, per token
    edits: tuple[Edit, ...] = ()  # edits with offsets into the original document
    quality: float | None = None  # estimated quality in [0, 1] (mtfix.model.quality); None when not estimated
    flags: tuple[Flag, ...] = ()  # spans worth a look (untranslated words), offsets into the document
    # Per word of the source sentence, P(BAD) from the learned quality head; empty without one.
    words: tuple[WordScore, ...] = ()

    @property
    def changed(self) -> bool:
        return self.output != self.source

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "paragraph": self.paragraph, "start": self.start, "end": self.end,
                "source": self.source, "output": self.output, "status": self.status,
                "reason": self.reason, "proposal": self.proposal, "score": self.score,
                "edits": [e.to_dict() for e in self.edits],
                "quality": self.quality, "flags": [f.to_dict() for f in self.flags],
                "words": [w.to_dict() for w in self.words]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SentenceResult:
        edits = tuple(Edit.from_dict(e) for e in d.get("edits", []))
        flags = tuple(Flag.from_dict(f) for f in d.get("flags") or [])
        words = tuple(WordScore.from_dict(w) for w in d.get("words") or [])
        return cls(d["index"], d["paragraph"], d["start"], d["end"], d["source"], d["output"],
                   d["status"], d.get("reason", ""), d.get("proposal", ""), d.get("score"), edits,
                   d.get("quality"), flags, words)


@dataclass(frozen=True)
class Result:
    """The correction of one document (a file, a line in ``--lines`` mode, or a string)."""

    source: str  # the original text, exactly as given
    text: str  # the corrected text: ``apply_edits(source, edits)``
    sentences: tuple[SentenceResult, ...]
    signature: Signature
    name: str = ""  # where the text came from (file name, "<stdin>", line number); may be empty
    # The source-language text this one translates, where one was given (mtfix.checks judged against it)...
    source_text: str | None = None
    # ...and what the bilingual checks found in the MT: target offsets into ``source`` (the document), source
    # offsets into ``source_text``. Empty without a source (and with one, when nothing was found).
    findings: tuple[Finding, ...] = ()

    @property
    def edits(self) -> tuple[Edit, ...]:
        """All edits of the document, in order, offsets into ``source``."""
        return tuple(e for s in self.sentences for e in s.edits)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA_VERSION, "name": self.name, "signature": self.signature.to_dict(),
                "source": self.source, "text": self.text,
                "sentences": [s.to_dict() for s in self.sentences],
                "source_text": self.source_text, "findings": [f.to_dict() for f in self.findings]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Result:
        return cls(d["source"], d["text"], tuple(SentenceResult.from_dict(s) for s in d["sentences"]),
                   Signature.from_dict(d["signature"]), d.get("name", ""), d.get("source_text"),
                   tuple(Finding.from_dict(f) for f in d.get("findings") or []))


def confident_sentence(s: SentenceResult, min_confidence: float) -> SentenceResult:
    """``s`` with only the edits at least ``min_confidence`` sure and its output re-derived from them
    (what is not shown is not applied); a rewrite left with no edit is "rejected: below min confidence"."""
    kept = tuple(e for e in s.edits if e.confidence >= min_confidence)
    if len(kept) == len(s.edits):
        return s
    from mtfix.text.diff import apply_edits

    local = [replace(e, start=e.start - s.start, end=e.end - s.start) for e in kept]
    s = replace(s, edits=kept, output=apply_edits(s.source, local))
    return s if kept else replace(s, status="rejected", reason="below min confidence")


def keep_confident(result: Result, min_confidence: float) -> Result:
    """``result`` with only the edits at least ``min_confidence`` sure, and its texts re-derived from them."""
    from mtfix.text.diff import apply_edits

    sentences = tuple(confident_sentence(s, min_confidence) for s in result.sentences)
    return replace(result, text=apply_edits(result.source, [e for s in sentences for e in s.edits]),
                   sentences=sentences)


def join_results(results: Sequence[Result], endings: Sequence[str], name: str = "",
                 signature: Signature | None = None, per_part: bool = True) -> Result:
    """One document from results corrected piece by piece (lines, or blocks of paragraphs).

    Their source texts, where any has one, are joined with the same endings, and the findings' source
    offsets shifted into that joined text.

    Each piece's text is followed by its ending (a line break in line mode, "" for blocks). Offsets
    are shifted into the joined text and sentences renumbered. Paragraphs: one per piece when
    ``per_part`` (line mode), else numbered on across pieces.
    """
    if len(results) != len(endings):
        raise ValueError(f"got {len(results)} results but {len(endings)} endings")
    sentences: list[SentenceResult] = []
    sources, texts, source_texts = [], [], []
    findings: list[Finding] = []
    offset = paragraph = source_offset = 0
    bilingual = any(r.source_text is not None for r in results)
    for part, (result, ending) in enumerate(zip(results, endings)):
        base = part if per_part else paragraph
        for s in result.sentences:
            edits = tuple(replace(e, start=e.start + offset, end=e.end + offset) for e in s.edits)
            flags = tuple(replace(f, start=f.start + offset, end=f.end + offset) for f in s.flags)
            words = tuple(replace(w, start=w.start + offset, end=w.end + offset) for w in s.words)
            sentences.append(replace(s, index=len(sentences), paragraph=base + s.paragraph, start=s.start + offset,
                                     end=s.end + offset, edits=edits, flags=flags, words=words))
        if result.sentences:
            paragraph = sentences[-1].paragraph + 1
        for f in result.findings:  # source offsets move into the joined source text as target ones do
            f = f.shift(offset)
            if f.source_start is not None and f.source_end is not None:
                f = replace(f, source_start=f.source_start + source_offset, source_end=f.source_end + source_offset)
            findings.append(f)
        if bilingual:
            source_texts.append((result.source_text or "") + ending)
            source_offset += len(source_texts[-1])
        sources.append(result.source + ending)
        texts.append(result.text + ending)
        offset += len(result.source) + len(ending)
    signature = signature or (results[0].signature if results else Signature("", "", ""))
    return Result("".join(sources), "".join(texts), tuple(sentences), signature, name,
                  "".join(source_texts) if bilingual else None, tuple(findings))
