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


# (app, login) → session cookie: an account logs in once (a second-factor code works once).
_SESSIONS: dict[tuple[int, str], str] = {}


class InProcessUser:
    def __init__(self, app, login: str):
        self.client = app.test_client()
        cookie = _SESSIONS.get((id(app), login))
        if cookie is not None:
            self.client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        else:
            self._log_in(login)
            _SESSIONS[(id(app), login)] = self.client.get_cookie(
                app.config["SESSION_COOKIE_NAME"]).value
        self.csrf = _HX_CSRF.search(self.client.get("/").get_data(as_text=True)).group(1)

    def _log_in(self, login: str) -> None:
        from .driver import totp_code

        resp = self.client.post("/login", data={"login": login, "password": BENCH_PASSWORD,
                                                "csrf_token": self._token("/login")})
        if resp.status_code == 302 and resp.headers["Location"].endswith("/login/code"):
            resp = self.client.post("/login/code", data={"code": totp_code(),
                                                         "csrf_token": self._token("/login/code")})
        if resp.status_code != 302:
            raise RuntimeError(f"{login}: вход не удался ({resp.status_code})")

    def _token(self, url: str) -> str:
        form = self.client.get(url).get_data(as_text=True)
        return _VALUE.search(_HIDDEN_CSRF.search(form).group(0)).group(1)

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
