"""Hostile files sent to every import — through each import page and each CLI import command —
get a Russian message and change nothing: never a 500, never a traceback.

The import pages are found in the URL map (a POST route with «import» in its path), so a new
import without a row in ``PAGES`` fails here until it is added.
"""
import html
import io
import random
import re

import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import AssessmentResult, Enrollment, Organization, Roadmap

from tests.conftest import post
from tests.unit.test_archives import MB, zip_bytes
from tests.unit.test_spreadsheets import with_dimension, xlsx_bytes

# endpoint → (role, path, form fields besides the file)
PAGES = {
    "roadmaps.import_": ("admin", "/roadmaps/import", lambda world: {"owner_id": ""}),
    "courses.import_": ("school", "/courses/import", lambda world: {}),
    "monitoring.import_": ("methodist", "/monitoring/import",
                           lambda world: {"municipality_id": str(world.muni.id)}),
    "registry.import_registry_upload": ("region", "/registry/import/registry", lambda world: {}),
    "registry.import_staff_upload": ("methodist", "/registry/import/staff", lambda world: {}),
}
COMMANDS = [("roadmaps", "import"), ("courses", "import"), ("assessments", "import"),
            ("registry", "import"), ("staff", "import")]

HOSTILE = {
    "binary.csv": random.Random(15).randbytes(65536),
    "nul.csv": "ФИО;Школа;Курс\n".encode() + b"\x00" * 64 + "Иванов;СОШ;КПК\n".encode(),
    "cp1251-hole.csv": "Школа;Год;Процедура\nСОШ;2024;ВПР\n".encode("cp1251") + b"\x98\x98",
    "png.csv": b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(2048),
    "huge-field.csv": ("Школа;Год;Процедура\nСОШ;" + "9" * 200_000 + ";ВПР\n").encode(),
    "truncated.xlsx": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40,
    "bomb.xlsx": zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>",
                            "xl/sharedStrings.xml": 24 * MB}),
    "bomb.docx": zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": 24 * MB}),
    "claims-every-cell.xlsx": with_dimension(xlsx_bytes([["Итоги"], ["нет заголовков"]]),
                                             "A1:XFD1048576"),
    "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
}

_ERRORS_RE = re.compile(r'<div class="flash flash-error" role="alert">(.*?)</div>', re.S)


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Roadmap, Enrollment, AssessmentResult, Organization))


def test_every_import_page_is_in_this_test(app):
    # the later steps of a kept file (<upload_id>: choices, confirmation) take no file
    found = {rule.endpoint for rule in app.url_map.iter_rules()
             if "POST" in rule.methods and "import" in rule.rule and "<upload_id>" not in rule.rule}
    assert found == set(PAGES)


@pytest.mark.parametrize("endpoint", sorted(PAGES))
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_gets_a_russian_message_on_every_import_page(world, login_as, endpoint,
                                                                    name):
    role, path, fields = PAGES[endpoint]
    client = login_as(role)
    before = _counts()
    resp = post(client, path, {**fields(world), "file": (io.BytesIO(HOSTILE[name]), name)},
                content_type="multipart/form-data")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422, page[:2000]
    errors = _ERRORS_RE.search(page)
    assert errors, page[:2000]
    message = html.unescape(errors.group(1)).strip()
    assert re.search("[а-яё]", message, re.I) and "Traceback" not in message, message
    assert _counts() == before


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_gets_a_russian_message_from_every_import_command(app, world, tmp_path,
                                                                         command, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    before = _counts()
    result = app.test_cli_runner().invoke(args=[*command, str(path)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert re.search("[а-яё]", result.output, re.I) and "Traceback" not in result.output
    assert _counts() == before
