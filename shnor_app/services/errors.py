"""The one family of errors services raise, and the rollback that goes with it.

A service refuses a change by raising :class:`ServiceError` (or a subclass named for its area):
``message`` is Russian and shown to the user as it is; ``fields`` maps the names of the form
fields the refusal concerns to their own messages, so a form shows each one beside its field.

A service that writes is wrapped in :func:`transactional`: when it raises — a ``ServiceError``
or a database error — the session is rolled back before the error leaves the service, so no
caller (a route, the CLI, an import) ever sees a half-made change or has to roll back itself.
"""
from __future__ import annotations

from functools import wraps

from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db


class ServiceError(ValueError):
    """A rule was broken; ``message`` is Russian and shown to the user.

    ``fields``: form field name → message for the fields the refusal concerns (may be empty).
    """

    def __init__(self, message: str = "", fields: dict[str, str] | None = None):
        self.fields: dict[str, str] = dict(fields or {})
        message = message or next(iter(self.fields.values()), "")
        super().__init__(message)
        self.message = message

    @property
    def errors(self) -> dict[str, str]:  # the name older callers use
        return self.fields


def transactional(fn):
    """Roll the session back when ``fn`` raises, then let the error go on."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (ServiceError, SQLAlchemyError):
            db.session.rollback()
            raise

    return wrapper
