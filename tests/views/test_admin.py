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
