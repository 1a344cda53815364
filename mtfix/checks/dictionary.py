"""English renderings of an untranslated Russian word, from Debian's English-Russian FreeDict dictionary, inverted.

The dictionary is ``dict-freedict-eng-rus`` (``/usr/share/dictd/freedict-eng-rus.{index,dict.dz}``; GPL-2+, about
1,700 English headwords, so many words have no entry). Its English -> Russian entries are inverted into
Russian word -> English headwords once per process, lazily, and cached as JSON in ``~/.cache/mtfix/`` (keyed by
a format version and the dictionary's size and mtime; written atomically). Without the dictionary
:func:`available` is False and :func:`render` returns ``[]``; it never raises for a missing or broken file.

A word is lemmatised with ``pymorphy3``: every parse's normal form, and for a participle also its adjectival
lemma (матированным -> матировать and матированный). A Latin word is first back-transliterated
(GOST/BGN-style: zh, kh, ts, ch, sh, shch, ya, yu, yo, y, yy/iy endings) into the Cyrillic spellings that
``pymorphy3`` knows.
"""
from __future__ import annotations

import functools
import gzip
import json
import os
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from mtfix.text.morphology import russian_morphology_or_none

__all__ = ["DICT_DIR", "Rendering", "available", "render", "transliterations"]

DICT_DIR = Path("/usr/share/dictd")
_NAME = "freedict-eng-rus"
_CACHE_VERSION = 1
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_VALUE = {c: i for i, c in enumerate(_B64)}
_HEADWORD = re.compile(r"^(.*?)\s*(?:/[^/]*/)?\s*$")
_NUMBERED = re.compile(r"^\s*\d+\.\s*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_WORD = re.compile(r"[a-z']+")
_MAX_CANDIDATES = 4096  # transliteration spellings tried per word: a bound on work

# Latin sequence -> Cyrillic options (longest first when matching).
_TRANSLIT: dict[str, tuple[str, ...]] = {
    "shch": ("щ",), "sch": ("щ",), "iyu": ("ию",), "iya": ("ия",), "zh": ("ж",), "kh": ("х",), "ts": ("ц", "тс"),
    "ch": ("ч",), "sh": ("ш",), "ya": ("я",), "yu": ("ю",), "yo": ("ё",), "ye": ("е", "ье"), "yy": ("ый", "ий"),
    "iy": ("ий", "ый"), "iu": ("ию", "ю"), "ia": ("ия", "я"), "ie": ("ие", "ье"), "ei": ("ей", "еи"),
    "ai": ("ай", "аи"), "oi": ("ой", "ои"), "ui": ("уй", "уи"), "ju": ("ю",), "ja": ("я",), "jo": ("ё",),
    "a": ("а",), "b": ("б",), "v": ("в",), "w": ("в",), "g": ("г",), "d": ("д",), "e": ("е", "э"), "z": ("з",),
    "i": ("и", "й", "ы"), "y": ("ы", "й", "и"), "j": ("й",), "k": ("к",), "l": ("л", "ль"), "m": ("м",),
    "n": ("н",), "o": ("о",), "p": ("п",), "r": ("р",), "s": ("с",), "t": ("т", "ть"), "u": ("у",), "f": ("ф",),
    "h": ("х",), "x": ("кс",), "c": ("ц", "к"), "q": ("к",), "'": ("ь", "ъ"),
}
_KEYS = sorted(_TRANSLIT, key=len, reverse=True)


@dataclass(frozen=True)
class Rendering:
    """An English headword for a Russian word.

    ``lemma`` is the Russian dictionary form that matched. ``confidence`` in (0, 1] is the pymorphy3 score of the
    parses giving that lemma, divided by the number of English headwords the lemma has (one of five equally
    likely renderings gets at most 0.2), times 0.8 when the word came from a Latin transliteration, divided by
    the square root of the number of Cyrillic spellings that transliteration allowed. It ranks renderings; it is
    not a calibrated probability.
    """

    english: str
    lemma: str
    confidence: float


def _b64(text: str) -> int:
    value = 0
    for ch in text:
        value = value * 64 + _B64_VALUE[ch]
    return value


def _paths(directory: Path) -> tuple[Path, Path]:
    return directory / f"{_NAME}.index", directory / f"{_NAME}.dict.dz"


def _russian_items(body: str) -> list[str]:
    """The Russian equivalents in one entry's body (numbered senses, comma-separated items)."""
    out = []
    for line in body.splitlines()[1:]:
        line = _NUMBERED.sub("", line).strip()
        for item in line.split(","):
            item = item.strip().lower().replace("ё", "е")
            if item and _CYRILLIC.search(item):
                out.append(item)
    return out


def _build(index: Path, data: Path) -> dict[str, list[str]]:
    raw = gzip.decompress(data.read_bytes())
    inverted: dict[str, list[str]] = defaultdict(list)
    for line in index.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or parts[0].startswith("00database"):
            continue
        offset, length = _b64(parts[1]), _b64(parts[2])
        body = raw[offset:offset + length].decode("utf-8", "replace")
        head = _HEADWORD.match(body.splitlines()[0] if body else "")
        english = head.group(1).strip() if head and head.group(1).strip() else parts[0]
        for item in _russian_items(body):
            if english not in inverted[item]:
                inverted[item].append(english)
    return dict(inverted)


def _cache_file() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "mtfix" / f"{_NAME}-inverted.json"


@functools.lru_cache(maxsize=4)
def _inverted(directory: Path = DICT_DIR) -> dict[str, list[str]]:
    """Russian word -> English headwords; {} when the dictionary is missing or unreadable."""
    index, data = _paths(directory)
    try:
        stamp = [index.stat().st_size, int(index.stat().st_mtime), data.stat().st_size, int(data.stat().st_mtime)]
    except OSError:
        return {}
    key = {"version": _CACHE_VERSION, "dictionary": str(directory), "stamp": stamp}
    cache = _cache_file()
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return cached["index"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    try:
        inverted = _build(index, data)
    except (OSError, ValueError, EOFError, KeyError, IndexError):
        return {}
    try:  # the cache is an optimisation: failing to write it is not an error
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=cache.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"key": key, "index": inverted}, fh, ensure_ascii=False)
        os.replace(tmp, cache)
    except OSError:
        pass
    return inverted


def available(directory: Path = DICT_DIR) -> bool:
    """Whether the FreeDict English-Russian dictionary is installed and readable."""
    return bool(_inverted(directory))


def transliterations(latin: str) -> list[str]:
    """Cyrillic spellings of a Latin-script word that pymorphy3 knows ("matirovannym" -> ["матированным"])."""
    word = latin.lower().replace("’", "'")
    morph = russian_morphology_or_none()
    if morph is None or not _LATIN_WORD.fullmatch(word):
        return []
    spellings = [""]
    i = 0
    while i < len(word):
        key = next(k for k in _KEYS if word.startswith(k, i)) if any(word.startswith(k, i) for k in _KEYS) else None
        if key is None:
            return []
        spellings = [s + c for s in spellings for c in _TRANSLIT[key]][:_MAX_CANDIDATES]
        i += len(key)
    seen: list[str] = []
    for s in spellings:
        if s not in seen and morph.word_is_known(s, strict=True):
            seen.append(s)
    return seen


def _lemma_scores(word: str) -> dict[str, float]:
    morph = russian_morphology_or_none()
    lower = word.lower()
    if morph is None:
        return {lower.replace("ё", "е"): 1.0}
    scores: dict[str, float] = defaultdict(float)
    for p in morph.parse(lower):
        scores[p.normal_form.replace("ё", "е")] += p.score
        if "PRTF" in p.tag or "PRTS" in p.tag:  # матированным: also the adjective матированный
            adj = p.inflect({"sing", "masc", "nomn"}) if "PRTF" in p.tag else None
            if adj is not None:
                scores[adj.word.replace("ё", "е")] += p.score
    return dict(scores)


def render(word: str, directory: Path = DICT_DIR) -> list[Rendering]:
    """English renderings of a Russian word (Cyrillic, or Latin transliteration), best first; [] when none."""
    inverted = _inverted(directory)
    if not inverted or not word.strip():
        return []
    if _CYRILLIC.search(word):
        spellings, factor = [word], 1.0
    else:
        spellings, factor = transliterations(word), 0.8
    best: dict[str, Rendering] = {}
    for spelling in spellings:
        for lemma, score in _lemma_scores(spelling).items():
            english = inverted.get(lemma, [])
            for eng in english:
                conf = round(min(1.0, score) / len(english) * factor / max(1, len(spellings)) ** 0.5, 4)
                if eng not in best or best[eng].confidence < conf:
                    best[eng] = Rendering(eng, lemma, conf)
    return sorted(best.values(), key=lambda r: (-r.confidence, r.english))
