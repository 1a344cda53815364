"""Every default in one place. The CLI reads its defaults from here and shows them in ``--help``."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

# The system prompt used when the model directory does not bring its own (the base instruct model).
DEFAULT_SYSTEM_PROMPT = (
    "You fix machine-translated English. Rewrite the user's sentence as fluent, grammatical "
    "English with the same meaning, changing as few words as possible. If it is already fine, "
    "repeat it unchanged. Reply with the sentence only."
)

# Few-shot turns shown to the base model before the real sentence: they teach the format
# (one sentence back, no chat) far better than instructions alone.
DEFAULT_FEW_SHOT: tuple[tuple[str, str], ...] = (
    ("This offer suck.", "This offer sucks."),
    ("The President have repeatedly said that we are not looking for enemies.",
     "The President has repeatedly said that we are not looking for enemies."),
    ("The meeting will take place on Monday in Geneva.",
     "The meeting will take place on Monday in Geneva."),
)


@dataclass(frozen=True)
class Config:
    """Decoding, batching and guard settings; frozen, so derive variants with :meth:`with_`."""

    batch_size: int = 8  # sentences per generate() call, after sorting by length
    max_input_tokens: int = 160  # longer sentences are passed through untouched (length guard)
    max_new_tokens_ratio: float = 1.5  # new-token budget per input token...
    max_new_tokens_extra: int = 8  # ...plus this many
    num_threads: int = 0  # torch CPU threads; 0 = one per core
    dtype: str = "float32"  # model weights: "float32" (exact) or "bfloat16" (faster on AVX512-BF16/AMX CPUs)
    level: str = "balanced"  # the name of the gate preset below that these settings came from
    min_chrf: float = 45.0  # a rewrite further than this chrF from its source is refused (invented content)
    keep_margin: float = 0.0  # the rewrite's mean token log-prob must beat keeping the source by this much
    max_gap: int = 4  # refuse a rewrite that drops or invents a run of this many words
    max_changed_words: int = 0  # refuse a rewrite that changes more words than this (casing aside); 0 = no bound
    max_length_ratio: float = 1.6  # refuse rewrites longer than this times the source (in characters)...
    min_length_ratio: float = 0.6  # ...or shorter than this
    system_prompt: str = DEFAULT_SYSTEM_PROMPT  # used only when the model dir brings no prompt
    few_shot: tuple[tuple[str, str], ...] = field(default=DEFAULT_FEW_SHOT)  # (input, output) demonstrations
    min_confidence: float = 0.0  # edits less sure than this are neither shown nor applied
    flags: bool = True  # look for untranslated words (pymorphy3, wordfreq)
    cognates: bool = True  # render untranslated Cyrillic internationalisms in English (mtfix.rules.cognates)
    spelling: bool = True  # fix clear misspellings of common words (mtfix.rules.spelling, harper-py)
    typography: bool = True  # TeX quotes and spaces before punctuation (mtfix.text.typography)
    edit_types: str = "auto"  # who types edits: "errant" (mtfix[types]), "rules", or "auto" (errant if installed)
    strategy: str = "copy-draft"  # "copy-draft" (greedy's output, drafted from the source) or "greedy" (generate)
    draft_tokens: int = 10  # copy-draft: source tokens proposed per verifying forward pass
    skip_keep_score: float | None = None  # not exact: don't generate when keeping the source scores >= this
    # Bilingual checks run where a source is given (mtfix.checks; names from mtfix.checks.KINDS)...
    checks: tuple[str, ...] = ("number", "markup", "untranslated", "inconsistent", "punctuation", "glossary")
    apply_checks: bool = False  # ...and their suggested fixes applied (--apply-checks), not only shown
    dictionary: bool = True  # suggest dictionary renderings of untranslated Russian words (FreeDict eng-rus)

    def with_(self, **changes: Any) -> Config:
        """A copy with ``changes`` applied; unknown names raise ``TypeError``."""
        return replace(self, **changes)

    def at_level(self, level: str) -> Config:
        """These settings with the gate preset ``level`` (see :data:`LEVELS`)."""
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}; choose from {', '.join(LEVELS)}")
        return replace(self, level=level, **LEVELS[level])

    def decoding(self) -> dict[str, Any]:
        """The settings that change outputs, for signatures."""
        return {"strategy": "greedy", "max_input_tokens": self.max_input_tokens,
                "max_new": f"{self.max_new_tokens_ratio}x+{self.max_new_tokens_extra}",
                "level": self.level, "min_chrf": self.min_chrf, "keep_margin": self.keep_margin,
                "max_gap": self.max_gap,
                **({"max_changed": self.max_changed_words} if self.max_changed_words else {}),
                "len_ratio": f"{self.min_length_ratio}-{self.max_length_ratio}",
                **({"min_confidence": self.min_confidence} if self.min_confidence else {}),
                **({"cognates": "translit"} if self.cognates else {}),
                **({"spelling": "harper"} if self.spelling else {}),
                **({"typography": "rules"} if self.typography else {}),
                **({"dtype": self.dtype} if self.dtype != "float32" else {}),
                **({"apply_checks": True} if self.apply_checks else {}),
                # copy-draft and greedy give the same output: only an approximation belongs here.
                **({"skip_keep": self.skip_keep_score} if self.skip_keep_score is not None else {})}


DTYPES = ("float32", "bfloat16")
LOW_QUALITY = 0.5  # reports mark a sentence whose quality estimate is below this

# The one user-facing knob: how much evidence a rewrite needs before it replaces a sentence.
# conservative changes little and almost never harms good MT; fluent repairs more and risks more.
LEVELS: dict[str, dict[str, Any]] = {
    "conservative": {"min_chrf": 60.0, "keep_margin": 0.3, "max_gap": 3},
    "balanced": {"min_chrf": 45.0, "keep_margin": 0.0, "max_gap": 4},
    "fluent": {"min_chrf": 35.0, "keep_margin": -0.2, "max_gap": 5},
}

DEFAULT = Config()
