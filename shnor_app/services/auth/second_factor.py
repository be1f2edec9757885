"""The second factor: TOTP codes of an authenticator app, and one-time recovery codes.

Who. Administrators and regional users see a whole territory (personal data of its staff
included): for them the second factor is required (:func:`second_factor_required`) and is set up
at their first login, before anything else is reachable. Everybody else may turn it on and off
on their profile page.

Login. The password step (``accounts.authenticate``) leaves the browser half logged in — the
session holds only whom the code is expected from (``security.begin_pending_login``), and every
page but the code step still refuses it. The code is a 6-digit TOTP code (RFC 6238, 30 s steps,
one step of clock drift either way) or one of the recovery codes. Each code is an attempt of the
login for the lockout, exactly as a password is (``accounts.begin_attempt``): wrong codes lock
the login like wrong passwords.

A TOTP code is accepted once. ``User.totp_last_step`` holds the step of the last code accepted;
a code of that step or an earlier one is refused, and the step is moved by a conditional UPDATE,
so two requests racing with one code cannot both pass. A recovery code is used up the same way
(``used_at`` set where it is still empty).

Storage. The TOTP secret is stored encrypted with Fernet (AES-128-CBC with HMAC-SHA256) under a
key derived from ``SECRET_KEY`` with HKDF-SHA256: a dump of the database alone does not give the
codes away. Changing ``SECRET_KEY`` therefore makes every stored secret unreadable: such a user
is told to ask an administrator, who resets the second factor (admin page or
``flask --app wsgi users reset-2fa --login X``); the user sets it up again at the next login.
Recovery codes (10 characters of a 32-letter alphabet, 50 bits each) are stored salted and
hashed like passwords and are shown once, when made.

Reset. An administrator's reset removes the secret and the recovery codes, ends every session
of the user (the secret is one of the fields that end sessions, models/users.py) and is written
to the audit log.
"""
from __future__ import annotations

import base64
import secrets
import time

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import delete, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ...extensions import db
from ...models import AuditAction, RecoveryCode, Role, User, utcnow
from ..audit import log_event
from ..errors import ServiceError, transactional
from . import accounts

ISSUER = "ШНОР"
STEP_SECONDS = 30
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_RECOVERY_LENGTH = 10


AUDIT_LABELS = {"totp_enabled_at": "Второй фактор подключён"}  # contributed by the auth area


class SecondFactorError(ServiceError):
    """The code or the password did not fit; the message is Russian and shown to the user."""


# --------------------------------------------------------------------------- questions


def role_requires_second_factor(role: Role) -> bool:
    """Roles that see a whole territory must have a second factor."""
    return role in (Role.ADMIN, Role.REGION)


def second_factor_required(user: User) -> bool:
    return role_requires_second_factor(user.role)


def has_second_factor(user: User) -> bool:
    return bool(user.totp_secret)


def needs_enrolment(user: User) -> bool:
    """The user must set up the second factor before anything else."""
    return second_factor_required(user) and not has_second_factor(user)


def needs_code_at_login(user: User) -> bool:
    """After the password: a code step (or the set-up) before the user is logged in."""
    return has_second_factor(user) or second_factor_required(user)


def may_turn_off(user: User) -> bool:
    return has_second_factor(user) and not second_factor_required(user)


# --------------------------------------------------------------------------- the secret


def now() -> float:
    """The clock of the codes (tests replace it to step through time without waiting)."""
    return time.time()


def _fernet(secret_key: str | None = None) -> Fernet:
    key = (secret_key or current_app.config["SECRET_KEY"]).encode("utf-8")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"shnor second factor secret").derive(key)
    return Fernet(base64.urlsafe_b64encode(derived))


def new_secret() -> str:
    return pyotp.random_base32()


def encrypt_secret(secret: str, secret_key: str | None = None) -> str:
    return _fernet(secret_key).encrypt(secret.encode("ascii")).decode("ascii")


def decrypt_secret(token: str) -> str | None:
    """The plain secret, or None when it cannot be read (``SECRET_KEY`` was changed)."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        return None


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.login, issuer_name=ISSUER)


def qr_code(uri: str) -> str:
    """The QR code of ``uri`` as an SVG data URI, for ``<img src>`` (the CSP allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _clean_code(code: str | None) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _matching_step(secret: str, code: str) -> int | None:
    """The time step whose TOTP code is ``code`` (this one or a neighbour), else None."""
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    step = int(now() // STEP_SECONDS)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.at(candidate * STEP_SECONDS), code):
            return candidate
    return None


def _take_step(user: User, step: int) -> bool:
    """Mark ``step`` used, unless it (or a later one) was used already: True when taken."""
    taken = db.session.execute(
        update(User).where(User.id == user.id, (User.totp_last_step.is_(None))
                           | (User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount
    return taken == 1


# --------------------------------------------------------------------------- recovery codes


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; the plain codes are returned, to be shown once."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODES)]
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=generate_password_hash(c, method))
                       for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def _use_recovery_code(user: User, code: str) -> bool:
    if len(code) != _RECOVERY_LENGTH:
        return False
    unused = db.session.execute(select(RecoveryCode.id, RecoveryCode.code_hash).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all()
    for code_id, code_hash in unused:
        if check_password_hash(code_hash, code):
            used = db.session.execute(
                update(RecoveryCode).where(RecoveryCode.id == code_id,
                                           RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow()).execution_options(synchronize_session=False))
            return used.rowcount == 1
    return False


# --------------------------------------------------------------------------- login


def verify_login_code(user: User, code: str, address: str) -> str:
    """The code step of a login: ``"totp"`` or ``"recovery"`` (which kind was used).

    Raises ``accounts.LoginRefused`` for a wrong code (counted by the lockout like a wrong
    password) or when the login is locked.
    """
    login = user.login
    attempt_id = accounts.begin_attempt(login, (address or "unknown")[:64])
    code = _clean_code(code)
    secret = decrypt_secret(user.totp_secret) if user.totp_secret else None
    if user.totp_secret and secret is None:
        accounts.attempt_failed(login, "секрет второго фактора не читается", user)
        raise accounts.LoginRefused("Второй фактор не удаётся проверить. Обратитесь к "
                                    "администратору: он сбросит второй фактор.")
    kind = None
    step = _matching_step(secret, code) if secret else None
    if step is not None and _take_step(user, step):
        kind = "totp"
    elif step is None and _use_recovery_code(user, code):
        kind = "recovery"
    if kind is None:
        db.session.rollback()
        accounts.attempt_failed(login, "неверный код подтверждения", user)
        raise accounts.LoginRefused("Неверный код. Введите код из приложения (6 цифр) или "
                                    "один из резервных кодов.")
    accounts.attempt_succeeded(attempt_id)
    db.session.commit()
    return kind


# --------------------------------------------------------------------------- set-up and changes


@transactional
def enrol(user: User, secret: str, code: str) -> list[str]:
    """Turn the second factor on with ``secret`` once the app shows a matching code.

    Returns the new recovery codes (plain, to be shown once). Ends the user's other sessions.
    """
    step = _matching_step(secret, _clean_code(code))
    if step is None:
        raise SecondFactorError(fields={"code": "Код не подошёл. Проверьте, что время на "
                                                "телефоне верное, и введите новый код."})
    user.totp_secret = encrypt_secret(secret)
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    db.session.flush()
    log_event(AuditAction.SECOND_FACTOR, user=user, object_type="users", object_id=user.id,
              message=f"второй фактор подключён: «{user.login}»")
    return codes


_NOT_MATCHING = "Пароль указан неверно."


def _check_own_password(user: User, password: str) -> None:
    if not user.check_password(password or ""):
        raise SecondFactorError(fields={"password": _NOT_MATCHING})


@transactional
def renew_recovery_codes(user: User, password: str) -> list[str]:
    """New recovery codes (the old ones stop working), after the user's password."""
    _check_own_password(user, password)
    if not has_second_factor(user):
        raise SecondFactorError("Второй фактор не подключён.")
    codes = _new_recovery_codes(user)
    db.session.flush()
    log_event(AuditAction.SECOND_FACTOR, user=user, object_type="users", object_id=user.id,
              message=f"новые резервные коды: «{user.login}»")
    return codes


def _remove(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


@transactional
def turn_off(user: User, password: str) -> None:
    """The user turns an optional second factor off (after the password)."""
    if second_factor_required(user):
        raise SecondFactorError("Для вашей роли второй фактор обязателен.")
    _check_own_password(user, password)
    _remove(user)
    db.session.flush()
    log_event(AuditAction.SECOND_FACTOR, user=user, object_type="users", object_id=user.id,
              message=f"второй фактор отключён: «{user.login}»")


@transactional
def reset(user: User, *, by: User | None) -> None:
    """An administrator removes the user's second factor: every session of the user ends, and
    the user sets it up again at the next login (required) or may do so (optional)."""
    _remove(user)
    user.end_sessions()
    db.session.flush()
    who = f"администратором «{by.login}»" if by is not None else "из командной строки"
    log_event(AuditAction.SECOND_FACTOR, user=by, object_type="users", object_id=user.id,
              message=f"второй фактор пользователя «{user.login}» сброшен {who}")
