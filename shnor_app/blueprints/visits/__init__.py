"""Visits to schools and the справка printed after them."""
from flask import Blueprint, url_for

from ... import areas
from ...formatting import fmt_date
from ...models import Visit
from ...services import visits as service

bp = Blueprint("visits", __name__, url_prefix="/visits")

from . import routes  # noqa: E402,F401

areas.contribute(
    "visits",
    menu=[areas.MenuEntry("Посещения", "visits.index", lambda u: True, "/visits")],
    # A visit's recommendations are written by the visiting side (or the authority managing
    # the school), answered by the school, accepted or returned by the visiting side; their
    # due dates cannot precede the visit.
    recommendation_sources=[areas.RecommendationSource(
        service.SOURCE, Visit, kind_label="Посещение",
        label=lambda v: f"{v.kind.label} {fmt_date(v.visit_date)} ({v.visiting_org.short_name})",
        url=lambda v: url_for("visits.show", visit_id=v.id),
        edit_action="edit", review_action="review",
        date_of=lambda v: v.visit_date, school_of=lambda v: v.school_id)],
    indicator_sources={"visits.count": areas.IndicatorSource(
        "Методические выезды в школу за год", "шт.", service.visits_in_year, (),
        "Посещения школы (выезды, десанты, посещения уроков) за календарный год.")},
    map_counters=[areas.MapCounter("visits", "Посещений партнёром за квартал", "pair",
                                   service.visits_by_pair, tables=(Visit.__tablename__,))],
    audit_labels=service.AUDIT_LABELS,
)
