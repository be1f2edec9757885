"""Partnership pages through the test client with CSRF on: create/edit with validation, filters
in place, joint events as rows, practices used, the map (queries), indicators and their .xlsx,
the «четверти» settings, and the practice bank's search."""
import json
from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from shnor_app import areas
from shnor_app.extensions import db
from shnor_app.models import (
    EventKind, EventVenue, JointEvent, OrgKind, Partnership, PartnershipSide, PartnershipStatus,
    Practice,
)
from shnor_app.services import data_cache, partnerships as svc
from shnor_app.formatting import today

from tests.conftest import count_queries, hx_get, post
from tests.factories.core import make_org, make_staff
from tests.factories.partnerships import make_event, make_partnership, make_practice


def _form(world, **kw):
    data = {"school_id": str(world.school_a.id), "partner_id": str(world.tutor_school.id),
            "status": "ACTIVE", "agreement_number": "14/1", "agreement_date": "2026-01-10",
            "start_date": "", "end_date": "", "subject": "Подготовка к ГИА по математике",
            "plan": "Семинары раз в четверть"}
    data.update(kw)
    return data


def test_methodist_creates_a_partnership_with_people_and_sees_its_card(world, login_as):
    director = make_staff(world.school_a, "Борисова Марина Андреевна", position="Директор")
    client = login_as("methodist")
    page = client.get("/partnerships/new").get_data(as_text=True)
    assert 'label="ШНОР, ШНСУ и школы зоны риска"' in page and "МКОУ СОШ с. Заозёрное (ШНОР)" in page
    resp = post(client, "/partnerships/new", _form(world, **{
        "school_people-0-staff_id": str(director.id),
        "partner_people-0-staff_id": "", "partner_people-0-full_name": "Кузнецова Л. П.",
        "partner_people-0-job_title": "заместитель директора"}))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    p = db.session.scalar(select(Partnership))
    assert p.start_date == date(2026, 1, 10)  # from the agreement date
    assert p.partner_kind.name == "SCHOOL" and p.status == PartnershipStatus.ACTIVE
    people = sorted(((x.side, x.full_name, x.job_title, x.staff_member_id) for x in p.people),
                    key=lambda t: t[0].name, reverse=True)
    assert people == [(PartnershipSide.SCHOOL, "Борисова Марина Андреевна", "Директор", director.id),
                      (PartnershipSide.PARTNER, "Кузнецова Л. П.", "заместитель директора", None)]
    card = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Соглашение № 14/1 от 10.01.2026" in card and "Кузнецова Л. П." in card
    assert "Записать мероприятие" in card


def test_invalid_partnership_is_rerendered_with_what_was_typed(world, login_as):
    client = login_as("methodist")
    resp = post(client, "/partnerships/new", _form(world, partner_id=str(world.school_a.id),
                                                   agreement_number="77-Б"))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Школа не может быть партнёром самой себе." in html and 'value="77-Б"' in html
    resp = post(client, "/partnerships/new", _form(world, start_date="2026-02-01",
                                                   end_date="2026-01-01"))
    assert resp.status_code == 422 and "раньше его начала" in resp.get_data(as_text=True)
    resp = post(client, "/partnerships/new", _form(world, subject=""))
    assert resp.status_code == 422 and "Укажите предмет соглашения." in resp.get_data(as_text=True)
    make_partnership(world.school_a, world.tutor_school)
    resp = post(client, "/partnerships/new", _form(world))
    assert resp.status_code == 422 and "уже есть действующее партнёрство" in resp.get_data(as_text=True)


def test_the_partnership_form_reports_every_error_at_once(world, login_as):
    client = login_as("methodist")
    future = (today() + timedelta(days=30)).strftime("%d.%m.%Y")
    resp = post(client, "/partnerships/new", _form(
        world, partner_id=str(world.school_a.id), subject="", agreement_date=future,
        start_date="01.02.2026", end_date="01.01.2026", agreement_number="77-Б"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    for message in ("Школа не может быть партнёром самой себе.", "Укажите предмет соглашения.",
                    "Дата соглашения не может быть в будущем.",
                    "Окончание срока не может быть раньше его начала."):
        assert html.count(message) == 1, message
    assert 'value="77-Б"' in html
    assert db.session.scalar(select(db.func.count()).select_from(Partnership)) == 0


def test_status_change_in_place_swaps_only_what_it_changes(world, login_as):
    p = make_partnership(world.school_a, world.tutor_school, start=date(2025, 9, 1))
    client = login_as("methodist")
    resp = post(client, f"/partnerships/{p.id}/status",
                {"status": "FINISHED", "end_date": "31.05.2026"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<form method="post" id="status-form"')
    assert 'id="partnership-status" hx-swap-oob="true">завершено<' in html
    assert 'id="partnership-term" hx-swap-oob="true">с 01.09.2025 по 31.05.2026<' in html
    assert json.loads(resp.headers["HX-Trigger"])["notice"]["text"] == "Статус партнёрства: завершено."
    bad = post(client, f"/partnerships/{p.id}/status",
               {"status": "FINISHED", "end_date": "31.31.2026"}, htmx=True)
    assert bad.status_code == 422 and 'role="alert"' in bad.get_data(as_text=True)
    assert "hx-swap-oob" not in bad.get_data(as_text=True)


def test_responsible_person_from_another_organisation_is_refused_beside_the_field(world, login_as):
    stranger = make_staff(world.school_far, "Дальний Сотрудник", position="Директор")
    client = login_as("methodist")
    resp = post(client, "/partnerships/new", _form(world, **{
        "school_people-0-staff_id": str(stranger.id), "school_people-1-staff_id": "abc"}))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and html.count("Неверный вариант.") == 2
    assert 'value="Подготовка к ГИА по математике"' in html or "Подготовка к ГИА по математике" in html
    assert db.session.scalar(select(db.func.count()).select_from(Partnership)) == 0


def test_people_fields_follow_the_chosen_organisation(world, login_as):
    make_staff(world.tutor_school, "Кузнецова Людмила Петровна", position="Директор")
    html = hx_get(login_as("methodist"),
                  f"/partnerships/people-fields?side=partner&partner_id={world.tutor_school.id}"
                  ).get_data(as_text=True)
    assert "<html" not in html and 'id="people-partner-rows"' in html
    assert "Кузнецова Людмила Петровна, Директор" in html
    far = hx_get(login_as("methodist"),
                 f"/partnerships/people-fields?side=partner&partner_id={world.school_far.id}")
    assert "Дальн" not in far.get_data(as_text=True)  # another region's staff are not offered


def test_list_filters_update_the_table_in_place(world, login_as):
    college = make_org(world.muni, kind=OrgKind.COLLEGE, short_name="Приреченский техникум")
    make_partnership(world.school_a, world.tutor_school, agreement_number="15")
    make_partnership(world.school_a, college, status=PartnershipStatus.SUSPENDED)
    make_partnership(world.school_b, world.tutor_school)
    client = login_as("region")
    resp = hx_get(client, "/partnerships/?kind=COLLEGE")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in html and 'id="partnership-table"' in html
    assert "Приреченский техникум" in html and "Гимназия" not in html
    html = hx_get(client, f"/partnerships/?municipality={world.muni2.id}").get_data(as_text=True)
    assert "Зареченска" in html and "Заозёрное" not in html
    html = hx_get(client, "/partnerships/?status=SUSPENDED").get_data(as_text=True)
    assert "1 партнёрство" in html and "техникум" in html
    html = hx_get(client, "/partnerships/?q=ЗАОЗЕРНОЕ").get_data(as_text=True)  # case and ё
    assert "2 партнёрства" in html
    page = client.get("/partnerships/?q=15").get_data(as_text=True)
    assert "<html" in page and 'value="15"' in page and "1 партнёрство" in page


def test_municipality_filter_is_offered_to_those_who_see_the_whole_region(world, login_as):
    region = login_as("region").get("/partnerships/").get_data(as_text=True)
    assert 'id="f-municipality"' in region and world.muni2.name in region
    methodist = login_as("methodist").get("/partnerships/").get_data(as_text=True)
    assert 'id="f-municipality"' not in methodist


def test_map_and_indicators_cover_the_territory_asked_for_within_the_users_own(world, login_as):
    make_partnership(world.school_a, world.tutor_school)
    make_partnership(world.school_b, world.tutor_school)
    region = login_as("region")
    html = region.get(f"/partnerships/map?municipality={world.muni2.id}").get_data(as_text=True)
    assert world.muni2.name in html and "Зареченска" in html and "Заозёрное" not in html
    assert region.get(f"/partnerships/map?municipality={world.muni_far.id}").status_code == 404
    methodist = login_as("methodist")
    html = methodist.get("/partnerships/map").get_data(as_text=True)
    assert "Заозёрное" in html and "Зареченска" not in html and 'id="f-municipality"' not in html
    # a methodist's territory is its municipality: another one is not found, as any foreign id
    assert methodist.get(f"/partnerships/indicators?municipality={world.muni2.id}").status_code == 404
    admin = login_as("admin")
    page = admin.get("/partnerships/terms").get_data(as_text=True)
    assert 'id="f-region"' in page and world.region.name in page
    assert admin.get(f"/partnerships/map?region={world.region2.id}").status_code == 200


def test_partner_logs_a_joint_event_in_place_and_edits_it(world, login_as):
    teacher = make_staff(world.school_a, "Орлова Анна Ивановна")
    p = make_partnership(world.school_a, world.tutor_school, start=today() - timedelta(days=90))
    client = login_as("tutor")
    form = hx_get(client, f"/partnerships/{p.id}/events/new").get_data(as_text=True)
    assert "<html" not in form and 'id="event-new"' in form and "Орлова Анна Ивановна" in form
    data = {"event_date": (today() - timedelta(days=3)).isoformat(), "kind": "SEMINAR",
            "venue": "SCHOOL", "topic": "Формирующее оценивание", "school_participants": "12",
            "partner_participants": "3", "participants": [str(teacher.id)],
            "result": "План внедрения"}
    resp = post(client, f"/partnerships/{p.id}/events/new", data, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in html and "Формирующее оценивание" in html
    assert json.loads(resp.headers["HX-Trigger"])["notice"]["text"] == "Мероприятие записано."
    ev = db.session.scalar(select(JointEvent))
    assert f'id="event-{ev.id}"' in html and "Орлова Анна Ивановна" in html
    assert ev.created_by_id == world.users["tutor"].id and ev.staff_ids == {teacher.id}

    resp = post(client, f"/partnerships/events/{ev.id}/edit",
                {**data, "event_date": (today() + timedelta(days=1)).isoformat(),
                 "topic": "Изменённая тема"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "не может быть в будущем" in html
    assert 'class="editing"' in html and "Изменённая тема" in html
    db.session.expire_all()
    assert db.session.get(JointEvent, ev.id).topic == "Формирующее оценивание"

    resp = post(client, f"/partnerships/events/{ev.id}/edit",
                {**data, "kind": "MASTER_CLASS", "participants": []}, htmx=True)
    assert resp.status_code == 200 and "мастер-класс" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(JointEvent, ev.id).staff_ids == set()

    resp = post(client, f"/partnerships/events/{ev.id}/delete", htmx=True)
    assert resp.status_code == 200 and "Мероприятие удалено" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(JointEvent, ev.id).deleted_at is not None


def test_event_before_the_partnership_or_with_a_stranger_is_refused(world, login_as):
    stranger = make_staff(world.school_b, "Чужой Учитель")
    p = make_partnership(world.school_a, world.tutor_school, start=today() - timedelta(days=10))
    client = login_as("methodist")
    base = {"kind": "SEMINAR", "venue": "SCHOOL", "topic": "Тема", "school_participants": "1",
            "partner_participants": "1"}
    resp = post(client, f"/partnerships/{p.id}/events/new",
                {**base, "event_date": (today() - timedelta(days=30)).isoformat()}, htmx=True)
    assert resp.status_code == 422 and "раньше начала партнёрства" in resp.get_data(as_text=True)
    resp = post(client, f"/partnerships/{p.id}/events/new",
                {**base, "event_date": today().isoformat(), "participants": [str(stranger.id)]},
                htmx=True)
    assert resp.status_code == 422 and "сотрудниками школы или партнёра" in resp.get_data(as_text=True)
    resp = post(client, f"/partnerships/{p.id}/events/new",
                {**base, "event_date": today().isoformat(), "school_participants": "-1"}, htmx=True)
    assert resp.status_code == 422
    assert db.session.scalar(select(db.func.count()).select_from(JointEvent)) == 0


def test_status_change_and_history(world, login_as):
    p = make_partnership(world.school_a, world.tutor_school, start=date(2025, 9, 1))
    client = login_as("methodist")
    resp = post(client, f"/partnerships/{p.id}/status", {"status": "FINISHED", "end_date": "2026-05-31"})
    assert resp.status_code == 302
    db.session.expire_all()
    p = db.session.get(Partnership, p.id)
    assert p.status == PartnershipStatus.FINISHED and p.end_date == date(2026, 5, 31)
    history = client.get(f"/history/partnerships/{p.id}").get_data(as_text=True)
    assert "завершено" in history and "Окончание срока" in history


def test_status_change_refused_says_why_and_changes_nothing(world, login_as):
    make_partnership(world.school_a, world.tutor_school)
    old = make_partnership(world.school_a, world.tutor_school, status=PartnershipStatus.FINISHED)
    client = login_as("methodist")
    resp = post(client, f"/partnerships/{old.id}/status", {"status": "ACTIVE"},
                follow_redirects=True)
    assert "уже есть другое действующее партнёрство" in resp.get_data(as_text=True)
    resp = post(client, f"/partnerships/{old.id}/status", {"status": "FINISHED",
                                                             "end_date": "31.31.2026"})
    assert resp.status_code == 302  # a date that is not a date: a message, not a 400
    assert "flash-error" in client.get(resp.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Partnership, old.id).status == PartnershipStatus.FINISHED


def test_practices_used_by_a_partnership(world, login_as):
    p = make_partnership(world.school_a, world.tutor_school)
    pr = make_practice(world.tutor_school, title="Клуб «Учись учиться»")
    client = login_as("tutor")
    assert post(client, f"/partnerships/{p.id}/practices", {"practice_id": str(pr.id)}).status_code == 302
    card = client.get(f"/partnerships/{p.id}").get_data(as_text=True)
    assert "Клуб «Учись учиться»" in card and "убрать" in card
    assert "Партнёрство: МКОУ СОШ с. Заозёрное" in client.get(f"/practices/{pr.id}").get_data(as_text=True)
    resp = post(client, f"/partnerships/{p.id}/practices", {"practice_id": str(pr.id)}, follow_redirects=True)
    assert "уже отмечена" in resp.get_data(as_text=True)
    assert post(client, f"/partnerships/{p.id}/practices/{pr.id}/delete").status_code == 302
    assert "Практики из банка не отмечены." in client.get(f"/partnerships/{p.id}").get_data(as_text=True)


def test_map_shows_quarter_counts_and_registered_counters_in_constant_queries(world, login_as):
    in_quarter = today()
    partners = [make_org(world.muni, short_name=f"Школа-тьютор {i}") for i in range(6)]
    schools = [make_org(world.muni, short_name=f"ШНОР {i}", statuses=["LOW_RESULTS"]) for i in range(6)]
    for school, partner in zip(schools, partners):
        p = make_partnership(school, partner, start=in_quarter - timedelta(days=400))
        make_event(p, day=in_quarter)
    client = login_as("methodist")
    client.get("/partnerships/map")  # warm up (login, session)
    data_cache.clear()  # both counts are of a computed map, not of one kept from before
    with count_queries() as few:
        resp = client.get("/partnerships/map")
    assert resp.status_code == 200
    for school, partner in zip(schools, partners):
        p = make_partnership(school, make_org(world.muni), start=in_quarter - timedelta(days=400))
        make_event(p, day=in_quarter)
        make_event(p, day=in_quarter)
    calls = []
    areas.contribute("test-map", map_counters=[
        areas.MapCounter("test-visits", "Выездов за квартал", "pair", lambda pairs, s, e: (
            calls.append((len(pairs), s, e)) or {pairs[0]: 7})),
        areas.MapCounter("test-recs", "Открытых рекомендаций", "school",
                         lambda ids, d: {ids[0]: 3})])
    data_cache.clear()
    try:
        with count_queries() as many:
            html = client.get("/partnerships/map").get_data(as_text=True)
    finally:
        areas.withdraw("test-map")
    assert many["n"] <= few["n"], (few["n"], many["n"])
    assert "Выездов за квартал" in html and "Открытых рекомендаций" in html
    assert calls and calls[0][0] == 12
    assert html.count('<td class="num">2</td>') == 6 and html.count('<td class="num">1</td>') == 6
    assert "Выездов за квартал" not in client.get("/partnerships/map").get_data(as_text=True)


def test_map_quarter_filter_swaps_the_table(world, login_as):
    p = make_partnership(world.school_a, world.tutor_school, start=date(2025, 1, 1))
    make_event(p, day=date(2025, 2, 10))
    client = login_as("methodist")
    html = hx_get(client, "/partnerships/map?year=2025&quarter=2025-q1").get_data(as_text=True)
    assert "<html" not in html and 'id="map-table"' in html and "I квартал 2025 г." in html
    assert '<td class="num">1</td>' in html
    html = hx_get(client, "/partnerships/map?year=2025&quarter=2025-q2").get_data(as_text=True)
    assert 'cell-zero">0</td>' in html


def test_indicator_page_and_xlsx_export(world, login_as):
    school = make_org(world.muni, short_name="МКОУ СОШ с. Каменка", statuses=["RISK_ZONE"], year=2025)
    p = make_partnership(school, world.tutor_school, start=date(2025, 1, 15))
    make_event(p, day=date(2025, 5, 20), kind=EventKind.SEMINAR, venue=EventVenue.SCHOOL)
    client = login_as("methodist")
    html = client.get("/partnerships/indicators?year=2025").get_data(as_text=True)
    assert 'data-indicator="4.4" data-quarter="2025-q2">1<' in html
    assert 'data-indicator="4.4" data-quarter="2025-q1">0<' in html
    assert "МКОУ СОШ с. Каменка" in html
    resp = client.get("/partnerships/indicators/export.xlsx?year=2025")
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    ws = load_workbook(BytesIO(resp.data))["Показатели"]
    rows = {r[0]: r[2:6] for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert rows["4.1"] == (1, 1, 1, 1) and rows["4.3"] == (0, 1, 0, 0) and rows["4.4"] == (0, 1, 0, 0)
    assert "Приречный район" in ws["A1"].value
    frag = hx_get(client, "/partnerships/indicators?year=2025&mode=academic").get_data(as_text=True)
    assert "<html" not in frag and "2025/2026 учебный год" in frag and "I четв." in frag


def test_terms_settings_drive_the_academic_quarters(world, login_as):
    client = login_as("region")
    page = client.get("/partnerships/terms?year=2025").get_data(as_text=True)
    assert "ещё не заданы" in page and 'value="2025-09-01"' in page
    data = {"t1_start": "2025-09-01", "t1_end": "2025-10-24", "t2_start": "2025-11-10",
            "t2_end": "2025-12-28", "t3_start": "2026-01-12", "t3_end": "2026-03-20",
            "t4_start": "2026-03-30", "t4_end": "2026-05-26"}
    bad = post(client, "/partnerships/terms?year=2025", {**data, "t2_start": "2025-10-01"})
    assert bad.status_code == 422 and "закончилась 1-я" in bad.get_data(as_text=True)
    assert post(client, "/partnerships/terms?year=2025", data).status_code == 302
    page = client.get("/partnerships/terms?year=2025").get_data(as_text=True)
    assert "ещё не заданы" not in page and "01.09.2025 – 09.11.2025" in page
    p = make_partnership(world.school_a, world.tutor_school, start=date(2025, 9, 1))
    make_event(p, day=date(2025, 11, 7))  # autumn holidays of this region: I четверть
    html = client.get(f"/partnerships/map?mode=academic&year=2025&quarter=2025-t1&municipality={world.muni.id}").get_data(as_text=True)
    assert "I четверть 2025/2026 уч. г.: 01.09.2025 – 09.11.2025" in html


def test_practice_bank_search_as_you_type_is_case_and_yo_insensitive(world, login_as):
    make_practice(world.tutor_school, title="Смысловое чтение на уроках истории",
                  description="Приёмы «инсерт» и «фишбоун»")
    make_practice(world.institute, title="Подготовка к ОГЭ", problem=__import__(
        "shnor_app.models", fromlist=["PracticeProblem"]).PracticeProblem.EXAM_PREPARATION,
        description="Индивидуальные маршруты")
    client = login_as("school")
    html = hx_get(client, "/practices/?q=ПРИЕМЫ ФИШБОУН").get_data(as_text=True)
    assert "<html" not in html and "1 практика" in html and "Смысловое чтение" in html
    html = hx_get(client, "/practices/?problem=EXAM_PREPARATION").get_data(as_text=True)
    assert "Подготовка к ОГЭ" in html and "Смысловое" not in html
    html = hx_get(client, f"/practices/?org={world.institute.id}").get_data(as_text=True)
    assert "Подготовка к ОГЭ" in html and "Смысловое" not in html
    assert "Практик не найдено" in hx_get(client, "/practices/?q=астрономия").get_data(as_text=True)


def test_tutor_publishes_and_edits_a_practice(world, login_as):
    client = login_as("tutor")
    page = client.get("/practices/new").get_data(as_text=True)
    assert f'<option selected value="{world.tutor_school.id}"' in page or \
        f'value="{world.tutor_school.id}" selected' in page
    resp = post(client, "/practices/new", {"title": "", "problem": "", "description": "",
                                           "author_org_id": str(world.tutor_school.id),
                                           "topic": "Мотивация"})
    assert resp.status_code == 422 and "Укажите название практики." in resp.get_data(as_text=True)
    assert 'value="Мотивация"' in resp.get_data(as_text=True)
    resp = post(client, "/practices/new", {
        "title": "Клуб «Учись учиться»", "problem": "LOW_MOTIVATION", "description": "Встречи",
        "author_org_id": str(world.tutor_school.id), "authors": "Лебедева И. Н."})
    assert resp.status_code == 302
    pr = db.session.scalar(select(Practice))
    assert pr.created_by_id == world.users["tutor"].id and pr.org_name == "МБОУ «Гимназия № 2»"
    # publishing in another school's name is refused
    resp = post(client, "/practices/new", {
        "title": "x", "problem": "OTHER", "description": "y", "author_org_id": str(world.school_a.id)})
    assert resp.status_code in (403, 422)
    resp = post(client, f"/practices/{pr.id}/edit", {
        "title": "Клуб «Учись учиться» (5–8 классы)", "problem": "LOW_MOTIVATION",
        "description": "Встречи", "author_org_id": str(world.tutor_school.id)})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Practice, pr.id).title.endswith("(5–8 классы)")
