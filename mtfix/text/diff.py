"""(source sentence, rewrite) → word-level typed edits with offsets; no torch here.

Pipeline of :func:`diff`: tokenise both strings into words, punctuation and whitespace; align the
tokens with a weighted edit-distance DP (difflib anchors first on very long inputs); turn each run
of non-equal tokens into a char-span chunk; normalise whitespace placement of pure insertions and
deletions; fuse a deleted run and an equal inserted run into one "move"; merge chunks separated
only by whitespace; type each edit.  Every chunk maps ``source[s1:s2]`` to ``target[t1:t2]`` and the
text between chunks is equal on both sides, so ``apply_edits(source, diff(source, target)) == target``
holds by construction for any pair of strings.
"""
from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, fields
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise
from typing import Any, NamedTuple

OPS = ("insert", "delete", "replace", "move")
# MT-aware edit types; mtfix.text.edittypes refines them with ERRANT when it is installed.
KINDS = ("untranslated", "agreement", "article", "preposition", "word_order", "lexical_choice", "spelling",
         "punctuation", "casing", "other")
ARTICLES = frozenset({"a", "an", "the"})
PREPOSITIONS = frozenset(
    "about above across after against along amid among around as at before behind below beneath beside "
    "besides between beyond by despite down during except for from in inside into like near of off on onto "
    "out outside over past per since through throughout till to toward towards under underneath until up "
    "upon via with within without".split())


@dataclass(frozen=True)
class Edit:
    """One change: ``source[start:end]`` (== ``original``) becomes ``replacement``."""

    start: int  # code-point offset into the document (or sentence, with offset=0)
    end: int
    original: str
    replacement: str
    op: str  # one of OPS
    kind: str  # one of KINDS
    confidence: float = 1.0  # in [0, 1]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Edit:
        """Inverse of :meth:`to_dict`; unknown keys are ignored (forward compatibility)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


# --------------------------------------------------------------------------- tokenisation


class Token(NamedTuple):
    text: str
    start: int  # code-point offset in the tokenised string
    cls: str  # "w" word, "p" punctuation/symbol, "s" whitespace


_APOSTROPHES = frozenset("'\u2019\u02bc")
# Format chars that belong *inside* words (Persian ZWNJ, soft hyphen, ...); ZWSP, LRM/RLM, BOM do not.
_IN_WORD_FORMAT = frozenset("\u200c\u200d\u00ad\u2060")
_ZWJ = "\u200d"


def _char_class(c: str) -> str:
    if c.isspace():
        return "s"
    cat = unicodedata.category(c)
    if cat[0] in "LN":
        return "w"
    if cat[0] == "M":
        return "m"  # combining mark / variation selector: sticks to the previous char
    if "\U0001f3fb" <= c <= "\U0001f3ff":
        return "m"  # emoji skin-tone modifiers (category Sk) also stick to their base
    return "p"


def tokenize(text: str) -> list[Token]:
    """Words (letters/digits/marks, inner apostrophes), punctuation runs, whitespace runs; lossless."""
    classes = [_char_class(c) for c in text]
    n = len(text)
    out: list[Token] = []
    i = 0
    while i < n:
        c = classes[i]
        j = i + 1
        if c == "s":
            while j < n and classes[j] == "s":
                j += 1
        elif c == "w":
            while j < n:
                if classes[j] in "wm":
                    j += 1
                elif (text[j] in _APOSTROPHES or text[j] in _IN_WORD_FORMAT) and j + 1 < n \
                        and classes[j + 1] == "w":
                    j += 2  # "can't", "don’t": one word, so the aligner sees a single unit
                else:
                    break
        else:  # punctuation, symbol, emoji, or a stray mark at the very start
            c = "p"
            while j < n:
                if classes[j] == "m":
                    j += 1
                elif text[j] == _ZWJ and j + 1 < n and classes[j + 1] == "p":
                    j += 2  # emoji ZWJ sequence: keep the family/profession emoji whole
                elif text[j] == text[i] and classes[j] == "p":
                    j += 1  # "..." or "!!!" is one unit, so "..."→"." is one replace
                else:
                    break
        out.append(Token(text[i:j], i, c))
        i = j
    return out


# --------------------------------------------------------------------------- word-pair typing

# Irregular inflection families: any two members differ by inflection only.
_IRREGULAR = [
    "be am is are was were been being", "have has had having", "do does did done doing",
    "go goes went gone going", "a an", "this these", "that those", "man men", "woman women",
    "child children", "person people", "foot feet", "tooth teeth", "mouse mice",
    "get gets got gotten getting", "make makes made making", "take takes took taken taking",
    "see sees saw seen seeing", "come comes came coming", "give gives gave given giving",
    "know knows knew known knowing", "write writes wrote written writing", "buy buys bought buying",
    "think thinks thought thinking", "bring brings brought bringing", "run runs ran running",
    "say says said saying", "tell tells told telling", "find finds found finding",
    "leave leaves left leaving", "feel feels felt feeling", "become becomes became becoming",
    "begin begins began begun beginning", "keep keeps kept keeping", "hold holds held holding",
    "stand stands stood standing", "mean means meant meaning", "meet meets met meeting",
    "pay pays paid paying", "sit sits sat sitting", "speak speaks spoke spoken speaking",
    "lose loses lost losing", "send sends sent sending", "build builds built building",
    "fall falls fell fallen falling", "eat eats ate eaten eating", "drive drives drove driven driving",
    "choose chooses chose chosen choosing", "teach teaches taught teaching",
    "catch catches caught catching", "sell sells sold selling", "spend spends spent spending",
    "win wins won winning", "grow grows grew grown growing", "draw draws drew drawn drawing",
    "fly flies flew flown flying", "break breaks broke broken breaking",
    "good better best", "bad worse worst", "much many more most", "little less least",
]
_FAMILY: dict[str, frozenset[str]] = {}
for _line in _IRREGULAR:
    _members = frozenset(_line.split())
    for _w in _members:
        _FAMILY[_w] = _FAMILY.get(_w, frozenset()) | _members

_SUFFIXES = frozenset({"s", "es", "ed", "d", "ing", "ies", "ied", "er", "est", "ier", "iest", "'s"})
_BASE_ENDINGS = frozenset({"", "e", "y"})


def _ending_ok(rest: str, stem: str) -> bool:
    if rest in _BASE_ENDINGS:
        return True
    if rest == "d":
        return stem.endswith("e")  # bake→baked, not be→bed
    if rest in _SUFFIXES:
        return True
    # consonant doubling: stop→stopped, big→bigger
    return len(rest) >= 3 and rest[0] == stem[-1] and rest[1:] in ("ed", "ing", "er", "est")


def _is_inflection(a: str, b: str) -> bool:
    """Same stem, different inflectional ending (lower-cased words)."""
    a, b = a.replace("\u2019", "'"), b.replace("\u2019", "'")
    if a.endswith("n't") and b.endswith("n't"):
        a, b = a[:-3], b[:-3]  # doesn't/don't → does/do
    if a == b:
        return False
    if b in _FAMILY.get(a, ()):
        return True
    # Over-regularised forms of irregular verbs: buyed→bought, goed→went.
    for x, y in ((a, b), (b, a)):
        for suf in ("ed", "d", "s", "es"):
            if x.endswith(suf) and y in _FAMILY.get(x[:-len(suf)], ()):
                return True
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    ra, rb = a[p:], b[p:]
    stem = a[:p]
    if not stem.isalpha():
        return False
    if ra in _BASE_ENDINGS and rb in _BASE_ENDINGS:
        return False  # car/care, us/use: not inflection
    if not (_ending_ok(ra, stem) and _ending_ok(rb, stem)):
        return False
    for x, y in ((ra, rb), (rb, ra)):
        if x == "e" and y != "ing":  # make→making; "e" alone is no ending otherwise
            return False
        if x == "y" and not y.startswith("i"):  # study→studies/studied/studier
            return False
    short = min(ra, rb, key=len) == "" and max(ra, rb, key=len) in ("s", "es")
    return p >= 3 or (p >= 2 and short)


def _osa(a: str, b: str) -> int:
    """Optimal-string-alignment distance (Levenshtein plus adjacent transposition)."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        prev2, prev = prev, cur
    return prev[-1]


def _is_spelling(a: str, b: str) -> bool:
    longest = max(len(a), len(b))
    if longest <= 2 or abs(len(a) - len(b)) > 3 or not (any(c.isalpha() for c in a)
                                                         and any(c.isalpha() for c in b)):
        return False  # in→on, 2019→2020: word choice, not spelling
    limit = 1 if longest <= 5 else 2 if longest <= 9 else 3
    return _osa(a, b) <= limit


@lru_cache(maxsize=8192)
def _pair_kind(a: str, b: str) -> str:
    """Kind of a one-word substitution ``a``→``b``."""
    la, lb = a.lower(), b.lower()
    if la == lb:
        return "casing"
    if _is_inflection(la, lb):
        return "agreement"
    if _is_spelling(la, lb):
        return "spelling"
    return "other"


# --------------------------------------------------------------------------- alignment

# Integer costs (tenths) so ties are exact.  A word substitution is cheaper than delete+insert
# only in proportion to how related the words are, so unrelated words are not forced into pairs
# when a cheaper alignment keeps more matches; whitespace is cheap so it never drives alignment.
_INDEL = {"w": 10, "p": 10, "s": 3}
_SUB_WORD = {"casing": 2, "agreement": 6, "spelling": 8, "other": 18}
_SUB_PUNCT = 10
_SUB_SPACE = 1
_FORBID = 10**9
_DP_MAX_CELLS = 40_000  # ~200 x 200 tokens: a long sentence; beyond this, difflib anchors first

Opcode = tuple[str, int, int, int, int]


def _sub_cost(x: Token, y: Token) -> int:
    if x.text == y.text:
        return 0
    if x.cls != y.cls:
        return _FORBID
    if x.cls == "w":
        return _SUB_WORD[_pair_kind(x.text, y.text)]
    return _SUB_PUNCT if x.cls == "p" else _SUB_SPACE


def _dp_align(a: list[Token], b: list[Token], ao: int, bo: int) -> list[Opcode]:
    """Min-cost alignment of ``a`` and ``b``; opcodes are offset by ``ao``/``bo`` token indices."""
    n, m = len(a), len(b)
    dcost = [_INDEL[t.cls] for t in a]
    icost = [_INDEL[t.cls] for t in b]
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    back = [bytearray(m + 1) for _ in range(n + 1)]  # 0 diagonal, 1 delete, 2 insert
    for j in range(1, m + 1):
        cost[0][j] = cost[0][j - 1] + icost[j - 1]
        back[0][j] = 2
    for i in range(1, n + 1):
        row, prow, brow = cost[i], cost[i - 1], back[i]
        row[0] = prow[0] + dcost[i - 1]
        brow[0] = 1
        x, dc = a[i - 1], dcost[i - 1]
        for j in range(1, m + 1):
            best = prow[j - 1] + _sub_cost(x, b[j - 1])
            step = 0
            v = prow[j] + dc
            if v < best:
                best, step = v, 1
            v = row[j - 1] + icost[j - 1]
            if v < best:
                best, step = v, 2
            row[j] = best
            brow[j] = step
    steps: list[tuple[str, int, int]] = []  # (tag, i, j) per token, back to front
    i, j = n, m
    while i or j:
        s = back[i][j]
        if s == 0:
            i, j = i - 1, j - 1
            steps.append(("equal" if a[i].text == b[j].text else "replace", i, j))
        elif s == 1:
            i -= 1
            steps.append(("delete", i, j))
        else:
            j -= 1
            steps.append(("insert", i, j))
    steps.reverse()
    ops: list[Opcode] = []
    for tag, i, j in steps:
        i2 = i + (tag != "insert")
        j2 = j + (tag != "delete")
        if ops and ops[-1][0] == tag:
            t, i1, _, j1, _ = ops[-1]
            ops[-1] = (t, i1, i2 + ao, j1, j2 + bo)
        else:
            ops.append((tag, i + ao, i2 + ao, j + bo, j2 + bo))
    return ops


def _align(a: list[Token], b: list[Token]) -> list[Opcode]:
    """Opcodes (difflib style) turning token list ``a`` into ``b``."""
    n, m = len(a), len(b)
    lo = 0
    while lo < n and lo < m and a[lo].text == b[lo].text:
        lo += 1
    hi = 0
    while hi < n - lo and hi < m - lo and a[n - 1 - hi].text == b[m - 1 - hi].text:
        hi += 1
    ops: list[Opcode] = []
    if lo:
        ops.append(("equal", 0, lo, 0, lo))
    mid_a, mid_b = a[lo:n - hi], b[lo:m - hi]
    if mid_a or mid_b:
        if len(mid_a) * len(mid_b) <= _DP_MAX_CELLS:
            ops.extend(_dp_align(mid_a, mid_b, lo, lo))
        else:
            # Too big for the quadratic DP in pure Python: let difflib find anchors, refine the gaps.
            sm = SequenceMatcher(None, [t.text for t in mid_a], [t.text for t in mid_b], autojunk=False)
            for tag, i1, i2, j1, j2 in sm.get_opcodes():
                if tag == "replace" and (i2 - i1) * (j2 - j1) <= _DP_MAX_CELLS:
                    ops.extend(_dp_align(mid_a[i1:i2], mid_b[j1:j2], lo + i1, lo + j1))
                else:
                    ops.append((tag, lo + i1, lo + i2, lo + j1, lo + j2))
    if hi:
        ops.append(("equal", n - hi, n, m - hi, m))
    return ops


# --------------------------------------------------------------------------- edit typing


def _is_punct(token: str) -> bool:
    return all(unicodedata.category(c)[0] in "PMC" or c.isspace() for c in token)


def _classify(original: str, replacement: str) -> str:
    """Coarse kind of the change ``original``→``replacement`` (see KINDS)."""
    otoks, rtoks = tokenize(original), tokenize(replacement)
    ot = [t.text for t in otoks if t.cls != "s"]
    rt = [t.text for t in rtoks if t.cls != "s"]
    if ot == rt:
        return "punctuation"  # only spacing differs: typography
    if [t.lower() for t in ot] == [t.lower() for t in rt]:
        return "casing"
    ow = [t.text for t in otoks if t.cls == "w"]
    rw = [t.text for t in rtoks if t.cls == "w"]
    low, lrw = [w.lower() for w in ow], [w.lower() for w in rw]
    if low == lrw:
        # Words the same (maybe re-cased, e.g. a sentence split): punctuation, unless what changed
        # is a symbol or emoji ("😀"→"👍", "&"→"+"), which is no punctuation fix.
        changed = set(ot).symmetric_difference(rt).difference(ow, rw)
        return "punctuation" if all(_is_punct(t) for t in changed) else "other"
    if len(low) >= 2 and sorted(low) == sorted(lrw):
        return "word_order"
    kinds: set[str] = set()
    # Casing and punctuation riding along with a word change are incidental, so compare lowered
    # words only and let the word changes decide the kind.
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, low, lrw, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            kinds.update(_word_kind(ow[i1 + k], rw[j1 + k]) for k in range(i2 - i1))
        else:
            kinds.add(_closed_class(low[i1:i2] + lrw[j1:j2]))  # words added or removed
    return kinds.pop() if len(kinds) == 1 else "other"


def _closed_class(words: list[str]) -> str:
    """article / preposition when every word added, dropped or swapped is one; else other."""
    if words and all(w in ARTICLES for w in words):
        return "article"
    if words and all(w in PREPOSITIONS for w in words):
        return "preposition"
    return "other"


def _word_kind(a: str, b: str) -> str:
    """Kind of a one-word substitution as reported (finer than the alignment's :func:`_pair_kind`)."""
    closed = _closed_class([a.lower(), b.lower()])
    if closed != "other":
        return closed
    la, lb = sorted((a.lower(), b.lower()), key=len)
    if lb in (la + "ly", la[:-1] + "ily", la + "ally") and len(la) >= 3:
        return "agreement"  # the adverb for the adjective or back: a wrong form of the right word
    kind = _pair_kind(a, b)
    if kind == "other" and a.isalpha() and b.isalpha():
        return "lexical_choice"  # one word for another, unrelated in form
    return kind


def _word_key(text: str) -> tuple[str, ...]:
    return tuple(t.text.lower() for t in tokenize(text) if t.cls != "s")


def _has_word(text: str) -> bool:
    return any(t.cls == "w" for t in tokenize(text))


def _is_sublist(small: tuple[str, ...], big: tuple[str, ...]) -> bool:
    k = len(small)
    return any(big[i:i + k] == small for i in range(len(big) - k + 1))


# --------------------------------------------------------------------------- diff


class _Chunk(NamedTuple):
    s1: int  # span in source (sentence-relative)
    s2: int
    t1: int  # span in target
    t2: int
    move: bool = False


def _chunks(source: str, target: str) -> list[_Chunk]:
    """Maximal runs of non-equal tokens as char spans."""
    a, b = tokenize(source), tokenize(target)
    a_pos = [t.start for t in a] + [len(source)]
    b_pos = [t.start for t in b] + [len(target)]
    out: list[_Chunk] = []
    for tag, i1, i2, j1, j2 in _align(a, b):
        if tag == "equal":
            continue
        c = _Chunk(a_pos[i1], a_pos[i2], b_pos[j1], b_pos[j2])
        if out and out[-1].s2 == c.s1 and out[-1].t2 == c.t1:
            out[-1] = out[-1]._replace(s2=c.s2, t2=c.t2)  # adjacent opcodes: one run
        else:
            out.append(c)
    return out


def _leading_space(s: str) -> int:
    return len(s) - len(s.lstrip())


def _rotate(chunks: list[_Chunk], source: str, target: str) -> list[_Chunk]:
    """Pure insertions/deletions carry their whitespace *after* the word ("the " before "image",
    "very " at "very"), not before it, when the equal text that follows allows the shift."""
    out = list(chunks)
    for k, c in enumerate(out):
        bound = out[k + 1].s1 if k + 1 < len(out) else len(source)
        if c.s1 == c.s2:
            moved = target[c.t1:c.t2]
            w = _leading_space(moved)
            if 0 < w < len(moved) and c.s1 + w <= bound and source[c.s1:c.s1 + w] == moved[:w]:
                out[k] = c._replace(s1=c.s1 + w, s2=c.s2 + w, t1=c.t1 + w, t2=c.t2 + w)
        elif c.t1 == c.t2:
            gone = source[c.s1:c.s2]
            w = _leading_space(gone)
            if 0 < w < len(gone) and c.s2 + w <= bound and source[c.s2:c.s2 + w] == gone[:w]:
                out[k] = c._replace(s1=c.s1 + w, s2=c.s2 + w, t1=c.t1 + w, t2=c.t2 + w)
    return out


def _span(chunks: list[_Chunk], move: bool) -> _Chunk:
    # The alignment is monotone, so the first chunk starts and the last ends both spans.
    return _Chunk(chunks[0].s1, chunks[-1].s2, chunks[0].t1, chunks[-1].t2, move)


def _find_moves(chunks: list[_Chunk], source: str, target: str) -> list[_Chunk]:
    """Fuse a deleted run of words and an inserted run with the same words into one move chunk
    covering both (and everything between), so edits stay non-overlapping spans."""
    dels = [k for k, c in enumerate(chunks) if c.t1 == c.t2 and _has_word(source[c.s1:c.s2])]
    inss = [k for k, c in enumerate(chunks) if c.s1 == c.s2 and _has_word(target[c.t1:c.t2])]
    if not dels or not inss:
        return chunks
    dkey = {k: _word_key(source[chunks[k].s1:chunks[k].s2]) for k in dels}
    ikey = {k: _word_key(target[chunks[k].t1:chunks[k].t2]) for k in inss}

    def related(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
        if x == y:
            return True
        # A moved phrase that also grew or shrank ("from Russia" → "from Russia today"); only
        # for phrases, so a lone "the" dropped here and added there is not called a move.
        small, big = (x, y) if len(x) < len(y) else (y, x)
        return sum(1 for t in small if t[:1].isalnum()) >= 2 and _is_sublist(small, big)

    used: set[int] = set()
    groups: list[list[int]] = []
    for exact in (True, False):  # exact matches first, so they are not stolen by containment
        for d in dels:
            if d in used:
                continue
            # A lone word ("the") dropped here and added there is a move only when no other
            # change lies between; otherwise one move would swallow unrelated edits.
            lone = sum(1 for t in dkey[d] if t[:1].isalnum()) < 2
            cands = [i for i in inss if i not in used and (not lone or abs(i - d) == 1)
                     and (dkey[d] == ikey[i] if exact else related(dkey[d], ikey[i]))]
            if cands:
                i = min(cands, key=lambda i: abs(i - d))
                used.update((d, i))
                groups.append([min(d, i), max(d, i)])
    if not groups:
        return chunks
    groups.sort()
    merged: list[list[int]] = []
    for g in groups:
        if merged and g[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], g[1])
        else:
            merged.append(g)
    out: list[_Chunk] = []
    k = 0
    for lo, hi in merged:
        out.extend(chunks[k:lo])
        out.append(_span(chunks[lo:hi + 1], True))
        k = hi + 1
    out.extend(chunks[k:])
    return out


def _merge_adjacent(chunks: list[_Chunk], source: str) -> list[_Chunk]:
    """Chunks touching or separated only by whitespace become one."""
    out: list[_Chunk] = []
    for c in chunks:
        if out and (source[out[-1].s2:c.s1].isspace() or out[-1].s2 == c.s1):
            p = out[-1]
            out[-1] = _Chunk(p.s1, c.s2, p.t1, c.t2, p.move or c.move)
        else:
            out.append(c)
    return out


def _trim(c: _Chunk, source: str, target: str) -> _Chunk:
    """Drop whitespace both sides share at the ends of a merged chunk ("the " → "a big " becomes
    "the" → "a big"), but never empty a side: insertions/deletions keep their whitespace."""
    o, r = source[c.s1:c.s2], target[c.t1:c.t2]
    k = 0
    while k < len(o) - 1 and k < len(r) - 1 and o[k] == r[k] and o[k].isspace():
        k += 1
    c = c._replace(s1=c.s1 + k, t1=c.t1 + k)
    o, r = o[k:], r[k:]
    k = 0
    while k < len(o) - 1 and k < len(r) - 1 and o[-1 - k] == r[-1 - k] and o[-1 - k].isspace():
        k += 1
    return c._replace(s2=c.s2 - k, t2=c.t2 - k)


def diff(source: str, target: str, offset: int = 0, confidence: float = 1.0) -> list[Edit]:
    """Word-level edits turning ``source`` into ``target``, sorted and non-overlapping.

    Offsets are code points into ``source`` plus ``offset`` (the sentence's start in its
    document).  Insertions have ``start == end`` and carry their whitespace after the word.
    """
    if source == target:
        return []
    chunks = _chunks(source, target)
    chunks = _rotate(chunks, source, target)
    chunks = _find_moves(chunks, source, target)
    chunks = _merge_adjacent(chunks, source)
    edits: list[Edit] = []
    for c in chunks:
        c = _trim(c, source, target)
        o, r = source[c.s1:c.s2], target[c.t1:c.t2]
        if o == r:
            continue  # defensive: a merged chunk whose parts cancel out is no change
        kind = _classify(o, r)
        if c.move or kind == "word_order":
            op, kind = "move", "word_order"
        else:
            op = "insert" if not o else "delete" if not r else "replace"
        edits.append(Edit(c.s1 + offset, c.s2 + offset, o, r, op, kind, confidence))
    return edits


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping ``edits`` (offsets into ``text``), in any order given.

    Raises ValueError if an edit's span is out of range, its ``original`` does not match
    ``text[start:end]``, or two edits overlap (two insertions at one point are ambiguous too).
    """
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for e in ordered:
        if not 0 <= e.start <= e.end <= len(text):
            raise ValueError(f"edit span [{e.start}, {e.end}) out of range for text of length {len(text)}")
        if text[e.start:e.end] != e.original:
            raise ValueError(f"edit at [{e.start}, {e.end}) expects {e.original!r} "
                             f"but the text has {text[e.start:e.end]!r}")
    for p, e in pairwise(ordered):
        if p.end > e.start or (p.start == p.end == e.start == e.end):
            raise ValueError(f"edits overlap: [{p.start}, {p.end}) {p.original!r} and "
                             f"[{e.start}, {e.end}) {e.original!r}")
    # Right to left, so earlier offsets stay valid; slices joined once rather than re-building text.
    parts: list[str] = []
    pos = len(text)
    for e in reversed(ordered):
        parts.append(text[e.end:pos])
        parts.append(e.replacement)
        pos = e.start
    parts.append(text[:pos])
    return "".join(reversed(parts))
