"""Shared fixtures: the app on SQLite (or PostgreSQL when TEST_DATABASE_URL is set), a clean
database for every test, factories, logged-in clients with CSRF on, a query counter.

The schema is created once per session; after each test every table is emptied (TRUNCATE on
PostgreSQL, DELETE on SQLite), which is much faster than recreating it.
"""
from __future__ import annotations

import contextlib
import contextvars
import itertools
import os
import re
import time
from dataclasses import dataclass

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, select, text

from shnor_app import create_app
from shnor_app.config import TestConfig, normalise_database_url
from shnor_app.extensions import db
from tests import snapshots
from tests.snapshots import snapshotted
from shnor_app.models import (
    Municipality, OrgKind, Organization, Region, Role, SchoolStatus, SchoolStatusRecord,
    StaffMember, User, utcnow,
)
from shnor_app.services.auth import second_factor
from shnor_app.services import data_cache

PASSWORD = "correct-horse-battery"
# The TOTP secret of every user a factory gives a second factor (admin and region by default).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
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


# --------------------------------------------------------------------------- factories

_seq = itertools.count(1)


def make_region(name=None) -> Region:
    r = Region(name=name or f"Регион {next(_seq)}")
    db.session.add(r)
    db.session.commit()
    return r


def make_municipality(region, name=None) -> Municipality:
    m = Municipality(region_id=region.id, name=name or f"Муниципалитет {next(_seq)}")
    db.session.add(m)
    db.session.commit()
    return m


def make_org(municipality=None, *, region=None, kind=OrgKind.SCHOOL, short_name=None,
             statuses=(), year=2026, **kw) -> Organization:
    n = next(_seq)
    region_id = municipality.region_id if municipality else region.id
    o = Organization(kind=kind, short_name=short_name or f"МБОУ СОШ № {n}",
                     full_name=kw.pop("full_name", None) or f"Средняя школа № {n}",
                     region_id=region_id,
                     municipality_id=municipality.id if municipality else None, **kw)
    db.session.add(o)
    db.session.flush()
    for s in statuses:
        db.session.add(SchoolStatusRecord(organization_id=o.id, year=year,
                                          status=SchoolStatus[s] if isinstance(s, str) else s))
    db.session.commit()
    return o


def make_staff(org, full_name=None, **kw) -> StaffMember:
    m = StaffMember(organization_id=org.id, full_name=full_name or f"Учитель {next(_seq)}",
                    position=kw.pop("position", "Учитель"), **kw)
    db.session.add(m)
    db.session.commit()
    return m


def make_school_roadmap(org, items=("Педагогический совет по итогам ВПР",), *, year=2026,
                        title="Дорожная карта школы на 2026 год"):
    """A school-level roadmap of ``org`` with one item per text; returns (roadmap, items)."""
    from shnor_app.models import Roadmap, RoadmapLevel, RoadmapSection
    from shnor_app.services import roadmaps as rm_svc

    rm = Roadmap(owner_id=org.id, title=title, year=year, level=RoadmapLevel.SCHOOL)
    rm_svc.save_roadmap(rm, is_new=True)
    section = db.session.scalar(select(RoadmapSection).where(RoadmapSection.roadmap_id == rm.id))
    made = [rm_svc.add_item(section, {"number": f"{i}.", "text": text,
                                      "period_text": f"март {year}", "executors": "Школа"})
            for i, text in enumerate(items, 1)]
    return rm, made


def make_user(role: Role | str, *, login=None, password=PASSWORD, totp: bool | None = None,
              **scope) -> User:
    """A user; ``totp`` gives it the second factor with ``TOTP_SECRET`` — by default where the
    role requires one (admin, region), as after their first login."""
    role = Role[role.upper()] if isinstance(role, str) else role
    u = User(login=login or f"{role.name.lower()}{next(_seq)}", full_name=f"Пользователь {role.label}",
             role=role, **scope)
    u.set_password(password)
    if totp if totp is not None else second_factor.second_factor_required(u):
        u.totp_secret = second_factor.encrypt_secret(TOTP_SECRET)
        u.totp_enabled_at = utcnow()
    db.session.add(u)
    db.session.commit()
    return u


@dataclass
class World:
    """Two regions; region 1 has municipalities 1 and 2; one user of every role in region 1.

    - ``school_a`` (ШНОР) and ``tutor_school`` are in municipality 1; ``school_b`` is in
      municipality 2; ``school_far`` in region 2; ``institute`` is regional (no municipality).
    - Users: admin; region (region 1); methodist (municipality 1); tutor (tutor_school);
      school (school_a); viewer (municipality 1); viewer_region (region 1).
    """

    region: Region
    region2: Region
    muni: Municipality
    muni2: Municipality
    muni_far: Municipality
    school_a: Organization
    tutor_school: Organization
    school_b: Organization
    school_far: Organization
    institute: Organization
    users: dict


@pytest.fixture
@snapshotted
def world() -> World:
    region, region2 = make_region("Энская область"), make_region("Дальняя область")
    muni, muni2 = make_municipality(region, "Приречный район"), make_municipality(region, "Заречный район")
    muni_far = make_municipality(region2, "Дальний район")
    school_a = make_org(muni, short_name="МКОУ СОШ с. Заозёрное", statuses=["LOW_RESULTS"])
    tutor_school = make_org(muni, short_name="МБОУ «Гимназия № 2»", statuses=["TUTOR"])
    school_b = make_org(muni2, short_name="МБОУ СОШ № 1 г. Зареченска", statuses=["LOW_RESULTS"])
    school_far = make_org(muni_far, short_name="МБОУ СОШ № 5 г. Дальнего")
    institute = make_org(region=region, kind=OrgKind.INSTITUTE, short_name="ИРО Энской области")
    users = {
        "admin": make_user("admin", login="admin"),
        "region": make_user("region", login="region", region_id=region.id),
        "methodist": make_user("methodist", login="methodist", municipality_id=muni.id),
        "tutor": make_user("tutor", login="tutor", organization_id=tutor_school.id),
        "school": make_user("school", login="school", organization_id=school_a.id),
        "viewer": make_user("viewer", login="viewer", municipality_id=muni.id),
        "viewer_region": make_user("viewer", login="viewerregion", region_id=region.id),
    }
    return World(region, region2, muni, muni2, muni_far, school_a, tutor_school, school_b,
                 school_far, institute, users)


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
    """Empty fragment caches for the test, and a switch to turn them off."""
    saved_caches = app.extensions.pop("shnor_fragment_caches", None)
    saved_size = app.config.get("FRAGMENT_CACHE_SIZE")

    def set_size(size):
        app.extensions.pop("shnor_fragment_caches", None)
        app.config["FRAGMENT_CACHE_SIZE"] = size

    yield set_size
    app.extensions.pop("shnor_fragment_caches", None)
    if saved_caches is not None:
        app.extensions["shnor_fragment_caches"] = saved_caches
    if saved_size is None:
        app.config.pop("FRAGMENT_CACHE_SIZE", None)
    else:
        app.config["FRAGMENT_CACHE_SIZE"] = saved_size
