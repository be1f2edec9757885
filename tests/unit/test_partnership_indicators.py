"""Indicators 4.1–4.4 of the Slavyansky system on fixtures with known answers."""
from datetime import date

from shnor_app.models import EventKind as K, EventVenue as V, OrgKind, PartnerKind as P, PartnershipStatus
from shnor_app.services.partnerships import indicators as ind
from shnor_app.services.partnerships import quarters as q

from tests.factories.core import make_org
from tests.factories.partnerships import make_event, make_partnership

Q = q.quarters_of_year(2025, q.CALENDAR)  # I..IV квартал 2025


def _counts(cells):
    return {key: {code: len(ids) for code, ids in cell.items()} for key, cell in cells.items()}


def test_compute_on_a_fixture_with_known_answers():
    # schools 1, 2, 3 are ШНОР / risk zone in 2025; 4 is not (a partnership of 4 never counts)
    targets = {2025: {1, 2, 3}}
    spans = [
        ind.Span(1, P.SCHOOL, date(2025, 2, 1), None),                 # 1 with a school from Feb
        ind.Span(1, P.COLLEGE, date(2025, 5, 1), date(2025, 6, 30)),   # 1 with a college in Q2
        ind.Span(2, P.INSTITUTE, date(2024, 9, 1), date(2025, 3, 31)),  # 2 with ИРО until Q1 end
        ind.Span(3, P.SCHOOL, date(2025, 1, 1), None, suspended=True),  # suspended: never
        ind.Span(4, P.SCHOOL, date(2025, 1, 1), None),                  # not a target school
    ]
    events = [
        ind.EventFact(1, date(2025, 3, 31), K.SEMINAR, V.SCHOOL),      # Q1: 4.3 and 4.4
        ind.EventFact(1, date(2025, 4, 1), K.SEMINAR, V.PARTNER),      # Q2: 4.3 only (not at school)
        ind.EventFact(2, date(2025, 4, 15), K.OPEN_LESSON, V.SCHOOL),  # Q2: 4.3 only (not a seminar)
        ind.EventFact(3, date(2025, 12, 31), K.SEMINAR, V.SCHOOL),     # Q4: 4.3 and 4.4
        ind.EventFact(4, date(2025, 5, 5), K.SEMINAR, V.SCHOOL),       # not a target: never
    ]
    got = _counts(ind.compute(Q, targets, spans, events))
    assert got == {
        "2025-q1": {"total": 3, "4.1": 1, "4.2": 1, "4.3": 1, "4.4": 1},
        "2025-q2": {"total": 3, "4.1": 1, "4.2": 1, "4.3": 2, "4.4": 0},
        "2025-q3": {"total": 3, "4.1": 1, "4.2": 0, "4.3": 0, "4.4": 0},
        "2025-q4": {"total": 3, "4.1": 1, "4.2": 0, "4.3": 1, "4.4": 1},
    }


def test_a_school_counts_once_however_many_partners_and_events():
    targets = {2025: {1}}
    spans = [ind.Span(1, P.SCHOOL, date(2025, 1, 1), None), ind.Span(1, P.SCHOOL, date(2025, 1, 1), None)]
    events = [ind.EventFact(1, date(2025, 2, d), K.SEMINAR, V.SCHOOL) for d in (1, 2, 3)]
    cell = ind.compute(Q[:1], targets, spans, events)["2025-q1"]
    assert [len(cell[c]) for c in ind.CODES] == [1, 0, 1, 1]


def test_status_year_is_the_year_the_quarter_starts_in_academic_mode():
    qs = q.quarters_of_year(2025, q.ACADEMIC)  # I, II четверть start in 2025, III, IV in 2026
    targets = {2025: {1}, 2026: {2}}
    spans = [ind.Span(1, P.SCHOOL, date(2025, 9, 1), None), ind.Span(2, P.SCHOOL, date(2025, 9, 1), None)]
    got = _counts(ind.compute(qs, targets, spans, []))
    assert [got[x.key]["4.1"] for x in qs] == [1, 1, 1, 1]
    assert ind.compute(qs, targets, spans, [])[qs[2].key]["4.1"] == {2}


def test_build_report_from_the_database(world):
    year = 2025
    shnor = make_org(world.muni, short_name="ШНОР 1", statuses=["LOW_RESULTS"], year=year)
    risk = make_org(world.muni, short_name="Зона риска", statuses=["RISK_ZONE"], year=year)
    plain = make_org(world.muni, short_name="Обычная школа", year=year)
    other_muni = make_org(world.muni2, short_name="ШНОР соседей", statuses=["LOW_RESULTS"], year=year)
    college = make_org(world.muni, kind=OrgKind.COLLEGE, short_name="Техникум")
    p1 = make_partnership(shnor, world.tutor_school, start=date(2025, 1, 10))
    make_partnership(risk, college, start=date(2025, 4, 1), end=date(2025, 6, 30))
    p3 = make_partnership(plain, world.tutor_school, start=date(2025, 1, 10))
    p4 = make_partnership(other_muni, world.tutor_school, start=date(2025, 1, 10))
    make_partnership(shnor, college, start=date(2025, 1, 1), status=PartnershipStatus.SUSPENDED)
    make_event(p1, day=date(2025, 2, 3), kind=K.SEMINAR, venue=V.SCHOOL)
    make_event(p1, day=date(2025, 8, 3), kind=K.MASTER_CLASS, venue=V.PARTNER)
    make_event(p3, day=date(2025, 2, 3))
    make_event(p4, day=date(2025, 2, 3))
    from sqlalchemy import select

    from shnor_app.models import Organization

    stmt = select(Organization.id).where(Organization.municipality_id == world.muni.id)
    report = ind.build_report(stmt, Q, title="Приречный район", year_label="2025 год")
    table = {code: [report.count(code, x) for x in Q] for code in ind.CODES}
    assert [len(report.cells[x.key]["total"]) for x in Q] == [2, 2, 2, 2]  # world's school_a is 2026
    assert table == {"4.1": [1, 1, 1, 1], "4.2": [0, 1, 0, 0], "4.3": [1, 0, 1, 0],
                     "4.4": [1, 0, 0, 0]}
    assert [name for _, name, _ in report.schools] == ["Зона риска", "ШНОР 1"]

    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(ind.report_xlsx(report)))
    rows = [[c for c in r] for r in wb["Показатели"].iter_rows(values_only=True)]
    assert ["4.1", ind.INDICATORS[0][1], 1, 1, 1, 1] in [list(r[:6]) for r in rows]
    assert ["4.4", ind.INDICATORS[3][1], 1, 0, 0, 0] in [list(r[:6]) for r in rows]
    by_school = list(wb["По школам"].iter_rows(values_only=True))
    assert by_school[0][:3] == ("Школа", "Статус", "I кв. 4.1")
    assert by_school[2][0] == "ШНОР 1" and by_school[2][2:6] == ("да", None, "да", "да")
