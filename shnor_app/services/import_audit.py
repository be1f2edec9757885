"""One audit entry per saved import file, with its counts, written in the import's transaction.

Each record an import creates or changes is audited by itself (``services/audit.py``); this
entry says which file it was and what it did as a whole («записано 120, без изменений 3…»).
"""
from __future__ import annotations

from ..extensions import db
from ..models import utcnow
from ..models.audit import AuditAction, AuditEntry
from .audit import client_address, current_actor


def record(filename: str, message: str, *, by=None) -> None:
    """Add the entry to the session (committed with the import, rolled back with it)."""
    actor = by if by is not None else current_actor()
    db.session.add(AuditEntry(
        at=utcnow(), user_id=getattr(actor, "id", None),
        user_name=getattr(actor, "full_name", None), address=client_address(),
        action=AuditAction.CREATE, object_type="import", object_label=(filename or "")[:300] or None,
        message=message))
