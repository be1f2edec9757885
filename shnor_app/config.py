"""Configuration read from the environment.

`Config` is what `make run` and production use; `TestConfig` is what the test suite uses.
Nothing secret lives in the code: SECRET_KEY comes from the environment or is generated once
into ``instance/secret_key``.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("SHNOR_INSTANCE_DIR", BASE_DIR / "instance"))


def normalise_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` / ``postgresql://`` forms and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _secret_key(instance_dir: Path) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "да"}


def setting(name: str):
    """A setting of the running application, or its default from :class:`Config` when no
    application runs (a parser called from a script or a plain unit test)."""
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app.config.get(name, getattr(Config, name))
    return getattr(Config, name)


class Config:
    INSTANCE_DIR = INSTANCE_DIR
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'shnor.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    UPLOAD_DIR = Path(os.environ.get("SHNOR_UPLOAD_DIR", INSTANCE_DIR / "uploads"))
    UPLOAD_MAX_MB = int(os.environ.get("UPLOAD_MAX_MB", "20"))
    # Where attached files are kept: "database" (every server sharing it sees them) or "disk"
    # (UPLOAD_DIR); empty: the database on PostgreSQL, the disk on SQLite (services/files/storage).
    FILE_STORAGE = os.environ.get("FILE_STORAGE", "")
    # How many generated PDFs the shared document cache keeps (0: none; services/pdf/cache.py).
    DOCUMENT_CACHE_SIZE = int(os.environ.get("DOCUMENT_CACHE_SIZE", "500"))
    # Slightly above the file limit so that the form around the file still fits.
    MAX_CONTENT_LENGTH = (UPLOAD_MAX_MB + 1) * 1024 * 1024
    # An import file waits this long between its preview and its confirmation (services/uploads).
    STAGED_UPLOAD_HOURS = int(os.environ.get("STAGED_UPLOAD_HOURS", "6"))

    # Sessions (security.py): idle and absolute timeouts, bound to the browser's User-Agent and
    # address, no remember-me.
    HTTPS = _bool("SHNOR_HTTPS")
    SESSION_COOKIE_NAME = "shnor_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = HTTPS
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = HTTPS
    REMEMBER_COOKIE_DURATION = timedelta(hours=12)
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    PERMANENT_SESSION_LIFETIME = timedelta(hours=SESSION_ABSOLUTE_HOURS)
    # The cookie is signed and sent again when the session changes (its «last seen» moves on
    # once a minute: security._check_session_age), not on every answer.
    SESSION_REFRESH_EACH_REQUEST = False
    # Off where clients' addresses change during a session (several proxies, mobile networks).
    SESSION_BIND_ADDRESS = _bool("SHNOR_SESSION_BIND_ADDRESS", True)

    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "60"))

    # bandit B105: a method name; werkzeug's defaults: n=2**15, r=8, p=1
    PASSWORD_HASH_METHOD = "scrypt"  # nosec B105
    WTF_CSRF_TIME_LIMIT = 3600 * 8
    PAGE_SIZE = 25
    # Rendered rows of long tables kept per worker (web.FragmentCache; ~4 KB each); 0 = off.
    FRAGMENT_CACHE_SIZE = int(os.environ.get("SHNOR_FRAGMENT_CACHE_SIZE", "3000"))
    # Whole roadmap tables kept per worker, compressed (blueprints/roadmaps; 0: none).
    TABLE_CACHE_MB = float(os.environ.get("SHNOR_TABLE_CACHE_MB", "8"))
    # Computed region-wide pages kept per worker, checked against the tables' generation tokens
    # (services.data_cache); an entry is dropped after DATA_CACHE_SECONDS whatever happens.
    DATA_CACHE_SIZE = int(os.environ.get("SHNOR_DATA_CACHE_SIZE", "256"))
    DATA_CACHE_SECONDS = int(os.environ.get("SHNOR_DATA_CACHE_SECONDS", "600"))
    TRUST_PROXY = _bool("SHNOR_TRUST_PROXY")
    # The bounds on what one uploaded file may cost: UPLOAD_BOUNDS below.

    # E-mail reminders (services/notifications): the organisation's SMTP server. Nothing is
    # sent while SMTP_HOST is empty (messages wait in the outbox). SMTP_TLS: off, starttls, ssl;
    # the port defaults to 25, 587 or 465 accordingly.
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_TLS = os.environ.get("SMTP_TLS", "starttls").strip().lower()
    SMTP_PORT = int(os.environ.get("SMTP_PORT") or {"off": 25, "ssl": 465}.get(SMTP_TLS, 587))
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_TIMEOUT = int(os.environ.get("SMTP_TIMEOUT", "30"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "ШНОР <noreply@localhost>")
    # The address people open the application at (links in e-mails, the calendar feed).
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://localhost:5000")
    # Daily digests are made by the first `notify send` at or after this hour (Moscow time).
    DIGEST_HOUR = int(os.environ.get("DIGEST_HOUR", "7"))

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key(self.INSTANCE_DIR)


# Bounds on what one uploaded file may cost (README, «Безопасность»). A file over a bound is
# refused with a Russian message naming it; real files stay far below every one. Each group is
# one ``Limits`` of services/limits.py: the setting is prefix + name (``SPREADSHEET_MAX_ROWS``),
# a setting of Config, which the environment variable of the same name overrides.
UPLOAD_BOUNDS = {
    # Zip-based files (docx, xlsx, pptx, odt, ods, odp, zip): checked before anything unpacks;
    # UNPACKED_MB counts all members together, RATIO is unpacked / packed, per member.
    "ZIP_MAX_": {"MEMBERS": 10000, "UNPACKED_MB": 100, "RATIO": 100},
    # Roadmap import (.docx or pasted text).
    "ROADMAP_IMPORT_MAX_": {"PARAGRAPHS": 50000, "ROWS": 5000, "CELLS": 50000,
                            "CHARS": 2000000, "SECONDS": 10},
    # Every .xlsx / .csv import (course results, assessment results …); CELLS: not empty.
    "SPREADSHEET_MAX_": {"ROWS": 100000, "COLUMNS": 200, "CELLS": 2000000,
                         "CELL_CHARS": 10000, "SECONDS": 30},
    # The accreditation registry's open data (XML, read as a stream): elements, nesting, the
    # characters of one value, seconds of reading (services/registry/xml_registry.py).
    "REGISTRY_XML_MAX_": {"ELEMENTS": 20000000, "DEPTH": 12, "CHARS": 10000, "SECONDS": 600},
}
for _prefix, _bounds in UPLOAD_BOUNDS.items():
    for _name, _default in _bounds.items():
        setattr(Config, _prefix + _name, int(os.environ.get(_prefix + _name, _default)))
del _prefix, _bounds, _name, _default


class TestConfig(Config):
    TESTING = True
    # bandit B105: method name; cheap hashes keep the suite fast; never in production
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # nosec B105
    # bandit B105: tests only
    SECRET_KEY = "test-secret-key-not-for-production"  # nosec B105
    WTF_CSRF_ENABLED = True
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    )

    def __init__(self) -> None:  # no key file written by tests
        pass
