"""The second factor through the browser's eyes: set-up, the code step, recovery codes, the
lockout, the administrator's reset and the command line."""
import re

import pyotp
import pytest
from sqlalchemy import select, update

from shnor_app.extensions import db
from shnor_app.models import AuditAction, AuditEntry, RecoveryCode, User
from shnor_app.services.auth import second_factor

from tests.conftest import CODE_CLOCK, csrf_token, enter_code, login, post
from tests.factories.core import PASSWORD, TOTP_SECRET, make_user


def _password_step(client, login_name, password=PASSWORD):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"login": login_name, "password": password,
                                       "csrf_token": token})


def _key_on(html: str) -> str:
    return re.search(r'id="totp-key">([^<]+)<', html).group(1).replace(" ", "")


def _codes_on(html: str) -> list[str]:
    return re.findall(r'<li><span class="once-secret">([a-z0-9-]+)</span></li>', html)


def _set_up(client, url):
    """Scan the page's key as an app would and confirm with its code: the recovery codes."""
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'src="data:image/svg+xml' in html and "QR-код" in html
    assert '<label for="code">' in html
    resp = client.post(url, data={"code": CODE_CLOCK.next_code(_key_on(html)),
                                  "csrf_token": csrf_token(client, url)})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    codes = _codes_on(resp.get_data(as_text=True))
    assert len(codes) == 10 and "показаны один раз" in resp.get_data(as_text=True)
    return codes


def _refresh(user):
    db.session.expire_all()
    return db.session.get(User, user.id)


@pytest.mark.parametrize("role,scope", [("admin", {}), ("region", "region")])
def test_admin_and_region_set_up_the_second_factor_at_first_login_before_anything_else(
        app, world, role, scope):
    kw = {"region_id": world.region.id} if scope else {}
    user = make_user(role, login=f"new-{role}", totp=False, **kw)
    c = app.test_client()
    resp = _password_step(c, user.login)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login/setup")
    # Half logged in: nothing else is reachable.
    for url in ("/", "/registry/organizations", "/account/two-factor", "/login/code"):
        assert c.get(url).headers.get("Location", "").split("?")[0].endswith("/login"), url
    page = c.get("/login/setup").get_data(as_text=True)
    key = _key_on(page)
    wrong = c.post("/login/setup", data={"code": "000000", "csrf_token": csrf_token(c, "/login/setup")})
    assert wrong.status_code == 422 and "Код не подошёл" in wrong.get_data(as_text=True)
    assert _key_on(wrong.get_data(as_text=True)) == key  # the key scanned stays the same
    resp = c.post("/login/setup", data={"code": CODE_CLOCK.next_code(key),
                                        "csrf_token": csrf_token(c, "/login/setup")})
    assert resp.status_code == 200 and len(_codes_on(resp.get_data(as_text=True))) == 10
    assert c.get("/").status_code == 200
    stored = _refresh(user)
    assert stored.totp_enabled_at is not None
    assert key not in stored.totp_secret and second_factor.decrypt_secret(stored.totp_secret) == key


def test_the_stored_secrets_say_nothing_without_the_secret_key(app, world):
    user = make_user("methodist", login="careful", municipality_id=world.muni.id)
    c = login(app.test_client(), user)
    codes = _set_up(c, "/account/two-factor/setup")
    stored = _refresh(user)
    hashes = db.session.scalars(select(RecoveryCode.code_hash)
                                .where(RecoveryCode.user_id == user.id)).all()
    assert len(hashes) == 10
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)
    assert stored.totp_secret.startswith("gAAAA")  # a Fernet token, not base32
    app.config["SECRET_KEY"], key = "another-key", app.config["SECRET_KEY"]
    try:
        assert second_factor.decrypt_secret(stored.totp_secret) is None
    finally:
        app.config["SECRET_KEY"] = key


def test_a_user_with_a_second_factor_gives_a_code_after_the_password(app, world):
    c = app.test_client()
    resp = _password_step(c, "region")
    assert resp.headers["Location"].endswith("/login/code")
    assert c.get("/").status_code == 302
    page = c.get("/login/code").get_data(as_text=True)
    assert "Код подтверждения" in page and '<label for="code">' in page
    assert 'autocomplete="one-time-code"' in page
    wrong = enter_code(c, "123456")
    assert wrong.status_code == 401 and "Неверный код" in wrong.get_data(as_text=True)
    assert c.get("/").status_code == 302
    resp = enter_code(c)
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert c.get("/").status_code == 200
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert AuditAction.LOGIN in actions and AuditAction.LOGIN_FAILED in actions


def test_the_half_finished_login_belongs_to_its_browser(app, world):
    c = app.test_client()
    _password_step(c, "region")
    thief = app.test_client()
    thief.environ_base["HTTP_USER_AGENT"] = "OtherBrowser/2"
    thief.set_cookie("shnor_session", c.get_cookie("shnor_session").value)
    resp = thief.get("/login/code")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")


def test_a_totp_code_is_accepted_once(app, world):
    code = pyotp.TOTP(TOTP_SECRET).at(CODE_CLOCK())
    first, second = app.test_client(), app.test_client()
    _password_step(first, "region")
    _password_step(second, "region")
    assert enter_code(first, code).status_code == 302
    assert enter_code(second, code).status_code == 401


def test_wrong_codes_count_for_the_lockout_like_wrong_passwords(app, world):
    limit = app.config["LOGIN_MAX_FAILURES"]
    c = app.test_client()
    _password_step(c, "region")
    for _ in range(limit):
        assert enter_code(c, "000000").status_code == 401
    locked = enter_code(c)  # the right code, too late
    assert locked.status_code == 429
    assert "Слишком много неудачных попыток" in locked.get_data(as_text=True)
    assert _password_step(app.test_client(), "region").status_code == 429


def test_a_recovery_code_logs_in_once(app, world):
    user = make_user("methodist", login="traveller", municipality_id=world.muni.id)
    codes = _set_up(login(app.test_client(), user), "/account/two-factor/setup")
    c = app.test_client()
    _password_step(c, "traveller")
    resp = enter_code(c, codes[3].upper())  # as typed from paper: case does not matter
    assert resp.status_code == 302
    page = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Осталось кодов: 9" in page
    again = app.test_client()
    _password_step(again, "traveller")
    assert enter_code(again, codes[3]).status_code == 401
    assert enter_code(again, codes[4]).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(app, world):
    c = login(app.test_client(), world.users["region"])
    wrong = post(c, "/account/two-factor/recovery-codes", {"password": "not-my-password"})
    assert wrong.status_code == 422 and "Пароль указан неверно" in wrong.get_data(as_text=True)
    resp = post(c, "/account/two-factor/recovery-codes", {"password": PASSWORD})
    codes = _codes_on(resp.get_data(as_text=True))
    assert len(codes) == 10
    other = app.test_client()
    _password_step(other, "region")
    assert enter_code(other, codes[0]).status_code == 302


def test_the_second_factor_is_optional_for_other_roles(app, world):
    user = world.users["methodist"]
    other = login(app.test_client(), user)  # no code step
    c = login(app.test_client(), user)
    assert "не подключён" in c.get("/account/two-factor").get_data(as_text=True)
    _set_up(c, "/account/two-factor/setup")
    assert other.get("/").status_code == 302  # turning it on ends the other sessions
    assert c.get("/").status_code == 200  # and keeps this one
    page = c.get("/account/two-factor").get_data(as_text=True)
    assert "подключён</strong>" in page and "Неиспользованных резервных кодов: <strong>10" in page
    assert _password_step(app.test_client(), user.login).headers["Location"].endswith("/login/code")
    c.csrf = csrf_token(c, "/")
    assert post(c, "/account/two-factor/off", {"password": "wrong-one"}).status_code == 422
    resp = post(c, "/account/two-factor/off", {"password": PASSWORD})
    assert resp.status_code == 302 and c.get("/").status_code == 200
    assert _password_step(app.test_client(), user.login).headers["Location"] == "/"


def test_admin_and_region_cannot_turn_the_second_factor_off(app, world):
    c = login(app.test_client(), world.users["admin"])
    page = c.get("/account/two-factor").get_data(as_text=True)
    assert "обязателен" in page and "Отключить второй фактор" not in page
    resp = post(c, "/account/two-factor/off", {"password": PASSWORD})
    assert resp.status_code == 422 and "обязателен" in resp.get_data(as_text=True)
    assert _refresh(world.users["admin"]).totp_secret is not None


def test_an_admin_resets_a_users_second_factor_which_ends_their_sessions(app, world):
    target = world.users["region"]
    victim = login(app.test_client(), target)
    admin = login(app.test_client(), world.users["admin"])
    form = admin.get(f"/admin/users/{target.id}/edit").get_data(as_text=True)
    assert "Сбросить второй фактор" in form
    resp = post(admin, f"/admin/users/{target.id}/reset-two-factor")
    assert resp.status_code == 302
    assert victim.get("/").status_code == 302
    stored = _refresh(target)
    assert stored.totp_secret is None and stored.totp_enabled_at is None
    assert not db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == target.id)).all()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.SECOND_FACTOR))
    assert entry.object_id == target.id and entry.user_id == world.users["admin"].id
    assert "сброшен" in entry.message
    # the next login sets it up again
    again = _password_step(app.test_client(), "region")
    assert again.headers["Location"].endswith("/login/setup")


def test_an_open_session_of_a_role_that_requires_it_reaches_only_the_set_up(app, world):
    """A session opened before the second factor existed (or was removed behind its back)."""
    c = login(app.test_client(), world.users["admin"])
    db.session.execute(update(User).where(User.id == world.users["admin"].id)
                       .values(totp_secret=None))
    db.session.commit()
    resp = c.get("/admin/users")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/account/two-factor/setup")
    htmx = c.get("/registry/organizations", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].endswith("/account/two-factor/setup")
    _set_up(c, "/account/two-factor/setup")
    assert c.get("/admin/users").status_code == 200


def test_an_unreadable_secret_is_refused_with_advice_not_an_error(app, world):
    db.session.execute(update(User).where(User.id == world.users["region"].id).values(
        totp_secret=second_factor.encrypt_secret(TOTP_SECRET, "an-old-secret-key")))
    db.session.commit()
    c = app.test_client()
    _password_step(c, "region")
    resp = enter_code(c)
    assert resp.status_code == 401 and "Обратитесь к администратору" in resp.get_data(as_text=True)


def test_cli_resets_the_second_factor_and_a_cli_admin_sets_it_up_at_first_login(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "reset-2fa", "--login", "REGION"])
    assert result.exit_code == 0 and "сброшен" in result.output
    assert _refresh(world.users["region"]).totp_secret is None
    assert runner.invoke(args=["users", "reset-2fa", "--login", "nobody"]).exit_code != 0
    result = runner.invoke(args=["users", "create", "--login", "chief", "--role", "admin",
                                 "--password-stdin"], input="длинный-пароль-шефа\n")
    assert result.exit_code == 0, result.output
    resp = _password_step(app.test_client(), "chief", "длинный-пароль-шефа")
    assert resp.headers["Location"].endswith("/login/setup")
