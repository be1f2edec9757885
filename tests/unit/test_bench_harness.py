"""The bench harness cannot rot silently: the generator runs at a tiny scale on SQLite, its
rows are what it says, bench users log in with the documented password, and every runnable
scenario of the load driver answers as the driver expects (through the test client)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from bench.config import make_app
from bench.gen import (
    AREAS, SCALES, DatabaseNotEmpty, area_modules, build, missing_models,
)
from bench.inprocess import InProcessUser, first_user_plan
from bench.scenarios import SCENARIOS
from shnor_app.extensions import db
from shnor_app.models import (
    Organization, OrgKind, Role, Roadmap, RoadmapItem, RoadmapLevel, SchoolStatus,
    SchoolStatusRecord, StaffMember, User,
)

TINY = SCALES["tiny"]


@pytest.fixture(scope="module")
def bench_db(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'bench.sqlite3'}"
    result = build(url, "tiny", out=lambda *_: None)
    app = make_app(url)
    yield url, result, app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_generator_writes_the_rows_it_counts(bench_db):
    _, result, app = bench_db
    assert result.counts, "the generator wrote nothing"
    with app.app_context():
        for table, n in result.counts.items():
            assert db.session.scalar(text(f'SELECT COUNT(*) FROM "{table}"')) == n, table
        db.session.remove()


def test_generated_region_has_the_shape_of_the_scale(bench_db):
    _, _, app = bench_db
    with app.app_context():
        schools = db.session.scalar(select(func.count()).select_from(Organization).where(
            Organization.kind == OrgKind.SCHOOL))
        assert schools == TINY.schools
        low_now = db.session.scalar(select(func.count()).select_from(SchoolStatusRecord).where(
            SchoolStatusRecord.status == SchoolStatus.LOW_RESULTS,
            SchoolStatusRecord.year == select(func.max(SchoolStatusRecord.year))
            .scalar_subquery()))
        assert low_now == TINY.municipalities * TINY.low_results_per_municipality
        assert db.session.scalar(select(func.count()).select_from(StaffMember)) == \
            TINY.schools * TINY.staff_per_school
        # As many roadmaps as schools; the municipal ones have the 120-item (here 12) size.
        assert db.session.scalar(select(func.count()).select_from(Roadmap)) == TINY.schools
        municipal = db.session.scalars(select(Roadmap.id).where(
            Roadmap.level == RoadmapLevel.MUNICIPAL)).all()
        assert len(municipal) == TINY.municipalities
        for rm_id in municipal:
            assert db.session.scalar(select(func.count()).select_from(RoadmapItem).where(
                RoadmapItem.roadmap_id == rm_id)) == TINY.items_per_big_roadmap
        roles = set(db.session.scalars(select(User.role).distinct()))
        assert roles == set(Role)
        # search_text is filled although the ORM events did not run.
        assert db.session.scalar(select(func.count()).select_from(Organization).where(
            Organization.search_text == "")) == 0
        db.session.remove()


def test_areas_without_models_are_skipped_and_areas_with_models_are_generated(bench_db):
    _, result, _ = bench_db
    for name, module in area_modules():
        if missing_models(module):
            assert name in result.skipped
        else:
            assert hasattr(module, "generate"), f"bench/gen/{name}.py needs generate(ctx)"
            assert name not in result.skipped
    assert set(AREAS) >= {"registry", "users", "roadmaps"}


def test_generator_refuses_a_database_with_data_unless_reset(bench_db):
    url, _, _ = bench_db
    with pytest.raises(DatabaseNotEmpty):
        build(url, "tiny", out=lambda *_: None)


def test_every_runnable_scenario_answers_as_the_driver_expects(bench_db):
    _, _, app = bench_db
    runnable = [sc for sc in SCENARIOS if sc.availability(app) is None]
    assert {"roadmap_page", "item_status", "registry_search", "roadmap_pdf"} <= \
        {sc.key for sc in runnable}
    for sc in runnable:
        login, plan = first_user_plan(app, sc)
        user = InProcessUser(app, login)
        for req in plan[:3]:
            resp = user.send(req)
            assert user.answered_as_expected(req, resp), (sc.key, req.path, resp.status_code)
        with app.app_context():
            db.session.remove()


def test_scenarios_of_missing_areas_are_reported_not_passed(bench_db):
    _, _, app = bench_db
    for sc in SCENARIOS:
        if sc.area and sc.area not in app.blueprints:
            assert sc.availability(app) == "не измерено: модуля нет"
