"""The profile page and the private calendar feed."""
from __future__ import annotations

from flask import abort, make_response, url_for
from flask_login import login_required

from ...formatting import today
from ...policy.notifications import role_receives_mail
from ...services import notifications as svc
from ...services.notifications import calendar
from ...web import acting_user, answer, render_view, submit
from . import bp
from .forms import ProfileForm


def _feed_url(user) -> str | None:
    token = calendar.calendar_token(user)
    return svc.absolute(url_for("notifications.feed", token=token)) if token else None


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    user = acting_user()
    current = svc.settings_for(user)
    form = ProfileForm(data={
        "email": user.email or "", "kinds": [k for k in svc.KINDS if current.wants(k)],
        "delivery": "digest" if current.digest else "now", "days_before": current.days_text})
    form.kinds.choices = list(svc.kinds_for(user).items())

    def save():
        return svc.save_settings(user, email=form.email.data, enabled=form.kinds.data or [],
                                 digest=form.delivery.data == "digest",
                                 days_before=form.days_before.data or "")

    return submit(
        form, save,
        done=lambda _: answer("Настройки напоминаний сохранены.", None,
                              url_for("notifications.profile")),
        again=lambda status: render_view("notifications/profile.html", form=form,
                                         status=status, title="Профиль",
                                         feed_url=_feed_url(user), user=user,
                                         mailed=role_receives_mail(user)))


@bp.post("/profile/calendar-token")
@login_required
def new_calendar_token():
    calendar.issue_calendar_token(acting_user())
    return answer("Выпущена новая ссылка на календарь; прежняя больше не работает.", None,
                  url_for("notifications.profile") + "#calendar")


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    user = calendar.user_for_token(token)
    if user is None:
        abort(404)
    resp = make_response(calendar.feed(user, today()))
    resp.headers["Content-Type"] = "text/calendar; charset=utf-8"
    resp.headers["Content-Disposition"] = 'inline; filename="shnor.ics"'
    return resp
