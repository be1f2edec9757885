"""The reports pages: make a report (figures and editable texts), issue it, its files, a new
version, the list."""
from __future__ import annotations

import io
import shutil
import subprocess  # nosec B404 - runs pdftotext on a file the test made

import pytest

from shnor_app.extensions import db
from shnor_app.models import IssuedReport
from tests.conftest import count_queries, post
from tests.factories.reports import reports_world

SECTIONS = ["Школы по статусам и их динамика", "Результаты оценочных процедур",
            "Сетевое партнёрство и совместные мероприятия", "Посещения школ и рекомендации",
            "Курсы повышения квалификации и ИОМ", "Собеседования с руководителями",
            "Показатели муниципальной системы"]


@pytest.fixture
def rw(world):
    return reports_world(world)


def _html(resp) -> str:
    return resp.get_data(as_text=True)


def _issue(c, **more):
    data = {"kind": "ANALYTICAL", "year": "2026", **more}
    return post(c, "/reports/new", data)


def pdf_text(data: bytes) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run([exe, "-layout", "-", "-"], input=data, capture_output=True,  # nosec B603
                         check=True, timeout=60)
    return out.stdout.decode("utf-8")


def test_making_a_report_shows_the_figures_and_the_texts_to_edit(login_as, world, rw):
    c = login_as("methodist")
    page = c.get("/reports/new?kind=ANALYTICAL&year=2026")
    html = _html(page)
    assert page.status_code == 200
    for title in SECTIONS:
        assert title in html
    assert 'name="text-statuses"' in html and "на сопровождении находилось" in html
    assert "Управление образования администрации Приречного района" in html
    assert "Приречный район" in html


def test_issued_report_keeps_the_edited_text_in_every_file(login_as, world, rw):
    from docx import Document
    from openpyxl import load_workbook

    c = login_as("methodist")
    resp = _issue(c, **{"text-statuses": "Текст, исправленный методистом <b>не разметка</b>"})
    assert resp.status_code == 302
    report = db.session.scalars(db.select(IssuedReport)).one()
    assert resp.headers["Location"].endswith(f"/reports/{report.id}")
    show = _html(c.get(f"/reports/{report.id}"))
    assert "Текст, исправленный методистом &lt;b&gt;не разметка&lt;/b&gt;" in show
    assert "№ 1 от" in show

    docx = c.get(f"/reports/{report.id}/file.docx")
    assert docx.status_code == 200 and "attachment" in docx.headers["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "АНАЛИТИЧЕСКАЯ СПРАВКА ПО СОПРОВОЖДЕНИЮ ШНОР" in text
    assert "Текст, исправленный методистом <b>не разметка</b>" in text
    for title in SECTIONS:
        assert title in text

    wb = load_workbook(io.BytesIO(c.get(f"/reports/{report.id}/file.xlsx").data))
    assert wb.sheetnames[0] == "Показатели"
    cells = [row for row in wb["Показатели"].iter_rows(values_only=True)]
    assert ("Рекомендаций дано", 2) in [(r[0], r[1]) for r in cells]

    text = pdf_text(c.get(f"/reports/{report.id}/file.pdf").data)
    flat = " ".join(text.split())
    assert "АНАЛИТИЧЕСКАЯ СПРАВКА ПО СОПРОВОЖДЕНИЮ ШНОР" in flat
    assert "Текст, исправленный методистом <b>не разметка</b>" in flat
    for title in SECTIONS:
        assert title in flat


def test_roadmap_report_pdf_holds_its_sections(login_as, world, rw):
    c = login_as("methodist")
    assert _issue(c, kind="ROADMAP").status_code == 302
    report = db.session.scalars(db.select(IssuedReport)).one()
    flat = " ".join(pdf_text(c.get(f"/reports/{report.id}/file.pdf").data).split())
    for title in ("ОТЧЁТ О РЕАЛИЗАЦИИ ПЛАНА МЕРОПРИЯТИЙ", "Общие сведения об исполнении",
                  "Исполнение мероприятий", "Просроченные мероприятия",
                  "Методические выезды в ШНОР"):
        assert title in flat


def test_quarterly_monitoring_pdf_holds_its_blocks(login_as, world, rw):
    c = login_as("methodist")
    assert _issue(c, kind="QUARTERLY", quarter="1").status_code == 302
    report = db.session.scalars(db.select(IssuedReport)).one()
    assert report.period_label == "I квартал 2026 г."
    flat = " ".join(pdf_text(c.get(f"/reports/{report.id}/file.pdf").data).split())
    for title in ("КВАРТАЛЬНЫЙ МОНИТОРИНГ", "Период: I квартал 2026 г.; данные на 31.03.2026",
                  "баллы по показателям (блок 1)", "Профессиональное развитие педагогов",
                  "Сетевое взаимодействие (блок 4", "Методическая помощь",
                  "Исполнение дорожной карты (блок 5)"):
        assert title in flat


def test_a_new_version_keeps_the_number_and_leaves_the_first_unchanged(login_as, world, rw):
    c = login_as("methodist")
    _issue(c, **{"text-statuses": "Первая редакция"})
    first = db.session.scalars(db.select(IssuedReport)).one()
    pdf_before = c.get(f"/reports/{first.id}/file.pdf").data
    page = _html(c.get(f"/reports/new?previous={first.id}"))
    assert "Новая версия" in page and 'name="previous"' in page
    resp = post(c, "/reports/new", {"previous": str(first.id),
                                    "text-statuses": "Вторая редакция"})
    assert resp.status_code == 302
    second = db.session.scalars(db.select(IssuedReport).where(IssuedReport.id != first.id)).one()
    assert (second.number, second.version, second.previous_id) == (1, 2, first.id)
    show = _html(c.get(f"/reports/{second.id}"))
    assert "версия 2" in show and "Вторая редакция" in show
    first_page = _html(c.get(f"/reports/{first.id}"))
    assert "Первая редакция" in first_page and "Вторая редакция" not in first_page
    assert c.get(f"/reports/{first.id}/file.pdf").data == pdf_before


def test_a_text_over_the_limit_is_refused_and_what_was_typed_is_kept(login_as, world, rw):
    from shnor_app.services.reports.content import TEXT_MAX

    c = login_as("methodist")
    resp = _issue(c, **{"text-results": "а" * (TEXT_MAX + 1), "text-statuses": "Мой текст"})
    html = _html(resp)
    assert resp.status_code == 422 and "длиннее 5000 знаков" in html
    assert "Мой текст" in html
    assert db.session.scalar(db.select(db.func.count(IssuedReport.id))) == 0


def test_quarterly_monitoring_of_a_whole_year_is_refused_in_russian(login_as, world, rw):
    c = login_as("methodist")
    page = c.get("/reports/new?kind=QUARTERLY&year=2026")
    assert page.status_code == 200 and "Выберите квартал." in _html(page)
    resp = _issue(c, kind="QUARTERLY")
    assert resp.status_code == 422 and "Выберите квартал." in _html(resp)
    assert c.get("/reports/new?kind=QUARTERLY&year=2026&quarter=1").status_code == 200


def test_list_query_count_does_not_grow_with_reports(login_as, world, rw):
    c = login_as("methodist")
    for _ in range(2):
        assert _issue(c, kind="ROADMAP").status_code == 302
    with count_queries() as q:
        assert c.get("/reports/").status_code == 200
    few = q["n"]
    for _ in range(4):
        assert _issue(c, kind="ROADMAP").status_code == 302
    with count_queries() as q:
        html = _html(c.get("/reports/"))
    assert "6 отчётов" in html and "№ 6 от" in html
    assert q["n"] == few, q["sql"]
    frag = c.get("/reports/?kind=ANALYTICAL", headers={"HX-Request": "true"})
    assert "<html" not in _html(frag) and 'id="report-list"' in _html(frag)
    assert "Выпущенных отчётов нет." in _html(frag)
