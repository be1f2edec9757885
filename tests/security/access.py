"""Shared machinery for the access matrix: a case is (endpoint, method, url builder, expected).

Each ``tests/security/test_access_<area>.py`` module lists its ``CASES``; the coverage test
checks that every endpoint of the URL map appears in some module, so a new route without an
access rule fails the suite.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pytest

ROLES = ["anon", "admin", "region", "methodist", "tutor", "school", "viewer"]
# The roles for which the far region (region 2, outside their scope) does not exist.
OUT_OF_SCOPE = ["region", "methodist", "tutor", "school", "viewer"]


@dataclass
class Case:
    endpoint: str
    method: str
    url: Callable  # (world, extra) -> str
    expected: dict  # role -> status; roles not named take `default`
    default: int | None = None
    data: dict | Callable = field(default_factory=dict)  # or (world, extra) -> dict
    htmx: bool = False
    label: str = ""

    def status_for(self, role: str) -> int:
        if role in self.expected:
            return self.expected[role]
        if role == "anon":
            return 302
        assert self.default is not None, f"{self.endpoint}: no expectation for {role}"
        return self.default

    def form(self, world, extra) -> dict:
        """The data posted: ``data``, or what it builds from the world's ids."""
        return self.data(world, extra) if callable(self.data) else self.data

    @property
    def id(self) -> str:
        return f"{self.endpoint}{'[' + self.label + ']' if self.label else ''}"


def expand(cases):
    """(case, role) pairs for pytest.mark.parametrize."""
    return [(c, r) for c in cases for r in ROLES]


def ids(cases):
    return [f"{c.id}-{r}" for c, r in expand(cases)]


def run_case(app, world, extra, case: Case, role: str):
    from tests.conftest import login, post

    client = app.test_client()
    if role != "anon":
        login(client, world.users[role])
    url = case.url(world, extra)
    data = case.form(world, extra)
    if case.method == "GET":
        headers = {"HX-Request": "true"} if case.htmx else {}
        resp = client.get(url, headers=headers)
    elif role == "anon":
        from tests.conftest import csrf_token

        token = csrf_token(client, "/login")
        resp = client.post(url, data={**data, "csrf_token": token})
    else:
        resp = post(client, url, data, htmx=case.htmx)
    return resp


def redirect(expect: dict) -> dict:
    """The same expectation where a successful POST answers with a redirect."""
    return {r: (302 if s == 200 else s) for r, s in expect.items()}


def htmx_gets_ask_to_log_in(cases):
    """An htmx GET without a session gets 401 + HX-Redirect to the login page: the anonymous
    expectation of every such case becomes 401. Returns ``cases``."""
    for case in cases:
        if case.htmx and case.method == "GET":
            case.expected = {**case.expected, "anon": 401}
    return cases


def check_case(app, world, extra, case: Case, role: str):
    """Run ``case`` as ``role`` and assert the status the matrix expects."""
    resp = run_case(app, world, extra, case, role)
    assert resp.status_code == case.status_for(role), resp.get_data(as_text=True)[:300]
    return resp


def matrix_test(cases):
    """A module's ``test_access``: every case as every role gets the status it expects."""
    @pytest.mark.parametrize("case,role", expand(cases), ids=ids(cases))
    def test_access(app, world, extra, case, role):
        check_case(app, world, extra, case, role)
    return test_access


def far(*routes):
    """``(method, url builder)`` pairs from ``"METHOD /path/{key}"``: the keys are the
    ``extra``'s, ``{w.attr.id}`` reads the world."""
    pairs = []
    for route in routes:
        method, path = route.split(" ", 1)
        pairs.append((method, lambda w, e, path=path: path.format(w=w, **e)))
    return pairs


def out_of_scope_test(routes, data=None, htmx=False, roles=OUT_OF_SCOPE):
    """A test that every route of ``far(...)`` answers 404 to each of ``roles`` (the far region
    is outside their scope); ``data`` is posted, its ``{key}`` taken from ``extra``."""
    @pytest.mark.parametrize("role", roles)
    def test_out_of_scope(app, world, extra, role):
        posted = {k: v.format(**extra) for k, v in (data or {}).items()}
        for method, url in routes:
            case = Case("far", method, url, {}, default=404, data=posted, htmx=htmx)
            resp = run_case(app, world, extra, case, role)
            assert resp.status_code == 404, (role, method, url(world, extra), resp.status_code)
    return test_out_of_scope
