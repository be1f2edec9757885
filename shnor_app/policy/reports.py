"""Reports issued upward (roadmap execution, analytical note, quarterly monitoring).

A report covers a territory — a school, a municipality or a region — and is seen by whoever is
responsible for that territory: the admin; the users of a municipality (methodists, municipal
observers) the reports of their municipality and of its schools; the region's users every report
of the region; a school its own school's reports. A tutor works with single schools, not with a
territory: it issues and sees none.

Reports are issued (and made again as a new version) by the authorities and by a school for
itself, for a territory the user sees (``policy.territory`` decides which one it is); an observer
only reads. An issued report is never edited.
"""
from __future__ import annotations

from ..models import IssuedReport, Role
from .core import (
    ADMIN, HAS_MUNICIPALITY, MY_MUNICIPALITY, MY_ORG, MY_REGION, NEVER, role, rules, same, test,
)
from .registry import ORG_MEMBER

TUTOR = role(Role.TUTOR)

REPORT_VIEW = (
    ADMIN
    | (~ORG_MEMBER & HAS_MUNICIPALITY & same(IssuedReport.municipality_id, MY_MUNICIPALITY))
    | (~ORG_MEMBER & ~HAS_MUNICIPALITY & same(IssuedReport.region_id, MY_REGION))
    | (role(Role.SCHOOL) & same(IssuedReport.organization_id, MY_ORG))
)


def _issues_for(user, territory) -> bool:
    """``territory``: the ``policy.Territory`` the report would cover (None: at all)."""
    if user.role == Role.TUTOR:
        return False
    if territory is None:
        return True
    if territory.own and territory.school is None:
        return False  # several organisations of one user are not a territory
    return user.role != Role.SCHOOL or (
        territory.school is not None and territory.school.id == user.organization_id)


rules(IssuedReport,
      view=REPORT_VIEW,
      edit=NEVER,                   # an issued report is never changed
      create=test(_issues_for, "issues reports for the territory"),
      regenerate=~TUTOR,
      # may open the reports area at all (a tutor has no territory to report on)
      see_reports=~TUTOR)
