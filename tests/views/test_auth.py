"""Login, logout, lockout, sessions that end when they should, password change."""
import time

import pytest

from shnor_app.extensions import db
from shnor_app.models import AuditAction, AuditEntry, LoginAttempt
from sqlalchemy import func, select

from tests.conftest import csrf_token, login, post
from tests.factories.core import PASSWORD, make_user


def _try_login(client, login_name, password):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"login": login_name, "password": password,
                                       "csrf_token": token})


def test_login_page_is_russian_and_anonymous_users_are_sent_there(client):
    resp = client.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    html = client.get("/login").get_data(as_text=True)
    assert "Вход в систему" in html and 'lang="ru"' in html


def test_login_lands_on_the_start_page_for_the_role(client, world):
    login(client, world.users["methodist"])
    html = client.get("/").get_data(as_text=True)
    assert "Муниципальный методист" in html and "Приречный район" in html
    assert "МКОУ СОШ с. Заозёрное" in html  # a ШНОР of the municipality
    assert "МБОУ СОШ № 1 г. Зареченска" not in html  # another municipality


def test_school_user_start_page_shows_its_own_school(app, world):
    c = login(app.test_client(), world.users["school"])
    html = c.get("/").get_data(as_text=True)
    assert "МКОУ СОШ с. Заозёрное" in html and "Карточка организации" in html


def test_unknown_login_and_wrong_password_give_the_same_message(client, world):
    a = _try_login(client, "nobody", "whatever-password").get_data(as_text=True)
    b = _try_login(client, "methodist", "wrong-password!").get_data(as_text=True)
    assert "Неверный логин или пароль." in a and "Неверный логин или пароль." in b


def test_login_is_locked_after_five_failures_even_with_the_right_password(client, world):
    for _ in range(5):
        assert _try_login(client, "methodist", "wrong-password!").status_code == 401
    resp = _try_login(client, "methodist", PASSWORD)
    assert resp.status_code == 429
    assert "Слишком много неудачных попыток" in resp.get_data(as_text=True)
    failures = db.session.scalar(select(func.count()).select_from(LoginAttempt)
                                 .where(LoginAttempt.success.is_(False)))
    assert failures == 6


def test_login_events_are_logged_without_the_password(client, world):
    _try_login(client, "methodist", "wrong-secret-123")
    login(client, world.users["methodist"])
    entries = db.session.scalars(select(AuditEntry)).all()
    actions = {e.action for e in entries}
    assert {AuditAction.LOGIN_FAILED, AuditAction.LOGIN} <= actions
    assert all("wrong-secret-123" not in (e.message or "") for e in entries)


def test_deactivated_user_cannot_log_in(client, world):
    user = world.users["methodist"]
    user.active = False
    db.session.commit()
    assert _try_login(client, "methodist", PASSWORD).status_code == 401


def test_logout_is_a_post_and_the_old_cookie_stops_working(app, world):
    c = login(app.test_client(), world.users["methodist"])
    assert c.get("/logout").status_code == 405
    cookie = c.get_cookie("shnor_session").value
    assert post(c, "/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie("shnor_session", cookie)
    resp = replay.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_session_id_changes_at_login(app, world):
    c = app.test_client()
    c.get("/login")
    before = c.get_cookie("shnor_session").value
    login(c, world.users["methodist"])
    after = c.get_cookie("shnor_session").value
    assert before != after
    # the pre-login cookie does not carry the login
    fixed = app.test_client()
    fixed.set_cookie("shnor_session", before)
    assert fixed.get("/").status_code == 302


def test_deactivating_a_user_ends_the_open_session_on_the_next_request(app, world):
    c = login(app.test_client(), world.users["methodist"])
    assert c.get("/").status_code == 200
    admin = login(app.test_client(), world.users["admin"])
    resp = post(admin, f"/admin/users/{world.users['methodist'].id}/active", {"active": "0"})
    assert resp.status_code == 302
    assert c.get("/").status_code == 302


def test_idle_session_expires(app, world):
    c = login(app.test_client(), world.users["methodist"])
    with c.session_transaction() as s:
        s["seen"] = time.time() - 31 * 60
    assert c.get("/").status_code == 302


def test_last_seen_moves_on_once_a_minute_and_keeps_the_session_alive(app, world):
    c = login(app.test_client(), world.users["methodist"])
    c.get("/")
    quiet = c.get("/")  # within the minute: the cookie is not signed and sent again
    assert "shnor_session" not in quiet.headers.get("Set-Cookie", "")
    with c.session_transaction() as s:
        s["seen"] = time.time() - 29 * 60  # active 29 minutes ago: still in
    resp = c.get("/")
    assert resp.status_code == 200 and "shnor_session" in resp.headers.get("Set-Cookie", "")
    with c.session_transaction() as s:
        assert time.time() - s["seen"] < 5


def test_absolute_session_lifetime(app, world):
    c = login(app.test_client(), world.users["methodist"])
    with c.session_transaction() as s:
        s["started"] = time.time() - 13 * 3600
    assert c.get("/").status_code == 302


def test_expired_session_on_htmx_request_redirects_the_whole_page(app, world):
    c = app.test_client()
    resp = c.get("/registry/organizations", headers={"HX-Request": "true"})
    assert resp.status_code == 401
    assert resp.headers["HX-Redirect"].endswith("/login")


def test_next_parameter_cannot_redirect_to_another_site(client, world):
    token = csrf_token(client, "/login")
    resp = client.post("/login?next=//evil.example/x", data={
        "login": "methodist", "password": PASSWORD, "csrf_token": token})
    assert resp.headers["Location"] == "/"


@pytest.mark.parametrize("target", [
    "/%0d%0aSet-Cookie:x=1", "/%0aLocation:%20http://evil.example", "//evil.example/x",
    "/\\evil.example", "\\\\evil.example", "http://evil.example/", "https:evil.example",
    "/%09/evil.example", "javascript:alert(1)", "/%00", " //evil.example",
])
def test_next_parameter_keeps_to_local_paths_without_control_characters(client, world, target):
    assert client.get(f"/login?next={target}").status_code == 200
    token = csrf_token(client, "/login")
    resp = client.post(f"/login?next={target}", data={
        "login": "methodist", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
    assert "x=1" not in str(resp.headers)


def test_next_parameter_leads_back_to_the_page_asked_for(client, world):
    resp = client.get("/registry/organizations?q=%D1%88%D0%BA")
    assert resp.status_code == 302
    token = csrf_token(client, "/login")
    resp = client.post(resp.headers["Location"], data={
        "login": "methodist", "password": PASSWORD, "csrf_token": token})
    assert resp.headers["Location"] == "/registry/organizations?q=%D1%88%D0%BA"


def test_change_password_ends_other_sessions_and_keeps_this_one(app, world):
    user = world.users["methodist"]
    other = login(app.test_client(), user)
    me = login(app.test_client(), user)
    resp = post(me, "/account/password", {"current": PASSWORD, "new": "новый-длинный-пароль",
                                          "repeat": "новый-длинный-пароль"})
    assert resp.status_code == 302
    assert me.get("/").status_code == 200
    assert other.get("/").status_code == 302
    login(app.test_client(), "methodist", "новый-длинный-пароль")


def test_weak_or_common_passwords_are_refused_with_the_typed_form_kept(app, world):
    me = login(app.test_client(), world.users["methodist"])
    resp = post(me, "/account/password", {"current": PASSWORD, "new": "12345678",
                                          "repeat": "12345678"})
    assert resp.status_code == 422
    assert "слишком распространён" in resp.get_data(as_text=True)
    resp = post(me, "/account/password", {"current": PASSWORD, "new": "short",
                                          "repeat": "short"})
    assert "не короче 8 символов" in resp.get_data(as_text=True)


def test_user_with_a_temporary_password_must_change_it_first(app, world):
    u = make_user("methodist", login="newbie", municipality_id=world.muni.id)
    u.must_change_password = True
    db.session.commit()
    c = app.test_client()
    token = csrf_token(c, "/login")
    resp = c.post("/login", data={"login": "newbie", "password": PASSWORD, "csrf_token": token})
    assert resp.headers["Location"].endswith("/account/password")
    assert c.get("/registry/organizations").headers["Location"].endswith("/account/password")


def test_unknown_login_costs_a_password_check_like_a_known_one(client, world, monkeypatch):
    """No user enumeration by timing of the obvious kind: an unknown login is checked against
    a dummy hash, so both paths do the same expensive work."""
    from shnor_app.services.auth import accounts

    calls = []
    real = accounts.check_password_hash

    def spy(hash_, password):
        calls.append(hash_)
        return real(hash_, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    token = csrf_token(client, "/login")
    client.post("/login", data={"login": "nobody-here", "password": "x", "csrf_token": token})
    assert len(calls) == 1
