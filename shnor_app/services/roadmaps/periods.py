"""Parse the free-text deadlines («сроки») of Russian roadmaps into dates.

Roadmaps (дорожные карты) give every measure a period written by hand:
«Январь 2023», «Март- апрель», «В течение 2022-2023 учебного года»,
«Ежегодно до 01.10.», «2 и 4 среда каждого месяца», «По плану УО» …
:func:`parse_period` turns such a text into a :class:`Period` (start/end dates,
an optional :class:`Recurrence`, and flags).  The original text is always kept.

Design — one pass over a *normalised* copy of the text:

1. **Normalise**: lower case, «ё»→«е», every dash variant → «-», all
   whitespace (tabs, line breaks, NBSP) → one space, trailing dots trimmed;
   only the first 500 characters are scanned.
2. **Open forms** («постоянно», «по графику», «по плану ОО», «по мере
   необходимости», «по запросу», «согласно …», «в соответствии с …») are
   detected.  They only make the period *open-ended* when nothing else in
   the text gives dates: «В течение учебного года по плану УО» is dated.
3. **Recurrences** («ежемесячно», «2 раза в год», «1 раз в четверть»,
   «каждый понедельник», «2 и 4 среда каждого месяца», «не позднее 10 числа
   месяца» …).  Matched spans are masked so later steps do not re-read them.
4. **Ranges / dates**: every dated fragment becomes an ``_Item`` (exact dates,
   day + month name, month names, quarters, half-years, school terms,
   academic years, calendar years, «начало/конец учебного года» …).  Items
   are searched from the most specific pattern to the least specific one,
   each match being masked.  A word right before an item gives it a role:
   «до», «не позднее», «к», «по» → deadline only; «с», «начиная с» → start
   only; «после» → start the day after the item ends.
5. **Years**: items without a year borrow one.  Going right to left, an item
   takes the year of the next item (minus one when its month is later, so
   «декабрь – январь 2024» starts in December 2023); going left to right, it
   takes the year of the previous item (plus one when the months wrap, so
   «сентябрь – май» ends in May of the next year).  When the text has no year
   at all, the first item gets the caller's ``year`` and the wrap rule
   applies from there.  Without any ``year`` such items are dropped.
6. **Combine**: ``start`` is the earliest start and ``end`` the latest end of
   all items.  This covers both ranges («февраль – март 2023 г.») and lists
   («июнь 2023 г., ноябрь 2023 г.» → 01.06.2023 – 30.11.2023).

Conventions (documented decisions):

* The school year runs from 1 September to **31 May** of the next year
  («в течение учебного года» with ``year=2023`` → 2023-09-01 – 2024-05-31).
  «начало учебного года» is September, «конец учебного года» is May.
* School terms (четверти) are approximated as Sep–Oct, Nov–Dec, Jan–Mar,
  Apr–May; academic half-years as Sep–Dec and Jan–May.  Plain
  «1/2 полугодие» means the calendar halves Jan–Jun / Jul–Dec.
* «по итогам учебного года» is a yearly recurrence dated at the end of the
  school year (May).  «по итогам четверти» is ``per_term``, «по итогам
  полугодия» is ``yearly`` with ``times=2``, «1 раз в полугодие» likewise.
* ``Recurrence.times`` is ``None`` when the event happens once per interval,
  so «1 раз в месяц» equals «ежемесячно».
* «… и последующий период», «и далее» drop the end date (the measure goes on).
* ``open_ended`` is True when an open form is present and no date was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

__all__ = ["MONTHS", "Period", "Recurrence", "describe", "parse_period"]

# --------------------------------------------------------------------------
# Static knowledge
# --------------------------------------------------------------------------

#: Month number → regex alternatives matching the month name in any case form
#: (январь, января, январе, янв., …).  Used to build ``_MONTH``.
MONTHS: dict[int, str] = {
    1: r"январ[ьяею]|янв",
    2: r"феврал[ьяею]|февр?",
    3: r"март[ауе]?|мар",
    4: r"апрел[ьяею]|апр",
    5: r"ма[йяею]",
    6: r"июн[ьяею]|июн",
    7: r"июл[ьяею]|июл",
    8: r"август[ауе]?|авг",
    9: r"сентябр[ьяею]|сент?",
    10: r"октябр[ьяею]|окт",
    11: r"ноябр[ьяею]|ноя(?:б)?",
    12: r"декабр[ьяею]|дек",
}

_MONTH_RES = {n: re.compile(rf"(?:{alts})\.?$") for n, alts in MONTHS.items()}

WEEKDAYS: tuple[tuple[str, str], ...] = (
    ("понедельник", r"понедельник\w*"),
    ("вторник", r"вторник\w*"),
    ("среда", r"сред(?:а|у|ам|ы|е|ой)"),
    ("четверг", r"четверг\w*"),
    ("пятница", r"пятниц\w*"),
    ("суббота", r"суббот\w*"),
    ("воскресенье", r"воскресень\w*"),
)

_WEEKDAY_RES = tuple(re.compile(pat) for _, pat in WEEKDAYS)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ORDINAL_STEMS = (("перв", 1), ("втор", 2), ("трет", 3), ("четв", 4), ("пят", 5), ("последн", -1))
_COUNT_WORDS = {
    "один": 1, "одна": 1, "одну": 1, "однажды": 1,
    "два": 2, "две": 2, "дважды": 2,
    "три": 3, "трижды": 3,
    "четыре": 4, "пять": 5, "шесть": 6,
}

# Only this many characters of a (normalised) text are scanned.
_MAX_CHARS = 500
# School year boundaries (see module docstring).
_SCHOOL_START = (9, 1)
_SCHOOL_END = (5, 31)
# Approximate school terms: (start month, start year offset, end month, end year offset).
_TERMS = {1: (9, 0, 10, 0), 2: (11, 0, 12, 0), 3: (1, 1, 3, 1), 4: (4, 1, 5, 1)}

# --------------------------------------------------------------------------
# Regex building blocks (compiled once below)
# --------------------------------------------------------------------------

_B = r"(?<![\w])"  # left word boundary that also works after a dash
_E = r"(?![\w])"  # right word boundary
_MONTH = "(?:" + "|".join(f"(?:{alts})" for alts in MONTHS.values()) + r")\.?" + _E
_YEAR_WORD = r"(?:годов|годы|года|году|год|гг|г)\.?" + _E
# A year written after a month or a date: «2023», «2023 г.», «2023г», «23 г.».
_YEAR_AFTER = rf"(?:\s*,?\s*(?P<y>\d{{4}})(?:\s*{_YEAR_WORD})?|\s+(?P<y2>\d{{2}})\s*(?:гг|г)\.?{_E})"
_ORD = r"(?:iv|i{1,3}|[1-5]|перв\w*|втор\w*|трет\w*|четв[её]рт\w*|пят\w*|последн\w*)"
_ORD_SUFFIX = r"(?:\s*-?\s*(?:ый|ий|ой|ая|яя|ое|ее|ую|юю|го|й|я|ю|е)" + _E + ")?"
_ACAD = rf"{_B}(?:учебн\w*|уч\.?)\s*(?:год\w*|г\.?{_E})"
_ACAD_YEARS = r"(?P<a1>\d{4})\s*[-/]\s*(?P<a2>\d{4}|\d{2})\s*(?:гг\.?|г\.?)?\s*"
_WEEKDAY = "(?:" + "|".join(pat for _, pat in WEEKDAYS) + ")"

_RX_OPEN = re.compile(
    rf"{_B}(?:постоянн\w*|бессрочно|"
    r"по\s+(?:\w+\s+)?(?:график\w*|план\w*|мере\s+\w+|запрос\w*|заявк\w*|согласовани\w*|"
    r"необходимости|требовани\w*|приказ\w*)|"
    r"в\s+соответствии\s+с\w*|согласно|в\s+(?:установленные\s+)?сроки|"
    r"в\s+течение\s+(?:всего\s+)?(?:периода|срока))"
)
_RX_ONGOING = re.compile(rf"{_B}и\s+(?:в\s+)?последующ\w*(?:\s+\w+)?|{_B}и\s+далее")

# Recurrences.
_RX_NTH_WEEKDAY = re.compile(
    rf"(?:кажд\w+\s+)?{_B}(?P<nths>{_ORD}{_ORD_SUFFIX}(?:\s*(?:,|и)\s*{_ORD}{_ORD_SUFFIX}){{0,5}})\s*"
    rf"(?P<wd>{_WEEKDAY})(?:\s+(?:кажд\w+\s+)?месяц\w*)?"
)
_RX_WEEKLY_DAY = re.compile(
    rf"еженедельн\w*\s*,?\s*(?:(?:по|в|во)\s+)?(?P<wd>{_WEEKDAY})|"
    rf"{_B}(?:по|кажд\w+)\s+(?P<wd2>{_WEEKDAY})"
)
_RX_DAY_OF_MONTH = re.compile(
    r"(?:(?:не\s+позднее|до|к)\s+)?\d{1,2}\s*(?:-?\s*г?о)?\s+числа(?:\s+кажд\w+)?(?:\s+месяц\w*)?"
)
_RX_RESULTS = re.compile(
    rf"{_B}по\s+(?:итогам|окончании|результатам)\s+(?:кажд\w+\s+)?"
    r"(?P<unit>месяц\w*|квартал\w*|четверт\w*|триместр\w*|полугоди\w*|учебного\s+года|года)"
)
_RX_TIMES = re.compile(
    r"(?:(?P<n>\d{1,2}|один|одна|одну|два|две|три|четыре|пять|шесть)\s+)?раз(?:а)?\s+в\s+"
    r"(?P<unit>день|сутки|неделю|месяц|квартал|четверт\w*|триместр|полугодие|полгода|"
    r"(?:учебный\s+)?год)" + _E
    + r"|(?P<adv>однажды|дважды|трижды)\s+в\s+"
    r"(?P<unit2>неделю|месяц|квартал|четверт\w*|полугодие|полгода|год)" + _E
)
_RX_EVERY = re.compile(
    rf"{_B}кажд\w+\s+(?P<unit>день|недел\w*|месяц\w*|квартал\w*|четверт\w*|триместр\w*|полугоди\w*|год\w*)"
)
_RX_ADVERB = re.compile(rf"{_B}(?:ежедневн\w*|еженедельн\w*|ежемесячн\w*|ежеквартальн\w*|ежегодн\w*)")

# Dated items, from the most specific to the least specific.
_RX_TERM = re.compile(
    rf"{_B}(?P<n>{_ORD}){_ORD_SUFFIX}\s*четверт(?:ь|и|ью)(?:\s+(?:{_ACAD_YEARS})?{_ACAD})?"
)
_RX_ACAD_HALF = re.compile(rf"{_B}(?P<n>{_ORD}){_ORD_SUFFIX}\s*полугоди\w*\s+(?:{_ACAD_YEARS})?{_ACAD}")
_RX_ACAD_EDGE = re.compile(
    rf"(?P<edge>начал\w*|конец|конц\w*|окончани\w*)\s+(?:{_ACAD_YEARS})?{_ACAD}"
)
_RX_YEAR_EDGE = re.compile(
    rf"(?P<edge>начал\w*|конец|конц\w*|окончани\w*)\s+(?:(?P<y>\d{{4}})\s*)?{_YEAR_WORD}"
)
_RX_ACAD_YEAR = re.compile(rf"(?:{_ACAD_YEARS})?{_ACAD}")
_RX_NUM_DATE = re.compile(
    rf"(?<![\d.])(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})(?:\.(?P<y>\d{{4}}|\d{{2}}))?(?![\d])(?:\s*г\.?{_E})?"
)
_RX_DAY_MONTH = re.compile(
    rf"{_B}(?P<d1>\d{{1,2}})(?:\s*(?P<sep>-|и|,|по)\s*(?P<d2>\d{{1,2}}))?\s*(?P<month>{_MONTH}){_YEAR_AFTER}?"
)
_RX_MONTH = re.compile(rf"{_B}(?P<month>{_MONTH}){_YEAR_AFTER}?")
_RX_QUARTER = re.compile(
    rf"{_B}(?P<q1>{_ORD}){_ORD_SUFFIX}(?:\s*(?:-|и|,)\s*(?P<q2>{_ORD}){_ORD_SUFFIX})?\s*"
    rf"(?:квартал\w*|кв\.?{_E}){_YEAR_AFTER}?"
)
_RX_HALF = re.compile(rf"{_B}(?P<h>{_ORD}){_ORD_SUFFIX}\s*полугоди\w*{_YEAR_AFTER}?")
_RX_YEAR_RANGE = re.compile(
    rf"(?<![\d.])(?P<y1>\d{{4}})\s*[-/]\s*(?P<y2>\d{{4}}|\d{{2}})(?![\d])(?:\s*{_YEAR_WORD})?"
)
_RX_YEAR = re.compile(rf"(?<![\d.])(?P<y>\d{{4}})(?![\d])(?:\s*{_YEAR_WORD})?")
_RX_THIS_YEAR = re.compile(
    r"в\s+течение\s+(?:всего\s+|текущего\s+|календарного\s+)*года|в\s+текущем\s+году"
)
_RX_ROLE = re.compile(
    r"(?:^|\s)(?P<role>в\s+срок\s+до|срок\s+до|не\s+позднее|не\s+позже|до|к|по|начиная\s+с|с|со|после)\s*$"
)


# --------------------------------------------------------------------------
# Public data classes
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Recurrence:
    """How often a measure repeats."""

    kind: str  # "daily" | "weekly" | "monthly" | "quarterly" | "per_term" | "yearly" | "nth_weekday"
    weekday: int | None = None  # 0=Monday … 6=Sunday
    nths: tuple[int, ...] = ()  # (2, 4) for «2 и 4 среда»; -1 = last
    times: int | None = None  # «2 раза в месяц» → 2; None = once per interval

    def to_dict(self) -> dict:
        out: dict = {"kind": self.kind}
        if self.weekday is not None:
            out["weekday"] = self.weekday
        if self.nths:
            out["nths"] = list(self.nths)
        if self.times is not None:
            out["times"] = self.times
        return out


@dataclass(frozen=True)
class Period:
    """A parsed deadline; ``text`` is the original text, unchanged."""

    text: str
    start: date | None
    end: date | None
    recurrence: Recurrence | None
    understood: bool
    open_ended: bool = False

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "recurrence": self.recurrence.to_dict() if self.recurrence else None,
            "understood": self.understood,
        }


# --------------------------------------------------------------------------
# Internal helpers
# --------------------------------------------------------------------------


@dataclass
class _Item:
    """One dated fragment of the text.

    ``year`` is the anchor year written in the text (None → inferred later);
    ``month`` orders items for year inference; ``build(year)`` returns the
    (start, end) span for a given anchor year.
    """

    pos: int
    month: int
    year: int | None
    build: Callable[[int], tuple[date, date]]
    role: str = ""  # "" | "start" | "end" | "after"


def _normalise(text: str) -> str:
    s = text.lower().replace("ё", "е").replace("і", "i")  # Ukrainian «І» typed for Roman I
    s = re.sub(r"[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]", "-", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s.rstrip(" .,;:")


def _month_end(y: int, m: int) -> date:
    nxt = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return nxt - timedelta(days=1)


def _months_span(y1: int, m1: int, y2: int, m2: int) -> tuple[date, date]:
    return date(y1, m1, 1), _month_end(y2, m2)


def _month_number(word: str) -> int | None:
    word = word.strip()
    for n, rx in _MONTH_RES.items():
        if rx.match(word):
            return n
    return None


def _ordinal(word: str) -> int | None:
    word = word.strip().rstrip(".")
    if word.isdigit():
        return int(word)
    if word in _ROMAN:
        return _ROMAN[word]
    word = word.replace("ё", "е")
    for stem, n in _ORDINAL_STEMS:
        if word.startswith(stem):
            return n
    return None


def _count(word: str | None) -> int:
    if not word:
        return 1
    return int(word) if word.isdigit() else _COUNT_WORDS.get(word, 1)


def _year4(raw: str | None) -> int | None:
    if not raw:
        return None
    y = int(raw)
    return 2000 + y if y < 100 else y


def _second_year(first: int, raw: str) -> int:
    """«2022-23» → 2023; «2022-2023» → 2023."""
    if len(raw) == 2:
        return first // 100 * 100 + int(raw)
    return int(raw)


def _weekday_index(word: str) -> int | None:
    for i, rx in enumerate(_WEEKDAY_RES):
        if rx.fullmatch(word):
            return i
    return None


class _Scanner:
    """Holds the normalised text and masks the parts already understood."""

    def __init__(self, text: str) -> None:
        self.text = text

    def find(self, rx: re.Pattern[str]):
        """Yield matches of ``rx`` one at a time, masking each before the next search."""
        pos = 0
        while True:
            m = rx.search(self.text, pos)
            if not m or m.end() == m.start():
                return
            self.mask(m)
            pos = m.end()
            yield m

    def mask(self, m: re.Match[str]) -> None:
        self.text = self.text[: m.start()] + " " * (m.end() - m.start()) + self.text[m.end():]

    def role_before(self, pos: int) -> str:
        m = _RX_ROLE.search(self.text[:pos])
        if not m:
            return ""
        word = m.group("role")
        if word in ("с", "со") or word.startswith("начиная"):
            return "start"
        if word == "после":
            return "after"
        return "end"


# --------------------------------------------------------------------------
# Recurrence detection
# --------------------------------------------------------------------------

_UNIT_KIND = (
    ("день", "daily"), ("сутк", "daily"), ("недел", "weekly"), ("месяц", "monthly"),
    ("квартал", "quarterly"), ("четверт", "per_term"), ("триместр", "per_term"),
    ("полугоди", "halfyear"), ("полгода", "halfyear"), ("учебн", "yearly"), ("год", "yearly"),
)
_ADVERB_KIND = {"ежедневн": "daily", "еженедельн": "weekly", "ежемесячн": "monthly",
                "ежеквартальн": "quarterly", "ежегодн": "yearly"}


def _unit_recurrence(unit: str, times: int = 1) -> Recurrence:
    kind = next(k for stem, k in _UNIT_KIND if unit.startswith(stem))
    if kind == "halfyear":  # twice a year
        kind, times = "yearly", times * 2
    return Recurrence(kind, times=times if times > 1 else None)


def _find_recurrence(sc: _Scanner, items: list[_Item]) -> Recurrence | None:
    """Detect the recurrence (most specific pattern wins) and mask it.

    «по итогам учебного года» also adds a dated item to ``items``.
    """
    found: list[tuple[int, int, Recurrence]] = []  # (priority, position, recurrence)
    for m in sc.find(_RX_NTH_WEEKDAY):
        nths = tuple(n for w in re.findall(_ORD, m.group("nths")) if (n := _ordinal(w)) is not None)
        weekday = _weekday_index(m.group("wd"))
        found.append((0, m.start(), Recurrence("nth_weekday", weekday=weekday, nths=nths)))
    for m in sc.find(_RX_WEEKLY_DAY):
        weekday = _weekday_index(m.group("wd") or m.group("wd2"))
        found.append((1, m.start(), Recurrence("weekly", weekday=weekday)))
    for m in sc.find(_RX_DAY_OF_MONTH):
        # «до 10 числа» implies monthly only when nothing says otherwise
        # («ежеквартально до 10 числа» stays quarterly).
        found.append((3, m.start(), Recurrence("monthly")))
    for m in sc.find(_RX_RESULTS):
        unit = m.group("unit")
        if unit.startswith("учебн"):
            # «по итогам учебного года»: yearly, dated at the end of the school year.
            items.append(_Item(m.start(), 9, None, _school_end_span))
            found.append((2, m.start(), Recurrence("yearly")))
        else:
            found.append((2, m.start(), _unit_recurrence(unit)))
    for m in sc.find(_RX_TIMES):
        unit = m.group("unit") or m.group("unit2")
        found.append((2, m.start(), _unit_recurrence(unit, _count(m.group("n") or m.group("adv")))))
    for m in sc.find(_RX_EVERY):
        found.append((2, m.start(), _unit_recurrence(m.group("unit"))))
    for m in sc.find(_RX_ADVERB):
        kind = next(k for stem, k in _ADVERB_KIND.items() if m.group().startswith(stem))
        found.append((2, m.start(), Recurrence(kind)))
    if not found:
        return None
    # Most specific first (nth weekday, weekday), then the leftmost cadence.
    found.sort(key=lambda t: (t[0], t[1]))
    return found[0][2]


# --------------------------------------------------------------------------
# Dated items
# --------------------------------------------------------------------------


def _school_year_span(y: int) -> tuple[date, date]:
    return date(y, *_SCHOOL_START), date(y + 1, *_SCHOOL_END)


def _school_end_span(y: int) -> tuple[date, date]:
    return _months_span(y + 1, _SCHOOL_END[0], y + 1, _SCHOOL_END[0])


def _acad_anchor(m: re.Match[str]) -> int | None:
    return int(m.group("a1")) if m.group("a1") else None


def _term_item(m: re.Match[str]) -> _Item | None:
    n = _ordinal(m.group("n"))
    if n not in _TERMS:
        return None
    m1, o1, m2, o2 = _TERMS[n]
    return _Item(m.start(), 9, _acad_anchor(m), lambda y: _months_span(y + o1, m1, y + o2, m2))


def _acad_half_item(m: re.Match[str]) -> _Item | None:
    n = _ordinal(m.group("n"))
    if n == 1:
        return _Item(m.start(), 9, _acad_anchor(m), lambda y: _months_span(y, 9, y, 12))
    if n == 2:
        return _Item(m.start(), 9, _acad_anchor(m), lambda y: _months_span(y + 1, 1, y + 1, _SCHOOL_END[0]))
    return None


def _acad_edge_item(m: re.Match[str]) -> _Item:
    if m.group("edge").startswith("начал"):
        build = lambda y: _months_span(y, 9, y, 9)  # noqa: E731
    else:
        build = _school_end_span
    return _Item(m.start(), 9, _acad_anchor(m), build)


def _year_edge_item(m: re.Match[str]) -> _Item:
    month = 1 if m.group("edge").startswith("начал") else 12
    return _Item(m.start(), month, _year4(m.group("y")), lambda y: _months_span(y, month, y, month))


def _num_date_item(m: re.Match[str]) -> _Item | None:
    d, mo = int(m.group("d")), int(m.group("m"))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None

    def build(y: int) -> tuple[date, date]:
        day = date(y, mo, d)
        return day, day

    return _Item(m.start(), mo, _year4(m.group("y")), build)


def _written_year(m: re.Match[str]) -> int | None:
    return _year4(m.group("y") or m.group("y2"))


def _day_month_item(m: re.Match[str]) -> _Item | None:
    mo = _month_number(m.group("month"))
    d1 = int(m.group("d1"))
    d2 = int(m.group("d2")) if m.group("d2") else d1
    if mo is None or not (1 <= d1 <= 31 and 1 <= d2 <= 31):
        return None
    return _Item(m.start(), mo, _written_year(m), lambda y: (date(y, mo, d1), date(y, mo, d2)))


def _month_item(m: re.Match[str]) -> _Item | None:
    mo = _month_number(m.group("month"))
    if mo is None:
        return None
    return _Item(m.start(), mo, _written_year(m), lambda y: _months_span(y, mo, y, mo))


def _quarter_item(m: re.Match[str]) -> _Item | None:
    q1 = _ordinal(m.group("q1"))
    q2 = _ordinal(m.group("q2")) if m.group("q2") else q1
    if q1 not in (1, 2, 3, 4) or q2 not in (1, 2, 3, 4):
        return None
    q1, q2 = min(q1, q2), max(q1, q2)
    return _Item(m.start(), 3 * q1 - 2, _written_year(m), lambda y: _months_span(y, 3 * q1 - 2, y, 3 * q2))


def _half_item(m: re.Match[str]) -> _Item | None:
    h = _ordinal(m.group("h"))
    if h not in (1, 2):
        return None
    first = 1 if h == 1 else 7
    return _Item(m.start(), first, _written_year(m), lambda y: _months_span(y, first, y, first + 5))


def _year_range_item(m: re.Match[str]) -> _Item:
    y1 = int(m.group("y1"))
    span = _second_year(y1, m.group("y2")) - y1
    return _Item(m.start(), 1, y1, lambda y: (date(y, 1, 1), date(y + span, 12, 31)))


def _year_item(m: re.Match[str]) -> _Item | None:
    y = int(m.group("y"))
    if not 1990 <= y <= 2100:
        return None
    return _Item(m.start(), 1, y, lambda yy: (date(yy, 1, 1), date(yy, 12, 31)))


# (regex, factory) in the order they are tried.
_ITEM_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], _Item | None]], ...] = (
    (_RX_TERM, _term_item),
    (_RX_ACAD_HALF, _acad_half_item),
    (_RX_ACAD_EDGE, _acad_edge_item),
    (_RX_YEAR_EDGE, _year_edge_item),
    (_RX_ACAD_YEAR, lambda m: _Item(m.start(), 9, _acad_anchor(m), _school_year_span)),
    (_RX_NUM_DATE, _num_date_item),
    (_RX_DAY_MONTH, _day_month_item),
    (_RX_QUARTER, _quarter_item),
    (_RX_HALF, _half_item),
    (_RX_MONTH, _month_item),
    (_RX_YEAR_RANGE, _year_range_item),
    (_RX_YEAR, _year_item),
    (_RX_THIS_YEAR, lambda m: _Item(m.start(), 1, None, lambda y: (date(y, 1, 1), date(y, 12, 31)))),
)


def _find_items(sc: _Scanner, items: list[_Item]) -> None:
    for rx, factory in _ITEM_PATTERNS:
        for m in sc.find(rx):
            item = factory(m)
            if item is None:
                continue
            # «с 1 по 10 сентября» is a range in itself: the «с» does not make it start-only.
            inner_range = "sep" in rx.groupindex and m.group("sep") == "по"
            if not inner_range:
                item.role = sc.role_before(m.start())
            items.append(item)
    items.sort(key=lambda it: it.pos)


def _resolve_years(items: list[_Item], year: int | None) -> list[int | None]:
    years = [it.year for it in items]
    if any(y is not None for y in years):
        # Right to left: borrow the year of the next item («февраль – март 2023»).
        for i in range(len(items) - 2, -1, -1):
            if years[i] is None and years[i + 1] is not None:
                years[i] = years[i + 1] - (1 if items[i].month > items[i + 1].month else 0)
    elif year is not None and items:
        years[0] = year
    # Left to right: borrow the previous item's year, wrapping at the new year.
    for i in range(1, len(items)):
        if years[i] is None and years[i - 1] is not None:
            years[i] = years[i - 1] + (1 if items[i].month < items[i - 1].month else 0)
    return years


def _combine(items: list[_Item], year: int | None) -> tuple[date | None, date | None, bool]:
    """Return (start, end, any_item_built)."""
    starts: list[date] = []
    ends: list[date] = []
    built = False
    for item, y in zip(items, _resolve_years(items, year)):
        if y is None:
            continue
        try:
            s, e = item.build(y)
        except ValueError:  # e.g. 31.02
            continue
        built = True
        if item.role == "end":
            ends.append(e)
        elif item.role == "start":
            starts.append(s)
        elif item.role == "after":
            starts.append(e + timedelta(days=1))
        else:
            starts.append(s)
            ends.append(e)
    return (min(starts) if starts else None, max(ends) if ends else None, built)


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def parse_period(text: str | None, year: int | None = None) -> Period:
    """Parse a roadmap deadline text.

    ``year`` is the roadmap's year (for a school-year roadmap, the year the
    school year starts).  It is used only for fragments without a year.
    """
    if text is None or not text.strip():
        text = text or ""
        return Period(text=text, start=None, end=None, recurrence=None, understood=False)

    # Deadlines are short; a runaway cell (a whole paragraph) is parsed by its head only.
    sc = _Scanner(_normalise(text)[:_MAX_CHARS])
    is_open = any(True for _ in sc.find(_RX_OPEN))
    ongoing = any(True for _ in sc.find(_RX_ONGOING))
    items: list[_Item] = []
    recurrence = _find_recurrence(sc, items)
    _find_items(sc, items)
    start, end, built = _combine(items, year)
    if ongoing:
        end = None
    dated = start is not None or end is not None
    understood = built or recurrence is not None or is_open
    return Period(
        text=text,
        start=start,
        end=end,
        recurrence=recurrence,
        understood=understood,
        open_ended=is_open and not dated,
    )


_WEEKDAY_ACC = (  # accusative form and grammatical gender (m/f/n)
    ("понедельник", "m"), ("вторник", "m"), ("среду", "f"), ("четверг", "m"),
    ("пятницу", "f"), ("субботу", "f"), ("воскресенье", "n"),
)
_EVERY = {"m": "каждый", "f": "каждую", "n": "каждое"}
_ORD_END = {"m": "й", "f": "ю", "n": "е"}
_LAST = {"m": "последний", "f": "последнюю", "n": "последнее"}
_WEEKDAY_DAT_PL = (
    "понедельникам", "вторникам", "средам", "четвергам", "пятницам", "субботам", "воскресеньям",
)
_KIND_TEXT = {"daily": ("ежедневно", "в день"), "weekly": ("еженедельно", "в неделю"),
              "monthly": ("ежемесячно", "в месяц"), "quarterly": ("ежеквартально", "в квартал"),
              "per_term": ("раз в четверть", "в четверть"), "yearly": ("ежегодно", "в год")}


def _times_word(n: int) -> str:
    return "раза" if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else "раз"


def _describe_recurrence(rec: Recurrence) -> str:
    if rec.kind == "nth_weekday" and rec.weekday is not None:
        word, gender = _WEEKDAY_ACC[rec.weekday]
        parts = [_LAST[gender] if n == -1 else f"{n}-{_ORD_END[gender]}" for n in rec.nths]
        nths = " и ".join(parts)
        return f"{_EVERY[gender]} {nths} {word} месяца".replace("  ", " ")
    once, per = _KIND_TEXT.get(rec.kind, (rec.kind, ""))
    text = f"{rec.times} {_times_word(rec.times)} {per}" if rec.times else once
    if rec.kind == "weekly" and rec.weekday is not None:
        text += f" по {_WEEKDAY_DAT_PL[rec.weekday]}"
    return text


def describe_recurrence(data: dict) -> str:
    """A stored recurrence (``Recurrence.to_dict()``) in words: «ежеквартально»."""
    return _describe_recurrence(Recurrence(
        kind=str(data["kind"]), weekday=data.get("weekday"),
        nths=tuple(data.get("nths") or ()), times=data.get("times")))


def describe(period: Period) -> str:
    """A short Russian description for preview tables."""
    if not period.understood:
        return "не распознано"
    fmt = "%d.%m.%Y"
    parts: list[str] = []
    if period.recurrence:
        parts.append(_describe_recurrence(period.recurrence))
    s, e = period.start, period.end
    if s and e:
        parts.append(s.strftime(fmt) if s == e else f"{s.strftime(fmt)} – {e.strftime(fmt)}")
    elif e:
        parts.append(f"до {e.strftime(fmt)}")
    elif s:
        parts.append(f"с {s.strftime(fmt)}")
    if not parts:
        return "без срока"
    return ", ".join(parts)
