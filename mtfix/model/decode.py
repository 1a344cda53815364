"""Copy-aware greedy decoding: the same tokens as plain greedy generation, most of them without a step each.

A rewrite is mostly a copy of its source. One forced forward pass over "prompt + source + end of turn"
(the *keep pass*, run in batches) gives the model's log-probability of keeping the sentence and, at every
answer position, the greedy argmax. If every argmax is the forced token, greedy decoding would copy the
sentence: the output is known without generating. Otherwise greedy output shares the source's tokens up
to the first mismatch, and the keep pass already holds the keys and values up to there and greedy's
first new token. Decoding goes on from there for all such sentences of the batch at once, drafting each
one's next tokens from its source (prompt-lookup: the last n-gram of the output found in the source, and
what follows it) and verifying every draft in one batched forward pass. The longest agreeing prefix of the draft
plus the model's own next token is accepted, so the result is exactly greedy's (up to float rounding of
different matrix shapes, which can flip a near-tie argmax; see ``scripts/bench.py``).

Every prompt starts with the same system turn. Its keys and values are computed once
(:func:`prefix_cache`) and shared by every keep pass: they depend on nothing after them.

torch is imported lazily, by the caller's model.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mtfix.model.base import left_pad


@dataclass(frozen=True)
class KeepPass:
    """The forced pass over one sentence's answer tokens (the source plus end of turn)."""

    logprobs: tuple[float, ...]  # log-probability of each answer token
    agree: int  # how many leading answer tokens are also the greedy argmax
    source_logprobs: tuple[float, ...] = ()  # of the tokens in the asked-for span of the prompt (the sentence)
    # Greedy's own token where it first leaves the answer, and its log-probability (-1 when it never does).
    next_token: int = -1
    next_logprob: float = 0.0
    # With ``hidden_layers``: per layer asked for, the hidden states (float32 tensors [tokens, width]) at the
    # answer's tokens and at the prompt span's tokens; the quality model's evidence.
    answer_hidden: tuple[Any, ...] = ()
    source_hidden: tuple[Any, ...] = ()

    @property
    def keep_score(self) -> float:
        """Mean log-probability per token of repeating the source unchanged."""
        return sum(self.logprobs) / len(self.logprobs)


@dataclass(frozen=True)
class PrefixCache:
    """The keys and values of a prompt start shared by every sentence (the system turn), one per layer."""

    tokens: tuple[int, ...]
    layers: tuple[tuple[Any, Any], ...]  # (keys, values), each [1, heads, len(tokens), head_dim]

    def covers(self, seqs: Sequence[Sequence[int]]) -> bool:
        """Whether every sequence starts with the prefix and goes on after it."""
        n = len(self.tokens)
        return all(len(s) > n and tuple(s[:n]) == self.tokens for s in seqs)

    def cache(self, rows: int) -> Any:
        """A fresh cache holding the prefix for ``rows`` sequences (the stored tensors are never written)."""
        from transformers import DynamicCache

        return DynamicCache(ddp_cache_data=[(k.expand(rows, -1, -1, -1), v.expand(rows, -1, -1, -1))
                                            for k, v in self.layers])


def prefix_cache(model: Any, tokens: Sequence[int]) -> PrefixCache | None:
    """One forward pass over ``tokens``, kept as a :class:`PrefixCache`; None for an empty prefix."""
    import torch
    from transformers import DynamicCache

    if not tokens:
        return None
    cache = DynamicCache()
    with torch.inference_mode():
        model(input_ids=torch.tensor([list(tokens)]), cache=cache, use_cache=True, logits_to_keep=1)
    layers = tuple((layer.keys, layer.values) for layer in cache.layers)
    return PrefixCache(tuple(tokens), layers)


@dataclass
class KeptBatch:
    """A keep pass's keys and values, kept so that its rows can go on decoding (:func:`continue_batch`)."""

    cache: Any  # transformers DynamicCache, one row per sentence
    mask: Any  # [rows, columns] attention mask; each row's answer fills its last columns
    answers: list[list[int]]
    prompt_lengths: list[int]


def keep_pass(model: Any, prompts: Sequence[list[int]], answers: Sequence[list[int]], pad_id: int,
              spans: Sequence[tuple[int, int]] | None = None, shared: PrefixCache | None = None,
              hidden_layers: Sequence[int] = ()) -> list[KeepPass]:
    """One batched forward pass over each prompt + answer, left-padded; logits only where answers are, and
    over each row's ``spans[row]`` of its prompt (start, end) when given: the quality estimate's evidence
    (the sentence's own tokens as the user's turn) then comes from the same pass.

    With ``shared`` (the prompts' common start), only what follows it is computed: the padding then sits
    between the shared start and each row's own tokens, masked out. ``hidden_layers`` (decoder layer
    numbers from 1; the number of layers means the final, normed states) fill each pass's ``answer_hidden``
    and ``source_hidden``."""
    return _forced(model, prompts, answers, pad_id, spans, shared, False, hidden_layers)[0]


def _hooks(model: Any, layers: Sequence[int], into: dict[int, Any]) -> list[Any]:
    """Forward hooks keeping the output of each decoder layer in ``layers`` (from 1; the last is taken after
    the final norm, as the head sees it) in ``into``; returns the handles to remove."""
    body = model.model
    handles = []
    for n in layers:
        if not 1 <= n <= len(body.layers):
            raise ValueError(f"hidden layer {n}: the model has layers 1 to {len(body.layers)}")
        module = body.norm if n == len(body.layers) else body.layers[n - 1]

        def keep(_module: Any, _args: Any, output: Any, n: int = n) -> None:
            into[n] = (output[0] if isinstance(output, tuple) else output).float()

        handles.append(module.register_forward_hook(keep))
    return handles


def keep_pass_kept(model: Any, prompts: Sequence[list[int]], answers: Sequence[list[int]], pad_id: int,
                   spans: Sequence[tuple[int, int]] | None = None, shared: PrefixCache | None = None,
                   hidden_layers: Sequence[int] = ()) -> tuple[list[KeepPass], KeptBatch]:
    """:func:`keep_pass`, and its keys and values for :func:`continue_batch`."""
    passes, kept = _forced(model, prompts, answers, pad_id, spans, shared, True, hidden_layers)
    assert kept is not None
    return passes, kept


def _forced(model: Any, prompts: Sequence[list[int]], answers: Sequence[list[int]], pad_id: int,
            spans: Sequence[tuple[int, int]] | None, shared: PrefixCache | None,
            keep_cache: bool, hidden_layers: Sequence[int] = ()) -> tuple[list[KeepPass], KeptBatch | None]:
    import torch
    from transformers import DynamicCache

    seqs = [p + a for p, a in zip(prompts, answers)]
    cut = len(shared.tokens) if shared is not None and shared.covers(seqs) else 0
    ids, mask = left_pad([s[cut:] for s in seqs], pad_id)
    # Positions count from each row's first real token, as generate() does, so that a padded row sees
    # what the same sentence alone would.
    positions = (mask.cumsum(-1) - 1).clamp(min=0) + cut
    cache = DynamicCache() if keep_cache else None
    if cut:
        assert shared is not None
        cache = shared.cache(len(seqs))
        mask = torch.cat([torch.ones(len(seqs), cut, dtype=mask.dtype), mask], dim=1)
    # Kept logits: the last ``keep`` columns; column c predicts the token in column c + 1.
    keep = max(len(a) for a in answers) + 1
    if spans is not None:
        keep = max(keep, *(len(seq) - start + 1 for seq, (start, _end) in zip(seqs, spans)))
    states: dict[int, Any] = {}
    handles = _hooks(model, hidden_layers, states) if hidden_layers else []
    try:
        with torch.inference_mode():
            logits = model(input_ids=ids, attention_mask=mask, position_ids=positions, cache=cache,
                           logits_to_keep=keep, use_cache=cache is not None).logits.float()
    finally:
        for handle in handles:
            handle.remove()
    logprobs = logits.log_softmax(-1)
    greedy = logits.argmax(-1)
    out = []
    for row, (seq, answer) in enumerate(zip(seqs, answers)):
        first = keep - len(answer) - 1  # kept column predicting the row's first answer token
        target = torch.tensor(answer, dtype=torch.long)
        lp = logprobs[row, first:keep - 1].gather(-1, target.unsqueeze(-1)).squeeze(-1)
        same = (greedy[row, first:keep - 1] == target).tolist()
        agree = same.index(False) if False in same else len(same)
        next_token, next_logprob = -1, 0.0
        if agree < len(answer):
            next_token = int(greedy[row, first + agree])
            next_logprob = float(logprobs[row, first + agree, next_token])
        source: tuple[float, ...] = ()
        width = ids.shape[1]  # the computed columns; the row's sequence ends in the last one
        answer_hidden = tuple(states[n][row, width - len(answer):].clone() for n in hidden_layers)
        source_hidden: tuple[Any, ...] = ()
        if spans is not None:
            start, end = spans[row]
            at = keep - len(seq) + start - 1  # kept column predicting the span's first token
            span = torch.tensor(seq[start:end], dtype=torch.long)
            source = tuple(logprobs[row, at:at + end - start].gather(-1, span.unsqueeze(-1)).squeeze(-1).tolist())
            first_col = width - len(seq) + start
            source_hidden = tuple(states[n][row, first_col:first_col + end - start].clone() for n in hidden_layers)
        out.append(KeepPass(tuple(lp.tolist()), agree, source, next_token, next_logprob, answer_hidden,
                            source_hidden))
    kept = None
    if keep_cache:
        kept = KeptBatch(cache, mask, [list(a) for a in answers], [len(p) for p in prompts])
    return out, kept


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
    passes: int  # batched forward passes this sentence took part in (the keep pass not counted)


def continue_batch(model: Any, kept: KeptBatch, jobs: Sequence[tuple[int, int, KeepPass]], end_id: int, k: int,
                   pad_id: int) -> list[Continuation]:
    """Greedy decoding of several rows of a keep pass at once, from where each first leaves its answer.

    ``jobs`` holds (row, budget, that row's :class:`KeepPass`). The rows' keys and values up to that point
    are the keep pass's own (its later columns are masked out), and greedy's first new token is the keep
    pass's argmax there: no prefill and no first step. Then every pass feeds each live row its pending
    token plus a draft from its source (padded to the longest draft, the padding masked); each row
    accepts its longest agreeing draft prefix plus the model's own next token, so its output is greedy's,
    and rejected draft tokens stay in the cache masked out.
    A row leaves the batch at end of turn or at its budget.
    """
    import torch

    outs: list[list[int]] = []
    lps: list[list[float]] = [[] for _ in jobs]
    passes = [0] * len(jobs)
    live: list[int] = []
    mask = kept.mask.clone()
    width = mask.shape[1]
    for n, (row, budget, keep) in enumerate(jobs):
        answer = kept.answers[row]
        prefix = answer[:min(keep.agree, budget)]
        # Keep the row's columns up to the end of the agreed prefix (the answer fills the last columns).
        mask[row, width - len(answer) + len(prefix):] = 0
        outs.append(list(prefix))
        if len(prefix) < budget and keep.next_token >= 0:
            outs[n].append(keep.next_token)
            lps[n].append(keep.next_logprob)
            if keep.next_token != end_id and len(outs[n]) < budget:
                live.append(n)
    cache, rows = kept.cache, [row for row, _, _ in jobs]
    select = torch.tensor([rows[n] for n in live], dtype=torch.long)
    if live:
        cache.batch_select_indices(select)
        mask = mask[select]
    with torch.inference_mode():
        while live:
            feeds, guesses = [], []
            for n in live:
                budget = jobs[n][1]
                guess = draft(outs[n], kept.answers[rows[n]], min(k, budget - len(outs[n]) - 1))
                guesses.append(guess)
                feeds.append([outs[n][-1], *guess])
            longest = max(len(f) for f in feeds)
            ids = torch.tensor([f + [pad_id] * (longest - len(f)) for f in feeds])
            fed = torch.tensor([[1] * len(f) + [0] * (longest - len(f)) for f in feeds], dtype=mask.dtype)
            start = torch.tensor([kept.prompt_lengths[rows[n]] + len(outs[n]) - 1 for n in live])
            positions = start.unsqueeze(1) + torch.arange(longest).unsqueeze(0)
            logits = model(input_ids=ids, attention_mask=torch.cat([mask, fed], dim=1), position_ids=positions,
                           cache=cache, use_cache=True).logits.float()
            greedy = logits.argmax(-1).tolist()
            accepted_cols, still = [], []
            for i, n in enumerate(live):
                passes[n] += 1
                guess, budget = guesses[i], jobs[n][1]
                accepted = 0
                while accepted < len(guess) and guess[accepted] == greedy[i][accepted]:
                    accepted += 1
                new = guess[:accepted] + [greedy[i][accepted]]
                if end_id in new:
                    new = new[:new.index(end_id) + 1]
                new = new[:budget - len(outs[n])]
                lp = logits[i, :len(new)].log_softmax(-1).gather(-1, torch.tensor(new).unsqueeze(-1)).squeeze(-1)
                lps[n] += lp.tolist()
                outs[n] += new
                # In the cache now: the pending token and the accepted draft tokens; the rest is masked.
                accepted_cols.append([1] * (1 + accepted) + [0] * (longest - 1 - accepted))
                if outs[n][-1] != end_id and len(outs[n]) < budget:
                    still.append(i)
            mask = torch.cat([mask, torch.tensor(accepted_cols, dtype=mask.dtype)], dim=1)
            if len(still) < len(live):
                select = torch.tensor(still, dtype=torch.long)
                cache.batch_select_indices(select)
                mask = mask[select]
                live = [live[i] for i in still]
    return [Continuation(out, lp, n) for out, lp, n in zip(outs, lps, passes)]
