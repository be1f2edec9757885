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


def test_every_audited_column_keeps_its_old_value_whenever_the_mappers_were_configured(app):
    """The «before» of a change comes from a listener on each audited column. Mappers configured
    before the log was installed (a loader option or a query built at import) never send the
    event that adds it: installing again must add it to them too."""
    from sqlalchemy import event
    from sqlalchemy.orm import configure_mappers

    from shnor_app.services import audit

    configure_mappers()
    # as if StaffMember's mapper had been configured before the log was installed
    event.remove(StaffMember.position, "set", audit._noop_set)
    audit.install(type(db.session()))  # again, after every mapper is configured: no duplicates
    for mapper in db.Model.registry.mappers:
        if not getattr(mapper.class_, "__audit__", False):
            continue
        for attr in mapper.column_attrs:
            if attr.key in audit._SKIP:
                continue
            target = getattr(mapper.class_, attr.key)
            assert event.contains(target, "set", audit._noop_set), f"{mapper.class_.__name__}.{attr.key}"
            assert len(target.dispatch.set) == len(set(target.dispatch.set)), attr.key
