"""Courses (КПК): the catalogue, enrollments and certificates, coverage reports, ИОМ."""
from flask import Blueprint

from ... import areas, policy
from ...home_panels import Panel
from ...services import courses as service
from ...services.courses import coverage, reports

bp = Blueprint("courses", __name__, url_prefix="/courses")

from . import cli, routes  # noqa: E402,F401


def _home_coverage(user, today):
    """Start page: course coverage of the user's scope (a school: its share and the teachers
    without a course; a methodist: per-school shares, lowest first; the region: per
    municipality, aggregated in SQL without loading its schools) — a few queries."""
    report = reports.coverage_report(policy.territory(user), today, lowest_first=True)
    if not report.rows:
        return None
    untrained = []
    if report.scope.level == "school":
        untrained = [t for t in report.teachers if not t.trained]
    return {"report": report, "rows": report.rows[:8], "more": max(0, len(report.rows) - 8),
            "untrained": untrained[:12], "untrained_more": max(0, len(untrained) - 12),
            "untrained_total": len(untrained)}


areas.contribute(
    "courses",
    menu=[areas.MenuEntry("Курсы и ИОМ", "courses.index", lambda u: True, "/courses")],
    # Lazy: a region's coverage counts 27 000 teachers (70–120 ms), a school's lists its teachers.
    panels=[Panel("course-coverage", "courses/_home_coverage.html", _home_coverage, order=40,
                  lazy=True, title="Курсы повышения квалификации: охват за 3 года")],
    indicator_sources={
        "courses.coverage": areas.IndicatorSource(
            "Доля педагогов, прошедших КПК за 3 года", "%", coverage.share_in_year, (),
            "Педагоги школы, завершившие курсы повышения квалификации за 3 года до конца года "
            "(показатель 2.1: 100% — 3 балла)."),
        "courses.coverage_low": areas.IndicatorSource(
            "Доля педагогов, прошедших КПК по работе с низкомотивированными обучающимися", "%",
            coverage.share_low_in_year, (),
            "Курсы по теме работы со слабоуспевающими и неуспевающими обучающимися за 3 года "
            "(показатель 3.2)."),
    },
    audit_labels=service.AUDIT_LABELS,
    cli=[cli.cli],
)
