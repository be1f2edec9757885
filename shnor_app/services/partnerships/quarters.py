"""Quarters for quarterly indicators: calendar quarters or the school «четверти».

Two modes:

* ``calendar`` — I кв. = январь–март, II = апрель–июнь, III = июль–сентябрь, IV = октябрь–декабрь;
* ``academic`` — the four «четверти» of an academic year (1 September – 31 August), with the
  dates configured per region and academic year (:class:`~shnor_app.models.SchoolTerm`) or, when
  a year is not configured, the usual dates (:data:`DEFAULT_TERM_STARTS`).

For counting, an academic quarter runs from its own start to the day before the next
«четверть» starts: the holidays belong to the «четверть» they follow, the summer to the fourth,
so every day of the year falls in exactly one quarter and nothing logged in the holidays is
lost. The first «четверть» always starts on 1 September for counting and the fourth ends on
31 August. ``Quarter.study_start`` / ``study_end`` keep the configured dates of study.

Everything here is a pure function of plain values (``settings`` is a mapping
``academic_year → [(start, end)] * 4``), so the visits module and dashboards reuse it and it is
tested at the edges without a database; :func:`load_terms` reads the settings of a region.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterator, Mapping, Sequence
from ..errors import ServiceError, transactional

CALENDAR = "calendar"
ACADEMIC = "academic"
MODES = {CALENDAR: "Календарный год (кварталы)", ACADEMIC: "Учебный год (четверти)"}

ROMAN = ["I", "II", "III", "IV"]

# (month, day) of the start and end of each «четверть» when a year is not configured; the
# month ≥ 9 belongs to the academic year's first calendar year.
DEFAULT_TERMS = [((9, 1), (10, 26)), ((11, 5), (12, 28)), ((1, 9), (3, 22)), ((3, 31), (5, 26))]

TermSettings = Mapping[int, Sequence[tuple[date, date]]]


class QuarterError(ServiceError):
    """Wrong settings or an unknown quarter key; the message is Russian."""


@dataclass(frozen=True)
class Quarter:
    """A counting period. Unpacks as ``label, start, end = quarter``."""

    mode: str
    year: int       # calendar year, or the first year of the academic year (2025 → 2025/2026)
    number: int     # 1..4
    start: date
    end: date
    study_start: date | None = None
    study_end: date | None = None

    @property
    def label(self) -> str:
        if self.mode == CALENDAR:
            return f"{ROMAN[self.number - 1]} квартал {self.year} г."
        return f"{ROMAN[self.number - 1]} четверть {self.year}/{self.year + 1} уч. г."

    @property
    def short_label(self) -> str:
        if self.mode == CALENDAR:
            return f"{ROMAN[self.number - 1]} кв."
        return f"{ROMAN[self.number - 1]} четв."

    @property
    def key(self) -> str:
        """``2026-q1`` (calendar) or ``2025-t1`` (academic): stable in URLs."""
        return f"{self.year}-{'q' if self.mode == CALENDAR else 't'}{self.number}"

    def __iter__(self) -> Iterator:
        return iter((self.label, self.start, self.end))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def academic_year_of(day: date) -> int:
    """2025 for any day from 01.09.2025 to 31.08.2026."""
    return day.year if day.month >= 9 else day.year - 1


def default_terms(academic_year: int) -> list[tuple[date, date]]:
    out = []
    for (sm, sd), (em, ed) in DEFAULT_TERMS:
        sy = academic_year if sm >= 9 else academic_year + 1
        ey = academic_year if em >= 9 else academic_year + 1
        out.append((date(sy, sm, sd), date(ey, em, ed)))
    return out


def validate_terms(academic_year: int, terms: Sequence[tuple[date, date]]) -> None:
    """Four «четверти» in order, each ending after it starts, inside 01.09–31.08."""
    if len(terms) != 4:
        raise QuarterError("Укажите даты всех четырёх четвертей.")
    first, last = date(academic_year, 9, 1), date(academic_year + 1, 8, 31)
    previous_end = None
    for n, (start, end) in enumerate(terms, start=1):
        if start is None or end is None:
            raise QuarterError(f"Укажите начало и окончание {n}-й четверти.")
        if end < start:
            raise QuarterError(f"{n}-я четверть заканчивается раньше, чем начинается.")
        if start < first or end > last:
            raise QuarterError(f"{n}-я четверть выходит за пределы {academic_year}/"
                               f"{academic_year + 1} учебного года (01.09–31.08).")
        if previous_end is not None and start <= previous_end:
            raise QuarterError(f"{n}-я четверть начинается раньше, чем закончилась "
                               f"{n - 1}-я.")
        previous_end = end


def terms_for(academic_year: int, settings: TermSettings | None) -> list[tuple[date, date]]:
    terms = (settings or {}).get(academic_year)
    return list(terms) if terms else default_terms(academic_year)


def academic_quarters(academic_year: int, settings: TermSettings | None) -> list[Quarter]:
    terms = terms_for(academic_year, settings)
    out = []
    for n, (study_start, study_end) in enumerate(terms, start=1):
        start = date(academic_year, 9, 1) if n == 1 else study_start
        end = terms[n][0] - timedelta(days=1) if n < 4 else date(academic_year + 1, 8, 31)
        out.append(Quarter(ACADEMIC, academic_year, n, start, end, study_start, study_end))
    return out


def calendar_quarter(year: int, number: int) -> Quarter:
    start = date(year, 3 * (number - 1) + 1, 1)
    end = date(year, 12, 31) if number == 4 else date(year, 3 * number + 1, 1) - timedelta(days=1)
    return Quarter(CALENDAR, year, number, start, end)


def quarters_of_year(year: int, mode: str, settings: TermSettings | None = None) -> list[Quarter]:
    """The four quarters of a calendar year, or of the academic year starting in ``year``."""
    if mode == ACADEMIC:
        return academic_quarters(year, settings)
    return [calendar_quarter(year, n) for n in range(1, 5)]


def quarter_of(day: date, mode: str = CALENDAR, settings: TermSettings | None = None) -> Quarter:
    """The quarter ``day`` falls in; ``label, start, end = quarter_of(...)``."""
    if mode == ACADEMIC:
        for q in academic_quarters(academic_year_of(day), settings):
            if q.contains(day):
                return q
        raise AssertionError("academic quarters cover the whole year")  # pragma: no cover
    return calendar_quarter(day.year, (day.month - 1) // 3 + 1)


def year_of(day: date, mode: str) -> int:
    """The year whose quarters include ``day``: calendar year or first year of the academic one."""
    return academic_year_of(day) if mode == ACADEMIC else day.year


def year_label(year: int, mode: str) -> str:
    return f"{year}/{year + 1} учебный год" if mode == ACADEMIC else f"{year} год"


def parse_mode(value: str | None) -> str:
    return value if value in MODES else CALENDAR


def load_terms(region_id: int | None) -> dict[int, list[tuple[date, date]]]:
    """The configured «четверти» of a region: {academic_year: [(start, end)] * 4}."""
    if not region_id:
        return {}
    from sqlalchemy import select

    from ...extensions import db
    from ...models import SchoolTerm

    rows = db.session.scalars(select(SchoolTerm).where(SchoolTerm.region_id == region_id)
                              .order_by(SchoolTerm.academic_year, SchoolTerm.number)).all()
    by_year: dict[int, list] = {}
    for t in rows:
        by_year.setdefault(t.academic_year, []).append((t.start_date, t.end_date))
    return {y: terms for y, terms in by_year.items() if len(terms) == 4}


@transactional
def save_terms(region_id: int, academic_year: int, terms: Sequence[tuple[date, date]]) -> None:
    """Validate and store the four «четверти» of a region's academic year (one transaction)."""
    from sqlalchemy import select

    from ...extensions import db
    from ...models import SchoolTerm

    validate_terms(academic_year, terms)
    existing = {t.number: t for t in db.session.scalars(select(SchoolTerm).where(
        SchoolTerm.region_id == region_id, SchoolTerm.academic_year == academic_year))}
    for n, (start, end) in enumerate(terms, start=1):
        term = existing.get(n)
        if term is None:
            term = SchoolTerm(region_id=region_id, academic_year=academic_year, number=n)
            db.session.add(term)
        term.start_date, term.end_date = start, end
    db.session.commit()
