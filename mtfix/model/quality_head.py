"""A learned quality head: sentence quality and per-word P(BAD) from the hidden states of the keep pass.

The rewriting model's keep pass (prompt + the sentence answered with itself,
:func:`mtfix.model.decode.keep_pass`) is run with the hidden states of :data:`HIDDEN_LAYERS` kept. A
sentence is reduced to one vector (:func:`sentence_vector`: per layer, the mean over the answer's tokens,
the state at its end-of-turn token, and the mean over the sentence's tokens in the prompt), each word to one
(:func:`word_vectors`: per layer, the mean over the word's answer tokens, then four log-prob summaries).
Linear heads fitted on human labels (MLQE-PE train: DA for sentences, OK/BAD word tags; by
:mod:`mtfix.training.fit_qe`) map them to scores; both are stored beside the model
(``quality_head.safetensors``, with its settings under ``quality_head`` in ``mtfix.json``).

Words are the sentence's Moses tokens (:func:`mtfix.text.moses.tokenizer`), as the labels were made on them;
their offsets come from :func:`align_words`.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["HIDDEN_LAYERS", "Estimate", "QualityHead", "align_words", "sentence_vector", "word_vectors"]

HIDDEN_LAYERS = (16, 30)  # of SmolLM2-135M's 30 decoder layers: the middle one and the last (normed) one
FILE = "quality_head.safetensors"


def align_words(text: str, words: Sequence[str]) -> list[tuple[int, int] | None]:
    """(start, end) of each of ``words`` in ``text``, found left to right; None for a word not found where
    it should be (detokenising changed it). After a word not found, the next may start past other text."""
    out: list[tuple[int, int] | None] = []
    at = 0
    for w in words:
        i = text.find(w, at) if w else -1
        missed = bool(out) and out[-1] is None
        if i < 0 or (text[at:i].strip() and not missed):
            out.append(None)
            continue
        out.append((i, i + len(w)))
        at = i + len(w)
    return out


def sentence_vector(kp: Any) -> Any:
    """The sentence's vector (a 1-D float32 tensor) from a keep pass with hidden states."""
    import torch

    parts = []
    for answer, source in zip(kp.answer_hidden, kp.source_hidden):
        body = answer[:-1] if len(answer) > 1 else answer
        parts += [body.mean(0), answer[-1], source.mean(0) if len(source) else body.mean(0)]
    return torch.cat(parts)


def word_vectors(kp: Any, offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int] | None]) -> list[Any]:
    """One vector per word span (None for a span None or covering no token): per layer, the mean hidden state
    of the answer tokens overlapping it, then the min and mean log-prob of those tokens as the answer and as
    the prompt's sentence. ``offsets`` are the character spans of the sentence's tokens (the answer less its
    end-of-turn token)."""
    import torch

    keep = kp.logprobs
    src = kp.source_logprobs if len(kp.source_logprobs) == len(offsets) else kp.logprobs
    out: list[Any] = []
    for span in spans:
        if span is None:
            out.append(None)
            continue
        a, b = span
        toks = [t for t, (s, e) in enumerate(offsets) if s < b and e > a and t < len(keep) - 1]
        if not toks:
            out.append(None)
            continue
        pooled = [h[toks].mean(0) for h in kp.answer_hidden]
        lps = torch.tensor([min(keep[t] for t in toks), sum(keep[t] for t in toks) / len(toks),
                            min(src[t] for t in toks), sum(src[t] for t in toks) / len(toks)])
        out.append(torch.cat(pooled + [lps]))
    return out


@dataclass(frozen=True)
class Estimate:
    """The head's reading of one sentence before the hand features: the sentence vector's score, and
    (start, end, word score) of each word, offsets into the sentence (:meth:`QualityHead.p_bad` turns a word
    score into P(BAD) once the sentence's z-score is known)."""

    vector_score: float
    words: tuple[tuple[int, int, float], ...] = ()


_TOKENIZER: list[Any] = []


def _tokenize(make: Any) -> Any:
    """One Moses tokenizer per process."""
    if not _TOKENIZER:
        _TOKENIZER.append(make())
    return _TOKENIZER[0]


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True)
class QualityHead:
    """Two linear heads over standardised vectors: ``quality = sigmoid(a * (w·x + b) + c)`` for a sentence
    (``x``: its vector and hand features; the linear part predicts the DA z-score; ``a, c`` calibrate it to
    P(DA >= the "good" cut)) and ``p_bad = sigmoid(v·y + d)`` for a word (``y``: its vector, then, with
    ``word_context``, the sentence's predicted z-score and hand features, so that a word is read against
    how bad its sentence is). Tensors are torch float32."""

    sentence_mean: Any
    sentence_scale: Any
    sentence_weights: Any
    sentence_bias: float
    calibration: tuple[float, float]  # (a, c)
    word_mean: Any
    word_scale: Any
    word_weights: Any
    word_bias: float
    word_threshold: float = 0.5  # p_bad at or above this: the word is shown as suspect
    info: dict[str, Any] = field(default_factory=dict)
    layers: tuple[int, ...] = HIDDEN_LAYERS  # the decoder layers whose states the vectors pool
    word_context: int = 0  # trailing word inputs from the sentence: its z-score and hand features (0: none)

    def vector_score(self, vector: Any) -> float:
        """The sentence vector's part of the linear score (the hand features' part is added by :meth:`quality`)."""
        n = len(vector)
        x = (vector.float() - self.sentence_mean[:n]) / self.sentence_scale[:n]
        return float(x @ self.sentence_weights[:n])

    def quality(self, vector_score: float, hand: Sequence[float]) -> tuple[float, float]:
        """(quality in [0, 1], the predicted DA z-score) from :meth:`vector_score` and the hand features."""
        import torch

        k = len(hand)
        x = (torch.tensor(list(hand), dtype=torch.float32) - self.sentence_mean[-k:]) / self.sentence_scale[-k:]
        z = vector_score + float(x @ self.sentence_weights[-k:]) + self.sentence_bias
        a, c = self.calibration
        return round(_sigmoid(a * z + c), 4), z

    def estimate(self, kp: Any, text: str, offsets: Sequence[tuple[int, int]] | None) -> Estimate:
        """What the head makes of one sentence's keep pass: the vector's score and P(BAD) per word (words
        being ``text``'s Moses tokens; none without token ``offsets``)."""
        from mtfix.text.moses import word_tokenizer

        words: tuple[tuple[int, int, float], ...] = ()
        if offsets is not None:
            spans = align_words(text, _tokenize(word_tokenizer)(text))
            scores = self.word_scores(word_vectors(kp, offsets, spans))
            words = tuple((a, b, p) for span, p in zip(spans, scores) if span is not None and p is not None
                          for a, b in [span])
        return Estimate(self.vector_score(sentence_vector(kp)), words)

    def word_scores(self, vectors: Sequence[Any]) -> list[float | None]:
        """The word vectors' part of each word's linear score (None stays None); :meth:`p_bad` finishes it."""
        out: list[float | None] = []
        for v in vectors:
            if v is None:
                out.append(None)
                continue
            n = len(v)
            out.append(float(((v.float() - self.word_mean[:n]) / self.word_scale[:n]) @ self.word_weights[:n]))
        return out

    def p_bad(self, word_score: float, z: float, hand: Sequence[float]) -> float:
        """P(BAD) of a word from :meth:`word_scores` and its sentence's predicted z-score and hand features."""
        total = word_score + self.word_bias
        if self.word_context:
            import torch

            k = self.word_context
            x = torch.tensor([z, *hand][:k], dtype=torch.float32)
            total += float(((x - self.word_mean[-k:]) / self.word_scale[-k:]) @ self.word_weights[-k:])
        return round(_sigmoid(total), 4)

    def words(self, vectors: Sequence[Any], z: float = 0.0, hand: Sequence[float] = ()) -> list[float | None]:
        """P(BAD) of each word vector (None stays None), in a sentence of predicted z-score ``z``."""
        return [None if s is None else self.p_bad(s, z, hand) for s in self.word_scores(vectors)]

    def save(self, folder: str | Path) -> dict[str, Any]:
        """Write the tensors to ``folder/quality_head.safetensors``; returns the settings for ``mtfix.json``."""
        from safetensors.torch import save_file

        tensors = {"sentence_mean": self.sentence_mean, "sentence_scale": self.sentence_scale,
                   "sentence_weights": self.sentence_weights, "word_mean": self.word_mean,
                   "word_scale": self.word_scale, "word_weights": self.word_weights}
        path = Path(folder) / FILE
        tmp = path.with_suffix(".tmp")
        save_file({k: v.float().contiguous() for k, v in tensors.items()}, str(tmp))
        tmp.replace(path)
        return {"file": FILE, "layers": list(self.layers), "sentence_bias": self.sentence_bias,
                "calibration": list(self.calibration), "word_bias": self.word_bias,
                "word_threshold": self.word_threshold, "word_context": self.word_context, "info": dict(self.info)}

    @classmethod
    def load(cls, folder: str | Path, settings: dict[str, Any]) -> QualityHead:
        from safetensors.torch import load_file

        t = load_file(str(Path(folder) / settings.get("file", FILE)))
        a, c = settings["calibration"]
        return cls(t["sentence_mean"], t["sentence_scale"], t["sentence_weights"], float(settings["sentence_bias"]),
                   (float(a), float(c)), t["word_mean"], t["word_scale"], t["word_weights"],
                   float(settings["word_bias"]), float(settings.get("word_threshold", 0.5)),
                   dict(settings.get("info", {})), tuple(int(n) for n in settings["layers"]),
                   int(settings.get("word_context", 0)))
