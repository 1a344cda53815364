"""Bilingual checks: findings about a target segment judged against its source (numbers, markup, untranslated text, consistency, end punctuation, glossary terms).
May import the standard library, mtfix.text and, lazily, pymorphy3/lemminflect; never torch or the model."""  # noqa: E501
from __future__ import annotations

from mtfix.checks.consistency import Consistency, check_consistency
from mtfix.checks.dictionary import Rendering, available, render, transliterations
from mtfix.checks.finding import KINDS, SEVERITIES, Finding
from mtfix.checks.glossary import Glossary, GlossaryEntry, GlossaryError, check_glossary, load_glossary
from mtfix.checks.markup import check_markup
from mtfix.checks.numbers import check_numbers
from mtfix.checks.punctuation import check_punctuation
from mtfix.checks.run import DEFAULT_KINDS, breaks, check_file, check_segment, guess_lang
from mtfix.checks.untranslated import check_untranslated

__all__ = [
    "DEFAULT_KINDS", "KINDS", "SEVERITIES", "Consistency", "Finding", "Glossary", "GlossaryEntry", "GlossaryError",
    "Rendering",
    "available", "breaks", "check_consistency", "check_file", "check_glossary", "check_markup", "check_numbers",
    "check_punctuation", "check_segment", "check_untranslated", "guess_lang", "load_glossary", "render",
    "transliterations",
]
