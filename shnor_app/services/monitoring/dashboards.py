"""Figures for the dashboards: the start page of methodists and region users, the school card.

Every function aggregates in SQL (GROUP BY) over the user's scope, so the number of queries does
not grow with the number of schools (a test counts them).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select

from ...extensions import db
from ...models import (
    AssessmentResult, ItemStatus, OrgKind, Organization, Procedure, Roadmap, RoadmapItem,
    SchoolStatus, SchoolStatusRecord, User,
)
from ..charts import Series, line_chart


def school_ids(user: User):
    """A subquery: ids of the schools the user sees."""
    from ... import policy

    return policy.scope_query(user, Organization, select(Organization.id)) \
        .where(Organization.kind == OrgKind.SCHOOL)


def status_counts(user: User, years: list[int], org_ids_stmt=None
                  ) -> dict[int, dict[SchoolStatus, int]]:
    """Schools per status and year: of the schools the user sees, or of ``org_ids_stmt`` (a
    select of ids — a territory's schools)."""
    scope = school_ids(user) if org_ids_stmt is None else org_ids_stmt
    rows = db.session.execute(
        select(SchoolStatusRecord.year, SchoolStatusRecord.status, func.count())
        .where(SchoolStatusRecord.organization_id.in_(scope),
               SchoolStatusRecord.year.in_(years), SchoolStatusRecord.deleted_at.is_(None))
        .group_by(SchoolStatusRecord.year, SchoolStatusRecord.status)).all()
    out = {y: {s: 0 for s in SchoolStatus} for y in years}
    for year, status, n in rows:
        out[year][status] = n
    return out


@dataclass
class Execution:
    total: int
    done: int
    in_progress: int
    overdue: int
    cancelled: int

    @property
    def percent_done(self) -> int:
        base = self.total - self.cancelled
        return round(100 * self.done / base) if base else 0


def roadmap_execution(user: User, today: date) -> Execution:
    """Items of the current roadmaps the user sees (those that «действует» in the year of
    ``today``: ``roadmaps.current_clause``): done / in progress / overdue, in one query."""
    from ... import policy
    from ..roadmaps import current_clause

    visible = policy.scope_query(user, Roadmap, select(Roadmap.id)).where(current_clause(today))
    overdue = and_(RoadmapItem.period_end < today,
                   RoadmapItem.status.not_in([ItemStatus.DONE, ItemStatus.CANCELLED]))
    row = db.session.execute(
        select(func.count(),
               func.sum(case((RoadmapItem.status == ItemStatus.DONE, 1), else_=0)),
               func.sum(case((RoadmapItem.status == ItemStatus.IN_PROGRESS, 1), else_=0)),
               func.sum(case((overdue, 1), else_=0)),
               func.sum(case((RoadmapItem.status == ItemStatus.CANCELLED, 1), else_=0)))
        .where(RoadmapItem.roadmap_id.in_(visible), RoadmapItem.deleted_at.is_(None))).one()
    return Execution(*(int(v or 0) for v in row))


def weighted_share_2():
    """Participant-weighted share of «2» over the selected results (SQL aggregate)."""
    weight = func.coalesce(AssessmentResult.participants, 1)
    return func.sum(AssessmentResult.share_2 * weight) / func.sum(weight)


def counted_results():
    """The results that count towards a share of «2»: with a share and participants."""
    return and_(AssessmentResult.share_2.is_not(None),
                func.coalesce(AssessmentResult.participants, 1) > 0)


def share_2_by_procedure(org_ids_stmt, years: int = 5) -> list[Series]:
    """Participant-weighted share of «2» per procedure and year over the given schools."""
    rows = db.session.execute(
        select(AssessmentResult.procedure, AssessmentResult.year, weighted_share_2())
        .where(AssessmentResult.organization_id.in_(org_ids_stmt), counted_results())
        .group_by(AssessmentResult.procedure, AssessmentResult.year)).all()
    last = sorted({y for _, y, _ in rows})[-years:]
    by_proc: dict[Procedure, dict[int, float]] = {}
    for proc, year, value in rows:
        if year in last:
            by_proc.setdefault(proc, {})[year] = round(float(value), 1)
    return [Series(p.label, by_proc[p], f"s{i}") for i, p in enumerate(Procedure)
            if p in by_proc]


def share_2_chart(org_ids_stmt):
    from .identification import THRESHOLD

    series = share_2_by_procedure(org_ids_stmt)
    return line_chart(series, threshold=THRESHOLD) if series else None


def over_threshold_counts(org_ids_stmt, year: int) -> dict:
    """Schools with results in ``year`` and how many of them the federal rule puts on the list
    — decided by :func:`services.assessments.flagged_school_ids`, with the rule's own key
    («процедура + предмет + класс», the subject's case and spaces ignored) and threshold, so
    the dashboard and the identification page never disagree."""
    from .assessments import flagged_school_ids

    schools = db.session.scalar(
        select(func.count(func.distinct(AssessmentResult.organization_id)))
        .where(AssessmentResult.organization_id.in_(org_ids_stmt), AssessmentResult.year == year))
    return {"schools": int(schools or 0), "flagged": len(flagged_school_ids(org_ids_stmt, year))}


def latest_year(org_ids_stmt) -> int | None:
    return db.session.scalar(select(func.max(AssessmentResult.year)).where(
        AssessmentResult.organization_id.in_(org_ids_stmt)))


# --------------------------------------------------------------------------- school card


@dataclass
class SubjectLine:
    procedure: Procedure
    subject: str
    grade: int
    by_year: dict[int, AssessmentResult]

    def value(self, year):
        r = self.by_year.get(year)
        return r.share_2 if r is not None else None

    def change(self, year) -> float | None:
        """Change of the share of «2» against the previous year with a result (negative is good)."""
        now = self.value(year)
        earlier = [y for y in self.by_year if y < year and self.by_year[y].share_2 is not None]
        if now is None or not earlier:
            return None
        return round(now - self.by_year[max(earlier)].share_2, 1)


def school_figures(org_id: int, years: int = 5) -> dict:
    """The school's results by procedure/subject/grade over the last years, and its chart."""
    results = db.session.scalars(select(AssessmentResult).where(
        AssessmentResult.organization_id == org_id)).all()
    all_years = sorted({r.year for r in results})[-years:]
    lines: dict[tuple, SubjectLine] = {}
    for r in results:
        if r.year not in all_years:
            continue
        key = (r.procedure, r.subject.lower(), r.grade)
        line = lines.setdefault(key, SubjectLine(r.procedure, r.subject, r.grade, {}))
        line.by_year[r.year] = r
    ordered = sorted(lines.values(), key=lambda x: (list(Procedure).index(x.procedure), x.grade,
                                                    x.subject.lower()))
    chart = share_2_chart(select(Organization.id).where(Organization.id == org_id)) \
        if results else None
    return {"years": all_years, "lines": ordered, "chart": chart}
