"""Roadmap pages through the test client (CSRF on): pages vs fragments, in-place editing,
import preview → confirm, the done-needs-result rule, query counts, start page, exports, CLI."""
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from shnor_app.extensions import db
from shnor_app.models import (
    Attachment, ItemReport, ItemStatus, OrgKind, Roadmap, RoadmapItem, RoadmapLevel,
    RoadmapSection,
)
from shnor_app.services import roadmaps as svc
from shnor_app.formatting import today

from tests.conftest import count_queries, hx_get, post, start_page
from tests.factories.core import make_org
from tests.factories.roadmaps import PASTED, make_roadmap, make_school_roadmap

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _html(resp):
    return resp.get_data(as_text=True)


# --------------------------------------------------------------------------- pages vs fragments


def test_roadmap_page_is_a_page_and_its_filter_answer_a_fragment(world, login_as):
    rm, _, items = make_roadmap(world.school_a, 2)
    c = login_as("methodist")
    page = c.get(f"/roadmaps/{rm.id}")
    assert page.status_code == 200 and "<html" in _html(page) and "Мероприятие номер 1" in _html(page)
    assert "HX-Request" in page.headers.get("Vary", "")
    frag = hx_get(c, f"/roadmaps/{rm.id}?status=NOT_STARTED")
    assert frag.status_code == 200 and "<html" not in _html(frag)
    assert 'id="roadmap-table"' in _html(frag) and "Мероприятие номер 2" in _html(frag)
    svc.set_status(items[0], ItemStatus.IN_PROGRESS)
    frag = _html(hx_get(c, f"/roadmaps/{rm.id}?status=IN_PROGRESS"))
    assert "Мероприятие номер 1" in frag and "Мероприятие номер 2" not in frag


@pytest.mark.parametrize("path,element_id", [
    ("/roadmaps/items/{item}", "item-{item}"),
    ("/roadmaps/items/{item}/edit", "item-{item}"),
    ("/roadmaps/items/{item}/reports/new", "item-{item}"),
    ("/roadmaps/sections/{section}/items/new", "item-new-{section}"),
])
def test_row_endpoints_answer_fragments_to_htmx_and_pages_otherwise(world, login_as, path, element_id):
    rm, section, items = make_roadmap(world.school_a, 1)
    fmt = {"item": items[0].id, "section": section.id}
    c = login_as("methodist")
    frag = hx_get(c, path.format(**fmt))
    assert frag.status_code == 200 and "<html" not in _html(frag)
    assert f'id="{element_id.format(**fmt)}"' in _html(frag)
    page = c.get(path.format(**fmt))
    assert page.status_code == 200 and "<html" in _html(page)


def test_pages_have_no_inline_styles_or_scripts(world, login_as):
    rm, _, items = make_roadmap(world.school_a, 2, period="январь 2020")
    c = login_as("methodist")
    for path in (f"/roadmaps/{rm.id}", "/roadmaps/", f"/roadmaps/monitoring?roadmap={rm.id}",
                 "/roadmaps/monitoring", f"/roadmaps/items/{items[0].id}", "/roadmaps/import", "/"):
        html = _html(c.get(path))
        assert " style=" not in html, path
        assert "<script>" not in html and "<script " not in html.replace('<script src="', ""), path


# --------------------------------------------------------------------------- in-place editing


def test_edit_a_row_in_place(world, login_as):
    rm, _, items = make_roadmap(world.school_a, 1)
    c = login_as("methodist")
    resp = post(c, f"/roadmaps/items/{items[0].id}/edit", {
        "number": "1.1.", "text": "Семинар для учителей математики", "period_text": "до 01.10",
        "executors": "МКОУ СОШ с. Заозёрное", "expected_result": "Проведён семинар",
        "indicator": "Не менее 20 участников", "status": "IN_PROGRESS", "actual_result": ""},
        htmx=True)
    html = _html(resp)
    assert resp.status_code == 200 and "<html" not in html and html.lstrip().startswith("<tr")
    assert f'id="item-{items[0].id}"' in html and "Семинар для учителей математики" in html
    db.session.expire_all()
    item = db.session.get(RoadmapItem, items[0].id)
    assert item.number == "1.1." and item.status == ItemStatus.IN_PROGRESS
    assert item.period_end is not None and item.period_end.month == 10
    assert item.executor_org_ids == {world.school_a.id}


def test_empty_measure_is_refused_with_the_form_and_what_was_typed(world, login_as):
    rm, _, items = make_roadmap(world.school_a, 1)
    resp = post(login_as("methodist"), f"/roadmaps/items/{items[0].id}/edit",
                {"number": "7.", "text": "", "period_text": "май", "status": "NOT_STARTED"}, htmx=True)
    assert resp.status_code == 422
    html = _html(resp)
    assert "Укажите содержание мероприятия." in html and 'value="7."' in html and "<html" not in html


def test_status_changes_in_place(world, login_as):
    rm, _, items = make_roadmap(world.school_a, 1, executors="РУО, МКОУ СОШ с. Заозёрное")
    svc.add_report(items[0], text="Отчёт до смены статуса", report_date=None,
                   by=world.users["methodist"])
    client = login_as("methodist")
    url = f"/roadmaps/items/{items[0].id}/status"
    commits = []

    def committed(conn):
        commits.append(conn)

    event.listen(db.engine, "commit", committed)
    try:
        with count_queries() as q:
            resp = post(client, url, {"status": "IN_PROGRESS"}, htmx=True)
    finally:
        event.remove(db.engine, "commit", committed)
    # the user; the item with its roadmap (one query); the row's executors and last report
    reads = [s for s in q["sql"] if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 4, "\n".join(r[:300] for r in reads)
    row = _html(resp)
    assert resp.status_code == 200 and f'id="item-{items[0].id}"' in row
    assert 'value="IN_PROGRESS" selected' in row and "Отчёт до смены статуса" in row
    assert world.school_a.short_name in row  # the executors, read before the change
    assert len(commits) == 1  # the row is read in the change's own transaction
    assert "notice" in resp.headers.get("HX-Trigger", "")
    db.session.expire_all()
    assert db.session.get(RoadmapItem, items[0].id).status == ItemStatus.IN_PROGRESS


def test_done_without_result_is_refused_with_422_and_the_row_form(world, login_as):
    rm, _, items = make_roadmap(world.school_a, 1)
    c = login_as("methodist")
    resp = post(c, f"/roadmaps/items/{items[0].id}/status", {"status": "DONE"}, htmx=True)
    html = _html(resp)
    assert resp.status_code == 422 and "<html" not in html
    assert html.count("укажите фактический результат или добавьте отчёт") == 1  # once, beside it
    tags = re.findall(r"<(?:textarea|input)[^>]*>", html)
    assert [t for t in tags if "autofocus" in t] == [t for t in tags if 'name="actual_result"' in t]
    assert 'class="editing"' in html and '<option selected value="DONE">' in html
    db.session.expire_all()
    assert db.session.get(RoadmapItem, items[0].id).status == ItemStatus.NOT_STARTED
    # the same form, now with a result, saves
    resp = post(c, f"/roadmaps/items/{items[0].id}/edit", {
        "number": "1.", "text": "Мероприятие номер 1", "period_text": "март", "status": "DONE",
        "actual_result": "Проведено"}, htmx=True)
    assert resp.status_code == 200
    db.session.expire_all()
    assert db.session.get(RoadmapItem, items[0].id).status == ItemStatus.DONE


def test_add_move_and_remove_rows_in_place(world, login_as):
    rm, section, items = make_roadmap(world.school_a, 2)
    c = login_as("methodist")
    resp = post(c, f"/roadmaps/sections/{section.id}/items/new",
                {"number": "3.", "text": "Новый пункт", "period_text": "в течение года",
                 "status": "NOT_STARTED"}, htmx=True)
    assert resp.status_code == 200 and "Новый пункт" in _html(resp) and "<html" not in _html(resp)
    new_id = db.session.scalar(select(RoadmapItem.id).where(RoadmapItem.text == "Новый пункт"))
    resp = post(c, f"/roadmaps/items/{new_id}/move", {"direction": "up"}, htmx=True)
    html = _html(resp)
    assert f'id="section-{section.id}"' in html and html.lstrip().startswith("<tbody")
    assert html.index("Новый пункт") < html.index("Мероприятие номер 2")
    resp = post(c, f"/roadmaps/items/{items[0].id}/delete", htmx=True)
    assert resp.status_code == 200 and "удалён" in _html(resp)
    page = _html(c.get(f"/roadmaps/{rm.id}"))
    assert "Мероприятие номер 1" not in page and "Новый пункт" in page


def test_add_section_in_place(world, login_as):
    rm, _, _ = make_roadmap(world.school_a, 1)
    resp = post(login_as("methodist"), f"/roadmaps/{rm.id}/sections",
                {"title": "II. Методическое сопровождение"}, htmx=True)
    assert resp.status_code == 200 and _html(resp).lstrip().startswith("<tbody")
    assert "II. Методическое сопровождение" in _html(resp)


def test_executor_school_reports_in_place_with_evidence_but_cannot_set_status(world, login_as):
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО района")
    rm, _, items = make_roadmap(authority, 1, executors="МКОУ СОШ с. Заозёрное")
    c = login_as("school")
    resp = c.post(f"/roadmaps/items/{items[0].id}/reports/new", data={
        "text": "Провели педсовет", "link": "https://school.example/news",
        "file": (io.BytesIO(b"%PDF-1.4 evidence"), "протокол.pdf")},
        headers={"HX-Request": "true", "X-CSRFToken": c.csrf}, content_type="multipart/form-data")
    html = _html(resp)
    assert resp.status_code == 200 and "Провели педсовет" in html and "<html" not in html
    report = db.session.scalar(select(ItemReport))
    assert report.organization_id == world.school_a.id and report.link == "https://school.example/news"
    att = db.session.scalar(select(Attachment).where(Attachment.object_type == "roadmap_item_reports"))
    assert att is not None and att.object_id == report.id
    assert c.get(f"/files/download/{att.id}").status_code == 200
    resp = post(c, f"/roadmaps/items/{items[0].id}/status", {"status": "IN_PROGRESS"}, htmx=True)
    assert resp.status_code == 403
    page = _html(c.get(f"/roadmaps/items/{items[0].id}"))
    assert "Провели педсовет" in page and "протокол.pdf" in page
    # the methodist reviews and sets the status: the report counts as the result
    methodist = login_as("methodist")
    resp = post(methodist, f"/roadmaps/items/{items[0].id}/status", {"status": "DONE"}, htmx=True)
    assert resp.status_code == 200
    # the table shows the latest report with its organisation, and how many there are
    assert "Провели педсовет" in _html(resp) and "· МКОУ СОШ с. Заозёрное" in _html(resp)
    post(c, f"/roadmaps/items/{items[0].id}/reports/new", {"text": "Второй отчёт"}, htmx=True)
    row = _html(methodist.get(f"/roadmaps/{rm.id}"))
    assert "Второй отчёт" in row and "все отчёты (2)" in row and "Провели педсовет" not in row


def test_report_with_a_bad_link_is_refused_with_the_form(world, login_as):
    rm, _, items = make_roadmap(world.school_a, 1)
    resp = post(login_as("school"), f"/roadmaps/items/{items[0].id}/reports/new",
                {"text": "Что-то сделали", "link": "javascript:alert(1)"}, htmx=True)
    assert resp.status_code == 422 and "http" in _html(resp) and "Что-то сделали" in _html(resp)
    assert db.session.scalar(select(func.count()).select_from(ItemReport)) == 0


# --------------------------------------------------------------------------- import through the UI


def _counts():
    return (db.session.scalar(select(func.count()).select_from(Roadmap)),
            db.session.scalar(select(func.count()).select_from(RoadmapItem)))


def test_import_pasted_table_preview_then_confirm(world, login_as):
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО района")
    c = login_as("methodist")
    resp = post(c, "/roadmaps/import", {"text": PASTED, "owner_id": str(authority.id)})
    html = _html(resp)
    assert resp.status_code == 200 and "Проверьте перед сохранением" in html
    assert "Совещание с директорами школ" in html and "01.02.2026 – 31.03.2026" in html
    assert "1 раздел, 2 пункта" in html and "МКОУ СОШ с. Заозёрное" in html
    assert "Ничего ещё не сохранено. Вставленный текст." in html  # named so, not as a file
    assert ".txt" not in html
    assert _counts() == (0, 0)  # nothing saved yet
    assert 'name="payload"' not in html  # the text waits on the server, it is not posted back
    upload_id = re.search(r'name="upload_id" value="([^"]+)"', html).group(1)
    resp = post(c, "/roadmaps/import", {"upload_id": upload_id,
                                        "owner_id": str(authority.id), "confirm": "1"})
    assert resp.status_code == 302
    rm = db.session.scalar(select(Roadmap))
    assert resp.headers["Location"].endswith(f"/roadmaps/{rm.id}")
    assert rm.owner_id == authority.id and rm.year == 2026 and _counts() == (1, 2)
    item = db.session.scalar(select(RoadmapItem).where(RoadmapItem.number == "1.1."))
    assert item.executor_org_ids == {authority.id}


PASTED_HTML = """<html><body><!--StartFragment--><p class=MsoNormal>План мероприятий на 2026 год</p>
<table class=MsoTableGrid><tr><td><p>№</p></td><td><p>Мероприятие</p></td><td><p>Срок</p></td>
<td><p>Ответственные</p></td></tr>
<tr><td colspan=4><p>1. Методическая работа</p></td></tr>
<tr><td>1.1.</td><td><ul><li>Семинар для&nbsp;учителей</li><li>Консультации</li></ul></td>
<td>Март 2026</td><td>УО района</td></tr>
<tr><td>1.2.</td><td>Мониторинг<br>результатов</td><td>Апрель 2026</td><td>УО района</td></tr>
</table><!--EndFragment--></body></html>"""


def test_import_of_a_table_pasted_as_html_reads_its_cells(world, login_as):
    """The browser sends the HTML copy of the clipboard along with the text: its cells, merged
    section row and lists are read as the table they are, and the confirm step reads it again."""
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО района")
    c = login_as("methodist")
    plain = "План мероприятий на 2026 год\nСеминар Консультации Мониторинг"  # no tabs at all
    resp = post(c, "/roadmaps/import", {"text": plain, "text_html": PASTED_HTML,
                                        "owner_id": str(authority.id)})
    html = _html(resp)
    assert resp.status_code == 200 and "1 раздел, 2 пункта" in html
    assert "1. Методическая работа" in html and "Семинар для учителей" in html
    assert "Ничего ещё не сохранено. Вставленный текст." in html
    upload_id = re.search(r'name="upload_id" value="([^"]+)"', html).group(1)
    resp = post(c, "/roadmaps/import", {"upload_id": upload_id,
                                        "owner_id": str(authority.id), "confirm": "1"})
    assert resp.status_code == 302 and _counts() == (1, 2)
    first = db.session.scalar(select(RoadmapItem).where(RoadmapItem.number == "1.1."))
    assert first.text == "Семинар для учителей\nКонсультации" and first.period_text == "Март 2026"
    assert db.session.scalar(select(Roadmap)).source_name == "Вставленный текст"


def test_import_preview_without_csrf_token_is_refused(world, login_as):
    c = login_as("methodist")
    resp = c.post("/roadmaps/import", data={"text": PASTED, "owner_id": ""})
    assert resp.status_code in (400, 403) and _counts() == (0, 0)


def test_import_of_a_broken_docx_gives_a_russian_error_and_saves_nothing(world, login_as):
    c = login_as("methodist")
    resp = c.post("/roadmaps/import", data={
        "file": (io.BytesIO(b"PK\x03\x04garbage"), "план.docx"), "owner_id": "",
        "csrf_token": c.csrf}, content_type="multipart/form-data")
    # a methodist must choose an owner it manages; an empty owner is refused
    assert resp.status_code == 403
    school_owner = str(world.school_a.id)
    resp = c.post("/roadmaps/import", data={
        "file": (io.BytesIO(b"PK\x03\x04garbage"), "план.docx"), "owner_id": school_owner,
        "csrf_token": c.csrf}, content_type="multipart/form-data")
    assert resp.status_code == 422 and "не является документом Word" in _html(resp)
    assert _counts() == (0, 0)


def test_import_of_a_fixture_file_through_the_ui(world, login_as):
    data = (FIXTURES / "municipal-roadmap-pervomaisky-2023.txt").read_bytes()
    c = login_as("admin")
    resp = c.post("/roadmaps/import", data={"file": (io.BytesIO(data), "pervomaisky.txt"),
                                            "owner_id": "", "csrf_token": c.csrf},
                  content_type="multipart/form-data")
    html = _html(resp)
    # both plans of the order: 14 measures of the first, 23 of the roadmap in 4 sections
    assert resp.status_code == 200 and "5 разделов, 37 пунктов" in html
    assert "Что не удалось разместить" in html  # the parser's warnings are shown
    upload_id = re.search(r'name="upload_id" value="([^"]+)"', html).group(1)
    resp = post(c, "/roadmaps/import", {"upload_id": upload_id, "owner_id": "", "confirm": "1"})
    assert resp.status_code == 302 and _counts() == (1, 37)
    again = post(c, "/roadmaps/import", {"upload_id": upload_id, "owner_id": "", "confirm": "1"})
    assert again.status_code == 422 and "загрузите его ещё раз" in _html(again)
    assert _counts() == (1, 37)  # a confirmation is not replayed
    rm = db.session.scalar(select(Roadmap))
    assert rm.owner_id is None and rm.order_number == "76-О"
    page = _html(c.get(f"/roadmaps/{rm.id}"))
    assert "Укажите владельца дорожной карты" in page  # the admin is asked for the owner


# --------------------------------------------------------------------------- query count


def test_roadmap_page_query_count_does_not_grow_with_items(world, login_as):
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО района")
    small, _, small_items = make_roadmap(authority, 5, executors="МКОУ СОШ с. Заозёрное, УО")
    big, big_section, big_items = make_roadmap(authority, 60, executors="МКОУ СОШ с. Заозёрное, УО")
    for items in (small_items, big_items):
        for it in items[:3]:
            svc.add_report(it, text="Отчёт", report_date=None, by=world.users["methodist"])
    svc.add_section(small, "II. Раздел")
    svc.add_section(big, "II. Раздел")
    counts = {}
    for role in ("methodist", "school"):
        c = login_as(role)
        for rm in (small, big):
            if role == "school":
                url = "/roadmaps/my-items"
                if rm is big:
                    continue
            else:
                url = f"/roadmaps/{rm.id}"
            c.get(url)  # warm up
            with count_queries() as q:
                resp = c.get(url)
            assert resp.status_code == 200
            counts[(role, rm.id)] = q["n"]
    assert counts[("methodist", small.id)] == counts[("methodist", big.id)], counts
    c = login_as("school")
    with count_queries() as q:
        c.get("/roadmaps/my-items")
    assert q["n"] == counts[("school", small.id)]


# --------------------------------------------------------------------------- start page


def test_overdue_item_appears_on_responsible_start_page(world, login_as):
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО района")
    rm, section, _ = make_roadmap(authority, 0)
    past = (today() - timedelta(days=40)).strftime("до %d.%m.%Y")
    soon = (today() + timedelta(days=5)).strftime("до %d.%m.%Y")
    later = (today() + timedelta(days=60)).strftime("до %d.%m.%Y")
    svc.add_item(section, {"text": "Просроченный пункт школы", "period_text": past,
                           "executors": "МКОУ СОШ с. Заозёрное"})
    svc.add_item(section, {"text": "Скоро срок у школы", "period_text": soon,
                           "executors": "МКОУ СОШ с. Заозёрное"})
    svc.add_item(section, {"text": "Не скоро", "period_text": later,
                           "executors": "МКОУ СОШ с. Заозёрное"})
    done = svc.add_item(section, {"text": "Уже выполнено", "period_text": past,
                                  "executors": "МКОУ СОШ с. Заозёрное"})
    svc.set_status(done, ItemStatus.DONE, actual_result="Да")
    school = start_page(login_as("school"))
    assert 'id="roadmap-overdue"' in school and "Просроченный пункт школы" in school
    assert 'id="roadmap-due-soon"' in school and "Скоро срок у школы" in school
    assert "Не скоро" not in school and "Уже выполнено" not in school
    methodist = start_page(login_as("methodist"))  # the owner's methodist
    assert "Просроченный пункт школы" in methodist
    for role in ("tutor", "viewer"):
        assert "Просроченный пункт школы" not in start_page(login_as(role))


# --------------------------------------------------------------------------- monitoring, exports


def test_monitoring_page_and_fragment(world, login_as):
    rm, _, items = make_roadmap(world.school_a, 3, period="январь 2020")
    svc.set_status(items[0], ItemStatus.DONE, actual_result="Сделано")
    c = login_as("methodist")
    html = _html(c.get(f"/roadmaps/monitoring?roadmap={rm.id}"))
    assert "Мониторинг исполнения" in html and "<svg" in html and 'class="seg seg-done"' in html
    assert "Просроченные мероприятия (2)" in html
    frag = hx_get(c, "/roadmaps/monitoring?level=MUNICIPAL")
    assert "<html" not in _html(frag) and 'id="monitoring-body"' in _html(frag)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_roadmap_exports_contain_the_russian_text(world, login_as):
    rm, _, items = make_roadmap(world.school_a, 40)
    svc.update_item(items[0], {"number": "1.", "text": "Совещание <b>руководителей</b> ШНОР",
                               "period_text": "март", "executors": "УО"})
    c = login_as("methodist")
    pdf = c.get(f"/roadmaps/{rm.id}/export.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    text = _pdf_text(pdf.data)
    assert "Совещание <b>руководителей</b> ШНОР" in text  # escaped, not interpreted
    assert "стр. 2 из" in text  # page numbers on a multi-page table
    from openpyxl import load_workbook

    xlsx = c.get(f"/roadmaps/{rm.id}/export.xlsx")
    cells = [str(v) for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True)
             for v in row if v]
    assert "Совещание <b>руководителей</b> ШНОР" in cells
    from docx import Document

    docx = c.get(f"/roadmaps/{rm.id}/export.docx")
    doc = Document(io.BytesIO(docx.data))
    texts = [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    assert "Совещание <b>руководителей</b> ШНОР" in texts
    js = c.get(f"/roadmaps/{rm.id}/export.json")
    assert json.loads(js.data)["sections"][0]["items"][0]["text"].startswith("Совещание")


def test_monitoring_exports(world, login_as):
    rm, _, items = make_roadmap(world.school_a, 2, period="январь 2020", title="Карта школы Заозёрное")
    c = login_as("methodist")
    pdf = c.get(f"/roadmaps/monitoring/export.pdf?roadmap={rm.id}")
    text = _pdf_text(pdf.data)
    assert "Карта школы Заозёрное" in text and "Мероприятие номер 1" in text  # overdue list
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(c.get("/roadmaps/monitoring/export.xlsx").data))
    assert wb.active["A5"].value == "Карта школы Заозёрное"
    from docx import Document

    doc = Document(io.BytesIO(c.get("/roadmaps/monitoring/export.docx").data))
    assert any("Карта школы Заозёрное" in cell.text for t in doc.tables for r in t.rows for cell in r.cells)


# --------------------------------------------------------------------------- CLI


def test_cli_import_and_export_json(app, world, tmp_path):
    runner = app.test_cli_runner()
    path = FIXTURES / "municipal-roadmap-katanga-2023.txt"
    result = runner.invoke(args=["roadmaps", "import", str(path), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out == {"roadmap_id": None, "sections": 1, "items": 12, "warnings": []}
    assert _counts() == (0, 0)
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="МОО района")
    result = runner.invoke(args=["roadmaps", "import", str(path), "--owner", str(authority.id),
                                 "--level", "municipal", "--json"])
    out = json.loads(result.output)
    assert isinstance(out["roadmap_id"], int) and out["items"] == 12
    result = runner.invoke(args=["roadmaps", "export", str(out["roadmap_id"]), "--format", "json"])
    data = json.loads(result.output)
    assert set(data) == {"id", "title", "level", "year", "approved_by", "sections"}
    assert data["level"] == "municipal" and data["year"] == 2023
    assert data["approved_by"] == {"kind": "приказ", "number": "10", "date": "2023-01-17"}
    (section,) = data["sections"]
    assert section["title"] is None and len(section["items"]) == 12
    item = section["items"][0]
    assert set(item) == {"number", "text", "period", "executors", "expected_result", "indicator",
                         "status", "actual_result"}
    assert item["number"] == "1" and item["status"] == "not_started"
    assert item["period"] == {"text": "Январь 2023", "start": "2023-01-01", "end": "2023-01-31",
                              "recurrence": None, "understood": True}
    for fmt in ("pdf", "xlsx", "docx"):
        target = tmp_path / f"rm.{fmt}"
        result = runner.invoke(args=["roadmaps", "export", str(out["roadmap_id"]), "--format", fmt,
                                     "-o", str(target)])
        assert result.exit_code == 0 and target.stat().st_size > 1000
    assert "Разработка и утверждение" in _pdf_text((tmp_path / "rm.pdf").read_bytes())


def test_cli_import_reads_level_title_year_from_the_document_and_reports_errors(app, world, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["roadmaps", "import",
                                 str(FIXTURES / "municipal-roadmap-pervomaisky-2023.txt"), "--json"])
    out = json.loads(result.output)
    rm = db.session.get(Roadmap, out["roadmap_id"])
    assert rm.owner_id is None and rm.level == RoadmapLevel.MUNICIPAL and rm.year == 2023
    # the one row that could not be placed sure-footedly (line 158); both plans are imported
    assert rm.title.startswith("«Дорожная карта» по реализации") and len(out["warnings"]) == 1
    assert out["items"] == 37
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04broken")
    result = runner.invoke(args=["roadmaps", "import", str(bad), "--json"])
    assert result.exit_code != 0 and "Word" in result.output
    assert runner.invoke(args=["roadmaps", "export", "999", "--format", "json"]).exit_code != 0


def test_filters_by_executor_overdue_and_mine(world, login_as):
    authority = make_org(world.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО района")
    rm, section, _ = make_roadmap(authority, 0)
    svc.add_item(section, {"text": "Школьный пункт", "period_text": "январь 2020",
                           "executors": "МКОУ СОШ с. Заозёрное"})
    svc.add_item(section, {"text": "Пункт управления", "period_text": "декабрь 2099",
                           "executors": "УО"})
    c = login_as("methodist")
    by_org = _html(hx_get(c, f"/roadmaps/{rm.id}?executor={world.school_a.id}"))
    assert "Школьный пункт" in by_org and "Пункт управления" not in by_org
    by_text = _html(hx_get(c, f"/roadmaps/{rm.id}?executor=УО"))
    assert "Пункт управления" in by_text and "Школьный пункт" not in by_text
    overdue = _html(hx_get(c, f"/roadmaps/{rm.id}?overdue=1"))
    assert "Школьный пункт" in overdue and "Пункт управления" not in overdue
    mine = _html(hx_get(c, f"/roadmaps/{rm.id}?mine=1"))  # the methodist answers for its УО
    assert "Пункт управления" in mine and "Школьный пункт" not in mine
    page = _html(c.get(f"/roadmaps/{rm.id}"))
    assert f'<option value="{world.school_a.id}">МКОУ СОШ с. Заозёрное</option>' in page


def test_sections_are_renamed_in_place_and_only_empty_ones_deleted(world, login_as):
    rm, section, items = make_roadmap(world.school_a, 1)
    empty = svc.add_section(rm, "II. Методическое сопровождение")
    c = login_as("methodist")
    page = _html(c.get(f"/roadmaps/{rm.id}"))
    assert "Переименовать" in page and "Удалить пустой раздел" in page
    resp = post(c, f"/roadmaps/sections/{empty.id}/rename", {"title": "II. Методическая помощь"},
                htmx=True)
    assert resp.status_code == 200 and "II. Методическая помощь" in _html(resp)
    refused = post(c, f"/roadmaps/sections/{section.id}/delete", {}, htmx=True)
    assert refused.status_code == 422 and "есть пункты" in _html(refused)
    svc.delete_item(items[0])
    assert post(c, f"/roadmaps/sections/{empty.id}/delete", {}, htmx=True).status_code == 200
    last = post(c, f"/roadmaps/sections/{section.id}/delete", {}, htmx=True)
    assert last.status_code == 422 and "единственный раздел" in _html(last)
    assert db.session.scalar(select(func.count()).select_from(RoadmapSection)) == 1


def test_the_roadmap_pdf_marks_overdue_items_as_the_page_does(world, login_as):
    from shnor_app.formatting import today

    past = today().year - 1
    rm, items = make_school_roadmap(world.school_a, ("Педсовет по итогам ВПР", "Семинар"),
                                    year=past)
    svc.update_item(items[1], {"text": "Семинар", "period_text": f"декабрь {today().year + 1}"})
    c = login_as("methodist")
    page = _html(c.get(f"/roadmaps/{rm.id}"))
    assert page.count("badge-overdue") == 1
    text = " ".join(_pdf_text(c.get(f"/roadmaps/{rm.id}/export.pdf").data).split())
    assert text.count("просрочено") == 1
    assert text.index("просрочено") < text.index("Семинар")
