"""The kept roadmap table (``routes._table_html``): a table served from the cache is the table
the template renders for that user, a change of the roadmap shows at once while a change of
another roadmap leaves it kept, and the kept table never carries another user's CSRF token."""
import re

import pytest
from sqlalchemy import update

from shnor_app.extensions import db
from shnor_app.models import ItemStatus, OrgKind, RoadmapItem, RoadmapSection
from shnor_app.services import roadmaps as svc

from tests.conftest import count_queries, login
from tests.factories.core import make_org, make_user
from tests.factories.roadmaps import make_roadmap

TOKEN = re.compile(r'I[A-Za-z0-9_-]{30,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+')
FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
ROLES = ("methodist", "region", "school", "viewer", "tutor", "admin")


def _html(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def _table(html: str) -> str:
    start = html.index('<div id="roadmap-table">')
    return TOKEN.sub("TOKEN", html[start:html.index('<section aria-labelledby="rm-files-h">')])


@pytest.fixture
def roadmaps(world):
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО района")
    rm, _, items = make_roadmap(authority, 5, executors="МКОУ СОШ с. Заозёрное, УО района")
    other, _, other_items = make_roadmap(authority, 2, title="Другая карта")
    svc.add_report(items[0], text="Провели совещание", report_date=None,
                   by=world.users["methodist"])
    return rm, items, other, other_items


def _clients(app, world):
    return {role: login(app.test_client(), world.users[role]) for role in ROLES}


def test_each_user_gets_the_table_rendered_for_them(world, app, roadmaps, fragment_caches):
    """Whoever filled the cache, every role gets the buttons of its own rights."""
    rm, *_ = roadmaps
    url = f"/roadmaps/{rm.id}"
    clients = _clients(app, world)
    fragment_caches(0)
    rendered = {role: c.get(url) for role, c in clients.items()}
    rendered = {role: _table(_html(r)) for role, r in rendered.items() if r.status_code == 200}
    assert {"methodist", "viewer", "region", "admin"} <= set(rendered)
    assert rendered["methodist"] != rendered["viewer"]  # the buttons differ
    fragment_caches(3000)
    for order in (list(rendered), list(reversed(rendered))):
        for role in order:
            assert _table(_html(clients[role].get(url))) == rendered[role], role


def test_a_kept_table_costs_a_few_queries_whatever_its_length(world, app, roadmaps,
                                                                 fragment_caches):
    fragment_caches(3000)
    rm, items, *_ = roadmaps
    c = login(app.test_client(), world.users["methodist"])
    with count_queries() as first:
        filled = _table(_html(c.get(f"/roadmaps/{rm.id}")))
    with count_queries() as kept:
        assert _table(_html(c.get(f"/roadmaps/{rm.id}"))) == filled
    assert kept["n"] < first["n"]
    assert not any("roadmap_items" in sql and "SELECT" in sql and "executor" not in sql
                   for sql in kept["sql"]), kept["sql"]
    # the same query count for a longer roadmap
    for n in range(10):
        svc.add_item(db.session.get(RoadmapSection, items[0].section_id), {"number": f"9.{n}", "text": f"Добавлено {n}",
                                        "period_text": "май", "executors": "УО района"})
    _html(c.get(f"/roadmaps/{rm.id}"))
    with count_queries() as longer:
        _html(c.get(f"/roadmaps/{rm.id}"))
    assert longer["n"] == kept["n"]


def test_a_change_shows_at_once_and_other_roadmaps_stay_kept(world, app, roadmaps,
                                                              fragment_caches):
    fragment_caches(3000)
    rm, items, other, other_items = roadmaps
    c = login(app.test_client(), world.users["methodist"])
    _html(c.get(f"/roadmaps/{rm.id}"))
    with count_queries() as kept:
        _html(c.get(f"/roadmaps/{rm.id}"))
    # a change of another roadmap: this one is still served from the cache
    svc.set_status(other_items[0], ItemStatus.IN_PROGRESS)
    with count_queries() as after_other:
        _html(c.get(f"/roadmaps/{rm.id}"))
    assert after_other["n"] == kept["n"]
    # a change of this one shows on the next page
    svc.set_status(items[3], ItemStatus.DONE, actual_result="Сделано полностью")
    html = _html(c.get(f"/roadmaps/{rm.id}"))
    row = html[html.index(f'id="item-{items[3].id}"'):].split("</tr>", 1)[0]
    assert 'value="DONE" selected' in row and "Сделано полностью" in row
    # a bulk statement names no roadmap: every kept table is computed again
    db.session.execute(update(RoadmapItem).where(RoadmapItem.id == items[4].id)
                       .values(text="Исправлено одним запросом"))
    db.session.commit()
    assert "Исправлено одним запросом" in _html(c.get(f"/roadmaps/{rm.id}"))
    # a filtered table is kept apart from the whole one
    done = _html(c.get(f"/roadmaps/{rm.id}?status=DONE", headers={"HX-Request": "true"}))
    assert f'id="item-{items[3].id}"' in done and f'id="item-{items[0].id}"' not in done
    assert "<html" not in done


def test_a_kept_table_carries_the_token_of_whoever_looks_at_it(world, app, roadmaps,
                                                               fragment_caches):
    fragment_caches(3000)
    rm, *_ = roadmaps
    colleague = make_user("methodist", municipality_id=world.muni.id)
    a = login(app.test_client(), world.users["methodist"])
    b = login(app.test_client(), colleague)
    page_a = _html(a.get(f"/roadmaps/{rm.id}"))
    page_b = _html(b.get(f"/roadmaps/{rm.id}"))   # the table A's request left in the cache
    tokens_a, tokens_b = set(FORM_TOKEN.findall(page_a)), set(FORM_TOKEN.findall(page_b))
    assert len(tokens_a) == 1 and len(tokens_b) == 1 and tokens_a != tokens_b
    assert tokens_a.pop() not in page_b
    assert "csrf-" not in page_b  # no cache's marker is left in a page
