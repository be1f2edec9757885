"""Mentoring pairs and the steps of their plans.

A pair is seen by the mentor's side (a tutor: the pairs its organisation mentors), by the schools
on either end, by the curator, and by the authorities and observers whose territory holds the
mentee school; it is changed by the mentor's organisation (a tutor), the curator and the
authority managing the mentee school — never by a school. A tutor sees the schools its open
pairs mentor (the mentoring area registers them as related organisations). Steps follow their
pair.

The curator of a management team is one of :func:`curators`: the methodists of the school's
municipality or the staff of its region.
"""
from __future__ import annotations

from sqlalchemy import or_, select

from ..models import MentoringPair, MentoringStep, Role, User
from .core import ADMIN, MY_ID, MY_ORG, part_of, role, rules, same, test
from .registry import ORG_MEMBER, manages, sees_org

TUTOR = role(Role.TUTOR)
SCHOOL = role(Role.SCHOOL)
CURATOR = same(MentoringPair.curator_id, MY_ID)


def _creates_pair_for(user, school) -> bool:
    """``school``: the mentee school, or None for "may create pairs at all"."""
    from . import can

    if user.role == Role.ADMIN:
        return True
    if user.role == Role.TUTOR:
        if school is None:
            return bool(user.organization_id)
        return school.id != user.organization_id and can(user, "view", school)
    if user.role in (Role.METHODIST, Role.REGION):
        return school is None or can(user, "manage", school)
    return False


rules(MentoringPair,
      view=ADMIN
      | (TUTOR & same(MentoringPair.mentor_org_id, MY_ORG))
      | (SCHOOL & (same(MentoringPair.mentee_org_id, MY_ORG)
                   | same(MentoringPair.mentor_org_id, MY_ORG)))
      | (~ORG_MEMBER & (CURATOR | sees_org(MentoringPair.mentee_org_id))),
      edit=ADMIN
      | (TUTOR & same(MentoringPair.mentor_org_id, MY_ORG))
      | (~ORG_MEMBER & (CURATOR | manages(MentoringPair.mentee_org_id))),
      attach=ADMIN
      | (TUTOR & same(MentoringPair.mentor_org_id, MY_ORG))
      | (~ORG_MEMBER & (CURATOR | manages(MentoringPair.mentee_org_id))),
      create=test(_creates_pair_for, "mentors or manages the school"),
      # model-level questions of the pair form: a curator ↔ management-team pair is set up by
      # the authorities, who also name any organisation as the mentor (a tutor mentors in its
      # own name); a methodist curates its municipality's teams, so the form proposes it
      appoint_curator=~ORG_MEMBER,
      choose_mentor_org=~ORG_MEMBER,
      curate=role(Role.METHODIST))

rules(MentoringStep, **part_of(MentoringStep.pair_id, MentoringPair, "the pair"))


def curators(user, school):
    """SELECT of the users who may curate the management team of ``school`` (by name): the
    methodists of its municipality, the staff of its region, and the user itself — active
    users, never an observer or a school."""
    who = [User.id == user.id]
    if school is not None:
        who.append((User.role == Role.METHODIST) & (User.municipality_id == school.municipality_id))
        who.append((User.role == Role.REGION) & (User.region_id == school.region_id))
    return select(User).where(or_(*who), User.active.is_(True),
                              User.role.not_in([Role.VIEWER, Role.SCHOOL])).order_by(User.full_name)
