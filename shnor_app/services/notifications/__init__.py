"""E-mail reminders: each user's choices, the outbox, and the messages events put into it.

A message is never sent from a request. It is written to the outbox (``OutboxMessage``) in the
same transaction as the event it tells of — an interview scheduled or moved (to the school,
with an .ics invitation), a report returned (to the school), a school's report (to whoever
reviews it) — or by the daily planner (``planner.plan_due``: due dates near or passed), and sent
by ``flask --app wsgi notify send`` (``sender.send_pending``). Each message has a ``dedup_key``
(unique): queuing the same reminder again does nothing.

Recipients are chosen by the policy (``policy.notifications``): only active users with an
address, never the administrator or an observer, and only for a record the user may open.
Each user turns kinds off, picks a daily digest, and names the days before a due date on the
profile page (:func:`save_settings`).

Links in messages are absolute: ``PUBLIC_URL`` (the address people open the application at)
followed by the page's path.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, has_request_context, url_for
from markupsafe import escape
from sqlalchemy import select

from ...extensions import db
from ...models import NotificationSettings, OutboxMessage, OutboxStatus, User
from ...models.base import utcnow
from ..errors import ServiceError

# The kinds of messages a user may turn off (profile page), in the order shown.
KINDS = {
    "due_roadmap": "Сроки пунктов дорожных карт",
    "due_recommendation": "Сроки рекомендаций",
    "due_iom": "Сроки мероприятий ИОМ",
    "due_mentoring": "Сроки шагов плана наставничества",
    "interview": "Собеседование назначено или перенесено (с приглашением в календарь)",
    "returned": "Отчёт по рекомендации возвращён на доработку",
    "reported": "Школа отчиталась — нужна проверка",
}
DEFAULT_DAYS = (7, 1)
MAX_DAYS = 60
MAX_DAY_COUNT = 5


def kinds_for(user) -> dict[str, str]:
    """The kinds the profile page offers ``user``: only those that can reach the user's role."""
    from ...policy.notifications import reminder_kinds

    return {k: KINDS[k] for k in reminder_kinds(user, KINDS)}


class NotificationError(ServiceError):
    """A choice on the profile page that cannot be kept; the message is Russian."""


# --------------------------------------------------------------------------- settings


@dataclass
class Settings:
    disabled: set[str] = field(default_factory=set)
    digest: bool = False
    days: tuple[int, ...] = DEFAULT_DAYS

    def wants(self, kind: str) -> bool:
        return kind not in self.disabled

    @property
    def days_text(self) -> str:
        return ", ".join(str(d) for d in self.days)


def _row(user) -> NotificationSettings | None:
    return db.session.get(NotificationSettings, user.id)


def settings_for(user) -> Settings:
    row = _row(user)
    if row is None:
        return Settings()
    try:
        days = parse_days(row.days_before)
    except NotificationError:
        days = DEFAULT_DAYS
    return Settings({k for k in (row.disabled_kinds or "").split(",") if k}, bool(row.digest),
                    days)


def parse_days(text: str | None) -> tuple[int, ...]:
    """«7, 1» → (7, 1): whole days from 1 to 60, at most five, largest first; empty: none."""
    parts = [p for p in re.split(r"[\s,;]+", (text or "").strip()) if p]
    days = set()
    for part in parts:
        if not part.isdigit() or not 1 <= int(part) <= MAX_DAYS:
            raise NotificationError(
                f"«{part[:20]}» — не число дней. Укажите целые числа от 1 до {MAX_DAYS} "
                "через запятую, например «7, 1».", {"days_before": (
                    f"Укажите целые числа от 1 до {MAX_DAYS} через запятую, например «7, 1»; "
                    f"«{part[:20]}» не подходит.")})
        days.add(int(part))
    if len(days) > MAX_DAY_COUNT:
        msg = f"Не больше {MAX_DAY_COUNT} напоминаний до срока."
        raise NotificationError(msg, {"days_before": msg})
    return tuple(sorted(days, reverse=True))


def save_settings(user: User, *, email: str | None, enabled: list[str], digest: bool,
                  days_before: str) -> Settings:
    """Keep the user's address and choices (the address is checked by the form)."""
    try:
        days = parse_days(days_before)
    except NotificationError:
        db.session.rollback()
        raise
    row = _row(user) or NotificationSettings(user_id=user.id)
    offered = kinds_for(user)
    kept = {k for k in (row.disabled_kinds or "").split(",") if k in KINDS and k not in offered}
    row.disabled_kinds = ",".join(
        k for k in KINDS if k in kept or (k in offered and k not in set(enabled or ())))
    row.digest = bool(digest)
    row.days_before = ",".join(str(d) for d in days)
    db.session.add(row)
    user.email = (email or "").strip() or None
    db.session.commit()
    return settings_for(user)


# --------------------------------------------------------------------------- links


def absolute(path: str) -> str:
    base = (current_app.config.get("PUBLIC_URL") or "http://localhost:5000").rstrip("/")
    return base + path


def short(text, limit: int) -> str:
    """``text`` (or ``str(text)``) on one line, cut to ``limit`` characters with «…»."""
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def link(endpoint: str, **values) -> str:
    """The absolute address of a page (``PUBLIC_URL`` + its path), in a request or not."""
    if has_request_context():
        return absolute(url_for(endpoint, **values))
    with current_app.test_request_context("/"):
        return absolute(url_for(endpoint, **values))


# --------------------------------------------------------------------------- messages


@dataclass
class Mail:
    """A message: a subject, a first paragraph, rows of (label, value) and a link."""
    subject: str
    intro: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    url: str | None = None
    link_label: str = "Открыть в ШНОР"

    def text(self, user) -> str:
        lines = [f"Здравствуйте, {user.full_name}!", "", self.intro, ""]
        lines += [f"{label}: {value}" for label, value in self.rows if value]
        if self.url:
            lines += ["", f"{self.link_label}: {self.url}"]
        lines += ["", FOOTER_TEXT]
        return "\n".join(lines)

    def html(self, user) -> str:
        rows = "".join(
            f"<tr><th style=\"text-align:left;padding:2px 12px 2px 0;vertical-align:top\">"
            f"{escape(label)}</th><td>{escape(value)}</td></tr>"
            for label, value in self.rows if value)
        parts = [f"<p>Здравствуйте, {escape(user.full_name)}!</p>", f"<p>{escape(self.intro)}</p>"]
        if rows:
            parts.append(f"<table>{rows}</table>")
        if self.url:
            parts.append(f"<p><a href=\"{escape(self.url)}\">{escape(self.link_label)}</a></p>")
        parts.append(f"<p style=\"color:#666;font-size:90%\">{escape(FOOTER_TEXT)}</p>")
        return "\n".join(parts)


FOOTER_TEXT = ("Это письмо отправлено автоматически системой ШНОР. Какие напоминания получать, "
               "вы выбираете на странице «Профиль».")


def queue(user: User, kind: str, key: str, mail: Mail, *, ics: str | None = None,
          settings: Settings | None = None) -> OutboxMessage | None:
    """Put ``mail`` to ``user`` into the outbox (in the caller's transaction; not committed).

    Nothing is queued for a user who does not receive mail, has turned ``kind`` off, or already
    has a message with this key. A user who chose the digest gets it in the day's digest.
    """
    from ...policy.notifications import receives_mail

    if not receives_mail(user):
        return None
    settings = settings or settings_for(user)
    if not settings.wants(kind):
        return None
    key = key[:200]
    exists = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == key))
    if exists is not None:
        return None
    msg = OutboxMessage(
        user_id=user.id, to_address=user.email.strip(), kind=kind, dedup_key=key,
        subject=mail.subject[:300], body_text=mail.text(user), body_html=mail.html(user),
        ics=ics, status=OutboxStatus.DIGEST if settings.digest else OutboxStatus.PENDING,
        attempts=0, next_attempt_at=utcnow(), created_at=utcnow())
    db.session.add(msg)
    return msg


def _stamp(value: datetime | None) -> str:
    return value.strftime("%Y%m%d%H%M%S") if value else "-"


from .events import (  # noqa: E402,F401 - what the other areas call
    interview_scheduled, item_reported, recommendation_reported, recommendation_returned,
)
