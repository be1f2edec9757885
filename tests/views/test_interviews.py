"""Interview and meeting pages through the test client (CSRF on): planning a series, the
schedule in place with refused conflicts, the record filled in place, holding (number + lock),
amendments, the school's view and uploads, documents, query counts."""
import io
import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import (
    AgendaItem, Attachment, InterviewSeries, Meeting, MeetingStatus, Recommendation,
)
from shnor_app.services import interviews as svc
from shnor_app.services import recommendations as rec_svc
from shnor_app.formatting import today

from tests.conftest import count_queries, hx_get, post, start_page
from tests.factories.core import make_authority, make_org
from tests.factories.interviews import fill_record, make_held_interview, make_interview, make_series

PDF_MAGIC = b"%PDF-"


def _html(resp):
    return resp.get_data(as_text=True)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def series(world):
    return make_series(make_authority(world.muni), methodist=world.users["methodist"],
                       secretary=world.users["viewer_region"] and None)


@pytest.fixture
def past_day():
    return today() - timedelta(days=1)


# --------------------------------------------------------------------------- series, schedule


def test_methodist_plans_a_series_with_commission_through_forms(world, login_as):
    authority = make_authority(world.muni)
    c = login_as("methodist")
    page = c.get("/interviews/series/new")
    assert page.status_code == 200 and "Новая серия собеседований" in _html(page)
    resp = post(c, "/interviews/series/new", {
        "authority_id": authority.id, "topic": "Собеседования по подготовке к ГИА-2026, март",
        "agenda_template": "О готовности к ГИА\nО результатах ВПР", "slot_minutes": "30",
        "default_place": "каб. 5"})
    assert resp.status_code == 302
    series = db.session.scalar(select(InterviewSeries))
    resp = post(c, f"/interviews/series/{series.id}/members",
                {"role": "CHAIR", "full_name": "Смирнова Ольга Викторовна",
                 "job_title": "начальник управления"}, htmx=True)
    assert resp.status_code == 200 and 'id="commission"' in _html(resp) and "<html" not in _html(resp)
    resp = post(c, f"/interviews/series/{series.id}/members",
                {"role": "SECRETARY", "user_id": world.users["methodist"].id}, htmx=True)
    assert "Пользователь Муниципальный методист" in _html(resp)
    resp = post(c, f"/interviews/series/{series.id}/members",
                {"role": "CHAIR", "full_name": "Петров Пётр Петрович"}, htmx=True)
    assert resp.status_code == 422 and "Председатель комиссии уже указан" in _html(resp)


def test_empty_topic_is_refused_with_what_was_typed(world, login_as):
    authority = make_authority(world.muni)
    c = login_as("methodist")
    resp = post(c, "/interviews/series/new", {"authority_id": authority.id, "topic": "",
                                              "default_place": "каб. 17"})
    assert resp.status_code == 422 and "Укажите тему собеседований." in _html(resp)
    assert 'value="каб. 17"' in _html(resp)


def test_schedule_row_added_in_place_and_conflict_refused_with_message(world, login_as, series):
    c = login_as("methodist")
    form = hx_get(c, f"/interviews/series/{series.id}/slots/new")
    assert form.status_code == 200 and 'id="slot-new"' in _html(form) and "<html" not in _html(form)
    data = {"organization_id": world.school_a.id, "meeting_date": "2026-03-16",
            "start_time": "10:00", "director_name": "Иванова Ирина Петровна"}
    resp = post(c, f"/interviews/series/{series.id}/slots/new", data, htmx=True)
    assert resp.status_code == 200 and re.search(r'id="slot-\d+"', _html(resp))
    assert "10:00–10:40" in _html(resp)
    data.update(organization_id=world.tutor_school.id, start_time="10:15")
    resp = post(c, f"/interviews/series/{series.id}/slots/new", data, htmx=True)
    assert resp.status_code == 422
    assert "Смирнова Ольга Викторовна в это время участвует" in _html(resp)
    assert 'value="10:15"' in _html(resp)  # what was typed stays
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1


def test_reschedule_row_in_place(world, login_as, series):
    m = make_interview(series, world.school_a)
    c = login_as("methodist")
    form = _html(hx_get(c, f"/interviews/meetings/{m.id}/slot"))
    assert 'class="editing"' in form and 'value="10:40"' not in form
    resp = post(c, f"/interviews/meetings/{m.id}/slot", {
        "organization_id": world.school_a.id, "meeting_date": "2026-03-18", "start_time": "11:00",
        "end_time": "", "place": "каб. 7"}, htmx=True)
    assert resp.status_code == 200 and "18.03.2026" in _html(resp) and "11:00–11:40" in _html(resp)
    assert hx_get(c, f"/interviews/meetings/{m.id}/row").status_code == 200


def test_schedule_exports(world, login_as, series):
    make_interview(series, world.school_a)
    c = login_as("viewer")
    pdf = c.get(f"/interviews/series/{series.id}/schedule.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(PDF_MAGIC)
    text = _pdf_text(pdf.data)
    assert "График собеседований" in text and "МКОУ СОШ с. Заозёрное" in text and "16.03.2026" in text
    xlsx = c.get(f"/interviews/series/{series.id}/schedule.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx.data)).active
    values = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert "МКОУ СОШ с. Заозёрное" in values and "16.03.2026" in values
    assert "Председатель: Смирнова Ольга Викторовна, начальник управления образования" in values


# --------------------------------------------------------------------------- the record


def test_secretary_fills_an_item_in_place(world, login_as, series, past_day):
    m = make_interview(series, world.school_a, day=past_day)
    item = svc.load_record(m)[1][0]
    c = login_as("methodist")
    form = hx_get(c, f"/interviews/items/{item.id}/edit")
    assert form.status_code == 200 and f'id="agenda-item-{item.id}"' in _html(form)
    resp = post(c, f"/interviews/items/{item.id}/edit", {
        "title": item.title, "heard_who": "Иванову И.П., директора",
        "heard_summary": "о готовности выпускников", "s_who": ["Кузнецова Е.П.", ""],
        "s_summary": ["о пробном ОГЭ", ""],
        "d_text": ["Организовать консультации по математике", ""],
        "d_responsible": ["зам. директора по УВР", ""], "d_due": ["2026-04-15", ""]}, htmx=True)
    assert resp.status_code == 200 and "<html" not in _html(resp)
    html = _html(resp)
    assert "СЛУШАЛИ:" in html and "ВЫСТУПИЛИ:" in html and "1.1." in html
    assert "Организовать консультации по математике" in html and "до 15.04.2026" in html


def test_item_with_responsible_but_no_text_is_refused_and_keeps_input(world, login_as, series):
    m = make_interview(series, world.school_a)
    item = svc.load_record(m)[1][0]
    c = login_as("methodist")
    resp = post(c, f"/interviews/items/{item.id}/edit", {
        "title": item.title, "heard_who": "Иванову И.П.", "d_text": [""],
        "d_responsible": ["директор"], "d_due": [""]}, htmx=True)
    assert resp.status_code == 422 and "должен быть текст решения" in _html(resp)
    assert 'value="Иванову И.П."' in _html(resp)
    # a due date that is not a date: refused, and every row stays as typed
    resp = post(c, f"/interviews/items/{item.id}/edit", {
        "title": item.title, "heard_who": "Иванову И.П.", "s_who": ["Кузнецова Е.П."],
        "s_summary": ["о пробном ОГЭ"], "d_text": ["Организовать консультации"],
        "d_responsible": ["зам. директора"], "d_due": ["к 15 апреля"]}, htmx=True)
    html = _html(resp)
    assert resp.status_code == 422 and "Срок «к 15 апреля» — не дата" in html
    assert "о пробном ОГЭ" in html and "Организовать консультации" in html
    assert 'value="зам. директора"' in html and 'value="к 15 апреля"' in html
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).heard_who != "Иванову И.П."
    # the Russian form of a date is a date: saved with its decision
    resp = post(c, f"/interviews/items/{item.id}/edit", {
        "title": item.title, "heard_who": "Иванову И.П.", "d_text": ["Организовать консультации"],
        "d_responsible": ["зам. директора"], "d_due": ["15.04.2026"]}, htmx=True)
    assert resp.status_code == 200, _html(resp)
    db.session.expire_all()
    saved = db.session.get(AgendaItem, item.id)
    assert saved.heard_who == "Иванову И.П."
    assert [d.due_date for d in saved.decisions] == [date(2026, 4, 15)]


def test_participant_with_a_role_not_on_the_list_is_refused_with_a_message(world, login_as,
                                                                            series):
    m = make_interview(series, world.school_a)
    c = login_as("methodist")
    resp = post(c, f"/interviews/meetings/{m.id}/participants", {
        "p_id": [""], "p_role": ["BOSS"], "p_name": ["Новиков Олег Юрьевич"], "p_title": [""]},
        htmx=True)
    assert resp.status_code == 422  # was a bare 400
    assert "Выберите роль участника из списка." in _html(resp)
    assert "Новиков Олег Юрьевич" in _html(resp)
    assert "Новиков Олег Юрьевич" not in [p.full_name for p in svc.load_record(m)[0]]


def test_commission_member_is_a_user_of_the_authority_or_refused_beside_the_field(
        world, login_as, series):
    c = login_as("methodist")
    resp = post(c, f"/interviews/series/{series.id}/members",
                {"role": "MEMBER", "user_id": world.users["school"].id, "job_title": "директор"})
    html = _html(resp)
    assert resp.status_code == 422 and "<html" in html and "Неверный вариант." in html
    assert 'value="директор"' in html  # without JavaScript: the page again, as typed
    page = _html(c.get(f"/interviews/series/{series.id}"))
    assert f'value="{world.users["school"].id}"' not in page
    assert f'value="{world.users["region"].id}"' in page


def test_participants_marked_present_in_place(world, login_as, series):
    m = make_interview(series, world.school_a)
    participants = svc.load_record(m)[0]
    c = login_as("methodist")
    data = {"p_id": [p.id for p in participants] + [""], "p_role": [p.role.name for p in participants] + ["MEMBER"],
            "p_name": [p.full_name for p in participants] + ["Новиков Олег Юрьевич"],
            "p_title": [p.job_title for p in participants] + ["методист"],
            "p_present": ["0", "1", str(len(participants))]}
    resp = post(c, f"/interviews/meetings/{m.id}/participants", data, htmx=True)
    assert resp.status_code == 200 and "Новиков Олег Юрьевич" in _html(resp)
    db.session.expire_all()
    present = {p.full_name: p.present for p in svc.load_record(m)[0]}
    assert present["Кузнецова Елена Петровна"] is False and present["Новиков Олег Юрьевич"] is True


def test_hold_numbers_and_locks_then_edits_answer_403_and_change_nothing(world, login_as, series, past_day):
    m = fill_record(make_interview(series, world.school_a, day=past_day))
    c = login_as("methodist")
    resp = post(c, f"/interviews/meetings/{m.id}/hold", htmx=True)
    assert resp.status_code == 204 and resp.headers["HX-Redirect"].endswith(f"/interviews/meetings/{m.id}")
    db.session.expire_all()
    m = db.session.get(Meeting, m.id)
    assert m.status == MeetingStatus.HELD and m.protocol_number == 1
    item = svc.load_record(m)[1][0]
    before = (item.title, item.heard_who)
    for role in ("methodist", "admin"):
        cl = login_as(role)
        assert post(cl, f"/interviews/items/{item.id}/edit", {"title": "Изменено"}, htmx=True).status_code == 403
        assert post(cl, f"/interviews/items/{item.id}/delete", htmx=True).status_code == 403
        assert post(cl, f"/interviews/meetings/{m.id}/participants", {"p_name": ["x"]}).status_code == 403
        assert post(cl, f"/interviews/meetings/{m.id}/requisites", {"heading": "x"}).status_code == 403
        assert post(cl, f"/interviews/meetings/{m.id}/hold").status_code == 403
        assert post(cl, f"/interviews/meetings/{m.id}/delete").status_code == 403
    db.session.expire_all()
    item = db.session.get(AgendaItem, item.id)
    assert (item.title, item.heard_who) == before
    page = _html(c.get(f"/interviews/meetings/{m.id}"))
    assert "Протокол № 1 оформлен" in page and "Заполнить / изменить" not in page


def test_hold_of_an_incomplete_record_shows_what_is_missing(world, login_as, series, past_day):
    m = make_interview(series, world.school_a, day=past_day)
    c = login_as("methodist")
    resp = post(c, f"/interviews/meetings/{m.id}/hold", htmx=True)
    assert resp.status_code == 422 and 'id="hold-box"' in _html(resp)
    assert "Вопрос 1: заполните «СЛУШАЛИ»" in _html(resp)


def test_amendment_is_added_and_printed_with_its_date(world, login_as, series):
    m = make_held_interview(series, world.school_a, day=today() - timedelta(days=3))
    c = login_as("methodist")
    resp = post(c, f"/interviews/meetings/{m.id}/amendments", {
        "text": "В пункте 1.1 срок читать «до 20.04.2026».",
        "amended_on": today().isoformat()}, htmx=True)
    assert resp.status_code == 200 and "Изменение от" in _html(resp)
    text = _pdf_text(c.get(f"/interviews/meetings/{m.id}/protocol.pdf").data)
    assert f"Изменение от {today():%d.%m.%Y}" in text and "срок читать" in text


def test_protocol_pdf_has_the_requisites_in_order_and_the_russian_decisions(world, login_as, series):
    m = make_held_interview(series, world.school_a, day=date(2026, 3, 16))
    c = login_as("viewer")
    resp = c.get(f"/interviews/meetings/{m.id}/protocol.pdf")
    assert resp.status_code == 200 and resp.data.startswith(PDF_MAGIC)
    assert resp.headers["Content-Disposition"].startswith("attachment")
    text = " ".join(_pdf_text(resp.data).split())
    order = ["Управление образования администрации Приречного района", "ПРОТОКОЛ",
             "16 марта 2026 г.", "№ 1", "г. Приреченск", "собеседования с руководителем",
             "Председатель — О.В. Смирнова", "Секретарь — А.С. Орлова", "Присутствовали:",
             "Кузнецова Е.П. — методист", "Приглашённые:", "Иванова И.П.", "ПОВЕСТКА ДНЯ:",
             "1. О готовности школы к ГИА-2026", "2. О результатах ВПР", "1. СЛУШАЛИ:",
             "ВЫСТУПИЛИ:", "РЕШИЛИ:",
             "1.1. Обеспечить подготовку выпускников 9 классов к ОГЭ по математике",
             "Ответственный: директор школы; срок: до 15 апреля 2026 г.", "2. СЛУШАЛИ:",
             "2.1. Информацию принять к сведению", "Председатель", "О.В. Смирнова", "Секретарь",
             "А.С. Орлова"]
    pos = -1
    for needle in order:
        found = text.find(needle, pos + 1)
        assert found > pos, (needle, text[pos:pos + 300])
        pos = found
    assert b"DejaVuSerif" in resp.data  # the Cyrillic font is embedded


def test_long_protocol_numbers_pages_from_the_second_only(world, series):
    from pypdf import PdfReader

    from shnor_app.services.interviews.export import protocol_pdf

    m = make_interview(series, world.school_a)
    items = svc.load_record(m)[1]
    svc.save_item(m, items[0], title=items[0].title, heard_who="Иванову И.П.",
                  heard_summary="Доклад о подготовке. " * 400,
                  decisions=[svc.DecisionRow("Принять к сведению")])
    pages = PdfReader(io.BytesIO(protocol_pdf(m))).pages
    assert len(pages) >= 3
    first, second = pages[0].extract_text(), pages[1].extract_text()
    assert not re.match(r"\s*1\s", first) and re.match(r"\s*2\s", second)
    assert "ПРОЕКТ" in first and "№ ____" in first


def test_user_text_is_escaped_in_the_pdf(world, series):
    from shnor_app.services.interviews.export import protocol_pdf

    m = make_interview(series, world.school_a)
    item = svc.load_record(m)[1][0]
    svc.save_item(m, item, title='<img src="/etc/passwd"/> <b>О подготовке',
                  heard_who="<i>Иванову", decisions=[svc.DecisionRow("</para>Принять")])
    text = _pdf_text(protocol_pdf(m))
    assert '<img src="/etc/passwd"/>' in text and "</para>Принять" in text


def test_numbers_typed_without_a_space_print_as_official_documents_write_them(world, series):
    from docx import Document

    from shnor_app.services.interviews.export import protocol_docx, protocol_pdf

    m = make_interview(series, world.school_a)
    item = svc.load_record(m)[1][0]
    svc.save_item(m, item, title="О выполнении приказа №2 от 10.01.2026", heard_who="Иванову И.П.",
                  decisions=[svc.DecisionRow("Исполнить приказ №15 и письмо № 7")])
    pdf = " ".join(_pdf_text(protocol_pdf(m)).replace("\u00a0", " ").split())
    assert "приказа № 2 от" in pdf and "приказ № 15 и письмо № 7" in pdf and "№2" not in pdf
    doc = Document(io.BytesIO(protocol_docx(m)))
    text = "\n".join(p.text for p in doc.paragraphs).replace("\u00a0", " ")
    assert "приказа № 2 от" in text and "приказ № 15" in text


def test_protocol_docx_follows_the_same_text(world, login_as, series):
    from docx import Document

    m = make_held_interview(series, world.school_a, day=date(2026, 3, 16))
    resp = login_as("methodist").get(f"/interviews/meetings/{m.id}/protocol.docx")
    doc = Document(io.BytesIO(resp.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "ПРОТОКОЛ" in text and "16 марта 2026 г.\t№ 1" in text
    assert text.index("ПОВЕСТКА ДНЯ:") < text.index("1. СЛУШАЛИ:") < text.index("РЕШИЛИ:")
    assert doc.sections[0].left_margin.mm == pytest.approx(30, abs=0.1)


# --------------------------------------------------------------------------- meetings


def test_meeting_with_any_participants_uses_the_same_engine(world, login_as):
    authority = make_authority(world.muni)
    c = login_as("methodist")
    day = today() - timedelta(days=1)
    resp = post(c, "/interviews/meetings/new", {
        "authority_id": authority.id, "kind": "COORDINATION_COUNCIL", "heading": "",
        "meeting_date": day.isoformat(), "start_time": "15:00", "place": "Актовый зал",
        "secretary_id": world.users["methodist"].id,
        "agenda": "Об итогах мониторинга дорожных карт"})
    assert resp.status_code == 302
    m = db.session.scalar(select(Meeting))
    assert m.heading == "заседания координационного совета" and m.secretary_user_id == world.users["methodist"].id
    post(c, f"/interviews/meetings/{m.id}/participants", {
        "p_id": ["", ""], "p_role": ["CHAIR", "SECRETARY"],
        "p_name": ["Смирнова Ольга Викторовна", "Пользователь Муниципальный методист"],
        "p_title": ["", ""], "p_present": ["0", "1"]})
    item = svc.load_record(m)[1][0]
    post(c, f"/interviews/items/{item.id}/edit", {"title": item.title, "heard_who": "Смирнову О.В.",
                                                   "d_text": "Информацию принять к сведению"})
    assert post(c, f"/interviews/meetings/{m.id}/hold").status_code == 302
    text = _pdf_text(c.get(f"/interviews/meetings/{m.id}/protocol.pdf").data)
    assert "заседания координационного совета" in text and "№ 1" in text


# --------------------------------------------------------------------------- the school


def test_school_sees_its_appointment_uploads_before_and_not_after(world, login_as, series):
    m = make_interview(series, world.school_a, day=today() + timedelta(days=2))
    other = make_interview(series, world.tutor_school, day=today() + timedelta(days=3))
    c = login_as("school")
    home = _html(c.get("/"))
    assert 'id="interview-appointments"' in home
    page = _html(c.get(f"/interviews/meetings/{m.id}"))
    assert "Назначено собеседование" in page and "СЛУШАЛИ" not in page
    assert c.get(f"/interviews/meetings/{other.id}").status_code == 404
    lst = _html(c.get("/interviews/meetings"))
    assert "МКОУ СОШ с. Заозёрное" in lst and "Гимназия" not in lst
    pdf_bytes = b"%PDF-1.4\n%report\n"
    resp = c.post(f"/files/meetings/{m.id}", data={
        "file": (io.BytesIO(pdf_bytes), "отчёт руководителя.pdf"), "csrf_token": c.csrf},
        content_type="multipart/form-data")
    assert resp.status_code == 302
    att = db.session.scalar(select(Attachment).where(Attachment.object_type == "meetings"))
    assert att.original_name == "отчёт руководителя.pdf"
    assert c.get(f"/interviews/meetings/{m.id}/protocol.pdf").status_code == 403  # draft
    m.meeting_date = today() - timedelta(days=1)  # the day has passed: uploads close
    db.session.commit()
    resp = c.post(f"/files/meetings/{m.id}", data={
        "file": (io.BytesIO(pdf_bytes), "поздно.pdf"), "csrf_token": c.csrf},
        content_type="multipart/form-data")
    assert resp.status_code == 403
    assert post(c, f"/files/delete/{att.id}").status_code == 403
    # the commission still attaches after the date
    mc = login_as("methodist")
    resp = mc.post(f"/files/meetings/{m.id}", data={
        "file": (io.BytesIO(pdf_bytes), "скан протокола.pdf"), "csrf_token": mc.csrf},
        content_type="multipart/form-data")
    assert resp.status_code == 302


# --------------------------------------------------------------------------- recommendations


def test_recommendations_of_a_protocol_print_and_reach_the_school(world, login_as, series, past_day):
    m = fill_record(make_interview(series, world.school_a, day=past_day))
    c = login_as("methodist")
    resp = post(c, f"/recommendations/new/protocol/{m.id}", {
        "text": "Провести пробный ОГЭ по математике", "responsible": "зам. директора по УВР",
        "due_date": (past_day + timedelta(days=30)).isoformat()}, htmx=True)
    assert resp.status_code == 200, _html(resp)[:300]
    assert post(c, f"/interviews/meetings/{m.id}/hold").status_code == 302
    text = " ".join(_pdf_text(c.get(f"/interviews/meetings/{m.id}/protocol.pdf").data).split())
    assert "2.2. Рекомендовать руководителю МКОУ СОШ с. Заозёрное: Провести пробный ОГЭ" in text
    rec = db.session.scalar(select(Recommendation))
    # the text is locked with the protocol
    assert post(c, f"/recommendations/{rec.id}/edit", {"text": "x"}, htmx=True).status_code == 403
    home = start_page(login_as("school"))
    assert "Провести пробный ОГЭ по математике" in home


# --------------------------------------------------------------------------- lists, queries


def test_lists_do_not_grow_queries_with_rows(world, login_as, series):
    counts = {}
    for n in (1, 4):
        for k in range(n if n == 1 else 3):
            school = make_org(world.muni, short_name=f"Школа {n}-{k}")
            make_interview(series, school, day=date(2026, 4, 1 + k + (n * 5)), at=time(9 + k, 0))
        c = login_as("methodist")
        for url in ("/interviews/meetings", f"/interviews/series/{series.id}", "/interviews/"):
            with count_queries() as q:
                assert c.get(url).status_code == 200
            counts[(url, n)] = q["n"]
    for url in ("/interviews/meetings", f"/interviews/series/{series.id}", "/interviews/"):
        assert counts[(url, 1)] == counts[(url, 4)], counts


def test_pages_have_no_inline_styles_or_scripts(world, login_as, series):
    m = make_interview(series, world.school_a)
    c = login_as("methodist")
    for url in ("/interviews/", f"/interviews/series/{series.id}", f"/interviews/meetings/{m.id}",
                "/interviews/meetings", "/interviews/meetings/new", "/interviews/series/new"):
        html = _html(c.get(url))
        assert "<script>" not in html and " style=" not in html and "onclick" not in html, url
