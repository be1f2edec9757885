"""Courses pages through the test client with CSRF on: catalogue, batch enrollment with
checkboxes, row editing in place, filters that swap the table, import preview → save,
reports with .xlsx / PDF exports, ИОМ, the start-page panel."""
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import (
    Course, CourseTopic, DevelopmentPlan, Enrollment, EnrollmentStatus, PlanActivity,
)
from shnor_app.formatting import today

from tests.conftest import count_queries, hx_get, login, post, start_page
from tests.factories.core import make_org, make_staff
from tests.factories.courses import course_topic, make_course, make_enrollment


def pdf_text(data: bytes) -> str:
    """The PDF's text with runs of whitespace as one space (table cells wrap lines)."""
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    return "\n".join(" | ".join("" if v is None else str(v) for v in row)
                     for ws in wb.worksheets for row in ws.iter_rows(values_only=True))


@pytest.fixture
def setup(world):
    course = make_course(world.region, title="Технологии работы со слабоуспевающими", low=True,
                         start=date(2024, 1, 10), hours=36)
    a1 = make_staff(world.school_a, "Алексеева Мария Ивановна")
    a2 = make_staff(world.school_a, "Борисов Олег Петрович")
    a3 = make_staff(world.school_a, "Васильева Ёлка Сергеевна")
    gone = make_staff(world.school_a, "Уволенная Нина", left_on=date(2024, 1, 1))
    return {"course": course, "a1": a1, "a2": a2, "a3": a3, "gone": gone}


def test_catalogue_filters_swap_the_list_in_place(login_as, setup, world):
    make_course(world.region, title="Функциональная грамотность", start=date(2025, 2, 1))
    c = login_as("school")
    page = c.get("/courses/").get_data(as_text=True)
    assert 'id="course-list"' in page and "Технологии работы" in page and "<html" in page
    resp = hx_get(c, f"/courses/?topic={course_topic('Предметная методика').id}")
    frag = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in frag and frag.lstrip().startswith('<div id="course-list"')
    assert "Функциональная грамотность" in frag and "Технологии работы" not in frag
    assert "Vary" in resp.headers and "HX-Request" in resp.headers["Vary"]


def test_methodist_creates_a_municipal_course_with_errors_kept(login_as, world):
    c = login_as("methodist")
    form = c.get("/courses/new").get_data(as_text=True)
    assert "Региональный" not in form and f"Муниципальный: {world.muni.name}" in form
    data = {"title": "Школа молодого педагога", "provider_kind": "OTHER", "provider_org_id": "",
            "provider_name": "УО Приречного района", "hours": "0", "topic_id": str(course_topic().id),
            "format": "IN_PERSON", "municipality_id": f"m{world.muni.id}",
            "start_date": "2026-03-01", "end_date": "2026-02-01"}
    resp = post(c, "/courses/new", data)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Целое положительное число." in html and "Школа молодого педагога" in html
    data["hours"] = "16"
    resp = post(c, "/courses/new", data)
    assert resp.status_code == 422 and "раньше даты начала" in resp.get_data(as_text=True)
    data["end_date"] = "2026-03-20"
    resp = post(c, "/courses/new", data)
    assert resp.status_code == 302
    course = db.session.scalar(select(Course).where(Course.title == "Школа молодого педагога"))
    assert course.municipality_id == world.muni.id and course.region_id == world.region.id
    assert course.created_by_id == world.users["methodist"].id
    # a methodist cannot make a course regional, nor another municipality's
    for owner in (f"r{world.region.id}", f"m{world.muni2.id}"):
        resp = post(c, f"/courses/{course.id}/edit", {**data, "municipality_id": owner})
        assert resp.status_code in (403, 404, 422)
    db.session.refresh(course)
    assert course.municipality_id == world.muni.id


def test_a_course_without_an_owner_is_refused_with_a_message(login_as, world):
    c = login_as("methodist")
    resp = post(c, "/courses/new", {"title": "Школа молодого педагога", "provider_kind": "OTHER",
                                    "provider_name": "УО", "hours": "16",
                                    "topic_id": str(course_topic().id), "format": "IN_PERSON",
                                    "municipality_id": ""})
    assert resp.status_code == 422 and "Выберите, чей это курс." in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_admin_creates_a_regional_course_for_a_chosen_region(login_as, world):
    c = login_as("admin")
    assert f"Региональный: {world.region2.name}" in c.get("/courses/new").get_data(as_text=True)
    resp = post(c, "/courses/new", {"title": "Оценивание ВПР", "provider_kind": "INSTITUTE",
                                    "provider_org_id": str(world.institute.id), "provider_name": "",
                                    "hours": "24", "topic_id": str(course_topic().id), "format": "DISTANCE",
                                    "municipality_id": f"r{world.region.id}"})
    assert resp.status_code == 302
    course = db.session.scalar(select(Course).where(Course.title == "Оценивание ВПР"))
    assert (course.region_id, course.municipality_id) == (world.region.id, None)
    assert course.provider_name == world.institute.short_name


def test_school_enrolls_two_teachers_by_ticking_the_staff_list(login_as, setup, world):
    c = login_as("school")
    page = c.get(f"/courses/{setup['course'].id}/enroll").get_data(as_text=True)
    assert 'type="checkbox" name="staff"' in page and "Алексеева Мария Ивановна" in page
    assert f'value="{setup["gone"].id}" id="staff-{setup["gone"].id}" disabled' in page
    resp = post(c, f"/courses/{setup['course'].id}/enroll",
                {"school": str(world.school_a.id), "staff": [str(setup["a1"].id), str(setup["a2"].id)]})
    assert resp.status_code == 302
    # (ids of rows inserted in one statement need not follow the order of its VALUES on
    # PostgreSQL: compare by teacher)
    got = db.session.scalars(select(Enrollment).order_by(Enrollment.staff_member_id)).all()
    assert [(e.staff_member_id, e.status, e.organization_id) for e in got] == [
        (setup["a1"].id, EnrollmentStatus.APPLIED, world.school_a.id),
        (setup["a2"].id, EnrollmentStatus.APPLIED, world.school_a.id)]
    # the list now shows them as enrolled (disabled); enrolling one again fails for all, in place
    resp = post(c, f"/courses/{setup['course'].id}/enroll",
                {"school": str(world.school_a.id), "staff": [str(setup["a2"].id), str(setup["a3"].id)]},
                htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "<html" not in html and 'id="staff-checklist"' in html
    assert "Борисов Олег Петрович уже записан(а) на этот курс." in html
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 2
    resp = post(c, f"/courses/{setup['course'].id}/enroll",
                {"school": str(world.school_a.id), "staff": [str(setup["a3"].id)]}, htmx=True)
    assert resp.status_code == 204  # htmx navigates to the course page instead of swapping it in
    assert resp.headers["HX-Redirect"] == f"/courses/{setup['course'].id}"


def test_methodist_picks_a_school_and_the_checklist_swaps_in(login_as, setup, world):
    c = login_as("methodist")
    page = c.get(f"/courses/{setup['course'].id}/enroll").get_data(as_text=True)
    assert "Выберите школу" in page and 'id="enroll-school"' in page
    resp = hx_get(c, f"/courses/{setup['course'].id}/enroll?school={world.school_a.id}")
    html = resp.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith('<div id="staff-checklist"')
    assert "Васильева Ёлка Сергеевна" in html


def test_methodist_marks_completed_in_place_with_validation(login_as, setup):
    e = make_enrollment(setup["course"], setup["a1"], "STUDYING")
    c = login_as("methodist")
    form = hx_get(c, f"/courses/enrollments/{e.id}/edit").get_data(as_text=True)
    assert 'class="editing"' in form and "<html" not in form
    url = f"/courses/enrollments/{e.id}/edit"
    resp = post(c, url, {"status": "COMPLETED", "completed_on": "2024-01-09",
                         "certificate_number": "7701"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "раньше начала курса (10.01.2024)" in html
    assert 'value="7701"' in html  # what the user typed is kept
    resp = post(c, url, {"status": "COMPLETED", "completed_on": "2024-02-01",
                         "certificate_number": "7701"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and f'id="enrollment-{e.id}"' in html and "<html" not in html
    assert "завершил" in html and "01.02.2024" in html and "7701" in html
    assert "notice" in resp.headers["HX-Trigger"]


def test_enrollment_filters_swap_the_table(login_as, setup, world):
    make_enrollment(setup["course"], setup["a1"], "APPLIED")
    make_enrollment(setup["course"], setup["a2"], completed_on=date(2024, 3, 1), certificate="9")
    c = login_as("methodist")
    resp = hx_get(c, "/courses/enrollments?status=COMPLETED")
    html = resp.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith('<div id="enrollments-list"')
    assert "Борисов Олег Петрович" in html and "Алексеева Мария" not in html
    html = hx_get(c, f"/courses/{setup['course'].id}?q=алексеева").get_data(as_text=True)
    assert html.lstrip().startswith('<div id="enrollment-table"')
    assert "Алексеева Мария" in html and "Борисов" not in html


def test_enrollment_list_query_count_does_not_grow_with_rows(login_as, setup, world):
    c = login_as("methodist")
    make_enrollment(setup["course"], setup["a1"], "APPLIED")
    with count_queries() as few:
        c.get("/courses/enrollments")
    for i in range(12):
        other = make_course(world.region)
        make_enrollment(other, make_staff(world.school_b if i % 2 else world.school_a), "APPLIED")
    with count_queries() as many:
        c.get("/courses/enrollments")
    assert many["n"] <= few["n"] + 1, (few["n"], many["n"])


def test_coverage_report_levels_and_query_count(login_as, setup, world):
    on = today()
    make_enrollment(setup["course"], setup["a1"], completed_on=on - timedelta(days=10))
    c = login_as("methodist")
    html = c.get("/courses/reports/coverage").get_data(as_text=True)
    assert "Муниципалитет" in html and world.school_a.short_name in html
    assert "33,3%" in html  # 1 of 3 working teachers of school_a (the one who left is out)
    with count_queries() as small:
        hx_get(c, "/courses/reports/coverage")
    for _ in range(20):
        m = make_staff(world.school_a)
        make_enrollment(make_course(world.region), m, completed_on=on - timedelta(days=5))
    with count_queries() as big:
        resp = hx_get(c, "/courses/reports/coverage")
    assert big["n"] == small["n"]
    frag = resp.get_data(as_text=True)
    assert frag.lstrip().startswith('<div id="coverage-body"') and "<html" not in frag
    html = c.get(f"/courses/reports/coverage?school={world.school_a.id}").get_data(as_text=True)
    assert "Алексеева Мария Ивановна" in html and "Уволенная Нина" not in html
    region_html = login_as("region").get("/courses/reports/coverage").get_data(as_text=True)
    assert world.muni.name in region_html and world.muni2.name in region_html


def test_coverage_report_query_count_does_not_grow_with_schools_or_enrollments(
        login_as, setup, world):
    """Every level of the report, its exports and the start-page panel: the same number of
    queries with 2 or 14 schools per municipality and 0 or 40 enrollments."""
    on = today()
    pages = {role: login_as(role) for role in ("region", "methodist")}
    urls = [("region", "/courses/reports/coverage"),
            ("region", f"/courses/reports/coverage?municipality={world.muni.id}"),
            ("region", f"/courses/reports/coverage?school={world.school_a.id}"),
            ("region", "/courses/reports/coverage/export.xlsx"),
            ("region", "/"),
            ("methodist", "/courses/reports/coverage"),
            ("methodist", "/courses/reports/coverage/export.pdf"),
            ("methodist", "/")]

    def counts():
        out = []
        for role, url in urls:
            with count_queries() as q:
                assert pages[role].get(url).status_code == 200
            out.append(q["n"])
        return out

    small = counts()
    course = make_course(world.region, start=on - timedelta(days=400))
    for i in range(12):
        school = make_org(world.muni if i % 2 else world.muni2)
        for k in range(2):
            make_enrollment(course, make_staff(school), completed_on=on - timedelta(days=i + k))
    for m in (setup["a1"], setup["a2"]):
        for k in range(8):
            make_enrollment(make_course(world.region), m, completed_on=on - timedelta(days=k))
    big = counts()
    assert big == small, list(zip(urls, small, big))
    html = pages["region"].get("/courses/reports/coverage").get_data(as_text=True)
    row = "".join(html.split(f">{world.muni.name}</a></th>")[1].split("</tr>")[0].split())
    # 2 + 6 schools; a1, a2, a3 and two teachers in each new school, all trained but a3
    assert row.startswith('<tdclass="num">8</td><tdclass="num">15</td><tdclass="num">14</td>')


def test_coverage_exports_carry_the_table(login_as, setup, world):
    make_enrollment(setup["course"], setup["a1"], completed_on=today() - timedelta(days=1))
    c = login_as("methodist")
    resp = c.get(f"/courses/reports/coverage/export.xlsx?school={world.school_a.id}")
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    text = xlsx_text(resp.data)
    assert "Охват педагогов курсами" in text and "Алексеева Мария Ивановна" in text
    assert "Уволенная" not in text
    resp = c.get("/courses/reports/coverage/export.pdf")
    text = pdf_text(resp.data)
    assert resp.mimetype == "application/pdf"
    assert world.school_a.short_name in text and "33,3%" in text and "Итого" in text
    untrained = pdf_text(c.get("/courses/reports/untrained/export.pdf").data)
    assert "Борисов Олег Петрович" in untrained and "Алексеева" not in untrained
    trained = xlsx_text(c.get(f"/courses/{setup['course'].id}/trained/export.xlsx").data)
    assert "Список обученных" in trained and "Алексеева Мария Ивановна" in trained
    trained_pdf = pdf_text(c.get(f"/courses/{setup['course'].id}/trained/export.pdf").data)
    assert "Алексеева Мария Ивановна" in trained_pdf


def test_pdf_escapes_user_text(login_as, world):
    course = make_course(world.region, title='Курс <img src="/etc/passwd"/> <b>', start=date(2024, 1, 1))
    m = make_staff(world.school_a, "Иванова <b>Анна")
    make_enrollment(course, m, completed_on=date(2024, 5, 1))
    resp = login_as("methodist").get(f"/courses/{course.id}/trained/export.pdf")
    assert resp.status_code == 200 and "Иванова <b>Анна" in pdf_text(resp.data)


def test_import_page_preview_then_save(login_as, setup, world):
    from tests.unit.test_course_import import HEADER, csv_bytes

    c = login_as("school")
    data = csv_bytes([HEADER, ["алексеева мария ивановна", world.school_a.short_name,
                               setup["course"].title, "36", "01.02.2024", "K-1"],
                      ["Васильева Елка Сергеевна", world.school_a.short_name,
                       setup["course"].title, "36", "02.02.2024", "K-2"]], ";", "cp1251")
    resp = post(c, "/courses/import", {"file": (io.BytesIO(data), "итоги.csv")},
                content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Ошибок нет" in html and 'id="confirm-import"' in html
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 0
    upload_id = html.split('name="upload_id" value="')[1].split('"')[0]
    assert 'name="payload"' not in html  # the file waits on the server, it is not posted back
    resp = post(c, "/courses/import", {"upload_id": upload_id, "action": "confirm"})
    assert resp.status_code == 302
    got = db.session.scalars(select(Enrollment).order_by(Enrollment.certificate_number)).all()
    assert [(e.staff_member_id, e.certificate_number) for e in got] == [
        (setup["a1"].id, "K-1"), (setup["a3"].id, "K-2")]


def test_import_with_errors_is_not_saved_even_when_confirmed(login_as, setup, world):
    from tests.unit.test_course_import import HEADER, csv_bytes

    c = login_as("school")
    data = csv_bytes([HEADER, ["Алексеева Мария Ивановна", world.school_a.short_name,
                               setup["course"].title, "36", "01.02.2024", ""],
                      ["Неизвестный Педагог", world.school_a.short_name, setup["course"].title,
                       "36", "вчера", ""]])
    resp = post(c, "/courses/import", {"file": (io.BytesIO(data), "bad.csv")},
                content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'id="confirm-import"' not in html
    assert "Строка 3: педагог «Неизвестный Педагог» не найден" in html
    assert "дата окончания «вчера» не распознана" in html
    upload_id = html.split('name="upload_id" value="')[1].split('"')[0]
    resp = post(c, "/courses/import", {"upload_id": upload_id, "action": "confirm"})
    assert resp.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 0


def test_archive_instead_of_delete(login_as, setup):
    make_enrollment(setup["course"], setup["a1"], "APPLIED")
    c = login_as("region")
    resp = post(c, f"/courses/{setup['course'].id}/delete")
    assert resp.status_code == 302
    page = c.get(f"/courses/{setup['course'].id}").get_data(as_text=True)
    assert "Отправьте его в архив" in page
    post(c, f"/courses/{setup['course'].id}/archive", {"archived": "1"})
    db.session.refresh(setup["course"])
    assert setup["course"].archived and setup["course"].deleted_at is None
    assert "Технологии работы" not in c.get("/courses/").get_data(as_text=True)
    assert "Технологии работы" in c.get("/courses/?archived=1").get_data(as_text=True)


def test_teacher_page_enrolls_one_by_one(login_as, setup):
    c = login_as("school")
    page = c.get(f"/courses/teachers/{setup['a3'].id}").get_data(as_text=True)
    assert "нет завершённого курса" in page and 'name="course_id"' in page
    resp = post(c, f"/courses/teachers/{setup['a3'].id}/enroll", {"course_id": str(setup["course"].id)})
    assert resp.status_code == 302
    page = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "записан(а) на курс" in page and "заявка" in page


def test_topics_admin_adds_one_and_others_only_read(login_as):
    admin = login_as("admin")
    resp = post(admin, "/courses/topics", {"name": "Цифровая образовательная среда", "low_achievers": "y"})
    assert resp.status_code == 302
    t = db.session.scalar(select(CourseTopic).where(CourseTopic.name == "Цифровая образовательная среда"))
    assert t.low_achievers
    resp = post(admin, "/courses/topics", {"name": "цифровая образовательная среда"})
    assert resp.status_code == 422 and "уже есть" in resp.get_data(as_text=True)
    page = login_as("methodist").get("/courses/topics").get_data(as_text=True)
    assert "Цифровая образовательная среда" in page and "Новое направление" not in page


def test_plan_lifecycle_and_one_page_pdf(login_as, setup, world):
    c = login_as("school")
    form = c.get(f"/courses/plans/new?staff={setup['a1'].id}").get_data(as_text=True)
    assert "Алексеева Мария Ивановна" in form
    resp = post(c, "/courses/plans/new", {"kind": "TEACHER", "organization_id": str(world.school_a.id),
                                          "staff_member_id": str(setup["a1"].id),
                                          "period_start": "2026-01-01", "period_end": "2026-12-31"})
    assert resp.status_code == 302
    plan = db.session.scalar(select(DevelopmentPlan))
    assert plan.title == "ИОМ педагога: Алексеева Мария Ивановна"
    resp = post(c, f"/courses/plans/{plan.id}/deficits", {"deficit-kind": "METHODICAL", "deficit-description": ""},
                htmx=True)
    assert resp.status_code == 422 and "Опишите дефицит." in resp.get_data(as_text=True)
    resp = post(c, f"/courses/plans/{plan.id}/deficits",
                {"deficit-kind": "METHODICAL", "deficit-description": "Дифференциация заданий"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="card" id="plan-deficits"') and "Дифференциация" in html
    resp = post(c, f"/courses/plans/{plan.id}/activities",
                {"activity-kind": "COURSE", "activity-course_id": str(setup["course"].id),
                 "activity-due_date": "2026-05-01"},
                htmx=True)
    assert resp.status_code == 200 and setup["course"].title in resp.get_data(as_text=True)
    act = db.session.scalar(select(PlanActivity))
    assert act.done_on is None
    # the methodist records the completed course: the activity closes by itself
    e = make_enrollment(setup["course"], setup["a1"], "STUDYING")
    m = login_as("methodist")
    resp = post(m, f"/courses/enrollments/{e.id}/edit",
                {"status": "COMPLETED", "completed_on": "2024-03-01", "certificate_number": "Z-9"},
                htmx=True)
    assert resp.status_code == 200
    db.session.refresh(act)
    assert act.done_on == date(2024, 3, 1) and act.closed_by_enrollment_id == e.id
    row = post(c, f"/courses/activities/{act.id}/done", {"done": "0"}, htmx=True).get_data(as_text=True)
    assert f'id="activity-{act.id}"' in row
    resp = c.get(f"/courses/plans/{plan.id}/export.pdf")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(resp.data))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())  # cells wrap lines
    assert "ИНДИВИДУАЛЬНЫЙ ОБРАЗОВАТЕЛЬНЫЙ МАРШРУТ" in text and "Алексеева Мария Ивановна" in text
    assert "Дифференциация заданий" in text and setup["course"].title in text


def test_plan_pdf_stays_on_one_page_with_many_rows(login_as, setup, world):
    from shnor_app.models import ActivityKind, DeficitKind, PlanKind
    from shnor_app.services import courses as svc

    plan = DevelopmentPlan(kind=PlanKind.TEAM, organization_id=world.school_a.id, title="",
                           goal="Очень длинная цель. " * 60)
    svc.save_plan(plan, is_new=True)
    for i in range(14):
        svc.add_deficit(plan, DeficitKind.MANAGERIAL, f"Дефицит {i}: " + "подробное описание " * 20)
    for i in range(25):
        svc.save_activity(PlanActivity(kind=ActivityKind.SEMINAR, title=f"Семинар {i} " + "тема " * 40,
                                       due_date=date(2026, 1, 1) + timedelta(days=i)), plan, is_new=True)
    from pypdf import PdfReader

    data = login_as("methodist").get(f"/courses/plans/{plan.id}/export.pdf").data
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_start_page_panel_for_a_school_and_a_methodist(login_as, setup, world):
    make_enrollment(setup["course"], setup["a1"], completed_on=today() - timedelta(days=3))
    html = start_page(login_as("school"))
    assert 'id="course-coverage"' in html and "33,3%" in html
    assert "Борисов Олег Петрович" in html and "Васильева Ёлка Сергеевна" in html
    panel = html.split('id="home-kpk-untrained"')[1].split("</ul>")[0]
    assert "Алексеева" not in panel
    make_staff(world.tutor_school, "Тьюторова Анна")
    html = start_page(login_as("methodist"))
    table = html.split('id="home-kpk-table"')[1].split("</table>")[0]
    assert table.index(world.tutor_school.short_name) < table.index(world.school_a.short_name)


def test_untrained_report_is_paged_and_the_export_has_everyone(world, login_as, monkeypatch):
    from shnor_app.blueprints.courses import routes

    monkeypatch.setattr(routes, "UNTRAINED_PAGE_SIZE", 3)
    for i in range(7):
        make_staff(world.school_a, f"Учитель {chr(0x410 + i)}ов")  # Аов, Бов, … Жов
    c = login_as("methodist")
    first = c.get("/courses/reports/untrained").get_data(as_text=True)
    assert "7 педагогов" in first and "на странице 1–3" in first
    assert "Учитель Аов" in first and "Учитель Гов" not in first
    nxt = hx_get(c, "/courses/reports/untrained?page=3&on=" + today().isoformat())
    html = nxt.get_data(as_text=True)
    assert nxt.status_code == 200 and html.lstrip().startswith('<div id="untrained-body">')
    assert '<td class="num">7</td>' in html and "Учитель Жов" in html and "Учитель Аов" not in html
    assert "Страница 3 из 3" in html and 'rel="prev"' in html and 'rel="next"' not in html
    assert "Учитель Жов" in c.get("/courses/reports/untrained?page=99").get_data(as_text=True)
    everyone = xlsx_text(c.get("/courses/reports/untrained/export.xlsx").data)
    assert all(f"Учитель {chr(0x410 + i)}ов" in everyone for i in range(7))


def test_reports_of_a_region_user_and_of_a_tutor(login_as, setup, world):
    """A region user who picks a school keeps the municipality filter (with the school's
    municipality chosen); a tutor's report covers its own school and those it supports."""
    from tests.factories.partnerships import make_partnership

    html = login_as("region").get(
        f"/courses/reports/coverage?school={world.school_a.id}").get_data(as_text=True)
    munis = html.split('id="r-muni"')[1].split("</select>")[0]
    assert f'<option value="{world.muni.id}" selected>' in munis and world.muni2.name in munis
    assert f'<option value="{world.school_a.id}" selected>' in html
    make_staff(world.school_b, "Зареченская Ирина")
    make_partnership(world.school_b, world.tutor_school)
    html = login_as("tutor").get("/courses/reports/coverage").get_data(as_text=True)
    assert "Школы моей организации и сопровождаемые" in html
    table = html.split('id="coverage-table"')[1]
    assert world.school_b.short_name in table and world.tutor_school.short_name in table
    assert world.school_a.short_name not in table
