"""Attached files where every server sees them: kept in the database in pieces and streamed back
piece by piece, or on disk; ``flask files migrate`` moves them both ways, checking checksums."""
import hashlib
import io
import json

import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import Attachment, AttachmentChunk
from shnor_app.services.files import storage

from tests.conftest import post

BIG = b"%PDF-1.7\n" + bytes(range(256)) * (4096 * 3) + b"end"  # three pieces and a bit


@pytest.fixture
def place(app, request):
    old = app.config.get("FILE_STORAGE")
    app.config["FILE_STORAGE"] = request.param
    yield request.param
    app.config["FILE_STORAGE"] = old


def _upload(client, org, name="приказ.pdf", data=BIG):
    resp = post(client, f"/files/organizations/{org.id}",
                {"file": (io.BytesIO(data), name), "description": "Приказ"}, htmx=True,
                content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return db.session.scalar(select(Attachment).order_by(Attachment.id.desc()))


def _pieces(att) -> int:
    return db.session.scalar(select(func.count()).select_from(AttachmentChunk)
                             .where(AttachmentChunk.stored_name == att.stored_name))


@pytest.mark.parametrize("place", ["database", "disk"], indirect=True)
def test_a_file_is_kept_where_configured_and_comes_back_whole(app, login_as, world, place):
    c = login_as("methodist")
    att = _upload(c, world.school_a)
    on_disk = (app.config["UPLOAD_DIR"] / att.stored_name).exists()
    assert att.storage == place
    assert on_disk == (place == "disk")
    assert _pieces(att) == (4 if place == "database" else 0)
    resp = c.get(f"/files/download/{att.id}")
    assert resp.status_code == 200
    assert resp.headers["Content-Length"] == str(len(BIG))
    assert resp.data == BIG


def test_a_database_file_is_streamed_piece_by_piece(app, login_as, world):
    app.config["FILE_STORAGE"] = "database"
    try:
        c = login_as("methodist")
        att = _upload(c, world.school_a)
        resp = c.get(f"/files/download/{att.id}", buffered=False)
        sizes = [len(piece) for piece in resp.response]
        resp.close()
    finally:
        app.config["FILE_STORAGE"] = None
    assert max(sizes) <= storage.CHUNK and sum(sizes) == len(BIG) and len(sizes) == 4


def test_the_default_is_the_database_on_postgresql_and_the_disk_on_sqlite(app):
    app.config["FILE_STORAGE"] = None
    expected = "database" if db.engine.dialect.name == "postgresql" else "disk"
    assert storage.default_storage() == expected


def test_files_move_both_ways_and_keep_their_checksums(app, login_as, world):
    c = login_as("methodist")
    app.config["FILE_STORAGE"] = "disk"
    try:
        first = _upload(c, world.school_a, "первый.pdf")
        second = _upload(c, world.school_a, "второй.pdf", b"%PDF-1.4 small")
    finally:
        app.config["FILE_STORAGE"] = None
    result = storage.migrate("database")
    assert (result.moved, result.already, result.failed) == (2, 0, [])
    for att in (first, second):
        db.session.refresh(att)
        assert att.storage == "database"
        assert not (app.config["UPLOAD_DIR"] / att.stored_name).exists()
        assert storage.digest(att.stored_name, "database") == att.sha256
    assert c.get(f"/files/download/{first.id}").data == BIG
    again = storage.migrate("database")
    assert (again.moved, again.already) == (0, 2)
    back = storage.migrate("disk")
    assert back.moved == 2 and _pieces(first) == 0
    assert hashlib.sha256((app.config["UPLOAD_DIR"] / first.stored_name).read_bytes()) \
        .hexdigest() == first.sha256


def test_a_damaged_file_is_reported_and_left_where_it_is(app, login_as, world):
    c = login_as("methodist")
    app.config["FILE_STORAGE"] = "disk"
    try:
        att = _upload(c, world.school_a)
    finally:
        app.config["FILE_STORAGE"] = None
    (app.config["UPLOAD_DIR"] / att.stored_name).write_bytes(b"%PDF- changed on disk")
    result = storage.migrate("database")
    assert result.moved == 0 and len(result.failed) == 1
    assert "повреждён" in result.failed[0] and "приказ.pdf" in result.failed[0]
    db.session.refresh(att)
    assert att.storage == "disk" and _pieces(att) == 0


def test_the_migrate_command_prints_its_counts(app, login_as, world):
    c = login_as("methodist")
    app.config["FILE_STORAGE"] = "disk"
    try:
        _upload(c, world.school_a)
    finally:
        app.config["FILE_STORAGE"] = None
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["files", "migrate", "--to", "database", "--dry-run", "--json"])
    assert dry.exit_code == 0 and json.loads(dry.output)["moved"] == 1
    assert db.session.scalar(select(func.count()).select_from(AttachmentChunk)) == 0
    out = runner.invoke(args=["files", "migrate", "--to", "database", "--json"])
    assert out.exit_code == 0
    assert json.loads(out.output) == {"moved": 1, "already": 0, "failed": 0, "errors": []}
    text = runner.invoke(args=["files", "migrate", "--to", "database"])
    assert "уже там: 1" in text.output
