"""Cross-area figures on fixtures with known answers: visits and open recommendations on the
partnership map, and the indicator sources of courses, partnerships and visits."""
from datetime import date, timedelta

from shnor_app.extensions import db
from shnor_app.models import PartnershipStatus, Visit, VisitKind, VisitVisitor
from shnor_app import areas
from shnor_app.services.monitoring import indicators
from shnor_app.formatting import today

from tests.factories.core import make_org, make_staff
from tests.factories.courses import make_course, make_enrollment
from tests.factories.partnerships import make_event, make_partnership


def _visit(school, org, day):
    v = Visit(kind=VisitKind.METHODICAL, visit_date=day, school_id=school.id,
              visiting_org_id=org.id, purpose="Цель", findings="Выводы")
    v.visitors = [VisitVisitor(position=0, full_name="Иванова Мария Петровна", job_title="")]
    db.session.add(v)
    db.session.commit()
    return v


def test_partnership_map_counts_visits_of_the_partner_in_the_quarter(world):
    school, tutor, other = world.school_a, world.tutor_school, world.institute
    _visit(school, tutor, date(2026, 2, 10))
    _visit(school, tutor, date(2026, 3, 31))
    _visit(school, tutor, date(2026, 4, 1))       # next quarter
    _visit(school, other, date(2026, 2, 11))      # not this partner
    counter = next(c for c in areas.map_counters("pair") if c.key == "visits")
    got = counter.fn([(school.id, tutor.id), (school.id, world.school_b.id)],
                     date(2026, 1, 1), date(2026, 3, 31))
    assert got == {(school.id, tutor.id): 2}


def test_indicator_sources_of_partnerships_events_and_visits(world):
    school, tutor = world.school_a, world.tutor_school
    year = today().year
    p = make_partnership(school, tutor, start=date(year - 1, 9, 1))
    make_partnership(school, world.institute, start=date(year - 1, 9, 1),
                     status=PartnershipStatus.SUSPENDED)
    make_event(p, day=today() - timedelta(days=1))
    make_event(p, day=date(year - 1, 10, 1))      # last year
    _visit(school, tutor, today() - timedelta(days=2))
    ids = [school.id, world.school_b.id]
    assert indicators.sources()["partnerships.count"].compute(ids, year) == {
        school.id: 1.0, world.school_b.id: 0.0}
    assert indicators.sources()["partnerships.events"].compute(ids, year)[school.id] == 1.0
    assert indicators.sources()["partnerships.events"].compute(ids, year - 1)[school.id] == 1.0
    assert indicators.sources()["visits.count"].compute(ids, year) == {
        school.id: 1.0, world.school_b.id: 0.0}


def test_indicator_sources_of_course_coverage(world):
    year = today().year
    a, b = make_staff(world.school_a, "Иванова А. А."), make_staff(world.school_a, "Петров Б. Б.")
    course = make_course(world.region, low=True, start=date(year - 1, 1, 10))
    make_enrollment(course, a, completed_on=date(year - 1, 2, 1), certificate="001")
    cov = indicators.sources()["courses.coverage"].compute([world.school_a.id], year)
    low = indicators.sources()["courses.coverage_low"].compute([world.school_a.id], year)
    assert cov == {world.school_a.id: 50.0} and low == {world.school_a.id: 50.0}
    assert b.id  # the second teacher has no course
    empty = make_org(world.muni)
    assert indicators.sources()["courses.coverage"].compute([empty.id], year) == {empty.id: None}
