"""Copy-aware greedy decoding: the same tokens as plain greedy generation, most of them without a step each.

A rewrite is mostly a copy of its source. One forced forward pass over "prompt + source + end of turn"
(the *keep pass*, run in batches) gives the model's log-probability of keeping the sentence and, at every
answer position, the greedy argmax. If every argmax is the forced token, greedy decoding would copy the
sentence: the output is known without generating. Otherwise greedy output shares the source's tokens up
to the first mismatch, and decoding goes on from there one sentence at a time with a KV cache, drafting
the next tokens from the source (prompt-lookup: the last n-gram of the output found in the source, and
what follows it) and verifying a whole draft in one forward pass. The longest agreeing prefix of the draft
plus the model's own next token is accepted, so the result is exactly greedy's (up to float rounding of
different matrix shapes, which can flip a near-tie argmax; see ``scripts/bench.py``).

torch is imported lazily, by the caller's model.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class KeepPass:
    """The forced pass over one sentence's answer tokens (the source plus end of turn)."""

    logprobs: tuple[float, ...]  # log-probability of each answer token
    agree: int  # how many leading answer tokens are also the greedy argmax
    source_logprobs: tuple[float, ...] = ()  # of the tokens in the asked-for span of the prompt (the sentence)

    @property
    def keep_score(self) -> float:
        """Mean log-probability per token of repeating the source unchanged."""
        return sum(self.logprobs) / len(self.logprobs)


def keep_pass(model: Any, prompts: Sequence[list[int]], answers: Sequence[list[int]], pad_id: int,
              spans: Sequence[tuple[int, int]] | None = None) -> list[KeepPass]:
    """One batched forward pass over each prompt + answer, left-padded; logits only where answers are, and
    over each row's ``spans[row]`` of its prompt (start, end) when given: the quality estimate's evidence
    (the sentence's own tokens as the user's turn) then comes from the same pass."""
    import torch

    from mtfix.rewrite import left_pad

    seqs = [p + a for p, a in zip(prompts, answers)]
    ids, mask = left_pad(seqs, pad_id)
    # Positions count from each row's first real token, as generate() does, so that a padded row sees
    # what the same sentence alone would.
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    # Kept logits: the last ``keep`` columns; column c predicts the token in column c + 1.
    keep = max(len(a) for a in answers) + 1
    if spans is not None:
        keep = max(keep, *(len(seq) - start + 1 for seq, (start, _end) in zip(seqs, spans)))
    with torch.inference_mode():
        logits = model(input_ids=ids, attention_mask=mask, position_ids=positions,
                       logits_to_keep=keep, use_cache=False).logits.float()
    logprobs = logits.log_softmax(-1)
    greedy = logits.argmax(-1)
    out = []
    for row, (seq, answer) in enumerate(zip(seqs, answers)):
        first = keep - len(answer) - 1  # kept column predicting the row's first answer token
        target = torch.tensor(answer, dtype=torch.long)
        lp = logprobs[row, first:keep - 1].gather(-1, target.unsqueeze(-1)).squeeze(-1)
        same = (greedy[row, first:keep - 1] == target).tolist()
        agree = same.index(False) if False in same else len(same)
        source: tuple[float, ...] = ()
        if spans is not None:
            start, end = spans[row]
            at = keep - len(seq) + start - 1  # kept column predicting the span's first token
            span = torch.tensor(seq[start:end], dtype=torch.long)
            source = tuple(logprobs[row, at:at + end - start].gather(-1, span.unsqueeze(-1)).squeeze(-1).tolist())
        out.append(KeepPass(tuple(lp.tolist()), agree, source))
    return out


def draft(out: Sequence[int], source: Sequence[int], k: int, max_ngram: int = 3) -> list[int]:
    """Up to ``k`` tokens that follow, in ``source``, the longest tail of ``out`` found there.

    Of several matches the one whose position in the source is nearest the output's length wins: a
    rewrite keeps roughly the source's order and length. An empty output drafts the source's start; a
    tail found nowhere in the source is looked up in the output's own earlier tokens.
    """
    if k <= 0:
        return []
    if not out:
        return list(source[:k])
    for n in range(min(max_ngram, len(out)), 0, -1):
        tail = list(out[-n:])
        starts = [s + n for s in range(len(source) - n) if list(source[s:s + n]) == tail]
        if starts:
            best = min(starts, key=lambda s: (abs(s - len(out)), s))
            return list(source[best:best + k])
    # Not in the source: the output's own history (a model stuck in a loop repeats itself).
    for n in range(min(max_ngram, len(out) - 1), 0, -1):
        tail = list(out[-n:])
        for s in range(len(out) - n - 1, -1, -1):
            if list(out[s:s + n]) == tail:
                return list(out[s + n:s + n + k])
    return []


@dataclass(frozen=True)
class Continuation:
    """Greedy tokens after a known prefix, and how much work they took."""

    tokens: list[int]  # the whole output, prefix included, ending at end of turn or the budget
    logprobs: list[float]  # of the tokens after the prefix
    passes: int  # forward passes after the prefill


def continue_greedy(model: Any, prompt: list[int], prefix: list[int], source: list[int], budget: int,
                    end_id: int, k: int) -> Continuation:
    """Greedy decoding of one sentence after ``prefix`` (already known to be greedy), drafting from ``source``.

    ``source`` is the source's answer tokens (with end of turn), so a draft can propose the end too.
    """
    import torch
    from transformers import DynamicCache

    out = list(prefix)
    logprobs: list[float] = []
    cache = DynamicCache()
    seq = prompt + out
    passes = 0
    with torch.inference_mode():
        if len(seq) > 1:  # the cache holds everything but the last token, which is fed with the draft
            model(input_ids=torch.tensor([seq[:-1]]), cache=cache, use_cache=True, logits_to_keep=1)
        pending = seq[-1]
        while len(out) < budget and (not out or out[-1] != end_id):
            guess = draft(out, source, min(k, budget - len(out) - 1))
            logits = model(input_ids=torch.tensor([[pending, *guess]]), cache=cache,
                           use_cache=True).logits[0].float()
            passes += 1
            greedy = logits.argmax(-1).tolist()
            accepted = 0
            while accepted < len(guess) and guess[accepted] == greedy[accepted]:
                accepted += 1
            new = guess[:accepted] + [greedy[accepted]]
            if end_id in new:
                new = new[:new.index(end_id) + 1]
            new = new[:budget - len(out)]
            lp = logits[:len(new)].log_softmax(-1).gather(-1, torch.tensor(new).unsqueeze(-1)).squeeze(-1)
            logprobs += lp.tolist()
            out += new
            extra = cache.get_seq_length() - (len(prompt) + len(out) - 1)  # the rejected draft tokens
            if extra:
                cache.crop(-extra)
            pending = out[-1]
    return Continuation(out, logprobs, passes)
