"""Network partnerships of supported schools with tutor schools, colleges and others."""
from flask import Blueprint

from ... import areas
from ...services import partnerships as service

bp = Blueprint("partnerships", __name__, url_prefix="/partnerships")

from . import routes  # noqa: E402,F401

areas.contribute(
    "partnerships",
    menu=[areas.MenuEntry("Сетевое партнёрство", "partnerships.index", lambda u: True,
                          "/partnerships")],
    indicator_sources={
        "partnerships.count": areas.IndicatorSource(
            "Сетевые партнёрства школы в году", "шт.", service.partnerships_in_year, (),
            "Действующие и завершённые в году партнёрства, где школа — сопровождаемая сторона."),
        "partnerships.events": areas.IndicatorSource(
            "Совместные мероприятия с партнёрами за год", "шт.", service.events_in_year, (),
            "Мероприятия всех партнёрств школы за календарный год."),
    },
    related_orgs=service.partner_school_ids,  # a tutor sees the schools it partners
    audit_labels=service.AUDIT_LABELS,
    table_audit_labels=service.TABLE_AUDIT_LABELS,
)
