"""A school's own figures for its start page: its roadmap items, recommendations, visits and
partnerships — not its territory's counters.

Every figure says which period it counts and counts only that:

* roadmap items — of the current roadmaps (``roadmaps.current_clause``: «действует» in the
  calendar year) that the school owns or executes: «2026 год»;
* recommendations — those not closed, on today's date: «на 06.12.2026»;
* visits and joint events — of the current school year (1 September – 31 August):
  «2026/27 учебный год»;
* partnerships — those in force on today's date.

Each figure is one aggregate query over the school's records as the user may see them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select

from ..extensions import db
from ..models import (
    ItemExecutor, ItemStatus, NOT_CLOSED_STATUSES, OPEN_STATUSES, Recommendation,
    RecommendationStatus, Roadmap, RoadmapItem, User,
)
from ..models.partnerships import JointEvent, Partnership, PartnershipStatus
from ..models.visits import Visit
from .monitoring.dashboards import Execution
from .roadmaps import current_clause, period_label


def school_year(today: date) -> tuple[date, date, str]:
    """The school year ``today`` is in: its first and last day and «2026/27 учебный год»."""
    first_year = today.year if today.month >= 9 else today.year - 1
    return (date(first_year, 9, 1), date(first_year + 1, 8, 31),
            f"{first_year}/{str(first_year + 1)[-2:]} учебный год")


@dataclass
class OwnFigures:
    today: date
    roadmap_period: str
    execution: Execution
    recs_open: int
    recs_overdue: int
    recs_reported: int
    school_year: str
    visits: int
    events: int
    partnerships: int


def own_figures(user: User, org_id: int, today: date) -> OwnFigures:
    from .. import policy

    # Roadmap items: of the school's own current roadmaps and those it executes.
    executes = select(ItemExecutor.item_id).where(ItemExecutor.organization_id == org_id)
    items = (policy.scope_query(user, RoadmapItem, select(
        func.count(),
        func.count(case((RoadmapItem.status == ItemStatus.DONE, 1))),
        func.count(case((RoadmapItem.status == ItemStatus.IN_PROGRESS, 1))),
        func.count(case((and_(RoadmapItem.period_end < today,
                              RoadmapItem.status.not_in([ItemStatus.DONE,
                                                         ItemStatus.CANCELLED])), 1))),
        func.count(case((RoadmapItem.status == ItemStatus.CANCELLED, 1)))).select_from(RoadmapItem))
        .join(Roadmap, Roadmap.id == RoadmapItem.roadmap_id)
        .where(current_clause(today),
               or_(Roadmap.owner_id == org_id, RoadmapItem.id.in_(executes))))
    execution = Execution(*(int(v or 0) for v in db.session.execute(items).one()))

    recs = db.session.execute(policy.scope_query(user, Recommendation, select(
        func.count(case((Recommendation.status.in_(OPEN_STATUSES), 1))),
        func.count(case((and_(Recommendation.due_date < today,
                              Recommendation.status.in_(NOT_CLOSED_STATUSES)), 1))),
        func.count(case((Recommendation.status == RecommendationStatus.REPORTED, 1))))
        .select_from(Recommendation))
        .where(Recommendation.organization_id == org_id)).one()

    first, last, label = school_year(today)
    visits = db.session.scalar(policy.scope_query(
        user, Visit, select(func.count()).select_from(Visit))
                               .where(Visit.school_id == org_id,
                                      Visit.visit_date.between(first, last)))
    in_force = and_(Partnership.status == PartnershipStatus.ACTIVE,
                    Partnership.start_date <= today,
                    or_(Partnership.end_date.is_(None), Partnership.end_date >= today))
    partnerships = db.session.scalar(policy.scope_query(
        user, Partnership, select(func.count()).select_from(Partnership))
                                     .where(Partnership.school_id == org_id, in_force))
    events = db.session.scalar(
        select(func.count()).select_from(JointEvent)
        .where(JointEvent.deleted_at.is_(None), JointEvent.event_date.between(first, last),
               JointEvent.partnership_id.in_(
                   policy.scope_query(user, Partnership, columns=(Partnership.id,))
                   .where(Partnership.school_id == org_id))))
    return OwnFigures(today, period_label(today), execution, int(recs[0] or 0),
                      int(recs[1] or 0), int(recs[2] or 0), label, int(visits or 0),
                      int(events or 0), int(partnerships or 0))
