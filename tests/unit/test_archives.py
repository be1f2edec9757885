"""Zip-based files are judged by their declared sizes before anything is unpacked: member count,
unpacked total, compression ratio; a member is read only as far as asked. Bombs are built here,
in the test, and the memory a check costs is measured with tracemalloc."""
import io
import random
import tracemalloc
import zipfile

import pytest

from shnor_app.services.files import archives
from shnor_app.services.files.archives import ArchiveDamaged, ArchiveError, ZipLimits

MB = 1024 * 1024
LIMITS = ZipLimits(members=100, unpacked_mb=20, ratio=100)


def zip_bytes(members: dict[str, bytes | int], *, prefix: bytes = b"") -> bytes:
    """An archive; a member given as an int is that many zero bytes after ``prefix``, streamed
    into the archive so that building a bomb never holds it in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if isinstance(content, int):
                with archive.open(name, "w") as member:
                    member.write(prefix)
                    chunk = b"\0" * MB
                    for _ in range(content // MB):
                        member.write(chunk)
            else:
                archive.writestr(name, content)
    return buffer.getvalue()


def peak_memory(fn) -> tuple[int, object]:
    """(peak bytes allocated while ``fn`` ran, what it returned or raised)."""
    tracemalloc.start()
    try:
        try:
            outcome = fn()
        except Exception as err:  # noqa: BLE001 - the outcome is what the test looks at
            outcome = err
        return tracemalloc.get_traced_memory()[1], outcome
    finally:
        tracemalloc.stop()


def test_a_member_that_inflates_a_thousandfold_is_refused_before_it_is_inflated():
    bomb = zip_bytes({"word/document.xml": 64 * MB})
    assert len(bomb) < 100_000
    peak, outcome = peak_memory(lambda: archives.check_archive(bomb, LIMITS))
    assert isinstance(outcome, ArchiveError) and "zip-бомб" in outcome.message
    assert "word/document.xml" in outcome.message
    assert peak < 2 * MB


def test_a_small_member_is_not_judged_by_its_ratio():
    archives.check_archive(zip_bytes({"mimetype": 512 * 1024}), LIMITS)


def test_the_unpacked_total_is_bounded():
    noise = random.Random(15).randbytes(3 * MB)  # incompressible: the ratio stays about 1
    data = zip_bytes({"a.bin": noise, "b.bin": noise})
    limits = ZipLimits(members=100, unpacked_mb=5, ratio=100)
    with pytest.raises(ArchiveError, match="больше чем в 5 МБ"):
        archives.check_archive(data, limits)
    archives.check_archive(data, ZipLimits(members=100, unpacked_mb=7, ratio=100))


def test_too_many_members_are_refused_from_the_end_record_before_zipfile_reads_them(monkeypatch):
    data = zip_bytes({f"part{i}.xml": b"<x/>" for i in range(150)})
    with pytest.raises(ArchiveError, match="больше 100 частей"):
        archives.check_archive(data, LIMITS)

    def never(*args, **kwargs):
        raise AssertionError("zipfile read the central directory of an oversized archive")

    monkeypatch.setattr(archives.zipfile, "ZipFile", never)
    with pytest.raises(ArchiveError, match="больше 100 частей"):
        archives.check_archive(data, LIMITS)


@pytest.mark.parametrize("data", [b"PK\x03\x04garbage", b"not a zip at all", b""])
def test_a_damaged_archive_is_told_apart(data):
    with pytest.raises(ArchiveDamaged):
        archives.check_archive(data, LIMITS)


def test_read_member_inflates_no_more_than_asked():
    data = zip_bytes({"mimetype": 48 * MB}, prefix=b"application/vnd.oasis.opendocument.text")
    relaxed = ZipLimits(members=100, unpacked_mb=100, ratio=10**6)

    def read():
        with archives.open_archive(data, relaxed) as archive:
            return archives.read_member(archive, "mimetype", 40)

    peak, start = peak_memory(read)
    assert start == b"application/vnd.oasis.opendocument.text\0"
    assert peak < 2 * MB


def test_limits_come_from_the_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "ZIP_MAX_UNPACKED_MB", 3)
    monkeypatch.setitem(app.config, "ZIP_MAX_RATIO", 7)
    monkeypatch.setitem(app.config, "ZIP_MAX_MEMBERS", 9)
    assert ZipLimits.from_settings() == ZipLimits(members=9, unpacked_mb=3, ratio=7)
