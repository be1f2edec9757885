"""Recommendations to schools, whatever gave them: the list, the row actions, the start page."""
from flask import Blueprint

from ... import areas
from ...home_panels import Panel
from ...models import Recommendation
from ...services import recommendations as service

bp = Blueprint("recommendations", __name__, url_prefix="/recommendations")


def _any_source(user) -> bool:
    return bool(service.sources())


from . import routes  # noqa: E402

areas.contribute(
    "recommendations",
    menu=[areas.MenuEntry("Рекомендации", "recommendations.index", _any_source,
                          "/recommendations")],
    panels=[Panel("recommendations", "recommendations/_home.html", routes.home_panel, order=30,
                  lazy=True, title="Рекомендации школам", shown_to=_any_source)],
    map_counters=[areas.MapCounter("recommendations", "Открытых рекомендаций на сегодня", "school",
                                   service.open_by_school,
                                   tables=(Recommendation.__tablename__,))],
    audit_labels=service.AUDIT_LABELS,
)
