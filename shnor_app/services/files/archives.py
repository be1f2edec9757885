"""Zip-based files (docx, xlsx, pptx, odt, ods, odp, zip) are checked before anything unpacks them.

A zip's central directory declares how large each member becomes once unpacked, and Python's
``zipfile`` never inflates more than that: it stops at the declared size and then checks the
CRC, so a member that lies about its size fails instead of growing. The declared sizes therefore
bound the work, and :func:`open_archive` checks them before a single byte is inflated:

* the number of members (``ZIP_MAX_MEMBERS``), read from the end record *before* ``zipfile``
  builds an object per member;
* the unpacked size of all members together (``ZIP_MAX_UNPACKED_MB``);
* the ratio of unpacked to packed size of each member (``ZIP_MAX_RATIO``) — a kilobyte that
  inflates to a gigabyte is a bomb, not a document. Members under 1 MiB unpacked are not judged
  by their ratio: tiny parts compress oddly and cost nothing.

A member is read whole only by a streaming parser (the declared sizes bound it); a check that
needs its start reads it through :func:`read_member`, which inflates no more than asked.
python-docx and openpyxl open the archive themselves, so importers call :func:`check_archive`
on the bytes before handing them over. No Flask and no database here.
"""
from __future__ import annotations

import io
import zipfile
import zlib

from ..errors import ServiceError
from ..limits import fmt_count, limits_for

_RATIO_FLOOR = 1 << 20  # members smaller than this once unpacked are not judged by their ratio
_EOCD = b"PK\x05\x06"  # end of central directory record
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"

DAMAGED = "Файл повреждён: архив внутри него не читается."
# Errors zipfile and zlib raise for a damaged, encrypted or exotic archive.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
               ValueError, RuntimeError, NotImplementedError, KeyError)


class ArchiveError(ServiceError):
    """A zip-based file was refused before it was unpacked; the message is Russian."""


class ArchiveDamaged(ArchiveError):
    """The archive cannot be read at all (not a zip, truncated, encrypted …)."""

    def __init__(self, message: str = DAMAGED):
        super().__init__(message)


# members, unpacked_mb, ratio
ZipLimits = limits_for("ZIP_MAX_", "ZipLimits")


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def _declared_member_count(data: bytes) -> int | None:
    """The number of members the end record declares (None when there is no end record)."""
    at = data.rfind(_EOCD, max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or len(data) < at + 22:
        return None
    total = int.from_bytes(data[at + 10:at + 12], "little")
    if total != 0xFFFF:
        return total
    locator = at - 20  # ZIP64: the true count is in the ZIP64 end record
    if locator >= 0 and data[locator:locator + 4] == _ZIP64_LOCATOR:
        offset = int.from_bytes(data[locator + 8:locator + 16], "little")
        if data[offset:offset + 4] == _ZIP64_EOCD:
            return int.from_bytes(data[offset + 32:offset + 40], "little")
    return total


def _too_many(limits: ZipLimits) -> ArchiveError:
    return ArchiveError(f"В файле-архиве больше {fmt_count(limits.members)} частей — "
                        "файл не принят.")


def open_archive(data: bytes, limits: ZipLimits | None = None) -> zipfile.ZipFile:
    """The archive in ``data`` once its declared sizes are within the limits.

    Raises :class:`ArchiveError` (Russian message) for a damaged archive or one that would
    unpack into too much. The caller closes the returned ``ZipFile`` (use it in ``with``).
    """
    limits = limits or ZipLimits.from_settings()
    declared = _declared_member_count(data)
    if declared is not None and declared > limits.members:
        raise _too_many(limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS:
        raise ArchiveDamaged() from None
    try:
        infos = archive.infolist()
        if len(infos) > limits.members:
            raise _too_many(limits)
        total = 0
        for info in infos:
            if info.file_size > _RATIO_FLOOR and \
                    info.file_size > max(info.compress_size, 1) * limits.ratio:
                raise ArchiveError(
                    f"Часть файла «{info.filename[:80]}» сжата в "
                    f"{info.file_size // max(info.compress_size, 1)} раз — так сжимают "
                    "«zip-бомбы», а не документы. Файл не принят.")
            total += info.file_size
            if total > limits.unpacked_mb * 1024 * 1024:
                raise ArchiveError(
                    f"Файл-архив распаковывается больше чем в {fmt_count(limits.unpacked_mb)} "
                    "МБ — файл не принят.")
    except ArchiveError:
        archive.close()
        raise
    return archive


def check_archive(data: bytes, limits: ZipLimits | None = None) -> None:
    """Raise :class:`ArchiveError` unless ``data`` is an archive safe to unpack."""
    open_archive(data, limits).close()


def read_member(archive: zipfile.ZipFile, name: str, max_bytes: int) -> bytes:
    """The first ``max_bytes`` of a member unpacked; never more is inflated."""
    try:
        with archive.open(name) as member:
            return member.read(max_bytes)
    except _ZIP_ERRORS:
        raise ArchiveDamaged() from None
