"""Markup that a translation must carry over unchanged: placeholders, inline tags, URLs, e-mails, #tags, @names.

Contract: :func:`check_markup` compares the source's and the target's markup tokens as multisets of keys.
A source token with no equal target token is an ``error`` at the source span; a target token with no equal
source token is a ``warning`` at the target span. A missing and an added token of the same type are paired,
in order, into one ``error`` "changed" finding carrying both spans and the source token as the suggestion.

Keys: placeholders and e-mails compare exactly (e-mails case-insensitively); URLs compare without case and
trailing ``/``; tags compare by name, closing/self-closing and their attributes except the translatable ones
(``title``, ``alt``, ...). Hashtags and @names in Cyrillic are skipped (a translator may render them).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from mtfix.checks.finding import Finding

__all__ = ["Token", "check_markup", "extract_markup"]

_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s+[\w:.-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*/?>")
_ATTR = re.compile(r"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"«»“”]+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_PLACEHOLDER = re.compile(
    r"\{\{[^{}\n]{1,60}\}\}"  # {{x}}
    r"|\{[A-Za-z0-9_.:-]{0,40}\}"  # {0}, {name}, {}
    r"|\$\{[A-Za-z_][\w.]*\}"  # ${var}
    r"|(?<![\w$])\$(?!(?:US|AU|NZ|CA|HK|SG)\b)[A-Za-z_]\w*"  # $VAR (not $US 5)
    r"|(?<![\d%\w])%(?:\d+\$)?[-+#0]?\d*(?:\.\d+)?[sdifuxXeEgGc](?![A-Za-z])"  # %s %d %1$s %.2f
    r"|(?<![\w%])%[1-9](?![\d\w])"  # %1 (Qt)
)
_HASHTAG = re.compile(r"(?<![\w&#/])#[^\W\d_]\w*")
_MENTION = re.compile(r"(?<![\w.@/])@[A-Za-z_]\w*")
_URL_TRAIL = ".,;:!?)]}'\""
_TRANSLATABLE_ATTRS = frozenset({"title", "alt", "aria-label", "placeholder", "label", "summary"})
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@dataclass(frozen=True)
class Token:
    """One markup token: its type (tag, placeholder, url, email, hashtag, mention), span, text and key."""

    type: str
    start: int
    end: int
    text: str
    key: str


def _tag_key(text: str) -> str:
    name = re.match(r"</?([A-Za-z][\w:.-]*)", text)
    closing = "/" if text.startswith("</") else ""
    selfclose = "/" if text.rstrip(">").rstrip().endswith("/") else ""
    attrs = sorted((a.lower(), b or c) for a, b, c in _ATTR.findall(text) if a.lower() not in _TRANSLATABLE_ATTRS)
    return f"<{closing}{name.group(1).lower() if name else ''} {attrs}{selfclose}>"


def extract_markup(text: str) -> list[Token]:
    """The markup tokens of ``text`` in order; a span claimed by an earlier type is not matched again."""
    taken: list[tuple[int, int]] = []
    tokens: list[Token] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(kind: str, s: int, e: int, key: str) -> None:
        taken.append((s, e))
        tokens.append(Token(kind, s, e, text[s:e], key))

    for m in _TAG.finditer(text):
        add("tag", m.start(), m.end(), _tag_key(m.group(0)))
    for m in _URL.finditer(text):
        s, e = m.start(), m.end()
        while e > s and text[e - 1] in _URL_TRAIL:
            e -= 1
        if free(s, e):
            add("url", s, e, text[s:e].lower().rstrip("/"))
    for m in _EMAIL.finditer(text):
        if free(m.start(), m.end()):
            add("email", m.start(), m.end(), m.group(0).lower())
    for m in _PLACEHOLDER.finditer(text):
        if free(m.start(), m.end()):
            add("placeholder", m.start(), m.end(), m.group(0))
    for pattern, kind in ((_HASHTAG, "hashtag"), (_MENTION, "mention")):
        for m in pattern.finditer(text):
            if free(m.start(), m.end()) and not _CYRILLIC.search(m.group(0)):
                add(kind, m.start(), m.end(), m.group(0).lower() if kind == "mention" else m.group(0))
    tokens.sort(key=lambda t: t.start)
    return tokens


def _minus(a: list[Token], b: list[Token]) -> list[Token]:
    """Tokens of ``a`` left once each of ``b``'s keys has cancelled one of them (first ones kept)."""
    left = Counter((t.type, t.key) for t in b)
    out = []
    for t in a:
        if left[(t.type, t.key)]:
            left[(t.type, t.key)] -= 1
        else:
            out.append(t)
    return out


def check_markup(source: str, target: str) -> list[Finding]:
    """Findings of kind ``markup`` (see the module docstring)."""
    src, tgt = extract_markup(source), extract_markup(target)
    if not src and not tgt:
        return []
    missing, added = _minus(src, tgt), _minus(tgt, src)
    findings: list[Finding] = []
    for m in missing:
        pair = next((a for a in added if a.type == m.type), None)
        if pair is not None:
            added.remove(pair)
            findings.append(Finding(
                "markup", "error", f"{m.type} {m.text!r} of the source was changed to {pair.text!r}",
                start=pair.start, end=pair.end, source_start=m.start, source_end=m.end, suggestion=m.text))
        else:
            findings.append(Finding(
                "markup", "error", f"{m.type} {m.text!r} of the source is missing from the target",
                source_start=m.start, source_end=m.end, suggestion=m.text))
    for a in added:
        findings.append(Finding("markup", "warning", f"{a.type} {a.text!r} is not in the source",
                                start=a.start, end=a.end))
    return findings
