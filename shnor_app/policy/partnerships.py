"""Network partnerships, their joint events, and the practice bank.

A partnership belongs to its supported school: methodists, region users and viewers see it by
the school's territory, and the authority that manages the school sets it up and changes its
parties and status. The partner organisation's users (a tutor) see and keep only the
partnerships where their organisation is the partner — the agreement, people, plan, files and
joint events, not the parties or the status; a school sees its own school's partnerships
read-only. A tutor also sees the schools it has an active partnership with (the partnerships
area registers them as related organisations). Joint events follow their partnership.

The practice bank is region-wide: everyone of the region reads it; a tutor school or an
authority publishes, the author (and whoever manages the author organisation) edits.

The map of partnerships and the quarterly indicators are for the authorities and observers
(users who see a whole region also filter the list of partnerships by municipality);
the dates of the school «четверти» of a region are kept by the admin and the region's users
(the region's ``manage``, in ``registry.py``).
"""
from __future__ import annotations

from ..models import JointEvent, Organization, Partnership, Practice, Role
from .core import (
    ADMIN, MY_ID, MY_ORG, MY_REGION, part_of, role, rules, same, test, user_is, via, within,
)
from .registry import ORG_MEMBER, REGIONAL, manages, sees_org

PARTNER = role(Role.TUTOR) & same(Partnership.partner_id, MY_ORG)
MANAGES_SCHOOL = manages(Partnership.school_id)
AUTHORITIES = (Role.ADMIN, Role.REGION, Role.METHODIST)


def _creates_partnership_for(user, school) -> bool:
    from . import can

    if school is None:
        return user.role in AUTHORITIES
    return can(user, "manage", school)


def _publishes_for(user, org) -> bool:
    from . import can

    if user.role not in (Role.ADMIN, Role.REGION, Role.METHODIST, Role.TUTOR):
        return False
    if org is None:
        return True
    return can(user, "manage", org) or (user.role == Role.TUTOR and org.id == user.organization_id)


rules(Partnership,
      join=lambda q: q.join(Organization, Organization.id == Partnership.school_id),
      view=ADMIN
      | (ORG_MEMBER & (same(Partnership.school_id, MY_ORG) | same(Partnership.partner_id, MY_ORG)))
      | (~ORG_MEMBER & sees_org(Partnership.school_id, joined=True)),
      edit=MANAGES_SCHOOL | PARTNER,         # agreement, people, plan, files, events
      attach=MANAGES_SCHOOL | PARTNER,
      manage=MANAGES_SCHOOL,                 # set up, parties, status, delete
      create=test(_creates_partnership_for, "manages the school"),
      see_reports=user_is(lambda u: u.role in AUTHORITIES + (Role.VIEWER,),
                          "authority or observer"),
      # model-level: the list's filter by municipality, for users who see a whole region
      see_all_municipalities=ADMIN | REGIONAL)

rules(JointEvent, **part_of(JointEvent.partnership_id, Partnership, "the partnership"),
      attach=within(JointEvent.partnership_id, Partnership, "edit"))

_PRACTICE_EDIT = (same(Practice.created_by_id, MY_ID) | manages(Practice.author_org_id)
                  | (ORG_MEMBER & same(Practice.author_org_id, MY_ORG)))

rules(Practice,
      join=lambda q: q.join(Organization, Organization.id == Practice.author_org_id),
      view=ADMIN | via(Practice.author_org_id, Organization,
                       same(Organization.region_id, MY_REGION), joined=True),
      edit=_PRACTICE_EDIT,
      attach=_PRACTICE_EDIT,
      create=test(_publishes_for, "publishes for the organisation"))
