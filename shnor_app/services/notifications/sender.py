"""Sending the outbox: ``flask --app wsgi notify send``.

One run: forget what is older than 90 days; make the day's digest of each user who chose it;
then send every pending message whose time has come through the SMTP server (``SMTP_*``).

- **At most once.** A message is claimed — ``pending`` → ``sending``, a conditional UPDATE
  committed on its own — before it is handed to the server; a second sender running at the same
  time cannot claim it too, and a message once claimed is never sent again (a run killed
  between the hand-over and the «sent» mark leaves it ``sending``; the next run marks it failed
  after an hour rather than risk a second copy).
- **Retried with back-off.** When the server cannot be reached or refuses a message for a
  passing reason, the message goes back to ``pending`` with its next attempt 5 minutes later,
  then 10, 20 … at most 6 hours; after 12 attempts it is marked failed.
- **Nothing is sent while ``SMTP_HOST`` is unset**: messages wait in the outbox.
"""
from __future__ import annotations

import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from flask import current_app
from sqlalchemy import delete, func, select, update

from ...extensions import db
from ...formatting import LOCAL_TZ, count_words, fmt_date
from ...models import OutboxMessage, OutboxStatus, User
from ...models.base import utcnow
from . import FOOTER_TEXT

KEEP_DAYS = 90
MAX_ATTEMPTS = 12
FIRST_DELAY = timedelta(minutes=5)
MAX_DELAY = timedelta(hours=6)
STALE_SENDING = timedelta(hours=1)
BATCH = 500


def backoff(attempts: int) -> timedelta:
    """How long a message waits after its ``attempts``-th failed attempt."""
    return min(FIRST_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def purge(now: datetime) -> int:
    """Forget messages older than 90 days; mark failed those left «sending» by a dead run."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING,
               OutboxMessage.next_attempt_at < now - STALE_SENDING)
        .values(status=OutboxStatus.FAILED,
                last_error="Отправка прервана; письмо не отправляется повторно.")
        .execution_options(synchronize_session=False))
    gone = db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.created_at < now - timedelta(days=KEEP_DAYS))
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return gone or 0


def build_digests(now: datetime) -> int:
    """One digest a day for each user who chose it, with everything that waited for it."""
    local = now.astimezone(LOCAL_TZ)
    if local.hour < int(current_app.config.get("DIGEST_HOUR", 7)):
        return 0
    day = local.date()
    user_ids = list(db.session.scalars(
        select(OutboxMessage.user_id).where(OutboxMessage.status == OutboxStatus.DIGEST)
        .group_by(OutboxMessage.user_id)))
    made = 0
    for user_id in user_ids:
        key = f"digest:{user_id}:{day.isoformat()}"
        if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == key)):
            continue  # today's digest went already: the rest waits for tomorrow's
        user = db.session.get(User, user_id)
        items = list(db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.user_id == user_id,
                                        OutboxMessage.status == OutboxStatus.DIGEST)
            .order_by(OutboxMessage.id)))
        if user is None or not items:
            continue
        digest = OutboxMessage(
            user_id=user_id, to_address=items[-1].to_address, kind="digest", dedup_key=key,
            subject=f"ШНОР: сводка за {fmt_date(day)} — "
                    + count_words(len(items), "напоминание", "напоминания", "напоминаний"),
            body_text=_digest_text(user, items), body_html=_digest_html(user, items),
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now)
        db.session.add(digest)
        db.session.flush()
        for item in items:
            item.status = OutboxStatus.MERGED
            item.digest_id = digest.id
        db.session.commit()
        made += 1
    return made


def _strip(body: str) -> str:
    """A single message's body without its greeting and footer (the digest has its own)."""
    lines = body.split("\n")
    if lines and lines[0].startswith("Здравствуйте"):
        lines = lines[2:]
    if lines and lines[-1] == FOOTER_TEXT:
        lines = lines[:-2]
    return "\n".join(lines).strip()


def _digest_text(user: User, items) -> str:
    parts = [f"Здравствуйте, {user.full_name}!", "", "Сводка напоминаний ШНОР:", ""]
    for n, item in enumerate(items, 1):
        parts += [f"{n}. {item.subject}", _strip(item.body_text), ""]
    parts.append(FOOTER_TEXT)
    return "\n".join(parts)


def _digest_html(user: User, items) -> str:
    from markupsafe import escape

    parts = [f"<p>Здравствуйте, {escape(user.full_name)}!</p><p>Сводка напоминаний ШНОР:</p>"]
    for item in items:
        body = item.body_html.split("\n")
        inner = "\n".join(body[1:-1])  # without the greeting and the footer
        parts.append(f"<h3>{escape(item.subject)}</h3>\n{inner}")
    parts.append(f"<p style=\"color:#666;font-size:90%\">{escape(FOOTER_TEXT)}</p>")
    return "\n".join(parts)


def to_email(msg: OutboxMessage) -> EmailMessage:
    cfg = current_app.config
    email = EmailMessage()
    name, addr = parseaddr(cfg.get("MAIL_FROM") or "")
    email["From"] = formataddr((name, addr or "noreply@localhost"))
    email["To"] = msg.to_address
    email["Subject"] = msg.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=f"shnor{msg.id}")
    email.set_content(msg.body_text)
    email.add_alternative(f"<!doctype html><html><body>{msg.body_html}</body></html>",
                          subtype="html")
    invitations = [msg.ics] if msg.ics else []
    if msg.kind == "digest":
        invitations += list(db.session.scalars(
            select(OutboxMessage.ics).where(OutboxMessage.digest_id == msg.id,
                                            OutboxMessage.ics.is_not(None))
            .order_by(OutboxMessage.id)))
    for n, ics in enumerate(invitations, 1):
        email.add_attachment(ics.encode("utf-8"), maintype="text", subtype="calendar",
                             filename="invite.ics" if n == 1 else f"invite-{n}.ics",
                             params={"method": "REQUEST"})
    return email


def _connect():
    cfg = current_app.config
    host, port = cfg["SMTP_HOST"], int(cfg.get("SMTP_PORT") or 25)
    timeout = int(cfg.get("SMTP_TIMEOUT", 30))
    mode = (cfg.get("SMTP_TLS") or "off").lower()
    if mode == "ssl":
        conn = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                context=ssl.create_default_context())
    else:
        conn = smtplib.SMTP(host, port, timeout=timeout)
        if mode == "starttls":
            conn.starttls(context=ssl.create_default_context())
    if cfg.get("SMTP_USER"):
        conn.login(cfg["SMTP_USER"], cfg.get("SMTP_PASSWORD") or "")
    return conn


def _failed(msg_ids, now: datetime, error: str) -> None:
    """Put claimed messages back for a later attempt (or give up after the last one)."""
    for msg in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(msg_ids))):
        msg.last_error = error[:500]
        if msg.attempts >= MAX_ATTEMPTS:
            msg.status = OutboxStatus.FAILED
        else:
            msg.status = OutboxStatus.PENDING
            msg.next_attempt_at = now + backoff(msg.attempts)
    db.session.commit()


def _claim(msg_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == msg_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, attempts=OutboxMessage.attempts + 1,
                next_attempt_at=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return claimed == 1


def pending_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.DIGEST]))) or 0


def send_pending(now: datetime | None = None) -> dict:
    """Send what is due; returns ``{"sent", "failed", "pending"}`` of this run."""
    now = now or utcnow()
    purge(now)
    build_digests(now)
    sent = failed = 0
    if not current_app.config.get("SMTP_HOST"):
        return {"sent": 0, "failed": 0, "pending": pending_count()}
    due = list(db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.PENDING,
                                       OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id).limit(BATCH)))
    conn = None
    try:
        for n, msg_id in enumerate(due):
            if not _claim(msg_id, now):
                continue  # another sender took it
            msg = db.session.get(OutboxMessage, msg_id)
            try:
                if conn is None:
                    conn = _connect()
                conn.send_message(to_email(msg))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                    smtplib.SMTPSenderRefused) as err:
                _failed([msg_id], now, f"Сервер отказал: {err}")  # this message only
                failed += 1
                continue
            except (smtplib.SMTPException, OSError) as err:
                # the server is down or the connection broke: every message waits
                conn = None
                rest = [i for i in due[n + 1:]]
                _failed([msg_id], now, f"Почтовый сервер недоступен: {err}")
                failed += 1 + _delay(rest, now, f"Почтовый сервер недоступен: {err}")
                break
            msg.status = OutboxStatus.SENT
            msg.sent_at = utcnow()
            msg.last_error = None
            db.session.commit()
            sent += 1
    finally:
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                pass
    return {"sent": sent, "failed": failed, "pending": pending_count()}


def _delay(msg_ids, now: datetime, error: str) -> int:
    """Count an attempt against every message that could not be tried (server down)."""
    count = 0
    for msg_id in msg_ids:
        if _claim(msg_id, now):
            _failed([msg_id], now, error)
            count += 1
    return count
