"""Writes (and the one read) every area makes the same way.

A record somebody may have printed, signed or answered (a visit and its справка, a partnership,
a practice, a mentoring pair) is never removed: :func:`soft_delete` marks it deleted — it leaves
every list and page, the policy shows it to nobody but the admin, and its history stays;
:func:`live` is the list of such records that are not deleted. Only a line of another record
(a plan's deficit) is really deleted, by :func:`erase`.

A checked record is written by :func:`store` (a new one is put in the session by it, or by
:func:`add_new` with its author). A write that may be part of a caller's larger transaction
(the demo loader, an import of many files) takes ``commit``: :func:`save` commits, or with
``commit=False`` only flushes, and :func:`all_or_nothing` rolls back whatever the block wrote
when anything in it raises.
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import select

from ..extensions import db
from ..models import utcnow
from .errors import transactional


@transactional
def soft_delete(record) -> None:
    """Mark ``record`` deleted (``deleted_at``) and commit."""
    record.deleted_at = utcnow()
    db.session.commit()


def add_new(record, by=None) -> None:
    """Put a new ``record`` in the session, its author ``by`` (a user, or None) noted."""
    if by is not None:
        record.created_by_id = by.id
    db.session.add(record)


def store(record, *, is_new: bool = False):
    """Commit the checked ``record`` (put in the session first when it ``is_new``); return it."""
    if is_new:
        db.session.add(record)
    db.session.commit()
    return record


@transactional
def erase(record) -> None:
    """Delete a record that is only a line of another (a plan's deficit or activity) and commit."""
    db.session.delete(record)
    db.session.commit()


def save(commit: bool = True) -> None:
    """Commit, or with ``commit=False`` only flush: the caller's transaction goes on."""
    if commit:
        db.session.commit()
    else:
        db.session.flush()


@contextmanager
def all_or_nothing(commit: bool = True):
    """Save what the block writes (:func:`save`), or roll it all back when anything raises."""
    try:
        yield
        save(commit)
    except Exception:
        db.session.rollback()
        raise


def live(model, *where, order_by) -> list:
    """The records of ``model`` meeting ``where`` that are not deleted, in ``order_by`` order
    (a column or a tuple of them)."""
    order = order_by if isinstance(order_by, tuple) else (order_by,)
    return list(db.session.scalars(
        select(model).where(*where, model.deleted_at.is_(None)).order_by(*order)))
