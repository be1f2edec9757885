"""Reminders by e-mail: each user's choices and the outbox of messages.

:class:`NotificationSettings` — one row per user who changed anything (a user without a row
gets the defaults): the kinds of messages turned off, a daily digest instead of single
messages, the days before a due date to be reminded on, and the private calendar feed's token
(encrypted, to be shown again on the profile page, and its SHA-256 to find it by).

:class:`OutboxMessage` — every message to be sent. It is written in the same transaction as the
event it tells of (an interview scheduled, a report returned) or by the daily planner (a due
date near), and sent later by ``flask --app wsgi notify send``. ``dedup_key`` is unique: the
same reminder is never queued twice, and a queued one is sent at most once (it is claimed —
``pending`` → ``sending`` — in its own transaction before it is handed to the SMTP server).
A message for a user who chose the digest waits as ``digest`` until the day's digest takes it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class NotificationSettings(db.Model):
    __tablename__ = "notification_settings"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    # kinds turned off, comma-separated keys of services.notifications.KINDS
    disabled_kinds: Mapped[str] = mapped_column(String(300), default="", server_default="")
    digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    days_before: Mapped[str] = mapped_column(String(60), default="7,1", server_default="7,1")
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True,
                                                            unique=True)
    calendar_token_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)


class OutboxStatus:
    PENDING = "pending"      # to be sent (at ``next_attempt_at``)
    DIGEST = "digest"        # waits for the user's daily digest
    SENDING = "sending"      # claimed by a sender; never claimed again
    SENT = "sent"
    MERGED = "merged"        # went out inside a digest (``digest_id``)
    FAILED = "failed"        # given up after the last attempt, or no address


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                nullable=True, index=True)
    to_address: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text, nullable=True)  # an invitation (.ics)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    digest_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
