"""Indicator systems as data: bands and dynamics scored on fixtures with known answers."""
import pytest

from shnor_app import areas

from shnor_app.models import Indicator, IndicatorScoring
from shnor_app.services.monitoring import indicators as ind

from tests.factories.core import make_municipality, make_org, make_region
from tests.factories.monitoring import make_result


@pytest.mark.parametrize("text,expected", [
    ("До 5%-3 балла; 6-30%-1 балл; Более 30%-0 баллов",
     [(5, 3), (30, 1), (None, 0)]),
    ("≤5 → 3; 6–30 → 1; >30 → 0", [(5, 3), (30, 1), (None, 0)]),
    ("до 15%- 1 балл\nот 16-25%-2 балла\nвыше 26%-3 балла", [(15, 1), (25, 2), (None, 3)]),
    ("0-25%-1 балл; 26-50%-2 балла; Более 50%-3 балла", [(25, 1), (50, 2), (None, 3)]),
    ("до 5 — 3; свыше 5 до 30 — 1; более 30 — 0", [(5, 3), (30, 1), (None, 0)]),
    ("более 30 — 0; до 5 — 3; 6–30 — 1", [(5, 3), (30, 1), (None, 0)]),  # any order
    ("до 4,5 — 2; более 4,5 — 0", [(4.5, 2), (None, 0)]),
])
def test_parse_bands_as_people_write_them(text, expected):
    assert [(b["upto"], b["points"]) for b in ind.parse_bands(text)] == expected


@pytest.mark.parametrize("text,message", [
    ("", "Укажите диапазоны"),
    ("до 5", "не видно баллов"),
    ("около 5 — 3", "не распознан"),
    ("более 5 — 1; более 10 — 0", "только один"),
    ("до 5 — 3; до 5 — 1", "одним и тем же"),
    ("30-6 — 1", "больше конца"),
    ("до 30 — 1; более 10 — 0", "пересекается"),
])
def test_parse_bands_refuses_what_it_cannot_read(text, message):
    with pytest.raises(ind.IndicatorError, match=message):
        ind.parse_bands(text)


def test_format_bands_round_trips():
    bands = ind.parse_bands("до 5 — 3; 6–30 — 1; более 30 — 0")
    assert ind.format_bands(bands) == "до 5 — 3; свыше 5 до 30 — 1; более 30 — 0"
    assert ind.parse_bands(ind.format_bands(bands)) == bands


def test_score_bands_at_the_edges():
    bands = ind.parse_bands("до 5 — 3; 6–30 — 1; более 30 — 0")
    assert [ind.score_bands(bands, v) for v in (0, 5, 5.5, 6, 30, 30.01, 99)] == \
        [3, 3, 1, 1, 1, 0, 0]
    assert ind.score_bands(bands, None) is None
    closed = ind.parse_bands("0-25 — 1; 26-50 — 2")
    assert ind.score_bands(closed, 60) is None  # above every closed band: not scored


def test_score_dynamics():
    d = {"positive": 3, "zero": 3, "negative": 0}
    assert ind.score_dynamics(d, 1.5, 1.0) == 3
    assert ind.score_dynamics(d, 1.0, 1.0) == 3
    assert ind.score_dynamics(d, 0.5, 1.0) == 0
    assert ind.score_dynamics(d, None, 1.0) is None
    assert ind.score_dynamics({"positive": 0, "zero": 1, "negative": 3}, 20, 30) == 3


@pytest.fixture
def system():
    """Three schools with known results and a two-indicator system of the Slavyansky kind."""
    region = make_region()
    muni = make_municipality(region)
    a, b, c = (make_org(muni, short_name=n) for n in ("Школа А", "Школа Б", "Школа В"))
    # ВПР Russian grade 5: share of «2» now and the year before, share of «5»
    for org, now2, now5, before2, before5 in ((a, 4.0, 20.0, 10.0, 20.0),
                                              (b, 20.0, 10.0, 10.0, 10.0),
                                              (c, 40.0, 0.0, None, None)):
        make_result(org, 2024, "VPR", "Русский язык", 5, now2, now5)
        if before2 is not None:
            make_result(org, 2023, "VPR", "Русский язык", 5, before2, before5)
    make_result(a, 2024, "VPR", "Математика", 5, 50.0)  # another subject: not in 1.10
    params = {"procedure": "VPR", "subject": "русский язык", "grade": 5}
    i110 = Indicator(municipality_id=muni.id, code="1.10", name="ВПР русский 5", position=1,
                     source="assessment.share_2", params=params, scoring=IndicatorScoring.BANDS,
                     bands=ind.parse_bands("до 5 — 3; 6–30 — 1; более 30 — 0"), dynamics={})
    i114 = Indicator(municipality_id=muni.id, code="1.14", name="Динамика 5/2", position=2,
                     source="assessment.ratio_5_2", params=params,
                     scoring=IndicatorScoring.DYNAMICS, bands=[], dynamics=ind.DYNAMICS_DEFAULT)
    from shnor_app.extensions import db

    db.session.add_all([i110, i114])
    db.session.commit()
    return muni, [a, b, c], [i110, i114]


def test_score_table_known_answers(system):
    muni, schools, (i110, i114) = system
    rows = {r.org.short_name: r for r in ind.score_table([i110, i114], schools, 2024)}
    a, b, c = rows["Школа А"], rows["Школа Б"], rows["Школа В"]
    assert (a.cells[i110.id].value, a.cells[i110.id].points) == (4.0, 3)
    assert (b.cells[i110.id].value, b.cells[i110.id].points) == (20.0, 1)
    assert (c.cells[i110.id].value, c.cells[i110.id].points) == (40.0, 0)
    # ratio 5/2: A 20/4=5 ← 20/10=2 (rise → 3); B 10/20=0.5 ← 1 (fall → 0); C no last year
    assert (a.cells[i114.id].value, a.cells[i114.id].before, a.cells[i114.id].points) == (5.0, 2.0, 3)
    assert (b.cells[i114.id].points, c.cells[i114.id].points) == (0, None)
    assert (a.total, b.total, c.total) == (6, 1, 0)
    assert ind.max_points(i110) == 3 and ind.max_points(i114) == 3


def test_editing_a_band_recomputes(system):
    muni, schools, (i110, _) = system
    data = {"code": "1.10", "name": i110.name, "source": i110.source, "procedure": "VPR",
            "subject": "Русский язык", "grade": 5, "scoring": "BANDS",
            "bands": "до 25 — 5; более 25 — 0"}
    ind.save_indicator(i110, data)
    rows = {r.org.short_name: r for r in ind.score_table([i110], schools, 2024)}
    assert [rows[n].cells[i110.id].points for n in ("Школа А", "Школа Б", "Школа В")] == [5, 5, 0]


def test_ratio_takes_a_zero_share_of_2_as_1(system):
    _, (a, _, _), _ = system
    make_result(a, 2022, "VPR", "Русский язык", 5, 0.0, 12.0)
    assert ind.ratio_5_2([a.id], 2022, procedure="VPR", subject="Русский язык", grade=5) == {a.id: 12.0}


def test_sort_rows_puts_unknown_last(system):
    muni, schools, (i110, i114) = system
    rows = ind.score_table([i110, i114], schools, 2024)
    by_dyn = ind.sort_rows(rows, str(i114.id), descending=True)
    assert [r.org.short_name for r in by_dyn] == ["Школа А", "Школа Б", "Школа В"]
    assert [r.org.short_name for r in ind.sort_rows(rows, "total", False)] == \
        ["Школа В", "Школа Б", "Школа А"]


def test_save_indicator_validates(system):
    muni, _, _ = system
    new = Indicator(municipality_id=muni.id)
    with pytest.raises(ind.IndicatorError, match="уже есть"):
        ind.save_indicator(new, {"code": "1.10", "name": "x", "source": "assessment.share_2",
                                 "scoring": "BANDS", "bands": "до 5 — 1"}, is_new=True)
    with pytest.raises(ind.IndicatorError, match="источник"):
        ind.save_indicator(new, {"code": "9", "name": "x", "source": "nope", "scoring": "BANDS",
                                 "bands": "до 5 — 1"}, is_new=True)


def test_sources_registry_accepts_other_modules():
    calls = []

    def coverage(org_ids, year):
        calls.append((tuple(org_ids), year))
        return {org_id: 100.0 for org_id in org_ids}

    areas.contribute("test-area", indicator_sources={
        "test.coverage": areas.IndicatorSource("Охват КПК", "%", coverage)})
    try:
        assert ind.sources()["test.coverage"].compute([1, 2], 2024) == {1: 100.0, 2: 100.0}
    finally:
        areas.withdraw("test-area")
    assert "test.coverage" not in ind.sources()
