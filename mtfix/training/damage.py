"""Rule-based Russian->English machine-translation errors, for synthetic (garbled -> fluent) pairs.

    from mtfix.training.damage import damage
    src, tgt, rules = damage("The government has repeatedly said that ...", random.Random(13))

``damage`` applies 1-3 errors typical of (mostly rule-based and early statistical) Russian->English
MT to a fluent English sentence. ``tgt`` is the sentence the model should produce: the input itself,
except when an untranslated transliterated Russian word was planted (``translit``): such a word cannot be
corrected from the English side alone, so it is planted in both sides and the model learns to leave it.

Everything is driven by the ``random.Random`` passed in (no global state, no set iteration order), so
the output is a pure function of (sentence, rng state, arguments). Each rule is a function
``(tokens, rng) -> tokens | None`` over a list of ``(text, trailing_whitespace)`` tokens; ``None`` means
"does not apply to this sentence". ``RULES`` maps names to rules and ``WEIGHTS`` gives how often each is
tried first: article drops dominate, as they do in real ru->en output.
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence

Token = tuple[str, str]  # (text, whitespace that follows it)
Rule = Callable[[list[Token], random.Random], "list[Token] | None"]

_TOKEN_RE = re.compile(r"(\w+(?:['’]\w+)*|[^\w\s])(\s*)")


def tokenize(text: str) -> list[Token]:
    return [(m.group(1), m.group(2)) for m in _TOKEN_RE.finditer(text.strip())]


def detokenize(toks: Sequence[Token]) -> str:
    return "".join(t + w for t, w in toks).strip()


# --------------------------------------------------------------------------- word classes
ARTICLES = ("the", "a", "an")
DETERMINERS = frozenset(
    "the a an this that these those his her its their our my your some any no every each another "
    "such what which whose all both either neither many much more most few several".split()
)
PREPOSITIONS = frozenset(
    "in on at to for of from with by about into onto over under during among between against "
    "through after before without within since until toward towards upon across behind beyond".split()
)
PRONOUNS = frozenset("i you he she it we they me him her us them who whom".split())
MODALS = frozenset("will would can could should shall may might must".split())
AUX = frozenset("is are was were be been being am has have had do does did".split()) | MODALS
CONJ = frozenset("and or but nor so yet if than that because while although though as when where".split())
ADVERBS = frozenset(
    "also already never still just always often even now ever only repeatedly recently previously "
    "once again soon usually sometimes currently reportedly allegedly finally really actually "
    "probably certainly clearly simply generally largely mostly nearly almost quickly".split()
)
NEGATIVES = frozenset("not never no".split())
FUNCTION_WORDS = (
    DETERMINERS | PREPOSITIONS | PRONOUNS | AUX | CONJ | ADVERBS | NEGATIVES
    | frozenset("there here then how why not n't yes whether who's it's cannot".split())
)
# Past tense -> past participle, for the irregular verbs news text uses most.
IRREGULAR_PAST = {
    "said": "said", "went": "gone", "got": "got", "made": "made", "took": "taken", "came": "come",
    "saw": "seen", "knew": "known", "thought": "thought", "told": "told", "became": "become",
    "left": "left", "felt": "felt", "brought": "brought", "began": "begun", "kept": "kept",
    "held": "held", "wrote": "written", "stood": "stood", "heard": "heard", "meant": "meant",
    "met": "met", "ran": "run", "paid": "paid", "spoke": "spoken", "led": "led", "grew": "grown",
    "lost": "lost", "fell": "fallen", "sent": "sent", "built": "built", "drew": "drawn",
    "broke": "broken", "spent": "spent", "rose": "risen", "drove": "driven", "bought": "bought",
    "chose": "chosen", "won": "won", "found": "found", "gave": "given", "did": "done",
    "fought": "fought", "taught": "taught", "caught": "caught", "sold": "sold", "sought": "sought",
    "struck": "struck", "threw": "thrown", "flew": "flown", "shot": "shot", "sang": "sung",
    "wore": "worn", "ate": "eaten", "forgot": "forgotten", "hid": "hidden", "woke": "woken",
}
PARTICIPLE_TO_PAST = {
    "been": "was", "gone": "went", "taken": "took", "come": "came", "seen": "saw", "known": "knew",
    "become": "became", "begun": "began", "written": "wrote", "run": "ran", "spoken": "spoke",
    "grown": "grew", "fallen": "fell", "drawn": "drew", "broken": "broke", "risen": "rose",
    "driven": "drove", "chosen": "chose", "given": "gave", "done": "did", "thrown": "threw",
    "flown": "flew", "worn": "wore", "eaten": "ate", "forgotten": "forgot", "hidden": "hid",
}
_NOT_PAST_ED = frozenset(
    "need speed red bed hundred indeed seed feed breed shed weed proceed succeed exceed bleed "
    "united limited based related detailed interested concerned supposed used".split()
)
ADJ_SUFFIXES = ("ical", "al", "ic", "ous", "ive", "ful", "less", "able", "ible", "ary", "ian", "ese")
_NOT_ADJ = frozenset(
    "capital total general official individual animal festival hospital proposal approval arrival "
    "survival trial signal material criminal chemical terrorist critic music topic republic public "
    "clinic traffic panic logic objective representative executive initiative alternative detective "
    "relative native incentive motive library secretary military salary anniversary boundary "
    "dictionary diary summary commentary documentary budgetary itinerary glossary table cable "
    "vegetable variable civilian guardian librarian musician politician technician physician "
    "historian comedian veteran".split()
)
PLURAL_HEADS = frozenset(
    "prices rates markets talks officials workers leaders forces sales shares costs rights services "
    "companies members elections results levels policies taxes troops reserves exports imports "
    "profits revenues stocks bonds funds loans wages jobs sanctions reforms negotiations "
    "supplies fees charges losses earnings benefits payments industries firms banks".split()
)
PAST_TIME_MARKERS = (
    "yesterday", "ago", "last week", "last month", "last year", "last night", "last monday",
    "last tuesday", "last wednesday", "last thursday", "last friday", "last weekend",
    "on monday", "on tuesday", "on wednesday", "on thursday", "on friday", "on saturday", "on sunday",
    "earlier this", "in 19", "in 200", "in 201",
)
PERFECT_MARKERS = (
    "since", "so far", "over the past", "over the last", "for the past", "for the last", "to date",
)

# Plausible untranslated Russian words, transliterated as 2013-era systems left them.
TRANSLIT_WORDS = (
    "matirovannym", "podsoedinennym", "zakonoproekt", "vedomstva", "nedvizhimosti", "chinovnikov",
    "dogovorennosti", "sobstvennosti", "prokuratury", "sledstvennogo", "raspredelitelnoy",
    "obespecheniya", "gosudarstvennoy", "predpriyatiya", "oborudovaniya", "zhilishchnogo",
    "nalogoplatelshchikov", "mezhdunarodnykh", "zakonodatelstva", "upravleniya", "uchrezhdeniya",
    "vzyskaniya", "otvetstvennosti", "razbiratelstva", "vozmeshcheniya", "predstavitelstva",
    "zadolzhennosti", "izbiratelnoy", "kommunalnykh", "podrazdeleniya", "blagoustroystva",
    "prisposoblennym", "uvekovechit", "ostanovochnykh", "perevozchikov", "zastroyshchika",
    "soglasovaniya", "vyplachennykh", "rassledovaniya", "obzhalovaniya", "nezakonnogo",
    "pereoborudovannyy", "obrashcheniya", "sotrudnichestva", "zakupochnoy", "voyennosluzhashchikh",
    "vneocherednoy", "podryadchikom", "uregulirovaniya", "perenaselennykh",
)
COMMON_WORDS_FALLBACK = frozenset(
    "people government country president minister police company million billion percent "
    "because between without another against already although nothing something everything "
    "should would could before after during including however through".split()
)


def is_word(tok: str) -> bool:
    return tok[:1].isalpha()


def first_word_index(toks: Sequence[Token]) -> int:
    for i, (t, _) in enumerate(toks):
        if is_word(t):
            return i
    return -1


def match_case(new: str, old: str) -> str:
    if len(old) > 1 and old.isupper():
        return new.upper()
    if old[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def indefinite(next_word: str) -> str:
    w = next_word.lower()
    if re.match(r"(?:[aeio]|u(?![nt]i|s[aeu]|kr|ro))", w) or re.match(r"(?:hour|honest|honou?r|heir)", w):
        return "an"
    if len(next_word) > 1 and next_word.isupper() and next_word[0] in "AEFHILMNORSX":
        return "an"  # initialisms read letter by letter: an FBI, an MP
    return "a"


def _lw(toks: Sequence[Token], i: int) -> str:
    return toks[i][0].lower() if 0 <= i < len(toks) else ""


def _content(tok: str) -> bool:
    return tok.isalpha() and tok.islower() and tok not in FUNCTION_WORDS


def _replace(toks: list[Token], i: int, text: str) -> list[Token]:
    out = list(toks)
    out[i] = (text, out[i][1])
    return out


def _delete(toks: list[Token], i: int) -> list[Token]:
    out = list(toks)
    old = out.pop(i)
    if i == first_word_index(toks) and old[0][:1].isupper() and i < len(out) and is_word(out[i][0]):
        out[i] = (out[i][0][:1].upper() + out[i][0][1:], out[i][1])
    return out


def _insert(toks: list[Token], i: int, text: str) -> list[Token]:
    out = list(toks)
    out.insert(i, (text, " "))
    return out


def _fix_article_before(toks: list[Token], i: int) -> list[Token]:
    """Re-agree a/an at i-1 with the word now at i, so a rule plants one error, not two."""
    if i >= 1 and _lw(toks, i - 1) in ("a", "an") and is_word(toks[i][0]):
        return _replace(toks, i - 1, match_case(indefinite(toks[i][0]), toks[i - 1][0]))
    return toks


def _sentence_has(toks: Sequence[Token], phrases: Iterable[str]) -> bool:
    low = " " + " ".join(t.lower() for t, _ in toks) + " "
    return any(" " + p in low for p in phrases)


# --------------------------------------------------------------------------- rules
def drop_article(toks, rng):
    sites = [i for i, (t, _) in enumerate(toks)
             if t.lower() in ARTICLES and i + 1 < len(toks) and is_word(toks[i + 1][0])]
    if not sites:
        return None
    return _delete(toks, rng.choice(sites))


def wrong_article(toks, rng):
    sites = [i for i, (t, _) in enumerate(toks)
             if t.lower() in ARTICLES and i + 1 < len(toks) and _content(toks[i + 1][0].lower())]
    if not sites:
        return None
    i = rng.choice(sites)
    new = indefinite(toks[i + 1][0]) if toks[i][0].lower() == "the" else "the"
    return _replace(toks, i, match_case(new, toks[i][0]))


def insert_article(toks, rng):
    sites = []
    for i in range(1, len(toks) - 1):
        nxt = toks[i + 1][0]
        if _lw(toks, i) not in PREPOSITIONS or not is_word(nxt):
            continue
        low = nxt.lower()
        if low in FUNCTION_WORDS or low.endswith(("ing", "ly")) or nxt == "I":
            continue
        if _lw(toks, i) == "to" and not nxt[0].isupper():
            continue  # "to" before a lower-case word is mostly an infinitive marker
        if nxt[0].isupper() and not nxt.isupper() or _content(nxt):
            sites.append(i + 1)
    if not sites:
        return None
    return _insert(toks, rng.choice(sites), "the")


_AGREEMENT_SWAPS = {
    "is": "are", "are": "is", "was": "were", "were": "was", "has": "have", "have": "has",
    "does": "do", "do": "does", "isn't": "aren't", "aren't": "isn't", "wasn't": "weren't",
    "weren't": "wasn't", "hasn't": "haven't", "haven't": "hasn't", "doesn't": "don't", "don't": "doesn't",
}


def _strip_s(verb: str) -> str:
    if verb.endswith("ies") and len(verb) > 4:
        return verb[:-3] + "y"
    if re.search(r"(?:ch|sh|ss|x|z|o)es$", verb):
        return verb[:-2]
    return verb[:-1]


def _add_s(verb: str) -> str:
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ies"
    if re.search(r"(?:ch|sh|s|x|z|o)$", verb):
        return verb + "es"
    return verb + "s"


def _verb_like(w: str) -> bool:
    return (_content(w) and len(w) >= 3 and not w.endswith(("ed", "ing", "ly", "s"))
            and w not in IRREGULAR_PAST and w not in ("put", "set", "let", "cut", "hit", "read"))


_OBJECT_START = frozenset("the a an that to his her their its it him them".split())


def agreement(toks, rng):
    sites: list[tuple[int, str]] = []
    for i, (t, _) in enumerate(toks):
        low = t.lower()
        prev = _lw(toks, i - 1)
        if low in _AGREEMENT_SWAPS and not (low == "were" and _lw(toks, i - 2) in ("if", "as")):
            if i != first_word_index(toks):
                sites.append((i, match_case(_AGREEMENT_SWAPS[low], t)))
            continue
        if not t.islower():
            continue
        # 3rd-person -s dropped: "it suggests" -> "it suggest", "the company says that" -> "... say that"
        if (low.endswith("s") and not low.endswith(("ss", "us", "is", "'s")) and len(low) >= 4
                and _content(low) and low not in PLURAL_HEADS):
            subj = prev if prev not in ADVERBS else _lw(toks, i - 2)
            # "the company says that", "this offer sucks": a singular noun subject right after a
            # determiner (after "the", only before an object-like word: "the price rises" is a noun).
            det_noun = (_lw(toks, i - 2) in ("the", "this", "that") and _content(prev)
                        and not prev.endswith("s") and not _adjective(prev)
                        and (_lw(toks, i - 2) != "the" or _lw(toks, i + 1) in _OBJECT_START))
            if subj in ("he", "she", "it") or det_noun:
                sites.append((i, _strip_s(t)))
                continue
        # 3rd-person -s added: "they say" -> "they says"
        if prev in ("i", "we", "they", "you") and _verb_like(low) and low not in AUX:
            sites.append((i, _add_s(t)))
    if not sites:
        return None
    i, new = rng.choice(sites)
    return _replace(toks, i, new)


_PREP_CONFUSIONS = {
    "in": ("on", "at"), "on": ("in", "at"), "at": ("in", "on"), "to": ("for", "in"), "for": ("to",),
    "of": ("from",), "from": ("of",), "about": ("on",), "with": ("by",), "by": ("with",),
    "into": ("in",), "during": ("in",),
}


def preposition(toks, rng):
    sites = []
    for i, (t, _) in enumerate(toks):
        low = t.lower()
        if low not in _PREP_CONFUSIONS or i == first_word_index(toks) or i + 1 >= len(toks):
            continue
        nxt = toks[i + 1][0]
        if not (is_word(nxt) or nxt[:1].isdigit()):
            continue
        if low == "to" and not (nxt.lower() in DETERMINERS or nxt[:1].isupper() or nxt[:1].isdigit()):
            continue  # an infinitive "to", not a preposition
        if low == "of" and nxt.lower() == "course":
            continue
        sites.append(i)
    if not sites:
        return None
    i = rng.choice(sites)
    return _replace(toks, i, rng.choice(_PREP_CONFUSIONS[toks[i][0].lower()]))


def _past_verb(w: str) -> bool:
    return w in IRREGULAR_PAST or (w.endswith("ed") and len(w) > 4 and _content(w) and w not in _NOT_PAST_ED)


def tense(toks, rng):
    """Simple past with a past-time marker -> present perfect ("has said yesterday"), and present perfect
    with since/so far -> simple past ("lived here since 2010")."""
    sites: list[tuple[str, int]] = []
    if _sentence_has(toks, PAST_TIME_MARKERS):
        for i in range(1, len(toks)):
            low = toks[i][0]
            prev = toks[i - 1][0]
            if not (low.islower() and (_past_verb(low) or low in ("was", "were"))):
                continue
            if not is_word(prev) or prev.lower() in (DETERMINERS | PREPOSITIONS | AUX | CONJ | {"to", "not"}):
                continue
            if low in ("was", "were") and _lw(toks, i + 1) in ("not", "never"):
                continue  # would need "has not been", not "has been not"
            sites.append(("perfect", i))
    if _sentence_has(toks, PERFECT_MARKERS):
        for i in range(1, len(toks) - 1):
            if _lw(toks, i) not in ("has", "have") or not is_word(toks[i - 1][0]):
                continue
            j = i + 2 if _lw(toks, i + 1) in ADVERBS and _lw(toks, i + 1) != "never" else i + 1
            part = _lw(toks, j)
            if toks[j][0].islower() and (part in PARTICIPLE_TO_PAST or part in IRREGULAR_PAST.values()
                                         or _past_verb(part)):
                sites.append(("past", i))
    if not sites:
        return None
    kind, i = rng.choice(sites)
    if kind == "perfect":
        low = toks[i][0]
        prev = toks[i - 1][0].lower()
        plural = prev in ("we", "they", "you", "i") or (prev.endswith("s") and not prev.endswith(("ss", "'s"))
                                                        and prev not in ("he", "his", "its", "this", "was"))
        aux = "have" if plural or low == "were" else "has"
        part = "been" if low in ("was", "were") else IRREGULAR_PAST.get(low, low)
        out = _replace(toks, i, part)
        return _insert(out, i, aux)
    j = i + 2 if _lw(toks, i + 1) in ADVERBS else i + 1
    part = toks[j][0]
    if part == "been":
        past = "were" if toks[i][0].lower() == "have" and _lw(toks, i - 1) != "i" else "was"
    else:
        past = PARTICIPLE_TO_PAST.get(part, part)
    out = _replace(toks, j, past)
    return _delete(out, i)


_MOVABLE_AUX = frozenset(
    "has have had will would can could is are was were should must may might does did".split()
)


def adverb_placement(toks, rng):
    """"has repeatedly said" -> "repeatedly has said"."""
    sites = []
    for i in range(len(toks) - 2):
        if _lw(toks, i) not in _MOVABLE_AUX or i == first_word_index(toks) or not toks[i][0].islower():
            continue
        adv = _lw(toks, i + 1)
        if not toks[i + 1][0].islower():
            continue
        if (adv in ADVERBS or (adv.endswith("ly") and len(adv) > 5 and adv not in
                               ("family", "supply", "reply", "apply", "italy", "early", "likely", "only")))\
                and is_word(toks[i + 2][0]):
            sites.append(i)
    swapped = _swap_at_random_site(toks, sites, rng)
    return swapped[0] if swapped else None


def _swap_at_random_site(toks, sites, rng):
    """(tokens with words i and i+1 swapped, each keeping its own following space, i) for a random site."""
    if not sites:
        return None
    i = rng.choice(sites)
    out = list(toks)
    out[i], out[i + 1] = (toks[i + 1][0], toks[i][1]), (toks[i][0], toks[i + 1][1])
    return out, i


def _adjective(w: str) -> bool:
    low = w.lower()
    return (w.isalpha() and len(w) > 4 and low.endswith(ADJ_SUFFIXES) and low not in _NOT_ADJ
            and low not in FUNCTION_WORDS and (w.islower() or low.endswith(("ian", "ese", "ic"))))


def adjective_order(toks, rng):
    """"the economic crisis" -> "the crisis economic"."""
    sites = []
    fw = first_word_index(toks)
    for i in range(1, len(toks) - 1):
        if i == fw or not _adjective(toks[i][0]):
            continue
        noun = toks[i + 1][0]
        if not (_content(noun) and len(noun) >= 3) or _adjective(noun) or noun.endswith(("ly", "ing", "ed")):
            continue
        before = toks[i - 1][0]
        if is_word(before) and before.lower() not in DETERMINERS | PREPOSITIONS:
            continue  # only right after a determiner, a preposition or punctuation
        sites.append(i)
    swapped = _swap_at_random_site(toks, sites, rng)
    return _fix_article_before(*swapped) if swapped else None


_PLAIN_ADJECTIVES = frozenset(
    "new old other own big small high low top key main major minor senior junior local foreign recent "
    "current last next first second third such same few many much good bad great large long short "
    "full free real hard strong weak fair poor rich young early late".split()
)


def genitive(toks, rng):
    """Noun compounds rendered as Russian genitives: "the oil prices" -> "the prices of oil"."""
    sites = []
    for i in range(1, len(toks) - 1):
        mod, head = toks[i][0], toks[i + 1][0]
        if head.lower() not in PLURAL_HEADS or not head.islower():
            continue
        if not (_content(mod) and len(mod) >= 3) or _adjective(mod) or mod in _PLAIN_ADJECTIVES \
                or mod.endswith(("ly", "ing", "ed", "s", "er", "est")):
            continue
        if _lw(toks, i - 1) not in DETERMINERS | PREPOSITIONS or _lw(toks, i - 1) == "to":
            continue  # after "to" the modifier is usually a verb: "to support prices"
        sites.append(i)
    if not sites:
        return None
    i = rng.choice(sites)
    out = list(toks)
    out[i:i + 2] = [(toks[i + 1][0], " "), ("of", " "), (toks[i][0], toks[i + 1][1])]
    return _fix_article_before(out, i)


# Literal renderings of Russian constructions. Matched on lower-cased word tokens.
CALQUES: tuple[tuple[str, str], ...] = (
    ("according to him", "by his words"), ("according to her", "by her words"),
    ("according to them", "by their words"), ("as part of", "in the framework of"),
    ("take part in", "take participation in"), ("took part in", "took participation in"),
    ("taking part in", "taking participation in"), ("takes part in", "takes participation in"),
    ("at the same time", "at that"), ("for the first time", "in the first time"),
    ("at the end of", "in the end of"), ("at the beginning of", "in the beginning of"),
    ("at the start of", "in the start of"), ("in the near future", "in the nearest time"),
    ("in the coming days", "in the nearest days"), ("in the coming weeks", "in the nearest weeks"),
    ("in the coming months", "in the nearest months"), ("in the coming years", "in the nearest years"),
    ("a number of", "a row of"), ("depends on", "depends from"), ("depend on", "depend from"),
    ("depending on", "depending from"), ("dependent on", "dependent from"),
    ("consists of", "consists from"), ("consist of", "consist from"), ("consisting of", "consisting from"),
    ("aimed at", "directed on"), ("directed at", "directed on"), ("arrived in", "arrived to"),
    ("arrive in", "arrive to"), ("arrives in", "arrives to"), ("waiting for", "waiting"),
    ("wait for", "wait"), ("waited for", "waited"), ("answered the", "answered on the"),
    ("answer the question", "answer on the question"), ("discussed the", "discussed about the"),
    ("discuss the", "discuss about the"), ("discussing the", "discussing about the"),
    ("thousands of", "thousands"), ("hundreds of", "hundreds"), ("millions of", "millions"),
    ("dozens of", "dozens"), ("will be held", "will pass"), ("was held", "passed"),
    ("were held", "passed"), ("married to", "married on"), ("pay attention to", "turn attention to"),
    ("paid attention to", "turned attention to"), ("make a decision", "accept a decision"),
    ("made a decision", "accepted a decision"), ("made the decision", "accepted the decision"),
    ("the police said", "in the police said"), ("the ministry said", "in the ministry said"),
    ("the kremlin said", "in the kremlin said"), ("told reporters", "told to reporters"),
    ("more than", "more"), ("last year", "in last year"), ("next year", "in next year"),
    ("this year", "in this year"),
)
_CALQUE_SEQS = tuple((tuple(a.split()), tuple(b.split())) for a, b in CALQUES)


def calque(toks, rng):
    sites = []
    for i in range(len(toks)):
        for k, (pat, _rep) in enumerate(_CALQUE_SEQS):
            n = len(pat)
            if i + n > len(toks) or tuple(t.lower() for t, _ in toks[i:i + n]) != pat:
                continue
            if any(w != " " for _, w in toks[i:i + n - 1]):
                continue
            if pat[-1] == "year" and _lw(toks, i - 1) in PREPOSITIONS | {"earlier", "later", "until"}:
                continue
            if pat == ("more", "than") and not (i + 2 < len(toks) and toks[i + 2][0][:1].isdigit()):
                continue
            if pat[0] == "the" and i != first_word_index(toks) and _lw(toks, i - 1) not in (",", ";"):
                continue
            sites.append((i, k))
    if not sites:
        return None
    i, k = rng.choice(sites)
    pat, rep = _CALQUE_SEQS[k]
    n = len(pat)
    fw = first_word_index(toks)
    initial_cap = i == fw and toks[i][0][:1].isupper()
    # Words the phrase keeps ("the Kremlin") keep their original spelling, except a capital that was
    # only there because the phrase started the sentence.
    orig = {p: t for j, (p, (t, _)) in enumerate(zip(pat, toks[i:i + n])) if not (j == 0 and initial_cap)}
    words = [orig.get(w, w) for w in rep]
    if initial_cap:
        words[0] = words[0][:1].upper() + words[0][1:]
    new = [(w, " ") for w in words]
    new[-1] = (new[-1][0], toks[i + n - 1][1])
    return list(toks[:i]) + new + list(toks[i + n:])


_NEG_POLARITY = {"any": "no", "anything": "nothing", "anyone": "nobody", "anybody": "nobody",
                 "ever": "never", "anywhere": "nowhere", "either": "neither"}


def double_negation(toks, rng):
    """"will never" -> "never will not"; "did not say anything" -> "did not say nothing"."""
    sites: list[tuple[str, int]] = []
    for i, (t, _) in enumerate(toks):
        low = t.lower()
        if low in ("will", "would", "can", "could", "should") and _lw(toks, i + 1) == "never" \
                and i != first_word_index(toks) and i + 2 < len(toks) and is_word(toks[i + 2][0]):
            sites.append(("never", i))
        if low in _NEG_POLARITY:
            window = [toks[j][0].lower() for j in range(max(0, i - 6), i)]
            if any(w in ("not", "never", "no") or w.endswith(("n't", "n’t")) for w in window):
                sites.append(("npi", i))
        if low in ("nothing", "nobody") and i + 1 < len(toks) and _past_verb(toks[i + 1][0]):
            sites.append(("subj", i))
    if not sites:
        return None
    kind, i = rng.choice(sites)
    if kind == "never":
        out = list(toks)
        out[i], out[i + 1] = (toks[i + 1][0], toks[i][1]), (toks[i][0], toks[i + 1][1])
        return _insert(out, i + 2, "not")
    if kind == "npi":
        return _replace(toks, i, match_case(_NEG_POLARITY[toks[i][0].lower()], toks[i][0]))
    return _insert(toks, i + 1, "not")


def pronoun_gender(toks, rng):
    """Russian nouns have gender, so "its" often comes out as "his" or "her" ("the company and his
    shareholders"). Only the possessive: a subject "it" -> "she" is usually undetectable without context."""
    sites = [i for i, (t, _) in enumerate(toks) if t == "its" and i != first_word_index(toks)]
    if not sites:
        return None
    return _replace(toks, rng.choice(sites), rng.choice(("his", "her")))


RULES: dict[str, Rule] = {
    "drop_article": drop_article,
    "wrong_article": wrong_article,
    "insert_article": insert_article,
    "agreement": agreement,
    "preposition": preposition,
    "tense": tense,
    "adverb_placement": adverb_placement,
    "adjective_order": adjective_order,
    "genitive": genitive,
    "calque": calque,
    "double_negation": double_negation,
    "pronoun_gender": pronoun_gender,
}
WEIGHTS: dict[str, float] = {  # rare-to-apply rules weigh more, so they are used when they can be
    "drop_article": 0.30, "wrong_article": 0.07, "insert_article": 0.06, "agreement": 0.11,
    "preposition": 0.10, "tense": 0.15, "adverb_placement": 0.10, "adjective_order": 0.05,
    "genitive": 0.10, "calque": 0.20, "double_negation": 0.15, "pronoun_gender": 0.03,
}


def translit(toks: list[Token], rng: random.Random,
             common: Iterable[str] | None = None) -> list[Token] | None:
    """Replace one rare-ish lower-case content word with a transliterated Russian word."""
    common_set = common if common is not None else COMMON_WORDS_FALLBACK
    fw = first_word_index(toks)
    # Noun-like positions only (after a determiner, preposition or adjective): a transliterated
    # Russian word stands for a term the system did not know, rarely for a verb.
    sites = [i for i, (t, _) in enumerate(toks)
             if i != fw and i > 0 and _content(t) and len(t) >= 6 and t not in common_set
             and not t.endswith(("ly", "ing")) and not _past_verb(t)
             and (_lw(toks, i - 1) in DETERMINERS | PREPOSITIONS or _adjective(toks[i - 1][0]))]
    if not sites:
        return None
    return _replace(toks, rng.choice(sites), rng.choice(TRANSLIT_WORDS))


def apply_rule(name: str, sentence: str, rng: random.Random) -> str | None:
    """One named rule on a sentence: the garbled sentence, or None if the rule does not apply."""
    toks = tokenize(sentence)
    out = RULES[name](toks, rng)
    if out is None or out == toks:
        return None
    return detokenize(out)


def damage(sentence: str, rng: random.Random, n_errors: int | None = None, translit_prob: float = 0.05,
           common: Iterable[str] | None = None) -> tuple[str, str, list[str]]:
    """Plant 1-3 MT errors. Returns (garbled source, target, names of the rules applied).

    The target is ``sentence`` unless a transliterated word was planted (then in both sides). When no
    rule applies, the source equals the target and the list is empty.
    """
    toks = tokenize(sentence)
    tgt = sentence.strip()
    applied: list[str] = []
    if translit_prob > 0 and rng.random() < translit_prob:
        planted = translit(toks, rng, common)
        if planted is not None:
            toks = planted
            tgt = detokenize(toks)
            applied.append("translit")
    k = n_errors if n_errors is not None else rng.choices((1, 2, 3), weights=(0.5, 0.35, 0.15))[0]
    n_done = 0
    states = {detokenize(toks)}  # an edit that undoes an earlier one ("a" -> "the" -> "a") does not count
    for _ in range(k):
        avail = list(RULES)
        while avail:
            name = rng.choices(avail, weights=[WEIGHTS[n] for n in avail])[0]
            out = RULES[name](toks, rng)
            if out is not None and detokenize(out) not in states:
                states.add(detokenize(out))
                toks = out
                applied.append(name)
                n_done += 1
                break
            avail.remove(name)
        else:
            break
    src = detokenize(toks)
    if n_done == 0 or src == tgt:
        return tgt, tgt, []
    return src, tgt, applied


__all__ = ["RULES", "WEIGHTS", "CALQUES", "TRANSLIT_WORDS", "tokenize", "detokenize", "damage",
           "apply_rule", "translit", "indefinite"]
