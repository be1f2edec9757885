"""The change history of one record, for everyone who may see that record."""
from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import AuditEntry, Role
from ...services.audit import field_label
from ...web import render_view
from . import bp


@bp.get("/<object_type>/<int:object_id>")
@login_required
def object_history(object_type: str, object_id: int):
    model = policy.RECORD_TYPES.get(object_type)
    if model is None:
        abort(404)
    obj = db.session.get(model, object_id)
    # Admins also see the history of deleted records; others only of what they can see.
    if obj is None or not (current_user.role == Role.ADMIN or policy.can_view(current_user, obj)):
        abort(404)
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())).all()
    return render_view("history/object.html", title=f"История: {obj}", obj=obj,
                       entries=entries, field_label=field_label)
