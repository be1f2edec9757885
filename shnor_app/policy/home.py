"""The start page: which of its blocks a user is shown.

What each block lists is scoped like every list (``scope_query``); this table only says whom
the block concerns:

- ``own_org`` — the card of the user's own organisation: a school's or a tutor's user (a
  school's user also gets the school's own figures in place of the territory's counters:
  ``sees_own_school_only``);
- ``supported_schools`` — the schools with a support status this year: the people who work for
  them (methodists, tutors, observers, the region's users);
- ``municipalities`` — the region's municipalities with their counts: region-wide users (the
  admin, the region's users, a regional observer);
- ``user_counts`` — the accounts and regions of the installation: the admin.
"""
from __future__ import annotations

from ..models import Role
from .core import ADMIN, HAS_MUNICIPALITY, HAS_ORG, VIEWER, role

START_BLOCKS = {
    "own_org": role(Role.SCHOOL, Role.TUTOR) & HAS_ORG,
    "supported_schools": role(Role.METHODIST, Role.TUTOR, Role.VIEWER, Role.REGION),
    "municipalities": role(Role.REGION, Role.ADMIN) | (VIEWER & ~HAS_MUNICIPALITY),
    "user_counts": ADMIN,
}


def start_page_shows(user, block: str) -> bool:
    """Is the start page's ``block`` (a key of ``START_BLOCKS``) shown to ``user``?"""
    return bool(getattr(user, "is_authenticated", False)) and START_BLOCKS[block].check(user, None)
