"""Russian morphology (pymorphy3, imported when first asked for): one analyser per process, about 20 MB,
shared by the untranslated-word flags, the cognates stage and the bilingual checks."""
from __future__ import annotations

import functools
from typing import Any


@functools.lru_cache(maxsize=1)
def russian_morphology() -> Any:
    """The process's pymorphy3 analyser; ImportError where pymorphy3 is not installed."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def russian_morphology_or_none() -> Any | None:
    """:func:`russian_morphology`, or None where pymorphy3 is not installed (the caller falls back)."""
    try:
        return russian_morphology()
    except ImportError:
        return None
