"""«Итоги сопровождения»: did the measures help? The results of the schools before and after
the support, for each kind of measure, against the schools without it and against all schools.

:mod:`.load` reads a territory's facts in a fixed number of aggregated queries;
:mod:`.compute` computes every figure from those plain facts (the tests give it facts with
known answers); :func:`xlsx` writes the tables; :mod:`.trajectory` draws one school's results
and measures on one time axis; :mod:`.hub` counts the blocks of the school card.

A comparison is not a proof of cause: the page says so, names the years compared and marks the
groups too small to say anything.
"""
from __future__ import annotations

import threading

from ..exports import append, header, save, sheet, workbook
from ..monitoring.identification import fmt_share
from .compute import (  # noqa: F401
    DOSE_COVERAGE, DOSE_EVENTS, MEASURES, PROGRAMME_DONE, SMALL, Comparison, ExitRow, Facts,
    Group, Outcomes, RiskRow, compute, cohorts,
)
from .load import load  # noqa: F401

TABLES = {
    "measures": "Меры",
    "doses": "Интенсивность",
    "exits": "Выход из списка",
    "exits_muni": "Выход по муниципалитетам",
    "exits_measure": "Выход по мерам",
    "risks": "Риски",
}


_CACHE = None


def outcomes(org_ids, cohort: int | None = None) -> Outcomes:
    """The outcomes of the schools ``org_ids`` (a sub-select of ids) for ``cohort``.

    A region's figures read every school's results and measures (about a second on SQLite for
    900 schools); they are kept for ``OUTCOMES_CACHE_SECONDS`` (120 by default, none in tests)
    per set of schools and cohort, so the page may be that much behind the latest change."""
    global _CACHE
    from flask import current_app

    ttl = current_app.config.get("OUTCOMES_CACHE_SECONDS", 0 if current_app.testing else 120)
    if not ttl:
        return compute(load(org_ids, cohort), cohort)
    from cachetools import TTLCache

    from ...extensions import db

    if _CACHE is None or _CACHE[0] != ttl:
        _CACHE = (ttl, TTLCache(maxsize=32, ttl=ttl), threading.Lock())
    _, cache, lock = _CACHE
    ids = tuple(sorted(db.session.scalars(org_ids)))
    key = (ids, cohort)  # the ids themselves: equal hashes of two scopes never share figures
    with lock:
        found = cache.get(key)
    if found is None:
        found = compute(load(org_ids, cohort), cohort)
        with lock:
            cache[key] = found
    return found


def chart(result: Outcomes):
    """Median changes by measure — with the measure, without it, all schools — as bars."""
    from ..charts import diverging_bars

    if not result.measures:
        return None
    rows = [(row.label, [(css, g.median, f"{name}, школ {g.n}")
                         for g, css, name in zip(row.groups, ("d-with", "d-without", "d-all"),
                                                 ("С мерой", "Без меры", "Все школы"))])
            for row in result.measures]
    return diverging_bars(rows, legend=[("d-with", f"ШНОР {result.cohort} с мерой"),
                                        ("d-without", f"ШНОР {result.cohort} без меры"),
                                        ("d-all", "Все школы")])


def school_rows(org_ids: list[int], result: Outcomes) -> list[dict]:
    """The schools behind a figure with their shares of «2» in the two years compared."""
    facts = result.facts or Facts()
    rows = []
    for i in org_ids:
        base = facts.share_2.get((i, result.baseline))
        latest = facts.share_2.get((i, result.latest))
        rows.append({"id": i, "name": facts.schools.get(i, str(i)),
                     "municipality": facts.municipalities.get(facts.school_muni.get(i), ""),
                     "base": base, "latest": latest,
                     "change": round(latest - base, 1) if base is not None and latest is not None
                     else None,
                     "shnor_years": sorted(facts.shnor.get(i, set()))})
    return rows


def fmt_pp(value: float | None) -> str:
    """A change in percentage points: «−3,5 п. п.», «+1 п. п.», «—»."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    number = f"{abs(value):.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{sign}{number} п. п."


def caution(group: Group) -> str:
    """The plain-language caution for a small group ('' when the group is big enough)."""
    if group.n == 0:
        return "Нет школ с результатами за оба года — сравнивать не с чем."
    if group.small:
        return (f"Школ в группе меньше {SMALL} ({group.n}): по такой группе выводы делать "
                f"нельзя, разница может быть случайной.")
    return ""


def _group_cells(g: Group) -> list:
    return [g.n, g.median, g.q1, g.q3, caution(g)]


_GROUP_HEAD = ["Школ", "Медиана изменения, п. п.", "Q1", "Q3", "Примечание"]


def _exit_cells(row: ExitRow) -> list:
    def n(ids):
        return "нет данных" if ids is None else len(ids)
    return [row.label, len(row.shnor), n(row.left_1), n(row.left_2), len(row.returned)]


_EXIT_HEAD = ["Группа", "ШНОР", "Не ШНОР через год", "Не ШНОР через два года",
              "Вернулись в список"]


def xlsx(result: Outcomes, *, title: str, only: str | None = None) -> bytes:
    """The tables of the page as a workbook (one sheet per table; ``only`` — one of
    :data:`TABLES`); every text a text cell."""
    wb = workbook()
    first = True
    period = (f"ШНОР {result.cohort} года; изменение доли «2» с {result.baseline} по "
              f"{result.latest} год" if result.cohort else "Нет данных для сравнения")

    def new(key, widths):
        nonlocal first
        ws = sheet(wb, TABLES[key], widths, first=first)
        first = False
        append(ws, [title], bold=True)
        append(ws, [period])
        return ws

    if only in (None, "measures"):
        ws = new("measures", (34, 22) + (10, 14, 8, 8, 30) * 3)
        header(ws, ["Мера", "Группа"] + _GROUP_HEAD)
        for row in result.measures:
            for g in row.groups:
                append(ws, [row.label, _label(g)] + _group_cells(g))
    if only in (None, "doses"):
        ws = new("doses", (34, 22, 10, 14, 8, 8, 30))
        header(ws, ["Показатель", "Группа"] + _GROUP_HEAD)
        for row in result.doses:
            for g in row.groups:
                append(ws, [f"{row.label} ({row.note})", g.label] + _group_cells(g))
    for key, rows in (("exits", result.exits), ("exits_muni", result.exits_by_muni),
                      ("exits_measure", result.exits_by_measure)):
        if only in (None, key):
            ws = new(key, (40, 10, 16, 16, 14))
            header(ws, _EXIT_HEAD)
            for row in rows:
                append(ws, _exit_cells(row))
    if only in (None, "risks"):
        ws = new("risks", (50, 22, 10, 14, 8, 8, 30, 16))
        header(ws, ["Фактор риска", "Группа"] + _GROUP_HEAD + ["Выполнено пунктов программ"])
        for r in result.risks:
            done = fmt_share(r.done_share) if r.items else "—"
            for g, name in ((r.high, "высокий риск"), (r.programme_done, "программа выполнена"),
                            (r.programme_not, "программы нет или не выполнена")):
                append(ws, [r.label, name] + _group_cells(g) + [done])
    return save(wb)


def _label(g: Group) -> str:
    return "Все школы" if g.key == "all" else g.label.split(": ", 1)[-1]
