"""Lockout under concurrency: many wrong passwords for one login sent at once.

Each request runs in its own thread with its own connection (the test client pushes a fresh app
context, so a fresh database session, per request). Every password check waits until every
request has either reached its check or been answered, so all of them are in flight together:
were the failures counted after the check, all 30 would be checked. Runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL.
"""
import threading

from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import LoginAttempt, User

from tests.conftest import csrf_token

N = 30


def test_simultaneous_wrong_passwords_check_no_more_than_the_limit(app, world, monkeypatch):
    limit = app.config["LOGIN_MAX_FAILURES"]
    cond = threading.Condition()
    state = {"checked": 0, "answered": 0}
    release = threading.Event()
    real_check = User.check_password

    def waiting_check(self, password):
        with cond:
            state["checked"] += 1
            cond.notify_all()
        release.wait(timeout=30)
        return real_check(self, password)

    monkeypatch.setattr(User, "check_password", waiting_check)
    clients = [app.test_client() for _ in range(N)]
    tokens = [csrf_token(c, "/login") for c in clients]
    statuses = []

    def attempt(client, token):
        try:
            resp = client.post("/login", data={"login": "methodist", "password": "wrong-password!",
                                               "csrf_token": token})
            statuses.append(resp.status_code)
        finally:
            with cond:
                state["answered"] += 1
                cond.notify_all()

    threads = [threading.Thread(target=attempt, args=(c, t)) for c, t in zip(clients, tokens)]
    for t in threads:
        t.start()
    with cond:
        cond.wait_for(lambda: state["checked"] + state["answered"] >= N, timeout=20)
    release.set()
    for t in threads:
        t.join(timeout=60)

    # At most the limit (fewer when several rows were committed before the first count: an
    # attack on the login is refused a little earlier, never later).
    assert state["checked"] <= limit
    assert len(statuses) == N and set(statuses) <= {401, 429}
    assert statuses.count(401) == state["checked"]
    db.session.expire_all()
    failures = db.session.scalar(select(func.count()).select_from(LoginAttempt)
                                 .where(LoginAttempt.success.is_(False)))
    assert failures == N
