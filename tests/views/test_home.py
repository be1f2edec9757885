"""The start page: its own figures at once, the territory-wide panels loaded by htmx."""
from datetime import timedelta

from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import OrgKind, Roadmap, RoadmapLevel, RoadmapSection
from shnor_app.services import recommendations as rec_svc
from shnor_app.services import roadmaps as rm_svc
from shnor_app.web import today
from tests.conftest import count_queries, hx_get, start_page
from tests.factories.core import make_org
from tests.factories.monitoring import make_result
from tests.factories.recommendations import make_recommendation


def _html(resp):
    return resp.get_data(as_text=True)


def test_territory_panels_load_after_the_page(world, login_as):
    c = login_as("methodist")
    page = _html(c.get("/"))
    assert 'hx-get="/panels/monitoring" hx-trigger="load"' in page
    assert 'id="monitoring-panel"' not in page  # not computed for the page itself
    assert '<a href="/panels/monitoring">' in page  # without JavaScript: a link
    frag = _html(hx_get(c, "/panels/monitoring"))
    assert "<html" not in frag and 'id="monitoring-panel"' in frag
    alone = _html(c.get("/panels/monitoring"))
    assert "<html" in alone and 'id="monitoring-panel"' in alone


def test_no_placeholder_for_a_panel_that_does_not_concern_the_user(world, login_as):
    page = _html(login_as("school").get("/"))
    assert "/panels/monitoring" not in page
    assert "/panels/roadmap-due" in page
    assert "/panels/roadmap-due" not in _html(login_as("viewer").get("/"))


def test_a_panel_with_nothing_to_say_answers_nothing(world, login_as, rec_source):
    c = login_as("tutor")
    resp = hx_get(c, "/panels/recommendations")
    assert resp.status_code == 200 and _html(resp).strip() == ""  # htmx drops the placeholder
    assert "Сейчас здесь ничего нет" in _html(c.get("/panels/recommendations"))


def _roadmap_with_deadlines(owner, n):
    rm = Roadmap(owner_id=owner.id, title="Дорожная карта школы", year=today().year,
                 level=RoadmapLevel.SCHOOL)
    rm_svc.save_roadmap(rm, is_new=True)
    section = db.session.scalar(select(RoadmapSection).where(RoadmapSection.roadmap_id == rm.id))
    for i in range(n):
        day = today() - timedelta(days=30 + i) if i % 2 else today() + timedelta(days=3)
        rm_svc.add_item(section, {"text": f"Пункт {i}", "period_text": day.strftime("до %d.%m.%Y"),
                                  "executors": owner.short_name})


def test_start_page_and_panels_do_not_grow_queries_with_rows(app, world, login_as, rec_source):
    """A user with many deadlines, recommendations and results costs as many queries as one
    with a few: every panel counts in SQL and lists a bounded number of rows."""
    urls = ["/", "/panels/roadmap-due", "/panels/recommendations", "/panels/monitoring"]

    def counts(role):
        c = login_as(role)
        out = {}
        for url in urls:
            with count_queries() as q:
                resp = hx_get(c, url) if url != "/" else c.get(url)
            out[url] = (resp.status_code, q["n"])
        return out

    _roadmap_with_deadlines(world.school_a, 2)
    reported = make_recommendation(world.school_a, "Первая")
    rec_svc.report(reported, text="Сделано", by=world.users["school"])
    make_recommendation(world.school_a, "Вторая", due=today() - timedelta(days=1))
    make_result(world.school_a, 2025, "VPR", "Математика", 5, 35.0)
    few = {role: counts(role) for role in ("school", "methodist")}

    _roadmap_with_deadlines(world.school_a, 40)
    for i in range(25):
        school = make_org(world.muni, short_name=f"Школа {i}", statuses=["LOW_RESULTS"])
        make_result(school, 2025, "VPR", "Математика", 5, 31.0 + i)
        rec = make_recommendation(school if i % 2 else world.school_a, f"Рекомендация {i}",
                   due=today() - timedelta(days=i))
        if i % 3 == 0:
            rec_svc.report(rec, text="Сделано", by=world.users["admin"])
    many = {role: counts(role) for role in ("school", "methodist")}
    assert many == few


def test_deadline_panel_counts_everything_and_lists_the_first(world, login_as):
    _roadmap_with_deadlines(world.school_a, 30)  # 15 overdue, 15 due in three days
    html = start_page(login_as("school"))
    assert 'id="roadmap-overdue-count">15<' in html and 'id="roadmap-due-soon-count">15<' in html
    overdue = html.split('id="roadmap-overdue"')[1].split("</ul>")[0]
    assert overdue.count("<li>") == 10
    assert "Все просроченные пункты (15)" in html
    soon = html.split('id="roadmap-due-soon"')[1].split("</ul>")[0]
    assert soon.count("<li>") == 10  # not crowded out by the overdue ones


def test_other_kinds_of_organisation_own_no_deadline_panel_by_accident(world, login_as):
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО района")
    _roadmap_with_deadlines(authority, 2)
    assert "Пункт 0" not in start_page(login_as("school"))
    assert "Пункт 0" in start_page(login_as("methodist"))
