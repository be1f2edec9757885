"""Courses (КПК) pages: the catalogue, enrollments (one by one and from a staff list), import
of results (preview → save all or nothing), reports with exports, topic areas, and ИОМ.

Lists and reports answer with the page, or with their table to htmx (``render_view``) so that
filters update the table in place; row actions always answer with their row.
"""
from __future__ import annotations

import base64
import binascii
from datetime import date

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import login_required
from sqlalchemy import or_, select

from ... import policy
from ...extensions import db
from ...models import (
    ActivityKind, Course, CourseFormat, CourseTopic, DeficitKind, DevelopmentPlan, Enrollment,
    EnrollmentStatus, Municipality, OrgKind, Organization, PlanActivity, PlanDeficit, PlanKind,
    Region, Role, StaffMember,
)
from ...services.courses import imports as course_import
from ...services.courses import reports
from ...services import courses as svc
from ...services.courses.coverage import window_start
from ...formatting import today
from ...services.exports import filename
from ...text import normalize_name
from ...web import page_of, paginate, render_fragment, render_view, send_download, text_arg
from ...web import acting_user as _user, int_arg as _int_arg, parse_int, year_arg
from . import bp
from .forms import (
    ActivityForm, CourseForm, DeficitForm, EnrollmentForm, ImportForm, PlanForm, TopicForm,
)

# Teachers without a course on one page of the report (a region has thousands; the
# .xlsx / PDF export has them all).
UNTRAINED_PAGE_SIZE = 100


def _date_arg(name: str = "on") -> date:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return today()


def _download(data: bytes, fmt: str, stem: str):
    return send_download(data, filename(stem, fmt), fmt)


def _go(url: str):
    """After a successful form post: a redirect, or for htmx a full navigation (HX-Redirect)
    rather than swapping the next page into the form's place."""
    if request.htmx:
        resp = Response(status=204)
        resp.headers["HX-Redirect"] = url
        return resp
    return redirect(url)


def _export_format(fmt: str) -> str:
    if fmt not in ("xlsx", "pdf"):
        abort(404)
    return fmt


def _schools_for_enrollment(user) -> list[Organization]:
    """Schools whose teachers the user enrolls (ordered by name)."""
    stmt = policy.scope_query(user, Organization).where(Organization.kind == OrgKind.SCHOOL) \
        .order_by(Organization.short_name)
    return [o for o in db.session.scalars(stmt) if policy.can_create(user, Enrollment, o)]


def _visible_schools(user) -> list[Organization]:
    return list(db.session.scalars(policy.scope_query(user, Organization).where(
        Organization.kind == OrgKind.SCHOOL).order_by(Organization.short_name)))


def _municipalities(user) -> list[Municipality]:
    if user.role in (Role.SCHOOL, Role.TUTOR):
        return []
    return list(db.session.scalars(policy.scope_query(user, Municipality).order_by(
        Municipality.name)))


# --------------------------------------------------------------------------- catalogue


def _catalogue_filters() -> dict:
    return {"q": text_arg("q", max_length=100),
            "topic": _int_arg("topic") or "",
            "format": request.args.get("format", "") if request.args.get("format", "")
            in CourseFormat.__members__ else "",
            "year": year_arg() or "",
            "archived": request.args.get("archived", "") if request.args.get("archived")
            in ("1", "all") else ""}


@bp.get("/")
@login_required
def index():
    user = _user()
    f = _catalogue_filters()
    stmt = policy.scope_query(user, Course)
    if f["q"]:
        like = f"%{f['q']}%"
        stmt = stmt.where(or_(Course.title.ilike(like), Course.provider_name.ilike(like)))
    if f["topic"]:
        stmt = stmt.where(Course.topic_id == f["topic"])
    if f["format"]:
        stmt = stmt.where(Course.format == CourseFormat[f["format"]])
    if f["year"]:
        stmt = stmt.where(or_(Course.start_date.between(date(f["year"], 1, 1), date(f["year"], 12, 31)),
                              Course.end_date.between(date(f["year"], 1, 1), date(f["year"], 12, 31))))
    if f["archived"] == "1":
        stmt = stmt.where(Course.archived.is_(True))
    elif f["archived"] != "all":
        stmt = stmt.where(Course.archived.is_(False))
    page = paginate(stmt.order_by(Course.start_date.desc().nulls_last(), Course.title, Course.id))
    return render_view(
        "courses/index.html", "courses/_catalogue.html", title="Курсы повышения квалификации",
        page=page, filters=f, counts=svc.enrollment_counts(c.id for c in page.items),
        topics=svc.topics(), formats=CourseFormat,
        args={k: v for k, v in f.items() if v},
        can_create=policy.can_create(user, Course), can_import=policy.can_manage_enrollments(user))


def _course_form(user, course: Course | None) -> CourseForm:
    form = CourseForm(obj=course)
    topics = svc.topics(active_only=course is None)
    if course is not None and course.topic_id not in {t.id for t in topics}:
        topics.append(course.topic)
    form.topic_id.choices = [("", "— выберите —")] + [(str(t.id), t.name) for t in topics]
    providers = db.session.scalars(policy.scope_query(user, Organization).where(
        Organization.kind.in_([OrgKind.INSTITUTE, OrgKind.MUNICIPAL_AUTHORITY, OrgKind.OTHER,
                               OrgKind.ASSESSMENT_CENTRE, OrgKind.REGIONAL_AUTHORITY]))
        .order_by(Organization.short_name)).all()
    form.provider_org_id.choices = [("", "— нет в реестре —")] + [
        (str(o.id), o.short_name) for o in providers]
    owners = []
    if user.role in (Role.ADMIN, Role.REGION):
        for r in db.session.scalars(policy.scope_query(user, Region).order_by(Region.name)):
            owners.append((f"r{r.id}", f"Региональный: {r.name} (виден всем муниципалитетам)"))
    for m in _municipalities(user):
        if user.role != Role.METHODIST or m.id == user.municipality_id:
            owners.append((f"m{m.id}", f"Муниципальный: {m.name}"))
    form.municipality_id.choices = owners
    if request.method == "GET" and course is not None:
        form.topic_id.data = str(course.topic_id)
        form.provider_kind.data = course.provider_kind.name
        form.format.data = course.format.name
        form.provider_org_id.data = str(course.provider_org_id or "")
        form.municipality_id.data = f"m{course.municipality_id}" if course.municipality_id \
            else f"r{course.region_id}"
    return form


def _fill_course(user, course: Course, form: CourseForm) -> None:
    from ...models import ProviderKind

    course.title = form.title.data
    course.provider_kind = ProviderKind[form.provider_kind.data]
    org_id = int(form.provider_org_id.data) if form.provider_org_id.data else None
    if org_id is not None:
        org = policy.get_or_404(user, Organization, org_id)
        course.provider_org_id = org.id
        course.provider_name = (form.provider_name.data or "").strip() or org.short_name
    else:
        course.provider_org_id = None
        course.provider_name = form.provider_name.data or ""
    course.hours = form.hours.data
    course.topic_id = int(form.topic_id.data)
    course.format = CourseFormat[form.format.data]
    course.start_date, course.end_date = form.start_date.data, form.end_date.data
    course.capacity = form.capacity.data
    course.description = (form.description.data or "").strip() or None
    owner = form.municipality_id.data or ""
    owner_id = parse_int(owner[1:]) if owner[1:].isdigit() else None
    if owner_id is None:
        abort(400)
    if owner.startswith("m"):
        muni = policy.get_or_404(user, Municipality, owner_id)
        policy.require(user.role != Role.METHODIST or muni.id == user.municipality_id)
        course.municipality_id, course.region_id = muni.id, muni.region_id
    else:
        region = policy.get_or_404(user, Region, int(owner[1:]))
        policy.require(user.role in (Role.ADMIN, Role.REGION))
        course.municipality_id, course.region_id = None, region.id


def _save_course_view(user, course: Course | None):
    is_new = course is None
    form = _course_form(user, course)
    status = 200
    if form.validate_on_submit():
        target = course or Course(created_by_id=user.id)
        _fill_course(user, target, form)
        try:
            svc.save_course(target, is_new=is_new)
        except svc.CourseError as err:
            db.session.rollback()
            form.form_errors.append(str(err))
            status = 422
        else:
            flash("Курс добавлен в каталог." if is_new else "Курс сохранён.", "success")
            return redirect(url_for("courses.show", course_id=target.id))
    elif request.method == "POST":
        status = 422
    return render_view("courses/form.html", form=form, course=course, status=status,
                       title="Новый курс" if is_new else "Курс: изменение")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    user = _user()
    policy.require_create(user, Course)
    return _save_course_view(user, None)


@bp.route("/<int:course_id>/edit", methods=["GET", "POST"])
@login_required
def edit(course_id: int):
    user = _user()
    course = policy.get_or_404(user, Course, course_id)
    policy.require_edit(user, course)
    return _save_course_view(user, course)


@bp.post("/<int:course_id>/archive")
@login_required
def archive(course_id: int):
    user = _user()
    course = policy.get_or_404(user, Course, course_id)
    policy.require_edit(user, course)
    archived = request.form.get("archived", "1") == "1"
    svc.set_archived(course, archived)
    flash("Курс отправлен в архив: новых записей на него не будет." if archived
          else "Курс возвращён из архива.", "success")
    return redirect(url_for("courses.show", course_id=course.id))


@bp.post("/<int:course_id>/delete")
@login_required
def delete(course_id: int):
    user = _user()
    course = policy.get_or_404(user, Course, course_id)
    policy.require_edit(user, course)
    try:
        svc.delete_course(course)
    except svc.CourseError as err:
        flash(str(err), "error")
        return redirect(url_for("courses.show", course_id=course.id))
    flash("Курс удалён из каталога.", "success")
    return redirect(url_for("courses.index"))


# --------------------------------------------------------------------------- enrollments


def _enrollment_filters() -> dict:
    status = text_arg("status")
    return {"status": status if status in EnrollmentStatus.__members__ else "",
            "school": _int_arg("school") or "", "course": _int_arg("course") or "",
            "q": text_arg("q", max_length=100)}


def _enrollment_query(user, f: dict):
    stmt = policy.scope_query(user, Enrollment).join(
        StaffMember, StaffMember.id == Enrollment.staff_member_id)
    if f["status"]:
        stmt = stmt.where(Enrollment.status == EnrollmentStatus[f["status"]])
    if f["school"]:
        stmt = stmt.where(Enrollment.organization_id == f["school"])
    if f["course"]:
        stmt = stmt.where(Enrollment.course_id == f["course"])
    if f["q"]:
        stmt = stmt.where(StaffMember.search_text.like(f"%{normalize_name(f['q'])}%"))
    return stmt


def _row_perms(user, enrollments) -> dict[int, bool]:
    cache: dict[int, bool] = {}
    out = {}
    for e in enrollments:
        if e.organization_id not in cache:
            cache[e.organization_id] = policy.can_edit(user, e)
        out[e.id] = cache[e.organization_id]
    return out


@bp.get("/enrollments")
@login_required
def enrollments():
    user = _user()
    f = _enrollment_filters()
    stmt = _enrollment_query(user, f).order_by(Enrollment.updated_at.desc(), Enrollment.id.desc())
    page = paginate(stmt)
    courses = db.session.scalars(policy.scope_query(user, Course).order_by(Course.title)).all()
    return render_view(
        "courses/enrollments.html", "courses/_enrollments_list.html", title="Записи на курсы",
        page=page, filters=f, statuses=EnrollmentStatus, schools=_visible_schools(user),
        courses=courses, perms=_row_perms(user, page.items), show_course=True,
        args={k: v for k, v in f.items() if v}, can_import=policy.can_manage_enrollments(user))


@bp.get("/<int:course_id>")
@login_required
def show(course_id: int):
    user = _user()
    course = policy.get_or_404(user, Course, course_id)
    f = _enrollment_filters()
    f["course"] = course.id
    items = db.session.scalars(_enrollment_query(user, f).order_by(
        Organization.short_name, StaffMember.full_name)).unique().all()
    counts = svc.enrollment_counts([course.id]).get(course.id, {"total": 0, "completed": 0, "taken": 0})
    return render_view(
        "courses/show.html", "courses/_enrollment_table.html", title=course.title[:120],
        course=course, items=items, filters=f, statuses=EnrollmentStatus, counts=counts,
        schools=_visible_schools(user), perms=_row_perms(user, items), show_course=False,
        can_edit=policy.can_edit(user, course),
        can_enroll=not course.archived and bool(_schools_for_enrollment(user)))


def _checklist_context(user, course: Course, school: Organization | None) -> dict:
    staff, enrolled = [], {}
    if school is not None:
        staff = db.session.scalars(select(StaffMember).where(
            StaffMember.organization_id == school.id, StaffMember.deleted_at.is_(None))
            .order_by(StaffMember.full_name)).all()
        enrolled = {e.staff_member_id: e for e in db.session.scalars(select(Enrollment).where(
            Enrollment.course_id == course.id, Enrollment.organization_id == school.id,
            Enrollment.deleted_at.is_(None)))}
    return {"course": course, "school": school, "staff": staff, "enrolled": enrolled,
            "today": today()}


@bp.route("/<int:course_id>/enroll", methods=["GET", "POST"])
@login_required
def enroll(course_id: int):
    """Enroll teachers of one school, ticked in its staff list (all of them or none)."""
    user = _user()
    course = policy.get_or_404(user, Course, course_id)
    schools = _schools_for_enrollment(user)
    policy.require(bool(schools))
    school_id = _int_arg("school", request.values) or (schools[0].id if len(schools) == 1 else None)
    school = None
    if school_id:
        school = policy.get_or_404(user, Organization, school_id)
        policy.require_create(user, Enrollment, school)
    status, error, checked = 200, None, set()
    if request.method == "POST":
        checked = {n for n in map(parse_int, request.form.getlist("staff")) if n}
        members = [m for m in db.session.scalars(select(StaffMember).where(
            StaffMember.id.in_(checked or {-1}), StaffMember.deleted_at.is_(None))
            .order_by(StaffMember.full_name, StaffMember.id))]  # as the staff list shows them
        if school is None or any(m.organization_id != school.id for m in members) \
                or len(members) != len(checked):
            abort(404)
        try:
            done = svc.enroll(course, members, by=user)
        except svc.CourseError as err:
            db.session.rollback()
            error, status = str(err), 422
        else:
            flash(f"Записано на курс: {len(done)} чел. ({school.short_name}).", "success")
            return _go(url_for("courses.show", course_id=course.id))
    ctx = _checklist_context(user, course, school)
    return render_view("courses/enroll.html", "courses/_staff_checklist.html", status=status,
                       title="Запись на курс", schools=schools, error=error, checked=checked,
                       **ctx)


def _row(user, e: Enrollment, status=200, trigger=None, show_course=None):
    if show_course is None:
        show_course = request.values.get("ctx") == "list"
    return render_fragment("courses/_enrollment_row.html", e=e, status=status, trigger=trigger,
                           perms={e.id: policy.can_edit(user, e)}, show_course=show_course)


@bp.get("/enrollments/<int:enrollment_id>")
@login_required
def enrollment(enrollment_id: int):
    user = _user()
    e = policy.get_or_404(user, Enrollment, enrollment_id)
    if request.htmx and not request.htmx.boosted:
        return _row(user, e)
    closes = db.session.scalars(select(PlanActivity).where(
        PlanActivity.closed_by_enrollment_id == e.id)).all()
    return render_view("courses/enrollment.html", title=str(e), e=e, closes=closes,
                       can_edit=policy.can_edit(user, e))


@bp.route("/enrollments/<int:enrollment_id>/edit", methods=["GET", "POST"])
@login_required
def enrollment_edit(enrollment_id: int):
    user = _user()
    e = policy.get_or_404(user, Enrollment, enrollment_id)
    policy.require_edit(user, e)
    form = EnrollmentForm(obj=e)
    if request.method == "GET":
        form.status.data = e.status.name
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                svc.update_enrollment(e, status=EnrollmentStatus[form.status.data],
                                      completed_on=form.completed_on.data,
                                      certificate_number=form.certificate_number.data,
                                      note=form.note.data, by=user)
            except svc.CourseError as err:
                db.session.rollback()
                e = db.session.get(Enrollment, enrollment_id)
                form.form_errors.append(str(err))
            else:
                if request.htmx:
                    return _row(user, e, trigger={"notice": {"text": f"Сохранено: {e.status.label}."}})
                flash("Запись сохранена.", "success")
                return redirect(url_for("courses.enrollment", enrollment_id=e.id))
    return render_view("courses/enrollment_form_page.html", "courses/_enrollment_row_form.html",
                       form=form, e=e, status=status, title="Запись на курс",
                       show_course=request.values.get("ctx") == "list")


@bp.post("/enrollments/<int:enrollment_id>/delete")
@login_required
def enrollment_delete(enrollment_id: int):
    user = _user()
    e = policy.get_or_404(user, Enrollment, enrollment_id)
    policy.require_edit(user, e)
    course_id, name = e.course_id, e.staff_member.full_name
    svc.delete_enrollment(e)
    if request.htmx:
        return render_fragment("courses/_row_removed.html", text=f"Запись «{name}» удалена.",
                               trigger={"notice": {"text": f"Запись «{name}» удалена."}})
    flash(f"Запись «{name}» удалена.", "success")
    return redirect(url_for("courses.show", course_id=course_id))


def _open_courses(user) -> list[Course]:
    return list(db.session.scalars(policy.scope_query(user, Course).where(
        Course.archived.is_(False)).order_by(Course.title)))


@bp.get("/teachers/<int:staff_id>")
@login_required
def teacher(staff_id: int):
    user = _user()
    member = policy.get_or_404(user, StaffMember, staff_id)
    items = db.session.scalars(policy.scope_query(user, Enrollment).where(
        Enrollment.staff_member_id == member.id).order_by(
        Enrollment.completed_on.desc().nulls_first(), Enrollment.id.desc())).unique().all()
    plans = db.session.scalars(policy.scope_query(user, DevelopmentPlan).where(
        DevelopmentPlan.staff_member_id == member.id)).unique().all()
    on = today()
    trained = any(e.status == EnrollmentStatus.COMPLETED and e.completed_on
                  and window_start(on) <= e.completed_on <= on for e in items)
    can_enroll = policy.can_create(user, Enrollment, member.organization) and member.employed_on(on)
    return render_view("courses/teacher.html", title=member.full_name, member=member,
                       items=items, plans=plans, trained=trained, since=window_start(on),
                       perms=_row_perms(user, items), show_course=True,
                       courses=_open_courses(user) if can_enroll else [], can_enroll=can_enroll)


@bp.post("/teachers/<int:staff_id>/enroll")
@login_required
def teacher_enroll(staff_id: int):
    user = _user()
    member = policy.get_or_404(user, StaffMember, staff_id)
    policy.require_create(user, Enrollment, member.organization)
    course_id = _int_arg("course_id", request.form)
    if not course_id:
        flash("Выберите курс.", "error")
        return redirect(url_for("courses.teacher", staff_id=member.id))
    course = policy.get_or_404(user, Course, course_id)
    try:
        svc.enroll(course, [member], by=user)
    except svc.CourseError as err:
        db.session.rollback()
        flash(str(err), "error")
    else:
        flash(f"{member.full_name} записан(а) на курс «{course.title}».", "success")
    return redirect(url_for("courses.teacher", staff_id=member.id))


# --------------------------------------------------------------------------- import


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_():
    """Step 1: upload; step 2: preview with every row's problems (nothing saved);
    step 3: confirm → all rows saved in one transaction, or none."""
    user = _user()
    policy.require(policy.can_manage_enrollments(user))
    form = ImportForm()
    if request.method == "GET":
        return render_view("courses/import.html", form=form, title="Импорт результатов курсов")
    data, name = None, request.form.get("filename", "")
    if form.validate_on_submit():
        payload = request.form.get("payload", "")
        if payload:
            try:
                data = base64.b64decode(payload, validate=True)
            except (binascii.Error, ValueError):
                form.form_errors.append("Данные предпросмотра повреждены — загрузите файл ещё раз.")
        elif form.file.data and getattr(form.file.data, "filename", ""):
            name, data = form.file.data.filename, form.file.data.read()
        else:
            form.form_errors.append("Выберите файл .xlsx или .csv.")
    result = None
    if data is not None:
        try:
            result = course_import.check_file(name, data, user)
        except course_import.ImportFileError as err:
            form.form_errors.append(str(err))
    if result is None:
        return render_view("courses/import.html", form=form, status=422,
                           title="Импорт результатов курсов")
    if request.form.get("confirm") == "1" and result.ok:
        course_import.apply(result, by=user)
        flash(f"Результаты сохранены: новых записей {result.created}, обновлено {result.updated}.",
              "success")
        return redirect(url_for("courses.enrollments", status="COMPLETED"))
    return render_view("courses/import_preview.html", form=form, result=result, filename=name,
                       payload=base64.b64encode(data).decode("ascii"),
                       status=200 if result.ok else 422, title="Импорт: проверьте перед сохранением")


# --------------------------------------------------------------------------- reports


def _report_scope(user):
    return reports.resolve_scope(user, _int_arg("municipality"), _int_arg("school"))


def _school_choices(user, municipality_id: int | None = None) -> list:
    """(id, short_name) of the schools the user sees, for the school filter of a report."""
    stmt = policy.scope_query(user, Organization, select(Organization.id, Organization.short_name))
    stmt = stmt.where(Organization.kind == OrgKind.SCHOOL)
    if municipality_id is not None:
        stmt = stmt.where(Organization.municipality_id == municipality_id)
    return list(db.session.execute(stmt.order_by(Organization.short_name)))


def _report_filters(user, scope, on) -> dict:
    if scope.level != "school":
        schools = scope.school_choices()
    else:
        schools = _school_choices(user, scope.municipality.id if scope.municipality else None)
    return {"on": on, "scope": scope, "municipalities": _municipalities(user),
            "schools": schools}


def _report_view(page: str, fragment: str, title: str, build):
    """A report page: the filters (date, municipality, school) decide the scope; ``build``
    (scope, on) → context of the table, which htmx swaps in place when a filter changes."""
    user = _user()
    on = _date_arg()
    scope = _report_scope(user)
    context = build(scope, on)
    return render_view(page, fragment, title=title, args={**scope.args, "on": on.isoformat()},
                       **_report_filters(user, scope, on), **context)


def _report_download(fmt: str, stem: str, table):
    """An export of a report: ``table`` (scope, on) → ReportTable, as .xlsx or PDF."""
    _export_format(fmt)
    on = _date_arg()
    return _download(reports.export_table(table(_report_scope(_user()), on), fmt), fmt, stem)


@bp.get("/reports/coverage")
@login_required
def coverage():
    return _report_view("courses/coverage.html", "courses/_coverage_body.html",
                        "Охват педагогов курсами",
                        lambda scope, on: {"report": reports.coverage_report(scope, on)})


@bp.get("/reports/coverage/export.<fmt>")
@login_required
def coverage_export(fmt: str):
    return _report_download(fmt, "kpk-coverage", lambda scope, on: reports.coverage_table(
        reports.coverage_report(scope, on)))


@bp.get("/reports/untrained")
@login_required
def untrained():
    return _report_view("courses/untrained.html", "courses/_untrained_body.html",
                        "Педагоги без курсов за 3 года",
                        lambda scope, on: {"page": page_of(reports.untrained_report(scope, on),
                                                           UNTRAINED_PAGE_SIZE)})


@bp.get("/reports/untrained/export.<fmt>")
@login_required
def untrained_export(fmt: str):
    return _report_download(fmt, "kpk-no-course", lambda scope, on: reports.untrained_table(
        scope, on, reports.untrained_report(scope, on)))


def _trained_scope(user):
    if _int_arg("municipality") or _int_arg("school"):
        return _report_scope(user)
    return None


@bp.get("/<int:course_id>/trained")
@login_required
def trained(course_id: int):
    user = _user()
    course = policy.get_or_404(user, Course, course_id)
    scope = _trained_scope(user)
    items = reports.trained_enrollments(user, course, scope)
    return render_view("courses/trained.html", "courses/_trained_body.html",
                       title=f"Список обученных: {course.title[:100]}", course=course, items=items,
                       scope=scope, args=scope.args if scope else {},
                       municipalities=_municipalities(user), schools=_visible_schools(user))


@bp.get("/<int:course_id>/trained/export.<fmt>")
@login_required
def trained_export(course_id: int, fmt: str):
    _export_format(fmt)
    user = _user()
    course = policy.get_or_404(user, Course, course_id)
    scope = _trained_scope(user)
    table = reports.trained_table(course, reports.trained_enrollments(user, course, scope), scope)
    return _download(reports.export_table(table, fmt), fmt, f"kpk-trained-{course.id}")


# --------------------------------------------------------------------------- topics


@bp.route("/topics", methods=["GET", "POST"])
@login_required
def topics():
    user = _user()
    form = TopicForm()
    status = 200
    if request.method == "POST":
        policy.require(policy.can_edit_topics(user))
        status = 422
        if form.validate_on_submit():
            topic = CourseTopic(name=form.name.data, low_achievers=form.low_achievers.data,
                                active=True, created_by_id=user.id)
            try:
                svc.save_topic(topic, is_new=True)
            except svc.CourseError as err:
                db.session.rollback()
                form.name.errors = [str(err)]
            else:
                flash(f"Направление «{topic.name}» добавлено.", "success")
                return redirect(url_for("courses.topics"))
    elif request.method == "GET":
        form = TopicForm(formdata=None)
    return render_view("courses/topics.html", form=form, topics=svc.topics(), status=status,
                       can_edit=policy.can_edit_topics(user), title="Направления курсов")


@bp.post("/topics/<int:topic_id>")
@login_required
def topic_edit(topic_id: int):
    user = _user()
    topic = policy.get_or_404(user, CourseTopic, topic_id)
    policy.require_edit(user, topic)
    form = TopicForm()
    if form.validate_on_submit():
        topic.name = form.name.data
        topic.low_achievers = form.low_achievers.data
        topic.active = form.active.data
        try:
            svc.save_topic(topic)
        except svc.CourseError as err:
            db.session.rollback()
            flash(str(err), "error")
        else:
            flash(f"Направление «{topic.name}» сохранено.", "success")
    else:
        flash("Укажите название направления.", "error")
    return redirect(url_for("courses.topics"))


# --------------------------------------------------------------------------- plans (ИОМ)


@bp.get("/plans")
@login_required
def plans():
    user = _user()
    school_id = _int_arg("school")
    kind = text_arg("kind")
    stmt = policy.scope_query(user, DevelopmentPlan)
    if school_id:
        stmt = stmt.where(DevelopmentPlan.organization_id == school_id)
    if kind in PlanKind.__members__:
        stmt = stmt.where(DevelopmentPlan.kind == PlanKind[kind])
    page = paginate(stmt.order_by(Organization.short_name, DevelopmentPlan.title))
    return render_view(
        "courses/plans.html", "courses/_plans_list.html", title="Индивидуальные образовательные маршруты",
        page=page, progress=svc.plan_progress([p.id for p in page.items], today()),
        schools=_visible_schools(user), kinds=PlanKind, school=school_id or "", kind=kind,
        args={k: v for k, v in {"school": school_id, "kind": kind}.items() if v},
        can_create=bool(_schools_for_enrollment(user)))


def _plan_form(user, plan: DevelopmentPlan | None) -> PlanForm:
    form = PlanForm(obj=plan) if plan is not None else PlanForm()
    schools = _schools_for_enrollment(user) if plan is None else [plan.organization]
    form.organization_id.choices = [(str(s.id), s.short_name) for s in schools]
    if request.method == "GET":
        if plan is not None:
            form.kind.data, form.organization_id.data = plan.kind.name, str(plan.organization_id)
            form.staff_member_id.data = str(plan.staff_member_id or "")
        else:
            form.organization_id.data = str(_int_arg("school") or (schools[0].id if schools else ""))
            form.kind.data = request.args.get("kind", "TEACHER") \
                if request.args.get("kind") in PlanKind.__members__ else "TEACHER"
            form.staff_member_id.data = text_arg("staff")
    org_id = parse_int(form.organization_id.data)
    staff = db.session.scalars(select(StaffMember).where(
        StaffMember.organization_id == (org_id or -1), StaffMember.deleted_at.is_(None))
        .order_by(StaffMember.full_name)).all()
    form.staff_member_id.choices = [("", "— выберите педагога —")] + [
        (str(m.id), f"{m.full_name}, {m.position}") for m in staff]
    return form


def _save_plan_view(user, plan: DevelopmentPlan | None):
    is_new = plan is None
    form = _plan_form(user, plan)
    status = 200
    if request.method == "POST" and request.form.get("refresh") != "1":
        status = 422
        if form.validate_on_submit():
            org = policy.get_or_404(user, Organization, int(form.organization_id.data))
            policy.require_create(user, DevelopmentPlan, org)
            target = plan or DevelopmentPlan(organization_id=org.id, created_by_id=user.id)
            target.kind = PlanKind[form.kind.data]
            target.staff_member_id = parse_int(form.staff_member_id.data)
            target.title = form.title.data or ""
            target.period_start, target.period_end = form.period_start.data, form.period_end.data
            target.goal = (form.goal.data or "").strip() or None
            try:
                svc.save_plan(target, is_new=is_new)
            except svc.CourseError as err:
                db.session.rollback()
                form.form_errors.append(str(err))
            else:
                flash("ИОМ сохранён." if not is_new else "ИОМ создан. Добавьте дефициты и мероприятия.",
                      "success")
                return redirect(url_for("courses.plan", plan_id=target.id))
    return render_view("courses/plan_form.html", "courses/_plan_form.html", form=form, plan=plan,
                       status=status, title="Новый ИОМ" if is_new else "ИОМ: изменение")


@bp.route("/plans/new", methods=["GET", "POST"])
@login_required
def plan_new():
    user = _user()
    policy.require(bool(_schools_for_enrollment(user)))
    return _save_plan_view(user, None)


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def plan_edit(plan_id: int):
    user = _user()
    plan = policy.get_or_404(user, DevelopmentPlan, plan_id)
    policy.require_edit(user, plan)
    return _save_plan_view(user, plan)


def _plan_parts(plan: DevelopmentPlan):
    deficits = db.session.scalars(select(PlanDeficit).where(PlanDeficit.plan_id == plan.id)
                                  .order_by(PlanDeficit.id)).all()
    activities = db.session.scalars(select(PlanActivity).where(PlanActivity.plan_id == plan.id)
                                    .order_by(PlanActivity.due_date.nulls_last(),
                                              PlanActivity.id)).all()
    return deficits, activities


def _activity_form(user, plan: DevelopmentPlan, act: PlanActivity | None = None,
                   formdata=True) -> ActivityForm:
    prefix = f"activity-{act.id}" if act is not None else "activity"
    form = ActivityForm(obj=act, prefix=prefix) if formdata else \
        ActivityForm(formdata=None, obj=act, prefix=prefix)
    courses = _open_courses(user)
    if act is not None and act.course is not None and act.course not in courses:
        courses.append(act.course)
    form.course_id.choices = [("", "—")] + [(str(c.id), f"{c.title} ({c.hours} ч)") for c in courses]
    staff = [plan.staff_member] if plan.staff_member is not None else db.session.scalars(
        select(StaffMember).where(StaffMember.organization_id == plan.organization_id,
                                  StaffMember.deleted_at.is_(None), StaffMember.management.is_(True))
        .order_by(StaffMember.full_name)).all()
    form.staff_member_id.choices = [("", "— весь состав / не указан —")] + [
        (str(m.id), m.full_name) for m in staff]
    if act is not None and (request.method == "GET" or not formdata):
        form.kind.data = act.kind.name
        form.course_id.data = str(act.course_id or "")
        form.staff_member_id.data = str(act.staff_member_id or "")
    return form


def _plan_context(user, plan, **extra) -> dict:
    deficits, activities = _plan_parts(plan)
    ctx = {"plan": plan, "deficits": deficits, "activities": activities, "today": today(),
           "can_edit": policy.can_edit(user, plan), "deficit_kinds": DeficitKind,
           "deficit_form": DeficitForm(formdata=None, prefix="deficit"),
           "activity_form": _activity_form(user, plan, formdata=False),
           "progress": svc.plan_progress([plan.id], today())[plan.id]}
    ctx.update(extra)
    return ctx


@bp.get("/plans/<int:plan_id>")
@login_required
def plan(plan_id: int):
    user = _user()
    p = policy.get_or_404(user, DevelopmentPlan, plan_id)
    return render_view("courses/plan.html", title=p.title, **_plan_context(user, p))


@bp.post("/plans/<int:plan_id>/delete")
@login_required
def plan_delete(plan_id: int):
    user = _user()
    p = policy.get_or_404(user, DevelopmentPlan, plan_id)
    policy.require_edit(user, p)
    svc.delete_plan(p)
    flash("ИОМ удалён (запись сохранена в истории).", "success")
    return redirect(url_for("courses.plans"))


@bp.get("/plans/<int:plan_id>/export.pdf")
@login_required
def plan_pdf(plan_id: int):
    user = _user()
    p = policy.get_or_404(user, DevelopmentPlan, plan_id)
    deficits, activities = _plan_parts(p)
    return _download(reports.plan_pdf(p, deficits, activities), "pdf", f"iom-{p.id}")


def _deficits_block(user, plan, status=200, form=None):
    ctx = _plan_context(user, plan)
    if form is not None:
        ctx["deficit_form"] = form
    return render_fragment("courses/_deficits.html", status=status, **ctx)


@bp.post("/plans/<int:plan_id>/deficits")
@login_required
def deficit_add(plan_id: int):
    user = _user()
    p = policy.get_or_404(user, DevelopmentPlan, plan_id)
    policy.require_create(user, PlanDeficit, p)
    form = DeficitForm(prefix="deficit")
    if form.validate_on_submit():
        svc.add_deficit(p, DeficitKind[form.kind.data], form.description.data)
        if request.htmx:
            return _deficits_block(user, p)
        flash("Дефицит добавлен.", "success")
    elif request.htmx:
        return _deficits_block(user, p, 422, form)
    else:
        flash("Опишите дефицит.", "error")
    return redirect(url_for("courses.plan", plan_id=p.id))


@bp.post("/deficits/<int:deficit_id>/delete")
@login_required
def deficit_delete(deficit_id: int):
    user = _user()
    d = policy.get_or_404(user, PlanDeficit, deficit_id)
    policy.require_edit(user, d)
    p = db.session.get(DevelopmentPlan, d.plan_id)
    svc.delete_deficit(d)
    if request.htmx:
        return _deficits_block(user, p)
    return redirect(url_for("courses.plan", plan_id=p.id))


def _fill_activity(act: PlanActivity, form: ActivityForm) -> None:
    act.kind = ActivityKind[form.kind.data]
    act.course_id = parse_int(form.course_id.data)
    act.staff_member_id = parse_int(form.staff_member_id.data)
    act.title = form.title.data or ""
    act.due_date, act.done_on = form.due_date.data, form.done_on.data
    act.result = (form.result.data or "").strip() or None


def _activity_row(user, act, status=200, trigger=None):
    plan = db.session.get(DevelopmentPlan, act.plan_id)
    return render_fragment("courses/_activity_row.html", a=act, plan=plan, today=today(),
                           can_edit=policy.can_edit(user, plan), status=status, trigger=trigger)


@bp.post("/plans/<int:plan_id>/activities")
@login_required
def activity_add(plan_id: int):
    user = _user()
    p = policy.get_or_404(user, DevelopmentPlan, plan_id)
    policy.require_create(user, PlanActivity, p)
    form = _activity_form(user, p)
    error = None
    if form.validate_on_submit():
        act = PlanActivity(created_by_id=user.id)
        _fill_activity(act, form)
        if act.course_id:
            policy.get_or_404(user, Course, act.course_id)
        try:
            svc.save_activity(act, p, is_new=True)
        except svc.CourseError as err:
            db.session.rollback()
            error = str(err)
    else:
        error = "Проверьте поля мероприятия."
    if request.htmx:
        ctx = _plan_context(user, p)
        if error:
            form.form_errors.append(error)
            ctx["activity_form"] = form
        return render_fragment("courses/_activities.html", status=422 if error else 200, **ctx)
    flash(error or "Мероприятие добавлено.", "error" if error else "success")
    return redirect(url_for("courses.plan", plan_id=p.id))


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@login_required
def activity_edit(activity_id: int):
    user = _user()
    act = policy.get_or_404(user, PlanActivity, activity_id)
    policy.require_edit(user, act)
    p = db.session.get(DevelopmentPlan, act.plan_id)
    form = _activity_form(user, p, act)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            _fill_activity(act, form)
            if act.course_id:
                policy.get_or_404(user, Course, act.course_id)
            try:
                svc.save_activity(act, p)
            except svc.CourseError as err:
                db.session.rollback()
                act = db.session.get(PlanActivity, activity_id)
                form.form_errors.append(str(err))
            else:
                if request.htmx:
                    return _activity_row(user, act)
                return redirect(url_for("courses.plan", plan_id=p.id))
    return render_view("courses/activity_form_page.html", "courses/_activity_row_form.html",
                       form=form, a=act, plan=p, status=status, title="Мероприятие ИОМ")


@bp.post("/activities/<int:activity_id>/done")
@login_required
def activity_done(activity_id: int):
    user = _user()
    act = policy.get_or_404(user, PlanActivity, activity_id)
    policy.require_edit(user, act)
    done = request.form.get("done", "1") == "1"
    svc.set_activity_done(act, done)
    if request.htmx:
        return _activity_row(user, act, trigger={"notice": {
            "text": "Отмечено как выполненное." if done else "Отметка о выполнении снята."}})
    return redirect(url_for("courses.plan", plan_id=act.plan_id))


@bp.post("/activities/<int:activity_id>/delete")
@login_required
def activity_delete(activity_id: int):
    user = _user()
    act = policy.get_or_404(user, PlanActivity, activity_id)
    policy.require_edit(user, act)
    plan_id = act.plan_id
    svc.delete_activity(act)
    if request.htmx:
        return render_fragment("courses/_row_removed.html", text="Мероприятие удалено.",
                               trigger={"notice": {"text": "Мероприятие удалено."}})
    return redirect(url_for("courses.plan", plan_id=plan_id))


@bp.app_template_filter("share")
def share_filter(value) -> str:
    """A share in percent as Russians write it: «66,7%», «—» when there is nobody to count."""
    return reports.fmt_share(value)
