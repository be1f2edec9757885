"""Registry: regions, municipalities, organisations, statuses, staff, users.

Territories (whom a user sees):
- ``admin``: everything;
- ``region`` and a region-wide ``viewer``: every organisation of the region;
- ``methodist`` and a municipal ``viewer``: the municipality's organisations plus the region-level
  organisations (institutes, the ministry) of its region — the latter read-only;
- ``tutor``: its own organisation and the schools it works with (partnerships, mentoring pairs:
  the areas add them through ``areas.related_orgs``);
- ``school``: its own organisation.

An organisation's card, statuses and staff are changed by whoever manages it: the admin, the
region's users for the region, the municipality's methodists for the municipality; a school
keeps its own staff list.
"""
from __future__ import annotations

from sqlalchemy import select

from .. import areas
from ..models import (
    Municipality, OrgKind, Organization, Region, Role, SchoolStatusRecord, StaffMember, User,
)
from .core import (
    ADMIN, HAS_MUNICIPALITY, HAS_ORG, MY_MUNICIPALITY, MY_ORG, MY_REGION,
    MY_TERRITORY_MUNICIPALITY,
    among, null, per_request, role, rules, same, test, within,
)


def related_org_ids(user) -> set[int]:
    """Organisations a tutor or school works with besides its own (partnerships, pairs…)."""
    def compute():
        ids: set[int] = set()
        for provider in areas.related_org_providers():
            ids |= set(provider(user))
        return ids
    return per_request("_related_org_ids", user, compute)


def visible_org_ids(user) -> set[int]:
    """A tutor's or school's organisations: its own and (a tutor) the related ones."""
    own = {user.organization_id} if user.organization_id else set()
    return own | related_org_ids(user) if user.role == Role.TUTOR else own


def responsible_org_ids(user) -> set[int]:
    """Organisations whose work ``user`` answers for: its own, or its authority's.

    A methodist answers for the municipal authority of its municipality, a region user for the
    regional authority and institutes of its region.
    """
    if user.organization_id:
        return {user.organization_id}
    from ..extensions import db

    if user.role == Role.METHODIST and user.municipality_id:
        stmt = select(Organization.id).where(
            Organization.municipality_id == user.municipality_id,
            Organization.kind == OrgKind.MUNICIPAL_AUTHORITY, Organization.deleted_at.is_(None))
    elif user.role == Role.REGION and user.effective_region_id:
        stmt = select(Organization.id).where(
            Organization.region_id == user.effective_region_id,
            Organization.municipality_id.is_(None),
            Organization.kind.in_([OrgKind.REGIONAL_AUTHORITY, OrgKind.INSTITUTE]),
            Organization.deleted_at.is_(None))
    else:
        return set()
    return per_request("_responsible_org_ids", user, lambda: set(db.session.scalars(stmt)))


ORG_MEMBER = role(Role.TUTOR, Role.SCHOOL)   # users attached to one organisation
MUNICIPAL = HAS_MUNICIPALITY & ~ORG_MEMBER   # methodists, municipal viewers
REGIONAL = ~HAS_MUNICIPALITY & ~ORG_MEMBER   # region users, regional viewers


def sees_own_school_only(user) -> bool:
    """A school's user: every list of its records is of one school (no «Школа» column)."""
    return bool(user.organization_id) and role(Role.SCHOOL).check(user, None)


# Whom a user sees, on the organisation's own columns (joined tables use it as it is).
SEES_ORG = (
    ADMIN
    | (ORG_MEMBER & among(Organization.id, visible_org_ids))
    | (MUNICIPAL & (same(Organization.municipality_id, MY_MUNICIPALITY)
                    | (null(Organization.municipality_id)
                       & same(Organization.region_id, MY_REGION))))
    | (REGIONAL & same(Organization.region_id, MY_REGION))
)

# Who manages an organisation: changes its card, statuses, staff and what its authority owns.
MANAGES_ORG = (
    ADMIN
    | (role(Role.REGION) & same(Organization.region_id, MY_REGION))
    | (role(Role.METHODIST) & same(Organization.municipality_id, MY_MUNICIPALITY))
)

OWN_ORG = same(Organization.id, MY_ORG)

# Who plans an authority's interviews and meetings: the methodists of a municipal authority's
# municipality; for a regional authority or institute the region's staff.
MANAGES_AUTHORITY = (
    ADMIN
    | (role(Role.METHODIST) & same(Organization.municipality_id, MY_MUNICIPALITY))
    | (role(Role.REGION) & null(Organization.municipality_id)
       & same(Organization.region_id, MY_REGION))
)


def sees_org(column, *, joined: bool = False):
    """The record's organisation (``column``) is one the user sees."""
    return within(column, Organization, "view", joined=joined)


def manages(column):
    """The record's organisation (``column``) is one the user manages."""
    return within(column, Organization, "manage")


def own(column):
    """The record belongs to the user's own organisation."""
    return same(column, MY_ORG)


def _join_org(model):
    return lambda q: q.join(Organization, Organization.id == model.organization_id)


def _creates_org_in(user, muni) -> bool:
    from . import can

    return user.role == Role.ADMIN or (muni is not None and can(user, "manage", muni))


def _manages_parent_org(user, org) -> bool:
    from . import can

    return org is not None and can(user, "manage", org)


def _manages_or_is(user, org) -> bool:
    """The authority managing ``org``, or ``org``'s own school user."""
    return _manages_parent_org(user, org) or (
        user.role == Role.SCHOOL and org is not None and org.id == user.organization_id)


rules(Region,
      view=ADMIN | same(Region.id, MY_REGION),
      edit=ADMIN,
      # the region's own work: monitoring of the whole region, the dates of the school
      # «четверти» its quarterly figures count by
      manage=ADMIN | (role(Role.REGION) & same(Region.id, MY_REGION)),
      create=ADMIN)

rules(Municipality,
      view=ADMIN
      | (ORG_MEMBER & same(Municipality.id, MY_TERRITORY_MUNICIPALITY))
      | (MUNICIPAL & same(Municipality.id, MY_MUNICIPALITY))
      | (REGIONAL & same(Municipality.region_id, MY_REGION)),
      edit=ADMIN | (role(Role.REGION) & same(Municipality.region_id, MY_REGION)),
      # the municipality's monitoring: results, the identified list, its indicator system
      manage=ADMIN | (role(Role.REGION) & same(Municipality.region_id, MY_REGION))
      | (role(Role.METHODIST) & same(Municipality.id, MY_MUNICIPALITY)),
      # parent: the region the new municipality goes into
      create=ADMIN | (role(Role.REGION) & same(Region.id, MY_REGION)))

rules(Organization,
      view=SEES_ORG,
      edit=MANAGES_ORG,
      manage=MANAGES_ORG,
      # the school's own user attaches documents to its card
      attach=MANAGES_ORG | (role(Role.SCHOOL) & OWN_ORG),
      plan_meetings=MANAGES_AUTHORITY,  # interviews and meetings of an authority
      create=test(_creates_org_in, "manages the municipality"),
      # an organisation of the region itself, in no municipality (an institute, the ministry)
      create_regional=role(Role.ADMIN, Role.REGION),
      # the registry import (asked of the model): the admin and the region's users; each row
      # is then checked as a single change would be (create in the municipality, edit the
      # organisation, create the municipality in the region, create a region — the admin)
      import_registry=role(Role.ADMIN, Role.REGION))

_STATUS_EDIT = manages(SchoolStatusRecord.organization_id)
rules(SchoolStatusRecord, join=_join_org(SchoolStatusRecord),
      view=sees_org(SchoolStatusRecord.organization_id, joined=True),
      edit=_STATUS_EDIT,
      attach=_STATUS_EDIT,  # the order behind the status
      create=test(_manages_parent_org, "manages the school"))

_STAFF_EDIT = manages(StaffMember.organization_id) | (
    role(Role.SCHOOL) & own(StaffMember.organization_id))
rules(StaffMember, join=_join_org(StaffMember),
      view=sees_org(StaffMember.organization_id, joined=True),
      edit=_STAFF_EDIT,
      attach=_STAFF_EDIT,
      # СНИЛС and the date of birth shown as they are (every showing is audited); to everyone
      # else they are masked
      unmask=_STAFF_EDIT,
      create=test(_manages_or_is, "manages the school or is it"),
      # the staff list import (asked of the model): whoever keeps some school's staff list;
      # each row's school must be one the user may add staff to
      import_staff=ADMIN | role(Role.REGION, Role.METHODIST) | (role(Role.SCHOOL) & HAS_ORG))

rules(User,
      view=ADMIN,
      edit=ADMIN,
      manage=ADMIN,  # model-level: the accounts page
      create=ADMIN)
