"""The model layer's lowest module: what a rewrite is, what a rewriter must do, and tensor helpers.

Everything above (decoding, the rewriter, the quality model, training, the gate) imports these from
here, so no two model modules need each other. torch is imported only when a helper runs.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from mtfix.model.store import ModelError


@dataclass(frozen=True)
class Rewrite:
    """What the model proposed for one sentence."""

    text: str  # the raw proposal, stripped (artefacts are the gate's business); == source if skipped
    score: float | None = None  # mean log-probability per generated token of ``text``
    keep_score: float | None = None  # mean log-probability per token of repeating the source unchanged
    truncated: bool = False  # generation hit its token budget before ending the sentence
    skipped: str = ""  # why the model was not run ("too long"); empty when it was
    # The quality estimate's evidence from the same forward pass, when the rewriter has it: log-probs of the
    # sentence's own tokens as the user's turn, and of keeping it as the answer (see keep_evidence).
    evidence: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    # The learned quality head's part of the estimate, from the same pass, when the model has a head
    # (mtfix.model.quality_head.Estimate).
    estimate: Any = None


class Rewriter(Protocol):
    """Anything that rewrites a batch of sentences; the pipeline needs nothing more."""

    model_id: str
    revision: str

    def rewrite(self, sentences: Sequence[str]) -> list[Rewrite]:
        """One :class:`Rewrite` per sentence, in the order given."""
        ...


def require_torch() -> Any:
    """torch, or a ModelError with the install hint (torch is imported only here, when needed)."""
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the install
        raise ModelError("torch is not installed; run `make setup` (or pip install torch==2.13.0)") from None
    return torch


def left_pad(seqs: list[list[int]], pad_id: int) -> tuple[Any, Any]:
    """(ids, attention mask) tensors with every sequence padded on the left, as generation needs."""
    torch = require_torch()
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for row, s in enumerate(seqs):
        ids[row, width - len(s):] = torch.tensor(s, dtype=torch.long)
        mask[row, width - len(s):] = 1
    return ids, mask
