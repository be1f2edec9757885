"""Accounts: password rules, login with rate limiting, user management.

Failed logins are counted in the database (per login and per address) so that every worker of
a multi-process server sees the same counts. An unknown login and a wrong password give the
same message, and both spend the time of one password check.

Lockout under concurrency. Every attempt — a password, or a second-factor code — is first
written as a failure and committed (:func:`begin_attempt`), and only then are the failures of
the window counted, its own included; the secret is checked only when that count is within the
limit, and a success turns the attempt's row into a success afterwards. Of N attempts sent at
once the one committed k-th counts at least k failures (every row committed before its count
began is visible, on PostgreSQL as on SQLite), so no more than ``LOGIN_MAX_FAILURES`` secrets
are ever checked in a window, however many requests race: counting and checking cannot
interleave. Refused attempts count too, so a login under attack stays locked while it lasts.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ...extensions import db
from ...models import AuditAction, LoginAttempt, Role, User, utcnow
from ..audit import log_event
from ..errors import ServiceError, transactional

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


class LoginRefused(ServiceError):
    """A login step refused (wrong password or code, or too many attempts: ``locked``).

    The functions that raise it are deliberately not ``transactional``: the failed attempt they
    have recorded must stay counted by the lockout.
    """

    def __init__(self, message: str, locked: bool = False):
        super().__init__(message)
        self.locked = locked


LOCKED_MESSAGE = "Слишком много неудачных попыток входа. Подождите минуту и попробуйте снова."


def clean_login(login: str | None) -> str:
    return (login or "").strip().lower()[:80]


def begin_attempt(login: str, address: str) -> int:
    """Record an attempt for ``login`` as a failure, then count: the attempt's id, or
    ``LoginRefused(locked=True)`` when the window already holds too many failures."""
    attempt = LoginAttempt(login=login, address=address, success=False)
    db.session.add(attempt)
    db.session.flush()
    attempt_id = attempt.id
    old = utcnow() - timedelta(days=30)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < old))
    db.session.commit()  # visible to every attempt that counts after this one
    window = current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    base = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.at >= utcnow() - timedelta(seconds=window),
        LoginAttempt.success.is_(False))
    by_login = db.session.scalar(base.where(LoginAttempt.login == login)) or 0
    by_address = db.session.scalar(base.where(LoginAttempt.address == address)) or 0
    if by_login > limit or by_address > limit * 4:
        log_event(AuditAction.LOGIN_FAILED,
                  message=f"логин «{login}»: заблокировано: слишком много попыток")
        raise LoginRefused(LOCKED_MESSAGE, locked=True)
    return attempt_id


def attempt_failed(login: str, reason: str, user: User | None = None) -> None:
    """The attempt stays a failure; the audit log says why."""
    log_event(AuditAction.LOGIN_FAILED, user=user, message=f"логин «{login}»: {reason}")


def attempt_succeeded(attempt_id: int) -> None:
    db.session.execute(update(LoginAttempt).where(LoginAttempt.id == attempt_id)
                       .values(success=True).execution_options(synchronize_session=False))
    db.session.flush()


def authenticate(login: str, password: str, address: str) -> User:
    """The password step: the user, or ``LoginRefused`` with the message to show.

    The login is not complete yet: the caller asks for the second factor when the user has one
    (``second_factor``), then calls :func:`complete_login`.
    """
    login = clean_login(login)
    address = (address or "unknown")[:64]
    attempt_id = begin_attempt(login, address)
    user = db.session.scalar(select(User).where(func.lower(User.login) == login))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        ok = False
    else:
        ok = user.check_password(password or "") and user.active
    if not ok:
        attempt_failed(login, "неверный логин или пароль")
        raise LoginRefused("Неверный логин или пароль.")
    attempt_succeeded(attempt_id)
    db.session.commit()
    return user


def complete_login(user: User) -> None:
    """Every step passed: note the time and write the login into the audit log."""
    user.last_login_at = utcnow()
    log_event(AuditAction.LOGIN, user=user)


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


# The roles as the user form offers them, the least privileged first (a new account starts as an
# observer until the admin chooses otherwise).
ROLE_CHOICES = [(r.name, r.label) for r in reversed(Role)]
DEFAULT_ROLE = Role.VIEWER.name


def role_key(user: User) -> str:
    """The role as scripts name it (``users create --role methodist``)."""
    return user.role.name.lower()


def users_with_role(stmt, role_name: str):
    """``stmt`` (a SELECT of users) narrowed to the role named ``role_name`` (ignored when it
    names no role)."""
    return stmt.where(User.role == Role[role_name]) if role_name in Role.__members__ else stmt


@transactional
def save_user_from(user: User | None, data: dict, *, password: str | None = None,
                   by: User | None = None) -> User:
    """Create (``user`` None) or change a user from the admin's form: ``data`` holds its fields
    as the form gives them (ids as text, the role by name)."""
    def _id(value):
        return int(value) if value else None

    target = user or User()
    target.login = data["login"]
    target.full_name = (data.get("full_name") or "").strip()
    target.position = (data.get("position") or "").strip() or None
    target.email = (data.get("email") or "").strip() or None
    target.role = Role[data["role"]]
    target.organization_id = _id(data.get("organization_id"))
    target.municipality_id = _id(data.get("municipality_id"))
    target.region_id = _id(data.get("region_id"))
    target.must_change_password = bool(data.get("must_change_password"))
    return save_user(target, password=password, by=by, is_new=user is None)


@transactional
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


@transactional
def set_active(user: User, active: bool, *, by: User) -> None:
    if user.id == by.id and not active:
        raise AccountError("Нельзя отключить собственную учётную запись.")
    user.active = active
    user.end_sessions()
    db.session.commit()
