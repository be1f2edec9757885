from flask import Blueprint

from ... import home_panels, navigation

bp = Blueprint("interviews", __name__, url_prefix="/interviews")
navigation.add("Собеседования", "interviews.index",
               lambda u: u.role.name != "TUTOR", "/interviews")

from . import routes  # noqa: E402,F401


def _home_appointments(user, today):
    """A school's coming interviews (with the upload deadline) on its start page."""
    from ...services.interviews import upcoming_for_school

    if user.role.name != "SCHOOL" or not user.organization_id:
        return None
    meetings = upcoming_for_school(user.organization_id, today)
    return {"meetings": meetings} if meetings else None


home_panels.add("interview-appointments", "interviews/_home_appointments.html",
                _home_appointments, order=15)


def _register_recommendation_source():
    """Recommendations given in an interview protocol are tracked by the shared module: the
    secretary or the municipality's methodist writes them while the record is open; the
    authority's methodists accept or return the school's reports."""
    from flask import url_for

    from ... import policy
    from ...models import Meeting
    from ...services import recommendations as rec_svc
    from ...formatting import fmt_date

    def label(m: Meeting) -> str:  # the school is shown next to it by the shared pages
        if m.is_held:
            return f"Протокол № {m.protocol_number} от {fmt_date(m.meeting_date)}"
        return f"{m.kind.label} {fmt_date(m.meeting_date)} (протокол не оформлен)"

    rec_svc.register_source(
        "protocol", Meeting, kind_label="Протокол собеседования", label=label,
        url=lambda m: url_for("interviews.meeting", meeting_id=m.id),
        can_edit=policy.can_record,
        can_review=lambda u, m: u.role.name != "VIEWER" and policy.manages_authority(u, m.authority),
        date_of=lambda m: m.meeting_date, school_of=lambda m: m.organization_id)


_register_recommendation_source()
