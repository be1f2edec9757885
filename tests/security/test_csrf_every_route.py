"""Every state-changing route of the URL map refuses a request without a valid CSRF token —
as a plain form and as htmx — with 400, and nothing in the database changes.

The routes are taken from the URL map, so a new POST route is covered without being listed.
The CSRF check runs before the view, so the ids in the URL need not exist; the test still
builds a world so that a route which forgot the check would have something to change.
"""
import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db

from tests.conftest import login

SAMPLE_ARGS = {"int": 1, "default": "x", "string": "x", "path": "x"}


def _state_changing_urls(app):
    urls = []
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}
        if not methods or rule.endpoint == "static":
            continue
        values = {}
        for arg, conv in rule._converters.items():
            kind = type(conv).__name__.replace("Converter", "").lower()
            values[arg] = 1 if kind in ("integer", "int") else "xlsx" if arg == "fmt" else "x"
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        urls.append((rule.endpoint, sorted(methods)[0], url))
    return urls


def _snapshot():
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


def test_the_url_map_has_state_changing_routes(app):
    assert len(_state_changing_urls(app)) >= 20


@pytest.mark.parametrize("mode", ["form-without-token", "htmx-without-token", "htmx-forged-token",
                                  "form-forged-token"])
def test_every_state_changing_route_refuses_a_missing_or_forged_token(app, world, mode):
    client = login(app.test_client(), world.users["admin"])
    before = _snapshot()
    failures = []
    for endpoint, method, url in _state_changing_urls(app):
        headers, data = {}, {"text": "x", "title": "x", "status": "DONE"}
        if mode.startswith("htmx"):
            headers["HX-Request"] = "true"
        if mode == "htmx-forged-token":
            headers["X-CSRFToken"] = "forged"
        if mode == "form-forged-token":
            data["csrf_token"] = "forged"
        resp = client.open(url, method=method, data=data, headers=headers)
        if resp.status_code != 400:
            failures.append((endpoint, url, resp.status_code))
    db.session.expire_all()
    assert not failures, failures
    assert _snapshot() == before
