"""Typographic artefacts of MT pipelines, put right without the model.

Statistical MT systems tokenise their training text and detokenise their output imperfectly. Quoted
speech comes out with TeX-style quotes (````If no one smoked, ''said the spokesman``), and some
systems keep a space before a colon or a comma ("One thing is for sure : these"). A post-editor fixes
these by hand, and there is nothing to guess, so mtfix fixes them by rule after the gate:

* `````` opens a quote and becomes ``"``, without the space after it;
* ``''`` that is not inside a word ("Celsius''s" is left alone) becomes ``"``: it closes the quote an
  odd number of quote marks before it opened (dropping the space before it, and adding one before a
  word that follows it straight away), or else opens one;
* a space before ``, ; : ! ?`` or before a full stop, after a letter, a closing bracket or quote, or
  ``%``, is dropped when the mark ends a word ("sure : these" -> "sure: these"; "11 : 07", " ...",
  " .NET" stay).

Text without these artefacts is returned unchanged (the same string).
"""
from __future__ import annotations

import re

_OPEN = re.compile(r"``[ \t]*")
_PAIR = re.compile(r"(?<![^\W\d_])''|''(?![^\W\d_])")  # two apostrophes, not inside a word
_SPACED = re.compile(r"(?:(?<=[^\W\d_])|(?<=[)\]\"”%]))[ \t]+([,;:!?]|\.(?!\.))(?=\s|$|[\"”)\]])")


def tidy(text: str) -> str:
    """``text`` with TeX quotes made plain and stray spaces before punctuation removed."""
    if "``" not in text and "''" not in text and not _SPACED.search(text):
        return text
    text = _OPEN.sub('"', text)
    text = _quotes(text)
    return _SPACED.sub(r"\1", text)


def _quotes(text: str) -> str:
    out: list[str] = []
    quotes = 0  # plain quotes written so far: an odd count means one is open
    last = 0
    for m in _PAIR.finditer(text):
        before = text[last:m.start()]
        quotes += before.count('"') + 1
        if quotes % 2 == 0:  # a closing quote: no space before it, one before a word right after it
            out.append(before.rstrip(" \t") + '"')
            if text[m.end():m.end() + 1].isalnum():
                out.append(" ")
            last = m.end()
        else:  # an opening quote: no space after it
            out.append(before + '"')
            last = m.end()
            while last < len(text) and text[last] in " \t" and text[last + 1:last + 2].strip():
                last += 1
    out.append(text[last:])
    return "".join(out)
