"""Words an MT system left untranslated: foreign-script words and Latin transliterations of Russian.

Two detectors, both offline and generation-free:

* a word written (partly) in a non-Latin script (Cyrillic, Greek, Arabic, CJK, ...) inside English
  text is flagged outright; a Cyrillic word gets its lemma from Russian morphology;
* a Latin word that is rare in English (``wordfreq``) is transliterated back to Cyrillic under the
  usual romanisations (BGN/PCGS, ISO 9-ish, GOST-style ``q``/``x``/``j``, scholarly ``'``), each
  candidate pruned against the ``pymorphy3`` Russian dictionary as it is built; a dictionary word is
  flagged with its Cyrillic form and lemma. Names (tagged Name/Surn/Patr/Geox/Orgn/Trad by the
  dictionary) are left alone when capitalised mid-sentence: MT is right to transliterate names.

No bilingual dictionary is used: no offline Russian-English dictionary with a clear licence is
installed. The words that English shares (internationalisms: диаметром, bozony) are rendered by
:mod:`mtfix.rules.cognates`; the others are only flagged.

``pymorphy3`` (with ``pymorphy3-dicts-ru``) and ``wordfreq`` are dependencies of mtfix;
they are imported lazily and loaded once per :class:`Detector`.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from mtfix.text.morphology import russian_morphology
from mtfix.text.spans import FLAG_KINDS, Flag
from mtfix.text.words import WORD_RE, iter_words

__all__ = ["FLAG_KINDS", "Detector", "Flag", "foreign_script", "iter_words", "russian_morphology"]

# --------------------------------------------------------------------------- back-transliteration

# Latin sequence -> Cyrillic options, longest sequences tried first. Permissive on purpose: the
# dictionary check prunes, so an extra option costs little and a missing one costs recall.
_TRANSLIT: dict[str, tuple[str, ...]] = {
    "shch": ("щ",), "tsya": ("тся", "ться"), "ij": ("й", "ий"), "sch": ("щ", "сч"), "tch": ("ч",),
    "zh": ("ж", "зх"), "kh": ("х", "кх"), "ts": ("ц", "тс"), "tz": ("ц",), "ch": ("ч", "х"),
    "sh": ("ш", "шь", "сх"), "cz": ("ч",),
    "yu": ("ю", "ыу", "йу"), "ya": ("я", "ыа", "йа"), "yo": ("ё", "йо", "ьо"), "ye": ("е", "ье", "ые", "йе"),
    "yi": ("ьи", "ыи", "йи"), "iu": ("ю", "иу"), "ia": ("я", "ия"), "ie": ("ие", "ье"), "jo": ("ё", "йо"),
    "ju": ("ю",), "ja": ("я",), "je": ("е", "ье"), "eh": ("э",), "ih": ("ый", "ий"),
    "a": ("а",), "b": ("б",), "v": ("в",), "w": ("в",), "g": ("г",), "e": ("е", "э", "ё"),
    "i": ("и", "й", "ы"), "y": ("ы", "й", "и", "ь"), "j": ("й", "ь", "ж"), "k": ("к",), "m": ("м",),
    "o": ("о",), "p": ("п",), "u": ("у",), "f": ("ф",), "h": ("х",), "x": ("х", "кс"), "c": ("ц", "к", "ч"),
    "q": ("щ",),
    # A soft sign is often dropped in romanisation ("telnitse", "pryachesh"): try it after these.
    "l": ("л", "ль"), "n": ("н", "нь"), "r": ("р", "рь"), "s": ("с", "сь"), "t": ("т", "ть"),
    "d": ("д", "дь"), "z": ("з", "зь"),
    "'": ("ь", "ъ"), "\u2019": ("ь", "ъ"), "\u02bc": ("ь", "ъ"), "\"": ("ъ",),
}
_KEYS_BY_LENGTH = sorted(_TRANSLIT, key=len, reverse=True)
_MAX_CANDIDATES = 12  # dictionary words kept per Latin word (enough to pick the best parse)
_MAX_STEPS = 20_000  # DFS nodes per word: a hard bound on work for pathological input


def _is_latin_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


_NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr", "Init"})
# Adjective endings no English word has (-skogo, -skie, ...): Russian even on a capitalised word
# ("Oksfordskogo", "Salafistskie"), where a bare name would be left alone.
_RU_ADJ_ENDINGS = re.compile(r"(sk|tsk|ck)(ogo|omu|ikh|ih|ie|iye|imi|oj|oy|om|aya|uyu|oye|oe)$")
# Word-final Latin spellings of productive Russian inflections: evidence for a word the dictionary
# does not list ("kibermobbingom"), weaker than a dictionary hit.
_RU_ENDINGS = re.compile(
    r"(ogo|ego|omu|emu|ymi|imi|yami|iami|ami|ykh|ikh|ykh|oy|yy|iy|aya|yaya|oye|oe|yye|ye|ikh|"
    r"ovat'?|ivat'?|irovat'?|at'sya|it'sya|et'sya|tsya|t'sya|yet|yut|ayut|yaet|aet|ennym|annym|"
    r"ennogo|annogo|nnoy|skogo|skoy|skomu|skikh|stvo|stva|nost'?|nosti|enie|eniya|eniyu|eniem|ovanie|ovaniya)$")


def _script(ch: str) -> str:
    """The script of a letter as the first word of its Unicode name (LATIN, CYRILLIC, GREEK, ...)."""
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return "UNKNOWN"


def foreign_script(word: str) -> str:
    """The non-Latin script of ``word`` ("CYRILLIC", "GREEK", "CJK", ...) or "" if it is Latin/digits."""
    for ch in word:
        if ch.isalpha() and not _is_latin_letter(ch):
            script = _script(ch)
            if script not in ("LATIN", "MODIFIER"):
                return script
    return ""


class Detector:
    """Finds untranslated words in English sentences. Load once, call :meth:`flags` many times.

    ``min_english_zipf``: a Latin word at least this frequent in English (wordfreq's Zipf scale:
    3 = once per million words) is taken as English; ``min_confidence``: flags below it are dropped.
    """

    def __init__(self, min_english_zipf: float = 2.5, min_confidence: float = 0.5) -> None:
        try:
            from wordfreq import zipf_frequency

            self.morph = russian_morphology()
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ImportError(f"untranslated-word flags need pymorphy3, pymorphy3-dicts-ru and wordfreq "
                              f"({exc.name} is missing; they are dependencies of mtfix): "
                              f"pip install pymorphy3 pymorphy3-dicts-ru wordfreq") from None
        self._zipf = zipf_frequency
        self._words = self.morph.dictionary.words
        self.min_english_zipf = min_english_zipf
        self.min_confidence = min_confidence
        self._cache: dict[tuple[str, bool], tuple[str, str, float, str] | None] = {}

    # -- public ------------------------------------------------------------------------------

    def flags(self, sentence: str, offset: int = 0) -> list[Flag]:
        """Untranslated words of ``sentence``; offsets shifted by ``offset``."""
        out: list[Flag] = []
        previous = ""  # the word just before, when only a space separates them
        prev_end = -1
        for m in WORD_RE.finditer(sentence):
            word = m.group()
            # Sentence-initial: nothing before it but punctuation/quotes/space.
            initial = prev_end < 0 and not any(c.isalnum() for c in sentence[:m.start()])
            after = previous if sentence[prev_end:m.start()] == " " else ""
            previous, prev_end = word, m.end()
            flag = self.check_word(word, initial)
            if flag is not None and after and self.is_first_name(after):
                continue  # "Igor pestov", "Irina yarovaya": a surname after a first name
            if flag is not None and flag[2] >= self.min_confidence:
                cyr, lemma, conf, note = flag
                out.append(Flag(m.start() + offset, m.end() + offset, "untranslated", word, cyr, lemma, conf, note))
        return out

    def check_word(self, word: str, initial: bool = False) -> tuple[str, str, float, str] | None:
        """(Cyrillic form, lemma, confidence, note) when ``word`` looks untranslated, else None."""
        key = (word, initial)
        if key not in self._cache:
            self._cache[key] = self._check(word, initial)
        return self._cache[key]

    def is_first_name(self, word: str) -> bool:
        """``word`` is a capitalised Russian first name in Latin letters (Igor, Irina, Dmitriy)."""
        if not word[:1].isupper() or not word.isascii():
            return False
        hits = self._cyrillic_candidates(word.lower())
        return any("Name" in p.tag.grammemes for h in hits for p in self.morph.parse(h) if p.is_known)

    # -- internals ---------------------------------------------------------------------------

    def _check(self, word: str, initial: bool) -> tuple[str, str, float, str] | None:
        script = foreign_script(word)
        if script:
            letters = sum(ch.isalpha() for ch in word)
            if letters < 2 and script != "CJK":
                return None  # a lone Greek letter (α, μ) is a symbol, not an untranslated word
            if script == "CYRILLIC":
                lemma = self.morph.parse(word.lower())[0].normal_form
                return word, lemma, 0.98, f"Cyrillic word left in the text (lemma {lemma})"
            return word, "", 0.9, f"{script.title()} script word left in the text"
        if not all(_is_latin_letter(ch) or ch in "'\u2019\u02bc-\u0301" for ch in word):
            return None  # accented Latin (café, Müller): another Latin language or a name
        if "-" in word:
            return None  # hyphenated compounds: judged part by part would mislead; left alone
        letters = sum(ch.isalpha() for ch in word)
        if letters < 4:
            return None  # "na", "ne", "po": too short to tell from abbreviations
        if word.isupper():
            return None  # acronyms (KPCHM, COSPAR)
        if any(ch.isupper() for ch in word[1:]):
            return None  # McDonald, iPhone, camelCase identifiers
        lower = word.lower()
        if self._zipf(lower, "en") >= self.min_english_zipf:
            return None
        capital = word[0].isupper()
        hits = self._cyrillic_candidates(lower)
        if hits:
            return self._judge_known(word, lower, hits, capital, initial)
        # Not in the dictionary: a long word with a Russian inflectional ending, never seen in English.
        if letters >= 8 and _RU_ADJ_ENDINGS.search(lower) and self._zipf(lower, "en") == 0:
            best = _best_guess(lower)
            return best, self.morph.parse(best)[0].normal_form, 0.55, "looks like a transliterated Russian adjective"
        if (not capital or initial) and letters >= 7 and _RU_ENDINGS.search(lower) and self._zipf(lower, "en") == 0:
            best = _best_guess(lower)
            parse = self.morph.parse(best)[0]
            return best, parse.normal_form, 0.55, "looks like a transliterated Russian word (not in the dictionary)"
        return None

    def _judge_known(self, word: str, lower: str, hits: list[str], capital: bool,
                     initial: bool) -> tuple[str, str, float, str] | None:
        parses = [p for h in hits for p in self.morph.parse(h) if p.is_known]
        if not parses:
            return None
        best = max(parses, key=lambda p: p.score)
        is_name = any(_NAME_TAGS & p.tag.grammemes for p in parses if p.score >= 0.2 or p is best)
        common = any(not (_NAME_TAGS & p.tag.grammemes) for p in parses)
        if capital and not initial and (is_name or not common):
            return None  # a transliterated name is the right translation of a name
        if capital and not initial:
            # Capitalised mid-sentence: mostly surnames, titles and brands the dictionary also
            # lists as common words (Baranets, Pestov, "Zerkalo nedeli"): below the default cut.
            confidence = 0.45
        elif is_name and not common:
            return None  # a name at the start of a sentence
        else:
            confidence = 0.9
        letters = sum(ch.isalpha() for ch in lower)
        if letters <= 5:
            confidence -= 0.25  # short words collide with English/other languages by chance
        eng = self._zipf(lower, "en")
        if eng >= 1.5:
            confidence = min(confidence, 0.45)  # an English loan ("dacha", "matryoshka"): below the cut
        form = best.word
        note = f"transliterated Russian: {form} (lemma {best.normal_form})"
        return form, best.normal_form, round(max(0.0, confidence), 2), note

    def _cyrillic_candidates(self, latin: str) -> list[str]:
        """Dictionary words that ``latin`` can transliterate; DFS pruned on dictionary prefixes."""
        dct = getattr(self._words, "dct", None)
        follow = getattr(dct, "follow_bytes", None)
        root = getattr(dct, "ROOT", 0)
        found: list[str] = []
        steps = 0

        def walk(i: int, prefix: str, state: Any) -> None:
            nonlocal steps
            if len(found) >= _MAX_CANDIDATES or steps > _MAX_STEPS:
                return
            steps += 1
            if i == len(latin):
                if self.morph.word_is_known(prefix, strict=True):
                    found.append(prefix)
                return
            for key in _KEYS_BY_LENGTH:
                if not latin.startswith(key, i):
                    continue
                for cyr in _TRANSLIT[key]:
                    nxt = prefix + cyr
                    if follow is not None:
                        st = follow(cyr.encode("utf-8"), state)
                        if st is None:
                            continue
                    else:  # pragma: no cover - a dictionary without prefix walking: bounded search
                        st = state
                    walk(i + len(key), nxt, st)

        walk(0, "", root)
        return found


def _best_guess(latin: str) -> str:
    """One plausible Cyrillic spelling (first option of each longest match), for unknown words."""
    out, i = [], 0
    while i < len(latin):
        for key in _KEYS_BY_LENGTH:
            if latin.startswith(key, i):
                out.append(_TRANSLIT[key][0])
                i += len(key)
                break
        else:
            out.append(latin[i])
            i += 1
    return "".join(out)
