"""The audit trail is written in the same transaction as the change, and never holds secrets."""
from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import AuditAction, AuditEntry, StaffMember
from shnor_app.services.audit import acting_as

from tests.factories.core import make_municipality, make_org, make_region, make_user


def _entries(obj_type):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == obj_type)
                              .order_by(AuditEntry.id)).all()


def test_create_update_delete_are_recorded_with_the_actor():
    muni = make_municipality(make_region())
    org = make_org(muni)
    actor = make_user("methodist", municipality_id=muni.id)
    with acting_as(actor):
        m = StaffMember(organization_id=org.id, full_name="Петров Пётр", position="Учитель")
        db.session.add(m)
        db.session.commit()
        m.position = "Директор"
        db.session.commit()
        db.session.delete(m)
        db.session.commit()
    actions = [(e.action, e.user_id) for e in _entries("staff_members")]
    assert actions == [(AuditAction.CREATE, actor.id), (AuditAction.UPDATE, actor.id),
                       (AuditAction.DELETE, actor.id)]
    update = _entries("staff_members")[1]
    assert update.changes == {"position": ["Учитель", "Директор"]}


def test_a_rolled_back_change_leaves_no_entry():
    org = make_org(make_municipality(make_region()))
    before = len(_entries("staff_members"))
    db.session.add(StaffMember(organization_id=org.id, full_name="Откат", position="Учитель"))
    db.session.flush()
    db.session.rollback()
    assert len(_entries("staff_members")) == before


def test_password_hashes_are_never_in_the_log():
    u = make_user("admin")
    u.set_password("another-long-password")
    u.full_name = "Новое имя"
    db.session.commit()
    for e in _entries("users"):
        assert "password_hash" not in (e.changes or {})
        assert "scrypt" not in str(e.changes)
