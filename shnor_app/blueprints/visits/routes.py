"""Visit pages: the list with filters in place, the one-page visit form (rows of visitors,
lessons and recommendations added in place), the visit's card, the printed report.

The form is built for a laptop in the field: today's date, the user's organisation and the user
as the first visitor are filled in; "add a row" asks htmx for an empty row (without JavaScript
the same button posts the form back with one more row); choosing the school refreshes the
lists of its teachers and staff offered as you type.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import login_required
from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import MentoringPair, OrgKind, Organization, Role, Visit, VisitKind
from ...services.visits import report as visit_report
from ...services import visits as svc
from ...formatting import today
from ...web import paginate, render_fragment, render_view, send_download, text_arg
from ...web import acting_user as _user, parse_int as _int
from ..recommendations.routes import block_context
from . import bp


# --------------------------------------------------------------------------- list


def _filters() -> svc.Filters:
    args = request.args
    return svc.Filters(school=_int(args.get("school")), visiting_org=_int(args.get("visiting_org")),
                       date_from=svc.parse_date(args.get("date_from")),
                       date_to=svc.parse_date(args.get("date_to")),
                       recs=args.get("recs", "") if args.get("recs") in svc.REC_FILTERS else "")


def _visible_orgs(user, kinds=None) -> list[Organization]:
    stmt = policy.scope_query(user, Organization)
    if kinds is not None:
        stmt = stmt.where(Organization.kind.in_(kinds))
    return list(db.session.scalars(stmt.order_by(Organization.short_name)))


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
        .order_by(Organization.short_name)).all()
    return render_view(
        "visits/index.html", "visits/_list.html", title="Посещения школ", page=page,
        filters=filters, args=filters.args(), rec_counts=svc.open_counts(ids),
        rec_filters=svc.REC_FILTERS,
        schools=_visible_orgs(user, [OrgKind.SCHOOL]), visiting_orgs=visiting,
        can_create=policy.can_create(user, Visit))


# --------------------------------------------------------------------------- the form


def _choices(user, visit: Visit | None):
    """(schools, visiting organisations) the user may pick."""
    schools = [s for s in _visible_orgs(user, [OrgKind.SCHOOL])
               if policy.can_create(user, Visit, s)]
    if user.role == Role.ADMIN:
        visiting = _visible_orgs(user)
    else:
        ids = policy.visiting_org_ids(user)
        visiting = list(db.session.scalars(select(Organization).where(
            Organization.id.in_(ids), Organization.deleted_at.is_(None))
            .order_by(Organization.short_name))) if ids else []
    if visit is not None:
        if visit.school_id not in {s.id for s in schools}:
            schools.insert(0, visit.school)
        if visit.visiting_org_id not in {o.id for o in visiting}:
            visiting.insert(0, visit.visiting_org)
    return schools, visiting


def _pairs(user, school_id) -> list[MentoringPair]:
    return [p for p in svc.pairs_for_school(school_id) if policy.can_view(user, p)]


def _form_ctx(user, form: svc.VisitForm, visit: Visit | None) -> dict:
    schools, visiting = _choices(user, visit)
    if not form.school_id and len(schools) == 1:
        form.school_id = str(schools[0].id)
    # only a school on offer opens its staff list (a typed-in ?school= of another is ignored)
    school_id = _int(form.school_id) if _int(form.school_id) in {s.id for s in schools} else None
    if not form.visiting_org_id and len(visiting) == 1:
        form.visiting_org_id = str(visiting[0].id)
    return {"form": form, "visit": visit, "schools": schools, "visiting_orgs": visiting,
            "kinds": VisitKind, "staff": svc.staff_choices(school_id),
            "pairs": _pairs(user, school_id), "today": today(),
            "title": "Изменить посещение" if visit else "Новое посещение школы"}


def _check_choices(user, form: svc.VisitForm, visit: Visit | None) -> None:
    """Only what was offered may be saved: a typed-in id of another school is refused."""
    schools, visiting = _choices(user, visit)
    if form.school_id and _int(form.school_id) not in {s.id for s in schools}:
        form.errors["school_id"] = "Эту школу вы выбрать не можете."
    if form.visiting_org_id and _int(form.visiting_org_id) not in {o.id for o in visiting}:
        form.errors["visiting_org_id"] = "От имени этой организации вы посещения не записываете."
    if form.pair_id:
        pair = next((p for p in _pairs(user, _int(form.school_id))
                     if str(p.id) == form.pair_id), None)
        if pair is None:
            form.errors["pair_id"] = "Эта пара наставничества относится к другой школе."


def _handle_post(user, visit: Visit | None):
    form = svc.parse_form(request.form)
    add = request.form.get("add_row", "")
    if add in svc.SECTIONS:  # the no-JavaScript way to add a row: the same page, one row more
        form.add_row(add)
        return render_view("visits/form.html", **_form_ctx(user, form, visit))
    svc.validate(form)
    _check_choices(user, form, visit)
    if not form.errors:
        try:
            saved = svc.save_visit(visit, form, by=user)
        except svc.VisitError as err:
            form.errors["__all__"] = str(err)
        else:
            flash("Посещение сохранено." if visit else "Посещение записано.", "success")
            return redirect(url_for("visits.show", visit_id=saved.id))
    if visit is not None:
        db.session.rollback()
        visit = db.session.get(Visit, visit.id)
        svc.refill_locked(form, visit)
    for section in svc.SECTIONS:  # keep at least one row of each kind on the page
        if section != "visitors" and not getattr(form, section):
            form.add_row(section)
    return render_view("visits/form.html", status=422, **_form_ctx(user, form, visit))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    user = _user()
    policy.require_create(user, Visit)
    if request.method == "POST":
        return _handle_post(user, None)
    ids = sorted(policy.visiting_org_ids(user))
    form = svc.blank_form(user, ids[0] if len(ids) == 1 else None,
                          _int(request.args.get("school")))
    form.pair_id = text_arg("pair")
    return render_view("visits/form.html", **_form_ctx(user, form, None))


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@login_required
def edit(visit_id: int):
    user = _user()
    visit = policy.get_or_404(user, Visit, visit_id)
    policy.require_edit(user, visit)
    if request.method == "POST":
        return _handle_post(user, visit)
    form = svc.form_from_visit(visit, svc.recommendations_of(visit))
    for section in ("lessons", "recs"):
        if not getattr(form, section):
            form.add_row(section)
    return render_view("visits/form.html", **_form_ctx(user, form, visit))


@bp.get("/row/<section>")
@login_required
def row(section: str):
    """An empty row of the visit form (htmx appends it to its table)."""
    if section not in svc.SECTIONS:
        abort(404)
    policy.require(policy.can_log_visits(_user()))
    form = svc.VisitForm()
    new_row = form.add_row(section)
    return render_fragment(f"visits/_{section}_row.html", row=new_row, form=form, autofocus=True)


@bp.get("/school-context")
@login_required
def school_context():
    """The chosen school's staff (for the lists offered while typing) and mentoring pairs."""
    user = _user()
    policy.require(policy.can_log_visits(user))
    school_id = _int(request.args.get("school_id"))
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
    user = _user()
    visit = policy.get_or_404(user, Visit, visit_id)
    pair = db.session.get(MentoringPair, visit.pair_id) if visit.pair_id else None
    return render_view("visits/show.html", title=str(visit), visit=visit,
                       pair=pair if pair is not None and policy.can_view(user, pair) else None,
                       can_edit=policy.can_edit(user, visit),
                       **block_context(user, svc.SOURCE, visit))


@bp.post("/<int:visit_id>/delete")
@login_required
def delete(visit_id: int):
    user = _user()
    visit = policy.get_or_404(user, Visit, visit_id)
    policy.require_edit(user, visit)
    svc.delete_visit(visit)
    flash("Посещение удалено (запись и напечатанные справки сохранены в истории).", "success")
    return redirect(url_for("visits.index"))


@bp.post("/<int:visit_id>/report.<fmt>")
@login_required
def report(visit_id: int, fmt: str):
    """Print the report (справка): PDF or .docx. A POST, because it records ``printed_at``."""
    if fmt not in visit_report.FORMATS:
        abort(404)
    user = _user()
    visit = policy.get_or_404(user, Visit, visit_id)
    data = visit_report.render(visit, svc.recommendations_of(visit), fmt)
    svc.mark_printed(visit, fmt)
    return send_download(data, visit_report.filename(visit, fmt), fmt)
