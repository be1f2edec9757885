"""Attachments: types checked by content, safe names, limits, headers, scope, soft delete."""
import io
import zipfile

import pytest
from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import Attachment

from tests.conftest import post


def _docx_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _upload(client, org, name, data, htmx=True):
    return post(client, f"/files/organizations/{org.id}",
                {"file": (io.BytesIO(data), name), "description": "Приказ"}, htmx=htmx,
                content_type="multipart/form-data")


@pytest.mark.parametrize("name,data", [
    ("приказ № 79.pdf", b"%PDF-1.7\n..."), ("программа.docx", None), ("список.csv", "ФИО;школа\n".encode()),
    ("скан.png", b"\x89PNG\r\n\x1a\n0000"),
])
def test_allowed_files_are_stored(login_as, world, name, data):
    c = login_as("methodist")
    resp = _upload(c, world.school_a, name, data or _docx_bytes())
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert name in resp.get_data(as_text=True)


@pytest.mark.parametrize("name,data,message", [
    ("отчёт.pdf", b"<html><script>alert(1)</script></html>", "не соответствует"),
    ("рисунок.svg", b"<svg onload=alert(1)>", "не принимается"),
    ("программа.exe", b"MZ\x90\x00", "не принимается"),
    ("документ.pdf", b"MZ\x90\x00fake", "не соответствует"),
    ("текст.docx", b"PK\x03\x04not really a zip", "не похоже"),
    ("пусто.pdf", b"", "пустой"),
])
def test_dangerous_or_mislabelled_files_are_refused(login_as, world, name, data, message):
    c = login_as("methodist")
    resp = _upload(c, world.school_a, name, data)
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert db.session.scalar(select(Attachment)) is None


def test_size_limit(app, login_as, world):
    c = login_as("methodist")
    old = app.config["UPLOAD_MAX_MB"]
    app.config["UPLOAD_MAX_MB"] = 1
    try:
        resp = _upload(c, world.school_a, "большой.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 10))
    finally:
        app.config["UPLOAD_MAX_MB"] = old
    assert resp.status_code == 422 and "больше допустимых 1 МБ" in resp.get_data(as_text=True)


def test_path_tricks_and_nul_bytes_in_names_are_neutralised(login_as, world, app):
    c = login_as("methodist")
    _upload(c, world.school_a, "../../etc/пароли\x00.pdf", b"%PDF-1.4")
    att = db.session.scalar(select(Attachment))
    assert att.original_name == "пароли.pdf" and "/" not in att.stored_name
    assert (app.config["UPLOAD_DIR"] / att.stored_name).exists()


def test_download_is_an_attachment_with_the_unicode_name(login_as, world):
    c = login_as("methodist")
    _upload(c, world.school_a, "Приказ № 79.pdf", b"%PDF-1.4 body")
    att = db.session.scalar(select(Attachment))
    resp = c.get(f"/files/download/{att.id}")
    assert resp.status_code == 200 and resp.data == b"%PDF-1.4 body"
    cd = resp.headers["Content-Disposition"]
    assert cd.startswith("attachment") and "filename*=UTF-8''" in cd
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in resp.headers


def test_school_uploads_to_its_own_card_but_cannot_read_another_schools_files(login_as, world):
    school = login_as("school")
    assert _upload(school, world.school_a, "отчёт.pdf", b"%PDF-1.4").status_code == 200
    meth = login_as("region")
    _upload(meth, world.school_b, "чужое.pdf", b"%PDF-1.4")
    other = db.session.scalar(select(Attachment).where(Attachment.original_name == "чужое.pdf"))
    assert school.get(f"/files/download/{other.id}").status_code == 404


def test_deleted_file_is_soft_deleted(login_as, world):
    c = login_as("methodist")
    _upload(c, world.school_a, "старое.pdf", b"%PDF-1.4")
    att = db.session.scalar(select(Attachment))
    resp = post(c, f"/files/delete/{att.id}", htmx=True)
    assert resp.status_code == 200 and "старое.pdf" not in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Attachment, att.id).deleted_at is not None
    assert c.get(f"/files/download/{att.id}").status_code == 404
