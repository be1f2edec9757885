"""services.data_cache: a table's generation token changes in the transaction that changes its
rows (ORM flushes and bulk statements alike), never on a rollback; a kept value is served while
the tokens stand and computed again after a change — also when the change was made by another
application sharing the database (another server)."""
from sqlalchemy import delete, select, update

from shnor_app import create_app
from shnor_app import config
from shnor_app.extensions import db
from shnor_app.models import Organization, Roadmap, TableGeneration
from shnor_app.services import data_cache

from tests.factories.core import make_org
from tests.factories.roadmaps import make_school_roadmap

ORGS = (Organization.__tablename__,)


def _token(name=Organization.__tablename__):
    return db.session.scalar(select(TableGeneration.token).where(
        TableGeneration.table_name == name))


def test_orm_writes_renew_the_token_in_their_transaction(world):
    before = _token()
    org = make_org(world.muni, short_name="Школа 1")
    created = _token()
    assert created is not None and created != before
    org.short_name = "Школа 1 (новое имя)"
    db.session.commit()
    renamed = _token()
    assert renamed != created
    db.session.delete(make_org(world.muni))
    db.session.commit()
    assert _token() not in (created, renamed)


def test_a_rollback_keeps_the_token(world):
    org = make_org(world.muni)
    kept = _token()
    org.short_name = "Не сохранится"
    db.session.flush()
    db.session.rollback()
    assert _token() == kept
    db.session.commit()  # nothing marked is left over for the next commit
    assert _token() == kept


def test_bulk_statements_renew_the_token(world):
    org = make_org(world.muni)
    kept = _token()
    db.session.execute(update(Organization).where(Organization.id == org.id)
                       .values(short_name="Массовая правка"))
    db.session.commit()
    assert _token() != kept


def test_writes_to_tables_nobody_watches_keep_their_token(world):
    assert Roadmap.__tablename__ not in data_cache.WATCHED
    kept = _token(Roadmap.__tablename__)
    assert kept is not None  # every table starts with one, as after the migration
    make_school_roadmap(make_org(world.muni))
    assert _token(Roadmap.__tablename__) == kept


def test_a_kept_value_is_served_until_its_tables_change(world, app):
    make_org(world.muni)
    data_cache.clear()
    calls = []

    def compute(key):
        calls.append(key)
        return len(calls)

    assert data_cache.cached("t", ORGS, ("k",), compute) == 1
    assert data_cache.cached("t", ORGS, ("k",), compute) == 1      # kept
    assert data_cache.cached("t", ORGS, ("other",), compute) == 2  # another key
    assert calls[0].value[:2] == ("t", ("k",))
    make_org(world.muni)
    assert data_cache.cached("t", ORGS, ("k",), compute) == 3      # the table changed


def test_without_a_token_nothing_is_kept(world):
    make_org(world.muni)
    db.session.execute(delete(TableGeneration))
    db.session.commit()
    data_cache.clear()
    calls = []
    for _ in range(2):
        assert data_cache.cached("t", ORGS, ("k",), lambda key: calls.append(key) or "v") == "v"
    assert calls == [None, None]


def test_another_server_sees_the_change(world, app):
    """Two applications on one database (two servers): a change saved through one makes the
    other compute its kept value again."""
    other = _second_app(app)
    org = make_org(world.muni, short_name="Школа до")

    def names(key):
        return tuple(db.session.scalars(select(Organization.short_name).where(
            Organization.id == org.id)))

    with other.app_context():
        assert data_cache.cached("names", ORGS, (org.id,), names) == ("Школа до",)
    org.short_name = "Школа после"
    db.session.commit()
    with other.app_context():
        assert data_cache.cached("names", ORGS, (org.id,), names) == ("Школа после",)
        db.session.remove()
        db.engine.dispose()


def _second_app(app):
    cfg = config.TestConfig()
    cfg.SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
    cfg.SQLALCHEMY_ENGINE_OPTIONS = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    cfg.UPLOAD_DIR = app.config["UPLOAD_DIR"]
    return create_app(cfg)


def test_cache_reset_renews_every_token(world, app):
    make_org(world.muni)
    kept = _token()
    result = app.test_cli_runner().invoke(args=["cache", "reset"])
    assert result.exit_code == 0, result.output
    assert "заново" in result.output
    assert _token() != kept
    assert _token(Roadmap.__tablename__) is not None


def test_a_scope_reading_a_table_nobody_watches_is_never_kept(world):
    """A scope that follows, say, roadmaps could lose a school after a change nobody renews a
    token for: such a statement has no key, so what is computed from it is not kept."""
    from shnor_app.models import Organization as O

    def region_schools(region_id):
        return select(O).where(O.region_id == region_id)

    key = data_cache.statement_key(region_schools(world.region.id))
    assert key is not None and key == data_cache.statement_key(region_schools(world.region.id))
    assert key != data_cache.statement_key(region_schools(world.region.id + 1))
    following = select(O).where(O.id.in_(select(Roadmap.owner_id)))
    assert data_cache.tables_of(following) == {O.__tablename__, Roadmap.__tablename__}
    assert data_cache.statement_key(following) is None


# --------------------------------------------------------------------------- partitions


def _roadmaps(world):
    from shnor_app.models import OrgKind
    from tests.factories.roadmaps import make_roadmap

    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО")
    a = make_roadmap(authority, 2, executors="УО")
    b = make_roadmap(authority, 2, executors="УО", title="Другая")
    return a, b


def test_a_change_under_one_roadmap_renews_that_roadmap_only(world):
    from shnor_app.models import ItemStatus, RoadmapItem
    from shnor_app.services import roadmaps as svc

    (a, _, items_a), (b, _, items_b) = _roadmaps(world)
    family, token_b = _token("roadmap#*"), _token(f"roadmap#{b.id}")
    for change in (
        lambda: svc.set_status(items_a[0], ItemStatus.IN_PROGRESS),           # an item
        lambda: svc.add_report(items_a[1], text="Отчёт", report_date=None,     # a report
                               by=world.users["methodist"]),
        lambda: svc.update_item(items_a[1], {"text": items_a[1].text,          # its executors
                                             "period_text": "май", "executors": ""}),
    ):
        before = _token(f"roadmap#{a.id}")
        change()
        assert _token(f"roadmap#{a.id}") != before
        assert _token(f"roadmap#{b.id}") == token_b and _token("roadmap#*") == family
    # an item moved to another roadmap renews both
    before_a = _token(f"roadmap#{a.id}")
    items_a[0].roadmap_id = b.id
    db.session.commit()
    assert _token(f"roadmap#{a.id}") != before_a and _token(f"roadmap#{b.id}") != token_b
    # a bulk statement names no roadmap: the family's token
    db.session.execute(update(RoadmapItem).where(RoadmapItem.id == items_b[0].id)
                       .values(text="Одним запросом"))
    db.session.commit()
    assert _token("roadmap#*") != family


def test_a_partition_never_changed_stands_on_its_familys_token(world):
    family = _token("roadmap#*")
    assert data_cache.tokens(("roadmap#*", "roadmap#987654")) == (family, 0)
    db.session.execute(delete(TableGeneration).where(TableGeneration.table_name == "roadmap#*"))
    db.session.commit()
    assert data_cache.tokens(("roadmap#*", "roadmap#987654")) is None
