from flask import Blueprint

from ... import home_panels, navigation

bp = Blueprint("courses", __name__, url_prefix="/courses")
navigation.add("Курсы и ИОМ", "courses.index", lambda u: True, "/courses")

from . import cli, routes  # noqa: E402,F401


def _home_coverage(user, today):
    """Start page: course coverage of the user's scope (a school: its share and the teachers
    without a course; a methodist: per-school shares, lowest first; the region: per
    municipality, aggregated in SQL without loading its schools) — a few queries."""
    from ...services.courses import reports

    report = reports.coverage_report(reports.resolve_scope(user), today, lowest_first=True)
    if not report.rows:
        return None
    untrained = []
    if report.scope.level == "school":
        untrained = [t for t in report.teachers if not t.trained]
    return {"report": report, "rows": report.rows[:8], "more": max(0, len(report.rows) - 8),
            "untrained": untrained[:12], "untrained_more": max(0, len(untrained) - 12),
            "untrained_total": len(untrained)}


# Lazy: a region's coverage counts 27 000 teachers (70–120 ms), a school's lists its teachers.
home_panels.add("course-coverage", "courses/_home_coverage.html", _home_coverage, order=40,
                lazy=True, title="Курсы повышения квалификации: охват за 3 года")
