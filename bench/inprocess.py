"""The driver's requests sent in-process through Flask's test client (profiler, unit test).

Same login (form + CSRF token), same headers as bench/driver.py, no server in between.
"""
from __future__ import annotations

from sqlalchemy import select

from .csrf import HIDDEN_CSRF as _HIDDEN_CSRF
from .csrf import HX_CSRF as _HX_CSRF
from .csrf import VALUE as _VALUE
from .gen import BENCH_PASSWORD


def first_user_plan(app, scenario):
    """(login, requests) of the first bench user of the scenario's role."""
    from shnor_app.extensions import db
    from shnor_app.models import Role, User

    with app.app_context(), app.test_request_context():
        user = db.session.scalar(select(User).where(User.role == Role[scenario.role.upper()])
                                 .order_by(User.id))
        plan, login = scenario.requests(user), user.login
        db.session.remove()
    return login, plan


class InProcessUser:
    def __init__(self, app, login: str):
        self.client = app.test_client()
        form = self.client.get("/login").get_data(as_text=True)
        token = _VALUE.search(_HIDDEN_CSRF.search(form).group(0)).group(1)
        resp = self.client.post("/login", data={"login": login, "password": BENCH_PASSWORD,
                                                "csrf_token": token})
        if resp.status_code != 302:
            raise RuntimeError(f"{login}: вход не удался ({resp.status_code})")
        self.csrf = _HX_CSRF.search(self.client.get("/").get_data(as_text=True)).group(1)

    def send(self, req):
        headers = {"HX-Request": "true"} if req.htmx else {}
        if req.method == "POST":
            headers["X-CSRFToken"] = self.csrf
            return self.client.post(req.path, data=dict(req.form or {}, csrf_token=self.csrf),
                                    headers=headers)
        return self.client.get(req.path, headers=headers)

    @staticmethod
    def answered_as_expected(req, resp) -> bool:
        return resp.status_code == req.expect and (
            req.contains is None or req.contains.encode() in resp.data)
