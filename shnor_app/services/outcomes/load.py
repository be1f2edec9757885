"""The facts of a territory read from the database, each kind in one aggregated query.

``load(org_ids_stmt)`` takes a sub-select of the schools' ids (``Territory.school_ids()``) and
returns :class:`.compute.Facts`: the number of queries does not depend on the number of
schools (about fifteen, every one grouped or filtered by the schools' ids).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import case, extract, func, select

from ...extensions import db
from ...models import (
    AssessmentResult, DevelopmentPlan, Enrollment, EnrollmentStatus, ItemStatus, JointEvent,
    Meeting, MeetingStatus, MentoringPair, Municipality, Organization, Partnership,
    Recommendation, RecommendationStatus, RiskFactor, RiskLevel, RoadmapItem, SchoolRisk,
    SchoolStatus, SchoolStatusRecord, StaffMember, Visit,
)
from ..monitoring.dashboards import counted_results, weighted_share_2
from .compute import Facts


def _year(col):
    return extract("year", col)


def _count_by_year(facts: Facts, kind: str, rows) -> None:
    out = facts.measures.setdefault(kind, {})
    for org_id, year, n in rows:
        if org_id is None or year is None:
            continue
        out.setdefault(org_id, {})[int(year)] = out.get(org_id, {}).get(int(year), 0) + int(n)


def _periods(facts: Facts, kind: str, rows, last_year: int) -> None:
    out = facts.measures.setdefault(kind, {})
    for org_id, start, end in rows:
        if start is None:
            continue
        for y in range(start.year, (end.year if end else last_year) + 1):
            out.setdefault(org_id, {})[y] = 1


def load(org_ids, cohort: int | None = None, *, today: date | None = None) -> Facts:
    """The facts of the schools ``org_ids``; the teachers trained are counted over the years
    of ``cohort`` (the earliest that can be compared when not given)."""
    today = today or date.today()
    facts = Facts()
    rows = db.session.execute(
        select(Organization.id, Organization.short_name, Organization.municipality_id)
        .where(Organization.id.in_(org_ids))).all()
    facts.schools = {i: name for i, name, _ in rows}
    facts.school_muni = {i: m for i, _, m in rows}
    facts.municipalities = dict(db.session.execute(
        select(Municipality.id, Municipality.name).where(
            Municipality.id.in_({m for m in facts.school_muni.values() if m} or {-1}))).all())

    ar = AssessmentResult
    for org_id, year, value in db.session.execute(
            select(ar.organization_id, ar.year, weighted_share_2())
            .where(ar.organization_id.in_(org_ids), counted_results())
            .group_by(ar.organization_id, ar.year)):
        if value is not None:
            facts.share_2[(org_id, int(year))] = float(value)

    st = SchoolStatusRecord
    for org_id, year in db.session.execute(
            select(st.organization_id, st.year).where(
                st.organization_id.in_(org_ids), st.status == SchoolStatus.LOW_RESULTS,
                st.deleted_at.is_(None))):
        facts.shnor.setdefault(org_id, set()).add(int(year))

    last_year = max([today.year] + [y for _, y in facts.share_2])
    p = Partnership
    _periods(facts, "partnership", db.session.execute(
        select(p.school_id, p.start_date, p.end_date).where(
            p.school_id.in_(org_ids), p.deleted_at.is_(None))), last_year)
    je = JointEvent
    _count_by_year(facts, "joint_events", db.session.execute(
        select(p.school_id, _year(je.event_date), func.count())
        .join(p, p.id == je.partnership_id)
        .where(p.school_id.in_(org_ids), je.deleted_at.is_(None), p.deleted_at.is_(None))
        .group_by(p.school_id, _year(je.event_date))))
    v = Visit
    _count_by_year(facts, "visits", db.session.execute(
        select(v.school_id, _year(v.visit_date), func.count())
        .where(v.school_id.in_(org_ids), v.deleted_at.is_(None))
        .group_by(v.school_id, _year(v.visit_date))))
    mp = MentoringPair
    _periods(facts, "mentoring", db.session.execute(
        select(mp.mentee_org_id, mp.start_date, mp.end_date).where(
            mp.mentee_org_id.in_(org_ids), mp.deleted_at.is_(None))), last_year)
    en = Enrollment
    completed = (en.organization_id.in_(org_ids), en.status == EnrollmentStatus.COMPLETED,
                 en.completed_on.is_not(None), en.deleted_at.is_(None))
    from .compute import cohorts
    years = cohorts(facts)
    if years:  # the teachers trained in the years of the support of the cohort compared
        chosen = cohort if cohort in years else years[0]
        latest = max(y for _, y in facts.share_2)
        facts.trained_span = (chosen, latest)
        facts.trained_in_span = {org_id: int(n) for org_id, n in db.session.execute(
            select(en.organization_id, func.count(func.distinct(en.staff_member_id)))
            .where(*completed, en.completed_on >= date(chosen, 1, 1),
                   en.completed_on <= date(latest, 12, 31))
            .group_by(en.organization_id))}
        # the measure «КПК педагогов»: a teacher of the school completed a course in those years
        facts.measures["courses"] = {org_id: {chosen: n}
                                     for org_id, n in facts.trained_in_span.items() if n}
    sm = StaffMember
    facts.teachers = dict(db.session.execute(
        select(sm.organization_id, func.count()).where(
            sm.organization_id.in_(org_ids), sm.deleted_at.is_(None),
            sm.management.is_(False), sm.left_on.is_(None))
        .group_by(sm.organization_id)).all())
    dp = DevelopmentPlan
    plan_day = func.coalesce(dp.period_start, func.date(dp.created_at))
    _count_by_year(facts, "plans", db.session.execute(
        select(dp.organization_id, _year(plan_day), func.count())
        .where(dp.organization_id.in_(org_ids), dp.deleted_at.is_(None))
        .group_by(dp.organization_id, _year(plan_day))))
    mt = Meeting
    _count_by_year(facts, "interviews", db.session.execute(
        select(mt.organization_id, _year(mt.meeting_date), func.count())
        .where(mt.organization_id.in_(org_ids), mt.status == MeetingStatus.HELD,
               mt.deleted_at.is_(None))
        .group_by(mt.organization_id, _year(mt.meeting_date))))
    rc = Recommendation
    _count_by_year(facts, "recommendations", db.session.execute(
        select(rc.organization_id, _year(rc.reviewed_at), func.count())
        .where(rc.organization_id.in_(org_ids), rc.status == RecommendationStatus.ACCEPTED,
               rc.reviewed_at.is_not(None), rc.deleted_at.is_(None))
        .group_by(rc.organization_id, _year(rc.reviewed_at))))

    sr = SchoolRisk
    risks = db.session.execute(
        select(sr.organization_id, sr.year, sr.risk_factor_id, sr.level, sr.roadmap_id)
        .where(sr.organization_id.in_(org_ids), sr.deleted_at.is_(None))).all()
    _count_by_year(facts, "anti_risk", [(o, y, 1) for o, y, _, _, rm in risks if rm])
    roadmap_ids = {rm for *_, rm in risks if rm}
    items: dict[int, tuple[int, int]] = {}
    if roadmap_ids:
        ri = RoadmapItem
        for rm, done, n in db.session.execute(
                select(ri.roadmap_id,
                       func.sum(case((ri.status == ItemStatus.DONE, 1), else_=0)),
                       func.count())
                .where(ri.roadmap_id.in_(roadmap_ids), ri.deleted_at.is_(None),
                       ri.status != ItemStatus.CANCELLED)
                .group_by(ri.roadmap_id)):
            items[rm] = (int(done or 0), int(n))
    for org_id, year, factor_id, level, rm in risks:
        if level == RiskLevel.HIGH:
            facts.high_risks.setdefault((factor_id, int(year)), set()).add(org_id)
            facts.programmes[(factor_id, int(year), org_id)] = items.get(rm, (0, 0)) \
                if rm else (0, 0)
    facts.factors = [(f.id, f.name) for f in db.session.scalars(
        select(RiskFactor).where(RiskFactor.active.is_(True))
        .order_by(RiskFactor.position, RiskFactor.id))]
    return facts

