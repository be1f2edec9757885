"""The school card as the hub: its blocks (counts and links to each area's list filtered to
the school), lazily loaded; each respects the policy; the query count of the card and of a
block does not grow with the records; the school's trajectory with its table."""
import re
from datetime import date

from shnor_app.extensions import db
from shnor_app.models import (
    MentoringPair, PairKind, Partnership, PartnerKind, Recommendation, RecommendationStatus,
)

from tests.conftest import count_queries, hx_get
from tests.factories.outcomes import make_support_visit, outcomes_world
from tests.factories.roadmaps import make_school_roadmap

_SLOT = re.compile(r'<section class="card hub-block" id="hub-([a-z]+)"[^>]* hx-get="([^"]+)"'
                   r' hx-trigger="revealed"')


def _card(client, org):
    resp = client.get(f"/registry/organizations/{org.id}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def _blocks(client, org) -> dict[str, str]:
    """Every block of the card as htmx loads it when it comes into view."""
    out = {}
    for name, url in _SLOT.findall(_card(client, org)):
        resp = hx_get(client, url.replace("&amp;", "&"))
        assert resp.status_code == 200, (name, resp.status_code)
        out[name] = resp.get_data(as_text=True)
    return out


def _visit_id(org) -> int:
    from sqlalchemy import select

    from shnor_app.models import Visit

    return db.session.scalar(select(Visit.id).where(Visit.school_id == org.id).limit(1))


def _records(world):
    a = world.school_a
    outcomes_world(world)
    make_support_visit(a, world.tutor_school, date(2026, 2, 3))
    source = _visit_id(a)
    db.session.add(Partnership(school_id=a.id, partner_id=world.tutor_school.id,
                               partner_kind=PartnerKind.SCHOOL, start_date=date(2024, 9, 1),
                               subject="Математика"))
    db.session.add(MentoringPair(kind=PairKind.SCHOOL, mentor_org_id=world.tutor_school.id,
                                 mentee_org_id=a.id, start_date=date(2024, 9, 1)))
    for status in (RecommendationStatus.OPEN, RecommendationStatus.OPEN,
                   RecommendationStatus.ACCEPTED):
        db.session.add(Recommendation(source_type="visit", source_id=source,
                                      organization_id=a.id, text="Провести педсовет",
                                      status=status))
    db.session.commit()
    make_school_roadmap(a)


def test_a_methodist_reaches_every_area_from_the_card(world, login_as):
    _records(world)
    c = login_as("methodist")
    blocks = _blocks(c, world.school_a)
    assert set(blocks) == {"results", "roadmaps", "visits", "recommendations", "partnerships",
                           "mentoring", "interviews", "courses"}
    a = world.school_a.id
    assert f'href="/visits/?school={a}">2</a>' in blocks["visits"]
    assert f"/partnerships/?school={a}" in blocks["partnerships"]
    assert f"/mentoring/?school={a}" in blocks["mentoring"]
    assert f'/recommendations/?school={a}&amp;status=open">2</a>' in blocks["recommendations"]
    assert f'status=ACCEPTED">1</a>' in blocks["recommendations"]
    assert f"/roadmaps/?school={a}" in blocks["roadmaps"] and "0 из 1" in blocks["roadmaps"]
    assert f"/interviews/meetings?school={a}" in blocks["interviews"]
    assert f"/courses/reports/untrained?school={a}" in blocks["courses"]
    assert "Доля «2» в 2025 году" in blocks["results"]
    # the links lead to lists narrowed to the school
    recs = c.get(f"/recommendations/?school={a}&status=all").get_data(as_text=True)
    assert recs.count("Провести педсовет") == 3
    assert c.get(f"/recommendations/?school={world.school_b.id}").status_code == 404
    assert c.get(f"/roadmaps/?school={a}").status_code == 200
    assert c.get(f"/roadmaps/?school={world.school_b.id}").status_code == 404
    assert c.get(f"/interviews/meetings?school={world.school_b.id}").status_code == 404


def test_a_school_sees_its_own_card_blocks_and_no_foreign_one(world, login_as):
    _records(world)
    c = login_as("school")
    blocks = _blocks(c, world.school_a)
    assert "visits" in blocks and "results" in blocks
    b = world.school_b.id
    assert c.get(f"/outcomes/schools/{b}/blocks/visits").status_code == 404
    assert c.get(f"/outcomes/schools/{b}/trajectory").status_code == 404
    assert c.get(f"/outcomes/schools/{world.institute.id}/trajectory").status_code == 404
    assert c.get(f"/outcomes/schools/{world.school_a.id}/blocks/nonsense").status_code == 404


def test_a_viewer_gets_only_the_blocks_of_the_areas_it_may_open(world, login_as, app):
    _records(world)
    from shnor_app.services.outcomes import hub

    c = login_as("viewer")
    html = _card(c, world.school_a)
    with app.test_request_context():
        names = [n for n, _ in hub.offered(world.users["viewer"])]
    for name in hub.BLOCKS:
        assert (f'id="hub-{name}"' in html) == (name in names)


def test_the_card_and_a_block_cost_the_same_queries_with_more_records(world, login_as):
    _records(world)
    c = login_as("methodist")
    a = world.school_a
    with count_queries() as card_small:
        _card(c, a)
    with count_queries() as block_small:
        _blocks(c, a)
    for i in range(6):
        make_support_visit(a, world.tutor_school, date(2025, 3, 1 + i))
        db.session.add(Recommendation(source_type="visit", source_id=_visit_id(a),
                                      organization_id=a.id, text=f"Рекомендация {i}"))
    db.session.commit()
    with count_queries() as card_big:
        _card(c, a)
    with count_queries() as block_big:
        _blocks(c, a)
    assert card_big["n"] == card_small["n"]
    assert block_big["n"] == block_small["n"]


def test_the_trajectory_draws_results_and_measures_with_a_table(world, login_as):
    _records(world)
    c = login_as("methodist")
    html = hx_get(c, f"/outcomes/schools/{world.school_a.id}/trajectory").get_data(as_text=True)
    assert 'class="trajectory-chart"' in html and 'role="img"' in html
    assert "ВПР, доля «2», 2022: 40%" in html and "ВПР, доля «2», 2025: 20%" in html
    assert "ШНОР в 2023 году" in html and "Выезды: 05.10.2023" in html
    assert "Партнёрство:" in html and "Наставничество:" in html
    assert 'id="trajectory-table"' in html and "<th scope=\"row\">ВПР: доля «2»</th>" in html
    empty = hx_get(c, f"/outcomes/schools/{world.tutor_school.id}/trajectory")
    assert empty.status_code == 200


def test_the_trajectory_shows_the_indicator_scores_by_year(world, login_as):
    from shnor_app.models import Indicator, IndicatorScoring

    _records(world)
    db.session.add(Indicator(municipality_id=world.muni.id, position=1, code="1.10",
                             name="ВПР по математике в 5 классах", source="assessment.share_2",
                             params={"procedure": "VPR", "subject": "Математика", "grade": 5},
                             scoring=IndicatorScoring.BANDS,
                             bands=[{"upto": 25, "points": 3}, {"upto": None, "points": 0}]))
    db.session.commit()
    c = login_as("methodist")
    html = hx_get(c, f"/outcomes/schools/{world.school_a.id}/trajectory").get_data(as_text=True)
    # school_a: 40 % in 2022 (0 points), 20 % in 2025 (3 points)
    assert 'id="trajectory-scores"' in html and "Сумма баллов (из 3)" in html
    assert "0 из 3" in html and "3 из 3" in html
    # the scores are drawn in the trajectory's own SVG, on its year axis: each year's dot sits
    # at the middle of that year's column, where the year is labelled under the results
    svg = re.search(r'<svg class="trajectory-chart".*?</svg>', html, re.S).group(0)
    assert 'id="trajectory-scores"' in svg
    mids = {int(y): float(x) for x, y in re.findall(
        r'<text class="tick" x="([\d.]+)" y="[\d.]+" text-anchor="middle">(\d{4})</text>', svg)}
    strip = re.search(r'id="trajectory-scores".*?</g>\s*</g>', svg, re.S).group(0)
    dots = re.findall(r'<circle cx="([\d.]+)"[^>]*><title>[^<]*, (\d{4}): ', strip)
    assert len(dots) >= 2 and len(mids) >= len(dots)
    assert all(float(x) == mids[int(y)] for x, y in dots)


def _filter_form(html: str) -> str:
    m = re.search(r'<form class="filters".*?</form>', html, re.S)
    assert m, "no filter form"
    return m.group(0)


def test_the_school_filter_stays_when_another_filter_changes(world, login_as):
    """A list reached from the school card keeps «?school=» in its filter form (a hidden field,
    shown as a removable chip «Школа: …»), so changing the level, state or year keeps it."""
    c = login_as("methodist")
    a, name = world.school_a.id, world.school_a.short_name
    for path, clear in ((f"/roadmaps/?school={a}&state=all", 'href="/roadmaps/?state=all"'),
                        (f"/interviews/meetings?school={a}&year=2026",
                         'href="/interviews/meetings?year=2026"')):
        form = _filter_form(c.get(path).get_data(as_text=True))
        assert f'<input type="hidden" name="school" value="{a}">' in form, path
        assert f"Школа: {name}" in form and clear in form, path
        assert f"Убрать фильтр «Школа: {name}»" in form
    make_school_roadmap(world.school_a, title="Карта школы А")
    make_school_roadmap(world.tutor_school,
                        title="Карта другой организации")
    listed = hx_get(c, f"/roadmaps/?school={a}&level=SCHOOL&state=all").get_data(as_text=True)
    assert "Карта школы А" in listed and "Карта другой организации" not in listed
    # without the filter, no chip
    assert "filter-chip" not in _filter_form(c.get("/roadmaps/").get_data(as_text=True))
