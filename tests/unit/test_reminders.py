"""E-mail reminders against a real SMTP server started by the test (aiosmtpd).

What is checked: due-date reminders reach the responsible users only (never a user outside the
record's scope), none twice after two runs; with the server down nothing is lost and
everything arrives once it is back; an interview scheduled or moved reaches the school with an
.ics invitation whose times are those of the region's time zone; returned and reported
recommendations reach the school and the reviewer; a digest is one message a day; kinds turned
off are not sent; nothing is sent while SMTP_HOST is unset; messages older than 90 days are
forgotten; ``notify send --json`` prints exactly the three counts.
"""
from __future__ import annotations

import email
import json
import socket
from datetime import date, datetime, time, timedelta, timezone
from email import policy as email_policy

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from sqlalchemy import func, select

from shnor_app.extensions import db
from shnor_app.models import (
    ActivityKind, DevelopmentPlan, MentoringPair, MentoringStep, OutboxMessage, OutboxStatus,
    PairKind, PlanActivity,
)
from shnor_app.services import notifications as svc
from shnor_app.services import recommendations as rec_svc
from shnor_app.services.notifications import planner, sender
from tests.factories.core import make_authority, make_user
from tests.factories.interviews import make_interview, make_series
from tests.factories.recommendations import make_recommendation

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc)  # 09:00 in Moscow


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email_policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """An SMTP server on a fixed port that the test stops and starts again."""

    def __init__(self):
        self.port = _free_port()
        self.sink = Sink()
        self.controller = None

    def start(self):
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.sink.messages

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(app, monkeypatch):
    server = Server()
    server.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
    monkeypatch.setitem(app.config, "SMTP_TLS", "off")
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 5)
    monkeypatch.setitem(app.config, "MAIL_FROM", "ШНОР <shnor@example.org>")
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://shnor.example.org")
    yield server
    server.stop()


@pytest.fixture
def mailed(world):
    """The world's users with addresses at example.org."""
    for login, user in world.users.items():
        user.email = f"{login}@example.org"
    db.session.commit()
    return world


# The clock the outbox stamps what it queues with (``next_attempt_at``, ``created_at``). The
# tests are about 2026-12-07, 09:00 in Moscow, whatever the real date: a message queued at the
# real time and sent «at NOW» was not due yet once the real clock had passed NOW.
_CLOCK = {"now": NOW}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    _CLOCK["now"] = NOW
    monkeypatch.setattr(svc, "utcnow", lambda: _CLOCK["now"])
    return _CLOCK


def run(now=NOW, today=TODAY):
    _CLOCK["now"] = now
    planner.plan_due(today)
    return sender.send_pending(now)


def _body(msg) -> str:
    return msg.get_body(("plain",)).get_content()


# --------------------------------------------------------------------------- due dates


def test_due_reminders_reach_the_responsible_school_once(smtp, mailed, rec_source):
    w = mailed
    own = make_recommendation(w.school_a, "Провести педсовет по итогам ВПР", due=TODAY + timedelta(days=7),
               responsible="Иванова И.П., заместитель директора")
    make_recommendation(w.school_b, "Чужая рекомендация соседней школе", due=TODAY + timedelta(days=7))
    make_recommendation(w.school_a, "Срок ещё не близко", due=TODAY + timedelta(days=30))

    first = run()
    assert first == {"sent": 1, "failed": 0, "pending": 0}
    (msg,) = smtp.to("school@example.org")
    assert msg["Subject"] == "Срок через 7 дней: Провести педсовет по итогам ВПР"
    text = _body(msg)
    assert "Иванова И.П., заместитель директора" in text
    assert "07.12.2026" not in text and "14.12.2026" in text
    assert "https://shnor.example.org/registry/organizations/" in text  # a direct link
    html = msg.get_body(("html",)).get_content()
    assert "Провести педсовет по итогам ВПР" in html
    # nobody else is told of the school's recommendation, nobody of the other school's
    assert len(smtp.messages) == 1
    assert not any("Чужая" in _body(m) for m in smtp.messages)

    assert run() == {"sent": 0, "failed": 0, "pending": 0}           # the same day again
    assert run(NOW + timedelta(days=2), TODAY + timedelta(days=2))["sent"] == 0  # same stage
    assert len(smtp.messages) == 1

    # 1 day before, on the day, overdue: one each, never twice
    for shift in (6, 7, 8, 9):
        run(NOW + timedelta(days=shift), TODAY + timedelta(days=shift))
        run(NOW + timedelta(days=shift), TODAY + timedelta(days=shift))
    subjects = [m["Subject"] for m in smtp.to("school@example.org")]
    assert subjects == ["Срок через 7 дней: Провести педсовет по итогам ВПР",
                        "Срок через 1 день: Провести педсовет по итогам ВПР",
                        "Сегодня срок: Провести педсовет по итогам ВПР",
                        "Просрочено: Провести педсовет по итогам ВПР"]
    assert own.id


def test_an_ios_activity_and_a_mentoring_step_remind_their_school(smtp, mailed):
    w = mailed
    plan_ = DevelopmentPlan(organization_id=w.school_a.id, title="ИОМ учителя математики")
    db.session.add(plan_)
    db.session.flush()
    db.session.add(PlanActivity(plan_id=plan_.id, kind=ActivityKind.SEMINAR,
                                title="Семинар по заданиям ОГЭ", due_date=TODAY))
    pair = MentoringPair(kind=PairKind.SCHOOL, mentor_org_id=w.tutor_school.id,
                         mentee_org_id=w.school_a.id, start_date=date(2026, 9, 1))
    db.session.add(pair)
    db.session.flush()
    db.session.add(MentoringStep(pair_id=pair.id, text="Взаимопосещение уроков",
                                 due_date=TODAY + timedelta(days=1)))
    db.session.commit()

    assert run()["sent"] == 3
    school = sorted(m["Subject"] for m in smtp.to("school@example.org"))
    assert school == ["Сегодня срок: Семинар по заданиям ОГЭ",
                      "Срок через 1 день: Взаимопосещение уроков"]
    (tutor,) = smtp.to("tutor@example.org")
    assert tutor["Subject"] == "Срок через 1 день: Взаимопосещение уроков"
    assert "/mentoring/" in _body(tutor)
    assert not smtp.to("methodist@example.org")  # no observer, methodist or admin is told


def test_smtp_down_nothing_lost_then_all_sent_once(smtp, mailed, rec_source):
    w = mailed
    make_recommendation(w.school_a, "Первая рекомендация", due=TODAY + timedelta(days=1))
    make_recommendation(w.school_a, "Вторая рекомендация", due=TODAY)
    smtp.stop()
    down = run()
    assert down == {"sent": 0, "failed": 2, "pending": 2}
    msgs = db.session.scalars(select(OutboxMessage)).all()
    assert {m.status for m in msgs} == {OutboxStatus.PENDING}
    assert all(m.attempts == 1 and m.last_error for m in msgs)
    # waiting out the back-off: a run right away does not even try
    assert sender.send_pending(NOW + timedelta(minutes=1)) == {"sent": 0, "failed": 0,
                                                               "pending": 2}
    smtp.start()
    back = sender.send_pending(NOW + timedelta(minutes=6))
    assert back == {"sent": 2, "failed": 0, "pending": 0}
    assert sorted(m["Subject"] for m in smtp.messages) == [
        "Сегодня срок: Вторая рекомендация", "Срок через 1 день: Первая рекомендация"]
    assert run(NOW + timedelta(hours=1)) == {"sent": 0, "failed": 0, "pending": 0}
    assert len(smtp.messages) == 2


def test_back_off_grows_and_a_message_is_given_up_after_the_last_attempt(smtp, mailed, rec_source):
    assert [sender.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=5),
                                                      timedelta(minutes=10),
                                                      timedelta(minutes=20)]
    assert sender.backoff(30) == timedelta(hours=6)
    make_recommendation(mailed.school_a, "Рекомендация", due=TODAY)
    smtp.stop()
    now = NOW
    planner.plan_due(TODAY)
    for _ in range(sender.MAX_ATTEMPTS):
        sender.send_pending(now)
        now += timedelta(hours=7)
    msg = db.session.scalar(select(OutboxMessage))
    assert msg.status == OutboxStatus.FAILED and msg.attempts == sender.MAX_ATTEMPTS
    smtp.start()
    assert sender.send_pending(now)["sent"] == 0  # given up: never sent afterwards


def test_a_claimed_message_is_never_sent_again(smtp, mailed, rec_source):
    make_recommendation(mailed.school_a, "Рекомендация", due=TODAY)
    planner.plan_due(TODAY)
    msg = db.session.scalar(select(OutboxMessage))
    msg.status = OutboxStatus.SENDING  # a run died after handing it over
    db.session.commit()
    assert sender.send_pending(NOW + timedelta(hours=2)) == {"sent": 0, "failed": 0,
                                                             "pending": 0}
    assert db.session.get(OutboxMessage, msg.id).status == OutboxStatus.FAILED
    assert not smtp.messages


def test_nothing_is_sent_while_smtp_host_is_unset(app, smtp, mailed, rec_source, monkeypatch):
    make_recommendation(mailed.school_a, "Рекомендация", due=TODAY)
    monkeypatch.setitem(app.config, "SMTP_HOST", "")
    assert run() == {"sent": 0, "failed": 0, "pending": 1}
    assert not smtp.messages


def test_messages_are_kept_90_days(smtp, mailed, rec_source):
    make_recommendation(mailed.school_a, "Рекомендация", due=TODAY)
    run()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
    sender.send_pending(NOW + timedelta(days=89))
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
    sender.send_pending(NOW + timedelta(days=91))
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_kinds_turned_off_are_not_sent_and_days_are_the_users(smtp, mailed, rec_source):
    w = mailed
    make_recommendation(w.school_a, "Рекомендация через 3 дня", due=TODAY + timedelta(days=3))
    svc.save_settings(w.users["school"], email="school@example.org",
                      enabled=[k for k in svc.KINDS if k != "due_recommendation"],
                      digest=False, days_before="7, 1")
    assert run()["sent"] == 0
    svc.save_settings(w.users["school"], email="school@example.org", enabled=list(svc.KINDS),
                      digest=False, days_before="3")
    assert run(NOW + timedelta(hours=1))["sent"] == 1
    assert smtp.messages[0]["Subject"].startswith("Срок через 3 дня")


def test_a_digest_user_gets_one_message_a_day(app, smtp, mailed, rec_source, monkeypatch):
    w = mailed
    svc.save_settings(w.users["school"], email="school@example.org", enabled=list(svc.KINDS),
                      digest=True, days_before="7, 1")
    make_recommendation(w.school_a, "Первая", due=TODAY)
    make_recommendation(w.school_a, "Вторая", due=TODAY + timedelta(days=1))
    assert run() == {"sent": 1, "failed": 0, "pending": 0}
    (digest,) = smtp.messages
    assert digest["Subject"] == "ШНОР: сводка за 07.12.2026 — 2 напоминания"
    assert "Сегодня срок: Первая" in _body(digest) and "Срок через 1 день: Вторая" in _body(digest)
    make_recommendation(w.school_a, "Третья", due=TODAY)
    assert run(NOW + timedelta(hours=2)) == {"sent": 0, "failed": 0, "pending": 1}  # tomorrow
    assert run(NOW + timedelta(days=1), TODAY + timedelta(days=1))["sent"] == 1
    assert len(smtp.messages) == 2
    assert "Третья" in _body(smtp.messages[1])


def test_notify_send_json_prints_exactly_the_three_counts(app, smtp, mailed, rec_source):
    make_recommendation(mailed.school_a, "Рекомендация", due=TODAY + timedelta(days=1))
    result = app.test_cli_runner().invoke(args=["notify", "send", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"sent", "failed", "pending"}
    assert all(isinstance(v, int) for v in data.values())
    assert data == {"sent": 1, "failed": 0, "pending": 0}


# --------------------------------------------------------------------------- events


def _ics(msg) -> Calendar:
    parts = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return Calendar.from_ical(parts[0].get_content())


def test_an_interview_scheduled_and_moved_reaches_the_school_with_an_invitation(
        smtp, mailed):
    w = mailed
    w.region.time_zone = "Asia/Yekaterinburg"
    db.session.commit()
    authority = make_authority(w.muni)
    series = make_series(authority, methodist=w.users["methodist"])
    meeting = make_interview(series, w.school_a, day=date(2026, 12, 15), at=time(10, 0))
    make_interview(series, w.tutor_school, day=date(2026, 12, 15), at=time(11, 0))  # another school's
    assert sender.send_pending(NOW)["sent"] == 1
    (invite,) = smtp.to("school@example.org")
    assert invite["Subject"] == "Собеседование назначено: 15.12.2026, 10:00–10:40"
    cal = _ics(invite)
    assert str(cal["method"]) == "REQUEST"
    (ev,) = cal.walk("VEVENT")
    start = ev.decoded("dtstart")
    assert start.replace(tzinfo=None) == datetime(2026, 12, 15, 10, 0)
    assert str(start.tzinfo) == "Asia/Yekaterinburg"
    assert start.astimezone(timezone.utc) == datetime(2026, 12, 15, 5, 0, tzinfo=timezone.utc)
    assert ev.decoded("dtend").replace(tzinfo=None) == datetime(2026, 12, 15, 10, 40)
    assert cal.walk("VTIMEZONE")
    uid, seq = str(ev["uid"]), int(ev["sequence"])

    from shnor_app.services import interviews as int_svc

    int_svc.reschedule(meeting, int_svc.SlotData(date(2026, 12, 16), time(14, 0), None,
                                                 meeting.place, None))
    int_svc.reschedule(meeting, int_svc.SlotData(date(2026, 12, 16), time(14, 0), None,
                                                 meeting.place, None))  # no change: no mail
    assert sender.send_pending(NOW + timedelta(minutes=3))["sent"] == 1
    moved = smtp.to("school@example.org")[1]
    assert moved["Subject"].startswith("Собеседование перенесено: 16.12.2026, 14:00")
    (ev2,) = _ics(moved).walk("VEVENT")
    assert str(ev2["uid"]) == uid and int(ev2["sequence"]) >= seq
    assert ev2.decoded("dtstart").astimezone(timezone.utc) == datetime(
        2026, 12, 16, 9, 0, tzinfo=timezone.utc)
    assert len(smtp.messages) == 2  # the other school's interview told nobody here
    assert not smtp.to("tutor@example.org")  # its tutor user does not see the interview


def test_returned_and_reported_recommendations(smtp, mailed, rec_source):
    w = mailed
    other_methodist = make_user("methodist", municipality_id=w.muni2.id)
    other_methodist.email = "other@example.org"
    db.session.commit()
    rec = make_recommendation(w.school_a, "Провести педсовет", due=TODAY + timedelta(days=30))
    rec_svc.report(rec, text="Педсовет проведён 01.12.2026", by=w.users["school"])
    # whoever may accept or return it: the school's methodist and its region's specialist
    assert sender.send_pending(NOW)["sent"] == 2
    assert len(smtp.to("region@example.org")) == 1
    (reported,) = smtp.to("methodist@example.org")
    assert reported["Subject"].startswith("Школа отчиталась по рекомендации")
    assert "Педсовет проведён 01.12.2026" in _body(reported)
    rec_svc.return_(rec, by=w.users["methodist"], comment="Приложите протокол <педсовета>")
    assert sender.send_pending(NOW)["sent"] == 1
    (returned,) = smtp.to("school@example.org")
    assert returned["Subject"] == "Отчёт по рекомендации возвращён на доработку"
    assert "Приложите протокол <педсовета>" in _body(returned)
    assert "&lt;педсовета&gt;" in returned.get_body(("html",)).get_content()  # escaped
    assert not smtp.to("other@example.org") and not smtp.to("admin@example.org")
    assert not smtp.to("viewer@example.org")


def test_stages():
    days = (7, 1)
    assert planner.stage(TODAY + timedelta(days=10), TODAY, days) is None
    assert planner.stage(TODAY + timedelta(days=7), TODAY, days) == "before-7"
    assert planner.stage(TODAY + timedelta(days=5), TODAY, days) == "before-7"
    assert planner.stage(TODAY + timedelta(days=1), TODAY, days) == "before-1"
    assert planner.stage(TODAY, TODAY, days) == "today"
    assert planner.stage(TODAY - timedelta(days=3), TODAY, days) == "overdue"
    assert planner.stage(TODAY - timedelta(days=31), TODAY, days) is None


@pytest.mark.parametrize("text,expected", [("7, 1", (7, 1)), ("1 7 14", (14, 7, 1)),
                                           ("", ()), ("3;3", (3,))])
def test_days_before_are_parsed(text, expected):
    assert svc.parse_days(text) == expected


@pytest.mark.parametrize("text", ["abc", "0", "61", "1,2,3,4,5,6", "-1"])
def test_bad_days_before_are_refused_in_russian(text):
    with pytest.raises(svc.NotificationError) as err:
        svc.parse_days(text)
    assert "days_before" in err.value.fields


def test_a_report_on_a_roadmap_item_reaches_whoever_keeps_the_roadmap(smtp, mailed):
    from sqlalchemy import select as sa_select

    from shnor_app.models import OrgKind, Roadmap, RoadmapLevel, RoadmapSection
    from shnor_app.services import roadmaps as rm_svc
    from tests.factories.core import make_org

    w = mailed
    authority = make_org(w.muni, kind=OrgKind.MUNICIPAL_AUTHORITY, short_name="УО района")
    rm = Roadmap(owner_id=authority.id, title="Муниципальная дорожная карта", year=2026,
                 level=RoadmapLevel.MUNICIPAL)
    rm_svc.save_roadmap(rm, is_new=True)
    section = db.session.scalar(sa_select(RoadmapSection)
                                .where(RoadmapSection.roadmap_id == rm.id))
    item = rm_svc.add_item(section, {"text": "Педсовет по итогам ВПР", "period_text": "декабрь 2026",
                                     "executors": "МКОУ СОШ с. Заозёрное"})
    rm_svc.add_report(item, text="Педсовет проведён, протокол приложен", report_date=None,
                      by=w.users["school"])
    assert sender.send_pending(NOW)["sent"] >= 1
    (msg,) = smtp.to("methodist@example.org")
    assert msg["Subject"] == "Отчёт по пункту дорожной карты: МКОУ СОШ с. Заозёрное"
    assert "Педсовет проведён, протокол приложен" in _body(msg)
    assert f"https://shnor.example.org/roadmaps/items/{item.id}" in _body(msg)
    assert not smtp.to("school@example.org")  # not to the author
    assert not smtp.to("tutor@example.org") and not smtp.to("viewer@example.org")
