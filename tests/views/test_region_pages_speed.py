"""The region-wide pages that must stay fast on a whole region: the identification of ШНОР
(its rows come from the fragment cache) and the partnership map (read as plain columns).
Rows from the cache are the rows the template renders, a change shows at once, and the number
of queries does not grow with the number of schools."""
import re
from datetime import timedelta

import pytest

from shnor_app.extensions import db
from shnor_app.formatting import today
from shnor_app.services import data_cache

from tests.conftest import count_queries, hx_get
from tests.factories.core import make_org
from tests.factories.monitoring import make_low_results, make_result
from tests.factories.partnerships import make_event, make_partnership

TOKEN = re.compile(r'I[A-Za-z0-9_-]{30,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+')


def _html(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return TOKEN.sub("TOKEN", resp.get_data(as_text=True))


def _schools(world, n, municipality=None):
    orgs = []
    for i in range(n):
        org = make_org(municipality or (world.muni if i % 2 else world.muni2),
                       short_name=f"Школа {i:03d}")
        if i % 3 == 0:
            make_low_results(org, 2024)
        else:
            make_result(org, 2024, "VPR", "Математика", 5, 12.0)
            make_result(org, 2024, "OGE", "Русский язык", 9, None)
        orgs.append(org)
    return orgs


URL = "/monitoring/identification?year=2024"


def test_identification_rows_from_the_cache_are_the_rendered_rows(world, login_as, fragment_caches):
    _schools(world, 12)
    region = login_as("region")
    fragment_caches(0)
    uncached = _html(region.get(URL))
    fragment_caches(100)
    first, second = _html(region.get(URL)), _html(region.get(URL))
    assert first == uncached and second == uncached
    # the region's page names each school's municipality
    assert world.muni2.name in uncached and 'class="row-flagged"' in uncached
    methodist = login_as("methodist")
    fragment_caches(0)
    plain = _html(hx_get(methodist, URL))
    fragment_caches(100)
    assert _html(hx_get(methodist, URL)) == plain == _html(hx_get(methodist, URL))


def test_identification_rows_show_a_change_at_once(world, login_as, fragment_caches):
    orgs = _schools(world, 6, world.muni)
    fragment_caches(100)
    client = login_as("methodist")
    before = _html(client.get(URL))
    row = f'id="school-{orgs[1].id}"'
    assert f'<tr class="" {row}' in before
    make_result(orgs[1], 2024, "VPR", "Русский язык", 5, 40.0)   # two results over 30%:
    make_result(orgs[1], 2024, "EGE", "Математика", 11, 31.0)    # now ШНОР by the rule
    orgs[2].short_name = "Переименованная школа"
    db.session.commit()
    after = _html(client.get(URL))
    assert f'<tr class="row-flagged" {row}' in after and "Переименованная школа" in after
    assert "Переименованная школа" not in before


@pytest.mark.parametrize("url", [URL, "/partnerships/map"])
def test_region_pages_queries_do_not_grow_with_schools(world, login_as, url):
    region = login_as("region")
    partner = make_org(world.muni, short_name="Школа-тьютор")

    def grow(n):
        for org in _schools(world, n):
            p = make_partnership(org, partner, start=today() - timedelta(days=400))
            make_event(p, day=today())

    grow(3)
    region.get(url)
    data_cache.clear()
    with count_queries() as few:
        small = _html(region.get(url))
    with count_queries() as kept:  # the same data: the computed page is served as it was kept
        assert _html(region.get(url)) == small
    grow(40)
    data_cache.clear()
    with count_queries() as many:
        big = _html(region.get(url))
    assert many["n"] == few["n"], many["sql"]
    assert kept["n"] < few["n"]
    assert big.count("<tr") > small.count("<tr")


def test_map_rows_from_the_cache_are_the_rendered_rows_and_show_a_change(world, login_as,
                                                                         fragment_caches):
    partner = make_org(world.muni, short_name="Школа-тьютор")
    schools = [make_org(world.muni, short_name=f"ШНОР {i}", statuses=["LOW_RESULTS"])
               for i in range(4)]
    ps = [make_partnership(s, partner, start=today() - timedelta(days=400)) for s in schools]
    make_event(ps[0], day=today())
    region = login_as("region")
    fragment_caches(0)
    uncached = _html(region.get("/partnerships/map"))
    fragment_caches(100)
    assert _html(region.get("/partnerships/map")) == uncached == _html(region.get("/partnerships/map"))
    assert uncached.count('cell-zero">0</td>') == 3
    make_event(ps[1], day=today())
    schools[2].short_name = "Переименованная школа"
    db.session.commit()
    after = _html(region.get("/partnerships/map"))
    assert after.count('cell-zero">0</td>') == 2 and "Переименованная школа" in after


def test_years_with_results_are_those_of_the_schools_asked_for(world, app):
    from sqlalchemy import select

    from shnor_app.models import Organization
    from shnor_app.services.monitoring import assessments

    mine, far = make_org(world.muni), make_org(world.muni_far)
    make_result(mine, 2023, "VPR", "Математика", 5, 10.0)
    make_result(mine, 2024, "VPR", "Математика", 5, 10.0)
    make_result(far, 2019, "VPR", "Математика", 5, 10.0)
    ids = select(Organization.id).where(Organization.municipality_id == world.muni.id)
    assert assessments.years_with_results(ids) == [2024, 2023]
    assert assessments.years_with_results(select(Organization.id).where(
        Organization.id == -1)) == []
