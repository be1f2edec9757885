"""Reminders: the profile page (address, kinds, digest, days before, calendar feed), the
private calendar feed, the start-page escalations and ``flask --app wsgi notify send``."""
from flask import Blueprint

from ... import areas
from ...home_panels import Panel
from ...policy.notifications import sees_escalations
from ...services.notifications.escalation import escalations

bp = Blueprint("notifications", __name__)

from . import cli, routes  # noqa: E402,F401

areas.contribute(
    "notifications",
    panels=[Panel("escalations", "notifications/_home_escalations.html", escalations, order=15,
                  lazy=True, title="Просрочено более 14 дней", shown_to=sees_escalations)],
    cli=[cli.cli],
)
