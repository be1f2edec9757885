"""The start-page panel of methodists, region users, viewers and the admin: schools by status,
roadmap execution, share of «2» per procedure over the years for the scope."""
from __future__ import annotations

from ...models import Role, SchoolStatus
from ...services import dashboards


def home_panel(user, today):
    if user.role not in (Role.ADMIN, Role.REGION, Role.METHODIST, Role.VIEWER):
        return None
    ids = dashboards.school_ids(user)
    year = today.year
    counts = dashboards.status_counts(user, [year, year + 1])
    latest = dashboards.latest_year(ids)
    return {
        "year": year, "statuses": list(SchoolStatus), "counts": counts,
        "execution": dashboards.roadmap_execution(user, today),
        "chart": dashboards.share_2_chart(ids), "latest": latest,
        "over": dashboards.over_threshold_counts(ids, latest) if latest else None,
        "territory": user.scope_label,
    }
