"""One cleaning rule for every text that comes in (``shnor_app.text.clean_text``): Word's soft
line break becomes a newline, CR LF becomes LF, other control characters are removed — in
every form (the base form binds the rule), in hand-parsed forms, in query-string filters and in
imports; a text field has a maximum length shown on the input and checked on the server; and
documents are written whatever text was stored before the rule.
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest
from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.models import RoadmapItem
from shnor_app.text import clean_text

from tests.conftest import post

# What arrives over HTTP (a lone surrogate cannot: the request is decoded from UTF-8).
DIRTY = "Первая строка\x0bвторая\r\nтретья\rчетвёртая\x00\x1f\x7f\x85\x9f\ufffe\uffff конец\tтаб"
CLEAN = "Первая строка\nвторая\nтретья\nчетвёртая\n конец\tтаб"


def test_clean_text_makes_line_breaks_newlines_and_removes_control_characters():
    assert clean_text(DIRTY) == CLEAN
    assert clean_text("a\ud800b\udfff") == "ab"  # lone surrogates (from a file's bad bytes)
    assert clean_text("\u2028\u2029\x0c") == "\n\n\n"
    assert clean_text("Ёлкина «Анна» 😀 \u202e") == "Ёлкина «Анна» 😀 \u202e"  # kept as typed
    assert clean_text(None) is None and clean_text(5) == 5


def test_every_form_of_the_application_derives_from_the_base_form(app):
    """The rule is bound once, in the base form's Meta: a form that skipped it would take NUL
    and Word's line breaks into the database."""
    from flask_wtf import FlaskForm
    from wtforms import Form as PlainForm

    import shnor_app.blueprints as blueprints
    from shnor_app.forms import Form, SubForm

    for mod in pkgutil.walk_packages(blueprints.__path__, blueprints.__name__ + "."):
        importlib.import_module(mod.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(PlainForm) if c.__module__.startswith("shnor_app.")]
    assert len(ours) > 40
    strays = [f"{c.__module__}.{c.__name__}" for c in ours
              if c not in (Form, SubForm) and not issubclass(c, (Form, SubForm))]
    assert not strays, strays
    assert all(issubclass(c, FlaskForm) or issubclass(c, SubForm) for c in ours)


def _item_data(**over):
    return {"number": "1.", "text": "Семинар", "period_text": "март", "executors": "УО",
            "expected_result": "", "indicator": "", "status": "NOT_STARTED",
            "actual_result": "", **over}


def test_roadmap_item_form_cleans_control_characters_and_exports_still_work(world, login_as):
    from tests.factories.roadmaps import make_roadmap

    rm, _, items = make_roadmap(world.school_a, 1)
    c = login_as("methodist")
    resp = post(c, f"/roadmaps/items/{items[0].id}/edit",
                _item_data(text=DIRTY, executors="УО\x00\x0bшкола", number="1.\x1f"), htmx=True)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    db.session.expire_all()
    item = db.session.get(RoadmapItem, items[0].id)
    assert item.text == CLEAN and item.executors == "УО\nшкола" and item.number == "1."
    for fmt in ("xlsx", "docx", "pdf", "json"):
        assert c.get(f"/roadmaps/{rm.id}/export.{fmt}").status_code == 200, fmt


def test_text_fields_have_a_maximum_length_shown_on_the_input_and_checked_with_a_russian_message(
        world, login_as):
    from shnor_app.forms import TEXT_MAX
    from tests.factories.roadmaps import make_roadmap

    rm, _, items = make_roadmap(world.school_a, 1)
    c = login_as("methodist")
    form = c.get(f"/roadmaps/items/{items[0].id}/edit", headers={"HX-Request": "true"})
    html = form.get_data(as_text=True)
    assert f'maxlength="{TEXT_MAX}"' in html  # the measure's text had no limit of its own
    assert 'maxlength="30"' in html  # a field's own limit stays
    long = "Я" * (TEXT_MAX + 1)
    resp = post(c, f"/roadmaps/items/{items[0].id}/edit", _item_data(text=long), htmx=True)
    assert resp.status_code == 422
    assert f"Значение не должно содержать более {TEXT_MAX} символов" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RoadmapItem, items[0].id).text == "Мероприятие номер 1"


def test_a_subform_cleans_its_fields_too(world, login_as):
    from shnor_app.blueprints.partnerships.forms import PersonForm
    from werkzeug.datastructures import MultiDict

    form = PersonForm(MultiDict({"full_name": "Иванова\x00 Анна\x0bПетровна"}))
    assert form.full_name.data == "Иванова Анна\nПетровна"



# --------------------------------------------------------------------------- NUL (PostgreSQL)
# PostgreSQL refuses NUL in text (a 500 before the rule); SQLite stored it.


def test_nul_in_a_recommendation_is_dropped(world, rec_source, login_as):
    from shnor_app.models import Recommendation

    c = login_as("methodist")
    resp = post(c, f"/recommendations/new/test_school/{world.school_a.id}",
                {"text": "Провести\x00 педсовет", "responsible": "Петрова\x00",
                 "due_date": "2026-05-05"}, htmx=True)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    rec = db.session.scalar(select(Recommendation))
    assert rec.text == "Провести педсовет" and rec.responsible == "Петрова"


def test_nul_in_the_login_field_is_an_ordinary_failed_login(app, world):
    from tests.conftest import csrf_token
    from tests.factories.core import PASSWORD

    c = app.test_client()
    resp = c.post("/login", data={"login": "admin\x00", "password": PASSWORD,
                                  "csrf_token": csrf_token(c, "/login")})
    assert resp.status_code in (200, 302, 422)


# Every list whose filters take text: a search with NUL (and every other control character)
# answers as for the text without it.
SEARCHES = [
    ("/registry/organizations", "q"), ("/practices/", "q"), ("/recommendations/", "q"),
    ("/partnerships/", "q"), ("/courses/", "q"), ("/courses/enrollments", "q"),
    ("/admin/users", "q"), ("/admin/audit", "who"), ("/admin/audit", "object_type"),
    ("/roadmaps/my-items", "executor"),
]


@pytest.mark.parametrize("url,arg", SEARCHES, ids=[f"{u}?{a}" for u, a in SEARCHES])
def test_nul_in_a_search_answers_like_the_text_without_it(world, login_as, url, arg):
    c = login_as("admin")
    resp = c.get(url, query_string={arg: "Заоз\x00ёрное\x1f", "status": "\x00",
                                    "kind": "\x00"})
    assert resp.status_code == 200
    assert "\x00" not in resp.get_data(as_text=True)


def test_text_arguments_are_cleaned_stripped_and_cut(app):
    from shnor_app.web import text_arg

    with app.test_request_context(query_string={"q": "  Заоз\x00ёрное\x0bшкола  ",
                                                "long": "я" * 500}):
        assert text_arg("q") == "Заозёрное\nшкола"
        assert text_arg("missing", "open") == "open"
        assert len(text_arg("long")) == 200 and len(text_arg("long", max_length=50)) == 50


def test_the_hand_parsed_visit_form_takes_the_same_rule_and_shows_its_limits(app, world):
    from shnor_app.forms import TEXT_MAX
    from shnor_app.models import Visit
    from tests.views.test_visits import login_tutor
    from tests.factories.visits import make_tutor_pair, visit_form

    make_tutor_pair(world)
    c = login_tutor(app, world)
    page = c.get("/visits/new").get_data(as_text=True)
    assert f'name="purpose" rows="2" maxlength="{TEXT_MAX}"' in page
    assert 'maxlength="200"' in page  # a visitor's name
    resp = post(c, "/visits/new", visit_form(world, purpose="Цель\x00 посещения\x0bуроков",
                                             **{"lessons-l1-teacher": "Петрова\x1f Ольга"}))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    visit = db.session.scalar(select(Visit))
    assert visit.purpose == "Цель посещения\nуроков"
    assert visit.lessons[0].teacher_name == "Петрова Ольга"
    too_long = post(c, "/visits/new", visit_form(world, findings="я" * (TEXT_MAX + 1)))
    assert too_long.status_code == 422
    assert f"Не длиннее {TEXT_MAX} знаков." in too_long.get_data(as_text=True)
