"""Calendars: the .ics invitation to an interview, and each user's private calendar feed.

Times are those of the region the meeting belongs to (``Region.time_zone``), written with
their zone (``TZID`` and a ``VTIMEZONE``), so a calendar in another zone shows them right.

The feed (``/calendar/<token>.ics``) needs no login: its address is the secret. The token is
kept encrypted (to be shown again on the profile page) and as its SHA-256, by which it is
found (a unique index, then a constant-time comparison); issuing a new one revokes the old.
The feed holds only what the user may open: its interviews and meetings, visits and the due
dates the user answers for (the same lists the reminders are made of).

icalendar is imported where a calendar is made, not with this module: the notification pages
import it in every server worker, and most workers never make a calendar.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta, timezone
from email.utils import parseaddr
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from sqlalchemy import select

from ...extensions import db
from ...models import Meeting, NotificationSettings, Region, User, Visit
from ...models.base import utcnow

if TYPE_CHECKING:
    from icalendar import Calendar, Event

DEFAULT_ZONE = "Europe/Moscow"
TOKEN_MAX = 100
FEED_PAST_DAYS = 90
FEED_FUTURE_DAYS = 400
FEED_MAX_EVENTS = 3000
PRODID = "-//ШНОР//Напоминания//RU"


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def region_zone(region_id: int | None) -> ZoneInfo:
    region = db.session.get(Region, region_id) if region_id else None
    return zone(region.time_zone if region is not None else None)


def _uid(kind: str, ident) -> str:
    host = (current_app.config.get("PUBLIC_URL") or "shnor").split("//")[-1].split("/")[0]
    return f"{kind}-{ident}@{host or 'shnor'}"


def _meeting_event(meeting: Meeting, tz: ZoneInfo) -> Event:
    from icalendar import Event

    from . import link

    ev = Event()
    ev.add("uid", _uid("meeting", meeting.id))
    ev.add("dtstamp", utcnow())
    interval = meeting.interval()
    if interval is not None:
        start, end = interval
        ev.add("dtstart", start.replace(tzinfo=tz))
        ev.add("dtend", end.replace(tzinfo=tz))
    else:
        ev.add("dtstart", meeting.meeting_date)
        ev.add("dtend", meeting.meeting_date + timedelta(days=1))
    who = f" — {meeting.organization.short_name}" if meeting.organization is not None else ""
    ev.add("summary", f"{meeting.kind.label}{who}")
    if meeting.place or meeting.video_link:
        ev.add("location", meeting.place or meeting.video_link)
    desc = [meeting.heading or ""]
    if meeting.video_link:
        desc.append(f"Видеосвязь: {meeting.video_link}")
    ev.add("description", "\n".join(d for d in desc if d))
    ev.add("url", link("interviews.meeting", meeting_id=meeting.id))
    return ev


def _calendar(name: str | None = None, method: str | None = None) -> Calendar:
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def invitation(meeting: Meeting, user: User) -> str:
    """An .ics invitation (METHOD:REQUEST) of ``meeting`` for ``user``; a move sends the same
    UID with a higher SEQUENCE, so the calendar moves the event instead of adding one."""
    from icalendar import vCalAddress, vText

    authority = meeting.authority
    tz = region_zone(authority.region_id if authority is not None else None)
    cal = _calendar(method="REQUEST")
    ev = _meeting_event(meeting, tz)
    ev.add("sequence", int(utcnow().timestamp()) // 60 - 29_000_000)
    ev.add("status", "CONFIRMED")
    sender = parseaddr(current_app.config.get("MAIL_FROM") or "")[1] or "noreply@localhost"
    organizer = vCalAddress(f"mailto:{sender}")
    organizer.params["cn"] = vText(authority.short_name if authority is not None else "ШНОР")
    ev["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["cn"] = vText(user.full_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    ev.add("attendee", attendee, encode=0)
    cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


# --------------------------------------------------------------------------- the feed


def _due_event(kind: str, ident, day: date, summary: str, description: str, url: str) -> Event:
    from icalendar import Event

    ev = Event()
    ev.add("uid", _uid(kind, ident))
    ev.add("dtstamp", utcnow())
    ev.add("dtstart", day)
    ev.add("dtend", day + timedelta(days=1))
    ev.add("summary", summary[:250])
    ev.add("description", description)
    ev.add("url", url)
    ev.add("transp", "TRANSPARENT")
    return ev


def feed(user: User, today: date) -> bytes:
    """The user's calendar: interviews and meetings, visits, and the due dates the user answers
    for — from 90 days back to a little over a year ahead, only what the user may open."""
    from ... import policy
    from . import link
    from .planner import due_records

    tz = region_zone(user.effective_region_id)
    start, end = today - timedelta(days=FEED_PAST_DAYS), today + timedelta(days=FEED_FUTURE_DAYS)
    cal = _calendar(name=f"ШНОР — {user.full_name}")
    cal.add("x-wr-timezone", tz.key)
    count = 0
    meetings = db.session.scalars(
        policy.scope_query(user, Meeting).where(Meeting.meeting_date.between(start, end))
        .order_by(Meeting.meeting_date, Meeting.id).limit(FEED_MAX_EVENTS))
    for meeting in meetings:
        authority = meeting.authority
        mtz = region_zone(authority.region_id) if authority is not None else tz
        cal.add_component(_meeting_event(meeting, mtz))
        count += 1
    visits = db.session.scalars(
        policy.scope_query(user, Visit).where(Visit.visit_date.between(start, end))
        .order_by(Visit.visit_date, Visit.id).limit(FEED_MAX_EVENTS))
    for visit in visits:
        cal.add_component(_due_event(
            "visit", visit.id, visit.visit_date, f"{visit.kind.label}: {visit.school.short_name}",
            visit.purpose or "", link("visits.show", visit_id=visit.id)))
        count += 1
    for rec in due_records(user, start, end, limit=FEED_MAX_EVENTS):
        cal.add_component(_due_event(rec.kind, rec.ident, rec.due, f"Срок: {rec.title}",
                                     rec.description, rec.url))
        count += 1
    cal.add_missing_timezones()
    return cal.to_ical()


# --------------------------------------------------------------------------- tokens


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def calendar_token(user: User) -> str | None:
    """The user's current feed token, or None when none was issued (or it cannot be read)."""
    from ..auth.second_factor import decrypt_secret

    row = db.session.get(NotificationSettings, user.id)
    if row is None or not row.calendar_token_enc:
        return None
    return decrypt_secret(row.calendar_token_enc)


def issue_calendar_token(user: User) -> str:
    """A new feed token for ``user``; the old address stops working at once."""
    from ..auth.second_factor import encrypt_secret

    token = secrets.token_urlsafe(32)
    row = db.session.get(NotificationSettings, user.id) or NotificationSettings(user_id=user.id)
    row.calendar_token_hash = _hash(token)
    row.calendar_token_enc = encrypt_secret(token)
    row.updated_at = datetime.now(timezone.utc)
    db.session.add(row)
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    """The active user whose feed ``token`` opens, or None (an unknown or revoked token)."""
    if not token or len(token) > TOKEN_MAX:
        return None
    digest = _hash(token)
    row = db.session.scalar(select(NotificationSettings)
                            .where(NotificationSettings.calendar_token_hash == digest))
    if row is None or not hmac.compare_digest(row.calendar_token_hash, digest):
        return None
    user = db.session.get(User, row.user_id)
    return user if user is not None and user.active else None
