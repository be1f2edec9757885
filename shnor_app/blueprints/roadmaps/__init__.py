"""Roadmaps (дорожные карты): plans of measures, tracked live, imported from real documents."""
from flask import Blueprint

from ... import areas
from ...home_panels import Panel
from ...services import roadmaps as service
from ...services.roadmaps import periods

bp = Blueprint("roadmaps", __name__, url_prefix="/roadmaps")

from . import cli, routes  # noqa: E402,F401


def _home_due(user, today):
    due = service.due_items(user, today)
    return {"due": due, "period": service.period_label(today), "today": today} if due else None


areas.contribute(
    "roadmaps",
    menu=[areas.MenuEntry("Дорожные карты", "roadmaps.index", lambda u: True, "/roadmaps")],
    panels=[Panel("roadmap-due", "roadmaps/_home_due.html", _home_due, order=20, lazy=True,
                  title="Сроки по дорожным картам", shown_to=service.answers_for_deadlines)],
    audit_labels=service.AUDIT_LABELS,
    audit_values={"recurrence": periods.describe_recurrence},
    cli=[cli.cli],
)
