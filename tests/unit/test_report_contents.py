"""Report contents on a fixture with known answers (``reports_world`` in
tests/factories/reports.py): every figure is checked, on SQLite and on PostgreSQL
(``TEST_DATABASE_URL``)."""
from __future__ import annotations

import pytest

from shnor_app import policy
from shnor_app.models import ReportKind
from shnor_app.services import reports as svc
from tests.factories.reports import DAY, reports_world

YEAR = svc.Period(2026)


@pytest.fixture
def rw(world):
    return reports_world(world)


def _compute(world, kind, period=YEAR, user="methodist", **where):
    u = world.users[user]
    t = policy.territory(u, municipality_id=where.get("municipality"),
                         school_id=where.get("school"))
    return svc.compute(kind, u, t, period, day=DAY)


def facts(section) -> dict:
    return {label: value for label, value in section.facts}


def test_roadmap_report_counts_items_shares_and_overdue(world, rw):
    data = _compute(world, ReportKind.ROADMAP)
    assert data.as_of == "31.12.2026" and data.period_label == "2026 год"
    assert data.authority == "Управление образования администрации Приречного района"
    f = facts(data.section("summary"))
    assert (f["Всего пунктов"], f["Выполнено"], f["В работе"], f["Не начато"], f["Отменено"],
            f["Просрочено"]) == (4, 1, 1, 1, 1, 1)
    assert (f["Доля выполненных, %"], f["Доля в работе, %"], f["Доля просроченных, %"]) == \
        (33.3, 33.3, 33.3)
    by_section = data.section("summary").tables[0]
    assert by_section.rows[0] == [rw.roadmap.title, 4, 1, 1, 1, 33]
    assert by_section.rows[1] == ["I. Организационные мероприятия", 4, 1, 1, 1, 33]
    items = data.section("items").tables[0]
    assert items.rows[0][0] == "I. Организационные мероприятия" and items.section_rows == [0]
    done = items.rows[1]
    assert done[:6] == ["1.", "Совещание с руководителями ШНОР", "январь – март 2026 г.",
                        "УО, ЦОКО", "выполнено", "Проведено 2 совещания"]
    assert done[6] == ("02.04.2026: Совещание проведено, протокол № 3 "
                       "(подтверждение: https://example.org/protocol-3)")
    assert items.rows[2][4] == "в работе (просрочено)"
    overdue = data.section("overdue")
    assert facts(overdue) == {"Просрочено пунктов": 1}
    assert overdue.tables[0].rows == [["2.", "Методические выезды в ШНОР", "31.05.2026",
                                       "УО, ЦОКО", "в работе", rw.roadmap.title]]
    assert "выполнено 1 (33,3 %)" in data.section("summary").text


def test_roadmap_report_of_a_quarter_lists_only_its_reports(world, rw):
    data = _compute(world, ReportKind.ROADMAP, svc.Period(2026, 3))
    assert data.as_of == "30.09.2026"
    assert data.section("items").tables[0].rows[1][6] == ""


def test_analytical_note_figures(world, rw):
    data = _compute(world, ReportKind.ANALYTICAL)
    st = facts(data.section("statuses"))
    assert (st["ШНОР в 2026 г."], st["ШНОР в 2025 г."], st["Вышли из списка"],
            st["Вошли в список"], st["Зона риска в 2026 г."]) == (2, 2, 1, 1, 1)
    assert data.section("statuses").tables[1].rows == [["МБОУ ООШ № 7", "МКОУ СОШ с. Заозёрное"]]
    assert data.section("statuses").text.startswith(
        "В 2025 году на сопровождении находилось 2 ШНОР, из них 1 вышли из списка в 2026 году")
    res = facts(data.section("results"))
    assert res["Доля «2» ВПР в 2026 г., %"] == 17.5
    assert res["Доля «2» ОГЭ в 2026 г., %"] == 35.0
    assert (res["Школ с результатами в 2026 г."],
            res["Соответствуют критериям ШНОР по итогам 2026 г."]) == (2, 1)
    pa = facts(data.section("partnerships"))
    assert (pa["Действующих партнёрств"], pa["Совместных мероприятий за период"]) == (1, 1)
    table = data.section("partnerships").tables[0]
    assert table.rows[0] == ["", "Всего ШНОР и школ с низким ИОР", 3, 3, 3, 3]
    assert table.rows[1][2:] == [1, 1, 1, 1]       # 4.1
    assert table.rows[3][2:] == [1, 0, 0, 0]       # 4.3
    assert table.rows[4][2:] == [1, 0, 0, 0]       # 4.4
    vi = facts(data.section("visits"))
    assert (vi["Посещений за период"], vi["Рекомендаций дано"], vi["Рекомендаций выполнено"],
            vi["Рекомендаций просрочено"], vi["Рекомендаций к выполнению"]) == (1, 2, 1, 1, 1)
    co = facts(data.section("courses"))
    assert (co["Педагогов"], co["Прошли КПК за 3 года"], co["Показатель 2.1, %"],
            co["Прошли КПК по работе со слабоуспевающими"], co["Показатель 3.2, %"]) == \
        (4, 2, 50.0, 1, 25.0)
    assert (co["ИОМ"], co["Мероприятий ИОМ"], co["Мероприятий ИОМ выполнено"],
            co["Мероприятий ИОМ просрочено"]) == (1, 2, 1, 1)
    iv = facts(data.section("interviews"))
    assert (iv["Собеседований назначено"], iv["Собеседований проведено"],
            iv["Решений по итогам"]) == (1, 1, 2)
    assert data.section("interviews").tables[0].rows[0][4] == \
        "1. Утвердить план подготовки\n2. Организовать консультации"
    sc = facts(data.section("scores"))
    assert sc["Итог: МБОУ СОШ № 9"] == 1 and sc["Итог: МКОУ СОШ с. Заозёрное"] == 0
    assert sc["Показателей в системе"] == 1


def test_quarterly_monitoring_agrees_with_the_indicator_pages(world, rw):
    from shnor_app.services.courses import coverage
    from shnor_app.services.partnerships import indicators, quarters

    data = _compute(world, ReportKind.QUARTERLY, svc.Period(2026, 1))
    assert [s.key for s in data.sections] == ["scores", "courses", "partnerships", "visits",
                                              "roadmap"]
    u = world.users["methodist"]
    t = policy.territory(u)
    q = quarters.calendar_quarter(2026, 1)
    page = indicators.build_report(t.school_ids(), [q], title="", year_label="")
    table = data.section("partnerships").tables[0]
    assert [row[2] for row in table.rows[1:]] == [page.count(c, q) for c in indicators.CODES]
    assert [row[2] for row in table.rows[1:]] == [1, 0, 1, 1]
    cov = coverage.total(coverage.coverage_by_school([s.id for s in t.school_list()],
                                                     q.end).values())
    assert facts(data.section("courses"))["Показатель 2.1, %"] == cov.share == 50.0
    assert facts(data.section("visits"))["Посещений за период"] == 1
    assert facts(data.section("roadmap"))["Просрочено"] == 0   # on 31.03.2026 nothing yet


def test_quarterly_monitoring_needs_a_quarter(world, rw):
    with pytest.raises(svc.ReportError) as err:
        _compute(world, ReportKind.QUARTERLY)
    assert err.value.fields == {"quarter": "Выберите квартал."}


def test_school_report_covers_the_school_only(world, rw):
    data = _compute(world, ReportKind.ANALYTICAL, school=world.school_a.id)
    assert data.territory == "МКОУ СОШ с. Заозёрное"
    assert facts(data.section("statuses"))["ШНОР в 2026 г."] == 1
    assert facts(data.section("results"))["Доля «2» ВПР в 2026 г., %"] == 40.0


def test_issue_numbers_and_versions(world, rw):
    u = world.users["methodist"]
    t = policy.territory(u)
    first = svc.issue(ReportKind.ANALYTICAL, u, t, YEAR, {"statuses": "Свой текст"}, day=DAY)
    second = svc.issue(ReportKind.ROADMAP, u, t, YEAR, {}, day=DAY)
    assert (first.number, first.version, second.number) == (1, 1, 2)
    assert first.year == 2027 and first.issued_on == DAY
    assert svc.content_of(first).section("statuses").text == "Свой текст"
    again = svc.issue(ReportKind.ANALYTICAL, u, t, YEAR, {}, previous=first, day=DAY)
    assert (again.number, again.version, again.previous_id) == (1, 2, first.id)
    assert [r.id for r in svc.versions(first)] == [first.id, again.id]
    assert svc.content_of(first).section("statuses").text == "Свой текст"  # never changed
    assert first.pdf.startswith(b"%PDF") and first.docx[:2] == b"PK" and first.xlsx[:2] == b"PK"


def test_issue_refuses_a_text_over_the_limit(world, rw):
    from shnor_app.services.reports.content import TEXT_MAX

    u = world.users["methodist"]
    with pytest.raises(svc.ReportError) as err:
        svc.issue(ReportKind.ANALYTICAL, u, policy.territory(u), YEAR,
                  {"results": "x" * (TEXT_MAX + 1)}, day=DAY)
    assert list(err.value.fields) == ["text-results"]


def test_a_number_taken_meanwhile_is_not_given_twice(world, rw, monkeypatch):
    u = world.users["methodist"]
    t = policy.territory(u)
    first = svc.issue(ReportKind.ROADMAP, u, t, YEAR, {}, day=DAY)
    real = svc._next_number
    calls = []

    def stale(key, issued_on, previous):  # as if read before ``first`` was committed
        calls.append(key)
        return (first.year, first.number, 1) if len(calls) == 1 else real(key, issued_on,
                                                                           previous)

    monkeypatch.setattr(svc, "_next_number", stale)
    second = svc.issue(ReportKind.ROADMAP, u, policy.territory(u), YEAR, {}, day=DAY)
    assert (second.number, len(calls)) == (2, 2)
