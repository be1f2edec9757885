"""«Итоги сопровождения» through the test client: the figures of a municipality with their
links to the schools behind them, the method text, the small-group caution, the region's and a
municipality's scope, the .xlsx of every table, and a query count that does not grow with the
number of schools."""
import io

from openpyxl import load_workbook

from shnor_app.models import Municipality
from shnor_app.extensions import db

from tests.conftest import count_queries, hx_get, login
from tests.factories.core import make_org, make_statuses, make_user
from tests.factories.outcomes import make_outcome_results, outcomes_world


def _html(resp):
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def test_a_methodist_sees_the_figures_of_the_municipality(world, login_as):
    outcomes_world(world)
    html = _html(login_as("methodist").get("/outcomes/"))
    assert "Итоги сопровождения" in html and "ШНОР какого года" in html
    # the method on the page: what is compared, which years, not a proof of cause
    assert "Школы со статусом ШНОР в <strong>2023</strong> году" in html
    assert "<strong>2022</strong> году — год до начала сопровождения" in html
    assert "<strong>2025</strong> году — последний год с результатами" in html
    assert "Сравнение — не доказательство причины." in html
    # visits: school_a −20, −10, −8, −6, +4 → median −8; without: +6 (one school, cautioned)
    assert "/outcomes/schools?set=m:visits:with&amp;cohort=2023" in html
    assert "−8 п. п." in html and "+6 п. п." in html
    assert 'title="Школ в группе меньше 5 (1): по такой группе выводы делать нельзя' in html
    assert "мало школ — вывода нет" in html and "в группе меньше 5 школ — по такой группе" in html
    # school_b is in another municipality: not among the methodist's figures
    assert "Заречный район" not in html
    assert 'role="img"' in html and "outcomes-chart" in html


def test_each_figure_links_to_the_schools_behind_it(world, login_as):
    made = outcomes_world(world).schools
    c = login_as("methodist")
    html = _html(c.get("/outcomes/schools?set=m:visits:without&cohort=2023"))
    assert made[4].short_name in html and world.school_a.short_name not in html
    assert "+6 п. п." in html and f"/registry/organizations/{made[4].id}" in html
    left = _html(c.get("/outcomes/schools?set=exit:y:2023:left_2&cohort=2023"))
    assert world.school_a.short_name in left and made[0].short_name not in left
    assert c.get("/outcomes/schools?set=nonsense").status_code == 404


def test_the_region_sees_every_municipality_and_can_pick_one(world, login_as):
    outcomes_world(world)
    c = login_as("region")
    html = _html(c.get("/outcomes/"))
    assert "Заречный район" in html and "Приречный район" in html
    one = _html(hx_get(c, f"/outcomes/?municipality={world.muni2.id}&cohort=2023"))
    assert one.startswith('<div id="outcomes-body">') and "Приречный район" not in one
    assert c.get(f"/outcomes/?municipality={world.muni_far.id}").status_code == 404


def test_no_data_says_so(world, login_as):
    html = _html(login_as("methodist").get("/outcomes/"))
    assert "таких данных пока нет" in html


def test_every_table_exports_to_xlsx_as_text(world, login_as):
    outcomes_world(world)
    muni = db.session.get(Municipality, world.muni.id)
    muni.name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    c = login_as("methodist")
    resp = c.get("/outcomes/export.xlsx?cohort=2023")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == ["Меры", "Интенсивность", "Выход из списка",
                             "Выход по муниципалитетам", "Выход по мерам", "Риски"]
    rows = list(wb["Меры"].iter_rows(values_only=True))
    visits = [r for r in rows if r[0] == "Выезды в школу"]
    assert visits[0][1:4] == ("ШНОР 2023 с мерой", 5, -8) and visits[1][2] == 1
    assert "выводы делать нельзя" in visits[1][6]
    muni_cell = wb["Выход по муниципалитетам"]["A4"]
    assert muni_cell.value.startswith("=HYPERLINK") and muni_cell.data_type == "s"
    one = load_workbook(io.BytesIO(c.get("/outcomes/export.xlsx?table=risks").data))
    assert one.sheetnames == ["Риски"]
    assert c.get("/outcomes/export.xlsx?table=bogus").status_code == 404


def test_query_count_does_not_grow_with_the_schools(app, world):
    outcomes_world(world, extra_schools=2)
    user = make_user("methodist", login="outcomes-m", municipality_id=world.muni.id)
    c = login(app.test_client(), user)
    with count_queries() as small:
        _html(c.get("/outcomes/"))
    for i in range(12):
        s = make_org(world.muni, short_name=f"МКОУ СОШ № {200 + i}")
        make_statuses(s, 2023)
        make_outcome_results(s, 45.0, 30.0)
    with count_queries() as big:
        html = _html(c.get("/outcomes/"))
    assert big["n"] == small["n"], (small["n"], big["n"])


def test_kpk_coverage_counts_the_teachers_trained_in_the_years_of_support(world, login_as):
    from tests.factories.core import make_staff
    from tests.factories.courses import make_course, make_enrollment
    from datetime import date

    made = outcomes_world(world).schools
    course = make_course(world.region)
    teachers = [make_staff(made[0]) for _ in range(5)]
    for t in teachers[:4]:          # 4 of 5 in 2024: 80 %
        make_enrollment(course, t, completed_on=date(2024, 5, 20))
    make_staff(made[1])
    old = make_staff(made[1])
    make_enrollment(course, old, completed_on=date(2021, 5, 20))  # before the support
    c = login_as("methodist")
    high = _html(c.get("/outcomes/schools?set=d:coverage:high&cohort=2023"))
    assert made[0].short_name in high and made[1].short_name not in high
    low = _html(c.get("/outcomes/schools?set=d:coverage:low&cohort=2023"))
    assert made[1].short_name in low
    with_kpk = _html(c.get("/outcomes/schools?set=m:courses:with&cohort=2023"))
    assert made[0].short_name in with_kpk and made[1].short_name not in with_kpk


def test_the_figures_are_kept_for_a_while_when_the_cache_is_on(app, world):
    from sqlalchemy import select

    from shnor_app.models import Organization
    from shnor_app.services import outcomes as svc

    outcomes_world(world)
    ids = select(Organization.id).where(Organization.municipality_id == world.muni.id)
    app.config["OUTCOMES_CACHE_SECONDS"] = 60
    try:
        first = svc.outcomes(ids, 2023)
        with count_queries() as again:
            assert svc.outcomes(ids, 2023) is first
        assert again["n"] == 1          # the schools' ids, to know the set
        make_statuses(make_org(world.muni), 2023)
        assert svc.outcomes(ids, 2023) is not first   # another set of schools
    finally:
        app.config.pop("OUTCOMES_CACHE_SECONDS")
