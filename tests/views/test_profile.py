"""The profile page (address and reminder choices), the private calendar feed and the
start-page escalations, through the test client with CSRF on."""
from __future__ import annotations

import re
from datetime import time, timedelta

from icalendar import Calendar

from shnor_app.extensions import db
from shnor_app.formatting import today
from shnor_app.models import NotificationSettings, RoadmapLevel
from shnor_app.services import notifications as svc
from tests.conftest import login, post, start_page
from tests.factories.core import make_authority, make_user
from tests.factories.interviews import make_interview, make_series
from tests.factories.recommendations import make_recommendation
from tests.factories.roadmaps import make_school_roadmap


def _panel(html: str) -> str:
    m = re.search(r'<section class="card" aria-labelledby="escalations-h".*?</section>', html, re.S)
    return m.group(0) if m else ""


def _feed_path(html: str) -> str | None:
    m = re.search(r'id="feed-url" value="https?://[^/"]+(/calendar/[^"]+\.ics)"', html)
    return m.group(1) if m else None


def test_profile_shows_the_defaults_and_saves_the_choices(login_as, world):
    c = login_as("school")
    html = c.get("/profile").get_data(as_text=True)
    assert "Напоминания по электронной почте" in html
    assert 'value="7, 1"' in html
    assert html.count('type="checkbox"') == len(svc.kinds_for(world.users["school"]))
    resp = post(c, "/profile", {"email": "coordinator@school.example.org",
                                "kinds": ["due_roadmap", "interview"], "delivery": "digest",
                                "days_before": "10, 3"})
    assert resp.status_code == 302
    user = world.users["school"]
    db.session.refresh(user)
    assert user.email == "coordinator@school.example.org"
    s = svc.settings_for(user)
    assert s.digest and s.days == (10, 3)
    assert s.wants("due_roadmap") and s.wants("interview") and not s.wants("returned")
    html = c.get("/profile").get_data(as_text=True)
    assert 'value="10, 3"' in html and "coordinator@school.example.org" in html


def test_profile_errors_keep_what_was_typed(login_as, world):
    c = login_as("methodist")
    resp = post(c, "/profile", {"email": "не адрес", "kinds": ["reported"],
                                "delivery": "now", "days_before": "неделя, 1"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Неверный адрес почты." in html
    assert "Укажите целые числа от 1 до 60" in html  # every message at once
    assert 'value="не адрес"' in html and 'value="неделя, 1"' in html
    resp = post(c, "/profile", {"email": "m@example.org", "kinds": ["reported"],
                                "delivery": "now", "days_before": "неделя, 1"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Укажите целые числа от 1 до 60" in html
    assert 'value="неделя, 1"' in html and 'value="m@example.org"' in html
    assert db.session.get(NotificationSettings, world.users["methodist"].id) is None
    db.session.refresh(world.users["methodist"])
    assert world.users["methodist"].email is None  # nothing saved half-way


def test_profile_refuses_a_post_without_the_csrf_token(login_as, world):
    c = login_as("school")
    resp = c.post("/profile", data={"email": "x@example.org", "days_before": "7"})
    assert resp.status_code == 400
    resp = c.post("/profile/calendar-token")
    assert resp.status_code == 400
    assert db.session.get(NotificationSettings, world.users["school"].id) is None


def test_the_profile_says_when_a_role_gets_no_mail(login_as):
    assert 'id="no-mail-note"' in login_as("viewer").get("/profile").get_data(as_text=True)
    assert 'id="no-mail-note"' not in login_as("tutor").get("/profile").get_data(as_text=True)


def test_the_profile_offers_only_the_reminders_that_reach_the_role(login_as, world):
    school = login_as("school").get("/profile").get_data(as_text=True)
    assert "Сроки рекомендаций" in school and "Собеседование назначено" in school
    assert "Школа отчиталась — нужна проверка" not in school
    assert 'value="reported"' not in school
    methodist = login_as("methodist").get("/profile").get_data(as_text=True)
    assert "Школа отчиталась — нужна проверка" in methodist
    assert "Сроки рекомендаций" not in methodist and "Сроки мероприятий ИОМ" not in methodist
    assert "Собеседование назначено" not in methodist
    viewer = login_as("viewer").get("/profile").get_data(as_text=True)
    assert 'type="checkbox"' not in viewer


def test_a_kind_not_offered_cannot_be_chosen_and_keeps_its_state(login_as, world):
    c = login_as("school")
    resp = post(c, "/profile", {"email": "", "kinds": ["reported"], "delivery": "now",
                                "days_before": "7"})
    assert resp.status_code == 422  # not among the choices offered to a school
    resp = post(c, "/profile", {"email": "", "kinds": ["interview"], "delivery": "now",
                                "days_before": "7"})
    assert resp.status_code == 302
    s = svc.settings_for(world.users["school"])
    assert s.wants("interview") and not s.wants("returned")
    assert s.wants("reported")  # never offered, so never turned off


def test_profile_needs_a_login(client):
    assert client.get("/profile").status_code == 302


def test_the_calendar_feed_holds_the_users_interviews_in_the_regions_zone(
        app, login_as, world, rec_source):
    w = world
    w.region.time_zone = "Asia/Yekaterinburg"
    db.session.commit()
    series = make_series(make_authority(w.muni), methodist=w.users["methodist"])
    day = today() + timedelta(days=9)
    make_interview(series, w.school_a, day=day, at=time(9, 30))
    make_interview(series, w.tutor_school, day=day, at=time(11, 0))  # another school's interview
    make_recommendation(w.school_a, "Наша рекомендация", due=today() + timedelta(days=5))
    make_recommendation(w.school_b, "Рекомендация другой школе", due=today() + timedelta(days=5))

    c = login_as("school")
    assert _feed_path(c.get("/profile").get_data(as_text=True)) is None
    resp = post(c, "/profile/calendar-token")
    assert resp.status_code == 302
    path = _feed_path(c.get("/profile").get_data(as_text=True))
    assert path

    anonymous = app.test_client()
    resp = anonymous.get(path)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(resp.data)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    (interview,) = [e for s, e in events.items() if s.startswith("Собеседование")]
    start = interview.decoded("dtstart")
    assert str(start.tzinfo) == "Asia/Yekaterinburg"
    assert (start.date(), start.hour, start.minute) == (day, 9, 30)
    assert "МКОУ СОШ с. Заозёрное" in str(interview["summary"])
    due = events["Срок: Наша рекомендация"]
    assert due.decoded("dtstart") == today() + timedelta(days=5)
    text = resp.get_data(as_text=True)
    assert "Рекомендация другой школе" not in text
    assert "Гимназия" not in text  # nothing outside the school's scope


def test_a_new_link_revokes_the_old_one(app, login_as, world):
    c = login_as("methodist")
    post(c, "/profile/calendar-token")
    old = _feed_path(c.get("/profile").get_data(as_text=True))
    anonymous = app.test_client()
    assert anonymous.get(old).status_code == 200
    page = c.get("/profile").get_data(as_text=True)
    assert "Выпустить новую ссылку" in page
    post(c, "/profile/calendar-token")
    new = _feed_path(c.get("/profile").get_data(as_text=True))
    assert new and new != old
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200
    assert anonymous.get("/calendar/unknown-token.ics").status_code == 404
    assert anonymous.get("/calendar/" + "a" * 500 + ".ics").status_code == 404


def test_a_deactivated_users_feed_is_gone(app, login_as, world):
    c = login_as("tutor")
    post(c, "/profile/calendar-token")
    path = _feed_path(c.get("/profile").get_data(as_text=True))
    world.users["tutor"].active = False
    db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_the_feed_token_is_kept_only_encrypted_and_hashed(login_as, world):
    c = login_as("school")
    post(c, "/profile/calendar-token")
    token = _feed_path(c.get("/profile").get_data(as_text=True)).split("/")[-1][:-4]
    row = db.session.get(NotificationSettings, world.users["school"].id)
    assert token not in (row.calendar_token_enc or "")
    assert row.calendar_token_hash != token and len(row.calendar_token_hash) == 64


# --------------------------------------------------------------------------- escalations


def test_overdue_by_more_than_14_days_is_escalated_to_the_municipality(
        app, world, rec_source):
    w = world
    make_recommendation(w.school_a, "Старая рекомендация", due=today() - timedelta(days=20),
         responsible="Петрова А.А., завуч")
    make_recommendation(w.school_a, "Недавно просрочена", due=today() - timedelta(days=5))
    make_recommendation(w.school_b, "Рекомендация другого района", due=today() - timedelta(days=30))
    rm, (item,) = make_school_roadmap(w.school_a, ["Пункт школы просрочен давно"])
    item.period_end = today() - timedelta(days=40)
    db.session.commit()

    html = _panel(start_page(login(app.test_client(), w.users["methodist"])))
    assert "Просрочено более 14 дней" in html
    assert "Старая рекомендация" in html and "Петрова А.А., завуч" in html
    assert "МКОУ СОШ с. Заозёрное" in html
    assert "Пункт школы просрочен давно" in html
    assert "Недавно просрочена" not in html
    assert "Рекомендация другого района" not in html
    # a school's own start page has no escalation panel
    school_page = start_page(login(app.test_client(), w.users["school"]))
    assert not _panel(school_page)
    # the region sees only the items of municipal roadmaps: none here
    region_page = _panel(start_page(login(app.test_client(), w.users["region"])))
    assert "Пункт школы просрочен давно" not in region_page


def test_municipal_items_are_escalated_to_the_region(app, world):
    from shnor_app.models import OrgKind

    from tests.factories.core import make_org

    w = world
    authority = make_org(w.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО Приречного")
    rm, (item,) = make_school_roadmap(authority, ["Муниципальный пункт просрочен"],
                                      title="Муниципальная дорожная карта")
    rm.level = RoadmapLevel.MUNICIPAL
    item.period_end = today() - timedelta(days=15)
    db.session.commit()
    html = _panel(start_page(login(app.test_client(), w.users["region"])))
    assert "Муниципальный пункт просрочен" in html and "УО Приречного" in html
    far = make_user("region", region_id=w.region2.id)
    assert not _panel(start_page(login(app.test_client(), far)))


def test_the_admin_sets_the_regions_time_zone(app, world):
    c = login(app.test_client(), world.users["admin"])
    resp = post(c, f"/registry/regions/{world.region.id}/edit",
                {"name": world.region.name, "time_zone": "Asia/Vladivostok"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    db.session.refresh(world.region)
    assert world.region.time_zone == "Asia/Vladivostok"
    resp = post(c, f"/registry/regions/{world.region.id}/edit",
                {"name": world.region.name, "time_zone": "Mars/Olympus"})
    assert resp.status_code == 422
    db.session.refresh(world.region)
    assert world.region.time_zone == "Asia/Vladivostok"


def test_a_finished_roadmap_is_neither_escalated_nor_reminded(app, world):
    from shnor_app.models import RoadmapState
    from shnor_app.services.notifications import planner

    w = world
    rm, (item,) = make_school_roadmap(w.school_a, ["Пункт завершённой карты"])
    item.period_end = today() - timedelta(days=20)
    w.users["school"].email = "school@example.org"
    db.session.commit()
    assert "Пункт завершённой карты" in _panel(start_page(login(app.test_client(),
                                                               w.users["methodist"])))
    rm.state = RoadmapState.FINISHED
    db.session.commit()
    assert not _panel(start_page(login(app.test_client(), w.users["methodist"])))
    assert planner.plan_due(today()) == 0
    rm.state = RoadmapState.ACTIVE
    db.session.commit()
    assert planner.plan_due(today()) == 1  # the school answers for its own plan's item
