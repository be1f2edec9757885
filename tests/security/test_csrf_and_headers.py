"""CSRF on forms and htmx requests; security headers on every kind of response."""
import pytest

from shnor_app.extensions import db
from shnor_app.models import StaffMember

from tests.conftest import hx_get, login, post
from tests.factories.core import make_staff


def test_form_post_without_token_is_refused_and_changes_nothing(app, world):
    c = login(app.test_client(), world.users["methodist"])
    member = make_staff(world.school_a, "Иванова Анна Петровна")
    resp = c.post(f"/registry/staff/{member.id}/edit", data={"full_name": "Взлом", "position": "x",
                                                           "category": "NONE"})
    assert resp.status_code == 400
    assert "Форма устарела" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(StaffMember, member.id).full_name == "Иванова Анна Петровна"


def test_htmx_post_without_header_token_is_refused(app, world):
    c = login(app.test_client(), world.users["methodist"])
    member = make_staff(world.school_a, "Иванова Анна Петровна")
    resp = c.post(f"/registry/staff/{member.id}/delete", headers={"HX-Request": "true"})
    assert resp.status_code == 400
    assert "<html" not in resp.get_data(as_text=True)  # a message fragment for the toast
    db.session.expire_all()
    assert db.session.get(StaffMember, member.id).deleted_at is None


def test_htmx_post_with_a_wrong_token_is_refused(app, world):
    c = login(app.test_client(), world.users["methodist"])
    member = make_staff(world.school_a)
    resp = c.post(f"/registry/staff/{member.id}/delete",
                  headers={"HX-Request": "true", "X-CSRFToken": "forged"})
    assert resp.status_code == 400


def test_htmx_post_with_the_header_token_works(app, world):
    c = login(app.test_client(), world.users["methodist"])
    member = make_staff(world.school_a)
    resp = post(c, f"/registry/staff/{member.id}/delete", htmx=True)
    assert resp.status_code == 200


def test_login_form_needs_a_token_too(client, world):
    resp = client.post("/login", data={"login": "methodist", "password": "x"})
    assert resp.status_code == 400


def test_base_template_sends_the_token_in_a_header_for_htmx(app, world):
    c = login(app.test_client(), world.users["methodist"])
    html = c.get("/").get_data(as_text=True)
    assert "hx-headers='{\"X-CSRFToken\": " in html


def _assert_security_headers(resp):
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "object-src 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path,htmx", [
    ("/login", False), ("/", False), ("/registry/organizations", False),
    ("/registry/organizations", True), ("/registry/organizations/999999", False),
    ("/registry/organizations/999999", True),
])
def test_security_headers_on_pages_fragments_and_errors(app, world, path, htmx):
    c = login(app.test_client(), world.users["methodist"]) if path != "/login" else app.test_client()
    resp = hx_get(c, path) if htmx else c.get(path)
    _assert_security_headers(resp)
    if path != "/login":
        assert resp.headers["Cache-Control"] == "no-store"


def test_page_vs_fragment_responses_vary_on_hx_request(app, world):
    c = login(app.test_client(), world.users["methodist"])
    assert "HX-Request" in c.get("/registry/organizations").headers.get("Vary", "")


def test_no_inline_scripts_in_pages(app, world):
    c = login(app.test_client(), world.users["admin"])
    for path in ("/", "/registry/organizations", f"/registry/organizations/{world.school_a.id}",
                 "/admin/users", "/admin/audit"):
        html = c.get(path).get_data(as_text=True)
        assert "<script>" not in html and "<script " not in html.replace('<script src="', "")
        assert " style=" not in html


def test_form_fields_never_render_none_attributes(app, world):
    """WTForms renders a None attribute as the text "None" (aria-invalid="None",
    autofocus="None"): invalid ARIA and a focus thief. Templates pass false instead."""
    c = login(app.test_client(), world.users["admin"])
    for path in (f"/registry/organizations/{world.school_a.id}/edit", "/registry/organizations/new",
                 "/roadmaps/new", "/roadmaps/import", "/admin/users/new", "/password"):
        html = c.get(path).get_data(as_text=True)
        assert '="None"' not in html, path
