"""Accounts, roles and login attempts.

Sessions end when access changes. A Flask-Login id carries ``User.session_version``; every
session whose version is older than the user's is refused. The version is bumped by a mapper
hook (:func:`_end_sessions_when_access_changes`) whenever a flush writes a change of any of
:data:`SESSION_BOUND_FIELDS` — role, scope, password, deactivation, second factor. The hook runs
inside the flush, where the change is still visible: a service that compared the attribute
history itself would miss a change that an earlier query had already autoflushed (the history
is empty after a flush), and sessions would survive a role change.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import LabelledEnum, TimestampMixin, enum_column, utcnow
from .registry import Municipality, Organization, Region


class Role(LabelledEnum):
    ADMIN = "Администратор"
    REGION = "Региональный специалист"
    METHODIST = "Муниципальный методист"
    TUTOR = "Школа-тьютор / наставник"
    SCHOOL = "Школа (координатор)"
    VIEWER = "Наблюдатель"

    @property
    def scope_kind(self) -> str:
        """What a user of this role must be attached to: region, municipality or organisation."""
        return {
            "ADMIN": "none", "REGION": "region", "METHODIST": "municipality",
            "TUTOR": "organization", "SCHOOL": "organization", "VIEWER": "region_or_municipality",
        }[self.name]


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    position: Mapped[str | None] = mapped_column(String(200), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = enum_column(Role)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), nullable=True, index=True
    )
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id"), nullable=True, index=True
    )
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The second factor (services/auth/second_factor.py): the TOTP secret, encrypted; when it
    # was set up; the time step of the last code accepted (a code is accepted once).
    totp_secret: Mapped[str | None] = mapped_column(String(255), nullable=True)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                             nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)

    organization: Mapped[Organization | None] = relationship(
        lazy="joined", foreign_keys=[organization_id])
    municipality: Mapped[Municipality | None] = relationship(
        lazy="joined", foreign_keys=[municipality_id])
    region: Mapped[Region | None] = relationship(lazy="joined", foreign_keys=[region_id])

    # Neither password_hash nor the TOTP secret is ever written to the audit log.
    __audit__ = True
    __audit_exclude__ = {"password_hash", "session_version", "last_login_at", "totp_secret",
                         "totp_last_step"}

    def __str__(self) -> str:
        return self.full_name

    # Flask-Login: the id carries the session version, so bumping it ends every open session.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def set_password(self, password: str) -> None:
        method = "scrypt"
        if has_app_context():
            method = current_app.config.get("PASSWORD_HASH_METHOD", method)
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        self.session_version = (self.session_version or 1) + 1

    def _own_or_through(self, key: str, *holders: str) -> int | None:
        """The user's own ``key`` when set, else that of the first of ``holders`` (the
        municipality, the organisation) the user is attached to."""
        if getattr(self, key):
            return getattr(self, key)
        for name in holders:
            holder = getattr(self, name)
            if holder is not None:
                return getattr(holder, key)
        return None

    @property
    def effective_municipality_id(self) -> int | None:
        return self._own_or_through("municipality_id", "organization")

    @property
    def effective_region_id(self) -> int | None:
        return self._own_or_through("region_id", "municipality", "organization")

    @property
    def scope_label(self) -> str:
        if self.role == Role.ADMIN:
            return "вся система"
        if self.organization is not None:
            return self.organization.short_name
        if self.municipality is not None:
            return self.municipality.name
        if self.region is not None:
            return self.region.name
        return "не задана"


# A flushed change of any of these ends every open session of the user.
SESSION_BOUND_FIELDS = ("role", "organization_id", "municipality_id", "region_id", "active",
                        "password_hash", "totp_secret")


@event.listens_for(User, "before_update")
def _end_sessions_when_access_changes(_mapper, _connection, user: User) -> None:
    state = inspect(user)
    if state.attrs.session_version.history.has_changes():
        return  # ended explicitly in this flush already
    if any(state.attrs[key].history.has_changes() for key in SESSION_BOUND_FIELDS):
        user.end_sessions()


class RecoveryCode(db.Model):
    """A one-time recovery code of the second factor, stored hashed like a password."""

    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LoginAttempt(db.Model):
    """Every login attempt, kept in the database so that all workers share the counters."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    login: Mapped[str] = mapped_column(String(80), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    success: Mapped[bool] = mapped_column(Boolean)
