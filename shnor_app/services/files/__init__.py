"""Attached files: one component for every record that can carry documents.

A file is accepted when its extension is on the allowed list AND its content looks like that
kind of file (magic bytes; for Office Open XML the zip must contain the matching part, for
OpenDocument its ``mimetype`` member must name the type). Zip-based files are checked by
:mod:`.archives` before anything is inflated (member count, unpacked size, compression ratio),
and of a member only the first bytes needed are ever unpacked. HTML, SVG, scripts and
executables are refused whatever they are called. Files are stored with a random name, on disk
or in the database (:mod:`.storage`); the original name is kept only as data (shortened to 200 characters, keeping its
extension) and sent back in ``Content-Disposition: attachment``. A text file's content type
carries the charset it was found in (UTF-8 or Windows-1251), and the download sends that
content type as it is.
"""
from __future__ import annotations

import hashlib
import secrets
import unicodedata

from flask import current_app

from ...extensions import db
from ...models import Attachment
from ..errors import ServiceError
# An attachment's file stays on disk (it may have been printed or cited); the record is marked.
from ..records import soft_delete  # noqa: F401 (the area's name for it)
from . import storage
from .archives import ArchiveDamaged, ArchiveError, is_zip, open_archive, read_member


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
    "odp": ("application/vnd.oasis.opendocument.presentation", "odf"),
    "rtf": ("application/rtf", "rtf"),
    "txt": ("text/plain", "text"),  # "; charset=…" is added as found (see _text_charset)
    "csv": ("text/csv", "text"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "png": ("image/png", "png"),
    "zip": ("application/zip", "zip"),
}
ALLOWED_LABEL = "PDF, Word, Excel, PowerPoint, OpenDocument, RTF, TXT, CSV, JPEG, PNG, ZIP"

_DANGEROUS_PREFIXES = (b"MZ", b"\x7fELF", b"#!", b"<?php", b"\xca\xfe\xba\xbe")
MAX_NAME = 200
_MAX_EXTENSION = 10


def safe_name(name: str) -> str:
    """The user's file name without path parts, control characters or NUL bytes, at most
    :data:`MAX_NAME` characters — a longer one is shortened before its extension."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*\x00')
    name = name.strip(" .")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and len(ext) <= _MAX_EXTENSION:
            name = stem[:MAX_NAME - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:MAX_NAME]
    return name or "файл"


def _looks_like_markup(head: bytes) -> bool:
    sample = head[:1024].lstrip().lower()
    return sample.startswith((b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script")) or \
        b"<script" in sample or b"<svg" in sample


def _content_ok(check: str, content_type: str, data: bytes) -> bool:
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
        return _archive_ok(check, content_type, data)
    if check == "text":
        return _text_charset(data) is not None
    return False


def _archive_ok(check: str, content_type: str, data: bytes) -> bool:
    """Does the zip hold the parts of its type? Raises ``ArchiveError`` for a bomb."""
    if not is_zip(data):
        return False
    try:
        with open_archive(data) as archive:
            names = archive.namelist()
            if check == "zip":
                return True
            if check == "odf":  # the first bytes of «mimetype» name the type; read no more
                return "mimetype" in names and read_member(
                    archive, "mimetype", len(content_type) + 1).strip() == content_type.encode()
            prefix = check.split(":", 1)[1]
            return "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names)
    except ArchiveDamaged:
        return False


def _text_charset(data: bytes) -> str | None:
    """"utf-8" or "windows-1251" when ``data`` reads as text, else None."""
    if b"\x00" in data[:8192] or _looks_like_markup(data):
        return None
    for encoding, charset in (("utf-8", "utf-8"), ("cp1251", "windows-1251")):
        try:
            data[:65536].decode(encoding)
        except UnicodeDecodeError as err:
            if encoding == "utf-8" and err.start >= 65536 - 3:  # a letter cut at the sample's end
                return charset
            continue
        return charset
    return None


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
    try:
        content_ok = _content_ok(check, content_type, data)
    except ArchiveError as err:
        raise UploadError(err.message) from None
    if not content_ok:
        raise UploadError(f"Содержимое файла не похоже на .{ext}. Файл не принят.")
    if check == "text":
        content_type += f"; charset={_text_charset(data)}"
    return name, content_type


def store(owner, filename: str, data: bytes, *, by, description: str | None = None) -> Attachment:
    name, content_type = check_upload(filename, data)
    stored = secrets.token_hex(16)
    kind = storage.default_storage()
    att = Attachment(
        object_type=owner.__tablename__, object_id=owner.id, original_name=name,
        stored_name=stored, storage=kind, content_type=content_type, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), description=(description or "").strip() or None,
        uploaded_by_id=getattr(by, "id", None), created_by_id=getattr(by, "id", None),
    )
    try:
        storage.write(stored, data, kind)
        db.session.add(att)
        db.session.commit()
    except Exception:
        db.session.rollback()
        if kind == storage.DISK:
            storage.remove(stored, kind)
        raise
    return att


def content(att: Attachment):
    """What a download sends: the path of a file on disk (streamed with range requests), or
    the file's pieces from the database one by one."""
    if att.storage == storage.DISK:
        return storage.upload_dir() / att.stored_name
    return storage.stream(att.stored_name, att.storage)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} Б"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} КБ"
    return f"{size / 1024 / 1024:.1f} МБ".replace(".", ",")
