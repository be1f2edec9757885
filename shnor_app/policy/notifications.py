"""Reminders: who receives mail, who answers for a due date, who sees escalations.

Every list here is also cut to the user's scope (``scope_query``): a user is never told — by
mail or by the calendar feed — of a record the user could not open.

Who answers for a due date (:func:`responsible_query`):

- a roadmap item of a roadmap that «действует» (a finished or archived plan reminds nobody) —
  the users of the organisations among its executors (a methodist for the
  municipal authority, a region user for the regional authority and institutes:
  ``responsible_org_ids``); an item without resolved executors, the owner of its roadmap;
- a recommendation — the school it is addressed to (while it is to be done: new or returned);
- an ИОМ activity — the school whose plan it is;
- a mentoring step — the pair's curator, and the mentor's and the mentee's organisations.

Escalations (:func:`escalation_scope`): a recommendation or roadmap item overdue by more than
14 days is shown to the municipality it belongs to (its methodists) and, for the items of a
municipal roadmap, to the region (its region users) — those who act on it; an observer's start
page stays as it was.
"""
from __future__ import annotations

from sqlalchemy import and_, false, or_, select

from ..models import (
    DevelopmentPlan, ItemExecutor, MentoringPair, MentoringStep, OPEN_STATUSES, PairStatus,
    PlanActivity, Recommendation, Roadmap, RoadmapItem, RoadmapLevel, Role,
)
from .registry import responsible_org_ids

ESCALATION_DAYS = 14
_NEVER_MAILED = (Role.ADMIN, Role.VIEWER)


def receives_mail(user) -> bool:
    """Reminders go to the users who do the work: never to the administrator or an observer."""
    return bool(user.active) and user.role not in _NEVER_MAILED and bool(user.email)


def role_receives_mail(user) -> bool:
    """Whether reminders are ever sent to a user of this role (the profile page says so)."""
    return user.role not in _NEVER_MAILED


# Which kinds of reminder (keys of the profile page's list) can ever reach a user of each role:
# due dates go to whoever answers for them (``responsible_query``), an interview and a returned
# report to the school's users, a school's report to those who review it (authorities).
_ALL_WORKERS = (Role.REGION, Role.METHODIST, Role.TUTOR, Role.SCHOOL)
REMINDER_ROLES = {
    "due_roadmap": _ALL_WORKERS,
    "due_recommendation": (Role.SCHOOL,),
    "due_iom": (Role.SCHOOL,),
    "due_mentoring": _ALL_WORKERS,
    "interview": (Role.SCHOOL,),
    "returned": (Role.SCHOOL,),
    "reported": (Role.REGION, Role.METHODIST),
}


def reminder_kinds(user, kinds) -> list[str]:
    """The kinds among ``kinds`` (in their order) that can reach a user of ``user``'s role."""
    return [k for k in kinds if user.role in REMINDER_ROLES.get(k, ())]


def receivers_clause(user_model):
    """SQL of :func:`receives_mail` on the users table."""
    return and_(user_model.active.is_(True), user_model.role.not_in(_NEVER_MAILED),
                user_model.email.is_not(None), user_model.email != "")


def responsible_query(user, model):
    """SELECT of the open ``model`` records with a due date that ``user`` answers for and sees."""
    from . import scope_query

    mine = responsible_org_ids(user) if user.role not in _NEVER_MAILED else set()
    stmt = scope_query(user, model)
    if model is RoadmapItem:
        if not mine:
            return stmt.where(false())
        executes = RoadmapItem.id.in_(select(ItemExecutor.item_id).where(
            ItemExecutor.organization_id.in_(mine)))
        unassigned = and_(
            ~RoadmapItem.id.in_(select(ItemExecutor.item_id)),
            RoadmapItem.roadmap_id.in_(select(Roadmap.id).where(Roadmap.owner_id.in_(mine))))
        from ..models import ItemStatus

        return stmt.where(or_(executes, unassigned), RoadmapItem.period_end.is_not(None),
                          RoadmapItem.roadmap_id.in_(select(Roadmap.id).where(
                              Roadmap.is_current)),
                          RoadmapItem.status.not_in([ItemStatus.DONE, ItemStatus.CANCELLED]))
    if model is Recommendation:
        if not user.organization_id or user.role != Role.SCHOOL:
            return stmt.where(false())
        return stmt.where(Recommendation.organization_id == user.organization_id,
                          Recommendation.status.in_(OPEN_STATUSES),
                          Recommendation.due_date.is_not(None))
    if model is PlanActivity:
        if not user.organization_id or user.role != Role.SCHOOL:
            return stmt.where(false())
        return stmt.where(PlanActivity.plan_id.in_(select(DevelopmentPlan.id).where(
            DevelopmentPlan.organization_id == user.organization_id,
            DevelopmentPlan.deleted_at.is_(None))),
            PlanActivity.done_on.is_(None), PlanActivity.due_date.is_not(None))
    if model is MentoringStep:
        who = [MentoringPair.curator_id == user.id]
        if mine:
            who += [MentoringPair.mentor_org_id.in_(mine), MentoringPair.mentee_org_id.in_(mine)]
        pairs = select(MentoringPair.id).where(
            or_(*who), MentoringPair.deleted_at.is_(None),
            MentoringPair.status.not_in([PairStatus.COMPLETED, PairStatus.TERMINATED]))
        return stmt.where(MentoringStep.pair_id.in_(pairs), MentoringStep.done_on.is_(None),
                          MentoringStep.due_date.is_not(None))
    raise LookupError(f"no due dates for {model.__name__}")


def escalation_scope(user) -> str | None:
    """``"municipality"`` (a municipality's overdue recommendations and items), ``"region"`` (the
    overdue items of municipal roadmaps) or None: what the user's start page escalates."""
    if user.role == Role.METHODIST and user.municipality_id:
        return "municipality"
    if user.role == Role.REGION and user.effective_region_id:
        return "region"
    return None


def sees_escalations(user) -> bool:
    return escalation_scope(user) is not None


def municipal_items(stmt):
    """Only the items of municipal roadmaps."""
    return stmt.where(RoadmapItem.roadmap_id.in_(
        select(Roadmap.id).where(Roadmap.level == RoadmapLevel.MUNICIPAL)))
