"""Visit pages: the list with filters in place, the one-page visit form (rows of visitors,
lessons and recommendations added in place), the visit's card, the printed report.

The form is built for a laptop in the field: today's date, the user's organisation and the user
as the first visitor are filled in; "add a row" asks htmx for an empty row (without JavaScript
the same button posts the form back with one more row); choosing the school refreshes the
lists of its teachers and staff offered as you type.
"""
from __future__ import annotations

from flask import abort, request, url_for
from flask_login import login_required
from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...formatting import today
from ...models import MentoringPair, Organization, OrgKind, Visit, VisitKind
from ...services import recommendations as rec_svc, visits as svc
from ...services.visits import report as visit_report
from ...web import (
    answer, int_arg, paginate, record, remove, render_fragment, render_view,
    send_download, submit, text_arg, acting_user as _user,
)
from . import bp
from .forms import Choices, PostedVisit

# --------------------------------------------------------------------------- list


def _filters() -> svc.Filters:
    args = request.args
    return svc.Filters(school=int_arg("school"), visiting_org=int_arg("visiting_org"),
                       date_from=svc.parse_date(args.get("date_from")),
                       date_to=svc.parse_date(args.get("date_to")),
                       recs=args.get("recs", "") if args.get("recs") in svc.REC_FILTERS else "")


def _visible_orgs(user, kinds=None) -> list[Organization]:
    stmt = policy.scope_query(user, Organization)
    if kinds is not None:
        stmt = stmt.where(Organization.kind.in_(kinds))
    return list(db.session.scalars(stmt.order_by(Organization.sort_name)))


@bp.get("/")
@login_required
def index():
    user = _user()
    filters = _filters()
    stmt = svc.filter_visits(policy.scope_query(user, Visit), filters)
    page = paginate(stmt.order_by(Visit.visit_date.desc(), Visit.id.desc()))
    ids = [v.id for v in page.items]
    visiting = db.session.scalars(select(Organization).where(Organization.id.in_(
        policy.scope_query(user, Visit).with_only_columns(Visit.visiting_org_id).distinct()))
        .order_by(Organization.sort_name)).all()
    return render_view(
        "visits/index.html", "visits/_list.html", title="Посещения школ", page=page,
        filters=filters, args=filters.args(), rec_counts=svc.open_counts(ids),
        rec_filters=svc.REC_FILTERS,
        schools=_visible_orgs(user, [OrgKind.SCHOOL]), visiting_orgs=visiting,
        can_create=policy.can_create(user, Visit))


# --------------------------------------------------------------------------- the form


def _pairs(user, school_id) -> list[MentoringPair]:
    return [p for p in svc.pairs_for_school(school_id) if policy.can_view(user, p)]


def _choices(user, visit: Visit | None) -> Choices:
    """The schools the user may visit and the organisations it logs visits for (an edited
    visit keeps its own on offer)."""
    schools = [s for s in _visible_orgs(user, [OrgKind.SCHOOL])
               if policy.can_create(user, Visit, s)]
    visiting = list(db.session.scalars(policy.visits.visiting_orgs(user)))
    if visit is not None:
        if visit.school_id not in {s.id for s in schools}:
            schools.insert(0, visit.school)
        if visit.visiting_org_id not in {o.id for o in visiting}:
            visiting.insert(0, visit.visiting_org)
    return Choices(schools, visiting, lambda school_id: _pairs(user, school_id))


def _form_page(user, form: svc.VisitForm, visit: Visit | None, offered: Choices | None = None,
               status: int = 200):
    offered = offered or _choices(user, visit)
    if not form.school_id and len(offered.schools) == 1:
        form.school_id = str(offered.schools[0].id)
    # only a school on offer opens its staff list (a typed-in ?school= of another is ignored)
    school_id = offered.school_id(form.school_id)
    if not form.visiting_org_id and len(offered.visiting) == 1:
        form.visiting_org_id = str(offered.visiting[0].id)
    return render_view("visits/form.html", status=status, form=form, visit=visit,
                       schools=offered.schools, visiting_orgs=offered.visiting, kinds=VisitKind,
                       staff=svc.staff_choices(school_id), pairs=offered.pairs(school_id),
                       today=today(),
                       title="Изменить посещение" if visit else "Новое посещение школы")


def _refused(user, form: svc.VisitForm, visit: Visit | None, offered: Choices, status: int):
    """The form again, as typed: answered recommendations as they are, a row of each kind."""
    svc.refill_locked(form, visit)
    for section in svc.SECTIONS:
        if section != "visitors" and not getattr(form, section):
            form.add_row(section)
    return _form_page(user, form, visit, offered, status)


def _handle_post(user, visit: Visit | None):
    form = svc.parse_form(request.form)
    add = request.form.get("add_row", "")
    if add in svc.SECTIONS:  # the no-JavaScript way to add a row: the same page, one row more
        form.add_row(add)
        return _form_page(user, form, visit)
    offered = _choices(user, visit)
    return submit(PostedVisit(form, offered), lambda: svc.save_visit(visit, form, by=user),
                  done=lambda saved: answer("Посещение сохранено." if visit else
                                            "Посещение записано.", None,
                                            url_for("visits.show", visit_id=saved.id)),
                  again=lambda status: _refused(user, form, visit, offered, status))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    user = _user()
    policy.require_create(user, Visit)
    if request.method == "POST":
        return _handle_post(user, None)
    ids = sorted(policy.visiting_org_ids(user))
    form = svc.blank_form(user, ids[0] if len(ids) == 1 else None, int_arg("school"))
    form.pair_id = text_arg("pair")
    return _form_page(user, form, None)


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@login_required
def edit(visit_id: int):
    user, visit = record(Visit, visit_id, "edit")
    if request.method == "POST":
        return _handle_post(user, visit)
    form = svc.form_from_visit(visit, svc.recommendations_of(visit))
    for section in ("lessons", "recs"):
        if not getattr(form, section):
            form.add_row(section)
    return _form_page(user, form, visit)


@bp.get("/row/<section>")
@login_required
def row(section: str):
    """An empty row of the visit form (htmx appends it to its table)."""
    if section not in svc.SECTIONS:
        abort(404)
    policy.require(_user(), "log", Visit)
    form = svc.VisitForm()
    new_row = form.add_row(section)
    return render_fragment(f"visits/_{section}_row.html", row=new_row, form=form, autofocus=True)


@bp.get("/school-context")
@login_required
def school_context():
    """The chosen school's staff (for the lists offered while typing) and mentoring pairs."""
    user = _user()
    policy.require(user, "log", Visit)
    school_id = int_arg("school_id")
    if school_id:
        policy.get_or_404(user, Organization, school_id)
    form = svc.VisitForm(school_id=str(school_id or ""), pair_id=text_arg("pair_id"))
    return render_fragment("visits/_school_context.html", form=form,
                           staff=svc.staff_choices(school_id), pairs=_pairs(user, school_id),
                           oob=True)


# --------------------------------------------------------------------------- the card


@bp.get("/<int:visit_id>")
@login_required
def show(visit_id: int):
    user, visit = record(Visit, visit_id)
    pair = db.session.get(MentoringPair, visit.pair_id) if visit.pair_id else None
    return render_view("visits/show.html", title=str(visit), visit=visit,
                       pair=pair if pair is not None and policy.can_view(user, pair) else None,
                       can_edit=policy.can_edit(user, visit),
                       **rec_svc.block_context(user, svc.SOURCE, visit))


@bp.post("/<int:visit_id>/delete")
@login_required
def delete(visit_id: int):
    return remove(Visit, visit_id, svc.delete_visit,
                  "Посещение удалено (запись и напечатанные справки сохранены в истории).",
                  url_for("visits.index"))


@bp.post("/<int:visit_id>/report.<fmt>")
@login_required
def report(visit_id: int, fmt: str):
    """Print the report (справка): PDF or .docx. A POST, because it is journalled (and, printed
    by an author, marks the visit as printed)."""
    if fmt not in visit_report.FORMATS:
        abort(404)
    user, visit = record(Visit, visit_id)
    data = visit_report.render(visit, svc.recommendations_of(visit), fmt)
    svc.mark_printed(visit, fmt, official=policy.can(user, "edit", visit))
    return send_download(data, visit_report.filename(visit, fmt), fmt)
