"""Shared fixtures: the app on SQLite (or PostgreSQL when TEST_DATABASE_URL is set), a clean
database for every test, the base ``world`` (built by ``tests/factories``), logged-in clients
with CSRF on, a query counter.

The schema is created once per session; after each test every table is emptied (TRUNCATE on
PostgreSQL, DELETE on SQLite), which is much faster than recreating it.
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import re
import time

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

from shnor_app import create_app
from shnor_app.config import TestConfig, normalise_database_url
from shnor_app.extensions import db
from tests import snapshots
from tests.snapshots import snapshotted
from shnor_app.services.auth import second_factor
from shnor_app.services import data_cache
from tests.factories.core import PASSWORD, TOTP_SECRET, World, region_world
from tests.factories.recommendations import add_school_source, remove_school_source

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


class CodeClock:
    """The clock of the second factor in tests: real time, moved one 30-second step on for
    every code a test asks for. A TOTP code is accepted only once, so without it a test could
    log the same user in only once or twice in half a minute; with it, as often as it likes.
    """

    def __init__(self):
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def next_code(self, secret: str = TOTP_SECRET) -> str:
        self.offset += second_factor.STEP_SECONDS
        return pyotp.TOTP(secret).at(self())


CODE_CLOCK = CodeClock()


@pytest.fixture(autouse=True)
def code_clock(monkeypatch):
    CODE_CLOCK.offset = 0.0
    monkeypatch.setattr(second_factor, "now", CODE_CLOCK)
    return CODE_CLOCK


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, with its own ``g`` and database session.

    Tests keep an app context open for database access, and Flask would reuse it for requests
    made by the test client: ``g`` (Flask-Login's cached user, the CSRF token) would leak from
    one request into the next, and the request would see the test's identity map, hiding lazy
    loads that fail in production. Running the request in an empty ``contextvars.Context``
    makes Flask push a fresh app context, exactly as a real server does.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shnor")
    cfg = TestConfig()
    if not ON_POSTGRES:
        cfg.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp / 'test.sqlite3'}"
    else:
        cfg.SQLALCHEMY_DATABASE_URI = _worker_database(
            normalise_database_url(os.environ["TEST_DATABASE_URL"]))
        # Test data need not survive a crash: skip the fsync of every factory commit.
        cfg.SQLALCHEMY_ENGINE_OPTIONS = {
            "pool_pre_ping": True, "connect_args": {"options": "-c synchronous_commit=off"}}
    cfg.UPLOAD_DIR = tmp / "uploads"
    app = create_app(cfg)
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.drop_all()
        _drop_leftovers()
        db.create_all()
        with db.engine.begin() as conn:
            data_cache.renew_all(connection=conn)  # as the migration gives every table a token
        snapshots.watch(db.engine)
        snapshots.tables_emptied()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database: <name>_<worker>."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    from sqlalchemy import create_engine

    base, name = url.rsplit("/", 1)
    name = f"{name.split('?')[0]}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{base}/{name}"


def _drop_leftovers():
    """Tables of an older schema (e.g. alembic_version) left in a reused PostgreSQL database."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))


def _empty_all_tables():
    # DELETE is far cheaper than TRUNCATE for a few rows.
    with snapshots.foreign_keys_off() as conn:
        for t in reversed(db.metadata.sorted_tables):
            conn.execute(t.delete())
        data_cache.renew_all(connection=conn)  # every table has a token, as after a migration


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        yield
        db.session.remove()
        _empty_all_tables()
        snapshots.tables_emptied()


@pytest.fixture
def client(app):
    return app.test_client()


# --------------------------------------------------------------------------- data


@pytest.fixture
@snapshotted
def world() -> World:
    return region_world()


@pytest.fixture
def rec_source():
    """The school as a recommendation source (``tests.factories.recommendations``)."""
    source = add_school_source()
    yield source
    remove_school_source()


# --------------------------------------------------------------------------- clients

_CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_token(client, url="/login") -> str:
    html = client.get(url).get_data(as_text=True)
    m = _CSRF_RE.search(html)
    assert m, f"no CSRF token on {url}"
    return m.group(1) or m.group(2)


def login(client, user_or_login, password=PASSWORD):
    """Log in through the form; a user with a second factor gets its code step too."""
    login_name = getattr(user_or_login, "login", user_or_login)
    token = csrf_token(client, "/login")
    resp = client.post("/login", data={"login": login_name, "password": password,
                                       "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    if resp.headers["Location"].endswith("/login/code"):
        resp = enter_code(client)
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    client.csrf = csrf_token(client, "/")
    return client


def enter_code(client, code=None):
    """The code step of a login (the next TOTP code of ``TOTP_SECRET`` unless ``code``)."""
    token = csrf_token(client, "/login/code")
    return client.post("/login/code", data={"code": code or CODE_CLOCK.next_code(),
                                            "csrf_token": token})


def post(client, url, data=None, *, htmx=False, **kw):
    """POST as the browser does: token in the form (plain) or in the header (htmx)."""
    data = dict(data or {})
    headers = kw.pop("headers", {})
    token = getattr(client, "csrf", None) or csrf_token(client, "/")
    if htmx:
        headers.update({"HX-Request": "true", "X-CSRFToken": token})
    else:
        data.setdefault("csrf_token", token)
    return client.post(url, data=data, headers=headers, **kw)


def hx_get(client, url, **kw):
    return client.get(url, headers={"HX-Request": "true"}, **kw)


_PANEL_SLOT_RE = re.compile(
    r'<section class="card panel-slot" id="panel-slot-[^"]+"[^>]* hx-get="([^"]+)"'
    r' hx-trigger="load"[^>]*>.*?</section>', re.S)


def start_page(client) -> str:
    """The start page as the browser shows it: each lazy panel's placeholder replaced by what
    its ``hx-get`` answers (as htmx does on load)."""
    resp = client.get("/")
    assert resp.status_code == 200, resp.status_code
    html = resp.get_data(as_text=True)

    def _load(m):
        frag = hx_get(client, m.group(1).replace("&amp;", "&"))
        assert frag.status_code == 200, (m.group(1), frag.status_code)
        return frag.get_data(as_text=True)

    return _PANEL_SLOT_RE.sub(_load, html)


@pytest.fixture
def login_as(app, world):
    """login_as("methodist") → a test client logged in as that user of the world."""
    def _login(role: str):
        c = app.test_client()
        return login(c, world.users[role])
    return _login


# --------------------------------------------------------------------------- queries


@contextlib.contextmanager
def count_queries():
    counter = {"n": 0, "sql": []}

    def _before(conn, cursor, statement, params, context, executemany):
        counter["n"] += 1
        counter["sql"].append(statement)

    event.listen(db.engine, "before_cursor_execute", _before)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", _before)


@pytest.fixture
def fragment_caches(app):
    """Empty fragment caches for the test, and a switch to turn them off: ``set_size(0)`` turns
    off the row cache and the whole-table cache, another size sets the rows' size and turns the
    tables' cache on."""
    saved_caches = app.extensions.pop("shnor_fragment_caches", None)
    saved = {k: app.config.get(k) for k in ("FRAGMENT_CACHE_SIZE", "TABLE_CACHE_MB")}

    def set_size(size):
        app.extensions.pop("shnor_fragment_caches", None)
        app.config["FRAGMENT_CACHE_SIZE"] = size
        app.config["TABLE_CACHE_MB"] = (saved["TABLE_CACHE_MB"] or 8) if size else 0

    yield set_size
    app.extensions.pop("shnor_fragment_caches", None)
    if saved_caches is not None:
        app.extensions["shnor_fragment_caches"] = saved_caches
    for name, value in saved.items():
        if value is None:
            app.config.pop(name, None)
        else:
            app.config[name] = value
