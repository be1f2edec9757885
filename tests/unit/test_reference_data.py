"""Reference data lives in ``shnor_app/reference_data.py``: the seeds put exactly its lists into a
database, the migrations that first inserted them still agree with it, and what the demo and the
bench generator read is taken from it."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from sqlalchemy import select

from shnor_app import reference_data as ref
from shnor_app.extensions import db
from shnor_app.models import CourseTopic, IndicatorScoring, RiskFactor

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"


def _migration(stem: str):
    if str(VERSIONS.parent) not in sys.path:  # as alembic.ini does, for columns.py
        sys.path.insert(0, str(VERSIONS.parent))
    path = next(VERSIONS.glob(f"*_{stem}.py"))
    spec = importlib.util.spec_from_file_location(f"migration_{stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migrations_inserted_the_same_lists():
    assert _migration("monitoring").FEDERAL_RISK_FACTORS == ref.RISK_FACTORS
    assert _migration("courses").DEFAULT_TOPICS == list(ref.COURSE_TOPICS.items())


def test_the_seeds_insert_the_reference_lists(app):
    from shnor_app.services import courses
    from shnor_app.services.monitoring import risks

    risks.ensure_federal_factors()
    courses.ensure_default_topics()
    assert db.session.execute(select(RiskFactor.code, RiskFactor.name)
                              .order_by(RiskFactor.position)).all() == ref.RISK_FACTORS
    assert dict(db.session.execute(select(CourseTopic.name, CourseTopic.low_achievers)
                                   .order_by(CourseTopic.position)).all()) == ref.COURSE_TOPICS


def test_the_indicator_system_names_what_exists():
    from shnor_app.services.monitoring.indicators import OWN_SOURCES

    rows = ref.indicator_system()
    assert [r["code"] for r in rows] == ["1.8", "1.10", "1.11", "1.14", "2.10"]
    for row in rows:
        assert row["source"] in OWN_SOURCES
        assert bool(row["dynamics"]) == (IndicatorScoring[row["scoring"]]
                                         == IndicatorScoring.DYNAMICS)
    rows[1]["bands"][0]["points"] = 99  # a copy: the next reader gets the list unchanged
    assert ref.indicator_system()[1]["bands"][0]["points"] == 3


def test_the_demo_and_the_bench_read_it():
    from bench.gen import base, courses, monitoring, registry
    from shnor_app.services import demo

    assert demo.SURNAMES_M == ref.SURNAMES[:len(demo.SURNAMES_M)]
    assert demo.STREETS == ref.STREETS[:len(demo.STREETS)]
    assert [p for p, _, _ in demo.DEMO_PROCEDURES].count("VPR") == 10
    assert base.SURNAMES is ref.SURNAMES and registry.STREETS is ref.STREETS
    assert courses.LOW_TOPIC in ref.COURSE_TOPICS and courses.TEAM_TOPIC in ref.COURSE_TOPICS
    assert [(p.name, s, g) for p, s, g in monitoring.PROCEDURES[-4:]] == ref.EXAMS
