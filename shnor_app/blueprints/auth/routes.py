import re
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from ... import security
from ...services.auth import accounts, second_factor
from ...web import acting_user, submit
from . import bp
from .forms import ChangePasswordForm, CodeForm, LoginForm, PasswordConfirmForm, SetupForm


_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x20\x7f\\]")


def _safe_next(target: str | None) -> str:
    """Where to go after login: a local path of this site, else the start page.

    Refused: another host (``//host``, ``/\\host``, which browsers read as ``//host``, or any
    scheme), control characters and spaces (a CR/LF would split the ``Location`` header),
    backslashes, and anything longer than a URL this application makes.
    """
    if target and len(target) <= 2000 and target.startswith("/") \
            and not _UNSAFE_IN_NEXT.search(target) and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


def _refused_status(refused) -> int:
    """A refused login step answers 401, or 429 while the login is locked."""
    return 429 if getattr(refused, "locked", False) else 401


def _page(template: str, **ctx):
    """``again`` of the forms of this area: the page (its own template, no fragment) with
    the status the round trip gives."""
    return lambda status: (render_template(template, **ctx), status)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    return submit(form, lambda: accounts.authenticate(form.login.data, form.password.data,
                                                      request.remote_addr or ""),
                  done=lambda user: _password_accepted(user, _safe_next(request.args.get("next"))),
                  again=_page("auth/login.html", form=form), beside="password",
                  refused_status=_refused_status)


def _password_accepted(user, next_url: str):
    """The password fits: the second factor's step when the user has one (or must set it up
    now), else logged in."""
    if not second_factor.needs_code_at_login(user):
        return _logged_in(user, next_url)
    security.begin_pending_login(user, next_url)
    if second_factor.needs_enrolment(user):
        return redirect(url_for("auth.login_setup"))
    return redirect(url_for("auth.login_code"))


def _logged_in(user, next_url: str):
    """Every step passed: a new session bound to this browser, then where the user was going."""
    accounts.complete_login(user)
    security.begin_session(user)
    if user.must_change_password:
        flash("Задайте новый пароль, чтобы продолжить.", "info")
        return redirect(url_for("auth.change_password"))
    return redirect(next_url)


def _second_step(ready, step):
    """``step(user, next URL)`` of this browser's half-finished login when ``ready(user)``;
    otherwise (the time ran out, or another window started a login) back to the login page."""
    user, next_url = security.pending_login()
    if user is None or not ready(user):
        flash("Время на ввод кода вышло или вход начат в другом окне. Войдите снова.", "info")
        return redirect(url_for("auth.login"))
    return step(user, next_url or url_for("home.index"))


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step of a login with a second factor: a code from the app or a recovery code."""
    return _second_step(second_factor.has_second_factor, _code_step)


def _code_step(user, next_url: str):
    form = CodeForm()
    return submit(form, lambda: second_factor.verify_login_code(user, form.code.data,
                                                                request.remote_addr or ""),
                  done=lambda kind: _code_accepted(user, next_url, kind),
                  again=_page("auth/login_code.html", form=form), beside="code",
                  refused_status=_refused_status)


def _code_accepted(user, next_url: str, kind: str):
    response = _logged_in(user, next_url)
    if kind == "recovery":  # (after the new session: it starts empty)
        left = second_factor.recovery_codes_left(user)
        flash(f"Вы вошли по резервному коду; он больше не действует. Осталось кодов: "
              f"{left}. Новые можно получить на странице «Второй фактор».", "info")
    return response


def _setup_page(form, secret: str, user, status: int, *, at_login: bool):
    uri = second_factor.provisioning_uri(user, secret)
    return render_template("auth/two_factor_setup.html", form=form, at_login=at_login,
                           qr=second_factor.qr_code(uri), secret=second_factor.grouped(secret),
                           required=second_factor.second_factor_required(user)), status


def _candidate_secret() -> str:
    """The secret being set up, kept (encrypted) in the session while the user scans it."""
    token = session.get("totp_candidate")
    secret = second_factor.decrypt_secret(token) if token else None
    if secret is None:
        secret = second_factor.new_secret()
        session["totp_candidate"] = second_factor.encrypt_secret(secret)
    return secret


def _setup(user, *, at_login: bool, done):
    """Setting the second factor up: the secret shown (kept in the session) until the app's
    first code fits; then ``done(recovery codes)``."""
    form, secret = SetupForm(), _candidate_secret()

    def enrol():
        codes = second_factor.enrol(user, secret, form.code.data)
        session.pop("totp_candidate", None)
        return codes

    return submit(form, enrol, done=done, beside="code",
                  again=lambda status: _setup_page(form, secret, user, status, at_login=at_login))


def _recovery_codes(codes, next_url: str):
    return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url), 200


@bp.route("/login/setup", methods=["GET", "POST"])
def login_setup():
    """A role that requires the second factor sets it up at its first login, before anything."""
    return _second_step(second_factor.needs_enrolment, lambda user, next_url: _setup(
        user, at_login=True,
        done=lambda codes: _recovery_codes(codes, _logged_in(user, next_url).location)))


@bp.get("/account/two-factor")
@login_required
def two_factor():
    return _two_factor_page(acting_user(), PasswordConfirmForm())


def _two_factor_page(user, form):
    return render_template("auth/two_factor.html", form=form,
                           enabled=second_factor.has_second_factor(user),
                           required=second_factor.second_factor_required(user),
                           may_turn_off=second_factor.may_turn_off(user),
                           codes_left=second_factor.recovery_codes_left(user))


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    user = acting_user()
    if second_factor.has_second_factor(user):
        return redirect(url_for("auth.two_factor"))
    return _setup(user, at_login=False, done=lambda codes: _setup_done(user, codes))


def _setup_done(user, codes):
    security.begin_session(user)  # the other sessions ended: keep this one
    return _recovery_codes(codes, url_for("auth.two_factor"))


def _password_confirmed(action, done):
    """The profile page's forms: ``action(user, password)``, then ``done(its result)``; a
    refusal is shown beside the password on the page again."""
    user = acting_user()
    form = PasswordConfirmForm()
    return submit(form, lambda: action(user, form.password.data), done=done, beside="password",
                  again=lambda status: (_two_factor_page(user, form), 422))


@bp.post("/account/two-factor/recovery-codes")
@login_required
def two_factor_recovery_codes():
    return _password_confirmed(second_factor.renew_recovery_codes,
                               lambda codes: _recovery_codes(codes, url_for("auth.two_factor")))


@bp.post("/account/two-factor/off")
@login_required
def two_factor_off():
    return _password_confirmed(second_factor.turn_off, lambda _: _turned_off())


def _turned_off():
    security.begin_session(acting_user())  # others ended: keep this one
    flash("Второй фактор отключён. Другие открытые сеансы завершены.", "success")
    return redirect(url_for("auth.two_factor"))


@bp.post("/logout")
@login_required
def logout():
    accounts.logout(acting_user())
    logout_user()
    session.clear()
    flash("Вы вышли из системы.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    user, form = acting_user(), ChangePasswordForm()
    return submit(form, lambda: accounts.change_own_password(user, form.current.data,
                                                             form.new.data),
                  done=lambda _: _password_changed(user), beside="new",
                  again=_page("auth/password.html", form=form))


def _password_changed(user):
    # The version changed: keep this browser signed in, every other session ends.
    security.begin_session(user)
    flash("Пароль изменён. Другие открытые сеансы завершены.", "success")
    return redirect(url_for("home.index"))
