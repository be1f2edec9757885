"""Registry pages: organisations with statuses and staff, regions and municipalities."""
from flask import request, url_for
from flask_login import login_required
from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import (
    Municipality, Organization, OrderKind, OrgKind, QualificationCategory, Region, SchoolStatus,
    SchoolStatusRecord, StaffMember,
)
from ...services import registry as reg
from ...text import normalize_name
from ...web import (
    act, answer, current_year, edited, listing, paginate, record, refuse, remove,
    render_fragment, render_view, set_args, submit, text_arg, year_arg, acting_user as _user,
    int_arg as _int_arg,
)
from . import bp
from .forms import MunicipalityForm, OrganizationForm, RegionForm, StaffForm, StatusForm


def _visible_municipalities():
    stmt = policy.scope_query(_user(), Municipality).order_by(Municipality.name)
    return db.session.scalars(stmt).all()


# --------------------------------------------------------------------------- organisations


@bp.get("/organizations")
@login_required
def organizations():
    user, q, status = _user(), text_arg("q"), text_arg("status")
    year = year_arg() or current_year()
    stmt, f = listing(Organization, kind=Organization.kind,
                      municipality=Organization.municipality_id)
    if q:
        stmt = stmt.where(Organization.search_text.contains(normalize_name(q), autoescape=True))
    if status in SchoolStatus.__members__:
        stmt = stmt.where(Organization.id.in_(select(SchoolStatusRecord.organization_id).where(
            SchoolStatusRecord.year == year, SchoolStatusRecord.status == SchoolStatus[status],
            SchoolStatusRecord.deleted_at.is_(None))))
    page = paginate(stmt.order_by(Organization.kind != OrgKind.SCHOOL, Organization.sort_name))
    filters = {"q": q, "kind": f["kind"], "status": status, "municipality": f["municipality"],
               "year": year}
    return render_view(
        "registry/organizations.html", "registry/_org_table.html",
        title="Реестр организаций", page=page, filters=filters, args=set_args(filters),
        statuses=reg.statuses_for([o.id for o in page.items], year),
        municipalities=_visible_municipalities(), kinds=OrgKind, all_statuses=SchoolStatus,
        can_create=policy.can_create(user, Organization, _default_municipality(user)) or
        policy.can(user, "create_regional", Organization),
        can_import=policy.can(user, "import_registry", Organization)
        or policy.can(user, "import_staff", StaffMember),
    )


def _default_municipality(user):
    if user.municipality_id:
        return db.session.get(Municipality, user.municipality_id)
    return None


def _org_form(org: Organization | None = None) -> OrganizationForm:
    user = _user()
    form = OrganizationForm(obj=org)
    munis = [m for m in _visible_municipalities()
             if policy.can(user, "manage", m)]
    choices = [(str(m.id), m.name) for m in munis]
    if policy.can(user, "create_regional", Organization):
        choices = [("", "— региональная организация (без муниципалитета) —")] + choices
    form.municipality_id.choices = choices
    if org is not None and request.method == "GET":
        form.kind.data = org.kind.name
        form.municipality_id.data = str(org.municipality_id or "")
    elif org is None and request.method == "GET" and user.municipality_id:
        form.municipality_id.data = str(user.municipality_id)
    return form


def _fill_org(org: Organization, form: OrganizationForm) -> None:
    org.kind = OrgKind[form.kind.data]
    for name in ("full_name", "short_name", "inn", "code", "address", "director_name",
                 "phone", "email", "kpp", "ogrn", "fis_oko_login", "gia_code"):
        value = (getattr(form, name).data or "").strip()
        setattr(org, name, value or None)
    org.full_name = org.full_name or ""
    org.municipality_id = int(form.municipality_id.data) if form.municipality_id.data else None
    if org.municipality_id is None:
        org.region_id = _user().effective_region_id or org.region_id


def _org_page(form, org, title):
    return lambda status: render_view("registry/organization_form.html", form=form, org=org,
                                      title=title, status=status)


def _org_url(org) -> str:
    return url_for("registry.organization", org_id=org.id)


@bp.route("/organizations/new", methods=["GET", "POST"])
@login_required
def organization_new():
    user = _user()
    form = _org_form()
    policy.require(bool(form.municipality_id.choices))

    def save():
        muni = policy.get(Municipality, int(form.municipality_id.data)) \
            if form.municipality_id.data else None
        if muni is None:
            policy.require(user, "create_regional", Organization)
        else:
            policy.require_create(user, Organization, muni)
        org = Organization(created_by_id=user.id)
        _fill_org(org, form)
        return reg.save_organization(org, is_new=True)

    return submit(form, save,
                  done=lambda org: answer(f"Организация «{org.short_name}» добавлена.", None,
                                          _org_url(org)),
                  again=_org_page(form, None, "Новая организация"))


@bp.get("/organizations/<int:org_id>")
@login_required
def organization(org_id: int):
    user, org = record(Organization, org_id)
    statuses = db.session.scalars(select(SchoolStatusRecord).where(
        SchoolStatusRecord.organization_id == org.id, SchoolStatusRecord.deleted_at.is_(None))
        .order_by(SchoolStatusRecord.year.desc(), SchoolStatusRecord.status)).all()
    status_form = StatusForm(formdata=None, year=current_year())
    return render_view(
        "registry/organization.html", title=org.short_name, statuses=statuses,
        status_form=status_form, **_staff_context(org),
        can_edit=policy.can_edit(user, org),
        can_add_status=org.is_school and policy.can_create(user, SchoolStatusRecord, org),
    )


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def organization_edit(org_id: int):
    user, org = record(Organization, org_id, "edit")
    form = _org_form(org)

    def save():
        if form.municipality_id.data:  # the municipality it moves to is one the user manages
            policy.require(user, "manage", policy.get(Municipality, int(form.municipality_id.data)))
        _fill_org(org, form)
        return reg.save_organization(org)

    return submit(form, save,
                  done=lambda org: answer("Изменения сохранены.", None, _org_url(org)),
                  again=_org_page(form, org, f"Изменение: {org.short_name}"))


@bp.post("/organizations/<int:org_id>/delete")
@login_required
def organization_delete(org_id: int):
    _, org = record(Organization, org_id, "edit")
    return act(lambda: reg.delete_organization(org),
               done=lambda _: answer(f"Организация «{org.short_name}» удалена.", None,
                                     url_for("registry.organizations")),
               refused=lambda message: answer(message, None, _org_url(org), category="error"))


# --------------------------------------------------------------------------- statuses


def _statuses_fragment(org, form=None, status=200):
    statuses = db.session.scalars(select(SchoolStatusRecord).where(
        SchoolStatusRecord.organization_id == org.id, SchoolStatusRecord.deleted_at.is_(None))
        .order_by(SchoolStatusRecord.year.desc(), SchoolStatusRecord.status)).all()
    user = _user()
    return render_fragment(
        "registry/_statuses.html", org=org, statuses=statuses,
        status_form=form or StatusForm(formdata=None, year=current_year()),
        can_add_status=policy.can_create(user, SchoolStatusRecord, org), status=status)


@bp.post("/organizations/<int:org_id>/statuses")
@login_required
def status_add(org_id: int):
    user, org = record(Organization, org_id, adds=SchoolStatusRecord)
    form = StatusForm()
    return submit(form, lambda: reg.add_status(SchoolStatusRecord(
                      organization_id=org.id, year=form.year.data,
                      status=SchoolStatus[form.status.data],
                      order_kind=OrderKind.coerce(form.order_kind.data),
                      order_number=(form.order_number.data or "").strip() or None,
                      order_date=form.order_date.data,
                      note=(form.note.data or "").strip() or None, created_by_id=user.id)),
                  done=lambda _: answer("Статус добавлен.", lambda: _statuses_fragment(org),
                                        _org_url(org)),
                  again=lambda status: refuse(form, _org_url(org), fragment=lambda:
                                              _statuses_fragment(org, form, status=status)))


@bp.post("/statuses/<int:status_id>/revoke")
@login_required
def status_revoke(status_id: int):
    return remove(SchoolStatusRecord, status_id, reg.revoke_status,
                  "Статус отменён. Запись сохранена в истории.",
                  lambda entry: _org_url(entry.organization),
                  fragment=lambda entry: _statuses_fragment(entry.organization))


# --------------------------------------------------------------------------- staff


def _staff_context(org: Organization) -> dict:
    user = _user()
    q = text_arg("staff_q")
    show_left = request.args.get("left") == "1"
    stmt = select(StaffMember).where(StaffMember.organization_id == org.id,
                                     StaffMember.deleted_at.is_(None))
    if q:
        stmt = stmt.where(StaffMember.search_text.contains(normalize_name(q), autoescape=True))
    if not show_left:
        stmt = stmt.where(StaffMember.left_on.is_(None))
    staff = db.session.scalars(stmt.order_by(StaffMember.full_name)).all()
    return {"org": org, "staff": staff, "staff_q": q, "show_left": show_left,
            "can_add_staff": policy.can_create(user, StaffMember, org),
            "can_edit_staff": policy.can_create(user, StaffMember, org)}


@bp.get("/organizations/<int:org_id>/staff")
@login_required
def staff_list(org_id: int):
    org = policy.get_or_404(_user(), Organization, org_id)
    ctx = _staff_context(org)
    return render_view("registry/staff.html", "registry/_staff_table.html",
                       title=f"Сотрудники: {org.short_name}", **ctx)


def _fill_staff(member: StaffMember, form: StaffForm) -> None:
    member.full_name = form.full_name.data or ""
    member.position = (form.position.data or "").strip() or "Учитель"
    member.subjects = (form.subjects.data or "").strip() or None
    member.category = QualificationCategory[form.category.data]
    member.teaching_since = form.teaching_since.data
    member.young_specialist = bool(form.young_specialist.data)
    member.management = bool(form.management.data)
    member.email = (form.email.data or "").strip() or None
    member.hired_on = form.hired_on.data
    member.left_on = form.left_on.data
    if (form.snils.data or "").strip():
        member.snils = form.snils.data.strip()
    if form.birth_date.data:
        member.birth_date = form.birth_date.data


def _staff_form(member: StaffMember | None = None, formdata=True) -> StaffForm:
    form = StaffForm(obj=member) if formdata else StaffForm(formdata=None, obj=member)
    if member is not None and (request.method == "GET" or not formdata):
        form.category.data = member.category.name
    if request.method == "GET" or not formdata:
        # personal data is never put back into a form: typed in, it replaces what is kept
        form.snils.data, form.birth_date.data = "", None
    return form


def _staff_page(form, org, member, title):
    return lambda status: render_view(
        "registry/staff_form_page.html", "registry/_staff_row_form.html", form=form, org=org,
        member=member, title=title, status=status)


def _staff_row(member, org, **extra):
    return lambda: render_fragment("registry/_staff_row.html", member=member, org=org,
                                   can_edit_staff=True, **extra)


@bp.route("/organizations/<int:org_id>/staff/new", methods=["GET", "POST"])
@login_required
def staff_new(org_id: int):
    user, org = record(Organization, org_id, adds=StaffMember)
    form = _staff_form()

    def save():
        member = StaffMember(organization_id=org.id, created_by_id=user.id)
        _fill_staff(member, form)
        return reg.save_staff(member, is_new=True)

    return submit(form, save,
                  done=lambda member: answer(f"Сотрудник {member.full_name} добавлен.",
                                             _staff_row(member, org, new=True), _org_url(org)),
                  again=_staff_page(form, org, None, "Новый сотрудник"))


@bp.get("/staff/<int:staff_id>")
@login_required
def staff_row(staff_id: int):
    user, member = record(StaffMember, staff_id)
    org = member.organization
    return render_view("registry/staff_member.html", "registry/_staff_row.html",
                       member=member, org=org, title=member.full_name,
                       can_edit_staff=policy.can_edit(user, member))


@bp.route("/staff/<int:staff_id>/edit", methods=["GET", "POST"])
@login_required
def staff_edit(staff_id: int):
    _, member = record(StaffMember, staff_id, "edit")
    org = member.organization
    form = _staff_form(member)

    def save():
        _fill_staff(member, form)
        return reg.save_staff(member)

    return submit(form, save,
                  done=lambda member: answer("Изменения сохранены.", _staff_row(member, org),
                                             _org_url(org)),
                  again=_staff_page(form, org, member, f"Изменение: {member.full_name}"))


@bp.post("/staff/<int:staff_id>/delete")
@login_required
def staff_delete(staff_id: int):
    return remove(StaffMember, staff_id, reg.delete_staff,
                  lambda member: f"Сотрудник {member.full_name} удалён из списка.",
                  lambda member: _org_url(member.organization),
                  fragment=lambda member: render_fragment("registry/_staff_deleted.html",
                                                          name=member.full_name))


# --------------------------------------------------------------------------- territories


@bp.get("/territories")
@login_required
def territories():
    user = _user()
    regions = db.session.scalars(policy.scope_query(user, Region).order_by(Region.name)).all()
    munis = db.session.scalars(policy.scope_query(user, Municipality).order_by(Municipality.name)).all()
    by_region: dict[int, list] = {}
    for m in munis:
        by_region.setdefault(m.region_id, []).append(m)
    return render_view("registry/territories.html", title="Регионы и муниципалитеты",
                       regions=regions, by_region=by_region,
                       can_add_region=policy.can_create(user, Region),
                       can_add_muni={r.id: policy.can_create(user, Municipality, r) for r in regions},
                       can_edit_muni={m.id: policy.can_edit(user, m) for m in munis},
                       can_edit_region={r.id: policy.can_edit(user, r) for r in regions})


def _territory(form, rec, new, save, names: tuple[str, ...], notice: str, title: str):
    """The form of a region or a municipality: the form's fields ``names`` put on ``rec`` (or
    on ``new()``), ``save`` keeps it; back to the territories."""
    def store():
        target = rec or new()
        for name in names:
            setattr(target, name, getattr(form, name).data)
        return save(target, is_new=rec is None)

    return submit(form, store,
                  done=lambda _: answer(notice, None, url_for("registry.territories")),
                  again=lambda status: render_view("registry/simple_form.html", form=form,
                                                   status=status, title=title))


@bp.route("/regions/new", methods=["GET", "POST"])
@bp.route("/regions/<int:region_id>/edit", methods=["GET", "POST"])
@login_required
def region_form(region_id: int | None = None):
    user, region = edited(Region, region_id)
    return _territory(RegionForm(obj=region), region, lambda: Region(created_by_id=user.id),
                      reg.save_region, ("name", "time_zone"), "Регион сохранён.",
                      "Регион" if region else "Новый регион")


@bp.route("/municipalities/new", methods=["GET", "POST"])
@bp.route("/municipalities/<int:muni_id>/edit", methods=["GET", "POST"])
@login_required
def municipality_form(muni_id: int | None = None):
    user = _user()
    muni = policy.get_or_404(user, Municipality, muni_id, "edit") if muni_id else None
    regions = [r for r in db.session.scalars(policy.scope_query(user, Region).order_by(Region.name))
               if policy.can_create(user, Municipality, r)]
    policy.require(bool(regions))
    form = MunicipalityForm(obj=muni)
    form.region_id.choices = [(r.id, r.name) for r in regions]
    if request.method == "GET" and muni is None and request.args.get("region"):
        form.region_id.data = _int_arg("region")
    return _territory(form, muni, lambda: Municipality(created_by_id=user.id),
                      reg.save_municipality, ("region_id", "name"), "Муниципалитет сохранён.",
                      "Муниципалитет" if muni else "Новый муниципалитет")
