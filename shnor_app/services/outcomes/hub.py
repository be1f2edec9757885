"""The school card as the hub: one short block per area — counts and links to the area's list
filtered to the school.

Each block counts through ``policy.scope_query`` (the user counts only the records it may
see) with a fixed number of aggregate queries whatever the number of records, and is offered
only when the area's own menu entry is shown to the user (``areas.menu``): a block never leads
to a page the user may not open. :func:`block` returns ``None`` for a block the user does not
get. Lines are ``(label, value, url or None)``; ``links`` are ``(label, url)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from flask import url_for
from sqlalchemy import case, func, select

from ... import areas, policy
from ...extensions import db
from ...models import (
    AssessmentResult, ItemStatus, JointEvent, Meeting, MeetingStatus, MentoringPair, PairStatus,
    Partnership, PartnershipStatus, Recommendation, RecommendationStatus, RiskLevel, Roadmap,
    RoadmapItem, SchoolRisk, Visit,
)


@dataclass
class Block:
    name: str
    title: str
    lines: list = field(default_factory=list)
    links: list = field(default_factory=list)
    empty: str = ""


def _menu_shown(user, endpoint: str) -> bool:
    entry = next((m for m in areas.menu() if m.endpoint == endpoint), None)
    return entry is not None and bool(entry.visible(user))


def _count(user, model, *where, column=None) -> int:
    stmt = policy.scope_query(user, model, select(func.count()).select_from(model)
                              if column is None else select(column).select_from(model))
    return int(db.session.scalar(stmt.where(*where)) or 0)


def _counts(user, model, *columns, where=()) -> tuple:
    stmt = policy.scope_query(user, model, select(*columns).select_from(model)).where(*where)
    return tuple(int(v or 0) for v in db.session.execute(stmt).one())


def _sum_if(cond):
    return func.sum(case((cond, 1), else_=0))


def roadmaps(user, org, today: date, b: Block) -> None:
    n_maps = _count(user, Roadmap, Roadmap.owner_id == org.id)
    programmes = _count(user, SchoolRisk, SchoolRisk.organization_id == org.id,
                        SchoolRisk.roadmap_id.is_not(None),
                        column=func.count(func.distinct(SchoolRisk.roadmap_id)))
    from ..roadmaps import current_clause, period_label

    items = policy.scope_query(user, Roadmap, select(Roadmap.id)).where(
        Roadmap.owner_id == org.id, current_clause(today))
    total, done, overdue = (int(v or 0) for v in db.session.execute(
        select(func.count(), _sum_if(RoadmapItem.status == ItemStatus.DONE),
               _sum_if((RoadmapItem.period_end < today)
                       & RoadmapItem.status.not_in([ItemStatus.DONE, ItemStatus.CANCELLED])))
        .where(RoadmapItem.roadmap_id.in_(items), RoadmapItem.deleted_at.is_(None))).one())
    url = url_for("roadmaps.index", school=org.id)
    b.lines = [("Дорожных карт школы", n_maps, url),
               ("из них антирисковых программ", programmes, None),
               (f"Мероприятий выполнено ({period_label(today)})", f"{done} из {total}", url),
               ("Просрочено", overdue, url if overdue else None)]
    b.links = [("Дорожные карты школы", url),
               ("Рисковый профиль", url_for("monitoring.risk_profile", org_id=org.id))]


def visits(user, org, today: date, b: Block) -> None:
    n, this_year = _counts(user, Visit, func.count(),
                           _sum_if(Visit.visit_date >= date(today.year, 1, 1)),
                           where=(Visit.school_id == org.id,))
    last = db.session.scalar(policy.scope_query(
        user, Visit, select(func.max(Visit.visit_date)).select_from(Visit))
        .where(Visit.school_id == org.id))
    url = url_for("visits.index", school=org.id)
    b.lines = [("Всего посещений", n, url), (f"В {today.year} году", this_year, None),
               ("Последнее", last.strftime("%d.%m.%Y") if last else "—", None)]
    b.links = [("Посещения школы", url)]


def partnerships(user, org, today: date, b: Block) -> None:
    n, active = _counts(user, Partnership, func.count(),
                        _sum_if(Partnership.status == PartnershipStatus.ACTIVE),
                        where=(Partnership.school_id == org.id,))
    mine = policy.scope_query(user, Partnership, select(Partnership.id)).where(
        Partnership.school_id == org.id)
    events, this_year = (int(v or 0) for v in db.session.execute(
        select(func.count(), _sum_if(JointEvent.event_date >= date(today.year, 1, 1)))
        .where(JointEvent.partnership_id.in_(mine), JointEvent.deleted_at.is_(None))).one())
    url = url_for("partnerships.index", school=org.id)
    b.lines = [("Партнёрств", n, url), ("действуют", active, None),
               ("Совместных мероприятий", events, None), (f"в {today.year} году", this_year, None)]
    b.links = [("Партнёрства школы", url)]


def mentoring(user, org, today: date, b: Block) -> None:
    n, active = _counts(user, MentoringPair, func.count(),
                        _sum_if(MentoringPair.status == PairStatus.ACTIVE),
                        where=(MentoringPair.mentee_org_id == org.id,))
    url = url_for("mentoring.index", school=org.id)
    b.lines = [("Пар наставничества", n, url), ("действуют", active, None)]
    b.links = [("Пары школы", url)]


def interviews(user, org, today: date, b: Block) -> None:
    n, held, protocols = _counts(user, Meeting, func.count(),
                                 _sum_if(Meeting.status == MeetingStatus.HELD),
                                 _sum_if(Meeting.protocol_number.is_not(None)),
                                 where=(Meeting.organization_id == org.id,))
    url = url_for("interviews.meetings", school=org.id)
    b.lines = [("Собеседований и совещаний", n, url), ("проведено", held, None),
               ("Протоколов", protocols, None)]
    b.links = [("Собеседования школы", url)]


def recommendations(user, org, today: date, b: Block) -> None:
    r = Recommendation
    open_, reported, done, overdue = _counts(
        user, r, _sum_if(r.status.in_([RecommendationStatus.OPEN, RecommendationStatus.RETURNED])),
        _sum_if(r.status == RecommendationStatus.REPORTED),
        _sum_if(r.status == RecommendationStatus.ACCEPTED),
        _sum_if((r.due_date < today) & (r.status != RecommendationStatus.ACCEPTED)),
        where=(r.organization_id == org.id,))

    def url(status):
        return url_for("recommendations.index", school=org.id, status=status)
    b.lines = [("К выполнению", open_, url("open")), ("На проверке", reported, url("REPORTED")),
               ("Выполнено", done, url("ACCEPTED")), ("Просрочено", overdue, url("overdue"))]
    b.links = [("Рекомендации школе", url("all"))]


def courses(user, org, today: date, b: Block) -> None:
    from ..courses.coverage import YEARS, coverage_by_school

    c = coverage_by_school([org.id], today).get(org.id)
    untrained_url = url_for("courses.untrained", school=org.id)
    if c is None or not c.teachers:
        b.empty = "Педагоги школы в реестре не указаны."
    else:
        share = "—" if c.share is None else f"{c.share:g}%".replace(".", ",")
        b.lines = [(f"Охват КПК за {YEARS} года", share,
                    url_for("courses.coverage", school=org.id)),
                   ("Педагогов", c.teachers, None),
                   ("Без курса", c.untrained, untrained_url if c.untrained else None)]
    b.links = [("Педагоги без курсов", untrained_url),
               ("Обучение педагогов школы", url_for("courses.enrollments", school=org.id))]


def results(user, org, today: date, b: Block) -> None:
    from ..monitoring.assessments import flagged_school_ids
    from ..monitoring.identification import fmt_share

    ids = select(AssessmentResult.organization_id).where(
        AssessmentResult.organization_id == org.id).limit(1)
    year = db.session.scalar(select(func.max(AssessmentResult.year)).where(
        AssessmentResult.organization_id == org.id))
    url = url_for("monitoring.school", org_id=org.id)
    if year is None:
        b.empty = "Результатов оценочных процедур пока нет."
    else:
        w = func.coalesce(AssessmentResult.participants, 1)
        share = db.session.scalar(select(
            func.sum(AssessmentResult.share_2 * w) / func.sum(
                case((AssessmentResult.share_2.is_not(None), w), else_=None)))
            .where(AssessmentResult.organization_id == org.id, AssessmentResult.year == year))
        flagged = bool(flagged_school_ids(ids, year))
        b.lines = [(f"Доля «2» в {year} году", fmt_share(share), url),
                   ("По правилу ШНОР", "да" if flagged else "нет", None)]
    risk_year = db.session.scalar(select(func.max(SchoolRisk.year)).where(
        SchoolRisk.organization_id == org.id, SchoolRisk.deleted_at.is_(None)))
    if risk_year is not None:
        high = _count(user, SchoolRisk, SchoolRisk.organization_id == org.id,
                      SchoolRisk.year == risk_year, SchoolRisk.level == RiskLevel.HIGH)
        b.lines.append((f"Высоких рисков в {risk_year} году", high,
                        url_for("monitoring.risk_profile", org_id=org.id, year=risk_year)))
    b.links = [("Все результаты", url),
               ("Рисковый профиль", url_for("monitoring.risk_profile", org_id=org.id))]


BLOCKS: dict[str, tuple[str, str, Callable]] = {
    "results": ("Результаты и риски", "monitoring.index", results),
    "roadmaps": ("Дорожные карты и антирисковая программа", "roadmaps.index", roadmaps),
    "visits": ("Посещения", "visits.index", visits),
    "recommendations": ("Рекомендации", "recommendations.index", recommendations),
    "partnerships": ("Сетевое партнёрство", "partnerships.index", partnerships),
    "mentoring": ("Наставничество", "mentoring.index", mentoring),
    "interviews": ("Собеседования и протоколы", "interviews.index", interviews),
    "courses": ("Курсы повышения квалификации", "courses.index", courses),
}


def offered(user) -> list[tuple[str, str]]:
    """(name, title) of the blocks the user gets on a school card (no query)."""
    return [(name, title) for name, (title, endpoint, _) in BLOCKS.items()
            if _menu_shown(user, endpoint)]


def block(user, name: str, org, today: date) -> Block | None:
    found = BLOCKS.get(name)
    if found is None or not _menu_shown(user, found[1]):
        return None
    title, _, fill = found
    b = Block(name, title)
    fill(user, org, today, b)
    return b

