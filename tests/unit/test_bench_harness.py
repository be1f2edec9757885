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


def test_monitoring_results_give_back_the_statuses_under_the_federal_rule(bench_db):
    """Last year's results flag exactly this year's ШНОР; this year's flag new candidates too."""
    from shnor_app.services.monitoring.assessments import identification

    _, result, app = bench_db
    if "monitoring" in result.skipped:
        pytest.skip("monitoring is not merged")
    year = max(result.ids["assessment_years"])
    with app.app_context():
        schools = db.session.scalars(select(Organization).where(
            Organization.kind == OrgKind.SCHOOL)).all()
        low_now = set(db.session.scalars(select(SchoolStatusRecord.organization_id).where(
            SchoolStatusRecord.status == SchoolStatus.LOW_RESULTS,
            SchoolStatusRecord.year == year)))
        last = {v.org.id for v in identification(schools, year - 1) if v.verdict.flagged}
        assert last == low_now
        now = {v.org.id for v in identification(schools, year) if v.verdict.flagged}
        assert set(result.ids["new_candidates"]) <= now - low_now
        assert result.ids["new_candidates"]
        db.session.remove()


def test_partnerships_pair_supported_schools_with_partners_and_log_events(bench_db):
    from shnor_app.models import JointEvent, Partnership

    _, result, app = bench_db
    if "partnerships" in result.skipped:
        pytest.skip("partnerships are not merged")
    with app.app_context():
        pairs = db.session.execute(select(Partnership.id, Partnership.school_id)).all()
        assert len(pairs) == TINY.partnerships == len(result.ids["partnerships"])
        for pid, _ in pairs:
            n = db.session.scalar(select(func.count()).select_from(JointEvent).where(
                JointEvent.partnership_id == pid))
            assert 4 <= n <= 12
        assert db.session.scalar(select(func.count()).select_from(Partnership).where(
            Partnership.search_text == "")) == 0
        db.session.remove()


def test_courses_visits_and_interviews_have_their_shape(bench_db):
    """Enrollments up to what the scale asks; recommendations of visits and protocols under the
    keys their sources are registered with; protocol numbers serial per authority and year."""
    from shnor_app.models import Enrollment, Meeting, MeetingStatus, Recommendation
    from shnor_app.services import recommendations as rec_svc

    _, result, app = bench_db
    for area in ("courses", "visits", "interviews"):
        if area in result.skipped:
            pytest.skip(f"{area} is not merged")
    with app.app_context():
        # At most the target: a (course, teacher) pair is enrolled once, and the tiny region
        # has few teachers (the full region reaches its 80 000).
        assert 0 < db.session.scalar(select(func.count()).select_from(Enrollment)) <= \
            TINY.enrollments
        sources = set(db.session.scalars(select(Recommendation.source_type).distinct()))
        assert sources == {"visit", "protocol"}
        assert sources <= set(rec_svc.sources())
        numbers: dict = {}
        for auth, year, number in db.session.execute(select(
                Meeting.authority_id, Meeting.protocol_year, Meeting.protocol_number).where(
                Meeting.status == MeetingStatus.HELD).order_by(Meeting.meeting_date, Meeting.id)):
            numbers.setdefault((auth, year), []).append(number)
        assert numbers
        for got in numbers.values():
            assert got == list(range(1, len(got) + 1))
        db.session.remove()


def test_a_judged_phase_runs_until_it_has_enough_answers(monkeypatch):
    """A budget is judged on enough answers: the phase goes past its duration until
    ``min_answers`` are in, and stops at ``max_duration`` even if they are not."""
    import asyncio

    from bench import driver

    async def fake_send(vu, req):
        await asyncio.sleep(0.005)
        return 0.005, True, 200

    def run(coro):
        # In a thread of its own: Playwright's sync API (the e2e tests) may have left an event
        # loop running in this one.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, coro).result()

    monkeypatch.setattr(driver, "send", fake_send)
    users = [object(), object()]
    plans = [["req"], ["req"]]
    plain = run(driver.phase(users, plans, 0.02))
    judged = run(driver.phase(users, plans, 0.02, min_answers=60, max_duration=5))
    capped = run(driver.phase(users, plans, 0.02, min_answers=10_000, max_duration=0.1))
    assert plain.count < 60 <= judged.count < 70
    assert capped.count < 10_000 and capped.elapsed < 1


def test_the_outcomes_page_shows_the_effect_planted_in_the_generated_results(bench_db):
    """The generator plants a known effect (bench/gen/monitoring.py ``PLANTED_EFFECT``): the
    ШНОР with a partnership improve more than those without one and than all schools."""
    from shnor_app.services import outcomes

    _, result, app = bench_db
    with app.app_context():
        r = outcomes.outcomes(select(Organization.id).where(Organization.kind == OrgKind.SCHOOL))
        with_, without, every = next(m for m in r.measures if m.key == "partnership").groups
        assert with_.n and every.n
        assert with_.median < every.median
        if without.n:
            assert with_.median < without.median
        db.session.remove()
