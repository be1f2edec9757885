"""Monitoring: results of the assessment procedures, identification of ШНОР, indicator
systems, risk profiles, dashboards."""
from flask import Blueprint

from ... import areas
from ...home_panels import Panel
from ...services.monitoring import assessments, indicators

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")

from . import cli, routes  # noqa: E402,F401
from .dashboard import home_panel, sees_territory_panel  # noqa: E402

areas.contribute(
    "monitoring",
    menu=[areas.MenuEntry("Мониторинг", "monitoring.index", lambda u: True, "/monitoring")],
    panels=[Panel("monitoring", "monitoring/_home_panel.html", home_panel, order=10, lazy=True,
                  title="Мониторинг", shown_to=sees_territory_panel)],
    indicator_sources=indicators.OWN_SOURCES,
    audit_labels={**assessments.AUDIT_LABELS, **indicators.AUDIT_LABELS},
    table_audit_labels=indicators.TABLE_AUDIT_LABELS,
    cli=[cli.assessments_cli, cli.schools_cli],
)
