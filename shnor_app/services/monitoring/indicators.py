"""Municipal indicator systems: indicators are data, their figures come from a registry.

A municipality describes its system (the Slavyansky sample, §4) as :class:`Indicator` rows:
code «1.10», name, a *source* — a key of :func:`sources` with its parameters (procedure,
subject, grade for the assessment figures) — and the scoring:

* **bands** over the value, written as people write them: «до 5 — 3; 6–30 — 1; более 30 — 0».
  Each band is an inclusive upper bound (``{"upto": 5, "points": 3}``) and the bands are
  contiguous, so 5.5% falls in «6–30»; an open last band («более 30») has ``upto`` None;
* **dynamics** between the year and the year before: points for a positive change, no change
  and a negative change («положительная динамика (или отсутствует) — 3, отрицательная — 0»).

Scores are computed when asked (never stored), so editing a band recomputes the table.

Every area contributes the figures it knows without this module knowing it (the monitoring
area's own are :data:`OWN_SOURCES`)::

    areas.contribute("courses", indicator_sources={"courses.coverage": IndicatorSource(
        "Доля педагогов, прошедших КПК за 3 года", "%",
        lambda org_ids, year: coverage_by_school(org_ids, year_end(year)))})

``compute(org_ids, year, **params)`` returns ``{org_id: float | None}`` for the schools asked
(a school without data may be missing or None) in a number of queries that does not depend on
the number of schools. ``params`` names the parameters the source takes (shown in the form).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ... import areas
from ...areas import IndicatorSource
from ...extensions import db
from ...models import (
    AssessmentResult, Indicator, IndicatorScoring, ItemStatus, Procedure, Roadmap, RoadmapItem,
    RoadmapLevel, RiskLevel, SchoolRisk, User,
)
from ...formatting import today
from ..errors import ServiceError, transactional
from ..records import live, soft_delete

AUDIT_LABELS = {  # field → its Russian name in the history (the area contributes it)
    "source": "Источник", "params": "Параметры", "scoring": "Способ начисления баллов",
    "bands": "Диапазоны", "dynamics": "Баллы за динамику", "level": "Уровень",
    "risk_factor_id": "Фактор риска",
}
# a school's risk profile names its anti-risk programme; elsewhere roadmap_id is «Дорожная карта»
TABLE_AUDIT_LABELS = {"school_risks": {"roadmap_id": "Антирисковая программа"}}


class IndicatorError(ServiceError):
    """A rule of an indicator was broken; the message is Russian."""


# Every figure an indicator may score, by its key: contributed by the areas.
sources = areas.indicator_sources


def year_end(year: int) -> date:
    """The day a yearly figure is taken on: 31 December, or today for the current year."""
    return min(date(year, 12, 31), today())


# --------------------------------------------------------------------------- assessment figures


def _results(org_ids, year, procedure=None, subject=None, grade=None):
    stmt = select(AssessmentResult).where(AssessmentResult.organization_id.in_(list(org_ids)),
                                          AssessmentResult.year == year)
    if procedure:
        stmt = stmt.where(AssessmentResult.procedure == Procedure[procedure])
    if grade:
        stmt = stmt.where(AssessmentResult.grade == int(grade))
    rows = db.session.scalars(stmt).all()
    if subject:
        key = " ".join(subject.lower().split())
        rows = [r for r in rows if r.subject.lower() == key]
    return rows


def _weighted(rows, attr) -> dict[int, float | None]:
    """Participant-weighted mean of ``attr`` per school (weight 1 where participants unknown)."""
    sums: dict[int, list[float]] = {}
    for r in rows:
        value = getattr(r, attr)
        if value is None or r.participants == 0:
            continue
        w = float(r.participants or 1)
        acc = sums.setdefault(r.organization_id, [0.0, 0.0])
        acc[0] += value * w
        acc[1] += w
    return {org_id: round(s / w, 2) for org_id, (s, w) in sums.items() if w}


def share_2(org_ids, year, **params):
    return _weighted(_results(org_ids, year, **params), "share_2")


def share_5(org_ids, year, **params):
    return _weighted(_results(org_ids, year, **params), "share_5")


def mean_score(org_ids, year, **params):
    return _weighted(_results(org_ids, year, **params), "mean_score")


def ratio_5_2(org_ids, year, **params):
    """Доля «5» / доля «2»; when the share of «2» is 0 it is taken as 1 (the Slavyansky rule)."""
    rows = _results(org_ids, year, **params)
    fives, twos = _weighted(rows, "share_5"), _weighted(rows, "share_2")
    out = {}
    for org_id in set(fives) & set(twos):
        out[org_id] = round(fives[org_id] / (twos[org_id] or 1), 3)
    return out


def procedures_over_threshold(org_ids, year, **params):
    from .identification import is_over_threshold

    out: dict[int, float] = {org_id: 0.0 for org_id in org_ids}
    any_result: set[int] = set()
    for r in _results(org_ids, year, **params):
        any_result.add(r.organization_id)
        if r.participants != 0 and is_over_threshold(r.share_2):
            out[r.organization_id] += 1
    return {k: v for k, v in out.items() if k in any_result}


# --------------------------------------------------------------------------- roadmaps, risks


def _school_roadmap_items(org_ids, year):
    stmt = (select(Roadmap.owner_id, RoadmapItem.status, RoadmapItem.period_end)
            .join(RoadmapItem, RoadmapItem.roadmap_id == Roadmap.id)
            .where(Roadmap.owner_id.in_(list(org_ids)), Roadmap.level == RoadmapLevel.SCHOOL,
                   Roadmap.deleted_at.is_(None), RoadmapItem.deleted_at.is_(None),
                   Roadmap.year == year))
    return db.session.execute(stmt).all()


def roadmap_done_percent(org_ids, year):
    """Share of done items of the school's own roadmaps of the year (cancelled not counted)."""
    acc: dict[int, list[int]] = {}
    for owner_id, status, _end in _school_roadmap_items(org_ids, year):
        if status == ItemStatus.CANCELLED:
            continue
        a = acc.setdefault(owner_id, [0, 0])
        a[1] += 1
        a[0] += status == ItemStatus.DONE
    return {org_id: round(100 * done / total, 1) for org_id, (done, total) in acc.items()
            if total}


def roadmap_overdue_count(org_ids, year):
    day = today()
    out: dict[int, float] = {}
    for owner_id, status, end in _school_roadmap_items(org_ids, year):
        out.setdefault(owner_id, 0.0)
        if end and end < day and not status.closed:
            out[owner_id] += 1
    return out


def high_risks(org_ids, year):
    rows = db.session.execute(
        select(SchoolRisk.organization_id, func.count())
        .where(SchoolRisk.organization_id.in_(list(org_ids)), SchoolRisk.year == year,
               SchoolRisk.level == RiskLevel.HIGH, SchoolRisk.deleted_at.is_(None))
        .group_by(SchoolRisk.organization_id)).all()
    return {org_id: float(n) for org_id, n in rows}


_ASSESSMENT = ("procedure", "subject", "grade")
OWN_SOURCES = {  # the monitoring area contributes these
    "assessment.share_2": IndicatorSource(
        "Доля «2» / не преодолевших минимальный порог", "%", share_2, _ASSESSMENT,
        "Средняя по участникам доля «2» (ВПР) или не преодолевших порог (ОГЭ, ЕГЭ)."),
    "assessment.share_5": IndicatorSource(
        "Доля «5»", "%", share_5, _ASSESSMENT, "Средняя по участникам доля отметок «5»."),
    "assessment.mean_score": IndicatorSource(
        "Средний балл", "балл", mean_score, _ASSESSMENT, "Средний по участникам балл."),
    "assessment.ratio_5_2": IndicatorSource(
        "Отношение доли «5» к доле «2»", "", ratio_5_2, _ASSESSMENT,
        "Доля «5» / доля «2»; если доля «2» равна 0, она принимается за 1."),
    "assessment.procedures_over": IndicatorSource(
        "Число процедур с долей «2» 30% и более", "шт.", procedures_over_threshold, _ASSESSMENT,
        "Процедуры (процедура + предмет + класс) с долей «2» / не преодолевших порог ≥ 30%."),
    "roadmaps.done_percent": IndicatorSource(
        "Исполнение дорожной карты школы", "%", roadmap_done_percent, (),
        "Доля выполненных пунктов школьных дорожных карт года (без отменённых)."),
    "roadmaps.overdue": IndicatorSource(
        "Просроченные пункты дорожной карты школы", "шт.", roadmap_overdue_count, (),
        "Пункты школьных дорожных карт года, срок которых прошёл, а они не выполнены."),
    "risks.high": IndicatorSource(
        "Число факторов риска высокого уровня", "шт.", high_risks, (),
        "Из рискового профиля школы за год."),
}


# --------------------------------------------------------------------------- bands

_NUM = r"(\d+(?:[.,]\d+)?)"
_POINTS = re.compile(r"^(.*?)\s*(?:→|->|=>|—|–|-|:|=)\s*" + _NUM +
                     r"\s*(?:балл\w*|б\.?)?\s*$", re.I)
_RANGE = re.compile(r"^(?:(?:от|свыше|более|выше|с)\s*)?" + _NUM + r"\s*%?\s*(?:-|–|—|до)\s*" + _NUM + r"\s*%?$", re.I)
_UPTO = re.compile(r"^(?:≤|<=|<|до|не более|менее|меньше)\s*" + _NUM +
                   r"\s*%?\s*(?:включительно)?$", re.I)
_ABOVE = re.compile(r"^(?:>|≥|>=|более|выше|свыше|больше|от|не менее)\s*" + _NUM +
                    r"\s*%?\s*(?:и (?:более|выше))?$", re.I)


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def parse_bands(text: str) -> list[dict]:
    """«до 5 — 3; 6–30 — 1; более 30 — 0» → [{"upto": 5, "points": 3}, …, {"upto": None, …}]."""
    parts = [p.strip() for p in re.split(r"[;\n]+", text or "") if p.strip()]
    if not parts:
        raise IndicatorError("Укажите диапазоны, например: «до 5 — 3; 6–30 — 1; более 30 — 0».")
    bands = []
    for part in parts:
        m = _POINTS.match(part)
        if not m or not m.group(1).strip():
            raise IndicatorError(f"«{part}»: не видно баллов — пишите «диапазон — баллы», "
                                 "например «6–30 — 1».")
        cond, points = m.group(1).strip().rstrip("%").strip(), _num(m.group(2))
        if r := _RANGE.match(cond):
            lo, hi = _num(r.group(1)), _num(r.group(2))
            if hi < lo:
                raise IndicatorError(f"«{part}»: начало диапазона больше конца.")
            bands.append({"upto": hi, "points": points})
        elif r := _UPTO.match(cond):
            bands.append({"upto": _num(r.group(1)), "points": points})
        elif r := _ABOVE.match(cond):
            bands.append({"upto": None, "points": points, "above": _num(r.group(1))})
        else:
            raise IndicatorError(f"«{part}»: диапазон не распознан. Примеры: «до 5 — 3», "
                                 "«6–30 — 1», «более 30 — 0».")
    open_bands = [b for b in bands if b["upto"] is None]
    if len(open_bands) > 1:
        raise IndicatorError("Открытый диапазон («более …») может быть только один.")
    closed = sorted((b for b in bands if b["upto"] is not None), key=lambda b: b["upto"])
    if len({b["upto"] for b in closed}) != len(closed):
        raise IndicatorError("Два диапазона заканчиваются одним и тем же значением.")
    if open_bands and closed and open_bands[0]["above"] < closed[-1]["upto"]:
        raise IndicatorError(f"«более {fmt_number(open_bands[0]['above'])}» пересекается "
                             f"с диапазоном до {fmt_number(closed[-1]['upto'])}.")
    return [{"upto": b["upto"], "points": b["points"]} for b in closed] + \
        [{"upto": None, "points": b["points"]} for b in open_bands]


def fmt_number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",")


def format_bands(bands: list[dict]) -> str:
    """The inverse of :func:`parse_bands`: «до 5 — 3; свыше 5 до 30 — 1; более 30 — 0»."""
    parts, prev = [], None
    for b in bands:
        if b["upto"] is None:
            parts.append(f"более {fmt_number(prev) if prev is not None else 0} — "
                         f"{fmt_number(b['points'])}")
        elif prev is None:
            parts.append(f"до {fmt_number(b['upto'])} — {fmt_number(b['points'])}")
        else:
            parts.append(f"свыше {fmt_number(prev)} до {fmt_number(b['upto'])} — "
                         f"{fmt_number(b['points'])}")
        prev = b["upto"] if b["upto"] is not None else prev
    return "; ".join(parts)


def score_bands(bands: list[dict], value: float | None) -> float | None:
    if value is None:
        return None
    for b in bands:
        if b["upto"] is None or value <= b["upto"] + 1e-9:
            return b["points"]
    return None


DYNAMICS_DEFAULT = {"positive": 3, "zero": 3, "negative": 0}


def score_dynamics(dynamics: dict, now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    diff = now - before
    key = "zero" if math.isclose(diff, 0, abs_tol=1e-9) else ("positive" if diff > 0 else
                                                              "negative")
    return (dynamics or DYNAMICS_DEFAULT).get(key, DYNAMICS_DEFAULT[key])


def max_points(ind: Indicator) -> float:
    if ind.scoring == IndicatorScoring.DYNAMICS:
        return max((ind.dynamics or DYNAMICS_DEFAULT).values())
    return max((b["points"] for b in ind.bands or []), default=0)


def describe_scoring(ind: Indicator) -> str:
    if ind.scoring == IndicatorScoring.DYNAMICS:
        d = {**DYNAMICS_DEFAULT, **(ind.dynamics or {})}
        return (f"рост — {fmt_number(d['positive'])}; без изменений — {fmt_number(d['zero'])}; "
                f"снижение — {fmt_number(d['negative'])}")
    return format_bands(ind.bands or [])


def describe_params(params: dict) -> str:
    parts = []
    if params.get("procedure"):
        parts.append(Procedure[params["procedure"]].label)
    if params.get("subject"):
        parts.append(params["subject"])
    if params.get("grade"):
        parts.append(f"{params['grade']} кл.")
    return ", ".join(parts)


# --------------------------------------------------------------------------- writes


def _params_for(source: IndicatorSource, data: dict) -> dict:
    params = {}
    if "procedure" in source.params and data.get("procedure"):
        if data["procedure"] not in Procedure.__members__:
            raise IndicatorError("Неизвестная процедура.")
        params["procedure"] = data["procedure"]
    if "subject" in source.params and (data.get("subject") or "").strip():
        params["subject"] = " ".join(data["subject"].split())
    if "grade" in source.params and data.get("grade"):
        grade = int(data["grade"])
        if not 1 <= grade <= 11:
            raise IndicatorError("Класс — число от 1 до 11.")
        params["grade"] = grade
    return params


@transactional
def save_indicator(ind: Indicator, data: dict, *, is_new: bool = False,
                   by: User | None = None) -> Indicator:
    """Validate and write one indicator; ``data`` holds the form's fields."""
    code = " ".join((data.get("code") or "").split())
    name = " ".join((data.get("name") or "").split())
    if not code or not name:
        raise IndicatorError("Укажите код и наименование показателя.")
    source = sources().get(data.get("source") or "")
    if source is None:
        raise IndicatorError(fields={"source": "Выберите источник значения показателя."})
    scoring = IndicatorScoring.coerce(data.get("scoring") or "BANDS")
    bands = parse_bands(data.get("bands") or "") if scoring == IndicatorScoring.BANDS else []
    dynamics = {}
    if scoring == IndicatorScoring.DYNAMICS:
        for key in ("positive", "zero", "negative"):
            value = data.get(f"dyn_{key}")
            if value is None or value == "":
                raise IndicatorError("Укажите баллы за рост, отсутствие изменений и снижение.")
            dynamics[key] = float(value)
    clash = db.session.scalar(select(Indicator.id).where(
        Indicator.municipality_id == ind.municipality_id, Indicator.code == code,
        Indicator.id != (ind.id or 0), Indicator.deleted_at.is_(None)))
    if clash:
        raise IndicatorError(fields={"code": f"Показатель с кодом «{code}» уже есть."})
    ind.code, ind.name, ind.source = code, name, data["source"]
    ind.params = _params_for(source, data)
    ind.scoring, ind.bands, ind.dynamics = scoring, bands, dynamics
    if is_new:
        ind.position = (db.session.scalar(select(func.max(Indicator.position)).where(
            Indicator.municipality_id == ind.municipality_id)) or 0) + 1
        ind.created_by_id = getattr(by, "id", None)
        db.session.add(ind)
    db.session.commit()
    return ind


delete_indicator = soft_delete


def indicators_of(municipality_id: int) -> list[Indicator]:
    return live(Indicator, Indicator.municipality_id == municipality_id,
                order_by=(Indicator.position, Indicator.id))


# --------------------------------------------------------------------------- the scores table


@dataclass
class Cell:
    value: float | None
    before: float | None
    points: float | None


@dataclass
class ScoreRow:
    org: object
    cells: dict[int, Cell]
    total: float


def _code_key(code: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"[.\s]+", code) if p]


def score_table(indicators: list[Indicator], schools: list, year: int) -> list[ScoreRow]:
    """Every school × every indicator: value (and last year's for dynamics), points, total."""
    org_ids = [s.id for s in schools]
    columns: dict[int, tuple[dict, dict]] = {}
    for ind in indicators:
        source = sources().get(ind.source)
        if source is None or not org_ids:
            columns[ind.id] = ({}, {})
            continue
        params = {k: v for k, v in (ind.params or {}).items() if k in source.params}
        now = source.compute(org_ids, year, **params)
        before = source.compute(org_ids, year - 1, **params) \
            if ind.scoring == IndicatorScoring.DYNAMICS else {}
        columns[ind.id] = (now, before)
    rows = []
    for s in schools:
        cells, total = {}, 0.0
        for ind in indicators:
            now, before = columns[ind.id]
            value, prev = now.get(s.id), before.get(s.id)
            if ind.scoring == IndicatorScoring.DYNAMICS:
                points = score_dynamics(ind.dynamics, value, prev)
            else:
                points = score_bands(ind.bands or [], value)
            cells[ind.id] = Cell(value, prev, points)
            total += points or 0
        rows.append(ScoreRow(s, cells, round(total, 2)))
    return rows


def sort_rows(rows: list[ScoreRow], key: str, descending: bool) -> list[ScoreRow]:
    """By school name, total, or one indicator's points (``key`` = "name", "total" or an id);
    schools without a score go last either way."""
    if key == "name":
        return sorted(rows, key=lambda r: r.org.sort_name, reverse=descending)

    def value(r):
        if key == "total":
            return r.total
        cell = r.cells.get(int(key)) if key.isdigit() else None
        return cell.points if cell else None

    known = [r for r in rows if value(r) is not None]
    unknown = [r for r in rows if value(r) is None]
    known.sort(key=lambda r: (value(r), r.org.sort_name), reverse=descending)
    return known + sorted(unknown, key=lambda r: r.org.sort_name)


def scores_xlsx(indicators: list[Indicator], rows: list[ScoreRow], *, title: str) -> bytes:
    from .. import exports

    wb = exports.workbook()
    ws = exports.sheet(wb, "Баллы", [40], first=True)
    exports.append(ws, [title], bold=True, size=13)
    head = ["Школа"]
    for ind in indicators:
        head += [f"{ind.code} значение", f"{ind.code} баллы"]
    head.append("Итого баллов")
    exports.append(ws, head, bold=True)
    exports.append(ws, ["Показатель"] + [x for ind in indicators
                                          for x in (ind.name, describe_scoring(ind))] + [""],
                   wrap=True)
    for r in rows:
        line = [r.org.short_name]
        for ind in indicators:
            c = r.cells[ind.id]
            line += [c.value, c.points]
        line.append(r.total)
        exports.append(ws, line)
    ws.freeze_panes = "B4"
    return exports.save(wb)

