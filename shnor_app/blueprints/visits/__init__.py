from flask import Blueprint, url_for

from ... import navigation, policy
from ...models import Visit
from ...services import recommendations
from ...formatting import fmt_date

bp = Blueprint("visits", __name__, url_prefix="/visits")
navigation.add("Посещения", "visits.index", lambda u: True, "/visits")

# A visit's recommendations are written by the visiting side (or the authority managing the
# school), answered by the school, accepted or returned by the visiting side; their due dates
# cannot precede the visit.
recommendations.register_source(
    "visit", Visit, kind_label="Посещение",
    label=lambda v: f"{v.kind.label} {fmt_date(v.visit_date)} ({v.visiting_org.short_name})",
    url=lambda v: url_for("visits.show", visit_id=v.id),
    can_edit=policy.can_edit, can_review=policy.can_review_visit,
    date_of=lambda v: v.visit_date, school_of=lambda v: v.school_id)

from . import routes  # noqa: E402,F401
