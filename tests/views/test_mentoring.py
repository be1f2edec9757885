"""Mentoring pages through the test client (CSRF on): the pair form re-asked by htmx as the
kind and school change, creation of each kind, the plan edited in place, the list."""
import re
from datetime import timedelta

from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import MentoringPair, MentoringStep, PairKind, PairStatus
from shnor_app.services import mentoring as svc
from shnor_app.formatting import today

from tests.conftest import count_queries, hx_get, post
from tests.factories.core import make_staff
from tests.factories.visits import make_pair


def _html(resp):
    return resp.get_data(as_text=True)


def test_the_form_follows_the_kind_and_the_school(world, login_as):
    make_staff(world.school_a, "Молодой Учитель Иванович", subjects="Физика")
    c = login_as("methodist")
    page = _html(c.get("/mentoring/new"))
    assert 'id="mentee_staff_id"' in page and 'id="curator_id"' not in page  # teacher pair first
    assert f'<option selected value="{world.users["methodist"].id}">' in _html(
        hx_get(c, f"/mentoring/new?kind=MANAGEMENT&mentee_org_id={world.school_a.id}"))
    frag = hx_get(c, f"/mentoring/new?kind=TEACHER&mentee_org_id={world.school_a.id}"
                     f"&mentor_org_id={world.tutor_school.id}")
    html = _html(frag)
    assert frag.status_code == 200 and "<html" not in html and 'id="pair-form"' in html
    assert "Молодой Учитель Иванович" in html and 'id="mentor_staff_id"' in html


def test_methodist_creates_a_teacher_pair(world, login_as):
    mentor = make_staff(world.tutor_school, "Опытная Учительница Петровна")
    mentee = make_staff(world.school_a, "Молодой Учитель Иванович", young_specialist=True)
    c = login_as("methodist")
    resp = post(c, "/mentoring/new", {
        "kind": "TEACHER", "mentee_org_id": world.school_a.id,
        "mentor_org_id": world.tutor_school.id, "mentor_staff_id": mentor.id,
        "mentee_staff_id": mentee.id, "goals": "Методические затруднения",
        "start_date": today().isoformat(), "status": "ACTIVE"})
    assert resp.status_code == 302, _html(resp)[:2000]
    pair = db.session.scalar(select(MentoringPair))
    assert pair.kind == PairKind.TEACHER and pair.mentor_org_id == world.tutor_school.id
    page = _html(c.get(f"/mentoring/{pair.id}"))
    assert "Опытная Учительница Петровна" in page and "молодой специалист" in page


def test_a_management_pair_names_a_curator_and_errors_keep_input(world, login_as):
    c = login_as("methodist")
    base = {"kind": "MANAGEMENT", "mentee_org_id": world.school_a.id, "goals": "ВСОКО",
            "start_date": today().isoformat(), "status": "COMPLETED"}
    resp = post(c, "/mentoring/new", base)
    assert resp.status_code == 422 and "куратора" in _html(resp) and "ВСОКО" in _html(resp)
    resp = post(c, "/mentoring/new", {**base, "curator_id": world.users["methodist"].id})
    assert resp.status_code == 422 and "опишите итог" in _html(resp)
    resp = post(c, "/mentoring/new", {"kind": "MANAGEMENT", "mentee_org_id": world.school_a.id,
                                      "curator_id": world.users["methodist"].id, "goals": "ВСОКО",
                                      "start_date": today().isoformat(), "status": "ACTIVE"})
    assert resp.status_code == 302
    pair = db.session.scalar(select(MentoringPair))
    assert pair.curator_id == world.users["methodist"].id


def test_curators_are_the_schools_methodists_and_region_staff_and_nobody_else(world, login_as):
    from tests.factories.core import make_user

    other = make_user("methodist", municipality_id=world.muni2.id)
    other.full_name = "Методист Заречного района"
    db.session.commit()
    c = login_as("methodist")
    html = _html(hx_get(c, f"/mentoring/new?kind=MANAGEMENT&mentee_org_id={world.school_a.id}"))
    curators = re.search(r'<select[^>]*id="curator_id".*?</select>', html, re.S).group(0)
    assert f'value="{world.users["methodist"].id}"' in curators
    assert f'value="{world.users["region"].id}"' in curators
    for name in ("viewer", "school", "admin", "tutor"):
        assert f'value="{world.users[name].id}"' not in curators, name
    assert f'value="{other.id}"' not in curators
    resp = post(c, "/mentoring/new", {"kind": "MANAGEMENT", "mentee_org_id": world.school_a.id,
                                      "curator_id": other.id, "goals": "ВСОКО",
                                      "start_date": today().isoformat(), "status": "ACTIVE"})
    assert resp.status_code == 422 and "Неверный вариант." in _html(resp)
    assert db.session.scalar(select(db.func.count()).select_from(MentoringPair)) == 0


def test_a_tutor_creates_pairs_only_with_its_own_organisation_as_mentor(world, app):
    from tests.conftest import login

    make_pair(world.school_a, world.tutor_school)  # the tutor already mentors school_a: it may add a teacher pair there
    mentor = make_staff(world.tutor_school, "Наставник Тьюторович")
    mentee = make_staff(world.school_a, "Наставляемая Школьная")
    c = login(app.test_client(), world.users["tutor"])
    html = _html(c.get("/mentoring/new"))
    assert "Куратор — управленческая команда" not in html
    resp = post(c, "/mentoring/new", {
        "kind": "TEACHER", "mentee_org_id": world.school_a.id,
        "mentor_org_id": world.school_b.id, "mentor_staff_id": mentor.id,
        "mentee_staff_id": mentee.id, "goals": "Цели", "start_date": today().isoformat(),
        "status": "ACTIVE"})
    assert resp.status_code == 302
    pair = db.session.scalars(select(MentoringPair).order_by(MentoringPair.id.desc())).first()
    assert pair.mentor_org_id == world.tutor_school.id


def test_plan_steps_are_added_ticked_edited_and_deleted_in_place(world, login_as):
    pair = make_pair(world.school_a, world.tutor_school)
    c = login_as("methodist")
    resp = post(c, f"/mentoring/{pair.id}/steps",
                {"text": "Диагностика дефицитов", "due_date": today().isoformat()}, htmx=True)
    html = _html(resp)
    assert resp.status_code == 200 and "<html" not in html
    assert re.search(r'<tr id="step-\d+"', html) and 'id="step-add"' in html
    step = db.session.scalar(select(MentoringStep))
    bad = post(c, f"/mentoring/{pair.id}/steps", {"text": ""}, htmx=True)
    assert bad.status_code == 422 and 'id="step-add"' in _html(bad)
    done = post(c, f"/mentoring/steps/{step.id}/done", {"done": "1"}, htmx=True)
    assert done.status_code == 200 and "✓" in _html(done)
    db.session.expire_all()
    assert db.session.get(MentoringStep, step.id).done_on == today()
    form = hx_get(c, f"/mentoring/steps/{step.id}/edit")
    assert 'class="editing"' in _html(form)
    edited = post(c, f"/mentoring/steps/{step.id}/edit",
                  {"text": "Диагностика дефицитов (карта)", "due_date": today().isoformat(),
                   "done_on": "", "note": "Карта составлена"}, htmx=True)
    assert edited.status_code == 200 and "Карта составлена" in _html(edited)
    future = post(c, f"/mentoring/steps/{step.id}/edit",
                  {"text": "x", "done_on": (today() + timedelta(days=3)).isoformat()}, htmx=True)
    assert future.status_code == 422 and "позже сегодняшней" in _html(future)
    assert hx_get(c, f"/mentoring/steps/{step.id}").status_code == 200
    gone = post(c, f"/mentoring/steps/{step.id}/delete", htmx=True)
    assert gone.status_code == 200 and "удалён" in _html(gone)
    assert "Диагностика" not in _html(c.get(f"/mentoring/{pair.id}"))


def test_a_step_added_without_javascript_keeps_what_was_typed_when_refused(world, login_as):
    pair = make_pair(world.school_a, world.tutor_school)
    c = login_as("methodist")
    resp = post(c, f"/mentoring/{pair.id}/steps", {"text": "", "due_date": "2026-05-31"})
    html = _html(resp)
    assert resp.status_code == 422 and "<html" in html and "Опишите шаг плана." in html
    assert 'value="2026-05-31"' in html and 'id="step-add"' in html
    resp = post(c, f"/mentoring/{pair.id}/steps", {"text": "Диагностика", "due_date": ""})
    assert resp.status_code == 302
    assert "Шаг добавлен в план." in _html(c.get(resp.headers["Location"]))


def test_pair_edit_and_delete(world, login_as):
    pair = make_pair(world.school_a, world.tutor_school)
    c = login_as("methodist")
    resp = post(c, f"/mentoring/{pair.id}/edit", {
        "kind": "SCHOOL", "mentee_org_id": world.school_a.id,
        "mentor_org_id": world.tutor_school.id, "goals": "Новые цели",
        "start_date": pair.start_date.isoformat(), "status": "COMPLETED",
        "result": "Доля «2» снизилась"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(MentoringPair, pair.id).status == PairStatus.COMPLETED
    assert post(c, f"/mentoring/{pair.id}/delete").status_code == 302
    assert c.get(f"/mentoring/{pair.id}").status_code == 404


def test_pair_list_filters_and_query_count(world, login_as):
    for i in range(3):
        p = make_pair(world.school_a, world.tutor_school, goals=f"Цели {i}")
        svc.add_step(p, text="Шаг", due_date=today() - timedelta(days=1))
    c = login_as("methodist")
    assert "3 пары" in _html(c.get("/mentoring/"))
    frag = hx_get(c, "/mentoring/?kind=TEACHER")
    assert "<html" not in _html(frag) and "не найдено" in _html(frag)
    with count_queries() as q:
        c.get("/mentoring/")
    n = q["n"]
    for i in range(5):
        make_pair(world.school_a, world.tutor_school, goals=f"Ещё {i}")
    with count_queries() as q:
        html = _html(c.get("/mentoring/"))
    assert q["n"] == n, q["sql"]
    assert "8 пар" in html and "просрочено 1" in html


def test_the_list_filters_show_what_was_chosen(world, login_as):
    c = login_as("methodist")
    html = c.get("/mentoring/?kind=SCHOOL&status=ACTIVE").get_data(as_text=True)
    assert '<select id="f-kind" name="kind"><option value="">— все —</option>' in html
    assert '<option value="SCHOOL" selected>Школа-тьютор — школа</option>' in html
    assert re.search(r'<option value="ACTIVE" selected>', html)
    practices = c.get("/practices/?problem=WEAK_READING").get_data(as_text=True)
    assert ('<option value="WEAK_READING" selected>Низкий уровень читательской грамотности'
            '</option>') in practices
