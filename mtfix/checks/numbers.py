"""Numbers, amounts, percentages, dates and times: present in the source, missing from the target, or added.

Contract: :func:`check_numbers` returns an ``error`` per source number that no target number can stand for,
and a ``warning`` per target number that no source number can stand for. Each mention is read into a set of
canonical values (decimal strings such as ``"1000.5"``, ``"t15:30"`` for clock times, ``"m3"`` for months), every
reading an ambiguous spelling allows, so that locale conventions never cause a finding:

* ``1 000,5`` (spaces, U+00A0, U+202F or U+2009 as group separators), ``1.000,5`` and ``1,000.5`` are all 1000.5;
  ``3,5`` is 3.5; ``1,000``/``1.000`` may be 1000 or 1 (both readings are kept);
* a scale word multiplies (``5 млн`` = ``5 million`` = ``5,000,000``); units and currency signs are ignored, so
  ``5 000 $`` = ``$5,000`` and ``15%`` = ``15 процентов``;
* dates are compared as digit groups (``12.03.2013`` = ``12/03/2013`` = ``March 12, 2013``), clock times with
  a.m./p.m. (``19:00`` = ``7 p.m.``), decades in either form (``90-х`` = ``1990s`` = ``nineties``);
* number words (one..twelve, tens, hundred..billion, ordinals, months, Roman numerals in the source; Russian,
  German and French words on the source side) only ever *satisfy* a mention: they are never reported.

Matching is by sets, not counts: a number written twice in the source and once in the target is not reported.
Precision matters more than recall here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from mtfix.checks.finding import Finding

__all__ = ["Mention", "check_numbers", "extract_numbers", "render_english"]

_SPACES = " \u00a0\u202f\u2009"
# A digit chunk: space-grouped thousands first (1 000 000,5), else digits joined by . , : / (dates, decimals).
_CHUNK = re.compile(
    r"(?<![0-9])(?:"
    r"(?:[01]?[0-9]|2[0-3]): [0-5][0-9](?![0-9])"  # a time as tokenised MT writes it: 11: 10
    rf"|[0-9]{{1,3}}(?:[{_SPACES}][0-9]{{3}}(?![0-9]))+(?:[.,][0-9]+)?"  # 1 000 000,5
    r"|[0-9]+(?:[.,:/\u0589][0-9]+)*"  # 1.000,5  12.03.2013  15:30  1/2  (U+0589: an Armenian colon)
    r")(?![0-9])"
)
_DATE = re.compile(r"([0-9]{1,4})([./-])([0-9]{1,2})\2([0-9]{1,4})")
_TIME = re.compile(r"([01]?[0-9]|2[0-3])(?:[:.\u0589]| ?: )([0-5][0-9])")  # 15:30, 15.30, 15: 30, 01։23
_AMPM = re.compile(r"\s?([ap])\.?\s?m\b\.?", re.IGNORECASE)
_HOURS = re.compile(r"\s?(?:hours|hrs|h)\b")
_DECADE_EN = re.compile(r"'?s\b")
_DECADE_RU = re.compile(r"-?(?:х|е|ых|ые|ми|x)\b")

_SCALES: dict[str, int] = {
    "hundred": 100, "hundreds": 100, "thousand": 10**3, "thousands": 10**3, "k": 10**3, "million": 10**6,
    "millions": 10**6, "mln": 10**6,
    "m": 10**6, "mn": 10**6, "billion": 10**9, "billions": 10**9, "bn": 10**9, "bln": 10**9, "trillion": 10**12,
    "тыс": 10**3, "тысяча": 10**3, "тысячи": 10**3, "тысяч": 10**3, "тысячу": 10**3, "тысячам": 10**3,
    "тысячами": 10**3, "тысячах": 10**3, "млн": 10**6, "миллион": 10**6, "миллиона": 10**6, "миллионов": 10**6,
    "миллионам": 10**6, "миллионами": 10**6, "миллионах": 10**6, "млрд": 10**9, "миллиард": 10**9,
    "миллиарда": 10**9, "миллиардов": 10**9, "миллиардами": 10**9, "миллиардах": 10**9, "трлн": 10**12,
    "триллион": 10**12, "триллиона": 10**12, "триллионов": 10**12,
    "tausend": 10**3, "mio": 10**6, "millionen": 10**6, "mrd": 10**9, "milliarde": 10**9, "milliarden": 10**9,
    "mille": 10**3, "milliard": 10**9, "milliards": 10**9,
}
_SCALE_AFTER = re.compile(r"[\s\u00a0\u202f-]?([A-Za-zА-Яа-яЁё]+)\.?")


_EN_WORDS: dict[str, tuple[str, ...]] = {
    "zero": ("0",), "one": ("1",), "two": ("2",), "three": ("3",), "four": ("4",), "five": ("5",), "six": ("6",),
    "seven": ("7",), "eight": ("8",), "nine": ("9",), "ten": ("10",), "eleven": ("11",), "twelve": ("12",),
    "thirteen": ("13",), "fourteen": ("14",), "fifteen": ("15",), "sixteen": ("16",), "seventeen": ("17",),
    "eighteen": ("18",), "nineteen": ("19",), "twenty": ("20",), "thirty": ("30",), "forty": ("40",),
    "fifty": ("50",), "sixty": ("60",), "seventy": ("70",), "eighty": ("80",), "ninety": ("90",),
    "hundred": ("100",), "thousand": ("1000",), "million": ("1000000",), "billion": ("1000000000",),
    "dozen": ("12",), "once": ("1",), "twice": ("2",), "thrice": ("3",), "single": ("1",), "double": ("2",),
    "triple": ("3",), "half": ("0.5", "2"), "quarter": ("0.25", "4"), "first": ("1",), "second": ("2",),
    "third": ("3",), "fourth": ("4",), "fifth": ("5",), "sixth": ("6",), "seventh": ("7",), "eighth": ("8",),
    "ninth": ("9",), "tenth": ("10",), "eleventh": ("11",), "twelfth": ("12",), "a": ("1",), "an": ("1",),
    "twenties": ("20", "1920"), "thirties": ("30", "1930"), "forties": ("40", "1940"), "fifties": ("50", "1950"),
    "sixties": ("60", "1960"), "seventies": ("70", "1970"), "eighties": ("80", "1980"), "nineties": ("90", "1990"),
    "hundreds": ("100",), "dozens": ("12",), "both": ("2",), "pair": ("2",), "couple": ("2",), "noon": ("12",),
    "midnight": ("0", "12", "24"),
}
_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")
_MONTH_ABBR_EN = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Russian stems -> value; a word counts when it is a stem plus a short ending (падежи), see _ru_word_values.
_RU_STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ноль", ("0",)), ("нул", ("0",)), ("один", ("1",)), ("одн", ("1",)), ("перв", ("1",)), ("два", ("2",)),
    ("две", ("2",)), ("двух", ("2",)), ("двум", ("2",)), ("двое", ("2",)), ("двои", ("2",)), ("втор", ("2",)),
    ("оба", ("2",)), ("обе", ("2",)), ("обо", ("2",)), ("пар", ("2",)), ("три", ("3",)), ("трех", ("3",)),
    ("трёх", ("3",)), ("трем", ("3",)), ("трём", ("3",)), ("трое", ("3",)), ("трет", ("3",)), ("четыр", ("4",)),
    ("четвер", ("4",)), ("четверт", ("4", "0.25")), ("пят", ("5",)), ("шест", ("6",)), ("сем", ("7",)),
    ("седьм", ("7",)), ("восем", ("8",)), ("восьм", ("8",)), ("девят", ("9", "90")), ("десят", ("10",)),
    ("одиннадцат", ("11",)), ("двенадцат", ("12",)), ("тринадцат", ("13",)), ("четырнадцат", ("14",)),
    ("пятнадцат", ("15",)), ("шестнадцат", ("16",)), ("семнадцат", ("17",)), ("восемнадцат", ("18",)),
    ("девятнадцат", ("19",)), ("двадцат", ("20", "1920", "2020")), ("тридцат", ("30", "1930")),
    ("сорок", ("40", "1940")), ("пятьдесят", ("50", "1950")), ("пятидесят", ("50", "1950")),
    ("шестьдесят", ("60", "1960")), ("шестидесят", ("60", "1960")), ("семьдесят", ("70", "1970")),
    ("семидесят", ("70", "1970")), ("восемьдесят", ("80", "1980")), ("восьмидесят", ("80", "1980")),
    ("девяност", ("90", "1990")), ("сто", ("100",)), ("сот", ("100",)), ("тысяч", ("1000",)), ("миллион", ("1000000",)),
    ("миллиард", ("1000000000",)), ("дюжин", ("12",)), ("полтор", ("1.5",)), ("половин", ("0.5", "2")),
    ("пол", ("0.5", "2")), ("двойн", ("2",)), ("тройн", ("3",)), ("вдво", ("2",)), ("втро", ("3",)),
    ("однажды", ("1",)), ("дважды", ("2",)), ("трижды", ("3",)), ("единиц", ("1",)), ("десят", ("10",)),
    ("сотн", ("100",)), ("десяток", ("10",)), ("десятк", ("10",)),
)
# Combining forms that start compounds (двухступенчатая, трехмерный, стопроцентный): any ending.
_RU_COMBINING: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("одно", ("1",)), ("двух", ("2",)), ("дву", ("2",)), ("трех", ("3",)), ("трёх", ("3",)), ("четырех", ("4",)),
    ("четырёх", ("4",)), ("пяти", ("5",)), ("шести", ("6",)), ("семи", ("7",)), ("восьми", ("8",)),
    ("девяти", ("9",)), ("десяти", ("10",)), ("двенадцати", ("12",)), ("двадцати", ("20",)),
    ("тридцати", ("30",)), ("сорока", ("40",)), ("пятидесяти", ("50",)), ("стопроцент", ("100",)),
    ("столет", ("100",)), ("тысяче", ("1000",)), ("полу", ("0.5", "2")),
    ("первоначальн", ("1",)), ("однажд", ("1",)), ("миллионн", ("1000000",)), ("суток", ("24",)),
    ("сутк", ("24",)), ("суточн", ("24",)), ("полдень", ("12",)), ("полудн", ("12",)), ("полночь", ("0", "12", "24")),
    ("полуноч", ("0", "12", "24")), ("десятилет", ("10",)), ("коронавирус", ("19",)), ("ковид", ("19",)),
    ("двести", ("200",)), ("двухсот", ("200",)), ("двумст", ("200",)), ("триста", ("300",)), ("трехсот", ("300",)),
    ("трёхсот", ("300",)), ("тремст", ("300",)), ("четыреста", ("400",)), ("четырехсот", ("400",)),
    ("четырёхсот", ("400",)), ("пятьсот", ("500",)), ("пятисот", ("500",)), ("шестьсот", ("600",)),
    ("шестисот", ("600",)), ("семьсот", ("700",)), ("семисот", ("700",)), ("восемьсот", ("800",)),
    ("восьмисот", ("800",)), ("девятьсот", ("900",)), ("девятисот", ("900",)),
)
# A number stem glued to a measure: восемнадцатилетней, двадцатиэтажный, пятидневка.
_RU_COMPOUND = re.compile(
    r"^(\w{3,}?)(летн|лети|кратн|процентн|часов|дневн|месячн|недельн|минутн|секундн|этажн|тонн|мерн|значн|"
    r"ступенчат|местн|разов|серийн|комнатн|километров|метров|градусн|литров|рублев|долларов)")
_RU_EXACT: dict[str, tuple[str, ...]] = {"ста": ("100",), "сто": ("100",), "сотню": ("100",), "сотни": ("100",),
                                         "сутки": ("24",), "полсотни": ("50",), "четверть": ("0.25", "4")}
_RU_MONTHS = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр",
              "декабр")
_DE_WORDS = {"null": "0", "ein": "1", "eine": "1", "eins": "1", "einen": "1", "einem": "1", "einer": "1",
             "zwei": "2", "drei": "3", "vier": "4", "fünf": "5", "sechs": "6", "sieben": "7", "acht": "8",
             "neun": "9", "zehn": "10", "elf": "11", "zwölf": "12", "hundert": "100", "tausend": "1000",
             "erste": "1", "ersten": "1", "zweite": "2", "zweiten": "2", "dritte": "3", "dritten": "3",
             "un": "1", "une": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "sept": "7",
             "huit": "8", "neuf": "9", "dix": "10", "onze": "11", "douze": "12", "cent": "100", "mille": "1000",
             "premier": "1", "première": "1", "deuxième": "2", "troisième": "3", "beide": "2"}
_DE_MONTHS = ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
              "november", "dezember", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_EN_COMPOUND = re.compile(
    r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](one|two|three|four|five|six|seven|eight|nine)\b",
    re.IGNORECASE)
_ROMAN = re.compile(r"\b(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})\b")
_ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}


@dataclass(frozen=True)
class Mention:
    """One number in a segment: its span, the text, every canonical value it may stand for.

    ``soft`` mentions (number words, month names, Roman numerals) satisfy other mentions but are never reported.
    ``parts`` (for a space-grouped chunk like ``5 100``) is a fallback reading as several numbers.
    """

    start: int
    end: int
    text: str
    values: frozenset[str]
    soft: bool = False
    parts: tuple[frozenset[str], ...] = ()


def _canon(text: str) -> str | None:
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return format(d.normalize(), "f")


def _scaled(value: str, factor: int) -> str | None:
    try:
        return format((Decimal(value) * factor).normalize(), "f")
    except InvalidOperation:
        return None


def _read_separated(chunk: str) -> list[frozenset[str]]:
    """The readings of a chunk of digits joined by ``.``/``,``/spaces: one set, or several (a list of parts)."""
    plain = chunk
    for sp in _SPACES:
        plain = plain.replace(sp, "\x00")
    if "\x00" in plain:  # space-grouped thousands, with an optional decimal part
        head, _, tail = plain.replace(",", ".").partition(".")
        joined = head.replace("\x00", "")
        value = _canon(f"{joined}.{tail}" if tail else joined)
        return [frozenset({value} if value else set())]
    seps = [c for c in chunk if c in ".,"]
    groups = re.split(r"[.,]", chunk)
    if not seps:
        value = _canon(chunk)
        return [frozenset({value} if value else set())]
    readings: set[str] = set()
    if len(seps) == 1:
        head, tail = groups
        readings.add(_canon(f"{head}.{tail}") or "")
        if len(tail) == 3 and 1 <= len(head) <= 3:
            readings.add(_canon(head + tail) or "")
    elif len(set(seps)) == 1:
        if all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3:
            readings.add(_canon("".join(groups)) or "")
        else:
            return [frozenset({_canon(g) or ""}) for g in groups]
    else:
        dec = seps[-1]
        if all(s != dec for s in seps[:-1]) and all(len(g) == 3 for g in groups[1:-1]) and 1 <= len(groups[0]) <= 3:
            readings.add(_canon("".join(groups[:-1]) + "." + groups[-1]) or "")
        else:
            return [frozenset({_canon(g) or ""}) for g in groups]
    readings.discard("")
    return [frozenset(readings)]


def _with_month(value: str) -> set[str]:
    out = {value}
    if value.isdigit() and 1 <= int(value) <= 12:
        out.add(f"m{int(value)}")
    return out


def _chunk_mentions(text: str, m: re.Match[str], lang: str) -> list[Mention]:
    """Mentions for one digit chunk: a date gives three, a time one, a number one (maybe scaled)."""
    chunk, start, end = m.group(0), m.start(), m.end()
    date = _DATE.fullmatch(chunk)
    if date and ("/" in chunk or chunk.count(".") == 2 or "-" in chunk):
        out = []
        for g in (1, 3, 4):
            s, e = start + date.start(g), start + date.end(g)
            value = _canon(date.group(g)) or date.group(g)
            values = _with_month(value)
            if len(date.group(g)) == 2 and g == 4:
                values.add(str(2000 + int(value)) if int(value) < 50 else str(1900 + int(value)))
            out.append(Mention(s, e, text[s:e], frozenset(values)))
        return out
    time = _TIME.fullmatch(chunk)
    if time and (":" in chunk or "\u0589" in chunk):
        return [_time_mention(text, start, end, int(time.group(1)), time.group(2))]
    if ":" in chunk or "/" in chunk or "\u0589" in chunk:  # scores, ratios, fractions: each number on its own
        out, pos = [], start
        parts = re.split(r"[:/\u0589]", chunk)
        for part in parts:
            idx = text.index(part, pos)
            out.extend(_number_mentions(text, idx, idx + len(part), part, lang))
            pos = idx + len(part)
        if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2 and out:  # season 2019/20 = 2019/2020
            last = out[-1]
            out[-1] = Mention(last.start, last.end, last.text, last.values | {parts[0][:2] + parts[1]})
        return out
    mentions = _number_mentions(text, start, end, chunk, lang)
    if time and "." in chunk and mentions:  # 19.00 may be a clock time too
        t = _time_mention(text, start, end, int(time.group(1)), time.group(2))
        first = mentions[0]
        mentions[0] = Mention(first.start, first.end, first.text, first.values | t.values, first.soft, first.parts)
    return mentions


def _time_mention(text: str, start: int, end: int, hour: int, minute: str) -> Mention:
    """A clock time: its values are the time and the hour (either half of the day with a.m./p.m.); its parts,
    the hour and the minutes, so "11 часов 28 минут" covers "11:28 a.m."."""
    hours = {hour}
    ampm = _AMPM.match(text, end)
    if ampm:
        if ampm.group(1).lower() == "p" and hour < 12:
            hours.add(hour + 12)
        if ampm.group(1).lower() == "a" and hour == 12:
            hours.add(0)
    values = {f"t{h}:{minute}" for h in hours} | {str(h) for h in hours}
    return Mention(start, end, text[start:end], frozenset(values),
                   parts=(frozenset(str(h) for h in hours), frozenset({_canon(minute) or minute})))


def _number_mentions(text: str, start: int, end: int, chunk: str, lang: str) -> list[Mention]:
    readings = _read_separated(chunk)
    if len(readings) > 1:  # 1.2.3: several numbers
        out, pos = [], start
        for part, values in zip(re.split(r"[.,]", chunk), readings):
            idx = text.index(part, pos)
            out.append(Mention(idx, idx + len(part), part, values))
            pos = idx + len(part)
        return out
    values = set(readings[0])
    parts: tuple[frozenset[str], ...] = ()
    if any(sp in chunk for sp in _SPACES):
        parts = tuple(frozenset({_canon(p) or p}) for p in re.split(rf"[{_SPACES}]", chunk.split(",")[0]))
    scale = _SCALE_AFTER.match(text, end)
    if scale and scale.group(1).lower() in _SCALES:
        factor = _SCALES[scale.group(1).lower()]
        values |= {v for v in (_scaled(x, factor) for x in list(values)) if v}
    digits = chunk.replace(",", "").replace(".", "")
    if len(chunk) == 4 and chunk.isdigit() and chunk.endswith("0"):  # 1990s / 1990-х
        if _DECADE_EN.match(text, end) or _DECADE_RU.match(text, end):
            values.add(str(int(chunk[2:])))
    if len(chunk) == 2 and chunk.isdigit() and (_DECADE_EN.match(text, end) or _DECADE_RU.match(text, end)):
        values |= {str(1900 + int(chunk)), str(2000 + int(chunk))}
    if len(chunk) == 4 and chunk.isdigit() and _HOURS.match(text, end) and int(chunk[:2]) < 24 and int(chunk[2:]) < 60:
        values |= {f"t{int(chunk[:2])}:{chunk[2:]}", str(int(chunk[:2]))}  # 0123 hours
    ampm = _AMPM.match(text, end)
    if ampm and digits.isdigit() and 1 <= int(digits) <= 12:
        hour = int(digits)
        values |= {f"t{hour}:00"}
        if ampm.group(1).lower() == "p" and hour < 12:
            values |= {str(hour + 12), f"t{hour + 12}:00"}
        if ampm.group(1).lower() == "a" and hour == 12:
            values |= {"0", "t0:00"}
    if len(values) == 1:
        (value,) = values
        values = _with_month(value)
    return [Mention(start, end, chunk, frozenset(values), parts=parts)]


def _roman(token: str) -> int | None:
    total, prev = 0, 0
    for ch in reversed(token):
        v = _ROMAN_VALUES[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total or None


def _ru_word_values(lower: str) -> tuple[str, ...]:
    compound = _RU_COMPOUND.match(lower)
    if compound:
        head = _ru_word_values_simple(compound.group(1))
        if head:
            return head
    return _ru_word_values_simple(lower)


def _ru_word_values_simple(lower: str) -> tuple[str, ...]:
    if lower in _RU_EXACT:
        return _RU_EXACT[lower]
    for i, month in enumerate(_RU_MONTHS):
        if lower.startswith(month) and len(lower) - len(month) <= (2 if month != "ма" else 1):
            if month == "ма" and lower not in ("мая", "май", "мае", "маю"):
                continue
            return (f"m{i + 1}",)
    best: tuple[str, ...] = ()
    best_len = 0
    for stem, values in _RU_COMBINING:
        if lower.startswith(stem) and len(stem) > best_len:
            best, best_len = values, len(stem)
    for stem, values in _RU_STEMS:
        # A stem plus up to four letters of ending (семи, семью, двадцати, тысячами, ...), or the compound's head.
        if lower.startswith(stem) and len(lower) - len(stem) <= 4 and len(stem) > best_len:
            if len(stem) <= 3 and len(lower) - len(stem) > 2:  # сем/сто/пар/пол: short stems, short endings only
                continue
            best, best_len = values, len(stem)
    return best


def _compounds(text: str) -> list[Mention]:
    """English tens-units compounds (forty-six) and word numbers times hundred/thousand (two hundred)."""
    out = []
    for m in _EN_COMPOUND.finditer(text):
        tens, units = _EN_WORDS[m.group(1).lower()][0], _EN_WORDS[m.group(2).lower()][0]
        out.append(Mention(m.start(), m.end(), m.group(0), frozenset({str(int(tens) + int(units))}), soft=True))
    return out


def _word_mentions(text: str, lang: str, side: str) -> list[Mention]:
    out: list[Mention] = _compounds(text) if side == "target" else []
    for m in _WORD.finditer(text):
        word = m.group(0)
        lower = word.lower()
        values: tuple[str, ...] = ()
        if lower in _EN_WORDS:
            values = _EN_WORDS[lower]
        elif lower in _MONTHS_EN:
            values = (f"m{_MONTHS_EN.index(lower) + 1}",)
        elif lower in _MONTH_ABBR_EN and word[0].isupper():
            values = (f"m{_MONTH_ABBR_EN.index(lower) + 1}",)
        elif side == "source" and "\u0400" <= lower[0] <= "\u04ff":
            values = _ru_word_values(lower.replace("ё", "е") if lower.startswith("трё") else lower)
        elif side == "source" and lower in _DE_WORDS:
            values = (_DE_WORDS[lower],)
        elif side == "source" and lower in _DE_MONTHS:
            values = (f"m{_DE_MONTHS.index(lower) % 12 + 1}",)
        if values:
            scale = _SCALE_AFTER.match(text, m.end())
            if scale and scale.group(1).lower() in _SCALES:  # четырех тысяч, two hundred thousand
                factor = _SCALES[scale.group(1).lower()]
                values = (*values, *(v for v in (_scaled(x, factor) for x in values if x[0].isdigit()) if v))
            out.append(Mention(m.start(), m.end(), word, frozenset(values), soft=True))
    for m in _ROMAN.finditer(text):
        token = m.group(0)
        if token and (len(token) >= 2 or token in "IVX"):
            value = _roman(token)
            if value:
                out.append(Mention(m.start(), m.end(), token, frozenset({str(value)}), soft=True))
    return out


def extract_numbers(text: str, *, lang: str = "en", side: str = "target") -> list[Mention]:
    """Every number mention in ``text``, in order: digit chunks (hard) and number words (soft).

    ``side`` is ``"source"`` (Russian/German/French number words and month names count) or ``"target"``
    (English words only). ``lang`` is the segment's language code; today every locale's reading of a digit
    chunk is tried whatever it is, so it only documents the caller's intent.
    """
    mentions: list[Mention] = []
    for m in _CHUNK.finditer(text):
        mentions.extend(_chunk_mentions(text, m, lang))
    mentions.extend(_word_mentions(text, lang, side))
    mentions.sort(key=lambda x: (x.start, x.end))
    return mentions


def render_english(mention: Mention) -> str | None:
    """The source number written the English way (``1 000,5`` -> ``1,000.5``), or None for dates and times."""
    plain = [v for v in mention.values if v[:1].isdigit()]
    if not plain or any(c in mention.text for c in ":/\u0589") or mention.soft or any(
            v.startswith("t") for v in mention.values):
        return None
    # The reading a Russian writer meant: the first decimal reading with a comma, else the grouped one.
    if "," in mention.text and not any(sp in mention.text for sp in _SPACES) and mention.text.count(",") == 1:
        head, tail = mention.text.split(",")
        value = _canon(f"{head.replace('.', '')}.{tail}") or plain[0]
    else:
        value = min(plain, key=lambda v: (-len(v.split(".")[0]), v))
    whole, _, frac = value.partition(".")
    grouped = f"{int(whole):,}" if len(whole) > 4 or (len(whole) == 4 and any(
        c in mention.text for c in _SPACES + ".,")) else whole
    return f"{grouped}.{frac}" if frac else grouped


def _covered(mention: Mention, values: set[str]) -> bool:
    if mention.values & values:
        return True
    return bool(mention.parts) and all(p & values for p in mention.parts)


def check_numbers(source: str, target: str, *, source_lang: str = "ru") -> list[Finding]:
    """Findings of kind ``number``: source numbers missing from the target (error), target numbers added (warning)."""
    src = extract_numbers(source, lang=source_lang, side="source")
    tgt = extract_numbers(target, lang="en", side="target")
    src_values = {v for m in src for v in m.values.union(*m.parts)}
    tgt_values = {v for m in tgt for v in m.values.union(*m.parts)}
    findings: list[Finding] = []
    reported: set[frozenset[str]] = set()
    for m in src:
        if m.soft or _covered(m, tgt_values) or m.values in reported:
            continue
        reported.add(m.values)
        english = render_english(m)
        findings.append(Finding(
            "number", "error", f"source number {m.text!r} is missing from the target",
            source_start=m.start, source_end=m.end, suggestion=english))
    reported = set()
    for m in tgt:
        if m.soft or _covered(m, src_values) or m.values in reported:
            continue
        reported.add(m.values)
        findings.append(Finding(
            "number", "warning", f"target number {m.text!r} is not in the source", start=m.start, end=m.end))
    return findings
