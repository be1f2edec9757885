"""Administration: users and the whole audit log."""
from datetime import datetime, time, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from ... import policy
from ...extensions import db
from ...models import (
    AuditAction, AuditEntry, Municipality, Organization, Region, Role, User,
)
from ...services.auth import accounts
from ...services.audit import field_label
from ...text import normalize_name
from ...web import paginate, render_view, text_arg
from . import bp
from .forms import UserForm


@bp.before_request
@login_required
def _admins_only():
    policy.require(policy.can_manage_users(current_user))


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    orgs = db.session.scalars(select(Organization).where(Organization.deleted_at.is_(None))
                              .order_by(Organization.short_name)).all()
    munis = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    regions = db.session.scalars(select(Region).order_by(Region.name)).all()
    form.organization_id.choices = [("", "—")] + [
        (str(o.id), f"{o.short_name}" + (f" ({o.municipality.name})" if o.municipality else ""))
        for o in orgs]
    form.municipality_id.choices = [("", "—")] + [(str(m.id), m.name) for m in munis]
    form.region_id.choices = [("", "—")] + [(str(r.id), r.name) for r in regions]
    if user is not None and request.method == "GET":
        form.role.data = user.role.name
        form.organization_id.data = str(user.organization_id or "")
        form.municipality_id.data = str(user.municipality_id or "")
        form.region_id.data = str(user.region_id or "")
    return form


def _int_or_none(value):
    return int(value) if value else None


@bp.get("/users")
def users():
    q = text_arg("q")
    role = text_arg("role")
    stmt = policy.scope_query(current_user, User).order_by(User.active.desc(), User.full_name)
    if role in Role.__members__:
        stmt = stmt.where(User.role == Role[role])
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
                       page=page, q=q, role=role, roles=Role, args=args)


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_form(user_id: int | None = None):
    user = policy.get_or_404(current_user, User, user_id) if user_id else None
    form = _user_form(user)
    status = 200
    if form.validate_on_submit():
        target = user or User()
        target.login = form.login.data
        target.full_name = form.full_name.data.strip()
        target.position = (form.position.data or "").strip() or None
        target.email = (form.email.data or "").strip() or None
        target.role = Role[form.role.data]
        target.organization_id = _int_or_none(form.organization_id.data)
        target.municipality_id = _int_or_none(form.municipality_id.data)
        target.region_id = _int_or_none(form.region_id.data)
        target.must_change_password = bool(form.must_change_password.data)
        password = form.password.data or None
        generated = None
        if user is None and not password:
            password = generated = accounts.generate_password()
        try:
            accounts.save_user(target, password=password, by=current_user,
                               is_new=user is None)
        except accounts.AccountError as err:
            db.session.rollback()
            form.form_errors.append(str(err))
            status = 422
        else:
            if generated:
                return render_template("admin/password_shown.html", user=target,
                                       password=generated, title="Пароль создан")
            flash(f"Пользователь {target.login} сохранён.", "success")
            return redirect(url_for("admin.users"))
    elif request.method == "POST":
        status = 422
    return render_view("admin/user_form.html", form=form, user=user, status=status,
                       title=f"Пользователь {user.login}" if user else "Новый пользователь")


@bp.post("/users/<int:user_id>/reset-password")
def user_reset_password(user_id: int):
    user = policy.get_or_404(current_user, User, user_id)
    password = accounts.reset_password(user)
    return render_template("admin/password_shown.html", user=user, password=password,
                           title="Пароль сброшен")


@bp.post("/users/<int:user_id>/active")
def user_set_active(user_id: int):
    user = policy.get_or_404(current_user, User, user_id)
    active = request.form.get("active") == "1"
    try:
        accounts.set_active(user, active, by=current_user)
    except accounts.AccountError as err:
        flash(str(err), "error")
    else:
        flash(f"Учётная запись {user.login} {'включена' if active else 'отключена'}.", "success")
    return redirect(url_for("admin.users"))


def _parse_day(value: str | None):
    try:
        return datetime.strptime(value, "%Y-%m-%d").date() if value else None
    except ValueError:
        return None


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
                       object_types=sorted(policy.RECORD_TYPES), field_label=field_label,
                       args={k: v for k, v in filters.items() if v})
