"""Moses tokenisation and detokenisation (sacremoses, imported when first used), as the shared data needs:
MLQE-PE and JFLEG are tokenised, sacrebleu and the model want plain text."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mtfix.text.textio import InputError


def detokenizer() -> Callable[[str], str]:
    """Moses-tokenised line -> plain text (sacremoses), joining PTB-style ``do n't`` first."""
    moses = _moses().MosesDetokenizer("en")

    def detok(line: str) -> str:
        tokens: list[str] = []
        for tok in line.split():
            if tok.lower() == "n't" and tokens:  # JFLEG splits "don't" as "do n't"; Moses cannot join it
                tokens[-1] += tok
            else:
                tokens.append(tok)
        return str(moses.detokenize(tokens))
    return detok


def tokenizer() -> Callable[[str], str]:
    """Plain text -> Moses-tokenised, with ``n't`` split off as JFLEG (PTB) does."""
    moses = _moses().MosesTokenizer("en")

    def tok(text: str) -> str:
        out = moses.tokenize(text, escape=False, return_str=True, aggressive_dash_splits=False)
        return re.sub(r"(\w)n 't\b", r"\1 n't", str(out))
    return tok


def word_tokenizer() -> Callable[[str], list[str]]:
    """Plain text -> its words as MLQE-PE's word labels count them (plain Moses: ``don 't``, not ``do n't``)."""
    moses = _moses().MosesTokenizer("en")

    def words(text: str) -> list[str]:
        return list(moses.tokenize(text, escape=False, aggressive_dash_splits=False))
    return words


def _moses() -> Any:
    try:
        import sacremoses
    except ImportError:
        raise InputError("tokenised data needs sacremoses: pip install sacremoses") from None
    return sacremoses
