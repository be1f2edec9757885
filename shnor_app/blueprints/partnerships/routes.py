"""Network partnerships: list with filters in place, card, create/edit, status, joint events
logged in place (rows), practices used, the municipality's map, the quarterly indicators with
their .xlsx export, and the settings of the school «четверти».

Row actions for joint events always answer with their fragment; pages answer with the page,
or with their fragment to htmx (``render_view``).
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import login_required
from sqlalchemy import func, select

from ... import policy
from ...extensions import db
from ...models import (
    Attachment, EventKind, EventVenue, JointEvent, Municipality, Organization, PartnerKind,
    Partnership, PartnershipSide, PartnershipStatus, Practice, Region, Role,
)
from ...services import exports
from ...services.partnerships import indicators
from ...services import partnerships as svc
from ...services import practices as practice_service
from ...services.partnerships import quarters
from ...formatting import today
from ...web import paginate, render_fragment, render_view, send_download, text_arg
from ...web import acting_user as _user, int_arg as _int_arg, parse_int, year_arg
from . import bp
from .forms import EventForm, LinkPracticeForm, PartnershipForm, StatusForm, TermsForm


def _municipalities(user):
    return db.session.scalars(policy.scope_query(user, Municipality)
                              .order_by(Municipality.name)).all()


# --------------------------------------------------------------------------- list


def _filters() -> svc.Filters:
    return svc.Filters(q=text_arg("q", max_length=100),
                       municipality=_int_arg("municipality"),
                       status=text_arg("status"), kind=text_arg("kind"),
                       school=_int_arg("school"))


def _event_counts(ids) -> dict[int, int]:
    if not ids:
        return {}
    return dict(db.session.execute(select(JointEvent.partnership_id, func.count()).where(
        JointEvent.partnership_id.in_(ids), JointEvent.deleted_at.is_(None))
        .group_by(JointEvent.partnership_id)).all())


@bp.get("/")
@login_required
def index():
    user = _user()
    f = _filters()
    stmt = svc.filter_partnerships(policy.scope_query(user, Partnership), f)
    page = paginate(stmt.order_by(Partnership.status, Partnership.school_name,
                                  Partnership.start_date.desc()))
    ids = [p.id for p in page.items]
    school = None
    if f.school:
        school = db.session.get(Organization, f.school)
        school = school if policy.can_view(user, school) else None
    return render_view(
        "partnerships/index.html", "partnerships/_table.html", title="Сетевое партнёрство",
        page=page, filters=f, args=f.args(), events=_event_counts(ids),
        statuses=svc.statuses_by_org([p.school_id for p in page.items], today().year),
        municipalities=_municipalities(user) if user.role in (Role.ADMIN, Role.REGION) or (
            user.role == Role.VIEWER and not user.municipality_id) else [],
        all_statuses=PartnershipStatus, kinds=PartnerKind, school=school,
        can_create=policy.can_create(user, Partnership),
        can_reports=policy.can_see_partnership_reports(user))


# --------------------------------------------------------------------------- create / edit


def _people_rows(form: PartnershipForm, side: PartnershipSide):
    return form.school_people if side == PartnershipSide.SCHOOL else form.partner_people


def _staff_choices(org_id: int | None) -> list[tuple[str, str]]:
    staff = svc.staff_of([org_id]).get(org_id, []) if org_id else []
    return [("", "— не из списка сотрудников —")] + [
        (str(m.id), f"{m.full_name}, {m.position}") for m in staff]


def _set_people_choices(form: PartnershipForm, school_id, partner_id) -> None:
    for side, org_id in ((PartnershipSide.SCHOOL, school_id), (PartnershipSide.PARTNER, partner_id)):
        choices = _staff_choices(org_id)
        for entry in _people_rows(form, side):
            entry.form.staff_id.choices = choices


def _fill_people_from(form: PartnershipForm, p: Partnership) -> None:
    for side in PartnershipSide:
        rows = _people_rows(form, side)
        people = [x for x in p.people if x.side == side]
        while len(rows) < max(2, len(people)) and len(rows) < rows.max_entries:
            rows.append_entry()
        for entry, person in zip(rows, people):
            entry.form.staff_id.data = str(person.staff_member_id or "")
            entry.form.full_name.data = "" if person.staff_member_id else person.full_name
            entry.form.job_title.data = person.job_title or ""


def _people_from(form: PartnershipForm) -> list[svc.Person]:
    out = []
    for side in PartnershipSide:
        for entry in _people_rows(form, side):
            staff = entry.form.staff_id.data
            out.append(svc.Person(side=side, staff_member_id=parse_int(staff),
                                  full_name=entry.form.full_name.data or "",
                                  job_title=entry.form.job_title.data or ""))
    return out


def _org_or_404(user, value) -> Organization | None:
    org_id = parse_int(value)
    if value and org_id is None:
        abort(400)
    org = db.session.get(Organization, org_id) if org_id else None
    if value and (org is None or not policy.can_view(user, org)):
        abort(404)
    return org


def _form(user, p: Partnership | None, can_manage: bool) -> PartnershipForm:
    form = PartnershipForm(obj=p)
    year = today().year
    if can_manage:
        orgs = policy.scope_query(user, Organization)
        form.school_id.choices = svc.school_choices(orgs, year)
        form.partner_id.choices = svc.partner_choices(policy.scope_query(user, Organization), year)
        for name, side in (("school_id", "school"), ("partner_id", "partner")):
            getattr(form, name).render_kw = {
                "hx-get": url_for("partnerships.people_fields", side=side),
                "hx-target": f"#people-{side}-rows", "hx-swap": "outerHTML",
                "hx-trigger": "change"}
    else:  # a tutor edits the agreement and the people, never the parties or the status
        form.school_id.choices = [(str(p.school_id), p.school.short_name)]
        form.partner_id.choices = [(str(p.partner_id), p.partner.short_name)]
    if p is not None and (request.method == "GET" or not can_manage):
        form.school_id.data, form.partner_id.data = str(p.school_id), str(p.partner_id)
        form.status.data = p.status.name
    if p is None and request.method == "GET" and request.args.get("school"):
        form.school_id.data = text_arg("school")
    if p is not None and request.method == "GET":
        _fill_people_from(form, p)
    school_id = parse_int(form.school_id.data)
    partner_id = parse_int(form.partner_id.data)
    _set_people_choices(form, school_id if _visible(user, school_id) else None,
                        partner_id if _visible(user, partner_id) else None)
    return form


def _visible(user, org_id) -> bool:
    return bool(org_id) and policy.can_view(user, db.session.get(Organization, org_id))


def _fill(p: Partnership, form: PartnershipForm, can_manage: bool) -> None:
    if can_manage:
        p.school_id = parse_int(form.school_id.data)
        p.partner_id = parse_int(form.partner_id.data)
        p.status = PartnershipStatus[form.status.data]
    p.agreement_number = form.agreement_number.data
    p.agreement_date = form.agreement_date.data
    p.start_date = form.start_date.data
    p.end_date = form.end_date.data
    p.subject = form.subject.data or ""
    p.plan = form.plan.data


def _render_form(form, p, can_manage, status=200):
    return render_view("partnerships/form.html", form=form, p=p, can_manage=can_manage,
                       status=status, title="Изменение партнёрства" if p else "Новое партнёрство")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    user = _user()
    policy.require_create(user, Partnership)
    form = _form(user, None, True)
    if request.method == "POST":
        if form.validate_on_submit():
            school = _org_or_404(user, form.school_id.data)
            _org_or_404(user, form.partner_id.data)
            policy.require_create(user, Partnership, school)
            p = Partnership(created_by_id=user.id)
            _fill(p, form, True)
            try:
                svc.save_partnership(p, _people_from(form), is_new=True, by=user)
            except svc.PartnershipError as err:
                db.session.rollback()
                form.form_errors.append(str(err))
            else:
                flash("Партнёрство создано. Прикрепите скан соглашения и записывайте "
                      "совместные мероприятия.", "success")
                return redirect(url_for("partnerships.show", partnership_id=p.id))
        return _render_form(form, None, True, status=422)
    return _render_form(form, None, True)


@bp.route("/<int:partnership_id>/edit", methods=["GET", "POST"])
@login_required
def edit(partnership_id: int):
    user = _user()
    p = policy.get_or_404(user, Partnership, partnership_id)
    policy.require_edit(user, p)
    can_manage = policy.can_manage_partnership(user, p)
    form = _form(user, p, can_manage)
    if request.method == "POST":
        if form.validate_on_submit():
            if can_manage:
                _org_or_404(user, form.partner_id.data)
                school = _org_or_404(user, form.school_id.data)
                policy.require_create(user, Partnership, school)
            _fill(p, form, can_manage)
            try:
                svc.save_partnership(p, _people_from(form))
            except svc.PartnershipError as err:
                db.session.rollback()
                p = db.session.get(Partnership, partnership_id)
                form.form_errors.append(str(err))
            else:
                flash("Изменения сохранены.", "success")
                return redirect(url_for("partnerships.show", partnership_id=p.id))
        return _render_form(form, p, can_manage, status=422)
    return _render_form(form, p, can_manage)


@bp.get("/people-fields")
@login_required
def people_fields():
    """The responsible-people fields of one side, for the organisation just chosen (htmx)."""
    user = _user()
    side = PartnershipSide.SCHOOL if request.args.get("side") == "school" else \
        PartnershipSide.PARTNER
    org_id = _int_arg("school_id" if side == PartnershipSide.SCHOOL else "partner_id")
    form = PartnershipForm(formdata=None)
    _set_people_choices(form, org_id if _visible(user, org_id) else None,
                        org_id if _visible(user, org_id) else None)
    return render_view("partnerships/people_page.html", "partnerships/_people_fields.html",
                       form=form, side=side, rows=_people_rows(form, side),
                       title="Ответственные")


@bp.post("/<int:partnership_id>/status")
@login_required
def set_status(partnership_id: int):
    user = _user()
    p = policy.get_or_404(user, Partnership, partnership_id)
    policy.require(policy.can_manage_partnership(user, p))
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    status = PartnershipStatus[form.status.data]
    try:
        svc.set_status(p, status, end_date=form.end_date.data)
    except svc.PartnershipError as err:
        flash(str(err), "error")
    else:
        flash(f"Статус партнёрства: {status.label}.", "success")
    return redirect(url_for("partnerships.show", partnership_id=partnership_id))


@bp.post("/<int:partnership_id>/delete")
@login_required
def delete(partnership_id: int):
    user = _user()
    p = policy.get_or_404(user, Partnership, partnership_id)
    policy.require(policy.can_manage_partnership(user, p))
    svc.delete_partnership(p)
    flash("Партнёрство удалено (запись сохранена в истории).", "success")
    return redirect(url_for("partnerships.index"))


# --------------------------------------------------------------------------- the card


def _files_count(object_type: str, ids) -> dict[int, int]:
    if not ids:
        return {}
    return dict(db.session.execute(select(Attachment.object_id, func.count()).where(
        Attachment.object_type == object_type, Attachment.object_id.in_(ids),
        Attachment.deleted_at.is_(None)).group_by(Attachment.object_id)).all())


@bp.get("/<int:partnership_id>")
@login_required
def show(partnership_id: int):
    user = _user()
    p = policy.get_or_404(user, Partnership, partnership_id)
    events = svc.events_of(p)
    can_edit = policy.can_edit(user, p)
    can_manage = policy.can_manage_partnership(user, p)
    linked = practice_service.linked_practices(p)
    link_form = None
    if can_edit:
        link_form = LinkPracticeForm(formdata=None)
        taken = {pr.id for pr in linked}
        options = db.session.scalars(policy.scope_query(user, Practice)
                                     .order_by(Practice.title)).all()
        link_form.practice_id.choices = [("", "— выберите практику —")] + [
            (str(pr.id), f"{pr.title} ({pr.org_name})") for pr in options if pr.id not in taken]
    status_form = StatusForm(formdata=None, status=p.status.name) if can_manage else None
    year = today().year
    return render_view(
        "partnerships/show.html", title=str(p), p=p, events=events,
        event_files=_files_count("joint_events", [e.id for e in events]),
        can_edit=can_edit, can_manage=can_manage, can_add_event=policy.can_create(
            user, JointEvent, p), linked=linked, link_form=link_form, status_form=status_form,
        statuses=svc.statuses_by_org([p.school_id, p.partner_id], year),
        all_statuses=PartnershipStatus, today=today())


# --------------------------------------------------------------------------- joint events


def _event_form(p: Partnership, ev: JointEvent | None = None, formdata=True) -> EventForm:
    form = EventForm(obj=ev) if formdata else EventForm(formdata=None, obj=ev)
    staff = svc.staff_of([p.school_id, p.partner_id])
    form.participants.choices = [
        (m.id, f"{m.full_name} ({org.short_name})")
        for org in (p.school, p.partner) for m in staff.get(org.id, [])]
    if ev is not None and (request.method == "GET" or not formdata):
        form.kind.data, form.venue.data = ev.kind.name, ev.venue.name
        form.participants.data = sorted(ev.staff_ids)
    if ev is None and request.method == "GET":
        form.event_date.data = today()
    return form


def _event_row(user, ev: JointEvent, p: Partnership, status=200, trigger=None):
    return render_fragment("partnerships/_event_row.html", ev=ev, p=p, status=status,
                           trigger=trigger, can_edit=policy.can_edit(user, ev),
                           event_files=_files_count("joint_events", [ev.id]))


def _event_form_row(user, p, form, ev=None, status=200):
    return render_view("partnerships/event_page.html", "partnerships/_event_row_form.html",
                       form=form, ev=ev, p=p, status=status, title="Совместное мероприятие",
                       today_iso=today().isoformat())


def _fill_event(ev: JointEvent, form: EventForm) -> None:
    ev.event_date = form.event_date.data
    ev.kind = EventKind[form.kind.data]
    ev.venue = EventVenue[form.venue.data]
    ev.topic = form.topic.data or ""
    ev.school_participants = form.school_participants.data or 0
    ev.partner_participants = form.partner_participants.data or 0
    ev.result = form.result.data


def _save_event_from_form(user, p, form, ev, is_new):
    """Validate and save; answer the row (htmx) or redirect, or re-render the form with 422."""
    if form.validate_on_submit():
        if ev is None:
            ev = JointEvent()
        _fill_event(ev, form)
        try:
            svc.save_event(ev, p, form.participants.data, is_new=is_new, by=user)
        except svc.PartnershipError as err:
            form.form_errors.append(str(err))
            ev = None if is_new else db.session.get(JointEvent, ev.id)
        else:
            text = "Мероприятие записано." if is_new else "Мероприятие сохранено."
            if request.htmx:
                return _event_row(user, ev, p, trigger={"notice": {"text": text}})
            flash(text, "success")
            return redirect(url_for("partnerships.show", partnership_id=p.id))
    return _event_form_row(user, p, form, ev=None if is_new else ev, status=422)


@bp.route("/<int:partnership_id>/events/new", methods=["GET", "POST"])
@login_required
def event_new(partnership_id: int):
    user = _user()
    p = policy.get_or_404(user, Partnership, partnership_id)
    policy.require_create(user, JointEvent, p)
    form = _event_form(p)
    if request.method == "POST":
        return _save_event_from_form(user, p, form, None, True)
    return _event_form_row(user, p, form)


@bp.get("/events/<int:event_id>")
@login_required
def event_row(event_id: int):
    """The event's row (htmx, e.g. «Отмена» of an edit) or its page."""
    user = _user()
    ev = policy.get_or_404(user, JointEvent, event_id)
    p = db.session.get(Partnership, ev.partnership_id)
    if request.htmx and not request.htmx.boosted:
        return _event_row(user, ev, p)
    return render_view("partnerships/event.html", ev=ev, p=p, title=str(ev),
                       can_edit=policy.can_edit(user, ev))


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def event_edit(event_id: int):
    user = _user()
    ev = policy.get_or_404(user, JointEvent, event_id)
    policy.require_edit(user, ev)
    p = db.session.get(Partnership, ev.partnership_id)
    form = _event_form(p, ev)
    if request.method == "POST":
        return _save_event_from_form(user, p, form, ev, False)
    return _event_form_row(user, p, form, ev=ev)


@bp.post("/events/<int:event_id>/delete")
@login_required
def event_delete(event_id: int):
    user = _user()
    ev = policy.get_or_404(user, JointEvent, event_id)
    policy.require_edit(user, ev)
    partnership_id = ev.partnership_id
    label = f"{ev.kind.label} {ev.event_date:%d.%m.%Y}"
    svc.delete_event(ev)
    if request.htmx:
        return render_fragment("partnerships/_event_deleted.html", label=label,
                               trigger={"notice": {"text": f"Мероприятие удалено: {label}."}})
    flash(f"Мероприятие удалено: {label}.", "success")
    return redirect(url_for("partnerships.show", partnership_id=partnership_id))


# --------------------------------------------------------------------------- practices used


@bp.post("/<int:partnership_id>/practices")
@login_required
def practice_link(partnership_id: int):
    user = _user()
    p = policy.get_or_404(user, Partnership, partnership_id)
    policy.require_edit(user, p)
    practice = policy.get_or_404(user, Practice, _int_arg("practice_id", request.form) or 0)
    try:
        practice_service.link(practice, p, by=user)
    except practice_service.PracticeError as err:
        flash(str(err), "error")
    else:
        flash(f"Практика «{practice.title}» отмечена как использованная.", "success")
    return redirect(url_for("partnerships.show", partnership_id=p.id) + "#practices-h")


@bp.post("/<int:partnership_id>/practices/<int:practice_id>/delete")
@login_required
def practice_unlink(partnership_id: int, practice_id: int):
    user = _user()
    p = policy.get_or_404(user, Partnership, partnership_id)
    policy.require_edit(user, p)
    if not practice_service.unlink(practice_id, p):
        abort(404)
    flash("Практика убрана из списка использованных.", "success")
    return redirect(url_for("partnerships.show", partnership_id=p.id) + "#practices-h")


# --------------------------------------------------------------------------- map and indicators


def _report_scope(user):
    """(municipality or None, region_id or None, title) chosen for the map / indicators."""
    policy.require(policy.can_see_partnership_reports(user))
    muni_id = user.municipality_id or _int_arg("municipality")
    muni = policy.get_or_404(user, Municipality, muni_id) if muni_id else None
    region_id = muni.region_id if muni else user.effective_region_id
    if muni is None and user.role == Role.ADMIN:
        region_id = _int_arg("region") or region_id
        if region_id is None:
            first = db.session.scalar(select(Region).order_by(Region.name))
            region_id = first.id if first else None
    region = db.session.get(Region, region_id) if region_id else None
    title = muni.name if muni else (region.name if region else "—")
    return muni, region, title


def _school_scope(user, muni, region):
    stmt = policy.scope_query(user, Organization, select(Organization.id))
    if muni is not None:
        stmt = stmt.where(Organization.municipality_id == muni.id)
    elif region is not None:
        stmt = stmt.where(Organization.region_id == region.id)
    return stmt


def _mode_and_settings(region):
    mode = quarters.parse_mode(text_arg("mode"))
    settings = quarters.load_terms(region.id if region else None) if mode == quarters.ACADEMIC \
        else {}
    return mode, settings


def _year_arg(mode) -> int:
    year = year_arg()
    return year if year and 2000 <= year <= 2100 else quarters.year_of(today(), mode)


def _regions_for(user):
    if user.role != Role.ADMIN:
        return []
    return db.session.scalars(select(Region).order_by(Region.name)).all()


@bp.get("/map")
@login_required
def partnership_map():
    user = _user()
    muni, region, scope_title = _report_scope(user)
    mode, settings = _mode_and_settings(region)
    current = quarters.quarter_of(today(), mode, settings)
    year = _year_arg(mode)
    qs = quarters.quarters_of_year(year, mode, settings)
    key = text_arg("quarter")
    quarter = next((q for q in qs if q.key == key), None) or (
        current if current.year == year else qs[0])
    status = text_arg("status", "ACTIVE")
    stmt = policy.scope_query(user, Partnership).where(
        Partnership.school_id.in_(_school_scope(user, muni, region)))
    if status in PartnershipStatus.__members__:
        stmt = stmt.where(Partnership.status == PartnershipStatus[status])
    stmt = stmt.order_by(Partnership.school_name, Partnership.partner_name)
    rows, columns = svc.partnership_map(stmt, quarter, year=quarter.start.year)
    args = {"municipality": muni.id if muni else None, "mode": mode, "year": year,
            "quarter": quarter.key, "status": status, "region": region.id if region else None}
    return render_view(
        "partnerships/map.html", "partnerships/_map_table.html",
        title=f"Карта сетевого партнёрства: {scope_title}", rows=rows, columns=columns,
        quarter=quarter, quarters_list=qs, mode=mode, modes=quarters.MODES, year=year,
        status_filter=status, all_statuses=PartnershipStatus, muni=muni, region=region,
        scope_title=scope_title, args={k: v for k, v in args.items() if v},
        indicator_args={k: v for k, v in args.items() if v and k not in ("quarter", "status")},
        municipalities=[] if user.municipality_id else _municipalities(user),
        regions=_regions_for(user), schools=len({r.partnership.school_id for r in rows}))


def _indicator_report(user):
    muni, region, scope_title = _report_scope(user)
    mode, settings = _mode_and_settings(region)
    year = _year_arg(mode)
    qs = quarters.quarters_of_year(year, mode, settings)
    report = indicators.build_report(_school_scope(user, muni, region), qs, title=scope_title,
                                     year_label=quarters.year_label(year, mode))
    return report, muni, region, mode, year


@bp.get("/indicators")
@login_required
def indicators_page():
    user = _user()
    report, muni, region, mode, year = _indicator_report(user)
    args = {k: v for k, v in {"municipality": muni.id if muni else None, "mode": mode,
                              "year": year, "region": region.id if region else None}.items() if v}
    return render_view(
        "partnerships/indicators.html", "partnerships/_indicators_body.html",
        title=f"Показатели сетевого взаимодействия: {report.title}", report=report,
        indicators=indicators.INDICATORS, codes=indicators.CODES, mode=mode,
        modes=quarters.MODES, year=year, muni=muni, region=region, args=args,
        municipalities=[] if user.municipality_id else _municipalities(user),
        regions=_regions_for(user),
        can_terms=region is not None and policy.can_manage_terms(user, region.id))


@bp.get("/indicators/export.xlsx")
@login_required
def indicators_export():
    user = _user()
    report, muni, _, mode, year = _indicator_report(user)
    stem = f"network-indicators-{year}{'-academic' if mode == quarters.ACADEMIC else ''}"
    return send_download(indicators.report_xlsx(report), exports.filename(stem, "xlsx"), "xlsx")


# --------------------------------------------------------------------------- school terms


@bp.route("/terms", methods=["GET", "POST"])
@login_required
def terms():
    """Dates of the school «четверти» per academic year, for a region."""
    user = _user()
    region_id = _int_arg("region", request.values) or user.effective_region_id
    if user.role == Role.ADMIN and region_id is None:
        first = db.session.scalar(select(Region).order_by(Region.name))
        region_id = first.id if first else None
    policy.require(policy.can_manage_terms(user, region_id))
    region = db.session.get(Region, region_id)
    if region is None:
        abort(404)
    year = year_arg(source=request.values) or quarters.academic_year_of(today())
    if not 2000 <= year <= 2100:
        abort(400)
    configured = quarters.load_terms(region.id)
    form = TermsForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                quarters.save_terms(region.id, year, form.terms())
            except quarters.QuarterError as err:
                db.session.rollback()
                form.form_errors.append(str(err))
            else:
                flash(f"Даты четвертей {year}/{year + 1} учебного года сохранены.", "success")
                return redirect(url_for("partnerships.terms", region=region.id, year=year))
    else:
        form.fill(quarters.terms_for(year, configured))
    return render_view(
        "partnerships/terms.html", form=form, region=region, year=year, status=status,
        is_configured=year in configured, configured=sorted(configured),
        counting=quarters.academic_quarters(year, configured) if year in configured else
        quarters.academic_quarters(year, {}), regions=_regions_for(user),
        title="Учебные четверти")
