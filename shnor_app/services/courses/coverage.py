"""Course coverage of a school's teachers — the rules municipalities report on.

* A teacher *counts* on a report date when employed at the school that day: not deleted, hired
  on or before it (or hire date unknown), and not yet gone (``left_on`` empty or after it).
  Every staff member of the school counts (the registry lists pedagogical staff).
* A teacher is *trained* when some enrollment of theirs has status «завершил» and a completion
  date within the 3 years before the report date, both ends included: from the same calendar
  day three years earlier (29 February → 28 February) up to the report date itself. A course
  3 years and one day ago no longer counts; an application, a running course or «не завершил»
  never counts.
* Share (indicator 2.1) = trained ÷ counted teachers; 100 % gives 3 points, anything less 0.
* Indicator 3.2 is the same share restricted to courses whose topic is flagged as «работа со
  слабоуспевающими обучающимися» (``CourseTopic.low_achievers``).

The pure functions (:func:`window_start`, :func:`is_employed`, :func:`counts_toward`,
:func:`compute`) define the rule on plain values. :func:`coverage_by_school` computes the same
thing for many schools in one aggregate SQL query (constant number of queries whatever the
number of teachers) — the reports, the start-page panel and the monitoring indicators use it::

    coverage_by_school(org_ids: Iterable[int], on_date: date) -> dict[int, Coverage]

Every requested id is in the answer (a school without teachers has ``teachers == 0`` and
``share is None``). :func:`coverage_by_municipality` does the same grouped by municipality
(the region level), from a SELECT of the school ids, so no school is loaded into Python.

Both join the teachers employed on the date to their counted enrollments and count distinct
teachers (no grouped subquery over every enrollment of the region): SQLite probes
``ix_enrollments_staff_coverage`` per teacher, PostgreSQL picks index probes or a hash join by
size; the index holds every column read, as ``ix_staff_members_employed`` does for the teachers.
(Correlated EXISTS per teacher would be as fast on SQLite but makes PostgreSQL plan a subplan
per teacher — and JIT-compile it — at region size.)
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.orm import aliased

from ...extensions import db
from ...formatting import today as local_today

YEARS = 3
FULL_POINTS = 3


def window_start(on_date: date, years: int = YEARS) -> date:
    """The first day that still counts: the same day ``years`` earlier (29.02 → 28.02)."""
    try:
        return on_date.replace(year=on_date.year - years)
    except ValueError:
        return on_date.replace(year=on_date.year - years, day=28)


def is_employed(on_date: date, hired_on: date | None, left_on: date | None,
                deleted: bool = False) -> bool:
    if deleted:
        return False
    if hired_on is not None and hired_on > on_date:
        return False
    return left_on is None or left_on > on_date


def counts_toward(on_date: date, status: str, completed_on: date | None) -> bool:
    """Does an enrollment (status name, completion date) count as a course in the window?"""
    return (status == "COMPLETED" and completed_on is not None
            and window_start(on_date) <= completed_on <= on_date)


def points_2_1(teachers: int, trained: int) -> int:
    return FULL_POINTS if teachers > 0 and trained >= teachers else 0


def percent(part: int, whole: int) -> float | None:
    """Share in percent with one decimal, ``None`` when there is nobody to count."""
    if not whole:
        return None
    return round(100.0 * part / whole, 1)


@dataclass(frozen=True)
class Coverage:
    org_id: int
    teachers: int
    trained: int
    trained_low: int

    @property
    def untrained(self) -> int:
        return self.teachers - self.trained

    @property
    def share(self) -> float | None:
        return percent(self.trained, self.teachers)

    @property
    def share_low(self) -> float | None:
        return percent(self.trained_low, self.teachers)

    @property
    def points(self) -> int:
        return points_2_1(self.teachers, self.trained)

    def __add__(self, other: "Coverage") -> "Coverage":
        return Coverage(0, self.teachers + other.teachers, self.trained + other.trained,
                        self.trained_low + other.trained_low)


def total(items: Iterable[Coverage]) -> Coverage:
    out = Coverage(0, 0, 0, 0)
    for c in items:
        out = out + c
    return out


@dataclass(frozen=True)
class StaffFact:
    id: int
    org_id: int
    hired_on: date | None = None
    left_on: date | None = None
    deleted: bool = False


@dataclass(frozen=True)
class EnrollmentFact:
    staff_id: int
    status: str
    completed_on: date | None
    low_achievers: bool = False
    deleted: bool = False


def compute(staff: Iterable[StaffFact], enrollments: Iterable[EnrollmentFact],
            on_date: date, org_ids: Iterable[int] | None = None) -> dict[int, Coverage]:
    """The rule on plain values (the reference the SQL version is tested against)."""
    trained: set[int] = set()
    trained_low: set[int] = set()
    for e in enrollments:
        if not e.deleted and counts_toward(on_date, e.status, e.completed_on):
            trained.add(e.staff_id)
            if e.low_achievers:
                trained_low.add(e.staff_id)
    counts: dict[int, list[int]] = {oid: [0, 0, 0] for oid in (org_ids or [])}
    for s in staff:
        if org_ids is not None and s.org_id not in counts:
            continue
        if not is_employed(on_date, s.hired_on, s.left_on, s.deleted):
            continue
        row = counts.setdefault(s.org_id, [0, 0, 0])
        row[0] += 1
        row[1] += s.id in trained
        row[2] += s.id in trained_low
    return {oid: Coverage(oid, *row) for oid, row in counts.items()}


# --------------------------------------------------------------------------- SQL


def employed_clause(on_date: date):
    from ...models import StaffMember

    return and_(StaffMember.deleted_at.is_(None),
                or_(StaffMember.hired_on.is_(None), StaffMember.hired_on <= on_date),
                or_(StaffMember.left_on.is_(None), StaffMember.left_on > on_date))


def counted_enrollment_join(on_date: date, *, up_to_window: bool = True):
    """ON clause joining a ``StaffMember`` to its enrollments that count on ``on_date``
    (``up_to_window=False``: every completion up to the date, however old)."""
    from ...models import Enrollment, EnrollmentStatus, StaffMember

    cond = [Enrollment.staff_member_id == StaffMember.id, Enrollment.deleted_at.is_(None),
            Enrollment.status == EnrollmentStatus.COMPLETED, Enrollment.completed_on <= on_date]
    if up_to_window:
        cond.append(Enrollment.completed_on >= window_start(on_date))
    return and_(*cond)


def _low_achievers_courses():
    from ...models import Course, CourseTopic

    return (select(Course.id).join(CourseTopic, CourseTopic.id == Course.topic_id)
            .where(CourseTopic.low_achievers.is_(True)))


def _coverage_counts():
    """Teachers, trained, trained on low achievers — over ``StaffMember`` LEFT JOIN its counted
    enrollments (:func:`counted_enrollment_join`); a teacher with several courses counts once."""
    from ...models import Enrollment, StaffMember

    return (func.count(distinct(StaffMember.id)),
            func.count(distinct(Enrollment.staff_member_id)),
            func.count(distinct(case((Enrollment.course_id.in_(_low_achievers_courses()),
                                      Enrollment.staff_member_id)))))


def coverage_by_school(org_ids: Iterable[int], on_date: date) -> dict[int, Coverage]:
    """Coverage of each school in ``org_ids`` on ``on_date`` — one SQL query."""
    from ...models import Enrollment, StaffMember

    ids = list(dict.fromkeys(org_ids))
    out = {oid: Coverage(oid, 0, 0, 0) for oid in ids}
    if not ids:
        return out
    stmt = (select(StaffMember.organization_id, *_coverage_counts())
            .select_from(StaffMember)
            .outerjoin(Enrollment, counted_enrollment_join(on_date))
            .where(StaffMember.organization_id.in_(ids), employed_clause(on_date))
            .group_by(StaffMember.organization_id))
    for org_id, teachers, n_trained, n_low in db.session.execute(stmt):
        out[org_id] = Coverage(org_id, int(teachers), int(n_trained), int(n_low))
    return out


def coverage_by_municipality(school_ids, on_date: date) -> dict[int | None, tuple[int, Coverage]]:
    """Coverage of the schools ``school_ids`` (ids, or a SELECT of ids) grouped by their
    municipality: ``{municipality_id: (number of schools, Coverage)}`` — one SQL query, and
    no school loaded as an object, however many the region has. A school without teachers
    still counts among the schools.

    SQL groups by school (a distinct count over a whole municipality costs more than adding up
    its schools' rows here)."""
    from ...models import Enrollment, Organization, StaffMember

    school = aliased(Organization, name="school")
    stmt = (select(school.municipality_id, *_coverage_counts())
            .select_from(school)
            .outerjoin(StaffMember, and_(StaffMember.organization_id == school.id,
                                         employed_clause(on_date)))
            .outerjoin(Enrollment, counted_enrollment_join(on_date))
            .where(school.id.in_(school_ids))
            .group_by(school.municipality_id, school.id))
    out: dict[int | None, tuple[int, Coverage]] = {}
    for muni_id, teachers, n_trained, n_low in db.session.execute(stmt):
        schools, c = out.get(muni_id, (0, Coverage(0, 0, 0, 0)))
        out[muni_id] = (schools + 1, c + Coverage(0, int(teachers), int(n_trained), int(n_low)))
    return out


@dataclass(frozen=True)
class TeacherLine:
    """A teacher on a report: the last counted course (or the last course ever, if older)."""
    staff_id: int
    org_id: int
    full_name: str
    position: str
    last_on: date | None      # last completion within the window
    ever_on: date | None      # last completion ever (before or on the date)

    @property
    def trained(self) -> bool:
        return self.last_on is not None


def teacher_lines(org_ids: Iterable[int], on_date: date, *, untrained_only: bool = False,
                  limit: int | None = None) -> list[TeacherLine]:
    """Teachers employed on ``on_date`` with their last course dates — one query.

    The last completion within the window is the last completion up to the date when that one
    is in the window, so one ``max`` per teacher gives both dates."""
    from ...models import Enrollment, StaffMember

    ids = list(dict.fromkeys(org_ids))
    if not ids:
        return []
    start = window_start(on_date)
    ever = func.max(Enrollment.completed_on)
    stmt = (select(StaffMember.id, StaffMember.organization_id, StaffMember.full_name,
                   StaffMember.position, ever)
            .select_from(StaffMember)
            .outerjoin(Enrollment, counted_enrollment_join(on_date, up_to_window=False))
            .where(StaffMember.organization_id.in_(ids), employed_clause(on_date))
            .group_by(StaffMember.id, StaffMember.organization_id, StaffMember.full_name,
                      StaffMember.position))
    if untrained_only:
        stmt = stmt.having(or_(ever.is_(None), ever < start))
    stmt = stmt.order_by(StaffMember.organization_id, StaffMember.full_name, StaffMember.id)
    if limit:
        stmt = stmt.limit(limit)
    return [TeacherLine(sid, oid, name, position,
                        ever_on if ever_on is not None and ever_on >= start else None, ever_on)
            for sid, oid, name, position, ever_on in db.session.execute(stmt)]


# --------------------------------------------------------------------------- for indicators


def _share_in_year(field: str):
    def compute(org_ids, year: int) -> dict[int, float | None]:
        on = min(date(year, 12, 31), local_today())  # a year's figure, or today's this year
        return {oid: getattr(c, field) for oid, c in coverage_by_school(org_ids, on).items()}
    return compute


# Indicators 2.1 and 3.2 of a municipal system: the shares of a school's teachers with a
# course in 3 years (any course; a course on work with low-achieving pupils).
share_in_year = _share_in_year("share")
share_low_in_year = _share_in_year("share_low")
