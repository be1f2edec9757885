"""Interviews with directors, meetings, and their protocols."""
from flask import Blueprint, url_for

from ... import areas, policy
from ...formatting import fmt_date
from ...home_panels import Panel
from ...models import Meeting
from ...services import interviews as service

bp = Blueprint("interviews", __name__, url_prefix="/interviews")

from . import routes  # noqa: E402,F401


def _home_appointments(user, today):
    """A school's coming interviews (with the upload deadline) on its start page."""
    if not policy.can(user, "see_appointments", Meeting):
        return None
    meetings = service.upcoming_for_school(user.organization_id, today)
    return {"meetings": meetings, "today": today} if meetings else None


def _protocol_label(m: Meeting) -> str:  # the school is shown next to it by the shared pages
    if m.is_held:
        return f"Протокол № {m.protocol_number} от {fmt_date(m.meeting_date)}"
    return f"{m.kind.label} {fmt_date(m.meeting_date)} (протокол не оформлен)"


areas.contribute(
    "interviews",
    menu=[areas.MenuEntry("Собеседования", "interviews.index",
                          lambda u: policy.can(u, "list", Meeting), "/interviews")],
    panels=[Panel("interview-appointments", "interviews/_home_appointments.html",
                  _home_appointments, order=15, title="Собеседования школы")],
    # Recommendations given in an interview protocol: the secretary or the municipality's
    # methodist writes them while the record is open; the authority's methodists accept or
    # return the school's reports.
    recommendation_sources=[areas.RecommendationSource(
        service.RECOMMENDATION_SOURCE, Meeting, kind_label="Протокол собеседования",
        label=_protocol_label, url=lambda m: url_for("interviews.meeting", meeting_id=m.id),
        edit_action="record", review_action="review",
        date_of=lambda m: m.meeting_date, school_of=lambda m: m.organization_id)],
    audit_labels=service.AUDIT_LABELS,
)
