"""Courses (КПК): the catalogue, enrollments, and development plans (ИОМ).

A course is seen by every user of its region (the admin: all). A regional course (no
municipality) is kept by the region's users; a methodist creates courses of its own municipality
and keeps those, not the regional ones: a course is created in a region or a municipality the
user manages (``can(user, "create", Course, region_or_municipality)``). Topic areas are
reference data: everybody reads them, the admin extends them.

Enrollments and development plans belong to the teacher's school: seen by whoever sees the
school (a tutor: its own and the supported schools), changed by whoever manages the school
(methodist, region, admin) and by the school's own user (the school or tutor role) — a tutor
only reads the supported schools' records. Deficits and activities follow their plan.
"""
from __future__ import annotations

from ..models import (
    Course, CourseTopic, DevelopmentPlan, Enrollment, Organization, PlanActivity, PlanDeficit,
    Role,
)
from .core import (
    ADMIN, ALWAYS, MY_MUNICIPALITY, MY_ORG, MY_REGION, part_of, role, rules, same, test,
    user_is, within,
)
from .registry import ORG_MEMBER, sees_org

AUTHORITIES = (Role.ADMIN, Role.REGION, Role.METHODIST)


def keeps_teachers(column):
    """The record's school (``column``) is managed by the user, or is the user's own."""
    return within(column, Organization, "manage") | (ORG_MEMBER & same(column, MY_ORG))


def _keeps_teachers_of(user, org) -> bool:
    from . import can

    return org is not None and (can(user, "manage", org) or (
        user.role in (Role.SCHOOL, Role.TUTOR) and org.id == user.organization_id))


def _join_org(model):
    return lambda q: q.join(Organization, Organization.id == model.organization_id)


rules(CourseTopic,
      view=ALWAYS,
      edit=ADMIN,
      create=ADMIN)


def _keeps_courses_in(user, place) -> bool:
    """``place``: the region of a regional course or the municipality of a municipal one, or
    None for "may create courses at all"."""
    from . import can

    return user.role in AUTHORITIES if place is None else can(user, "manage", place)


# has some school whose teachers the user enrolls and plans for (shows the actions, the import)
KEEPS_SOME_TEACHERS = user_is(lambda u: u.role in AUTHORITIES or (
    u.role in (Role.SCHOOL, Role.TUTOR) and u.organization_id is not None),
    "keeps some school's teachers")

rules(Course,
      view=ADMIN | same(Course.region_id, MY_REGION),
      edit=ADMIN
      | (role(Role.REGION) & same(Course.region_id, MY_REGION))
      | (role(Role.METHODIST) & same(Course.municipality_id, MY_MUNICIPALITY)),
      create=test(_keeps_courses_in, "manages the course's region or municipality"))

_ENROLLMENT_EDIT = keeps_teachers(Enrollment.organization_id)
rules(Enrollment, join=_join_org(Enrollment),
      view=sees_org(Enrollment.organization_id, joined=True),
      edit=_ENROLLMENT_EDIT,
      attach=_ENROLLMENT_EDIT,  # the certificate
      create=test(_keeps_teachers_of, "keeps the school's teachers"),
      manage=KEEPS_SOME_TEACHERS)

_PLAN_EDIT = keeps_teachers(DevelopmentPlan.organization_id)
rules(DevelopmentPlan, join=_join_org(DevelopmentPlan),
      view=sees_org(DevelopmentPlan.organization_id, joined=True),
      edit=_PLAN_EDIT,
      attach=_PLAN_EDIT,
      create=test(_keeps_teachers_of, "keeps the school's teachers"),
      manage=KEEPS_SOME_TEACHERS)

for _child in (PlanDeficit, PlanActivity):
    rules(_child, **part_of(_child.plan_id, DevelopmentPlan, "the plan"))



