"""Keep or rewrite: clean a model proposal, then accept it only if every guard passes.

A rejected proposal never reaches the corrected text: the sentence is kept as it was and the
reason is reported. Guards are cheap, pure-Python checks; the model's own scores are compared too.
"""
from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from typing import Any

from mtfix.config import DEFAULT, Config
from mtfix.model.base import Rewrite
from mtfix.text.words import MARKUP

# Chat openers a prompted instruct model puts before its answer ("Sure! Here is the corrected sentence:").
_CHATTY = r"(?:sure|certainly|of course|okay|ok|absolutely|great)"
_OPENER = re.compile(
    rf"^\s*(?:{_CHATTY}\b[!.,]*\s*)?"
    r"(?:(?:here\s+is|here's|this\s+is)\b[^:\n]{0,60}:|(?:the\s+)?(?:corrected|fixed|revised|rewritten)"
    r"(?:\s+(?:sentence|text|version))?\s*(?:is\s*)?:|(?:answer|output|correction)\s*:)\s*"
    rf"|^\s*{_CHATTY}\b[!.,]+\s*(?=\S)",  # or a bare "Sure!" before the answer
    re.IGNORECASE)
# Residue no genuine correction of an English sentence contains.
_ARTEFACT = re.compile(
    r"<\|im_(?:start|end)\|>|\b(?:as an ai|i'm sorry|i am sorry|i cannot|language model|"
    r"corrected sentence|here is the|here's the)\b", re.IGNORECASE)
_QUOTES = {'"': '"', "“": "”", "'": "'", "«": "»", "‘": "’", "`": "`"}
# Quotes, brackets and dashes frame speech in MT news ("“…, – said the Minister. – …”"): a rewrite
# that adds or drops one breaks the surrounding text, so their counts must not change.
_FRAME = "\"“”„«»()[]–—"
_FRAME_ENDS = "\"“”„«»–—"  # what may open or close a sentence of quoted speech
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# Words a repair may delete outright: articles, prepositions, pronouns, auxiliaries, conjunctions and
# particles ("cannot to take" -> "cannot take", "including the Saturday" -> "including Saturday").
# Deleting any other word without a replacement drops content ("This offer suck" -> "This offer").
_FUNCTION_WORDS = frozenset("""
a an the this that these those some any no every each either neither all both such what which who whom whose
of in on at to for from by with about as into onto upon over under after before since until till through during
among between against without within along across behind beyond near off out up down per via than like
and or but nor so yet if then because while though although whether
i me my mine you your yours he him his she her hers it its we us our ours they them their theirs one ones
myself yourself himself herself itself ourselves themselves oneself there here
be am is are was were been being have has had having do does did doing will would shall should can could may
might must ought not n't also too very just only even still already yet again ever never more most much
""".split())
# Fixed expressions whose grammar looks wrong word by word, which a rewriter "corrects" into errors
# ("as it were" -> "as it was", "if he were" -> "if he was"): a rewrite must keep each one the source has.
_FIXED = re.compile(
    r"\b(?:as it were|so to speak|be that as it may|if need be|come what may|suffice it to say|far be it from|"
    r"so be it|(?:if|as if|as though|wish|wished) (?:i|he|she|it) were)\b", re.IGNORECASE)
# Lower-case words that join the capitalised words of one name ("Freedom from Religion Foundation").
_NAME_JOINERS = frozenset("of from for the de du la van von upon".split())
_SENT_END = re.compile(r"[.!?…](?:[\"'”’»)\]]*)\s+(?=[\"'“‘«(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Verdict:
    """The gate's decision for one sentence."""

    output: str  # the sentence as it goes into the corrected text
    status: str  # "unchanged", "rewritten" or "rejected"
    reason: str = ""  # why a proposal was rejected
    proposal: str = ""  # the cleaned proposal


def clean(proposal: str, source: str) -> str:
    """Strip chat artefacts the source did not have: openers, wrapping quotes, extra lines and sentences."""
    text = proposal.strip()
    if "\n" not in source:
        text = text.split("\n", 1)[0].strip() if text else text
    opener = _OPENER.match(text)
    if opener and not _OPENER.match(source):
        text = text[opener.end():].strip()
    while len(text) >= 2 and _QUOTES.get(text[0]) == text[-1] and not (
            source[:1] == text[0] and source[-1:] == text[-1]):
        text = text[1:-1].strip()
    text = _trim_extra_sentences(text, source)
    text = _restore_frame(text, source)
    # A heading or a line without a full stop keeps its bare ending.
    if source[-1:].isalnum() and text[-1:] in ".!?" and text[:-1].strip():
        text = text[:-1]
    return text


def _restore_frame(text: str, source: str) -> str:
    """Put back a leading dash or quote, or a closing quote, that the model dropped from the ends."""
    lead = re.match(rf"[{_FRAME_ENDS}\s]*", source).group()
    if lead and not text.startswith(lead):
        text = lead + text.lstrip(_FRAME_ENDS + " ")
    tail = re.search(rf"[{_FRAME_ENDS}]*$", source).group()
    if tail and not text.endswith(tail):
        text = text.rstrip(_FRAME_ENDS) + tail
    return text


def _trim_extra_sentences(text: str, source: str) -> str:
    """Keep as many sentences as the source has: a further one is the model talking."""
    allowed = len(_SENT_END.findall(source))
    ends = list(_SENT_END.finditer(text))
    if len(ends) > allowed:
        return text[:ends[allowed].start() + 1].rstrip()
    return text


def judge(source: str, rewrite: Rewrite, config: Config = DEFAULT) -> Verdict:
    """Accept ``rewrite`` for ``source`` only if it is clean, faithful and preferred by the model."""
    if rewrite.skipped:
        return Verdict(source, "unchanged", "", "")
    proposal = clean(rewrite.text, source)
    if proposal == source:
        return Verdict(source, "unchanged", "", proposal)
    reason = _refusal(source, proposal, rewrite, config)
    if reason:
        return Verdict(source, "rejected", reason, proposal)
    return Verdict(proposal, "rewritten", "", proposal)


def _refusal(source: str, proposal: str, rewrite: Rewrite, config: Config) -> str:
    """The first guard that refuses ``proposal``, or ``""``."""
    if not proposal.strip():
        return "empty rewrite"
    if rewrite.truncated:
        return "unfinished (token budget)"
    if _ARTEFACT.search(proposal) and not _ARTEFACT.search(source):
        return "chat artefact"
    if ("\n" in proposal) != ("\n" in source) or proposal.count("\n") != source.count("\n"):
        return "line breaks changed"
    ratio = len(proposal) / max(1, len(source))
    if not config.min_length_ratio <= ratio <= config.max_length_ratio:
        return f"length ratio {ratio:.2f}"
    loop = _repetition(source, proposal)
    if loop:
        return f"repetition loop ({loop})"
    scripts = _scripts(proposal) - _scripts(source)
    if scripts:
        return f"switched script ({', '.join(sorted(scripts)).lower()})"
    if any(source.count(c) != proposal.count(c) for c in _FRAME):
        return "quotes or dashes changed"
    if sorted(_NUMBER.findall(source)) != sorted(_NUMBER.findall(proposal)):
        return "numbers changed"
    kept = {w.lower() for w in _WORD.findall(proposal)}
    lost = {name for name in _names(source) if name.lower() not in kept}
    if lost:
        return f"name dropped ({sorted(lost)[0]})"
    changed_name = next((n for n in _name_spans(source) if n not in proposal), "")
    if changed_name:
        return f"name changed ({changed_name})"
    broken = broken_fixed_expression(source, proposal)
    if broken:
        return f"fixed expression changed ({broken})"
    if _chrf(source, proposal) < config.min_chrf:
        return "too different from the source"
    gap = _largest_gap(source, proposal, config.max_gap)
    if gap:
        return gap
    dropped = dropped_content_word(source, proposal)
    if dropped:
        return f"content dropped ({dropped})"
    invented = invented_content_word(source, proposal)
    if invented:
        return f"content invented ({invented})"
    if config.max_changed_words:
        changed = changed_words(source, proposal)
        if changed > config.max_changed_words:
            return f"{changed} words changed (at most {config.max_changed_words})"
    if (rewrite.score is not None and rewrite.keep_score is not None
            and rewrite.score - rewrite.keep_score < config.keep_margin):
        return "model prefers the original"
    return ""


def _repetition(source: str, proposal: str) -> str:
    """A phrase of one to three words said three times running where the source did not."""
    words = [w.lower() for w in _WORD.findall(proposal)]
    for n in (1, 2, 3):
        for i in range(len(words) - 3 * n + 1):
            phrase = words[i:i + n]
            if phrase == words[i + n:i + 2 * n] == words[i + 2 * n:i + 3 * n]:
                said = " ".join(phrase)
                if " ".join([said] * 3) not in " ".join(w.lower() for w in _WORD.findall(source)):
                    return said
    return ""


def _scripts(text: str) -> set[str]:
    """Writing systems of the letters in ``text`` (LATIN, CYRILLIC, CJK, ...)."""
    import unicodedata

    found = set()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            found.add(name.split(" ")[0] if name else "UNKNOWN")
    return found


def _names(text: str) -> set[str]:
    """Capitalised words not at a sentence start: names, which a rewrite must keep."""
    words = list(_WORD.finditer(text))
    return {w.group() for w, capital in zip(words, _capitalised(text, words)) if capital}


def _capitalised(text: str, words: list[re.Match[str]]) -> list[bool]:
    """For each of ``words`` (matches of :data:`_WORD` in ``text``): it is capitalised and does not start
    the text or a sentence, clause or quotation (no ``.!?:`` or opening quote since the word before)."""
    return [i > 0 and w.group()[:1].isupper() and not re.search(r"[.!?:\"“«]", text[words[i - 1].end():w.start()])
            for i, w in enumerate(words)]


def _name_spans(text: str) -> list[str]:
    """Names of two or more capitalised words, as the text spells them: runs of capitalised words not at
    a sentence start, one space apart, with at most one joining word between two of them
    ("Freedom from Religion Foundation", "at The Game Awards" -> "The Game Awards"). A rewrite that
    changes one ("Freedom of Religion Foundation", "the Game Awards") renames something."""
    words = list(_WORD.finditer(text))
    after = [text[:w.start()] if i == 0 else text[words[i - 1].end():w.start()] for i, w in enumerate(words)]
    capital = _capitalised(text, words)
    spans, i = [], 0
    while i < len(words):
        j, capitals = i, 1  # words[i..j] is the name so far
        while capital[i] and j + 1 < len(words) and after[j + 1] == " ":
            if capital[j + 1]:
                j += 1
            elif (words[j + 1].group() in _NAME_JOINERS and j + 2 < len(words) and capital[j + 2]
                  and after[j + 2] == " "):
                j += 2
            else:
                break
            capitals += 1
        if capital[i] and capitals >= 2:
            spans.append(text[words[i].start():words[j].end()])
        i = j + 1
    return spans


def broken_fixed_expression(source: str, proposal: str) -> str:
    """The first fixed expression of the source (:data:`_FIXED`: "as it were", "if he were") that the
    proposal no longer has, lower-cased; ``""`` if none."""
    kept = " ".join(w.lower() for w in _WORD.findall(proposal))
    for match in _FIXED.finditer(source):
        phrase = " ".join(w.lower() for w in _WORD.findall(match.group()))
        if not re.search(rf"\b{re.escape(phrase)}\b", kept):
            return phrase
    return ""


def _largest_gap(source: str, proposal: str, limit: int = 4) -> str:
    """Refuse a run of ``limit`` or more words dropped from, or invented in, the source."""
    a, b, changes = _word_changes(source, proposal)
    for _op, i1, i2, j1, j2 in changes:
        if (i2 - i1) - (j2 - j1) >= limit:
            return f"content dropped ({' '.join(a[i1:i2][:6])})"
        if (j2 - j1) - (i2 - i1) >= limit:
            return f"content invented ({' '.join(b[j1:j2][:6])})"
    return ""


def dropped_content_word(source: str, proposal: str) -> str:
    """A word deleted outright (no replacement in its place) that is not a function word and appears
    nowhere in the proposal; ``""`` if none. Replacements ("suck" -> "sucks") are not deletions. Inline
    tags and entities are not words here (the tag guard of :mod:`mtfix.formats` judges them)."""
    return _bare_content_word(source, proposal, "delete")


def invented_content_word(source: str, proposal: str) -> str:
    """A word inserted outright (not in place of another) that is not a function word and appears nowhere
    in the source; ``""`` if none. A repair adds articles, auxiliaries and pronouns ("bellhop in hotel" ->
    "in the hotel"); a new noun or verb is new meaning ("the King has officially 14 wives" -> "has
    officially married 14 wives")."""
    return _bare_content_word(source, proposal, "insert")


def _bare_content_word(source: str, proposal: str, kind: str) -> str:
    """The first content word that a pure ``kind`` ("delete" or "insert") run of the word diff removes
    from the source or adds to it, and that the other side lacks entirely; ``""`` if none."""
    a, b, changes = _word_changes(MARKUP.sub(" ", source), MARKUP.sub(" ", proposal))
    other = set(b) if kind == "delete" else set(a)
    for op, i1, i2, j1, j2 in changes:
        if op == kind:
            for word in a[i1:i2] if kind == "delete" else b[j1:j2]:
                if word not in _FUNCTION_WORDS and word not in other and not word.isdigit():
                    return word
    return ""


def changed_words(source: str, proposal: str) -> int:
    """Words replaced, dropped or added (the larger side of each differing run); case-only changes count 0."""
    return sum(max(i2 - i1, j2 - j1) for _op, i1, i2, j1, j2 in _word_changes(source, proposal)[2])


def _word_changes(source: str, proposal: str) -> tuple[list[str], list[str], list[tuple[str, int, int, int, int]]]:
    """The lower-cased words of both sides and difflib's opcodes of the runs that differ."""
    a = [w.lower() for w in _WORD.findall(source)]
    b = [w.lower() for w in _WORD.findall(proposal)]
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return a, b, [op for op in ops if op[0] != "equal"]


def _chrf(source: str, proposal: str) -> float:
    return _chrf_metric().sentence_score(proposal, [source]).score


@functools.lru_cache(maxsize=1)
def _chrf_metric() -> Any:
    from sacrebleu.metrics import CHRF

    return CHRF()
