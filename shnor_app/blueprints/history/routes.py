"""The change history of one record, for everyone who may see that record."""
from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import AuditEntry
from ...services.audit import field_label
from ...web import render_view
from . import bp


@bp.get("/<object_type>/<int:object_id>")
@login_required
def object_history(object_type: str, object_id: int):
    model = policy.model_for_table(object_type)
    if model is None:
        abort(404)
    obj = db.session.get(model, object_id)
    # Whoever sees the record (the admin also a deleted one) sees its history.
    if obj is None or not policy.can_view(current_user, obj):
        abort(404)
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())).all()
    return render_view("history/object.html", title=f"История: {obj}", obj=obj,
                       entries=entries, field_label=field_label)
