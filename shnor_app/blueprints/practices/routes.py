"""The practice bank: search-as-you-type with filters, card, publish, edit, delete."""
from __future__ import annotations

from flask import request, url_for
from flask_login import login_required
from sqlalchemy import select

from ... import policy
from ...text import natural_key
from ...extensions import db
from ...models import Organization, OrgKind, Practice, PracticeProblem
from ...services import practices as svc
from ...web import (
    answer, listing, paginate, record, remove, render_view, set_args, submit, text_arg,
    acting_user as _user,
)
from . import bp
from .forms import PracticeForm


def _author_choices(user) -> list[tuple[str, str]]:
    """Organisations the user may publish for: its own school, or those it manages."""
    stmt = policy.scope_query(user, Organization).where(Organization.kind.not_in(
        [OrgKind.ASSESSMENT_CENTRE]))
    orgs = db.session.scalars(stmt.order_by(Organization.kind != OrgKind.SCHOOL,
                                            Organization.sort_name)).all()
    return [(str(o.id), o.short_name) for o in orgs if policy.can_create(user, Practice, o)]


@bp.get("/")
@login_required
def index():
    user, q = _user(), text_arg("q")
    stmt, f = listing(Practice, problem=Practice.problem, org=Practice.author_org_id)
    page = paginate(svc.search(stmt, q).order_by(Practice.created_at.desc(), Practice.id.desc()),
                    per_page=20)
    authors = db.session.execute(
        policy.scope_query(user, Practice, select(Practice.author_org_id, Practice.org_name)
                           .select_from(Practice)).distinct()
        .order_by(Practice.org_name)).all()
    authors.sort(key=lambda row: natural_key(row[1]))  # «СОШ № 3» before «СОШ № 12»
    return render_view(
        "practices/index.html", "practices/_list.html", title="Банк лучших практик",
        page=page, q=q, problem=f["problem"], org=f["org"], problems=PracticeProblem,
        authors=authors, args=set_args({"q": q, **f}),
        can_create=policy.can_create(user, Practice))


def _form(user, pr=None) -> PracticeForm:
    """The form with the organisations the user may publish for (the same list on GET and
    POST, so an id outside it is refused beside the field); an edited practice keeps its
    author on offer."""
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


def _save(user, form: PracticeForm, pr: Practice, is_new: bool) -> Practice:
    pr.author_org_id = int(form.author_org_id.data)  # one of the offered choices
    for name in ("title", "authors", "topic", "description", "results"):
        setattr(pr, name, getattr(form, name).data or "")
    pr.problem = PracticeProblem.coerce(form.problem.data)
    return svc.save_practice(pr, is_new=is_new, by=user)


def _form_page(form, pr, status):
    return render_view("practices/form.html", form=form, pr=pr, status=status,
                       title="Изменение практики" if pr else "Новая практика")


def _card(pr: Practice) -> str:
    return url_for("practices.show", practice_id=pr.id)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    user = _user()
    policy.require_create(user, Practice)
    form = _form(user)
    policy.require(bool(form.author_org_id.choices))
    return submit(form, lambda: _save(user, form, Practice(), True),
                  done=lambda pr: answer("Практика опубликована в банке. Прикрепите материалы.",
                                         None, _card(pr)),
                  again=lambda status: _form_page(form, None, status))


@bp.get("/<int:practice_id>")
@login_required
def show(practice_id: int):
    user, pr = record(Practice, practice_id)
    used = [(t, obj) for t, obj in svc.usage(pr) if policy.can_view(user, obj)]
    return render_view("practices/show.html", pr=pr, title=pr.title, used=used,
                       can_edit=policy.can_edit(user, pr))


@bp.route("/<int:practice_id>/edit", methods=["GET", "POST"])
@login_required
def edit(practice_id: int):
    user, pr = record(Practice, practice_id, "edit")
    form = _form(user, pr)
    return submit(form, lambda: _save(user, form, pr, False),
                  done=lambda pr: answer("Изменения сохранены.", None, _card(pr)),
                  again=lambda status: _form_page(form, pr, status))


@bp.post("/<int:practice_id>/delete")
@login_required
def delete(practice_id: int):
    return remove(Practice, practice_id, svc.delete_practice,
                  "Практика удалена из банка (запись сохранена в истории).",
                  url_for("practices.index"))
