from flask import Blueprint

from ... import home_panels, navigation

bp = Blueprint("roadmaps", __name__, url_prefix="/roadmaps")
navigation.add("Дорожные карты", "roadmaps.index", lambda u: True, "/roadmaps")

from . import cli, routes  # noqa: E402,F401


def _home_due(user, today):
    from ...services.roadmaps import due_items

    overdue, soon = due_items(user, today)
    return {"overdue": overdue, "soon": soon} if overdue or soon else None


home_panels.add("roadmap-due", "roadmaps/_home_due.html", _home_due, order=20)
