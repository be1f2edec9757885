"""Coverage rules on a fixture with known answers — the pure rule and the SQL version agree.

Report date 15.06.2026, so the window is 15.06.2023 … 15.06.2026 (both ends included).
School A (known answer: 8 teachers, 3 trained = 37,5 %, 2 on low achievers, 0 points):
  a1 completed exactly 3 years before            → counted, trained
  a2 completed 3 years and a day before          → counted, not trained
  a3 studying, a4 «не завершил» with a date      → counted, not trained
  a5 completed on the report date, low topic     → counted, trained, low
  a6 left 01.01.2026 (trained in 2025)           → not counted
  a7 hired after the report date                 → not counted
  a8 completed the day after the report date     → counted, not trained
  a9 deleted from the staff list                 → not counted
  a10 two completed courses, one on low topic    → counted once, trained, low
  a11 completion soft-deleted                    → counted, not trained
  a12 left on the report date itself             → not counted
School B: 2 teachers, both trained → 100 % → 3 points. School C: nobody → share «—», 0 points.
"""
from datetime import date

import pytest

from shnor_app.extensions import db
from shnor_app.models import StaffMember, utcnow
from shnor_app.services.courses import coverage as cov

from tests.conftest import count_queries
from tests.factories.core import make_municipality, make_org, make_region, make_staff
from tests.factories.courses import make_course, make_enrollment

ON = date(2026, 6, 15)


def test_window_starts_the_same_day_three_years_earlier():
    assert cov.window_start(ON) == date(2023, 6, 15)
    assert cov.window_start(date(2028, 2, 29)) == date(2025, 2, 28)


def test_employment_on_a_date():
    assert cov.is_employed(ON, None, None)
    assert cov.is_employed(ON, ON, None)
    assert not cov.is_employed(ON, date(2026, 6, 16), None)
    assert not cov.is_employed(ON, None, ON)
    assert cov.is_employed(ON, None, date(2026, 6, 16))
    assert not cov.is_employed(ON, None, None, deleted=True)


@pytest.mark.parametrize("status,day,expected", [
    ("COMPLETED", date(2023, 6, 15), True), ("COMPLETED", date(2023, 6, 14), False),
    ("COMPLETED", ON, True), ("COMPLETED", date(2026, 6, 16), False),
    ("COMPLETED", None, False), ("NOT_COMPLETED", date(2025, 1, 1), False),
    ("STUDYING", None, False), ("APPLIED", None, False),
])
def test_which_enrollments_count(status, day, expected):
    assert cov.counts_toward(ON, status, day) is expected


def test_points_and_shares():
    assert cov.points_2_1(10, 10) == 3 and cov.points_2_1(10, 9) == 0 and cov.points_2_1(0, 0) == 0
    c = cov.Coverage(1, 8, 3, 2)
    assert (c.share, c.share_low, c.untrained, c.points) == (37.5, 25.0, 5, 0)
    assert cov.Coverage(1, 0, 0, 0).share is None
    assert cov.total([c, cov.Coverage(2, 2, 2, 0)]) == cov.Coverage(0, 10, 5, 2)


def _facts():
    S, E = cov.StaffFact, cov.EnrollmentFact
    staff = [S(1, 10), S(2, 10), S(3, 10), S(4, 10), S(5, 10), S(6, 10, left_on=date(2026, 1, 1)),
             S(7, 10, hired_on=date(2026, 7, 1)), S(8, 10), S(9, 10, deleted=True), S(10, 10),
             S(11, 10), S(12, 10, left_on=ON), S(21, 20), S(22, 20, hired_on=date(2020, 9, 1))]
    enrollments = [
        E(1, "COMPLETED", date(2023, 6, 15)), E(2, "COMPLETED", date(2023, 6, 14)),
        E(3, "STUDYING", None), E(4, "NOT_COMPLETED", date(2025, 1, 1)),
        E(5, "COMPLETED", ON, low_achievers=True), E(6, "COMPLETED", date(2025, 3, 1)),
        E(8, "COMPLETED", date(2026, 6, 16)), E(10, "COMPLETED", date(2024, 1, 1)),
        E(10, "COMPLETED", date(2025, 1, 1), low_achievers=True),
        E(11, "COMPLETED", date(2025, 1, 1), deleted=True),
        E(21, "COMPLETED", date(2025, 5, 5)), E(22, "COMPLETED", date(2024, 5, 5)),
    ]
    return staff, enrollments


EXPECTED = {10: cov.Coverage(10, 8, 3, 2), 20: cov.Coverage(20, 2, 2, 0), 30: cov.Coverage(30, 0, 0, 0)}


def test_pure_rule_gives_the_known_answers():
    staff, enrollments = _facts()
    result = cov.compute(staff, enrollments, ON, org_ids=[10, 20, 30])
    assert result == EXPECTED
    assert result[10].share == 37.5 and result[10].points == 0
    assert result[20].share == 100.0 and result[20].points == 3
    assert result[30].share is None and result[30].points == 0


def _build_db_fixture():
    region = make_region()
    muni = make_municipality(region)
    schools = [make_org(muni) for _ in range(3)]
    course = make_course(region, start=date(2020, 1, 1))
    low = make_course(region, low=True, start=date(2020, 1, 1))
    staff, enrollments = _facts()
    org_of = {10: schools[0], 20: schools[1], 30: schools[2]}
    members = {}
    for s in staff:
        members[s.id] = make_staff(org_of[s.org_id], hired_on=s.hired_on, left_on=s.left_on,
                                   deleted_at=utcnow() if s.deleted else None)
    for e in enrollments:
        make_enrollment(low if e.low_achievers else course, members[e.staff_id], e.status,
                        e.completed_on, deleted=e.deleted)
    return schools


def test_sql_coverage_by_school_gives_the_same_known_answers():
    schools = _build_db_fixture()
    result = cov.coverage_by_school([s.id for s in schools], ON)
    a, b, c = (result[s.id] for s in schools)
    assert (a.teachers, a.trained, a.trained_low, a.share, a.points) == (8, 3, 2, 37.5, 0)
    assert (b.teachers, b.trained, b.share, b.points) == (2, 2, 100.0, 3)
    assert (c.teachers, c.share, c.points) == (0, None, 0)


def test_teacher_lines_list_who_has_no_course():
    schools = _build_db_fixture()
    lines = cov.teacher_lines([schools[0].id], ON)
    assert len(lines) == 8
    untrained = cov.teacher_lines([schools[0].id], ON, untrained_only=True)
    assert len(untrained) == 5
    by_last = {t.ever_on for t in untrained}
    assert date(2023, 6, 14) in by_last  # a2: a course, but 3 years and a day ago
    assert all(not t.trained for t in untrained)


def test_sql_coverage_by_municipality_adds_up_the_same_known_answers():
    """The region level: the three schools above in one municipality, counted from a SELECT of
    their ids; a school without teachers still counts among the schools."""
    from sqlalchemy import select

    from shnor_app.models import Organization

    schools = _build_db_fixture()
    other = make_org(make_municipality(make_region()))
    ids = select(Organization.id).where(Organization.id.in_([s.id for s in schools] + [other.id]))
    result = cov.coverage_by_municipality(ids, ON)
    n, c = result[schools[0].municipality_id]
    assert (n, c.teachers, c.trained, c.trained_low) == (3, 10, 5, 2)
    n, c = result[other.municipality_id]
    assert (n, c.teachers, c.share) == (1, 0, None)


def _grow(schools, teachers_per_school, enrollments_per_teacher, course):
    rows = []
    for s in schools:
        for i in range(teachers_per_school):
            rows.append(StaffMember(organization_id=s.id, full_name=f"Педагог {s.id}-{i}",
                                    position="Учитель"))
    db.session.add_all(rows)
    db.session.flush()
    from shnor_app.models import Enrollment, EnrollmentStatus

    for i, m in enumerate(rows):
        for k in range(enrollments_per_teacher):
            done = (i + k) % 3 != 0
            db.session.add(Enrollment(
                course_id=course.id, staff_member_id=m.id, organization_id=m.organization_id,
                status=EnrollmentStatus.COMPLETED if done else EnrollmentStatus.APPLIED,
                completed_on=date(2022 + (i + k) % 5, 3, 1) if done else None,
                provider_key=course.provider_key))
    db.session.commit()


def test_query_count_does_not_depend_on_the_number_of_teachers():
    region = make_region()
    muni = make_municipality(region)
    schools = [make_org(muni) for _ in range(3)]
    course = make_course(region)
    ids = [s.id for s in schools]
    _grow(schools, 2, 1, course)
    with count_queries() as small:
        cov.coverage_by_school(ids, ON)
    _grow(schools, 30, 3, course)
    with count_queries() as big:
        result = cov.coverage_by_school(ids, ON)
    assert big["n"] == small["n"] == 1
    assert sum(c.teachers for c in result.values()) == 96


def test_municipality_report_40_schools_1500_teachers_6000_enrollments_in_fixed_queries():
    """The municipality coverage report over a real-sized municipality: right totals in a number
    of queries that does not depend on its schools (its time is judged by the benchmark,
    bench/, not here: a timed test fails on a busy machine)."""
    from shnor_app.models import Enrollment, EnrollmentStatus, Role, User
    from shnor_app import policy
    from shnor_app.services.courses import reports

    region = make_region()
    muni = make_municipality(region)
    schools = [make_org(muni) for _ in range(40)]
    courses = [make_course(region, low=i % 2 == 0) for i in range(10)]
    staff = [StaffMember(organization_id=schools[i % 40].id, full_name=f"Педагог {i}",
                         position="Учитель", left_on=date(2025, 1, 1) if i % 50 == 0 else None)
             for i in range(1500)]
    db.session.add_all(staff)
    db.session.flush()
    db.session.add_all([Enrollment(
        course_id=courses[i % 10].id, staff_member_id=staff[i % 1500].id,
        organization_id=staff[i % 1500].organization_id,
        status=EnrollmentStatus.COMPLETED if i % 4 else EnrollmentStatus.STUDYING,
        completed_on=date(2021 + i % 6, 1 + i % 12, 1) if i % 4 else None,
        provider_key=courses[i % 10].provider_key) for i in range(6000)])
    db.session.commit()
    user = User(login="m", full_name="m", role=Role.METHODIST, municipality_id=muni.id,
                password_hash="x")
    db.session.add(user)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as queries:
        report = reports.coverage_report(policy.territory(user), ON)
    assert report.total.teachers == 1470 and len(report.rows) == 40
    assert queries["n"] <= 6
