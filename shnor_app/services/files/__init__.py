"""Attached files: one component for every record that can carry documents.

A file is accepted when its extension is on the allowed list AND its content looks like that
kind of file (magic bytes; for Office Open XML the zip must contain the matching part). HTML,
SVG, scripts and executables are refused whatever they are called. Files are stored under
``UPLOAD_DIR`` with a random name; the original name is kept only as data and sent back in
``Content-Disposition: attachment``.
"""
from __future__ import annotations

import hashlib
import io
import secrets
import unicodedata
import zipfile
from pathlib import Path

from flask import current_app

from ...extensions import db
from ...models import Attachment, utcnow
from ..errors import ServiceError


class UploadError(ServiceError):
    """The file was refused; the message is Russian and shown to the user."""


# extension → (content type, kind of content check)
ALLOWED = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml:word/"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml:xl/"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ooxml:ppt/"),
    "doc": ("application/msword", "ole"),
    "xls": ("application/vnd.ms-excel", "ole"),
    "ppt": ("application/vnd.ms-powerpoint", "ole"),
    "odt": ("application/vnd.oasis.opendocument.text", "odf"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "odf"),
    "rtf": ("application/rtf", "rtf"),
    "txt": ("text/plain; charset=utf-8", "text"),
    "csv": ("text/csv; charset=utf-8", "text"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "png": ("image/png", "png"),
    "zip": ("application/zip", "zip"),
}
ALLOWED_LABEL = "PDF, Word, Excel, PowerPoint, OpenDocument, RTF, TXT, CSV, JPEG, PNG, ZIP"

_DANGEROUS_PREFIXES = (b"MZ", b"\x7fELF", b"#!", b"<?php", b"\xca\xfe\xba\xbe")


def safe_name(name: str) -> str:
    """The user's file name without path parts, control characters or NUL bytes."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*\x00')
    name = name.strip(" .")
    return name[:200] or "файл"


def _looks_like_markup(head: bytes) -> bool:
    sample = head[:1024].lstrip().lower()
    return sample.startswith((b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script")) or \
        b"<script" in sample or b"<svg" in sample


def _content_ok(check: str, data: bytes) -> bool:
    head = data[:8]
    if check == "pdf":
        return data[:1024].lstrip().startswith(b"%PDF-")
    if check == "ole":
        return head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    if check == "rtf":
        return data.startswith(b"{\\rtf")
    if check == "jpeg":
        return data.startswith(b"\xff\xd8\xff")
    if check == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if check in ("zip", "odf") or check.startswith("ooxml:"):
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = zf.namelist()
                if check == "zip":
                    return True
                if check == "odf":
                    return "mimetype" in names and zf.read("mimetype").startswith(
                        b"application/vnd.oasis.opendocument")
                prefix = check.split(":", 1)[1]
                return "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names)
        except zipfile.BadZipFile:
            return False
    if check == "text":
        if b"\x00" in data[:8192] or _looks_like_markup(data):
            return False
        for enc in ("utf-8", "cp1251"):
            try:
                data[:65536].decode(enc)
                return True
            except UnicodeDecodeError:
                continue
        return False
    return False


def check_upload(filename: str, data: bytes) -> tuple[str, str]:
    """Return (safe original name, content type) or raise ``UploadError``."""
    name = safe_name(filename)
    limit_mb = current_app.config.get("UPLOAD_MAX_MB", 20)
    if not data:
        raise UploadError("Файл пустой.")
    if len(data) > limit_mb * 1024 * 1024:
        raise UploadError(f"Файл больше допустимых {limit_mb} МБ.")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise UploadError(f"Такой тип файла не принимается. Допустимые: {ALLOWED_LABEL}.")
    if data.startswith(_DANGEROUS_PREFIXES) or (ext != "txt" and _looks_like_markup(data)):
        raise UploadError("Содержимое файла не соответствует его типу. Файл не принят.")
    content_type, check = ALLOWED[ext]
    if not _content_ok(check, data):
        raise UploadError(f"Содержимое файла не похоже на .{ext}. Файл не принят.")
    return name, content_type


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(owner, filename: str, data: bytes, *, by, description: str | None = None) -> Attachment:
    name, content_type = check_upload(filename, data)
    stored = secrets.token_hex(16)
    path = upload_dir() / stored
    path.write_bytes(data)
    att = Attachment(
        object_type=owner.__tablename__, object_id=owner.id, original_name=name,
        stored_name=stored, content_type=content_type, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), description=(description or "").strip() or None,
        uploaded_by_id=getattr(by, "id", None), created_by_id=getattr(by, "id", None),
    )
    db.session.add(att)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        path.unlink(missing_ok=True)
        raise
    return att


def path_of(att: Attachment) -> Path:
    return upload_dir() / att.stored_name


def soft_delete(att: Attachment) -> None:
    """The file stays on disk (it may have been printed or cited); the record is marked."""
    att.deleted_at = utcnow()
    db.session.commit()


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} Б"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} КБ"
    return f"{size / 1024 / 1024:.1f} МБ".replace(".", ",")
