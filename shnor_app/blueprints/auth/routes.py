import re
import time
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ... import security
from ...services.auth import accounts
from . import bp
from .forms import ChangePasswordForm, LoginForm


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
            accounts.complete_login(user)
            next_url = _safe_next(request.args.get("next"))
            security.begin_session(user)
            if user.must_change_password:
                flash("Задайте новый пароль, чтобы продолжить.", "info")
                return redirect(url_for("auth.change_password"))
            return redirect(next_url)
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


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
            login_user(user)
            session["started"] = session["seen"] = time.time()
            flash("Пароль изменён. Другие открытые сеансы завершены.", "success")
            return redirect(url_for("home.index"))
    elif request.method == "POST":
        status = 422
    return render_template("auth/password.html", form=form), status
