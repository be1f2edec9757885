"""Role × endpoint for the profile page and the calendar feed, and the scope of what the feed
and the reminders tell: a user never gets a feed entry or a message about a record outside
what the user may open.

The feed needs no login — its token is the secret — so an unknown or revoked token answers 404
to everybody, and a valid one the same calendar to whoever holds it.
"""
from datetime import time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from shnor_app.extensions import db
from shnor_app.formatting import today
from shnor_app.models import OutboxMessage, Visit, VisitKind
from shnor_app.services.notifications import calendar, planner
from tests.factories.core import make_authority, make_user
from tests.factories.interviews import make_interview, make_series
from tests.factories.recommendations import make_recommendation
from tests.security.access import Case, check_case, expand, ids

ROLES = ["admin", "region", "methodist", "tutor", "school", "viewer"]
EVERYBODY = {r: 200 for r in ROLES}


@pytest.fixture
def extra(world):
    token = calendar.issue_calendar_token(world.users["school"])
    return {"token": token}


CASES = [
    Case("notifications.profile", "GET", lambda w, e: "/profile", EVERYBODY),
    Case("notifications.profile", "POST", lambda w, e: "/profile", {r: 302 for r in ROLES},
         data={"email": "", "delivery": "now", "days_before": "7, 1"},  # kinds differ by role
         label="save"),
    Case("notifications.new_calendar_token", "POST", lambda w, e: "/profile/calendar-token",
         {r: 302 for r in ROLES}),
    Case("notifications.feed", "GET", lambda w, e: f"/calendar/{e['token']}.ics",
         {**EVERYBODY, "anon": 200}),
    Case("notifications.feed", "GET", lambda w, e: "/calendar/not-a-token.ics",
         {**{r: 404 for r in ROLES}, "anon": 404}, label="unknown"),
]


@pytest.mark.parametrize("case,role", expand(CASES), ids=ids(CASES))
def test_access(app, world, extra, case, role):
    check_case(app, world, extra, case, role)


def _summaries(user) -> str:
    cal = Calendar.from_ical(calendar.feed(user, today()))
    return "\n".join(str(e["summary"]) + " " + str(e.get("description", ""))
                     for e in cal.walk("VEVENT"))


@pytest.fixture
def records(world, rec_source):
    w = world
    for login, user in w.users.items():
        user.email = f"{login}@example.org"
    school_b_user = make_user("school", organization_id=w.school_b.id)
    school_b_user.email = "school_b@example.org"
    db.session.commit()
    day = today() + timedelta(days=3)
    series = make_series(make_authority(w.muni), methodist=w.users["methodist"])
    make_interview(series, w.school_a, day=day, at=time(10, 0))
    series2 = make_series(make_authority(w.muni2), topic="Чужая серия")
    make_interview(series2, w.school_b, day=day, at=time(10, 0))
    make_recommendation(w.school_a, "Рекомендация школе А", due=day)
    make_recommendation(w.school_b, "Рекомендация школе Б", due=day)
    for school, purpose in ((w.school_a, "Выезд в школу А"), (w.school_b, "Выезд в школу Б")):
        db.session.add(Visit(kind=VisitKind.METHODICAL, visit_date=today() - timedelta(days=2),
                             school_id=school.id, visiting_org_id=w.institute.id,
                             purpose=purpose))
    db.session.commit()
    return {"school_b": school_b_user}


def test_the_feed_holds_nothing_outside_the_users_scope(world, records):
    w = world
    school = _summaries(w.users["school"])
    assert "Рекомендация школе А" in school and "Рекомендация школе Б" not in school
    assert "МКОУ СОШ с. Заозёрное" in school and "Зареченска" not in school
    other = _summaries(records["school_b"])
    assert "Рекомендация школе Б" in other and "Рекомендация школе А" not in other
    assert "Заозёрное" not in other
    methodist = _summaries(w.users["methodist"])
    assert "Заозёрное" in methodist and "Зареченска" not in methodist
    tutor = _summaries(w.users["tutor"])
    assert "Заозёрное" not in tutor and "Зареченска" not in tutor


def test_reminders_go_only_to_users_who_see_the_record(world, records):
    planner.plan_due(today())
    msgs = db.session.scalars(select(OutboxMessage)).all()
    by_address = {}
    for m in msgs:
        by_address.setdefault(m.to_address, []).append(m.body_text)
    assert any("Рекомендация школе А" in b for b in by_address["school@example.org"])
    assert not any("школе Б" in b for b in by_address["school@example.org"])
    assert not any("школе А" in b for b in by_address.get("school_b@example.org", []))
    # invitations went out when the interviews were planned: each to its own school only
    interviews = {m.to_address: m for m in msgs if m.kind == "interview"}
    assert set(interviews) == {"school@example.org", "school_b@example.org"}
    assert "Заозёрное" in interviews["school@example.org"].ics
    assert "Заозёрное" not in interviews["school_b@example.org"].ics
    assert not by_address.get("admin@example.org") and not by_address.get("viewer@example.org")
    assert not by_address.get("tutor@example.org")
