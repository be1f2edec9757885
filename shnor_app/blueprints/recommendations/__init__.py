from flask import Blueprint

from ... import home_panels, navigation

bp = Blueprint("recommendations", __name__, url_prefix="/recommendations")


def _any_source(user) -> bool:
    from ...services.recommendations import SOURCES

    return bool(SOURCES)


navigation.add("Рекомендации", "recommendations.index", _any_source, "/recommendations")

from . import routes  # noqa: E402,F401

home_panels.add("recommendations", "recommendations/_home.html", routes.home_panel, order=30,
                lazy=True, title="Рекомендации школам", shown_to=_any_source)
