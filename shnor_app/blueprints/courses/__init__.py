from flask import Blueprint

from ... import home_panels, navigation

bp = Blueprint("courses", __name__, url_prefix="/courses")
navigation.add("Курсы и ИОМ", "courses.index", lambda u: True, "/courses")

from . import cli, routes  # noqa: E402,F401


def _home_coverage(user, today):
    """Start page: course coverage of the user's scope (a school: its share and the teachers
    without a course; a methodist: per-school shares, lowest first) — two cheap queries."""
    from ...services import course_reports as reports

    scope = reports.resolve_scope(user)
    if not scope.schools:
        return None
    report = reports.coverage_report(scope, today, lowest_first=True)
    untrained = []
    if scope.level == "school":
        untrained = [t for t in report.teachers if not t.trained]
    return {"report": report, "rows": report.rows[:8], "more": max(0, len(report.rows) - 8),
            "untrained": untrained[:12], "untrained_more": max(0, len(untrained) - 12),
            "untrained_total": len(untrained)}


home_panels.add("course-coverage", "courses/_home_coverage.html", _home_coverage, order=40)
