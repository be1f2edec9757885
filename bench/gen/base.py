"""What every area generator gets: the scale, a connection, ids, a bulk insert and fake people.

Rows are written with SQLAlchemy Core (``conn.execute(Table.insert(), [dict, …])``, i.e. one
``executemany`` per chunk) inside a single transaction. Core inserts do not go through the ORM
session, so the audit ``after_flush`` hook and the ``search_text`` mapper events do not run:
that is what makes 200 000 rows take seconds — and why generators fill ``search_text``
themselves (:func:`search_text`) and write the audit entries they want explicitly.

Ids are assigned here (:meth:`Context.take_ids`), not by the database, so that a generator
can build children in the same pass as their parents; on PostgreSQL the sequences are moved
past them at the end (:func:`bench.gen.finish`).
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from shnor_app.reference_data import NAMES_F, NAMES_M, PATRONYMICS, SURNAMES
from shnor_app.text import normalize_name

# The password of every generated user (bench/README: `make bench`). Its hash is made with a
# cheap scrypt setting (as the test suite does) so that 200 logins cost nothing; a real
# deployment keeps werkzeug's default. The hash carries its own parameters, so the app checks
# it as it checks any other.
BENCH_PASSWORD = "bench-password-2026"
BENCH_HASH_METHOD = "scrypt:1024:8:1"
# The TOTP secret of the users whose role requires a second factor (admin, region): the
# driver computes their codes from it (bench/driver.py, bench/inprocess.py).
BENCH_TOTP_SECRET = "KRUGS4ZANBSW22DFNZRWQZLDNNZW4ZLT"


@dataclass(frozen=True)
class Scale:
    """How big the generated region is. ``full`` is the region the budgets are set for (README, «Бенчмарк»)."""

    name: str
    municipalities: int = 30
    schools_per_municipality: int = 30      # 900 schools
    low_results_per_municipality: int = 4   # 120 ШНОР this year
    tutors_per_municipality: int = 4        # 120 tutor schools
    staff_per_school: int = 30              # 27 000 staff
    items_per_school_roadmap: int = 60      # 40…80, about 60 on average
    items_per_big_roadmap: int = 120        # municipal and regional roadmaps: the 120-item page
    status_years: int = 5                   # school statuses of this and the 4 previous years
    users_per_role: int = 30                # methodists/viewers: one per municipality, capped
    # Targets of the areas built in other branches (their generators read them).
    enrollments: int = 80_000
    courses: int = 400
    partnerships: int = 120
    visits: int = 6_000
    interviews: int = 600
    assessment_years: int = 5

    @property
    def schools(self) -> int:
        return self.municipalities * self.schools_per_municipality


SCALES = {
    "full": Scale("full"),
    # A region of 6 municipalities: enough to exercise every page, generated in seconds.
    "quick": Scale("quick", municipalities=6, schools_per_municipality=12,
                   low_results_per_municipality=3, tutors_per_municipality=3,
                   staff_per_school=12, items_per_school_roadmap=30, status_years=3,
                   enrollments=4_000, courses=60, partnerships=18, visits=300, interviews=30,
                   assessment_years=2),
    # For the unit test of the harness: a handful of everything.
    "tiny": Scale("tiny", municipalities=2, schools_per_municipality=4,
                  low_results_per_municipality=1, tutors_per_municipality=1,
                  staff_per_school=3, items_per_school_roadmap=6, items_per_big_roadmap=12,
                  status_years=2, users_per_role=3, enrollments=100, courses=5,
                  partnerships=2, visits=10, interviews=4, assessment_years=2),
}


@dataclass
class Context:
    """Shared state of one generation run.

    ``ids`` is how areas talk to each other: the registry puts ``"schools"``,
    ``"low_results"`` (this year's ШНОР), ``"tutor_schools"``, ``"municipalities"``,
    ``"authority_by_municipality"``, ``"staff_by_school"``…; users put ``"users_by_role"``;
    later areas read them. ``counts`` (rows per table) is what the generator reports.
    """

    conn: object
    scale: Scale
    year: int
    seed: int = 2026
    ids: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    chunk: int = 5000
    _next_id: dict = field(default_factory=dict)

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.now = datetime.now(timezone.utc)
        self.today = self.now.date()

    # ----------------------------------------------------------------- writing

    def take_ids(self, table, n: int) -> range:
        """``n`` fresh primary keys for ``table`` (a model or a Table)."""
        name = _table(table).name
        start = self._next_id.get(name)
        if start is None:
            from sqlalchemy import func, select

            start = (self.conn.scalar(select(func.max(_table(table).c.id))) or 0) + 1
        self._next_id[name] = start + n
        return range(start, start + n)

    def number(self, table, rows: list[dict]) -> None:
        """Give each of ``rows`` (dicts of ``table``) a fresh ``id``, in their order."""
        for row, i in zip(rows, self.take_ids(table, len(rows))):
            row["id"] = i

    def insert(self, table, rows: list[dict], *, new_ids: bool = False) -> None:
        """Bulk-insert ``rows`` (all with the same keys) in chunks; counted per table. With
        ``new_ids`` the rows are given their ids first (:meth:`number`)."""
        if new_ids:
            self.number(table, rows)
        t = _table(table)
        for i in range(0, len(rows), self.chunk):
            self.conn.execute(t.insert(), rows[i:i + self.chunk])
        self.counts[t.name] = self.counts.get(t.name, 0) + len(rows)

    def insert_all(self, *tables, new_ids=()) -> None:
        """:meth:`insert` each ``(table, rows)`` in the order given (parents first); the tables
        named in ``new_ids`` are given their ids first."""
        for table, rows in tables:
            self.insert(table, rows, new_ids=table in new_ids)

    def stamp(self, **row) -> dict:
        """``row`` with the TimestampMixin columns filled (created now, by nobody)."""
        row.setdefault("created_at", self.now)
        row.setdefault("updated_at", self.now)
        row.setdefault("created_by_id", None)
        return row

    # ----------------------------------------------------------------- fake data

    def person(self) -> str:
        return person(self.rng)

    def day_in(self, year: int) -> date:
        return date(year, 1, 1) + timedelta(days=self.rng.randrange(365))


def _table(table):
    return getattr(table, "__table__", table)


def search_text(*values) -> str:
    """What ``SearchableMixin`` would store: normalised fields joined by « | »."""
    return " | ".join(normalize_name(str(v or "")) for v in values)


REC_REPORTS = ["Выполнено: маршруты составлены для 14 обучающихся, размещены в папке ШМО.",
               "Проведено, протокол ШМО № 3 прилагается.", "Внесено в план ВШК на II полугодие."]


def recommendation(ctx, source_type: str, source_id: int, position: int, school: int,
                   day: date, text: str, responsible: str, *, reviewer: int | None,
                   school_user: int | None) -> dict:
    """A shared ``Recommendation`` row given on ``day`` (without id): due 2–13 weeks later, its
    status following the due date — most past ones accepted, some reported or returned, about
    one in five overdue; the future ones open or already reported."""
    from shnor_app.models import RecommendationStatus as St

    rng, today = ctx.rng, ctx.today
    due = day + timedelta(days=rng.randint(14, 90))
    r = rng.random()
    if due < today:
        status = St.ACCEPTED if r < 0.6 else St.REPORTED if r < 0.75 else \
            St.RETURNED if r < 0.8 else St.OPEN
    else:
        status = St.REPORTED if r < 0.3 else St.OPEN
    reported = status in (St.REPORTED, St.ACCEPTED, St.RETURNED)
    reviewed = status in (St.ACCEPTED, St.RETURNED)
    at = ctx.now - timedelta(days=(today - min(due, today)).days)
    return ctx.stamp(
        source_type=source_type, source_id=source_id, position=position,
        organization_id=school, text=text, responsible=responsible, due_date=due,
        status=status, report_text=rng.choice(REC_REPORTS) if reported else None,
        reported_at=at if reported else None, reported_by_id=school_user if reported else None,
        review_comment="Доработать: приложите подтверждающие материалы."
        if status == St.RETURNED else None,
        reviewed_at=at if reviewed else None, reviewed_by_id=reviewer if reviewed else None,
        roadmap_item_id=None, deleted_at=None, created_by_id=reviewer,
        search_text=search_text(text, responsible))


class Timer:
    def __init__(self):
        self.t0 = time.perf_counter()

    def __str__(self):
        return f"{time.perf_counter() - self.t0:.1f} с"




def person(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    if rng.random() < 0.75:  # most teachers are women
        surname = surname[:-2] + "ёва" if surname.endswith("ёв") else surname + "а"
        return f"{surname} {rng.choice(NAMES_F)} {rng.choice(PATRONYMICS)}на"
    return f"{surname} {rng.choice(NAMES_M)} {rng.choice(PATRONYMICS)}ич"
