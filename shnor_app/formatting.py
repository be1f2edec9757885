"""Russian formatting used by pages, documents and exports: plurals and dates."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Moscow")

MONTHS_GENITIVE = [
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
    "октября", "ноября", "декабря",
]


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural: plural(1, 'школа', 'школы', 'школ') → 'школа'; 2 → 'школы'; 5 → 'школ'."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def count_words(n: int, one: str, few: str, many: str) -> str:
    return f"{n} {plural(n, one, few, many)}"


def to_local(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LOCAL_TZ)


def fmt_date(value) -> str:
    """27.02.2023 — the form used in tables."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d.%m.%Y")


def fmt_datetime(value) -> str:
    if not value:
        return ""
    return to_local(value).strftime("%d.%m.%Y %H:%M")


def fmt_date_long(value) -> str:
    """«27 февраля 2023 г.» — the form used in documents."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year} г."


def today() -> date:
    return datetime.now(LOCAL_TZ).date()


def fmt_order(kind, number: str | None, day) -> str:
    """An approving document as people write it: «Приказ № 192 от 27.02.2023»."""
    parts = []
    if kind:
        parts.append(getattr(kind, "label", str(kind)))
    if number:
        parts.append(f"№ {number}")
    if day:
        parts.append(f"от {fmt_date(day)}")
    return " ".join(parts)


def parse_date(value) -> date | None:
    """A date as a date input sends it («2023-02-27») or as people type it («27.02.2023»,
    «7.2.2023»); None for anything else (an empty value, a date that does not exist)."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
