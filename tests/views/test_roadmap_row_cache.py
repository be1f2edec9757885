"""The roadmap row cache (web.FragmentCache behind ``roadmap_row``): rows served from it are the
rows the template renders, every change shows at once, and no row carries another user's CSRF
token."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import ItemReport, ItemStatus, OrgKind
from shnor_app.services import roadmaps as svc
from shnor_app.formatting import today

from tests.conftest import login, post
from tests.factories.core import make_org, make_user
from tests.factories.roadmaps import make_roadmap

TOKEN = re.compile(r'I[A-Za-z0-9_-]{30,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+')
ROW_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _html(resp):
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def _without_tokens(html: str) -> str:
    return TOKEN.sub("TOKEN", html)


@pytest.fixture
def roadmap(world):
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО района")
    rm, section, items = make_roadmap(authority, 6, executors="МКОУ СОШ с. Заозёрное, УО района")
    svc.add_report(items[0], text="Провели совещание", report_date=None,
                   by=world.users["methodist"])
    svc.add_report(items[0], text="Второй отчёт <b>жирный</b>", report_date=None,
                   by=world.users["methodist"])
    svc.set_status(items[1], ItemStatus.IN_PROGRESS)
    items[2].period_end = today() - timedelta(days=3)   # overdue
    items[3].period_end = today() + timedelta(days=3)   # due soon
    db.session.commit()
    return rm, items


@pytest.mark.parametrize("role, url", [
    ("methodist", "/roadmaps/{id}"),
    ("methodist", "/roadmaps/{id}?overdue=1"),
    ("viewer", "/roadmaps/{id}"),
    ("school", "/roadmaps/my-items"),
])
def test_rows_from_the_cache_are_the_rendered_rows(world, app, roadmap, fragment_caches, role, url):
    rm, _ = roadmap
    url = url.format(id=rm.id)
    fragment_caches(0)
    c = login(app.test_client(), world.users[role])
    uncached = _without_tokens(_html(c.get(url)))
    fragment_caches(3000)
    first = _without_tokens(_html(c.get(url)))    # fills the cache
    second = _without_tokens(_html(c.get(url)))   # served from it
    assert first == uncached and second == uncached
    assert 'id="item-' in uncached


def test_every_change_of_a_row_shows_on_the_next_page(world, app, roadmap, fragment_caches):
    fragment_caches(3000)
    rm, items = roadmap
    c = login(app.test_client(), world.users["methodist"])
    _html(c.get(f"/roadmaps/{rm.id}"))
    svc.set_status(items[4], ItemStatus.IN_PROGRESS)
    items[5].text = "Мероприятие с новым текстом"        # one field per row: a key that
    items[2].expected_result = "Новый ожидаемый результат"  # missed one would show here
    db.session.commit()
    svc.add_report(items[1], text="Свежий отчёт школы", report_date=None,
                   by=world.users["methodist"])
    items[3].period_end = today() - timedelta(days=1)
    db.session.commit()
    html = _html(c.get(f"/roadmaps/{rm.id}"))
    row = lambda item: html[html.index(f'id="item-{item.id}"'):].split("</tr>", 1)[0]  # noqa: E731
    assert 'value="IN_PROGRESS" selected' in row(items[4])
    assert "Мероприятие с новым текстом" in row(items[5])
    assert "Новый ожидаемый результат" in row(items[2])
    assert "Свежий отчёт школы" in row(items[1])
    assert "просрочено" in row(items[3])
    # an executor renamed in the registry (every row shows it)
    world.school_a.short_name = "МКОУ СОШ с. Заозёрное (переименована)"
    db.session.commit()
    html = _html(c.get(f"/roadmaps/{rm.id}"))
    assert all("(переименована)" in row(item) for item in items)
    # the report count link follows a deleted report
    report = db.session.scalar(select(ItemReport).where(ItemReport.item_id == items[0].id)
                               .order_by(ItemReport.id.desc()))
    assert "все отчёты (2)" in row(items[0])
    svc.delete_report(report)
    html = _html(c.get(f"/roadmaps/{rm.id}"))
    assert "все отчёты" not in row(items[0]) and "Провели совещание" in row(items[0])


def test_a_cached_row_carries_the_token_of_whoever_looks_at_it(world, app, roadmap, fragment_caches):
    fragment_caches(3000)
    rm, items = roadmap
    colleague = make_user("methodist", municipality_id=world.muni.id)
    a = login(app.test_client(), world.users["methodist"])
    b = login(app.test_client(), colleague)
    page_a = _html(a.get(f"/roadmaps/{rm.id}"))
    page_b = _html(b.get(f"/roadmaps/{rm.id}"))       # rows come from the cache A filled
    tokens_a, tokens_b = set(ROW_TOKEN.findall(page_a)), set(ROW_TOKEN.findall(page_b))
    assert len(tokens_a) == 1 and len(tokens_b) == 1 and tokens_a != tokens_b
    assert tokens_a.pop() not in page_b
    # B's row form works without JavaScript: the token in the row is B's
    resp = b.post(f"/roadmaps/items/{items[4].id}/status",
                  data={"status": "IN_PROGRESS", "csrf_token": tokens_b.pop()})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(items[4]), items[4].id).status == ItemStatus.IN_PROGRESS
    # and B's status form posted by htmx answers with the row, also from the same template
    resp = post(b, f"/roadmaps/items/{items[5].id}/status", {"status": "IN_PROGRESS"}, htmx=True)
    assert resp.status_code == 200 and f'id="item-{items[5].id}"' in resp.get_data(as_text=True)
