"""Where the bytes of attached files are kept: on the server's disk or in the database.

Several servers sharing one database must all see every file, so on PostgreSQL files are kept
in the database by default (``attachment_chunks``: pieces of :data:`CHUNK` bytes, written one by
one and streamed back one by one, so a 20 MB file never sits whole in a worker's memory on its
way out). With SQLite — one server by nature — they stay on disk under ``UPLOAD_DIR``.
``FILE_STORAGE`` ("database" or "disk") overrides the default. Each attachment records where
its bytes are (``Attachment.storage``), so a change of setting never loses a file:
:func:`migrate` (``flask --app wsgi files migrate``) moves files between the two and checks each
file's SHA-256 before the old copy is removed.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from flask import current_app
from sqlalchemy import delete, func, select

from ...extensions import db
from ...models import Attachment, AttachmentChunk

CHUNK = 1024 * 1024
DISK, DATABASE = "disk", "database"
KINDS = (DISK, DATABASE)


def default_storage() -> str:
    """The configured place for new files: ``FILE_STORAGE``, else the database on PostgreSQL
    and the disk on SQLite."""
    chosen = (current_app.config.get("FILE_STORAGE") or "").strip().lower()
    if chosen in KINDS:
        return chosen
    return DATABASE if db.engine.dialect.name == "postgresql" else DISK


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def write(stored_name: str, data: bytes, storage: str) -> None:
    """Keep ``data`` under ``stored_name`` (in the current transaction for the database)."""
    write_pieces(stored_name, (data[at:at + CHUNK] for at in range(0, len(data), CHUNK)), storage)


def write_pieces(stored_name: str, pieces, storage: str) -> None:
    """Keep the bytes of ``pieces`` (each at most :data:`CHUNK`) under ``stored_name``, one
    piece in memory at a time."""
    if storage == DATABASE:
        for n, piece in enumerate(pieces):
            db.session.add(AttachmentChunk(stored_name=stored_name, seq=n, data=piece))
            db.session.flush()
    else:
        with open(upload_dir() / stored_name, "wb") as fh:
            for piece in pieces:
                fh.write(piece)


def remove(stored_name: str, storage: str) -> None:
    if storage == DATABASE:
        db.session.execute(delete(AttachmentChunk).where(AttachmentChunk.stored_name == stored_name))
    else:
        (upload_dir() / stored_name).unlink(missing_ok=True)


def chunks(stored_name: str, storage: str) -> Iterator[bytes]:
    """The file's bytes piece by piece (one query per piece for the database)."""
    if storage == DATABASE:
        seq = 0
        while True:
            piece = db.session.scalar(select(AttachmentChunk.data).where(
                AttachmentChunk.stored_name == stored_name, AttachmentChunk.seq == seq))
            if piece is None:
                return
            yield piece
            seq += 1
    else:
        with open(upload_dir() / stored_name, "rb") as fh:
            while piece := fh.read(CHUNK):
                yield piece


def stream(stored_name: str, storage: str) -> Iterator[bytes]:
    """The file's pieces for a download, read while the answer is being sent: after the request
    has ended, so from a connection of the stream's own (the database) or the open file."""
    if storage != DATABASE:
        return chunks(stored_name, storage)
    return _stream_rows(db.engine, stored_name)


def _stream_rows(engine, stored_name: str) -> Iterator[bytes]:
    piece = select(AttachmentChunk.data).where(AttachmentChunk.stored_name == stored_name)
    with engine.connect() as conn:
        seq = 0
        while (data := conn.scalar(piece.where(AttachmentChunk.seq == seq))) is not None:
            yield bytes(data)
            seq += 1


def exists(att: Attachment) -> bool:
    if att.storage == DATABASE:
        return db.session.scalar(select(func.count()).select_from(AttachmentChunk).where(
            AttachmentChunk.stored_name == att.stored_name)) > 0 or att.size == 0
    return (upload_dir() / att.stored_name).is_file()


def digest(stored_name: str, storage: str) -> str:
    h = hashlib.sha256()
    for piece in chunks(stored_name, storage):
        h.update(piece)
    return h.hexdigest()


@dataclass
class Migration:
    moved: int = 0
    already: int = 0
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"moved": self.moved, "already": self.already, "failed": len(self.failed),
                "errors": self.failed}


def migrate(to: str, *, dry_run: bool = False) -> Migration:
    """Move every attached file (deleted ones too: they are kept) to ``to``.

    Each file is copied, read back and compared by SHA-256 with the checksum recorded at upload,
    and only then is its record switched and the old copy removed — one file per transaction,
    so an interrupted run leaves every file readable and is simply run again.
    """
    if to not in KINDS:
        raise ValueError(to)
    result = Migration()
    ids = db.session.scalars(select(Attachment.id).order_by(Attachment.id)).all()
    for att_id in ids:
        att = db.session.get(Attachment, att_id)
        if att.storage == to:
            result.already += 1
            continue
        label = f"№ {att.id} «{att.original_name}»"
        try:
            source = att.storage
            if digest(att.stored_name, source) != att.sha256:
                result.failed.append(f"{label}: файл повреждён или отсутствует — не перенесён")
                continue
            if dry_run:
                result.moved += 1
                continue
            remove(att.stored_name, to)  # a piece left by an interrupted run
            write_pieces(att.stored_name, chunks(att.stored_name, source), to)
            if digest(att.stored_name, to) != att.sha256:
                raise OSError("контрольная сумма копии не совпала")
            att.storage = to
            db.session.commit()
        except OSError as err:
            db.session.rollback()
            if to == DISK:
                remove(att.stored_name, DISK)
            result.failed.append(f"{label}: {err}")
            continue
        remove(att.stored_name, source)
        db.session.commit()
        result.moved += 1
    return result
