"""Writes every area makes the same way.

A record somebody may have printed, signed or answered (a visit and its справка, a partnership,
a practice, a mentoring pair) is never removed: :func:`soft_delete` marks it deleted — it leaves
every list and page, the policy shows it to nobody but the admin, and its history stays.
"""
from __future__ import annotations

from ..extensions import db
from ..models import utcnow
from .errors import transactional


@transactional
def soft_delete(record) -> None:
    """Mark ``record`` deleted (``deleted_at``) and commit."""
    record.deleted_at = utcnow()
    db.session.commit()
