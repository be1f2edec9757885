"""Files attached to any record (orders, programmes, scans, evidence)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .base import SoftDeleteMixin, TimestampMixin, utcnow


class Attachment(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(60), index=True)
    object_id: Mapped[int] = mapped_column(Integer, index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    # where the bytes are: "disk" (UPLOAD_DIR) or "database" (attachment_chunks)
    storage: Mapped[str] = mapped_column(String(10), default="disk", server_default="disk")
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(String(300), nullable=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    uploaded_by = relationship("User", lazy="joined", foreign_keys=[uploaded_by_id])
    __audit__ = True

    def __str__(self) -> str:
        return self.original_name


class StagedUpload(db.Model):
    """A file uploaded for an import, kept on the server from the preview to the confirmation.

    The preview shows what the file holds; the confirmation names the staged file by its random
    ``id`` instead of posting the file again, so a file of any allowed size can be confirmed and
    every server sharing the database finds it. It belongs to the user who uploaded it and
    expires (``services/uploads.py``).
    """
    __tablename__ = "staged_uploads"
    id: Mapped[str] = mapped_column(String(43), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # the preview as last checked (zlib-compressed JSON) and the hash of what it was checked
    # for (the options and the day); a page of the preview is served from it
    checked_for: Mapped[str | None] = mapped_column(String(64), nullable=True)
    checked: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))


class AttachmentChunk(db.Model):
    """A piece (at most ``services.files.storage.CHUNK`` bytes) of an attached file kept in the
    database, so that every server sharing the database serves it and a download streams it
    piece by piece instead of holding the whole file in memory."""
    __tablename__ = "attachment_chunks"
    stored_name: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class CachedDocument(db.Model):
    """A generated document (a PDF) kept under the hash of everything it shows, so that a
    document whose content has not changed is served again by any worker of any server without
    being laid out again (``services/pdf/cache.py``)."""
    __tablename__ = "cached_documents"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
