"""Records for the outcomes tests: ШНОР of 2023 with results of 2022 (the year before the
support) and 2025 (the latest), visits to some of them, statuses over the years."""
from __future__ import annotations

from datetime import date

from shnor_app.extensions import db
from shnor_app.models import SchoolStatus, SchoolStatusRecord, Visit

from tests.conftest import make_org
from tests.monitoring_data import add_result


def status(org, *years):
    for y in years:
        db.session.add(SchoolStatusRecord(organization_id=org.id, year=y,
                                          status=SchoolStatus.LOW_RESULTS))
    db.session.commit()


def results(org, base: float, latest: float):
    add_result(org, 2022, share_2=base)
    add_result(org, 2025, share_2=latest)


def visit(org, by, day=date(2023, 10, 5)):
    db.session.add(Visit(visit_date=day, school_id=org.id, visiting_org_id=by.id,
                         purpose="Методическая помощь"))
    db.session.commit()


def build(world, extra_schools: int = 0) -> dict:
    """Municipality 1: school_a (ШНОР 2023–2024, out in 2025) and five more ШНОР of 2023; visits
    to school_a and four of them; the tutor school with results, never ШНОР. Municipality 2:
    school_b (ШНОР 2023). ``extra_schools`` adds ШНОР with visits (the query-count test)."""
    a = world.school_a
    status(a, 2023, 2024)
    results(a, 40.0, 20.0)                      # −20
    visit(a, world.tutor_school)
    made = []
    for i, change in enumerate([-10, -8, -6, 4, 6], 1):  # s5 gets no visit
        s = make_org(world.muni, short_name=f"МБОУ ООШ № {i} с. Луговое")
        status(s, 2023, 2024, 2025)
        results(s, 40.0, 40.0 + change)
        if i < 5:
            visit(s, world.tutor_school)
        made.append(s)
    for i in range(extra_schools):
        s = make_org(world.muni, short_name=f"МБОУ СОШ № {100 + i} пос. Лесной")
        status(s, 2023, 2024, 2025)
        results(s, 40.0, 35.0)
        visit(s, world.tutor_school)
    results(world.tutor_school, 10.0, 8.0)        # −2, never ШНОР
    status(world.school_b, 2023)
    results(world.school_b, 50.0, 30.0)
    return {"schools": made}
