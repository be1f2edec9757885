from flask import Blueprint

from ... import home_panels, navigation

bp = Blueprint("interviews", __name__, url_prefix="/interviews")
navigation.add("Собеседования и протоколы", "interviews.index",
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
