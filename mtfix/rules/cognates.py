"""English for untranslated Russian words that are international words: ``диаметром`` -> ``diameter``.

Some MT systems leave every word they do not know in Cyrillic ("a huge ускоритель particles ... a ring
with диаметром in 27 kilometers"). Many such words are internationalisms that English shares with
Russian: телескоп, бозоны, сенсоры, экуменизм, фотонов. They can be rendered without a bilingual
dictionary: the word's lemma (pymorphy3) is transliterated, its Russian suffix mapped to the English one
(-ция -> -tion, -изм -> -ism, -ический -> -ic, -ивный -> -ive, ...), and the result looked up in English
(wordfreq's list) under a spelling key that forgets what transliteration cannot know (c/k, ph/f, z/s,
y/i, doubled letters): ``kollaider`` and ``collider`` share the key ``kolaider``.

A rendering is made only when the key is long enough to be specific (:data:`MIN_KEY` letters) and the
English word is common (:data:`MIN_ZIPF`); among words sharing a key the most frequent is taken. A plural
noun gets an English plural and a capitalised word stays capitalised. Words that are not
internationalisms (скука, пояснять) find no English word with their key and stay as they are, flagged.
The guess can be wrong in the way cognates are (десерт "dessert" and "desert" share a key, and the more
frequent "desert" wins): the edit is typed ``untranslated`` in reports so that a reviewer looks at it.

In the WMT13 dev outputs of the 23 systems (``scripts/eval_cognates.py``), 1,247 of 11,019 Cyrillic words
are rendered (11 %; cu-zeman, which leaves 4,033, gets 589), and 759 of the renderings (61 %) are words
of the line's human reference: a lower bound on precision, as references paraphrase ("serial" where
the reference says "series").

pymorphy3 and wordfreq (dependencies of mtfix, as for the flags) are imported on first use.
"""
from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence

from mtfix.rules.untranslated import Flag, russian_morphology

MIN_ZIPF = 2.5  # an English rendering must be at least this common (about once in three million words)
MIN_KEY = 5  # keys shorter than this match too many words by chance
MIN_LATIN_CONFIDENCE = 0.8  # a Latin transliteration is rendered only when the detector is this sure of it
VOCABULARY = 200_000  # the most frequent English words of wordfreq that are looked up

_LATIN = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
          "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
          "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
          "э": "e", "ю": "yu", "я": "ya"}
# Russian suffixes of transliterated lemmas -> English suffixes, tried in this order (the first hit wins).
_NOUN_ENDINGS = (("tsiya", ("tion", "tia")), ("tr", ("ter", "tre", "tr")), ("siya", ("sion", "sia")),
                 ("iya", ("y", "ia", "ium")), ("izm", ("ism",)), ("ika", ("ics", "ic")),
                 ("ya", ("ia", "y")), ("a", ("", "a")), ("", ("", "e")))
_ADJ_ENDINGS = (("icheskii", ("ic", "ical")), ("ionnyi", ("ional",)), ("alnyi", ("al",)),
                ("ivnyi", ("ive",)), ("arnyi", ("ar", "ary")), ("ernyi", ("ern",)), ("onnyi", ("on", "onal")),
                ("nyi", ("", "n")), ("skii", ("", "ian")), ("yi", ("",)), ("ii", ("",)), ("oi", ("",)))
_KEY_RULES = (("ai", "i"), ("ph", "f"), ("th", "t"), ("ck", "k"), ("qu", "kv"), ("x", "ks"), ("c", "k"), ("w", "v"),
              ("y", "i"), ("j", "i"), ("z", "s"))
_DOUBLED = re.compile(r"(.)\1+")


def key(latin: str) -> str:
    """What survives of a Latin spelling when transliteration's guesses are forgotten."""
    s = latin.lower()
    for a, b in _KEY_RULES:
        s = s.replace(a, b)
    return _DOUBLED.sub(r"\1", s)


def transliterate(cyrillic: str) -> str:
    """A plain Latin spelling of a (lower-case) Cyrillic word."""
    return "".join(_LATIN.get(ch, ch) for ch in cyrillic.lower())


def _zipf(frequency: float) -> float:
    """wordfreq's Zipf value (log10 of uses per billion words, to two places) of a frequency."""
    return round(math.log10(frequency) + 9, 2)


def plural(noun: str) -> str:
    """A regular English plural ("photon" -> "photons", "galaxy" -> "galaxies", "box" -> "boxes")."""
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


class Cognates:
    """Renders untranslated Cyrillic words that English shares. Build once (a fraction of a second)."""

    def __init__(self, min_zipf: float = MIN_ZIPF, min_key: int = MIN_KEY) -> None:
        try:
            from wordfreq import get_frequency_dict, top_n_list

            self.morph = russian_morphology()
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ImportError(f"cognates need pymorphy3, pymorphy3-dicts-ru and wordfreq ({exc.name} is missing; "
                              f"they are dependencies of mtfix)") from None
        self.min_key = min_key
        self._index: dict[str, str] = {}
        frequency = get_frequency_dict("en")  # one dict read; zipf_frequency() per word is 5x slower
        for word in top_n_list("en", VOCABULARY):  # most frequent first: the first word of a key is kept
            if word.isascii() and word.isalpha() and _zipf(frequency[word]) >= min_zipf:
                self._index.setdefault(key(word), word)
        self._cache: dict[str, str] = {}

    def english(self, word: str) -> str:
        """The English rendering of the Cyrillic ``word`` as written, or ``""`` when none is found."""
        if word not in self._cache:
            self._cache[word] = self._render(word)
        return self._cache[word]

    def for_flag(self, flag: Flag) -> str:
        """The rendering of a flagged word, or ``""``: a Cyrillic word, or a lower-case Latin transliteration
        that the detector read as a Russian dictionary word ("bozony" -> "bosons"; a capitalised one is
        more often a name or a title: "Argumenty i Fakty")."""
        if flag.cyrillic == flag.word:
            return self.english(flag.word)
        if flag.cyrillic and flag.word.islower() and flag.word.isascii() and flag.confidence >= MIN_LATIN_CONFIDENCE:
            return self.english(flag.cyrillic.lower())
        return ""

    def render(self, text: str, flags: Sequence[Flag]) -> str:
        """``text`` with each flagged word that has a rendering replaced, wherever it stands as a whole word."""
        words = {f.word: english for f in flags if (english := self.for_flag(f))}
        if not words:
            return text
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
                             + r")(?!\w)")
        return pattern.sub(lambda m: words[m.group()], text)

    def _render(self, word: str) -> str:
        if not word.isalpha() or not all("\u0400" <= ch <= "\u04ff" for ch in word):
            return ""
        parse = self.morph.parse(word.lower())[0]
        pos = parse.tag.POS
        if pos not in ("NOUN", "ADJF"):
            return ""  # verbs, adverbs and function words are seldom shared
        latin = transliterate(parse.normal_form)
        english = self._lookup(latin, _NOUN_ENDINGS if pos == "NOUN" else _ADJ_ENDINGS)
        if not english:
            return ""
        # pymorphy3 guesses the number of a word it does not know ("биткойн" as a plural): trust a known one
        if pos == "NOUN" and "plur" in parse.tag and parse.is_known and not english.endswith("s"):
            english = plural(english)
        if word.isupper() and len(word) > 1:
            return english.upper()
        return english[0].upper() + english[1:] if word[0].isupper() else english

    def _lookup(self, latin: str, endings: Sequence[tuple[str, tuple[str, ...]]]) -> str:
        for ending, replacements in endings:
            if latin.endswith(ending) and len(latin) > len(ending):
                stem = latin[:len(latin) - len(ending)]
                for replacement in replacements:
                    k = key(stem + replacement)
                    if len(k) >= self.min_key and k in self._index:
                        return self._index[k]
                return ""  # the most specific ending decides
        return ""


@functools.lru_cache(maxsize=1)
def shared() -> Cognates:
    """One :class:`Cognates` per process (its index is built once)."""
    return Cognates()


def english(word: str) -> str:
    """:meth:`Cognates.english` with the shared index."""
    return shared().english(word)

