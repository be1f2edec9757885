import re
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from ... import security
from ...services.auth import accounts, second_factor
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.login.data, form.password.data,
                                         request.remote_addr or "")
        except accounts.LoginRefused as refused:
            form.password.errors = [refused.message]
            status = 429 if refused.locked else 401
        else:
            next_url = _safe_next(request.args.get("next"))
            if second_factor.needs_code_at_login(user):
                security.begin_pending_login(user, next_url)
                if second_factor.needs_enrolment(user):
                    return redirect(url_for("auth.login_setup"))
                return redirect(url_for("auth.login_code"))
            return _logged_in(user, next_url)
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


def _logged_in(user, next_url: str):
    """Every step passed: a new session bound to this browser, then where the user was going."""
    accounts.complete_login(user)
    security.begin_session(user)
    if user.must_change_password:
        flash("Задайте новый пароль, чтобы продолжить.", "info")
        return redirect(url_for("auth.change_password"))
    return redirect(next_url)


def _pending_login(ready):
    """(user, next URL) of this browser's half-finished login when ``ready(user)``, else
    (None, None) — and the caller answers with :func:`_start_again`."""
    user, next_url = security.pending_login()
    if user is None or not ready(user):
        return None, None
    return user, next_url or url_for("home.index")


def _start_again():
    flash("Время на ввод кода вышло или вход начат в другом окне. Войдите снова.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step of a login with a second factor: a code from the app or a recovery code."""
    user, next_url = _pending_login(second_factor.has_second_factor)
    if user is None:
        return _start_again()
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            kind = second_factor.verify_login_code(user, form.code.data,
                                                   request.remote_addr or "")
        except accounts.LoginRefused as refused:
            form.code.errors = [refused.message]
            status = 429 if refused.locked else 401
        else:
            response = _logged_in(user, next_url)
            if kind == "recovery":  # (after the new session: it starts empty)
                left = second_factor.recovery_codes_left(user)
                flash(f"Вы вошли по резервному коду; он больше не действует. Осталось кодов: "
                      f"{left}. Новые можно получить на странице «Второй фактор».", "info")
            return response
    elif request.method == "POST":
        status = 422
    return render_template("auth/login_code.html", form=form), status


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


def _enrol(user, form: SetupForm, secret: str):
    """Recovery codes when the code fits (None and the form's errors filled otherwise)."""
    try:
        codes = second_factor.enrol(user, secret, form.code.data)
    except second_factor.SecondFactorError as err:
        form.code.errors = [err.fields.get("code", err.message)]
        return None
    session.pop("totp_candidate", None)
    return codes


@bp.route("/login/setup", methods=["GET", "POST"])
def login_setup():
    """A role that requires the second factor sets it up at its first login, before anything."""
    user, next_url = _pending_login(second_factor.needs_enrolment)
    if user is None:
        return _start_again()
    form = SetupForm()
    secret = _candidate_secret()
    if form.validate_on_submit():
        codes = _enrol(user, form, secret)
        if codes is not None:
            response = _logged_in(user, next_url)
            return render_template("auth/recovery_codes.html", codes=codes,
                                   next_url=response.location), 200
    status = 422 if request.method == "POST" else 200
    return _setup_page(form, secret, user, status, at_login=True)


@bp.get("/account/two-factor")
@login_required
def two_factor():
    return _two_factor_page(current_user._get_current_object(), PasswordConfirmForm())


def _two_factor_page(user, form):
    return render_template("auth/two_factor.html", form=form,
                           enabled=second_factor.has_second_factor(user),
                           required=second_factor.second_factor_required(user),
                           may_turn_off=second_factor.may_turn_off(user),
                           codes_left=second_factor.recovery_codes_left(user))


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    user = current_user._get_current_object()
    if second_factor.has_second_factor(user):
        return redirect(url_for("auth.two_factor"))
    form = SetupForm()
    secret = _candidate_secret()
    if form.validate_on_submit():
        codes = _enrol(user, form, secret)
        if codes is not None:
            security.begin_session(user)  # the other sessions ended: keep this one
            return render_template("auth/recovery_codes.html", codes=codes,
                                   next_url=url_for("auth.two_factor")), 200
    status = 422 if request.method == "POST" else 200
    return _setup_page(form, secret, user, status, at_login=False)


def _password_confirmed_action(action):
    """Run ``action(user, password)`` for the profile page's forms; errors shown on the page."""
    user = current_user._get_current_object()
    form = PasswordConfirmForm()
    if form.validate_on_submit():
        try:
            return action(user, form.password.data), None
        except second_factor.SecondFactorError as err:
            form.password.errors = [err.fields.get("password", err.message)]
    return None, (_two_factor_page(user, form), 422)


@bp.post("/account/two-factor/recovery-codes")
@login_required
def two_factor_recovery_codes():
    codes, refused = _password_confirmed_action(second_factor.renew_recovery_codes)
    if refused:
        return refused
    return render_template("auth/recovery_codes.html", codes=codes,
                           next_url=url_for("auth.two_factor")), 200


@bp.post("/account/two-factor/off")
@login_required
def two_factor_off():
    _, refused = _password_confirmed_action(second_factor.turn_off)
    if refused:
        return refused
    security.begin_session(current_user._get_current_object())  # others ended: keep this one
    flash("Второй фактор отключён. Другие открытые сеансы завершены.", "success")
    return redirect(url_for("auth.two_factor"))


@bp.post("/logout")
@login_required
def logout():
    accounts.logout(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("Вы вышли из системы.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_own_password(user, form.current.data, form.new.data)
        except accounts.AccountError as err:
            form.new.errors = [str(err)]
            status = 422
        else:
            # The version changed: keep this browser signed in, every other session ends.
            security.begin_session(user)
            flash("Пароль изменён. Другие открытые сеансы завершены.", "success")
            return redirect(url_for("home.index"))
    elif request.method == "POST":
        status = 422
    return render_template("auth/password.html", form=form), status
