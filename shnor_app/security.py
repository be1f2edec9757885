"""Sessions, headers, error pages and database connection settings.

- Flask-Login ids carry ``User.session_version``; bumping it (logout, password or role change,
  deactivation) ends every session that user had, including copied cookies.
- Sessions end after ``SESSION_IDLE_MINUTES`` of inactivity and ``SESSION_ABSOLUTE_HOURS``
  after login.
- A session is bound to the browser that logged in: :func:`begin_session` stores a digest of
  the client's User-Agent and address (``SESSION_BIND_ADDRESS``; the address is the socket's,
  or the one the trusted proxy reports under ``SHNOR_TRUST_PROXY``). A request whose digest
  differs — a cookie replayed from another browser or address — ends the session: it is
  emptied, the event is audited, and the user logs in again. Flask-Login's own protection is
  off: with a permanent session (needed for the cookie to expire with the absolute timeout) its
  "strong" mode only marks the session non-fresh, and its identifier trusts any
  ``X-Forwarded-For`` a client sends. A session that did not start at this application's login
  form (a remember-me cookie: the application never issues one) has no digest and is ended the
  same way.
- htmx requests whose session has expired get ``HX-Redirect`` to the login page instead of a
  login form swapped into a table cell.
- Every response carries the security headers, including fragments, errors and downloads.
"""
from __future__ import annotations

import hashlib
import secrets
import time

from flask import (
    flash, jsonify, make_response, redirect, render_template, request, session, url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event

from .extensions import db, load_by_id, login_manager

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def _unicode_upper(value):
    return value.upper() if isinstance(value, str) else value


def configure_engine(engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
        # (Before any statement runs: SQLite refuses new functions while one is active.)
        # SQLite's own lower()/upper() fold only ASCII, so ILIKE would miss «Гимназия» for
        # «гимназия». Replace them with Python's, which fold Cyrillic (as PostgreSQL does).
        dbapi_conn.create_function("lower", 1, _unicode_lower, deterministic=True)
        dbapi_conn.create_function("upper", 1, _unicode_upper, deterministic=True)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()


def _load_user(user_id: str):
    from .models import User

    try:
        raw_id, version = user_id.split(":", 1)
        user = load_by_id(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


def _unauthorized(message: str = "Войдите в систему, чтобы продолжить."):
    login_url = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if request.htmx:
        resp = make_response("", 401)
        resp.headers["HX-Redirect"] = url_for("auth.login")
        return resp
    flash(message, "info")
    return redirect(login_url)


def client_fingerprint() -> str:
    """A digest of what identifies the browser: its User-Agent and (by default) its address."""
    from flask import current_app

    address = request.remote_addr or "" if current_app.config.get("SESSION_BIND_ADDRESS", True) \
        else ""
    agent = request.headers.get("User-Agent", "")
    return hashlib.sha256(f"{address}|{agent}".encode("utf-8", "replace")).hexdigest()[:32]


def begin_session(user) -> None:
    """A new session for ``user``, bound to this browser: nothing from before survives."""
    session.clear()
    login_user(user)
    session.permanent = True
    session["started"] = session["seen"] = time.time()
    session["sid"] = secrets.token_hex(16)
    session["client"] = client_fingerprint()


PENDING_LOGIN_SECONDS = 600


def begin_pending_login(user, next_url: str) -> None:
    """Half logged in: the password was right, the second factor is still to come.

    The session holds only whom a code is expected from, for this browser, for a few minutes;
    the user is not logged in, so every page but the code step (and the set-up of a required
    second factor) refuses the session as anonymous.
    """
    session.clear()
    session["pending"] = {"uid": user.id, "v": user.session_version, "at": time.time(),
                          "client": client_fingerprint(), "next": next_url}


def pending_login():
    """(user, next_url) of a half-finished login of this browser, or (None, None)."""
    from .models import User

    pending = session.get("pending")
    if not isinstance(pending, dict):
        return None, None
    user = None
    if time.time() - pending.get("at", 0) <= PENDING_LOGIN_SECONDS \
            and pending.get("client") == client_fingerprint():
        user = db.session.get(User, int(pending.get("uid") or 0))
    if user is None or not user.active or user.session_version != pending.get("v"):
        session.pop("pending", None)
        return None, None
    return user, pending.get("next")


def _end_session() -> None:
    session.clear()
    logout_user()  # after clear(): it asks for a remember-me cookie, if any, to be deleted


# How often a session's «last seen» moves on: the idle timeout is then counted from up to a
# minute before the last request (a re-signed cookie on every answer cost more than that).
SEEN_STEP_SECONDS = 60


def _check_session_age():
    if not current_user.is_authenticated:
        return None
    from flask import current_app

    if session.get("client") != client_fingerprint():
        from .models import AuditAction
        from .services.audit import log_event

        user = current_user._get_current_object()
        _end_session()
        log_event(AuditAction.SESSION_ENDED, user=user,
                  message="сеанс продолжен из другого браузера или с другого адреса")
        return _unauthorized("Сеанс завершён: он был открыт в другом браузере или с другого "
                             "адреса. Войдите снова.")
    now = time.time()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    last_seen = session.get("seen", now)
    started = session.get("started", now)
    if now - last_seen > idle or now - started > absolute:
        _end_session()
        return _unauthorized()
    if now - last_seen >= SEEN_STEP_SECONDS or "seen" not in session:
        session["seen"] = now  # a new cookie (signed again) once a minute, not every request
    from .services.auth import second_factor

    # First the second factor a role requires, then a temporary password: nothing else before.
    if second_factor.needs_enrolment(current_user):
        return _only("auth.two_factor_setup")
    if current_user.must_change_password:
        return _only("auth.change_password")
    return None


def _only(endpoint: str):
    """Send every request but ``endpoint`` (and logout, static files) to ``endpoint``."""
    if request.endpoint in (endpoint, "auth.logout", "static"):
        return None
    if request.htmx:
        resp = make_response("", 204)
        resp.headers["HX-Redirect"] = url_for(endpoint)
        return resp
    return redirect(url_for(endpoint))


def _security_headers(resp):
    h = resp.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.endpoint != "static":
        h["Cache-Control"] = "no-store"
    from flask import current_app

    if current_app.config.get("HTTPS"):
        h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return resp


def _error(status: int, title: str, message: str):
    if status in (403, 404) and current_user.is_authenticated:
        _log_refusal(status)
    if request.htmx:
        resp = make_response(render_template("errors/_message.html", title=title,
                                             message=message, status=status), status)
        return resp
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=message), status
    return render_template("errors/error.html", title=title, message=message,
                           status=status), status


def _log_refusal(status: int) -> None:
    from .models import AuditAction
    from .services.audit import log_event

    try:
        db.session.rollback()
        log_event(AuditAction.ACCESS_DENIED,
                  message=f"{status} {request.method} {request.path}"[:500])
    except Exception:  # logging must never turn a 404 into a 500
        db.session.rollback()


def init_app(app) -> None:
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # bound by _check_session_age (see above)
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)

    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    app.before_request(_check_session_age)
    app.after_request(_security_headers)

    @app.errorhandler(CSRFError)
    def csrf_error(err):
        return _error(400, "Форма устарела",
                      "Страница была открыта слишком давно или форма отправлена не из "
                      "приложения. Обновите страницу и повторите действие.")

    @app.errorhandler(400)
    def bad_request(err):
        return _error(400, "Неверный запрос", "Запрос не может быть обработан.")

    @app.errorhandler(403)
    def forbidden(err):
        return _error(403, "Нет доступа", "У вас нет прав на это действие.")

    @app.errorhandler(404)
    def not_found(err):
        return _error(404, "Не найдено", "Такой страницы или записи нет, или она вам недоступна.")

    @app.errorhandler(405)
    def not_allowed(err):
        return _error(405, "Действие недоступно", "Этот адрес не принимает такой запрос.")

    @app.errorhandler(413)
    def too_large(err):
        limit = app.config.get("UPLOAD_MAX_MB", 20)
        return _error(413, "Файл слишком большой",
                      f"Размер файла превышает допустимые {limit} МБ.")

    @app.errorhandler(500)
    def server_error(err):
        db.session.rollback()
        return _error(500, "Ошибка сервера",
                      "Что-то пошло не так. Изменения не сохранены. Попробуйте ещё раз.")
