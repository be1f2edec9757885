"""The start-page panel of methodists, region users, viewers and the admin: schools by status,
roadmap execution, share of «2» per procedure over the years for the scope."""
from __future__ import annotations

from ... import policy
from ...models import AssessmentResult, SchoolStatus
from ...services.monitoring import dashboards
from ...services.roadmaps import period_label


def sees_territory_panel(user) -> bool:
    return policy.can(user, "see_territory", AssessmentResult)


def home_panel(user, today):
    """Figures over the user's whole territory (a region: every school): loaded lazily."""
    if not sees_territory_panel(user):
        return None
    ids = dashboards.school_ids(user)
    year = today.year
    counts = dashboards.status_counts(user, [year, year + 1])
    latest = dashboards.latest_year(ids)
    return {
        "year": year, "statuses": list(SchoolStatus), "counts": counts,
        "execution": dashboards.roadmap_execution(user, today),
        "execution_period": period_label(today), "today": today,
        "chart": dashboards.share_2_chart(ids), "latest": latest,
        "over": dashboards.over_threshold_counts(ids, latest) if latest else None,
        "territory": user.scope_label,
    }
