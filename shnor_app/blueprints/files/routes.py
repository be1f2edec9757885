"""Attached files of any record: list, upload, download, soft-delete.

The record that owns a file is found by its table (``policy.model_for_table``); whoever may see the
record may see and download its files, whoever may attach to it may upload.
"""
from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import Attachment
from ...services import files as file_service
from ...text import clean_text
from ...web import record, render_fragment, render_view, send_download, submit
from . import bp
from .forms import PostedFile


def _owner_or_404(object_type: str, object_id: int):
    model = policy.model_for_table(object_type)
    if model is None or not policy.can_carry_files(model):
        abort(404)
    return policy.get_or_404(current_user, model, object_id)


def _list_context(object_type: str, owner, error: str | None = None) -> dict:
    items = db.session.scalars(select(Attachment).where(
        Attachment.object_type == object_type, Attachment.object_id == owner.id,
        Attachment.deleted_at.is_(None)).order_by(Attachment.created_at.desc())).all()
    return {
        "object_type": object_type, "owner": owner, "items": items, "error": error,
        "can_upload": policy.can(current_user, "attach", owner),
        "can_delete": {a.id: policy.can_edit(current_user, a) for a in items},
        "human_size": file_service.human_size, "allowed": file_service.ALLOWED_LABEL,
        "max_mb": current_app.config["UPLOAD_MAX_MB"],
    }


@bp.get("/<object_type>/<int:object_id>")
@login_required
def list_for(object_type: str, object_id: int):
    owner = _owner_or_404(object_type, object_id)
    return render_view("files/list.html", "files/_list.html", title="Документы",
                       **_list_context(object_type, owner))


def _files_block(object_type: str, owner, *, error: str | None = None, status: int = 200):
    """The files' block for htmx (the form's message in it), the page otherwise."""
    ctx = _list_context(object_type, owner, error)
    if request.htmx:
        return render_fragment("files/_list.html", status=status, **ctx)
    return render_view("files/list.html", status=status, title="Документы", **ctx)


def _changed(notice: str, object_type: str, object_id: int, owner):
    """After an upload or a delete: the files' block for htmx, else ``notice`` flashed and
    the list."""
    if request.htmx:
        return _files_block(object_type, owner)
    flash(notice, "success")
    return redirect(url_for("files.list_for", object_type=object_type, object_id=object_id))


@bp.post("/<object_type>/<int:object_id>")
@login_required
def upload(object_type: str, object_id: int):
    owner = _owner_or_404(object_type, object_id)
    policy.require(current_user, "attach", owner)
    form = PostedFile()
    return submit(form, lambda: file_service.store(
                      owner, clean_text(form.file.filename), form.file.read(), by=current_user,
                      description=form.description),
                  done=lambda _: _changed("Файл загружен.", object_type, object_id, owner),
                  again=lambda status: _files_block(object_type, owner, error=form.error,
                                                    status=status))


@bp.get("/download/<int:file_id>")
@login_required
def download(file_id: int):
    att = policy.get_or_404(current_user, Attachment, file_id)
    if not file_service.storage.exists(att):
        abort(404)
    return send_download(file_service.content(att), att.original_name, att.content_type,
                         size=att.size)


@bp.post("/delete/<int:file_id>")
@login_required
def delete(file_id: int):
    _, att = record(Attachment, file_id, "edit")
    owner = policy.attachment_owner(att)
    file_service.soft_delete(att)
    return _changed("Файл удалён.", att.object_type, att.object_id, owner)
