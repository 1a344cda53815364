"""The rewriting model: a batch of sentences in, one rewrite per sentence out, plus scores.

:class:`Rewriter` is the small interface the pipeline depends on; :class:`TransformersRewriter`
implements it with a decoder-only causal LM (SmolLM2-135M-Instruct, prompted or LoRA-tuned) behind a
chat prompt. Decoding is greedy (never sampled), in batches of similar length; by default copy-aware
(:mod:`mtfix.model.decode`), which gives greedy's output with far fewer forward passes. torch and transformers
are imported only when a model is loaded.
"""
from __future__ import annotations

import math
import os
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from mtfix.config import DEFAULT, DTYPES, Config
from mtfix.model.base import Rewrite, Rewriter, left_pad, require_torch
from mtfix.model.prompt import PromptFormat
from mtfix.model.store import ModelError, ModelSpec
from mtfix.text.words import has_words

__all__ = ["STRATEGIES", "Rewrite", "Rewriter", "TransformersRewriter", "left_pad"]

# "copy-draft": exact greedy output by copy-aware decoding (mtfix/model/decode.py); "greedy": HF generate().
STRATEGIES = ("copy-draft", "greedy")


class TransformersRewriter:
    """A causal LM behind a chat prompt, loaded from a :class:`ModelSpec`."""

    def __init__(self, spec: ModelSpec, config: Config = DEFAULT) -> None:
        torch = require_torch()
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        torch.set_num_threads(config.num_threads or os.cpu_count() or 1)
        if config.dtype not in DTYPES:
            raise ValueError(f"unknown dtype {config.dtype!r}; choose from {', '.join(DTYPES)}")
        if config.strategy not in STRATEGIES:
            raise ValueError(f"unknown decoding strategy {config.strategy!r}; choose from {', '.join(STRATEGIES)}")
        self.config = config
        self.model_id = spec.model_id
        self.revision = spec.revision
        self.levels = spec.levels or {}  # gate settings tuned for this model, by level name
        self.quality = spec.quality  # calibration of the quality estimate for this model, or None
        try:
            with warnings.catch_warnings():
                # Deprecation notices from inside transformers/peft mean nothing to a user correcting text.
                warnings.simplefilter("ignore", FutureWarning)
                self.tokenizer = AutoTokenizer.from_pretrained(str(spec.weights))
                model = AutoModelForCausalLM.from_pretrained(str(spec.weights), dtype=torch.float32)
                if spec.adapter is not None:
                    from peft import PeftModel

                    model = PeftModel.from_pretrained(model, str(spec.adapter)).merge_and_unload()
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load model from {spec.weights}: {exc}") from None
        # bfloat16 after merging the adapter in float32: one rounding of the final weights.
        self.model = model.to(getattr(torch, config.dtype)).eval()
        prompt = spec.prompt or {}
        self.format = PromptFormat(self.tokenizer, prompt.get("system", config.system_prompt),
                                   [tuple(p) for p in prompt.get("few_shot", config.few_shot)])
        self.end_id = self.format.end_id
        self.pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.end_id
        self._shared: Any = None  # the system turn's keys and values (mtfix.model.decode.PrefixCache), on first use
        # The learned quality head stored with the model (mtfix.model.quality_head), or None; with one, every
        # keep pass keeps the hidden states it reads.
        self.quality_head: Any = None
        if spec.quality_head and spec.quality_dir is not None:
            from mtfix.model.quality_head import QualityHead

            try:
                self.quality_head = QualityHead.load(spec.quality_dir, spec.quality_head)
            except (OSError, KeyError, ValueError) as exc:
                raise ModelError(f"cannot load the quality head of {spec.quality_dir}: {exc}") from None

    @property
    def shared(self) -> Any:
        """The prompt start every sentence shares, computed once (:func:`mtfix.model.decode.prefix_cache`)."""
        if self._shared is None:
            from mtfix.model.decode import prefix_cache

            self._shared = prefix_cache(self.model, self.format.prefix) or False
        return self._shared or None

    def rewrite(self, sentences: Sequence[str]) -> list[Rewrite]:
        """Greedy rewrites of ``sentences``, batched by length; over-long ones pass through untouched."""
        torch = require_torch()
        out: list[Rewrite | None] = [None] * len(sentences)
        lengths = self._token_lengths(sentences)
        todo = []
        for i, (s, n) in enumerate(zip(sentences, lengths)):
            if not s.strip():
                out[i] = Rewrite(s, skipped="empty")
            elif _undecodable(s):
                out[i] = Rewrite(s, skipped="undecodable bytes")
            elif not has_words(s):  # a lone closing tag, a dash, "***": nothing to repair
                out[i] = Rewrite(s, skipped="no words")
            elif n > self.config.max_input_tokens:
                out[i] = Rewrite(s, skipped="too long")
            else:
                todo.append(i)
        with torch.inference_mode():
            for idx in self._batches(todo, lengths):
                batch = [sentences[i] for i in idx]
                if self.config.strategy == "copy-draft":
                    for i, rewrite in zip(idx, self._copy_draft(batch, [lengths[i] for i in idx])):
                        out[i] = rewrite
                    continue
                budget = math.ceil(max(lengths[i] for i in idx) * self.config.max_new_tokens_ratio)
                gens = self._generate(batch, budget + self.config.max_new_tokens_extra)
                for i, (text, score, truncated), keep in zip(idx, gens, self._forced(batch, batch)):
                    out[i] = Rewrite(text, score, keep.keep_score, truncated,
                                     evidence=(keep.source_logprobs, keep.logprobs))
        return [r for r in out if r is not None]

    def _token_lengths(self, sentences: Sequence[str]) -> list[int]:
        """Tokens in each sentence; 0 for one the model must not see (undecodable bytes)."""
        return [0 if _undecodable(s) else len(self.tokenizer.encode(s, add_special_tokens=False)) for s in sentences]

    def _batches(self, todo: list[int], lengths: list[int]) -> Iterator[list[int]]:
        """The indices ``todo`` in batches of ``config.batch_size`` sentences of similar length."""
        todo = sorted(todo, key=lambda i: lengths[i])
        bs = max(1, self.config.batch_size)
        for b in range(0, len(todo), bs):
            yield todo[b:b + bs]

    def _copy_draft(self, batch: list[str], lengths: list[int]) -> list[Rewrite]:
        """Greedy rewrites by copy-aware decoding (:mod:`mtfix.model.decode`): one keep pass for the batch, then
        drafted continuations, batched, of the sentences greedy would change, from the keep pass's cache."""
        from mtfix.model.decode import continue_batch, keep_pass_kept

        prompts, answers, spans = self._pass_inputs(batch, batch)
        keeps, kept = keep_pass_kept(self.model, prompts, answers, self.pad_id, spans, self.shared,
                                     self.hidden_layers)
        estimates = self._estimates(batch, keeps)
        results: list[Rewrite | None] = [None] * len(batch)
        jobs = []
        threshold = self.config.skip_keep_score
        for row, (s, n, answer, keep) in enumerate(zip(batch, lengths, answers, keeps)):
            # The same budget as one sentence alone in _generate: the naive path's, not the batch's longest.
            budget = math.ceil(n * self.config.max_new_tokens_ratio) + self.config.max_new_tokens_extra
            evidence = (keep.source_logprobs, keep.logprobs)
            if keep.agree == len(answer) and budget >= len(answer):  # greedy would copy the sentence
                results[row] = Rewrite(self._decode(answer), keep.keep_score, keep.keep_score, False,
                                       evidence=evidence, estimate=estimates[row])
            elif threshold is not None and keep.keep_score >= threshold:  # judged fluent: not generated
                results[row] = Rewrite(s, keep.keep_score, keep.keep_score, False, skipped="fluent",
                                       evidence=evidence, estimate=estimates[row])
            else:
                jobs.append((row, budget, keep))
        conts = continue_batch(self.model, kept, jobs, self.end_id, self.config.draft_tokens, self.pad_id)
        for (row, budget, keep), cont in zip(jobs, conts):
            prefix = min(keep.agree, budget)
            logprobs = list(keep.logprobs[:prefix]) + cont.logprobs
            ended = cont.tokens[-1:] == [self.end_id]
            score = sum(logprobs) / len(logprobs) if logprobs else 0.0
            results[row] = Rewrite(self._decode(cont.tokens), score, keep.keep_score, not ended,
                                   evidence=(keep.source_logprobs, keep.logprobs), estimate=estimates[row])
        return [r for r in results if r is not None]

    def _decode(self, tokens: list[int]) -> str:
        return self.tokenizer.decode(tokens, skip_special_tokens=True).strip()

    def _generate(self, batch: list[str], max_new_tokens: int) -> list[tuple[str, float, bool]]:
        torch = require_torch()
        ids, mask = left_pad([self.format.prompt(s) for s in batch], self.pad_id)
        gen = self.model.generate(
            input_ids=ids, attention_mask=mask, max_new_tokens=max_new_tokens, do_sample=False,
            num_beams=1, temperature=None, top_p=None, top_k=None, repetition_penalty=None,
            eos_token_id=self.end_id, pad_token_id=self.pad_id,
            return_dict_in_generate=True, output_logits=True)
        new = gen.sequences[:, ids.shape[1]:]
        logprobs = torch.stack(gen.logits, dim=1).float().log_softmax(-1)
        chosen = logprobs.gather(-1, new[:, :logprobs.shape[1]].unsqueeze(-1)).squeeze(-1)
        results = []
        for row in range(len(batch)):
            toks = new[row].tolist()
            ended = self.end_id in toks
            n = toks.index(self.end_id) + 1 if ended else len(toks)
            score = float(chosen[row, :n].mean()) if n else 0.0
            text = self.tokenizer.decode(toks[:n], skip_special_tokens=True).strip()
            results.append((text, score, not ended))
        return results

    def score_pairs(self, sources: Sequence[str], candidates: Sequence[str]) -> list[float]:
        """Mean log-probability per token of each candidate (plus end of turn) as the answer to its source."""
        return [keep.keep_score for keep in self._forced(sources, candidates)]

    def _forced(self, sources: Sequence[str], candidates: Sequence[str]) -> list[Any]:
        """One forward pass over each source's prompt + its candidate as the answer
        (:func:`mtfix.model.decode.keep_pass`), the source's own tokens in the prompt scored too."""
        from mtfix.model.decode import keep_pass

        prompts, answers, spans = self._pass_inputs(sources, candidates)
        return keep_pass(self.model, prompts, answers, self.pad_id, spans, self.shared)

    def _pass_inputs(self, sources: Sequence[str], candidates: Sequence[str]) -> tuple[list[list[int]],
                                                                                       list[list[int]],
                                                                                       list[tuple[int, int]]]:
        """Prompt ids, answer ids and the source's span in the prompt, per pair: a keep pass's inputs."""
        prompts = [self.format.prompt(s) for s in sources]
        answers = [self.format.answer(c) for c in candidates]
        return prompts, answers, [self.format.sentence_span(p, s) for p, s in zip(prompts, sources)]

    def keep_logprobs(self, sentences: Sequence[str]) -> list[list[float] | None]:
        """Per-token log-probabilities of answering each sentence with itself, batched by length; None for a
        sentence the model does not take (empty, too long)."""
        return [ev[1] if ev else None for ev in self.keep_evidence(sentences)]

    def keep_evidence(self, sentences: Sequence[str]) -> list[tuple[list[float], list[float]] | None]:
        """The quality estimate's evidence, from one forward pass per batch: for each sentence, the
        log-probs of its own tokens as the user's turn (how fluent the model finds it) and of answering
        it with itself; None for a sentence the model does not take (empty, too long)."""
        return [(list(k.source_logprobs), list(k.logprobs)) if k else None for k in self.keep_passes(sentences)]

    @property
    def hidden_layers(self) -> tuple[int, ...]:
        """The decoder layers whose hidden states the keep pass keeps: those the quality head reads, else none."""
        return self.quality_head.layers if self.quality_head is not None else ()

    def _estimates(self, sentences: Sequence[str], keeps: Sequence[Any]) -> list[Any]:
        """The quality head's :class:`~mtfix.model.quality_head.Estimate` of each sentence from its keep pass
        (None without a head); the hidden states are not kept beyond this."""
        head = self.quality_head
        if head is None:
            return [None] * len(sentences)
        return [head.estimate(k, s, self.token_offsets(s)) if k is not None and k.answer_hidden else None
                for s, k in zip(sentences, keeps)]

    def estimates(self, sentences: Sequence[str]) -> list[tuple[Any, Any] | None]:
        """For ``mtfix check``: (keep evidence, head estimate) of each sentence from one keep pass each, batched;
        None for a sentence the model does not take."""
        passes = self.keep_passes(sentences, self.hidden_layers)
        heads = self._estimates(sentences, passes)
        return [((tuple(k.source_logprobs), tuple(k.logprobs)), e) if k is not None else None
                for k, e in zip(passes, heads)]

    def token_offsets(self, text: str) -> list[tuple[int, int]] | None:
        """Character spans of ``text``'s tokens as the answer holds them (without its end-of-turn token); None
        when the tokenizer gives no offsets or its tokens are not the answer's."""
        try:
            enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        except (NotImplementedError, TypeError, ValueError):
            return None
        if list(enc["input_ids"]) != self.format.answer(text)[:-1]:
            return None
        return [(int(a), int(b)) for a, b in enc["offset_mapping"]]

    def keep_passes(self, sentences: Sequence[str], hidden_layers: Sequence[int] = ()) -> list[Any]:
        """The keep pass (:class:`mtfix.model.decode.KeepPass`) of each sentence answered with itself, batched
        by length, with the hidden states of ``hidden_layers``; None for a sentence the model does not take."""
        from mtfix.model.decode import keep_pass

        out: list[Any] = [None] * len(sentences)
        lengths = self._token_lengths(sentences)
        todo = [i for i, (s, n) in enumerate(zip(sentences, lengths))
                if s.strip() and 0 < n <= self.config.max_input_tokens]
        for idx in self._batches(todo, lengths):
            batch = [sentences[i] for i in idx]
            prompts, answers, spans = self._pass_inputs(batch, batch)
            for i, keep in zip(idx, keep_pass(self.model, prompts, answers, self.pad_id, spans, self.shared,
                                              hidden_layers)):
                out[i] = keep
        return out


def _undecodable(text: str) -> bool:
    """Lone surrogates stand for bytes that were not UTF-8 (``--errors keep``): not for the model."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)
