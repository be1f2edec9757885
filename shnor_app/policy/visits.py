"""Visits to schools (выезды, методические десанты, посещения уроков) and their справка.

A visit is seen by the visiting side, the visited school and the authorities and observers by
the school's territory (and an authority's own visits elsewhere); it is changed — and its
recommendations written, its school's reports reviewed — by the visiting side and the authority
that manages the visited school, never by the visited school, which answers the recommendations
instead. Visits are logged on behalf of the user's own organisation, or (a methodist, a region
user) of its authority.
"""
from __future__ import annotations

from ..models import OrgKind, Organization, Role, Visit
from .core import ADMIN, MY_ORG, among, role, rules, same, test, user_is
from .registry import ORG_MEMBER, manages, responsible_org_ids, sees_org

TUTOR = role(Role.TUTOR)
SCHOOL = role(Role.SCHOOL)
VISITING_SIDE = same(Visit.visiting_org_id, MY_ORG)
VISIT_EDIT = ADMIN | VISITING_SIDE | (
    ~ORG_MEMBER & (among(Visit.visiting_org_id, responsible_org_ids)
                   | manages(Visit.school_id)))


def visiting_org_ids(user) -> set[int]:
    """Organisations on whose behalf ``user`` logs visits (its own, or its authority's)."""
    if user.role in (Role.VIEWER, Role.SCHOOL):
        return set()
    return responsible_org_ids(user)


def visiting_orgs(user):
    """SELECT of the organisations ``user`` may log visits on behalf of, by name: its own or
    its authority's (:func:`visiting_org_ids`); the admin's, any organisation."""
    from . import scope_query

    stmt = scope_query(user, Organization)
    if user.role != Role.ADMIN:
        stmt = stmt.where(Organization.id.in_(visiting_org_ids(user)))
    return stmt.order_by(Organization.sort_name)


def _logs_visit_to(user, school) -> bool:
    """``school``: the visited school, or None for "may log visits at all"."""
    from . import can, related_org_ids

    if user.role == Role.ADMIN:
        return school is None or school.kind == OrgKind.SCHOOL
    if user.role == Role.TUTOR:
        if not user.organization_id:
            return False
        if school is None:
            return bool(related_org_ids(user))
        return (school.kind == OrgKind.SCHOOL and school.id != user.organization_id
                and can(user, "view", school))
    if user.role in (Role.METHODIST, Role.REGION):
        return school is None or (school.kind == OrgKind.SCHOOL and can(user, "manage", school))
    return False


def _logs_visits(user) -> bool:
    from . import can

    return can(user, "create", Visit) or bool(visiting_org_ids(user))


rules(Visit,
      view=ADMIN
      | (TUTOR & VISITING_SIDE)
      | (SCHOOL & (same(Visit.school_id, MY_ORG) | VISITING_SIDE))
      | (~ORG_MEMBER & (sees_org(Visit.school_id)
                        | among(Visit.visiting_org_id, responsible_org_ids))),
      edit=VISIT_EDIT,
      attach=VISIT_EDIT,
      review=VISIT_EDIT,          # accept or return the school's reports on its recommendations
      create=test(_logs_visit_to, "visits the school"),
      log=user_is(_logs_visits, "logs visits"))   # may open the visit form at all
