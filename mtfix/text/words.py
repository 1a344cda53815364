"""Words and markup in a sentence: the patterns the rule stages and the quality features share."""
from __future__ import annotations

import re
from collections.abc import Iterator

# A word: letters, with inner apostrophes, combining acute accents (stress marks) and hyphens.
WORD_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019\u02bc](?=[^\W\d_])|\u0301|-(?=[^\W\d_]))*")
MARKUP = re.compile(r"<[^<>]*>|&#?\w+;")  # tags and entities, as subtitles and XLIFF segments carry them


def iter_words(sentence: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) of each word the detector looks at."""
    for m in WORD_RE.finditer(sentence):
        yield m.start(), m.end(), m.group()


def has_words(text: str) -> bool:
    """Does ``text`` hold a letter or digit outside tags and entities?"""
    return any(ch.isalnum() for ch in MARKUP.sub("", text))
