"""Administration: users, the audit journal, the history of records, the start page's panels.

User accounts are managed by the admin only; the admin reads the whole audit journal (logins and
refused access included). The history of one record is shown to whoever sees the record. A
start-page panel loaded on its own is shown to whoever it concerns (what it shows is scoped by
the panel itself, like the start page).
"""
from __future__ import annotations

from ..models import AuditEntry
from .core import ADMIN, NEVER, rules

rules(AuditEntry,
      view=ADMIN,
      edit=NEVER,
      read_journal=ADMIN)  # model-level: the whole journal


def can_see_panel(user, panel) -> bool:
    """A start-page panel on its own URL: whoever it concerns."""
    return getattr(user, "is_authenticated", False) and panel.concerns(user)

