"""«Итоги сопровождения»: the outcomes of each kind of measure over a municipality or the
region, the exit of schools from the list, risk factors against results; and the school
card's hub — short blocks of everything recorded about a school, with links to each area."""
from flask import Blueprint

from ... import areas, policy
from ...models import AssessmentResult

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")

from . import routes  # noqa: E402,F401

areas.contribute(
    "outcomes",
    menu=[areas.MenuEntry("Итоги сопровождения", "outcomes.index",
                          lambda u: policy.can(u, "see_territory", AssessmentResult),
                          "/outcomes")],
)


@bp.app_template_global("outcomes_hub_blocks")
def hub_blocks() -> list[tuple[str, str]]:
    """The school card's blocks the current user gets (registry/organization.html)."""
    from flask_login import current_user

    from ...services.outcomes import hub

    return hub.offered(current_user)
