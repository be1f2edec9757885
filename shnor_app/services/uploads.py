"""Staged uploads: an import file kept on the server between its preview and its confirmation.

Every import (roadmaps, course results, assessment results, the registry, staff lists) runs in
two steps: the user uploads a file and sees a preview with the errors of each row; then confirms,
and everything is saved or nothing. Between the two the file waits here, in the database — tied
to the user who uploaded it, with the options chosen for it (``params``: the municipality, the
year…), and expiring after ``STAGED_UPLOAD_HOURS`` (6 by default). The confirmation names it by
its random id: nothing is posted twice, the size of a file does not matter to the round trip,
and any server sharing the database finds it.

A staged file that is not the user's own, not of the expected kind, or expired is "not found"
(:class:`StagedUploadGone`, a Russian message asking to upload the file again).
"""
from __future__ import annotations

import gc
import hashlib
import json
import re
import secrets
import zlib
from datetime import timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..models import StagedUpload, utcnow
from .errors import ServiceError
from .tabular import Preview

GONE = "Файл для импорта не найден или устарел — загрузите его ещё раз."


class StagedUploadGone(ServiceError):
    """The staged file is not there (expired, confirmed already, or someone else's)."""


class UploadMissing(ServiceError):
    """No file was chosen, or the file is empty (the message goes beside the form's field)."""


def read_upload(upload, field: str = "file") -> tuple[str, bytes]:
    """The name and the bytes of a file posted in the form field ``field``, or
    :class:`UploadMissing` when none was chosen or it is empty."""
    if not upload or not getattr(upload, "filename", ""):
        raise UploadMissing(fields={field: "Выберите файл."})
    data = upload.read()
    if not data:
        raise UploadMissing(fields={field: "Файл пустой."})
    return upload.filename, data


# the shape of ``secrets.token_urlsafe(32)``: anything else is not looked up at all (a NUL byte
# or a 10 000-character id from a hostile form never reaches the database)
_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _hours() -> int:
    return int(current_app.config.get("STAGED_UPLOAD_HOURS", 6))


def stage(user, kind: str, filename: str, data: bytes, params: dict | None = None
          ) -> StagedUpload:
    """Keep ``data`` for ``user``'s import of ``kind``; expired files of everyone go first."""
    purge_expired()
    now = utcnow()
    staged = StagedUpload(
        id=secrets.token_urlsafe(32), user_id=user.id, kind=kind, filename=filename[:255],
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), params=dict(params or {}),
        data=data, created_at=now, expires_at=now + timedelta(hours=_hours()))
    db.session.add(staged)
    db.session.commit()
    return staged


def get_staged(user, upload_id: str | None, kind: str) -> StagedUpload:
    """The user's staged file of ``kind``, or :class:`StagedUploadGone`."""
    well_formed = isinstance(upload_id, str) and _ID_SHAPE.fullmatch(upload_id)
    staged = db.session.get(StagedUpload, upload_id) if well_formed else None
    if staged is None or staged.user_id != user.id or staged.kind != kind \
            or _aware(staged.expires_at) <= utcnow():
        raise StagedUploadGone(GONE)
    return staged


def set_params(staged: StagedUpload, params: dict) -> StagedUpload:
    """Remember the options the user changed in the preview (the organiser, the year…)."""
    staged.params = {**(staged.params or {}), **params}
    staged.checked_for, staged.checked = None, None  # checked again for the new options
    db.session.commit()
    return staged


MAX_CHECKED = 16 * 1024 * 1024  # bytes of a kept checked preview (compressed); larger: not kept


def _checked_key(staged: StagedUpload, context) -> str:
    return hashlib.sha256(json.dumps([staged.params or {}, context], sort_keys=True,
                                     default=str).encode()).hexdigest()


def checked_preview(staged: StagedUpload, check: Callable[[], Preview], context=None
                    ) -> Preview:
    """The preview of a staged file: ``check()`` runs once per file and set of options
    (``params``, plus ``context`` — e.g. the day the check depends on); its result is kept with
    the staged file, so the next page of the preview reads it instead of checking the file
    again. Changing the options (:func:`set_params`) checks it anew. What is read back is for
    showing only: a confirmation checks the file again against the database as it is then."""
    key = _checked_key(staged, context)
    if staged.checked_for == key and staged.checked is not None:
        try:
            return _read_checked(staged.checked)
        except (ValueError, TypeError, KeyError, zlib.error):
            pass  # unreadable: check again
    preview = check()
    blob = zlib.compress(json.dumps(preview.to_json(), ensure_ascii=False,
                                    separators=(",", ":"), default=str).encode(), 6)
    keep = len(blob) <= MAX_CHECKED
    staged.checked_for, staged.checked = (key, blob) if keep else (None, None)
    db.session.commit()
    return preview


def _read_checked(blob: bytes) -> Preview:
    """A kept check read back. The collector of reference cycles waits meanwhile: the tens of
    thousands of small lists and rows read here hold no cycles, and walking them over and over
    while they are made would take twice as long as making them."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        return Preview.from_json(json.loads(zlib.decompress(blob)))
    finally:
        if was_on:
            gc.enable()


def discard(staged: StagedUpload) -> None:
    """Forget a staged file (after its import was saved, or when the user starts over)."""
    db.session.execute(delete(StagedUpload).where(StagedUpload.id == staged.id))
    db.session.commit()


def purge_expired() -> int:
    """Delete every expired staged file; returns how many went."""
    result = db.session.execute(
        delete(StagedUpload).where(StagedUpload.expires_at <= utcnow()),
        execution_options={"synchronize_session": "fetch"})  # SQLite's datetimes are naive
    return result.rowcount or 0


def staged_ids(user, kind: str) -> list[str]:
    """Ids of the user's staged files of ``kind`` that have not expired (newest first)."""
    return list(db.session.scalars(select(StagedUpload.id).where(
        StagedUpload.user_id == user.id, StagedUpload.kind == kind,
        StagedUpload.expires_at > utcnow()).order_by(StagedUpload.created_at.desc())))


def _aware(moment):
    """SQLite hands back naive datetimes; they were written in UTC."""
    from datetime import timezone

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
