"""Mentoring pairs (teacher — teacher, tutor school — school, curator — management team)."""
from flask import Blueprint

from ... import areas
from ...services import mentoring as service

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")

from . import routes  # noqa: E402,F401

areas.contribute(
    "mentoring",
    menu=[areas.MenuEntry("Наставничество", "mentoring.index", lambda u: True, "/mentoring")],
    related_orgs=service.mentored_school_ids,  # a tutor sees the schools it mentors
    audit_labels=service.AUDIT_LABELS,
)
