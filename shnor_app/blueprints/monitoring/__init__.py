from flask import Blueprint

from ... import home_panels, navigation

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")
navigation.add("Мониторинг", "monitoring.index", lambda u: True, "/monitoring")

from . import cli, routes  # noqa: E402,F401
from .dashboard import home_panel, sees_territory_panel  # noqa: E402

home_panels.add("monitoring", "monitoring/_home_panel.html", home_panel, order=10, lazy=True,
                title="Мониторинг", shown_to=sees_territory_panel)
bp.record_once(cli.register)
