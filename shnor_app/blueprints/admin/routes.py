"""Administration: users and the whole audit log."""
from datetime import datetime, time, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from ... import policy
from ...extensions import db
from ...models import AuditAction, AuditEntry, Municipality, Organization, Region, User
from ...services.audit import field_label
from ...services.auth import accounts, second_factor
from ...text import normalize_name
from ...web import act, answer, paginate, render_view, submit, text_arg
from . import bp
from .forms import UserForm


@bp.before_request
@login_required
def _admins_only():
    policy.require(current_user, "manage", User)


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    orgs = db.session.scalars(select(Organization).where(Organization.deleted_at.is_(None))
                              .order_by(Organization.sort_name)).all()
    munis = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    regions = db.session.scalars(select(Region).order_by(Region.name)).all()
    form.organization_id.choices = [("", "—")] + [
        (str(o.id), f"{o.short_name}" + (f" ({o.municipality.name})" if o.municipality else ""))
        for o in orgs]
    form.municipality_id.choices = [("", "—")] + [(str(m.id), m.name) for m in munis]
    form.region_id.choices = [("", "—")] + [(str(r.id), r.name) for r in regions]
    if user is not None and request.method == "GET":
        form.organization_id.data = str(user.organization_id or "")
        form.municipality_id.data = str(user.municipality_id or "")
        form.region_id.data = str(user.region_id or "")
    return form


@bp.get("/users")
def users():
    q = text_arg("q")
    role = text_arg("role")
    stmt = policy.scope_query(current_user, User).order_by(User.active.desc(), User.full_name)
    stmt = accounts.users_with_role(stmt, role)
    page = paginate(stmt if not q else stmt.where(or_(
        User.login.contains(q.lower(), autoescape=True),
        User.full_name.contains(q, autoescape=True))))
    if q and not page.items:  # full names are mixed case: try the normalised match in Python
        needle = normalize_name(q)
        all_users = db.session.scalars(stmt).all()
        matched = [u for u in all_users if needle in normalize_name(u.full_name)]
        page.items, page.total = matched[:page.per_page], len(matched)
    args = {k: v for k, v in {"q": q, "role": role}.items() if v}
    return render_view("admin/users.html", "admin/_users_table.html", title="Пользователи",
                       page=page, q=q, role=role, roles=accounts.ROLE_CHOICES, args=args)


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_form(user_id: int | None = None):
    user = policy.get_or_404(current_user, User, user_id) if user_id else None
    form = _user_form(user)
    # A new account without a typed password gets one made and shown once.
    password = form.password.data or (None if user else accounts.generate_password())
    return submit(
        form, lambda: accounts.save_user_from(user, form.data, password=password,
                                              by=current_user._get_current_object()),
        done=lambda saved: _saved(saved, None if form.password.data or user else password),
        again=lambda status: render_view(
            "admin/user_form.html", form=form, user=user, status=status,
            title=f"Пользователь {user.login}" if user else "Новый пользователь",
            has_second_factor=bool(user) and second_factor.has_second_factor(user)))


def _saved(user: User, generated: str | None):
    if generated:
        return render_template("admin/password_shown.html", user=user, password=generated,
                               title="Пароль создан")
    flash(f"Пользователь {user.login} сохранён.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/reset-password")
def user_reset_password(user_id: int):
    user = policy.get_or_404(current_user, User, user_id)
    password = accounts.reset_password(user)
    return render_template("admin/password_shown.html", user=user, password=password,
                           title="Пароль сброшен")


@bp.post("/users/<int:user_id>/reset-two-factor")
def user_reset_two_factor(user_id: int):
    user = policy.get_or_404(current_user, User, user_id)
    second_factor.reset(user, by=current_user._get_current_object())
    flash(f"Второй фактор пользователя {user.login} сброшен, его сеансы завершены. "
          "При следующем входе он подключит второй фактор заново.", "success")
    return redirect(url_for("admin.user_form", user_id=user.id))


@bp.post("/users/<int:user_id>/active")
def user_set_active(user_id: int):
    user = policy.get_or_404(current_user, User, user_id)
    active = request.form.get("active") == "1"
    back = url_for("admin.users")
    return act(lambda: accounts.set_active(user, active, by=current_user),
               done=lambda _: answer(f"Учётная запись {user.login} "
                                     f"{'включена' if active else 'отключена'}.", None, back),
               refused=lambda message: answer(message, None, back, category="error"))


def _parse_day(value: str | None):
    from ...formatting import parse_date

    return parse_date(value)


@bp.get("/audit")
def audit_log():
    args = request.args
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    action = text_arg("action")
    object_type = text_arg("object_type")
    who = text_arg("who")
    since, until = _parse_day(args.get("since")), _parse_day(args.get("until"))
    if action in AuditAction.__members__:
        stmt = stmt.where(AuditEntry.action == AuditAction[action])
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if who:
        stmt = stmt.where(AuditEntry.user_name.contains(who, autoescape=True))
    if since:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(since, time.min, timezone.utc))
    if until:
        stmt = stmt.where(AuditEntry.at <= datetime.combine(until, time.max, timezone.utc))
    page = paginate(stmt, per_page=50)
    filters = {"action": action, "object_type": object_type, "who": who,
               "since": args.get("since", ""), "until": args.get("until", "")}
    return render_view("admin/audit.html", "admin/_audit_table.html", title="Журнал изменений",
                       page=page, filters=filters, actions=AuditAction,
                       object_types=policy.record_tables(), field_label=field_label,
                       args={k: v for k, v in filters.items() if v})
