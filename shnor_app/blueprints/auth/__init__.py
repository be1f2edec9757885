"""Logging in and out, passwords, the second factor."""
from flask import Blueprint

from ... import areas
from ...services.auth import second_factor

bp = Blueprint("auth", __name__)

from . import routes  # noqa: E402,F401

areas.contribute("auth", audit_labels=second_factor.AUDIT_LABELS)
