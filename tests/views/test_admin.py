"""Administration of users and the audit log."""
import re

import pytest

from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import Role, User

from tests.conftest import csrf_token, login, post


def test_admin_creates_a_user_and_the_generated_password_is_shown_once(app, login_as, world):
    c = login_as("admin")
    resp = post(c, "/admin/users/new", {
        "login": "Kuznetsova", "full_name": "Кузнецова Елена Петровна", "role": "METHODIST",
        "municipality_id": str(world.muni.id), "organization_id": str(world.school_a.id),
        "must_change_password": "y"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Пароль показан один раз" in html
    password = re.search(r'class="once-secret">([^<]+)<', html).group(1)
    user = db.session.scalar(select(User).where(User.login == "kuznetsova"))
    assert user.role == Role.METHODIST and user.municipality_id == world.muni.id
    assert user.organization_id is None  # a field the role does not use is dropped
    fresh = app.test_client()
    token = csrf_token(fresh)
    r = fresh.post("/login", data={"login": "kuznetsova", "password": password, "csrf_token": token})
    assert r.headers["Location"].endswith("/account/password")


def test_a_role_without_its_scope_is_refused_and_the_form_is_kept(login_as, world):
    c = login_as("admin")
    resp = post(c, "/admin/users/new", {"login": "teacher", "full_name": "Учитель Школы",
                                        "role": "SCHOOL"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "укажите организацию" in html
    assert 'value="Учитель Школы"' in html


def test_duplicate_login_is_refused(login_as, world):
    resp = post(login_as("admin"), "/admin/users/new", {
        "login": "METHODIST", "full_name": "Двойник", "role": "ADMIN"})
    assert resp.status_code == 422 and "уже есть" in resp.get_data(as_text=True)


def test_role_change_ends_the_users_sessions(app, login_as, world):
    target = world.users["viewer"]
    victim = login(app.test_client(), target)
    c = login_as("admin")
    resp = post(c, f"/admin/users/{target.id}/edit", {
        "login": "viewer", "full_name": target.full_name, "role": "VIEWER",
        "region_id": str(world.region.id)})
    assert resp.status_code == 302
    assert victim.get("/").status_code == 302


@pytest.mark.parametrize("who,changes,ends", [
    # the login-clash query autoflushes the new role before the service could look at it
    ("viewer", {"role": "METHODIST", "municipality_id": "muni"}, True),
    ("methodist", {"role": "METHODIST", "municipality_id": "muni2"}, True),
    ("methodist", {"role": "METHODIST", "municipality_id": "muni",
                   "full_name": "Новое Имя Методиста"}, False),
], ids=["role-in-the-same-scope", "municipality", "name-only"])
def test_a_change_of_role_or_scope_ends_the_users_sessions(app, login_as, world, who, changes,
                                                           ends):
    target = world.users[who]
    victim = login(app.test_client(), target)
    data = {"login": target.login, "full_name": target.full_name, **changes}
    data["municipality_id"] = str(getattr(world, data["municipality_id"]).id)
    resp = post(login_as("admin"), f"/admin/users/{target.id}/edit", data)
    assert resp.status_code == 302
    assert victim.get("/").status_code == (302 if ends else 200)


def test_reset_password_shows_a_new_one_and_ends_sessions(app, login_as, world):
    target = world.users["school"]
    victim = login(app.test_client(), target)
    html = post(login_as("admin"), f"/admin/users/{target.id}/reset-password").get_data(as_text=True)
    assert "Пароль сброшен" in html
    assert victim.get("/").status_code == 302


def test_admin_cannot_deactivate_itself(login_as, world):
    c = login_as("admin")
    resp = post(c, f"/admin/users/{world.users['admin'].id}/active", {"active": "0"},
                follow_redirects=True)
    assert "Нельзя отключить собственную" in resp.get_data(as_text=True)


def test_audit_log_lists_changes_and_logins_with_filters(login_as, world):
    c = login_as("admin")
    html = c.get("/admin/audit").get_data(as_text=True)
    assert "Вход" in html and "Журнал изменений" in html
    frag = c.get("/admin/audit?action=LOGIN", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in frag and 'id="audit-table"' in frag


def test_user_search_finds_cyrillic_names_case_insensitively(login_as, world):
    html = login_as("admin").get("/admin/users?q=ПОЛЬЗОВАТЕЛЬ").get_data(as_text=True)
    assert "methodist" in html


def test_the_new_user_form_offers_the_least_privileged_role_first(login_as, world):
    html = login_as("admin").get("/admin/users/new").get_data(as_text=True)
    selected = re.findall(r'<option[^>]*selected[^>]*value="(\w+)"|<option[^>]*value="(\w+)"[^>]*selected',
                          html)
    assert [a or b for a, b in selected][:1] == ["VIEWER"]


def test_journal_and_record_history_speak_russian_with_names(login_as, world):
    """Booleans «да/нет», nothing as «—», related records by name, a recurrence in words, the
    filter by Russian names: one formatter for the journal and a record's history."""
    from tests.factories.roadmaps import make_school_roadmap
    from shnor_app.services.audit import log_event
    from shnor_app.models import AuditAction

    _, (item,) = make_school_roadmap(world.school_a, ["Педсовет"])
    item.recurrence = {"kind": "quarterly"}
    item.period_understood = not item.period_understood
    db.session.commit()
    world.school_a.director_name = "Иванова Ирина Петровна"
    db.session.commit()
    world.school_a.director_name = None
    db.session.commit()
    log_event(AuditAction.LOGIN_FAILED, message="Неверный пароль")
    c = login_as("admin")
    pages = [c.get("/admin/audit").get_data(as_text=True),
             c.get(f"/history/roadmap_items/{item.id}").get_data(as_text=True)]
    for html in pages:
        for python in ("True", "False", "None", "{'kind'", "#None"):
            assert python not in html, python
        assert "ежеквартально" in html
        assert re.search(r"<del>(да|нет)</del> → <ins>(да|нет)</ins>", html)
    journal = pages[0]
    assert "→ <ins>—</ins>" in journal  # the director's name cleared
    assert "Пункты дорожных карт" in journal and ">roadmap_items<" not in journal
    assert f"<dd><ins>{world.school_a.short_name}</ins></dd>" in journal  # owner_id by name
    assert "Организация-владелец" in journal
    history = pages[1]
    assert "<dt>Дорожная карта</dt>" in history and "Антирисковая программа" not in history
