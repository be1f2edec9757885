"""Monitoring: assessment results, identification of ШНОР, indicator systems, risk profiles.

Results, risk profiles and indicator scores are seen by whoever sees the school (a school its
own, a tutor its own and the schools it supports, read-only). Results are imported, lists
approved and indicator systems edited by a methodist for its municipality, a region user for
the region's municipalities, and the admin — the ``manage`` action of the municipality (or, for
the whole region, of the region). A school also keeps its own risk profile. The approval of an
identified list is a legal record: nobody edits it; the order behind it stays attached. The
figures of a whole territory are for the authorities and observers, not for a school or tutor.
"""
from __future__ import annotations

from ..models import (
    AssessmentResult, IdentificationApproval, Indicator, MarkScale, Municipality, Organization,
    RiskFactor, Role, SchoolRisk,
)
from .core import (
    ADMIN, ALWAYS, HAS_MUNICIPALITY, MY_MUNICIPALITY, MY_REGION, NEVER, role, rules, same,
    test, user_is, within,
)
from .registry import ORG_MEMBER, manages, own, sees_org


def _join_org(model):
    return lambda q: q.join(Organization, Organization.id == model.organization_id)


def _manages(user, org) -> bool:
    from . import can

    return org is not None and can(user, "manage", org)


def _manages_municipality(user, muni) -> bool:
    from . import can

    return muni is not None and can(user, "manage", muni)


_RISK_EDIT = manages(SchoolRisk.organization_id) | (
    role(Role.SCHOOL) & own(SchoolRisk.organization_id))

rules(AssessmentResult, join=_join_org(AssessmentResult),
      view=sees_org(AssessmentResult.organization_id, joined=True),
      edit=manages(AssessmentResult.organization_id),
      create=test(_manages, "manages the school"),
      # may import results at all (then only for the municipalities it manages)
      import_results=user_is(lambda u: u.role in (Role.ADMIN, Role.REGION, Role.METHODIST),
                      "an authority"),
      # an import may create the schools it does not find, and read a whole region's file
      create_schools=user_is(lambda u: u.role in (Role.ADMIN, Role.REGION), "a region's authority"),
      # the figures of a whole territory (the start page's panel): not a school's or tutor's
      see_territory=~ORG_MEMBER)

# The mark scales (minimum points for «3», «4», «5») are the same for everybody: they are
# entered by the admin and region users and read by whoever imports results.
rules(MarkScale,
      view=ALWAYS,
      edit=user_is(lambda u: u.role in (Role.ADMIN, Role.REGION), "a region's authority"),
      create=user_is(lambda u: u.role in (Role.ADMIN, Role.REGION), "a region's authority"))

rules(SchoolRisk, join=_join_org(SchoolRisk),
      view=sees_org(SchoolRisk.organization_id, joined=True),
      edit=_RISK_EDIT,
      create=test(lambda u, org: org is not None and (_manages(u, org) or (
          u.role == Role.SCHOOL and org.id == u.organization_id)), "keeps the school's profile"))

rules(Indicator,
      view=within(Indicator.municipality_id, Municipality),
      edit=within(Indicator.municipality_id, Municipality, "manage"),
      create=test(_manages_municipality, "manages the municipality"))

rules(RiskFactor,
      view=ALWAYS,
      edit=ADMIN,
      create=ADMIN)

rules(IdentificationApproval,
      view=ADMIN
      | (~ORG_MEMBER & HAS_MUNICIPALITY
         & same(IdentificationApproval.municipality_id, MY_MUNICIPALITY))
      | (~ORG_MEMBER & ~HAS_MUNICIPALITY
         & same(IdentificationApproval.region_id, MY_REGION)),
      edit=NEVER,
      attach=NEVER,  # the order is attached when the list is approved, never afterwards
      # parent: the municipality approved for, or the region for a region-wide list
      create=test(lambda u, territory: u.role == Role.ADMIN or _manages_municipality(
          u, territory), "manages the territory"))
