from flask import Blueprint

from ... import home_panels, navigation

bp = Blueprint("roadmaps", __name__, url_prefix="/roadmaps")
navigation.add("Дорожные карты", "roadmaps.index", lambda u: True, "/roadmaps")

from . import cli, routes  # noqa: E402,F401


def _home_due(user, today):
    from ...services.roadmaps import due_items

    due = due_items(user, today)
    return {"due": due} if due else None


def _answers_for_deadlines(user):
    from ...services.roadmaps import answers_for_deadlines

    return answers_for_deadlines(user)


home_panels.add("roadmap-due", "roadmaps/_home_due.html", _home_due, order=20, lazy=True,
                title="Сроки по дорожным картам", shown_to=_answers_for_deadlines)
