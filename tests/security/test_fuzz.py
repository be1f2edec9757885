"""No input gives a 500: a fuzz test over every form, import and list filter of the URL map.

The targets come from ``app.url_map``: every endpoint that takes a POST (its URL from the
access matrix, which builds a small world of records for each area) and every GET with query
arguments. For a POST the fields are those the form declares — the inputs its page renders,
the fields of the access case, and the names the blueprint reads from ``request.form`` by hand
— with files for file inputs; for a GET, the query arguments the blueprint reads. Each field
gets, at once, hostile values (NUL and other control characters, a huge string, HTML,
formulas, template syntax) and ids that are not numbers, do not exist or belong to another
region, then values drawn by hypothesis. An answer of 500 (or an exception, since the test
application propagates them) is a failure; 4xx are what bad input should get.

Bounded in time: every target gets a fixed small number of requests, hypothesis runs
derandomized (the same examples every run, no shrinking phase, no database), so the module
takes well under a minute. To search deeper by hand, ``FUZZ_EXAMPLES=50`` draws that many
random examples per target, different on every run.
"""
from __future__ import annotations

import inspect
import io
import os
import re
import sys
import traceback
from urllib.parse import parse_qsl

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import csrf_token, login, post
from tests.security import _areas

ROLES = ("admin", "region", "methodist", "tutor", "school", "viewer")
HOSTILE = ("=HYPERLINK(\"http://example.invalid\";\"x\") <script>alert(1)</script> {{7*7}} "
           "' OR 1=1 -- \x00\x0b\x1f\x7f\ufffe\u202e 😀")
HUGE = "Я" * 25_000  # over the longest text field (20 000)
BAD_IDS = ["abc", "-1", "0", "999999999", "9" * 30, "1.5", "１２"]
# Values every field gets at once, one request each, before hypothesis draws its own.
SWEEP = [HOSTILE, HUGE]
RANDOM_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 0)) or 2
DEEP = "FUZZ_EXAMPLES" in os.environ
# Endpoints whose POST ends the session the fuzz runs in.
SKIP = {"auth.logout"}
# Forms filled in before logging in.
ANONYMOUS = {"auth.login"}

_settings = settings(max_examples=RANDOM_EXAMPLES, deadline=None, database=None,
                     derandomize=not DEEP, phases=[Phase.generate],
                     suppress_health_check=list(HealthCheck))

_NAME = re.compile(r'<(input|textarea|select)\b([^>]*)>', re.S)
_ATTR = re.compile(r'\b(name|type)="([^"]*)"')
_FORM_READS = re.compile(
    r'(?:request\.(?:form|values)|\bf|formdata)\.get(?:list)?\(\s*"([A-Za-z_][\w-]*)"'
    r'|int_arg\(\s*"(\w+)",\s*request\.(?:form|values)')
_ARG_READS = re.compile(
    r'(?:request\.(?:args|values)|\bargs)\.get(?:list)?\(\s*"(\w+)"'
    r'|(?:text_arg|int_arg|_int_arg|_date_arg)\(\s*"(\w+)"')


def _inputs(html: str) -> tuple[set[str], set[str]]:
    """(text-ish field names, file field names) of the inputs a page renders."""
    fields, files = set(), set()
    for _, attrs in _NAME.findall(html):
        a = dict(_ATTR.findall(attrs))
        name = a.get("name")
        if not name or name == "csrf_token":
            continue
        (files if a.get("type") == "file" else fields).add(name)
    return fields, files


def _blueprint_reads(app, endpoint: str, pattern) -> set[str]:
    view = app.view_functions[endpoint]
    source = inspect.getsource(sys.modules[view.__module__])
    return {a or b for a, b in pattern.findall(source)}


def _role_for(case) -> str:
    return next((r for r in ROLES if case.status_for(r) in (200, 302)), "admin")


def _values(ids: list[str]):
    text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
    return st.one_of(st.sampled_from([HOSTILE, "\x00", "abc", *BAD_IDS, *ids]), text)


# Uploads: (name, content) — files the upload check takes (so the other fields are stored),
# imports of hostile text, and junk.
FILES = [
    ("приказ.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"),
    ("результаты.csv", "Школа;Год;Процедура;Предмет;Класс;Доля «2», %\n"
                       "=cmd|' /C calc'!A0\x00;2024;ВПР;=1+1;5;abc\n".encode()),
    ("план.txt", ("№\tМероприятие\tСрок\n1.\t" + HOSTILE + "\tмарт\n").encode()),
    ("книга.xlsx", b"PK\x03\x04" + b"\x00" * 40),
    ("x\x00.docx", b"\x00" * 64),
]


def _files():
    return st.one_of(st.sampled_from(FILES), st.tuples(st.sampled_from(["a.xlsx", "b.csv"]),
                                                       st.binary(max_size=300)))


class Fuzz:
    def __init__(self, app, world, extra):
        self.app, self.world, self.extra = app, world, extra
        self.clients: dict[str, object] = {}
        self.failures: list[tuple] = []
        ints = {v for v in extra.values() if isinstance(v, int)}
        ints |= {o.id for o in (world.school_a, world.school_b, world.school_far, world.muni,
                                world.muni2, world.muni_far, world.region, world.region2)}
        self.ids = [str(i) for i in sorted(ints)]

    def client(self, role):
        if role not in self.clients:
            if role == "anon":
                c = self.app.test_client()
                c.csrf = csrf_token(c, "/login")
            else:
                c = login(self.app.test_client(), self.world.users[role])
            self.clients[role] = c
        return self.clients[role]

    def send(self, role, method, url, *, data=None, files=None, query=None, htmx=False):
        client = self.client(role)
        try:
            if method == "GET":
                headers = {"HX-Request": "true"} if htmx else {}
                path, _, own = url.partition("?")
                resp = client.get(path, query_string={**dict(parse_qsl(own)), **(query or {})},
                                  headers=headers)
            else:
                body = dict(data or {})
                for field, (name, content) in (files or {}).items():
                    body[field] = (io.BytesIO(content), name)
                resp = post(client, url, body, htmx=htmx, content_type="multipart/form-data")
        except Exception as err:  # the test app propagates what would be a 500
            self.failures.append((method, url, repr(err)[:200], _where(err),
                                  _short(data or query)))
            return
        if resp.status_code >= 500:
            self.failures.append((method, url, resp.status_code, _short(data or query)))
        if resp.status_code in (302, 401) and "/login" in resp.headers.get("Location", "") + \
                resp.headers.get("HX-Redirect", ""):
            self.clients.pop(role, None)  # the target ended the session: log in again

    def post_target(self, role, url, fields, files, htmx):
        fields, files = sorted(fields), sorted(files)
        for i, value in enumerate(SWEEP):
            self.send(role, "POST", url, data={f: value for f in fields},
                      files={f: FILES[i % len(FILES)] for f in files}, htmx=htmx)
        if not fields and not files:
            return

        @_settings
        @given(st.fixed_dictionaries({f: _values(self.ids) for f in fields}),
               st.fixed_dictionaries({f: _files() for f in files}))
        def run(data, uploads):
            self.send(role, "POST", url, data=data, files=uploads, htmx=htmx)

        run()

    def get_target(self, role, url, args, htmx):
        args = sorted(args)
        self.send(role, "GET", url, query={a: HOSTILE for a in args}, htmx=htmx)

        @settings(_settings, max_examples=RANDOM_EXAMPLES if DEEP else 1)
        @given(st.fixed_dictionaries({a: _values(self.ids) for a in args}))
        def run(query):
            self.send(role, "GET", url, query=query, htmx=htmx)

        run()


def _where(err) -> str:
    """The application's own line nearest to where ``err`` was raised."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if "/shnor_app/" in f.filename]
    return f"{frames[-1].filename.split('/shnor_app/')[-1]}:{frames[-1].lineno}" if frames else ""


def _short(data) -> dict:
    return {k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v)
            for k, v in (data or {}).items()}


def _targets(app, area: str):
    """The cases to fuzz: every POST case of the area, a GET case of each endpoint that takes
    a POST but has no POST case (its form's page), and every GET case (query arguments)."""
    methods = {}
    for rule in app.url_map.iter_rules():
        methods.setdefault(rule.endpoint, set()).update(rule.methods or ())
    cases = _areas.cases(area)
    posts = [c for c in cases if c.method == "POST" and c.endpoint not in SKIP]
    covered = {c.endpoint for c in posts} | SKIP
    for c in cases:
        if c.method == "GET" and "POST" in methods[c.endpoint] and c.endpoint not in covered:
            posts.append(c)
            covered.add(c.endpoint)
    # actions that end a record (delete, archive …) last, so the others find their records;
    # the login form last of all (its failures count against the address of every client)
    posts.sort(key=lambda c: (c.endpoint in ANONYMOUS,
                              any(w in c.endpoint for w in ("delete", "remove", "archive"))))
    gets = list({c.endpoint: c for c in reversed(cases) if c.method == "GET"}.values())
    return posts, gets


@pytest.mark.parametrize("area", _areas.AREAS)
def test_no_input_gives_a_500(app, world, request, area):
    extra = _areas.build_extra(area, request)
    fuzz = Fuzz(app, world, extra)
    posts, gets = _targets(app, area)
    for case in posts:
        role = "anon" if case.endpoint in ANONYMOUS else _role_for(case)
        url = case.url(world, extra)
        fields, files = set(case.form(world, extra)), set()
        page = fuzz.client(role).get(url, headers={"HX-Request": "true"} if case.htmx else {})
        if page.status_code == 200 and page.mimetype == "text/html":
            more, files = _inputs(page.get_data(as_text=True))
            fields |= more
        fields |= _blueprint_reads(app, case.endpoint, _FORM_READS) - files
        fuzz.post_target(role, url, fields, files, case.htmx)
    for case in gets:
        args = _blueprint_reads(app, case.endpoint, _ARG_READS) | {"page"}
        fuzz.get_target(_role_for(case), case.url(world, extra), args, case.htmx)
    assert not fuzz.failures, "\n".join(map(str, fuzz.failures))


# --------------------------------------------------------------------------- what it found
# Each of these gave a 500 (on SQLite, PostgreSQL or both) before its fix.

FOUND_GET = [
    "/registry/organizations?page=" + "9" * 30,  # a page number beyond the database's integer
    "/roadmaps/my-items?executor=" + "9" * 30,  # an executor id beyond it
    "/interviews/meetings?year=-1",  # a year no date can be made of
    "/courses/?year=99999",
    "/visits/?school=" + "9" * 30,
]


@pytest.mark.parametrize("url", FOUND_GET)
def test_out_of_range_numbers_in_filters_are_ignored(world, login_as, url):
    assert login_as("admin").get(url).status_code == 200


def test_a_form_field_id_beyond_the_database_range_is_refused_not_a_500(world, login_as):
    c = login_as("methodist")
    resp = post(c, "/courses/plans/new", {"kind": "TEACHER", "organization_id": "9" * 30,
                                          "staff_member_id": "9" * 30})
    assert resp.status_code in (404, 422)


def test_hand_parsed_texts_are_cleaned(app, world, login_as):
    from shnor_app.extensions import db
    from shnor_app.models import RoadmapSection
    from tests.factories.roadmaps import make_roadmap

    rm, section, _ = make_roadmap(world.school_a, 1)
    c = login_as("methodist")
    resp = post(c, f"/roadmaps/sections/{section.id}/rename",
                {"title": "Раздел\x00 I\x0b" + "я" * 2000}, htmx=True)
    assert resp.status_code == 200
    db.session.expire_all()
    title = db.session.get(RoadmapSection, section.id).title
    assert title.startswith("Раздел I я") and "\x00" not in title and len(title) == 1000
