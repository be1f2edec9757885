"""Where one area's figures feed another area's reports — the cross-area registrations in one
place, so that a reader finds them and no area imports another's internals at import time.

- the partnership map gets a «visits this quarter» column (visits made by the partner to the
  school) and an «open recommendations» column;
- the indicator system of a municipality (monitoring) can score course coverage (2.1, 3.2),
  partnerships, joint events and visits.

Called once by ``register_blueprints`` after every area is imported.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select

from .extensions import db


def _visits_by_pair(pairs, start: date, end: date) -> dict[tuple[int, int], int]:
    from .models import Visit

    pairs = list(pairs)
    if not pairs:
        return {}
    schools, partners = {s for s, _ in pairs}, {p for _, p in pairs}
    rows = db.session.execute(
        select(Visit.school_id, Visit.visiting_org_id, func.count())
        .where(Visit.school_id.in_(schools), Visit.visiting_org_id.in_(partners),
               Visit.deleted_at.is_(None), Visit.visit_date >= start, Visit.visit_date <= end)
        .group_by(Visit.school_id, Visit.visiting_org_id))
    wanted = set(pairs)
    return {(s, p): n for s, p, n in rows if (s, p) in wanted}


def _open_recommendations(school_ids, today: date) -> dict[int, int]:
    from .services.recommendations import open_counts_by_school

    return {sid: c.open for sid, c in open_counts_by_school(school_ids, today).items()}


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _partnerships_in_year(org_ids, year: int) -> dict[int, float]:
    from .models import Partnership, PartnershipStatus

    start, end = _year_range(year)
    ids = list(org_ids)
    rows = db.session.execute(
        select(Partnership.school_id, func.count()).where(
            Partnership.school_id.in_(ids), Partnership.deleted_at.is_(None),
            Partnership.status != PartnershipStatus.SUSPENDED,
            Partnership.start_date <= end,
            or_(Partnership.end_date.is_(None), Partnership.end_date >= start))
        .group_by(Partnership.school_id))
    found = dict(rows.all())
    return {oid: float(found.get(oid, 0)) for oid in ids}


def _events_in_year(org_ids, year: int) -> dict[int, float]:
    from .models import JointEvent, Partnership

    start, end = _year_range(year)
    ids = list(org_ids)
    rows = db.session.execute(
        select(Partnership.school_id, func.count(JointEvent.id))
        .join(JointEvent, and_(JointEvent.partnership_id == Partnership.id,
                               JointEvent.deleted_at.is_(None)))
        .where(Partnership.school_id.in_(ids), Partnership.deleted_at.is_(None),
               JointEvent.event_date >= start, JointEvent.event_date <= end)
        .group_by(Partnership.school_id))
    found = dict(rows.all())
    return {oid: float(found.get(oid, 0)) for oid in ids}


def _visits_in_year(org_ids, year: int) -> dict[int, float]:
    from .services.visits import visit_counts

    ids = list(org_ids)
    found = visit_counts(ids, *_year_range(year))
    return {oid: float(found.get(oid, 0)) for oid in ids}


def _coverage(field: str):
    def compute(org_ids, year: int) -> dict[int, float | None]:
        from .services.courses.coverage import coverage_by_school
        from .services.monitoring.indicators import year_end

        return {oid: getattr(c, field) for oid, c in
                coverage_by_school(org_ids, year_end(year)).items()}
    return compute


def init() -> None:
    from .services import partnerships
    from .services.monitoring.indicators import IndicatorSource, register

    partnerships.register_quarter_counter("visits", "Посещений партнёром за квартал",
                                          _visits_by_pair)
    partnerships.register_school_counter("recommendations", "Открытых рекомендаций",
                                         _open_recommendations)
    register("courses.coverage", IndicatorSource(
        "Доля педагогов, прошедших КПК за 3 года", "%", _coverage("share"), (),
        "Педагоги школы, завершившие курсы повышения квалификации за 3 года до конца года "
        "(показатель 2.1: 100% — 3 балла)."))
    register("courses.coverage_low", IndicatorSource(
        "Доля педагогов, прошедших КПК по работе с низкомотивированными обучающимися", "%",
        _coverage("share_low"), (),
        "Курсы по теме работы со слабоуспевающими и неуспевающими обучающимися за 3 года "
        "(показатель 3.2)."))
    register("partnerships.count", IndicatorSource(
        "Сетевые партнёрства школы в году", "шт.", _partnerships_in_year, (),
        "Действующие и завершённые в году партнёрства, где школа — сопровождаемая сторона."))
    register("partnerships.events", IndicatorSource(
        "Совместные мероприятия с партнёрами за год", "шт.", _events_in_year, (),
        "Мероприятия всех партнёрств школы за календарный год."))
    register("visits.count", IndicatorSource(
        "Методические выезды в школу за год", "шт.", _visits_in_year, (),
        "Посещения школы (выезды, десанты, посещения уроков) за календарный год."))
