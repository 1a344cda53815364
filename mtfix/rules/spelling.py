"""Clear misspellings of common English words, fixed from harper-py's dictionary.

The rewriting model repairs grammar and word order but rarely a typo ("peaple", "tecnologies"): its
tokenizer splits a misspelt word into pieces it has no reason to change. Harper (a rule-based checker
with a curated dictionary) finds them, but applied blindly its first suggestion turns untranslated
words and names into other words ("vtiralsya" -> "urinals", "dolboslav" -> "dollar"), which is worse
than leaving them. So a fix is made only when all of these hold:

* Harper calls the word a spelling error and it is written in lower-case letters only (names,
  acronyms, words with digits and parts of longer words, hyphenated or with an apostrophe, are left
  alone: "knick-knack"), outside inline tags and entities, and not part of an address: a word next
  to "/" (even across spaces, as tokenised MT writes "old.reddit.com / r / liberta /"), after "." or
  "@", or before "." and a letter, is a path, domain or file name;
* Harper's British dictionary does not know the word either: Harper checks American spelling, and
  "rouble", "colour" are English ("rouble" -> "double" was a real fix it proposed);
* English hardly uses the word (wordfreq Zipf below :data:`MAX_TYPO_ZIPF`), and the caller has not
  protected it (mtfix protects the words its untranslated-word detector flags);
* the replacement is the first of Harper's first :data:`CANDIDATES` suggestions that is a common
  word of letters only (Zipf at least :data:`MIN_WORD_ZIPF`, and :data:`MIN_GAIN` above the word's,
  i.e. a hundred times as frequent: "beleive" -> "believe", but not "roubles" -> "rubles"), within
  :func:`max_distance` edits, and no suggestion is nearer to the word: when the nearest ones are
  rare, a farther common word is not a safer guess ("expances" stays; "enhances" is not the fix).

A lower-case word whose first suggestion is the same word with capitals is a name written in lower
case, as some MT systems write every word: it gets its capitals ("quebec" -> "Quebec", "november" ->
"November"), whatever its frequency (wordfreq does not tell "november" from "November").

harper-py and wordfreq are imported on first use.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from mtfix.text.words import MARKUP

MAX_TYPO_ZIPF = 3.0  # a word English uses more often than this is not a typo, whatever Harper says
MIN_WORD_ZIPF = 3.0  # a replacement must be at least this common (about 1 in a million words)...
MIN_GAIN = 2.0  # ...and this much more common than the word it replaces (Zipf is log10: 100 times)
CANDIDATES = 3  # how many of Harper's suggestions are considered, in its order
MIN_LETTERS = 4  # shorter words are too often abbreviations ("mvd") or foreign ("za")
DISTANCES = ((7, 1), (11, 2))  # (up to this many letters, edits allowed); longer words: 3
_JOINERS = ("-", "‑", "'", "’")  # a word next to these is part of a longer one
_ADDRESS_BEFORE = re.compile(r"(?:/[^\S\n]*|[.@_])\Z")  # "/ ", ".", "@" or "_" right before a word
_ADDRESS_AFTER = re.compile(r"[^\S\n]*/|[.@_]\w")  # " /", or ".x", "@x", "_x" right after it
# What Harper is not shown (blanked with spaces, so offsets hold): inline tags and entities, which are
# not words; huge tokens, on which its suggestion search is slow (a 200,000-letter "word" takes
# minutes); lone surrogates (undecodable bytes kept by --errors keep), which cannot reach it at all.
_UNLINTABLE = re.compile(rf"{MARKUP.pattern}|\S{{40,}}|[\ud800-\udfff]")


@dataclass(frozen=True)
class SpellingFix:
    """``text[start:end]`` (== ``word``) should read ``replacement``."""

    start: int
    end: int
    word: str
    replacement: str


def max_distance(word: str) -> int:
    """Edits allowed between a misspelt word and its replacement (see :data:`DISTANCES`)."""
    return next((edits for letters, edits in DISTANCES if len(word) <= letters), DISTANCES[-1][1] + 1)


def edit_distance(a: str, b: str) -> int:
    """Edits between ``a`` and ``b``: insertions, deletions, substitutions and swaps of two neighbouring
    letters ("yaer" -> "year" is one), each counted once (optimal string alignment)."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, rows[-2][j - 2] + 1)
            row.append(cost)
        rows.append(row)
    return rows[-1][-1]


def _inflection(word: str, candidate: str) -> bool:
    """``word`` is ``candidate`` itself or its plural: a form Harper's dictionary lacks ("asthmas",
    "eczemas" are English), not a typo of it."""
    return word in (candidate, candidate + "s", candidate + "es")


def _name_case(word: str, suggestions: list[str]) -> str:
    """Harper's first suggestion if it is ``word`` with capitals: a name written in lower case, as some
    MT systems write every word ("quebec" -> "Quebec", "november" -> "November"); else ``""``."""
    first = suggestions[0] if suggestions else ""
    return first if first != word and first.lower() == word else ""


def _respelling(word: str, suggestions: list[str]) -> str:
    """The common word ``word`` is a misspelling of (see the module's rules), or ``""``. Only the
    suggestions fewest edits away may be used: when none of them is common enough, a farther common
    word is not a safer guess ("expances": "expanses" is the fix, not "enhances")."""
    from wordfreq import zipf_frequency

    typo = zipf_frequency(word, "en")
    if typo >= MAX_TYPO_ZIPF:
        return ""
    words = [c for c in suggestions if c.isalpha() and c.islower() and not _inflection(word, c)]
    distance = {c: edit_distance(word, c) for c in words}
    least = min(distance.values(), default=max_distance(word) + 1)
    if least > max_distance(word):
        return ""
    return next((c for c in words if distance[c] == least
                 and zipf_frequency(c, "en") >= max(MIN_WORD_ZIPF, typo + MIN_GAIN)), "")


def _in_address(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is part of a URL, e-mail address or file name (see the module's rules)."""
    return bool(_ADDRESS_BEFORE.search(text, max(0, start - 8), start) or _ADDRESS_AFTER.match(text, end))


@functools.lru_cache(maxsize=4096)
def _british(word: str) -> bool:
    """Harper's British dictionary knows ``word`` (a British spelling such as "rouble", "colour")."""
    lints = _harper_linter("BRITISH").lint(word, language="plaintext")
    return not any(str(lint.lint_kind) == "Spelling" for lint in lints)


@functools.lru_cache(maxsize=2)
def _harper_linter(dialect: str = "AMERICAN") -> Any:
    """One Harper linter per process: building it loads the curated dictionary (about a second)."""
    try:
        import harper
    except ImportError:
        raise ImportError("spelling fixes need harper-py: pip install harper-py "
                          "(or turn them off with --no-spelling)") from None
    return harper.Linter(getattr(harper.Dialect, dialect))


class Speller:
    """Finds and applies :class:`SpellingFix` es with Harper's dictionary (shared, built on first use)."""

    @property
    def linter(self) -> Any:
        return _harper_linter()

    def fixes(self, text: str, protected: Collection[str] = ()) -> list[SpellingFix]:
        """The fixes for ``text``, left to right and not overlapping; words in ``protected`` are kept."""
        out: list[SpellingFix] = []
        masked = _UNLINTABLE.sub(lambda m: " " * len(m.group()), text)
        lints = self.linter.lint(masked, language="plaintext")
        for lint in sorted(lints, key=lambda lint: (lint.span.start, lint.span.end)):
            if str(lint.lint_kind) != "Spelling" or not lint.suggestions:
                continue
            start, end = lint.span.start, lint.span.end
            word = text[start:end]
            if len(word) < MIN_LETTERS or not (word.isalpha() and word.islower()) or word in protected:
                continue
            if (start and text[start - 1] in _JOINERS) or text[end:end + 1] in _JOINERS:
                continue
            if _in_address(text, start, end):
                continue
            suggestions = [str(s.replacement_text) for s in list(lint.suggestions)[:CANDIDATES]]
            replacement = _name_case(word, suggestions) or _respelling(word, suggestions)
            if replacement and replacement.lower() != word and _british(word):
                continue
            if replacement and (not out or start >= out[-1].end):
                out.append(SpellingFix(start, end, word, replacement))
        return out

    def fix(self, text: str, protected: Collection[str] = ()) -> str:
        """``text`` with its :meth:`fixes` applied."""
        for f in reversed(self.fixes(text, protected)):
            text = text[:f.start] + f.replacement + text[f.end:]
        return text
