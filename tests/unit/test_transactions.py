"""transactions: a request that wrote nothing ends its transaction with COMMIT (so that psycopg
keeps the statements it prepared), and anything that wrote — a flush left uncommitted, a bulk
statement, raw SQL, a pending object, an error — still ends with a rollback."""
import pytest
from sqlalchemy import event, select, text, update

from shnor_app import config, create_app
from shnor_app.extensions import db
from shnor_app.models import Organization

from tests.factories.core import make_org


@pytest.fixture
def probe_app(app):
    """A second application on the test database with routes that read, flush, write raw SQL
    or fail, and a record of how each request's transaction ended."""
    cfg = config.TestConfig()
    cfg.SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
    cfg.SQLALCHEMY_ENGINE_OPTIONS = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    cfg.UPLOAD_DIR = app.config["UPLOAD_DIR"]
    probe = create_app(cfg)
    endings: list[str] = []

    def name_of(org_id):
        return db.session.get(Organization, org_id)

    @probe.get("/_probe/read/<int:org_id>")
    def read(org_id):
        return name_of(org_id).short_name

    @probe.get("/_probe/flush/<int:org_id>")
    def flush(org_id):
        name_of(org_id).short_name = "изменено и не сохранено"
        db.session.flush()
        return "ok"

    @probe.get("/_probe/pending/<int:org_id>")
    def pending(org_id):
        name_of(org_id).short_name = "изменено, даже не отправлено"
        return "ok"

    @probe.get("/_probe/bulk/<int:org_id>")
    def bulk(org_id):
        db.session.execute(update(Organization).where(Organization.id == org_id)
                           .values(short_name="массовое изменение"))
        return "ok"

    @probe.get("/_probe/raw/<int:org_id>")
    def raw(org_id):
        db.session.execute(text("UPDATE organizations SET short_name = 'сырой SQL' "
                                "WHERE id = :i"), {"i": org_id})
        return "ok"

    @probe.get("/_probe/fail/<int:org_id>")
    def fail(org_id):
        name_of(org_id)
        raise RuntimeError("сбой")

    with probe.app_context():
        engine = db.engine
    event.listen(engine, "commit", lambda conn: endings.append("commit"))
    event.listen(engine, "rollback", lambda conn: endings.append("rollback"))
    probe.config["PROPAGATE_EXCEPTIONS"] = False
    probe.endings = endings
    yield probe
    with probe.app_context():
        db.session.remove()
        db.engine.dispose()


def _name(org_id):
    db.session.expire_all()
    return db.session.scalar(select(Organization.short_name).where(Organization.id == org_id))


def test_a_reading_request_ends_with_commit(world, probe_app):
    org = make_org(world.muni, short_name="Школа чтения")
    resp = probe_app.test_client().get(f"/_probe/read/{org.id}")
    assert resp.status_code == 200 and resp.text == "Школа чтения"
    assert probe_app.endings == ["commit"]


@pytest.mark.parametrize("route", ["flush", "pending", "bulk", "raw"])
def test_a_request_that_wrote_and_did_not_commit_is_rolled_back(world, probe_app, route):
    org = make_org(world.muni, short_name="Школа как была")
    assert probe_app.test_client().get(f"/_probe/{route}/{org.id}").status_code == 200
    assert probe_app.endings == ["rollback"]
    assert _name(org.id) == "Школа как была"


def test_a_failed_request_is_rolled_back(world, probe_app):
    org = make_org(world.muni)
    assert probe_app.test_client().get(f"/_probe/fail/{org.id}").status_code == 500
    assert probe_app.endings == ["rollback"]


def test_postgresql_keeps_prepared_statements_between_requests(world, probe_app):
    """psycopg prepares a statement after it ran five times on a connection; a rollback at the
    end of every request used to drop it again."""
    with probe_app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("prepared statements are psycopg's")
    org = make_org(world.muni)
    client = probe_app.test_client()
    for _ in range(8):
        assert client.get(f"/_probe/read/{org.id}").status_code == 200
    with probe_app.app_context():
        prepared = db.session.scalars(text(
            "SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")).all()
    assert any("FROM organizations" in s for s in prepared), prepared
