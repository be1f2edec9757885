"""Reports upward made from what is recorded: the roadmap execution report, the analytical note
on the support of ШНОР and the quarterly monitoring — issued, numbered and kept."""
from flask import Blueprint

from ... import areas, policy
from ...models import IssuedReport

bp = Blueprint("reports", __name__, url_prefix="/reports")

from . import routes  # noqa: E402,F401

areas.contribute(
    "reports",
    menu=[areas.MenuEntry("Отчёты", "reports.index",
                          lambda u: policy.can(u, "see_reports", IssuedReport), "/reports")],
)
