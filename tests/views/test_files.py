"""Attachments: types checked by content, safe names, limits, headers, scope, soft delete."""
import io
import zipfile

import pytest
from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import Attachment
from shnor_app.services.files import storage

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


def test_a_refused_upload_keeps_the_description_and_focuses_the_file_field(login_as, world):
    c = login_as("methodist")
    resp = post(c, f"/files/organizations/{world.school_a.id}",
                {"file": (io.BytesIO(b"MZ\x90\x00"), "программа.exe"),
                 "description": "Приказ № 79 «Об утверждении»"}, htmx=True,
                content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'value="Приказ № 79 «Об утверждении»"' in html
    assert html.count("autofocus") == 1 and 'name="file" required autofocus' in html


def test_a_refused_upload_without_javascript_shows_the_page_again_with_what_was_typed(
        login_as, world):
    c = login_as("methodist")
    resp = post(c, f"/files/organizations/{world.school_a.id}",
                {"file": (io.BytesIO(b"MZ\x90\x00"), "программа.exe"),
                 "description": "Приказ № 79 «Об утверждении»"},
                content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "<html" in html and "<h1>Документы</h1>" in html
    assert "не принимается" in html and html.count("не принимается") == 1
    assert 'value="Приказ № 79 «Об утверждении»"' in html and 'name="file" required autofocus' in html
    assert db.session.scalar(select(Attachment)) is None
    # a good file still answers with the list page and the notice
    resp = post(c, f"/files/organizations/{world.school_a.id}",
                {"file": (io.BytesIO(b"%PDF-1.7\n..."), "приказ.pdf"), "description": "Приказ"},
                content_type="multipart/form-data")
    assert resp.status_code == 302
    page = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Файл загружен." in page and "приказ.pdf" in page


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
    assert storage.exists(att)


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


# --------------------------------------------------------------------------- zip-based files

ODT = "application/vnd.oasis.opendocument.text"


def test_odt_whose_mimetype_member_is_a_bomb_is_refused_in_bounded_memory(login_as, world):
    from shnor_app.services.files import UploadError, check_upload
    from tests.unit.test_archives import MB, peak_memory, zip_bytes

    bomb = zip_bytes({"mimetype": 48 * MB}, prefix=ODT.encode())  # ~50 KB → 48 MB
    peak, outcome = peak_memory(lambda: check_upload("отчёт.odt", bomb))
    assert isinstance(outcome, UploadError) and "zip-бомб" in outcome.message
    assert peak < 4 * MB
    resp = _upload(login_as("methodist"), world.school_a, "отчёт.odt", bomb)
    assert resp.status_code == 422 and "zip-бомб" in resp.get_data(as_text=True)
    assert db.session.scalar(select(Attachment)) is None


def test_only_the_start_of_the_mimetype_member_is_ever_inflated(app, monkeypatch):
    from shnor_app.services.files import UploadError, check_upload
    from tests.unit.test_archives import MB, peak_memory, zip_bytes

    monkeypatch.setitem(app.config, "ZIP_MAX_RATIO", 10**6)  # let the bomb past the first check
    bomb = zip_bytes({"mimetype": 48 * MB}, prefix=ODT.encode())
    peak, outcome = peak_memory(lambda: check_upload("отчёт.odt", bomb))
    assert isinstance(outcome, UploadError) and "не похоже на .odt" in outcome.message
    assert peak < 4 * MB


@pytest.mark.parametrize("name,parts", [
    ("план.docx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
    ("итоги.xlsx", {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
    ("слайды.pptx", {"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}),
    ("текст.odt", {"mimetype": ODT.encode()}),
    ("таблица.ods", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
    ("слайды.odp", {"mimetype": b"application/vnd.oasis.opendocument.presentation"}),
    ("архив.zip", {"readme.txt": b"hello"}),
])
def test_every_zip_based_type_is_accepted_whole_and_refused_as_a_bomb(login_as, world, name, parts):
    from tests.unit.test_archives import MB, zip_bytes

    c = login_as("methodist")
    assert _upload(c, world.school_a, name, zip_bytes(parts)).status_code == 200
    resp = _upload(c, world.school_a, "бомба-" + name, zip_bytes({**parts, "media/x.bin": 16 * MB}))
    assert resp.status_code == 422 and "zip-бомб" in resp.get_data(as_text=True)
    assert db.session.scalar(select(Attachment.original_name).where(
        Attachment.original_name.like("бомба-%"))) is None


def test_an_odt_whose_mimetype_names_another_type_is_refused(login_as, world):
    from tests.unit.test_archives import zip_bytes

    data = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    resp = _upload(login_as("methodist"), world.school_a, "текст.odt", data)
    assert resp.status_code == 422 and "не похоже на .odt" in resp.get_data(as_text=True)


# --------------------------------------------------------------------------- names and types


def test_a_name_over_200_characters_is_shortened_keeping_its_extension(login_as, world):
    name = "Приказ " + "об утверждении плана мероприятий " * 10 + "№ 79.pdf"
    assert len(name) > 300
    resp = _upload(login_as("methodist"), world.school_a, name, b"%PDF-1.4 body")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    att = db.session.scalar(select(Attachment))
    assert len(att.original_name) <= 200 and att.original_name.endswith(".pdf")
    assert att.original_name.startswith("Приказ об утверждении плана")
    assert att.content_type == "application/pdf"


@pytest.mark.parametrize("encoding,charset", [("utf-8", "utf-8"), ("cp1251", "windows-1251")])
def test_a_csv_download_names_its_charset_once(login_as, world, encoding, charset):
    c = login_as("methodist")
    _upload(c, world.school_a, "список.csv", "ФИО;школа\nИванов;СОШ № 1\n".encode(encoding))
    att = db.session.scalar(select(Attachment))
    resp = c.get(f"/files/download/{att.id}")
    assert resp.status_code == 200
    assert resp.headers.getlist("Content-Type") == [f"text/csv; charset={charset}"]
