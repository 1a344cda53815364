"""The chat prompt around a sentence, as token ids: shared by inference and training.

Training and inference must build the prompt identically, so both call these functions.
Only the tokenizer is needed here (no torch).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

END_OF_TURN = "<|im_end|>"


class PromptFormat:
    """A system turn, optional demonstrations, then the sentence as the user's turn."""

    def __init__(self, tokenizer: Any, system: str, few_shot: Sequence[tuple[str, str]] = ()) -> None:
        self.tokenizer = tokenizer
        self.end_id = tokenizer.convert_tokens_to_ids(END_OF_TURN)
        if self.end_id is None or self.end_id == tokenizer.unk_token_id:
            self.end_id = tokenizer.eos_token_id
        messages = [{"role": "system", "content": system}]
        for src, tgt in few_shot:
            messages += [{"role": "user", "content": src}, {"role": "assistant", "content": tgt}]
        self.prefix = self._chat(messages, generation_prompt=False)
        self.user_marker = tokenizer.encode("<|im_start|>user", add_special_tokens=False)

    def _chat(self, messages: list[dict[str, str]], generation_prompt: bool) -> list[int]:
        ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=generation_prompt,
                                                 tokenize=True, return_dict=False)
        if hasattr(ids, "keys"):  # some transformers versions return a BatchEncoding
            ids = ids["input_ids"]
        return list(ids)

    def prompt(self, sentence: str) -> list[int]:
        """Ids of the whole prompt for ``sentence``, ending where the assistant's answer starts."""
        turn = self._chat([{"role": "user", "content": sentence}], generation_prompt=True)
        # The template adds a default system turn to a conversation without one: cut it off.
        return self.prefix + turn[_last_index(turn, self.user_marker):]

    def answer(self, text: str) -> list[int]:
        """Ids of ``text`` as the assistant's answer, with the end-of-turn token."""
        return self.tokenizer.encode(text, add_special_tokens=False) + [self.end_id]

    def sentence_span(self, prompt: list[int], sentence: str) -> tuple[int, int]:
        """(start, end) of ``sentence``'s own tokens inside ``prompt`` (a :meth:`prompt` result): where its
        standalone tokens occur in the last user turn, else that turn's whole content."""
        user = _last_index(prompt, self.user_marker) + len(self.user_marker)
        end = prompt.index(self.end_id, user) if self.end_id in prompt[user:] else len(prompt)
        own = self.tokenizer.encode(sentence, add_special_tokens=False)
        for start in range(user, end - len(own) + 1):
            if own and prompt[start:start + len(own)] == own:
                return start, start + len(own)
        newline = self.tokenizer.encode("\n", add_special_tokens=False)  # after the role name
        if newline and prompt[user:user + len(newline)] == newline:
            user += len(newline)
        return user, end


def _last_index(seq: list[int], sub: list[int]) -> int:
    for start in range(len(seq) - len(sub), -1, -1):
        if seq[start:start + len(sub)] == sub:
            return start
    raise ValueError("the model's chat template has no user turn marker <|im_start|>user")
