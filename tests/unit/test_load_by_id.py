"""extensions.load_by_id (what the policy and the user loader read records with): the same
answers as ``session.get`` — the record, None for an id that names nothing, the identity map's
object without a query, a record deleted in the session not returned — with the parents a rule
names loaded in the same query."""
from sqlalchemy.orm import joinedload

from shnor_app.extensions import db, load_by_id
from shnor_app.models import Organization, Roadmap, RoadmapItem, User
from shnor_app.policy import get

from tests.conftest import count_queries
from tests.factories.core import make_org
from tests.factories.roadmaps import make_roadmap


def test_answers_as_session_get(world):
    org = make_org(world.muni, short_name="Школа загрузки")
    org_id = org.id
    db.session.expunge_all()
    loaded = load_by_id(Organization, org_id)
    assert loaded.id == org_id and loaded.short_name == "Школа загрузки"
    assert loaded is db.session.get(Organization, org_id)
    assert load_by_id(Organization, 10 ** 9) is None


def test_an_object_in_the_session_is_answered_without_a_query(world):
    user = world.users["methodist"]
    with count_queries() as q:
        assert load_by_id(User, user.id) is user
    assert q["n"] == 0


def test_an_expired_object_is_read_again(world):
    org = make_org(world.muni, short_name="Старое имя")
    db.session.execute(Organization.__table__.update().where(Organization.id == org.id)
                       .values(short_name="Новое имя"))
    db.session.commit()  # expires what the session holds
    assert load_by_id(Organization, org.id).short_name == "Новое имя"


def test_a_record_deleted_in_the_session_is_not_returned(world):
    org = make_org(world.muni)
    db.session.delete(org)
    db.session.flush()
    assert load_by_id(Organization, org.id) is None
    db.session.rollback()


def test_options_load_the_parent_in_the_same_query(world):
    rm, _, items = make_roadmap(world.school_a, 1)
    item_id, rm_id = items[0].id, rm.id
    db.session.expunge_all()
    with count_queries() as q:
        item = load_by_id(RoadmapItem, item_id, (joinedload(RoadmapItem.roadmap),))
        assert item.roadmap.id == rm_id
    assert q["n"] == 1


def test_the_policy_reads_an_item_with_its_roadmap(app, world):
    rm, _, items = make_roadmap(world.school_a, 1)
    item_id, rm_id = items[0].id, rm.id
    db.session.expunge_all()
    with app.test_request_context(), count_queries() as q:
        item = get(RoadmapItem, item_id)
        assert get(Roadmap, rm_id) is item.roadmap
    assert q["n"] == 1


def test_options_made_on_each_call_do_not_pile_up(world, monkeypatch):
    from shnor_app import extensions

    rm, _, items = make_roadmap(world.school_a, 1)
    item_id, rm_id = items[0].id, rm.id
    monkeypatch.setattr(extensions, "_BY_ID_LIMIT", len(extensions._BY_ID) + 1)
    for _ in range(3):
        db.session.expunge_all()
        item = load_by_id(RoadmapItem, item_id, (joinedload(RoadmapItem.roadmap),))
        assert item.roadmap.id == rm_id
    assert len(extensions._BY_ID) <= extensions._BY_ID_LIMIT
