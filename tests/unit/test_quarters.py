"""Quarters: calendar quarters and school «четверти», at their edges."""
from datetime import date

import pytest

from shnor_app.services.partnerships import quarters as q

TERMS_2025 = [(date(2025, 9, 1), date(2025, 10, 24)), (date(2025, 11, 5), date(2025, 12, 28)),
              (date(2026, 1, 12), date(2026, 3, 20)), (date(2026, 3, 30), date(2026, 5, 26))]
SETTINGS = {2025: TERMS_2025}


@pytest.mark.parametrize("day,label,start,end", [
    (date(2026, 1, 1), "I квартал 2026 г.", date(2026, 1, 1), date(2026, 3, 31)),
    (date(2026, 3, 31), "I квартал 2026 г.", date(2026, 1, 1), date(2026, 3, 31)),
    (date(2026, 4, 1), "II квартал 2026 г.", date(2026, 4, 1), date(2026, 6, 30)),
    (date(2026, 6, 30), "II квартал 2026 г.", date(2026, 4, 1), date(2026, 6, 30)),
    (date(2026, 7, 1), "III квартал 2026 г.", date(2026, 7, 1), date(2026, 9, 30)),
    (date(2026, 12, 31), "IV квартал 2026 г.", date(2026, 10, 1), date(2026, 12, 31)),
    (date(2024, 2, 29), "I квартал 2024 г.", date(2024, 1, 1), date(2024, 3, 31)),
])
def test_calendar_quarter_edges(day, label, start, end):
    got_label, got_start, got_end = q.quarter_of(day, q.CALENDAR)
    assert (got_label, got_start, got_end) == (label, start, end)


@pytest.mark.parametrize("day,number,start,end", [
    (date(2025, 9, 1), 1, date(2025, 9, 1), date(2025, 11, 4)),
    (date(2025, 10, 24), 1, date(2025, 9, 1), date(2025, 11, 4)),
    (date(2025, 11, 3), 1, date(2025, 9, 1), date(2025, 11, 4)),   # autumn holidays → I
    (date(2025, 11, 5), 2, date(2025, 11, 5), date(2026, 1, 11)),
    (date(2025, 12, 31), 2, date(2025, 11, 5), date(2026, 1, 11)),  # winter holidays → II
    (date(2026, 1, 11), 2, date(2025, 11, 5), date(2026, 1, 11)),
    (date(2026, 1, 12), 3, date(2026, 1, 12), date(2026, 3, 29)),
    (date(2026, 3, 29), 3, date(2026, 1, 12), date(2026, 3, 29)),
    (date(2026, 3, 30), 4, date(2026, 3, 30), date(2026, 8, 31)),
    (date(2026, 8, 31), 4, date(2026, 3, 30), date(2026, 8, 31)),   # summer → IV
])
def test_academic_quarter_follows_configured_terms(day, number, start, end):
    quarter = q.quarter_of(day, q.ACADEMIC, SETTINGS)
    assert (quarter.number, quarter.start, quarter.end) == (number, start, end)
    assert quarter.year == 2025
    assert quarter.label.endswith("четверть 2025/2026 уч. г.")


def test_academic_year_boundary_and_defaults_when_not_configured():
    label, start, end = q.quarter_of(date(2026, 9, 1), q.ACADEMIC, SETTINGS)
    assert label == "I четверть 2026/2027 уч. г." and start == date(2026, 9, 1)
    # 2026/27 is not configured: the usual dates are used (II starts on 5 November)
    assert end == date(2026, 11, 4)
    assert q.quarter_of(date(2026, 8, 31), q.ACADEMIC, {}).number == 4


def test_every_day_of_a_year_is_in_exactly_one_quarter():
    for mode, year in ((q.CALENDAR, 2026), (q.ACADEMIC, 2025)):
        qs = q.quarters_of_year(year, mode, SETTINGS)
        assert qs[0].start in (date(2026, 1, 1), date(2025, 9, 1))
        for a, b in zip(qs, qs[1:]):
            assert (b.start - a.end).days == 1
        assert [x.key for x in qs] == [f"{year}-{'q' if mode == q.CALENDAR else 't'}{n}"
                                       for n in range(1, 5)]


@pytest.mark.parametrize("terms,message", [
    (TERMS_2025[:3], "всех четырёх"),
    ([(date(2025, 9, 1), date(2025, 8, 30))] + TERMS_2025[1:], "раньше, чем начинается"),
    ([(date(2025, 8, 25), date(2025, 10, 24))] + TERMS_2025[1:], "выходит за пределы"),
    ([TERMS_2025[0], (date(2025, 10, 20), date(2025, 12, 28))] + TERMS_2025[2:], "закончилась 1-я"),
    ([(None, date(2025, 10, 24))] + TERMS_2025[1:], "Укажите начало"),
])
def test_invalid_terms_are_refused_in_russian(terms, message):
    with pytest.raises(q.QuarterError, match=message):
        q.validate_terms(2025, terms)


def test_terms_are_stored_per_region_and_read_back(world):
    q.save_terms(world.region.id, 2025, TERMS_2025)
    assert q.load_terms(world.region.id) == {2025: TERMS_2025}
    assert q.load_terms(world.region2.id) == {}
    changed = [(TERMS_2025[0][0], date(2025, 10, 25))] + TERMS_2025[1:]
    q.save_terms(world.region.id, 2025, changed)
    assert q.load_terms(world.region.id)[2025][0] == (date(2025, 9, 1), date(2025, 10, 25))
