"""Accounts: password rules, login with rate limiting, user management.

Failed logins are counted in the database (per login and per address) so that every worker of
a multi-process server sees the same counts. An unknown login and a wrong password give the
same message, and both spend the time of one password check.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ...extensions import db
from ...models import AuditAction, LoginAttempt, Role, User, utcnow
from ..audit import log_event
from ..errors import ServiceError

MIN_PASSWORD_LENGTH = 8
COMMON_PASSWORDS = {
    "12345678", "123456789", "1234567890", "password", "password1", "qwerty123", "qwertyui",
    "11111111", "00000000", "87654321", "iloveyou", "1q2w3e4r", "1qaz2wsx", "qwerty12",
    "abc12345", "admin123", "administrator", "йцукенгш", "пароль123", "password123",
    "qwertyuiop", "zaq12wsx", "12341234", "123123123", "shnor2023", "shnor2024", "welcome1",
    "letmein1", "q1w2e3r4", "asdfghjk", "123qweasd", "1q2w3e4r5t", "passw0rd", "qazwsxedc",
}
_DUMMY_HASH = generate_password_hash("dummy-password-for-timing", method="scrypt")


class AccountError(ServiceError):
    """A rule about accounts was broken; the message is Russian and shown to the user."""


def password_problem(password: str, login: str | None = None) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов (лучше 12 и больше)."
    if password.lower() in COMMON_PASSWORDS or len(set(password)) <= 2:
        return "Этот пароль слишком распространён. Придумайте другой."
    if login and password.lower() == login.lower():
        return "Пароль не должен совпадать с логином."
    return None


def generate_password() -> str:
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(14))


def _too_many_failures(login: str, address: str) -> bool:
    window = current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    since = utcnow() - timedelta(seconds=window)
    base = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.at >= since, LoginAttempt.success.is_(False))
    by_login = db.session.scalar(base.where(LoginAttempt.login == login))
    by_address = db.session.scalar(base.where(LoginAttempt.address == address))
    return (by_login or 0) >= limit or (by_address or 0) >= limit * 4


class LoginRefused(Exception):
    def __init__(self, message: str, locked: bool = False):
        super().__init__(message)
        self.message = message
        self.locked = locked


def authenticate(login: str, password: str, address: str) -> User:
    """Return the user or raise ``LoginRefused`` with the message to show."""
    login = (login or "").strip().lower()[:80]
    address = (address or "unknown")[:64]
    if _too_many_failures(login, address):
        _record_attempt(login, address, False, "заблокировано: слишком много попыток")
        raise LoginRefused("Слишком много неудачных попыток входа. Подождите минуту и "
                           "попробуйте снова.", locked=True)
    user = db.session.scalar(select(User).where(func.lower(User.login) == login))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        ok = False
    else:
        ok = user.check_password(password or "") and user.active
    if not ok:
        _record_attempt(login, address, False, "неверный логин или пароль")
        raise LoginRefused("Неверный логин или пароль.")
    user.last_login_at = utcnow()
    _record_attempt(login, address, True, None, user=user)
    return user


def _record_attempt(login: str, address: str, success: bool, reason: str | None,
                    user: User | None = None) -> None:
    db.session.add(LoginAttempt(login=login, address=address, success=success))
    old = utcnow() - timedelta(days=30)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < old))
    db.session.flush()
    action = AuditAction.LOGIN if success else AuditAction.LOGIN_FAILED
    log_event(action, user=user, message=None if success else f"логин «{login}»: {reason}")


def logout(user: User) -> None:
    user.end_sessions()
    db.session.flush()
    log_event(AuditAction.LOGOUT, user=user)


def change_own_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current or ""):
        raise AccountError("Текущий пароль указан неверно.")
    problem = password_problem(new, user.login)
    if problem:
        raise AccountError(problem)
    user.set_password(new)
    user.must_change_password = False
    user.end_sessions()
    db.session.commit()


def validate_scope(role: Role, organization_id, municipality_id, region_id) -> str | None:
    kind = role.scope_kind
    if kind == "organization" and not organization_id:
        return "Для этой роли укажите организацию."
    if kind == "municipality" and not municipality_id:
        return "Для муниципального методиста укажите муниципалитет."
    if kind == "region" and not region_id:
        return "Для регионального специалиста укажите регион."
    if kind == "region_or_municipality" and not (region_id or municipality_id):
        return "Для наблюдателя укажите регион или муниципалитет."
    return None


def save_user(user: User, *, password: str | None = None, by: User | None = None,
              is_new: bool = False) -> User:
    """Validate and store a user created or edited by an administrator."""
    user.login = (user.login or "").strip().lower()
    if not user.login:
        raise AccountError("Укажите логин.")
    clash = db.session.scalar(select(User).where(func.lower(User.login) == user.login,
                                                 User.id != (user.id or 0)))
    if clash is not None:
        raise AccountError("Пользователь с таким логином уже есть.")
    problem = validate_scope(user.role, user.organization_id, user.municipality_id,
                             user.region_id)
    if problem:
        raise AccountError(problem)
    # Keep only the scope the role uses, so that a stale field never widens access.
    kind = user.role.scope_kind
    if kind == "organization":
        user.municipality_id = user.region_id = None
    elif kind == "municipality":
        user.organization_id = user.region_id = None
    elif kind == "region":
        user.organization_id = user.municipality_id = None
    elif kind == "region_or_municipality":
        user.organization_id = None
        if user.municipality_id:
            user.region_id = None
    else:
        user.organization_id = user.municipality_id = user.region_id = None
    if password is not None:
        problem = password_problem(password, user.login)
        if problem:
            raise AccountError(problem)
        user.set_password(password)
    if is_new:
        user.created_by_id = getattr(by, "id", None)
        db.session.add(user)
    # A changed role, scope or password ends the user's sessions when it is flushed
    # (models/users.py), however many queries ran in between.
    db.session.commit()
    return user


def reset_password(user: User) -> str:
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.end_sessions()
    db.session.commit()
    return password


def set_active(user: User, active: bool, *, by: User) -> None:
    if user.id == by.id and not active:
        raise AccountError("Нельзя отключить собственную учётную запись.")
    user.active = active
    user.end_sessions()
    db.session.commit()
