"""Visit pages through the test client (CSRF on): the one-post form with rows, validation
re-rendered with what was typed, editing, printing (PDF/.docx) and the audit after printing,
lists with filters and their query counts."""
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import (
    AuditAction, AuditEntry, MentoringPair, OrgKind, StaffMember, Visit, VisitKind,
)
from shnor_app.services import visits as svc
from shnor_app.formatting import today

from tests.conftest import count_queries, hx_get, login, post
from tests.factories.core import make_staff
from tests.factories.visits import make_tutor_pair, visit_form


def _html(resp):
    return resp.get_data(as_text=True)


def login_tutor(app, world):
    from tests.conftest import login
    return login(app.test_client(), world.users["tutor"])


def test_new_visit_form_has_sensible_defaults(app, world):
    make_tutor_pair(world)
    c = login_tutor(app, world)
    html = _html(c.get("/visits/new"))
    assert f'value="{today().isoformat()}"' in html
    assert world.users["tutor"].full_name in html
    assert re.search(rf'<option value="{world.tutor_school.id}" selected>', html)
    assert "МКОУ СОШ с. Заозёрное" in html and "МБОУ СОШ № 1 г. Зареченска" not in html


def test_create_visit_with_lessons_in_one_post(app, world):
    make_tutor_pair(world)
    make_staff(world.school_a, "Петрова Ольга Ивановна", subjects="Математика")
    c = login_tutor(app, world)
    resp = post(c, "/visits/new", visit_form(world))
    assert resp.status_code == 302, _html(resp)[:2000]
    visit = db.session.scalar(select(Visit))
    assert visit.kind == VisitKind.LESSONS and visit.school_id == world.school_a.id
    assert [v.full_name for v in visit.visitors][1] == "Сидорова Анна Ивановна"
    assert visit.visitors[0].user_id == world.users["tutor"].id
    assert len(visit.lessons) == 1 and visit.lessons[0].staff_id is not None
    page = _html(c.get(f"/visits/{visit.id}"))
    assert "Работа со слабыми учениками" in page and "Низкая мотивация" in page


def test_future_date_and_missing_purpose_re_render_the_form_with_what_was_typed(app, world):
    make_tutor_pair(world)
    c = login_tutor(app, world)
    resp = post(c, "/visits/new", visit_form(world, day=today() + timedelta(days=1), purpose=""))
    html = _html(resp)
    assert resp.status_code == 422
    assert "не может быть позже сегодняшней" in html and "Укажите цель посещения" in html
    assert "Работа со слабыми учениками" in html and "Сидорова Анна Ивановна" in html
    assert db.session.scalar(select(Visit)) is None


def test_add_row_without_javascript_posts_back_one_more_row(app, world):
    make_tutor_pair(world)
    c = login_tutor(app, world)
    resp = post(c, "/visits/new", visit_form(world, add_row="lessons"))
    html = _html(resp)
    assert resp.status_code == 200 and db.session.scalar(select(Visit)) is None
    assert len(re.findall(r'name="lessons-[0-9a-z]+-subject"', html)) == 2  # typed one + new one
    assert "Работа со слабыми учениками" in html


def test_row_fragment_and_school_context_for_htmx(app, world):
    make_tutor_pair(world)
    make_staff(world.school_a, "Петрова Ольга Ивановна", subjects="Математика")
    c = login_tutor(app, world)
    frag = hx_get(c, "/visits/row/lessons")
    assert frag.status_code == 200 and "<html" not in _html(frag)
    assert re.search(r'<tr id="lessons-[0-9a-f]+"', _html(frag))
    ctx = hx_get(c, f"/visits/school-context?school_id={world.school_a.id}")
    html = _html(ctx)
    assert 'id="school-teachers" hx-swap-oob="true"' in html and "Петрова Ольга Ивановна" in html
    assert 'id="pair-field" hx-swap-oob="true"' in html
    assert hx_get(c, "/visits/row/other").status_code == 404
    assert hx_get(c, f"/visits/school-context?school_id={world.school_b.id}").status_code == 404


def _make_visit(app, world, **over):
    c = login_tutor(app, world)
    resp = post(c, "/visits/new", visit_form(world, **over))
    assert resp.status_code == 302, _html(resp)[:1500]
    return c, db.session.scalar(select(Visit).order_by(Visit.id.desc()))


def test_edit_visit_replaces_rows(app, world):
    make_tutor_pair(world)
    c, visit = _make_visit(app, world)
    data = visit_form(world, findings="Новые выводы")
    data.pop("visitors-b2-full_name"), data.pop("visitors-b2-job_title")
    data.update({"lessons-l3-teacher": "Иванов Иван Иванович", "lessons-l3-subject": "Физика"})
    resp = post(c, f"/visits/{visit.id}/edit", data)
    assert resp.status_code == 302
    db.session.expire_all()
    visit = db.session.get(Visit, visit.id)
    assert visit.findings == "Новые выводы"
    assert [v.full_name for v in visit.visitors] == [world.users["tutor"].full_name]
    assert [l.subject for l in visit.lessons] == ["Математика", "Физика"]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())  # table cells wrap lines anywhere


def test_print_pdf_has_the_report_in_russian_and_records_printing(app, world):
    make_tutor_pair(world)
    world.school_a.director_name = "Борисова Мария Андреевна"
    db.session.commit()
    c, visit = _make_visit(app, world, day=date(2026, 3, 15) if today() >= date(2026, 3, 15)
                           else today())
    resp = post(c, f"/visits/{visit.id}/report.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert "attachment" in resp.headers["Content-Disposition"]
    text = _pdf_text(resp.data)
    for expected in ("СПРАВКА ПО ИТОГАМ ПОСЕЩЕНИЯ", "Средняя школа", "Низкая мотивация",
                     "Работа со слабыми", "М.А. Борисова", "Справку составили"):
        assert expected in text, expected
    from shnor_app.formatting import fmt_date_long
    assert fmt_date_long(visit.visit_date) in text
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).printed_at is not None


def test_print_docx_has_the_same_content(app, world):
    from docx import Document

    make_tutor_pair(world)
    c, visit = _make_visit(app, world)
    resp = post(c, f"/visits/{visit.id}/report.docx")
    assert resp.status_code == 200 and resp.mimetype.endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(resp.data))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    assert "СПРАВКА ПО ИТОГАМ ПОСЕЩЕНИЯ" in text and "Низкая мотивация" in text
    assert "Работа со слабыми учениками" in text and "Сидорова Анна Ивановна" in text


def test_report_escapes_markup_typed_by_users(app, world):
    make_tutor_pair(world)
    c, visit = _make_visit(app, world, findings='<img src="/etc/passwd"/> <b>жирно')
    resp = post(c, f"/visits/{visit.id}/report.pdf")
    assert resp.status_code == 200 and '<b>жирно' in _pdf_text(resp.data)


def test_edit_after_printing_keeps_the_printed_version_in_the_history(app, world):
    make_tutor_pair(world)
    c, visit = _make_visit(app, world)
    # before printing: only the rows' diff is written besides the automatic column entry
    assert post(c, f"/visits/{visit.id}/report.pdf").status_code == 200
    data = visit_form(world, findings="Исправленные выводы", purpose="Новая цель")
    data["lessons-l1-assessment"] = "Исправленная оценка"
    assert post(c, f"/visits/{visit.id}/edit", data).status_code == 302
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "visits", AuditEntry.object_id == visit.id,
        AuditEntry.message.like("Изменено после печати%"))).all()
    assert len(entries) == 1
    changes = entries[0].changes
    assert "после печати" in entries[0].message
    assert changes["findings"] == ["Низкая мотивация обучающихся 7-х классов", "Исправленные выводы"]
    assert changes["purpose"] == ["Посещение уроков математики", "Новая цель"]
    assert "Урок выстроен, но нет дифференциации" in changes["lessons"][0]
    assert "Исправленная оценка" in changes["lessons"][1]
    assert "visit_date" not in changes  # unchanged parts are not repeated
    history = _html(c.get(f"/history/visits/{visit.id}"))
    assert "Изменено после печати справки" in history and "Исправленная оценка" in history
    assert "Напечатана справка по итогам посещения (PDF)" in history


def test_edit_before_printing_writes_no_printed_version(app, world):
    make_tutor_pair(world)
    c, visit = _make_visit(app, world)
    assert post(c, f"/visits/{visit.id}/edit", visit_form(world, findings="Другое")).status_code == 302
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.object_type == "visits", AuditEntry.message.like("%после печати%"))) is None


def test_visit_list_filters_in_place_and_counts_queries(app, world, login_as):
    make_tutor_pair(world)
    _make_visit(app, world, day=today() - timedelta(days=40))
    for i in range(5):
        _make_visit(app, world, purpose=f"Цель {i}")
    c = login_as("methodist")
    page = c.get("/visits/")
    assert page.status_code == 200 and "6 посещений" in _html(page)
    frag = hx_get(c, f"/visits/?date_from={(today() - timedelta(days=10)).isoformat()}")
    assert "<html" not in _html(frag) and 'id="visit-list"' in _html(frag)
    assert "5 посещений" in _html(frag)
    assert "0 посещений" not in _html(hx_get(c, f"/visits/?school={world.school_b.id}"))
    with count_queries() as q:
        c.get("/visits/")
    n6 = q["n"]
    for i in range(6):
        _make_visit(app, world, purpose=f"Ещё {i}")
    with count_queries() as q:
        c.get("/visits/")
    assert q["n"] == n6 and q["n"] <= 14, q["sql"]


def test_visit_counts_per_school_in_one_query(app, world):
    make_tutor_pair(world)
    _make_visit(app, world, day=today() - timedelta(days=2))
    _make_visit(app, world, day=today() - timedelta(days=1))
    _make_visit(app, world, day=today() - timedelta(days=100))
    ids = [world.school_a.id, world.school_b.id]
    with count_queries() as q:
        counts = svc.visit_counts(ids, today() - timedelta(days=30), today())
    assert counts == {ids[0]: 2} and q["n"] == 1
    assert svc.visit_counts([], today(), today()) == {}


def test_delete_is_soft_and_hides_the_visit(app, world):
    make_tutor_pair(world)
    c, visit = _make_visit(app, world)
    assert post(c, f"/visits/{visit.id}/delete").status_code == 302
    assert c.get(f"/visits/{visit.id}").status_code == 404
    assert db.session.get(Visit, visit.id) is not None


# --------------------------------------------------------------------------- recommendations


def _recs(visit):
    return svc.recommendations_of(visit)


def with_recs(world, **over):
    day = over.get("day", today())
    return visit_form(world, **{
        "recs-r1-text": "Организовать дифференцированную работу на уроках математики",
        "recs-r1-responsible": "Петрова Ольга Ивановна, учитель",
        "recs-r1-due_date": (day + timedelta(days=30)).isoformat(),
        "recs-r2-text": "Провести педсовет по формирующему оцениванию",
        "recs-r2-responsible": "Заместитель директора по УВР",
        "recs-r2-due_date": (day + timedelta(days=14)).isoformat(),
        "recs-r3-text": "", "recs-r3-responsible": "", "recs-r3-due_date": "", **over})


def test_create_visit_with_lessons_and_two_recommendations_in_one_post(app, world):
    make_tutor_pair(world)
    c, visit = _make_visit(app, world, **{k: v for k, v in with_recs(world).items()})
    recs = _recs(visit)
    assert [r.text[:20] for r in recs] == ["Организовать диффере", "Провести педсовет по"]
    assert all(r.organization_id == world.school_a.id for r in recs)
    assert recs[1].due_date == today() + timedelta(days=14)
    page = _html(c.get(f"/visits/{visit.id}"))
    assert "Провести педсовет по формирующему оцениванию" in page
    pdf = _pdf_text(post(c, f"/visits/{visit.id}/report.pdf").data)
    assert "Провести педсовет" in pdf and "Срок исполнения" in pdf
    assert (today() + timedelta(days=14)).strftime("%d.%m.%Y") in pdf


def test_due_date_before_the_visit_is_refused_in_place(app, world):
    make_tutor_pair(world)
    c = login_tutor(app, world)
    day = today() - timedelta(days=5)
    data = with_recs(world, day=day, **{"recs-r2-due_date": (day - timedelta(days=1)).isoformat()})
    resp = post(c, "/visits/new", data)
    html = _html(resp)
    assert resp.status_code == 422 and "не может быть раньше даты посещения" in html
    assert 'id="recs-r2-due_date-err"' in html and "Провести педсовет" in html
    assert db.session.scalar(select(Visit)) is None


def test_edit_keeps_answered_recommendations_and_deletes_emptied_ones(app, world, login_as):
    from shnor_app.services import recommendations as rec_svc

    make_tutor_pair(world)
    c, visit = _make_visit(app, world, **with_recs(world))
    first, second = _recs(visit)
    rec_svc.report(first, text="Составлены разноуровневые задания", by=world.users["school"])
    form = svc.form_from_visit(visit, _recs(visit))
    data = visit_form(world)
    for row in form.recs:  # as the browser posts the edit form
        data[f"recs-{row['key']}-id"] = row["id"]
        if not row.get("locked"):
            data.update({f"recs-{row['key']}-text": "", f"recs-{row['key']}-responsible": "",
                         f"recs-{row['key']}-due_date": ""})
    data.update({"recs-n1-text": "Новая рекомендация", "recs-n1-due_date": today().isoformat()})
    resp = post(c, f"/visits/{visit.id}/edit", data)
    assert resp.status_code == 302, _html(resp)[:3000]
    texts = [r.text for r in _recs(visit)]
    assert texts == ["Организовать дифференцированную работу на уроках математики",
                     "Новая рекомендация"]
    page = _html(c.get(f"/visits/{visit.id}/edit"))
    assert "школа ответила" in page


def test_visit_list_filter_by_recommendations(app, world, login_as):
    from shnor_app.services import recommendations as rec_svc

    make_tutor_pair(world)
    _, with_open = _make_visit(app, world, **with_recs(world, purpose="С рекомендациями"))
    _make_visit(app, world, purpose="Без рекомендаций")
    for rec in _recs(with_open):
        rec_svc.report(rec, text="Сделано", by=world.users["school"])
    c = login_as("methodist")
    assert "С рекомендациями" not in _html(hx_get(c, "/visits/?recs=open"))
    html = _html(hx_get(c, "/visits/?recs=reported"))
    assert "С рекомендациями" in html and "Без рекомендаций" not in html
    assert "на проверке 2" in html


def test_school_of_an_answered_visit_stays_and_the_refusal_is_shown_by_the_school(app, world,
                                                                                  login_as):
    from shnor_app.services import recommendations as rec_svc

    make_tutor_pair(world)
    _, visit = _make_visit(app, world, **with_recs(world))
    rec_svc.report(_recs(visit)[0], text="Сделано", by=world.users["school"])
    c = login_as("methodist")
    form = svc.form_from_visit(visit, _recs(visit))
    data = visit_form(world, school_id=str(world.tutor_school.id), purpose="Новая цель")
    for row in form.recs:
        data[f"recs-{row['key']}-id"] = row["id"]
    resp = post(c, f"/visits/{visit.id}/edit", data)
    html = _html(resp)
    assert resp.status_code == 422 and 'id="school_id-err"' in html
    assert "Школу изменить нельзя" in html and "Новая цель" in html
    assert "Сделано" in html or "школа ответила" in html  # the answered one as it is
    db.session.expire_all()
    visit = db.session.get(Visit, visit.id)
    assert visit.school_id == world.school_a.id and visit.purpose == "Посещение уроков математики"


def test_printing_is_not_an_edit(app, world):
    """An observer's print is journalled as a download and leaves the visit as it was; an
    author's print marks the visit printed — neither is a change of the visit."""
    make_tutor_pair(world)
    c, visit = _make_visit(app, world)
    viewer = app.test_client()
    login(viewer, world.users["viewer"])
    assert post(viewer, f"/visits/{visit.id}/report.pdf").status_code == 200
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).printed_at is None
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "visits", AuditEntry.object_id == visit.id,
        AuditEntry.message.like("Напечатана%"))).all()
    assert [e.action for e in entries] == [AuditAction.DOWNLOAD]
    assert "без отметки о печати" in entries[0].message and not entries[0].changes

    assert post(c, f"/visits/{visit.id}/report.pdf").status_code == 200
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).printed_at is not None
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "visits", AuditEntry.object_id == visit.id,
        AuditEntry.message.like("Напечатана%"))).all()
    assert actions == [AuditAction.DOWNLOAD, AuditAction.DOWNLOAD]
