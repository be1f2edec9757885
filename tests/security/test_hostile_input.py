"""Russian and hostile text round-trips through forms, imports and PDFs unchanged and
unexecuted: stored exactly as typed, shown escaped, never evaluated as a template or SQL."""
from markupsafe import escape

import pytest
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import Organization, RoadmapItem, StaffMember

from tests.conftest import post

HOSTILE = [
    "<script>alert('x')</script> Иванова",
    "{{7*7}} {% raw %} ${7*7} #{7*7}",
    "Петров'; DROP TABLE staff_members; --",
    "Ёлкина Анна 😀👩‍🏫",
    "\u202eАнна\u202c \u200fСидорова\u200e",
    'Кавычки «ёлочки» "прямые" \\ обратная косая & амперсанд',
]


@pytest.mark.parametrize("value", HOSTILE)
def test_staff_name_round_trips_through_the_form_and_is_shown_escaped(world, login_as, value):
    c = login_as("methodist")
    resp = post(c, f"/registry/organizations/{world.school_a.id}/staff/new",
                {"full_name": value, "position": "Учитель", "category": "NONE"})
    assert resp.status_code in (200, 302), resp.get_data(as_text=True)[:500]
    member = db.session.scalar(select(StaffMember).where(StaffMember.full_name == value))
    assert member is not None, "stored exactly as typed"
    page = c.get(f"/registry/organizations/{world.school_a.id}/staff").get_data(as_text=True)
    assert str(escape(value)) in page
    assert "<script>alert" not in page
    assert "49" not in page.replace(str(member.id), "")  # {{7*7}} is never evaluated
    assert db.session.scalar(select(func.count()).select_from(StaffMember)) == 1


def test_a_10000_character_value_is_refused_with_a_russian_message_and_kept(world, login_as):
    c = login_as("methodist")
    long = "Я" * 10_000
    resp = post(c, f"/registry/organizations/{world.school_a.id}/staff/new",
                {"full_name": long, "position": "Учитель", "category": "NONE"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Значение не должно содержать более 200 символов" in html
    assert long in html  # what the user typed is kept
    assert db.session.scalar(select(func.count()).select_from(StaffMember)) == 0


def test_long_texts_are_stored_whole_up_to_the_limit_and_refused_beyond_it(world, login_as):
    from shnor_app.models import ItemReport
    from tests.factories.roadmaps import make_roadmap

    rm, _, items = make_roadmap(world.school_a, 1)
    c = login_as("school")
    url = f"/roadmaps/items/{items[0].id}/reports/new"
    too_long = ("Отчёт о проведённой работе 😀. " * 400)[:10_000]
    resp = post(c, url, {"text": too_long}, htmx=True)
    assert resp.status_code == 422
    assert "не должно содержать более 5000 символов" in resp.get_data(as_text=True)
    assert str(escape(too_long)) in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ItemReport)) == 0
    text = too_long[:5000].strip()
    assert post(c, url, {"text": text}, htmx=True).status_code == 200
    assert db.session.scalar(select(ItemReport.text)) == text


def test_hostile_text_in_an_import_preview_and_in_the_pdf(world, login_as):
    from tests.views.test_roadmaps import _pdf_text

    pasted = ("План мероприятий на 2026 год\n"
              "№\tМероприятие\tСрок\tИсполнители\n"
              "1.\t<script>alert(1)</script> Совещание {{7*7}}\tмарт 2026\tУО\n"
              "2.\tАнализ'; DROP TABLE roadmaps; -- результатов\tапрель 2026\tУО\n")
    c = login_as("admin")
    preview = post(c, "/roadmaps/import", {"text": pasted, "owner_id": ""}).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Совещание {{7*7}}" in preview
    assert "<script>alert(1)" not in preview
    import re

    upload_id = re.search(r'name="upload_id" value="([^"]+)"', preview).group(1)
    resp = post(c, "/roadmaps/import", {"upload_id": upload_id, "owner_id": "", "confirm": "1"})
    assert resp.status_code == 302
    texts = set(db.session.scalars(select(RoadmapItem.text)))
    assert "<script>alert(1)</script> Совещание {{7*7}}" in texts
    assert "Анализ'; DROP TABLE roadmaps; -- результатов" in texts
    rm_id = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    pdf = _pdf_text(login_as("admin").get(f"/roadmaps/{rm_id}/export.pdf").data)
    flat = " ".join(pdf.split())
    assert "<script>alert(1)</script> Совещание {{7*7}}" in flat
    assert "DROP TABLE roadmaps;" in flat


def test_search_with_sql_and_like_wildcards_finds_nothing_and_breaks_nothing(world, login_as):
    c = login_as("methodist")
    for q in ("' OR 1=1 --", "%", "_", "\\", "😀", "\u202e"):
        resp = c.get("/registry/organizations", query_string={"q": q},
                     headers={"HX-Request": "true"})
        assert resp.status_code == 200, q
    html = c.get("/registry/organizations", query_string={"q": "%"},
                 headers={"HX-Request": "true"}).get_data(as_text=True)
    assert world.school_a.short_name not in html  # a literal %, not "everything"
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 5
