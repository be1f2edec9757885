"""A session belongs to the browser that logged in: its User-Agent and its address.

A cookie replayed from another browser or another address ends the session (the user must log
in again there); the permanent session cookie does not weaken that, and a remember-me cookie
(which the application never issues) logs nobody in.
"""
from flask_login.utils import encode_cookie
from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import AuditAction, AuditEntry

from tests.conftest import login

ADDRESS = "192.0.2.10"  # documentation range: only a value in the WSGI environ


def _client(app, address=ADDRESS, agent="Browser/1"):
    c = app.test_client()
    c.environ_base.update({"REMOTE_ADDR": address, "HTTP_USER_AGENT": agent})
    return c


def test_the_same_browser_keeps_its_session(app, world):
    c = login(_client(app), world.users["methodist"])
    assert c.get("/").status_code == 200
    assert c.get("/").status_code == 200


def test_a_cookie_replayed_from_another_browser_ends_the_session(app, world):
    c = login(_client(app), world.users["methodist"])
    cookie = c.get_cookie("shnor_session")
    assert cookie.expires is not None  # a permanent session: Flask-Login's own check gives way
    thief = _client(app, agent="OtherBrowser/2")
    thief.set_cookie("shnor_session", cookie.value)
    resp = thief.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert thief.get("/").status_code == 302  # the session was emptied, not just refused once
    entry = db.session.scalar(select(AuditEntry).where(
        AuditAction.SESSION_ENDED == AuditEntry.action))
    assert entry is not None and entry.user_id == world.users["methodist"].id


def test_a_cookie_replayed_from_another_address_ends_the_session(app, world):
    c = login(_client(app), world.users["methodist"])
    thief = _client(app, address="198.51.100.20")
    thief.set_cookie("shnor_session", c.get_cookie("shnor_session").value)
    assert thief.get("/").status_code == 302


def test_an_htmx_request_from_another_browser_is_sent_to_the_login_page(app, world):
    c = login(_client(app), world.users["methodist"])
    thief = _client(app, agent="OtherBrowser/2")
    thief.set_cookie("shnor_session", c.get_cookie("shnor_session").value)
    resp = thief.get("/registry/organizations", headers={"HX-Request": "true"})
    assert resp.status_code == 401 and resp.headers["HX-Redirect"].endswith("/login")


def test_binding_to_the_address_can_be_turned_off(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_BIND_ADDRESS", False)
    c = login(_client(app), world.users["methodist"])
    moved = _client(app, address="198.51.100.20")
    moved.set_cookie("shnor_session", c.get_cookie("shnor_session").value)
    assert moved.get("/").status_code == 200
    other_browser = _client(app, address="198.51.100.20", agent="OtherBrowser/2")
    other_browser.set_cookie("shnor_session", c.get_cookie("shnor_session").value)
    assert other_browser.get("/").status_code == 302


def test_a_remember_me_cookie_logs_nobody_in(app, world):
    user = world.users["methodist"]
    c = _client(app)
    c.set_cookie("remember_token", encode_cookie(user.get_id()))
    resp = c.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert any(h.startswith("remember_token=;") for h in resp.headers.getlist("Set-Cookie"))
