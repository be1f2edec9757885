"""Network partnerships: list with filters in place, card, create/edit, status, joint events
logged in place (rows), practices used, the municipality's map, the quarterly indicators with
their .xlsx export, and the settings of the school «четверти».

Row actions for joint events always answer with their fragment; pages answer with the page,
or with their fragment to htmx (``render_view``).
"""
from __future__ import annotations

from functools import cache

from flask import abort, request, url_for
from flask_login import login_required
from jinja2 import pass_context
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ... import policy
from ...extensions import db
from ...formatting import today
from ...models import (
    Attachment, EventKind, EventVenue, JointEvent, Municipality, Organization, PartnerKind,
    Partnership, PartnershipSide, PartnershipStatus, Practice, Region,
)
from ...services import partnerships as svc, practices as practice_service
from ...services.partnerships import indicators, quarters
from ...web import (
    act, answer, export_download, form_message, fragment_cache, paginate, parse_int,
    record, refuse, remove, render_fragment, render_view, submit, text_arg, year_arg,
    acting_user as _user, int_arg as _int_arg,
)
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


@cache
def _school_sort_name():
    """The partnership's school as lists order it (``Organization.sort_name``: «СОШ № 3»
    before «СОШ № 12»). Built once: a constant expression, and building its alias costs a
    quarter of the map's own time."""
    school = aliased(Organization)
    return select(school.sort_name).where(school.id == Partnership.school_id) \
        .correlate(Partnership).scalar_subquery()


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
    page = paginate(stmt.order_by(Partnership.status, _school_sort_name(),
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
        municipalities=_municipalities(user)
        if policy.can(user, "see_all_municipalities", Partnership) else [],
        all_statuses=PartnershipStatus, kinds=PartnerKind, school=school,
        can_create=policy.can_create(user, Partnership),
        can_reports=policy.can(user, "see_reports", Partnership))


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


def _save(user, form: PartnershipForm, p: Partnership | None, can_manage: bool) -> Partnership:
    """The form into the partnership (the parties and the status only for whoever manages
    it: both are among the offered choices, the school one the user manages), then saved."""
    is_new = p is None
    p = p or Partnership(created_by_id=user.id)
    if can_manage:
        policy.require(user, "create", Partnership, policy.pick(
            user, Organization, form.school_id.data))
        p.school_id = parse_int(form.school_id.data)
        p.partner_id = parse_int(form.partner_id.data)
        p.status = PartnershipStatus[form.status.data]
    for name in ("agreement_number", "agreement_date", "start_date", "end_date", "plan"):
        setattr(p, name, getattr(form, name).data)
    p.subject = form.subject.data or ""
    return svc.save_partnership(p, _people_from(form), is_new=is_new, by=user)


def _card(p: Partnership, anchor: str = "") -> str:
    return url_for("partnerships.show", partnership_id=p.id) + anchor


def _form_page(form, p, can_manage, status):
    return render_view("partnerships/form.html", form=form, p=p, can_manage=can_manage,
                       status=status, title="Изменение партнёрства" if p else "Новое партнёрство")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    user = _user()
    policy.require_create(user, Partnership)
    form = _form(user, None, True)
    return submit(form, lambda: _save(user, form, None, True),
                  done=lambda p: answer("Партнёрство создано. Прикрепите скан соглашения и "
                                        "записывайте совместные мероприятия.", None, _card(p)),
                  again=lambda status: _form_page(form, None, True, status))


@bp.route("/<int:partnership_id>/edit", methods=["GET", "POST"])
@login_required
def edit(partnership_id: int):
    user, p = record(Partnership, partnership_id, "edit")
    can_manage = policy.can(user, "manage", p)
    form = _form(user, p, can_manage)
    return submit(form, lambda: _save(user, form, p, can_manage),
                  done=lambda p: answer("Изменения сохранены.", None, _card(p)),
                  again=lambda status: _form_page(form, p, can_manage, status))


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
    _, p = record(Partnership, partnership_id, "manage")
    form = StatusForm()

    def status_part(status=200, error=None):  # htmx: the form, the badge and the term
        return render_fragment("partnerships/_status.html", status=status, p=p,
                               status_form=form, status_error=error, oob=error is None)

    return submit(form, lambda: svc.set_status(p, PartnershipStatus[form.status.data],
                                               end_date=form.end_date.data),
                  done=lambda _: answer(f"Статус партнёрства: {p.status.label}.", status_part,
                                        _card(p)),
                  again=lambda status: refuse(form, _card(p), fragment=lambda: status_part(
                      status, form_message(form))))


@bp.post("/<int:partnership_id>/delete")
@login_required
def delete(partnership_id: int):
    return remove(Partnership, partnership_id, svc.delete_partnership,
                  "Партнёрство удалено (запись сохранена в истории).",
                  url_for("partnerships.index"), action="manage")


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
    user, p = record(Partnership, partnership_id)
    events = svc.events_of(p)
    can_edit = policy.can_edit(user, p)
    can_manage = policy.can(user, "manage", p)
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


def _event_ctx(user, ev: JointEvent, p: Partnership) -> dict:
    return {"ev": ev, "p": p, "can_edit": policy.can_edit(user, ev),
            "event_files": _files_count("joint_events", [ev.id])}


def _event_form_row(p, form, ev=None, status=200):
    return render_view("partnerships/event_page.html", "partnerships/_event_row_form.html",
                       form=form, ev=ev, p=p, status=status, title="Совместное мероприятие",
                       today_iso=today().isoformat())


def _save_event(user, p: Partnership, form: EventForm, ev: JointEvent | None):
    """The form into the event (a new one when ``ev`` is None) and the event saved; the row
    for htmx, the card for a plain form."""
    def save():
        event = ev or JointEvent()
        for name in ("event_date", "result"):
            setattr(event, name, getattr(form, name).data)
        event.kind, event.venue = EventKind[form.kind.data], EventVenue[form.venue.data]
        event.topic = form.topic.data or ""
        event.school_participants = form.school_participants.data or 0
        event.partner_participants = form.partner_participants.data or 0
        return svc.save_event(event, p, form.participants.data, is_new=ev is None, by=user)

    text = "Мероприятие записано." if ev is None else "Мероприятие сохранено."
    return submit(form, save,
                  done=lambda event: answer(text, lambda: render_fragment(
                      "partnerships/_event_row.html", **_event_ctx(user, event, p)), _card(p)),
                  again=lambda status: _event_form_row(p, form, ev, status))


@bp.route("/<int:partnership_id>/events/new", methods=["GET", "POST"])
@login_required
def event_new(partnership_id: int):
    user, p = record(Partnership, partnership_id, adds=JointEvent)
    return _save_event(user, p, _event_form(p), None)


@bp.get("/events/<int:event_id>")
@login_required
def event_row(event_id: int):
    """The event's row (htmx, e.g. «Отмена» of an edit) or its page."""
    user, ev = record(JointEvent, event_id)
    p = db.session.get(Partnership, ev.partnership_id)
    return render_view("partnerships/event.html", "partnerships/_event_row.html", title=str(ev),
                       **_event_ctx(user, ev, p))


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def event_edit(event_id: int):
    user, ev = record(JointEvent, event_id, "edit")
    p = db.session.get(Partnership, ev.partnership_id)
    return _save_event(user, p, _event_form(p, ev), ev)


@bp.post("/events/<int:event_id>/delete")
@login_required
def event_delete(event_id: int):
    return remove(JointEvent, event_id, svc.delete_event,
                  lambda ev: f"Мероприятие удалено: {_event_label(ev)}.",
                  lambda ev: _card(db.session.get(Partnership, ev.partnership_id)),
                  fragment=lambda ev: render_fragment("partnerships/_event_deleted.html",
                                                      label=_event_label(ev)))


def _event_label(ev: JointEvent) -> str:
    return f"{ev.kind.label} {ev.event_date:%d.%m.%Y}"


# --------------------------------------------------------------------------- practices used


@bp.post("/<int:partnership_id>/practices")
@login_required
def practice_link(partnership_id: int):
    user, p = record(Partnership, partnership_id, "edit")
    practice = policy.get_or_404(user, Practice, _int_arg("practice_id", request.form) or 0)
    back = _card(p, "#practices-h")
    return act(lambda: practice_service.link(practice, p, by=user),
               done=lambda _: answer(f"Практика «{practice.title}» отмечена как использованная.",
                                     None, back),
               refused=lambda message: answer(message, None, back, category="error"))


@bp.post("/<int:partnership_id>/practices/<int:practice_id>/delete")
@login_required
def practice_unlink(partnership_id: int, practice_id: int):
    _, p = record(Partnership, partnership_id, "edit")
    if not practice_service.unlink(practice_id, p):
        abort(404)
    return answer("Практика убрана из списка использованных.", None, _card(p, "#practices-h"))


# --------------------------------------------------------------------------- map and indicators


def _territory(user, args=None):
    """The territory the map, the indicators and the «четверти» are shown for, and the regions
    the user switches between (only the admin sees more than one: its own region, or the first,
    until it picks another)."""
    args = args if args is not None else request.args
    regions = db.session.scalars(policy.scope_query(user, Region).order_by(Region.name)).all()
    region_id = _int_arg("region", args) or user.effective_region_id or (
        regions[0].id if regions else None)
    t = policy.territory(user, municipality_id=_int_arg("municipality", args), region_id=region_id)
    return t, regions if len(regions) > 1 else []


def _report_territory(user):
    policy.require(user, "see_reports", Partnership)
    return _territory(user)


def _schools(user, t: policy.Territory):
    """The territory's schools as a sub-select of ids."""
    return t.schools(user).with_only_columns(Organization.id).order_by(None)


def _mode_and_settings(t: policy.Territory):
    mode = quarters.parse_mode(text_arg("mode"))
    settings = quarters.load_terms(t.region_id) if mode == quarters.ACADEMIC else {}
    return mode, settings


def _year_arg(mode) -> int:
    year = year_arg()
    return year if year and 2000 <= year <= 2100 else quarters.year_of(today(), mode)


def _scope_args(t: policy.Territory, **more) -> dict:
    """The query arguments of the chosen territory and filters (empty ones left out)."""
    args = {"municipality": t.municipality.id if t.municipality else None,
            **more, "region": t.region_id}
    return {k: v for k, v in args.items() if v}


def _map_rows_key(rows, columns, computed_for) -> tuple:
    """Everything ``partnerships/_map_rows.html`` shows: the cache key of the map's rows — what
    they were computed for, when they were kept (they follow from it), or else the rows."""
    keys = tuple(c.key for c in columns)
    if computed_for is not None:
        return (request.script_root, computed_for)
    return (request.script_root, keys, tuple(
        (p.id, p.school.short_name, p.partner.short_name, p.partner_kind, p.start_date,
         p.agreement_number, p.agreement_date, p.status, tuple(row.statuses), row.events,
         tuple(row.counters[k] for k in keys))
        for row in rows for p in (row.partnership,)))


@bp.app_template_global()
@pass_context
def map_rows(ctx, rows, columns):
    """The rows of the partnership map, from the fragment cache when the same rows were shown
    before (a region's map is a hundred partnerships and more, laid out the same way for
    every user who opens it)."""
    template = ctx.environment.get_template("partnerships/_map_rows.html")
    return fragment_cache("partnership-map-rows").render(
        _map_rows_key(rows, columns, ctx.get("rows_key")),
        lambda csrf_token: template.render({**ctx.get_all(), "rows": rows, "columns": columns,
                                            "csrf_token": csrf_token}))


@bp.get("/map")
@login_required
def partnership_map():
    user = _user()
    t, regions = _report_territory(user)
    mode, settings = _mode_and_settings(t)
    current = quarters.quarter_of(today(), mode, settings)
    year = _year_arg(mode)
    qs = quarters.quarters_of_year(year, mode, settings)
    key = text_arg("quarter")
    quarter = next((q for q in qs if q.key == key), None) or (
        current if current.year == year else qs[0])
    status = text_arg("status", "ACTIVE")
    stmt = policy.scope_query(user, Partnership).where(
        Partnership.school_id.in_(_schools(user, t)))
    if status in PartnershipStatus.__members__:
        stmt = stmt.where(Partnership.status == PartnershipStatus[status])
    stmt = stmt.order_by(_school_sort_name(), Partnership.partner_name)
    rows, columns, rows_key = svc.partnership_map(stmt, quarter, year=quarter.start.year)
    return render_view(
        "partnerships/map.html", "partnerships/_map_table.html",
        title=f"Карта сетевого партнёрства: {t.title}", rows=rows, columns=columns,
        rows_key=rows_key,
        quarter=quarter, quarters_list=qs, mode=mode, modes=quarters.MODES, year=year,
        status_filter=status, all_statuses=PartnershipStatus, muni=t.municipality,
        region=t.region, scope_title=t.title,
        args=_scope_args(t, mode=mode, year=year, quarter=quarter.key, status=status),
        indicator_args=_scope_args(t, mode=mode, year=year),
        municipalities=t.choices, regions=regions,
        schools=len({r.partnership.school_id for r in rows}))


def _indicator_report(user):
    t, regions = _report_territory(user)
    mode, settings = _mode_and_settings(t)
    year = _year_arg(mode)
    qs = quarters.quarters_of_year(year, mode, settings)
    report = indicators.build_report(_schools(user, t), qs, title=t.title,
                                     year_label=quarters.year_label(year, mode))
    return report, t, regions, mode, year


@bp.get("/indicators")
@login_required
def indicators_page():
    user = _user()
    report, t, regions, mode, year = _indicator_report(user)
    return render_view(
        "partnerships/indicators.html", "partnerships/_indicators_body.html",
        title=f"Показатели сетевого взаимодействия: {report.title}", report=report,
        indicators=indicators.INDICATORS, codes=indicators.CODES, mode=mode,
        modes=quarters.MODES, year=year, muni=t.municipality, region=t.region,
        args=_scope_args(t, mode=mode, year=year), municipalities=t.choices, regions=regions,
        can_terms=policy.can(user, "manage", t.region))


@bp.get("/indicators/export.xlsx")
@login_required
def indicators_export():
    user = _user()
    report, _, _, mode, year = _indicator_report(user)
    stem = f"network-indicators-{year}{'-academic' if mode == quarters.ACADEMIC else ''}"
    return export_download(indicators.report_xlsx(report), "xlsx", stem)


# --------------------------------------------------------------------------- school terms


@bp.route("/terms", methods=["GET", "POST"])
@login_required
def terms():
    """Dates of the school «четверти» per academic year, for a region."""
    user = _user()
    t, regions = _territory(user, request.values)
    region = t.region or abort(404)
    policy.require(user, "manage", region)
    year = year_arg(source=request.values) or quarters.academic_year_of(today())
    if not 2000 <= year <= 2100:
        abort(400)
    configured = quarters.load_terms(region.id)
    form = TermsForm()
    if request.method == "GET":
        form.fill(quarters.terms_for(year, configured))
    return submit(
        form, lambda: quarters.save_terms(region.id, year, form.terms()),
        done=lambda _: answer(f"Даты четвертей {year}/{year + 1} учебного года сохранены.", None,
                              url_for("partnerships.terms", region=region.id, year=year)),
        again=lambda status: render_view(
            "partnerships/terms.html", form=form, region=region, year=year, status=status,
            is_configured=year in configured, configured=sorted(configured),
            counting=quarters.academic_quarters(year, configured if year in configured else {}),
            regions=regions, title="Учебные четверти"))
