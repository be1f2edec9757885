"""The practice bank: search-as-you-type with filters, card, publish, edit, delete."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import login_required
from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import OrgKind, Organization, Practice, PracticeProblem
from ...services import practices as svc
from ...web import paginate, render_view, text_arg
from ...web import acting_user as _user, int_arg as _int_arg, parse_int
from . import bp
from .forms import PracticeForm


def _author_choices(user) -> list[tuple[str, str]]:
    """Organisations the user may publish for: its own school, or those it manages."""
    stmt = policy.scope_query(user, Organization).where(Organization.kind.not_in(
        [OrgKind.ASSESSMENT_CENTRE]))
    orgs = db.session.scalars(stmt.order_by(Organization.kind != OrgKind.SCHOOL,
                                            Organization.short_name)).all()
    return [(str(o.id), o.short_name) for o in orgs if policy.can_create(user, Practice, o)]


@bp.get("/")
@login_required
def index():
    user = _user()
    q = text_arg("q")
    problem = text_arg("problem")
    org = _int_arg("org")
    stmt = svc.search(policy.scope_query(user, Practice), q, problem, org)
    page = paginate(stmt.order_by(Practice.created_at.desc(), Practice.id.desc()), per_page=20)
    authors = db.session.execute(
        policy.scope_query(user, Practice, select(Practice.author_org_id, Practice.org_name)
                           .select_from(Practice)).distinct()
        .order_by(Practice.org_name)).all()
    args = {k: v for k, v in {"q": q, "problem": problem, "org": org}.items() if v}
    return render_view(
        "practices/index.html", "practices/_list.html", title="Банк лучших практик",
        page=page, q=q, problem=problem, org=org or "", problems=PracticeProblem,
        authors=authors, args=args, can_create=policy.can_create(user, Practice))


def _form(user, pr=None) -> PracticeForm:
    form = PracticeForm(obj=pr)
    choices = _author_choices(user)
    if pr is not None and str(pr.author_org_id) not in {c[0] for c in choices}:
        choices = [(str(pr.author_org_id), pr.author_org.short_name)] + choices
    form.author_org_id.choices = choices
    if pr is not None and request.method == "GET":
        form.author_org_id.data = str(pr.author_org_id)
        form.problem.data = pr.problem.name
    elif pr is None and request.method == "GET" and user.organization_id:
        form.author_org_id.data = str(user.organization_id)
    return form


def _fill(pr: Practice, form: PracticeForm) -> None:
    for name in ("title", "authors", "topic", "description", "results"):
        setattr(pr, name, getattr(form, name).data or "")
    pr.problem = PracticeProblem.coerce(form.problem.data)


def _author_or_403(user, value, current=None):
    org_id = parse_int(value)
    org = db.session.get(Organization, org_id) if org_id else None
    if current is not None and org is not None and org.id == current:
        return org
    policy.require(org is not None and policy.can_view(user, org) and
                   policy.can_create(user, Practice, org))
    return org


def _submit(user, form: PracticeForm, pr: Practice, is_new: bool):
    """Save the posted form: a redirect to the card, or ``None`` with the errors on the form."""
    if not form.validate_on_submit():
        return None
    org = _author_or_403(user, form.author_org_id.data,
                         current=None if is_new else pr.author_org_id)
    pr.author_org_id = org.id
    _fill(pr, form)
    try:
        svc.save_practice(pr, is_new=is_new, by=user)
    except svc.PracticeError as err:
        db.session.rollback()
        form.form_errors.append(str(err))
        return None
    flash("Практика опубликована в банке. Прикрепите материалы." if is_new
          else "Изменения сохранены.", "success")
    return redirect(url_for("practices.show", practice_id=pr.id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    user = _user()
    policy.require_create(user, Practice)
    form = _form(user)
    policy.require(bool(form.author_org_id.choices))
    if request.method == "POST":
        done = _submit(user, form, Practice(), True)
        if done is not None:
            return done
    return render_view("practices/form.html", form=form, pr=None,
                       status=422 if request.method == "POST" else 200, title="Новая практика")


@bp.get("/<int:practice_id>")
@login_required
def show(practice_id: int):
    user = _user()
    pr = policy.get_or_404(user, Practice, practice_id)
    used = [(t, obj) for t, obj in svc.usage(pr) if policy.can_view(user, obj)]
    return render_view("practices/show.html", pr=pr, title=pr.title, used=used,
                       can_edit=policy.can_edit(user, pr))


@bp.route("/<int:practice_id>/edit", methods=["GET", "POST"])
@login_required
def edit(practice_id: int):
    user = _user()
    pr = policy.get_or_404(user, Practice, practice_id)
    policy.require_edit(user, pr)
    form = _form(user, pr)
    if request.method == "POST":
        done = _submit(user, form, pr, False)
        if done is not None:
            return done
    return render_view("practices/form.html", form=form, pr=pr,
                       status=422 if request.method == "POST" else 200,
                       title="Изменение практики")


@bp.post("/<int:practice_id>/delete")
@login_required
def delete(practice_id: int):
    user = _user()
    pr = policy.get_or_404(user, Practice, practice_id)
    policy.require_edit(user, pr)
    svc.delete_practice(pr)
    flash("Практика удалена из банка (запись сохранена в истории).", "success")
    return redirect(url_for("practices.index"))
