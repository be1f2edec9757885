"""Courses (КПК) pages: the catalogue, enrollments (one by one and from a staff list), import
of results (preview → save all or nothing), reports with exports, topic areas, and ИОМ.

Lists and reports answer with the page, or with their table to htmx (``render_view``) so that
filters update the table in place; a report covers ``policy.territory`` (the user's own, or the
municipality or school picked). Changes go through ``web.submit`` (the form again, 422, with the
service's messages when it refuses) and ``web.answer`` (the row for htmx, a notice and a redirect
otherwise).
"""
from __future__ import annotations

from datetime import date

from flask import abort, request, url_for
from flask_login import login_required
from sqlalchemy import or_, select

from ... import policy
from ...extensions import db
from ...formatting import parse_date, today
from ...forms import Form
from ...models import (
    ActivityKind, Course, CourseFormat, CourseTopic, DeficitKind, DevelopmentPlan, Enrollment,
    EnrollmentStatus, Municipality, Organization, OrgKind, PlanActivity, PlanDeficit, PlanKind,
    ProviderKind, Region, StaffMember,
)
from ...services import courses as svc
from ...services import uploads
from ...services.courses import frdo, reports, imports as course_import
from ...services.courses.coverage import window_start
from ...text import normalize_name
from ...web import (
    act, answer, edited, export_download, listing, navigate, page_of, paginate, parse_int,
    record, refuse, remove, remove, render_fragment, render_view, set_args, submit,
    text_arg, year_arg, acting_user as _user, int_arg as _int_arg,
)
from . import bp
from .forms import (
    ActivityForm, CourseForm, DeficitForm, EnrollmentForm, ImportForm, PlanForm, TeacherEnrollForm,
    TopicForm,
)

# Teachers without a course on one page of the report (a region has thousands; the
# .xlsx / PDF export has them all).
UNTRAINED_PAGE_SIZE = 100


def _date_arg(name: str = "on") -> date:
    return parse_date(request.args.get(name, "")) or today()


def _export_format(fmt: str) -> str:
    if fmt not in ("xlsx", "pdf"):
        abort(404)
    return fmt


def _schools_for_enrollment(user) -> list[Organization]:
    """Schools whose teachers the user enrolls (ordered by name)."""
    stmt = policy.scope_query(user, Organization).where(Organization.kind == OrgKind.SCHOOL) \
        .order_by(Organization.sort_name)
    return [o for o in db.session.scalars(stmt) if policy.can_create(user, Enrollment, o)]


def _visible_schools(user) -> list[Organization]:
    return list(db.session.scalars(policy.scope_query(user, Organization).where(
        Organization.kind == OrgKind.SCHOOL).order_by(Organization.sort_name)))


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
        can_create=policy.can_create(user, Course), can_import=policy.can(user, "manage", Enrollment))


def _course_owners(user) -> dict[str, tuple[str, dict]]:
    """Where the user keeps courses (``create`` of Course in a region or a municipality): the
    choices of «Чей курс», value → (label, the columns the choice sets)."""
    regions = db.session.scalars(policy.scope_query(user, Region).order_by(Region.name))
    munis = db.session.scalars(policy.scope_query(user, Municipality).order_by(Municipality.name))
    owners = {f"r{r.id}": (f"Региональный: {r.name} (виден всем муниципалитетам)",
                           {"region_id": r.id, "municipality_id": None})
              for r in regions if policy.can(user, "create", Course, r)}
    owners.update({f"m{m.id}": (f"Муниципальный: {m.name}",
                                {"region_id": m.region_id, "municipality_id": m.id})
                   for m in munis if policy.can(user, "create", Course, m)})
    return owners


def _course_form(user, course: Course | None, owners: dict) -> CourseForm:
    form = CourseForm(obj=course)
    topics = svc.topics(active_only=course is None)
    if course is not None and course.topic_id not in {t.id for t in topics}:
        topics.append(course.topic)
    form.topic_id.choices = [("", "— выберите —")] + [(str(t.id), t.name) for t in topics]
    providers = db.session.scalars(policy.scope_query(user, Organization).where(
        Organization.kind.in_([OrgKind.INSTITUTE, OrgKind.MUNICIPAL_AUTHORITY, OrgKind.OTHER,
                               OrgKind.ASSESSMENT_CENTRE, OrgKind.REGIONAL_AUTHORITY]))
        .order_by(Organization.sort_name)).all()
    form.provider_org_id.choices = [("", "— нет в реестре —")] + [
        (str(o.id), o.short_name) for o in providers]
    form.municipality_id.choices = [(value, label) for value, (label, _) in owners.items()]
    if request.method == "GET" and course is not None:
        form.topic_id.data = str(course.topic_id)
        form.provider_kind.data = course.provider_kind.name
        form.format.data = course.format.name
        form.provider_org_id.data = str(course.provider_org_id or "")
        form.municipality_id.data = f"m{course.municipality_id}" if course.municipality_id \
            else f"r{course.region_id}"
    return form


def _course_data(form: CourseForm, owners: dict) -> dict:
    """The course's values from the form (every id among the form's choices)."""
    provider = form.provider_org_id.data
    return {"title": form.title.data, "provider_kind": ProviderKind[form.provider_kind.data],
            "provider_org_id": int(provider) if provider else None,
            "provider_name": form.provider_name.data or "", "hours": form.hours.data,
            "topic_id": int(form.topic_id.data), "format": CourseFormat[form.format.data],
            "start_date": form.start_date.data, "end_date": form.end_date.data,
            "capacity": form.capacity.data,
            "description": (form.description.data or "").strip() or None,
            **owners[form.municipality_id.data][1]}


def _course_view(user, course: Course | None):
    owners = _course_owners(user)
    form = _course_form(user, course, owners)
    return submit(form, lambda: svc.save_course(course or Course(created_by_id=user.id),
                                                is_new=course is None,
                                                **_course_data(form, owners)),
                  done=lambda saved: answer(
                      "Курс сохранён." if course else "Курс добавлен в каталог.", None,
                      url_for("courses.show", course_id=saved.id)),
                  again=lambda status: render_view(
                      "courses/form.html", form=form, course=course, status=status,
                      title="Курс: изменение" if course else "Новый курс"))


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@bp.route("/<int:course_id>/edit", methods=["GET", "POST"])
@login_required
def edit(course_id: int | None = None):
    return _course_view(*edited(Course, course_id))


@bp.post("/<int:course_id>/archive")
@login_required
def archive(course_id: int):
    _, course = record(Course, course_id, "edit")
    archived = request.form.get("archived", "1") == "1"
    svc.set_archived(course, archived)
    return answer("Курс отправлен в архив: новых записей на него не будет." if archived
                  else "Курс возвращён из архива.", None,
                  url_for("courses.show", course_id=course.id))


@bp.post("/<int:course_id>/delete")
@login_required
def delete(course_id: int):
    _, course = record(Course, course_id, "edit")
    form, back = Form(), url_for("courses.show", course_id=course.id)
    return submit(form, lambda: svc.delete_course(course),
                  done=lambda _: answer("Курс удалён из каталога.", None, url_for("courses.index")),
                  again=lambda status: refuse(form, back))


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
        args={k: v for k, v in f.items() if v}, can_import=policy.can(user, "manage", Enrollment))


@bp.get("/<int:course_id>")
@login_required
def show(course_id: int):
    user, course = record(Course, course_id)
    f = _enrollment_filters()
    f["course"] = course.id
    items = db.session.scalars(_enrollment_query(user, f).order_by(
        Organization.sort_name, StaffMember.full_name)).unique().all()
    counts = svc.enrollment_counts([course.id]).get(course.id, {"total": 0, "completed": 0, "taken": 0})
    return render_view(
        "courses/show.html", "courses/_enrollment_table.html", title=course.title[:120],
        course=course, items=items, filters=f, statuses=EnrollmentStatus, counts=counts,
        schools=_visible_schools(user), perms=_row_perms(user, items), show_course=False,
        can_edit=policy.can_edit(user, course),
        can_enroll=not course.archived and policy.can(user, "manage", Enrollment))


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


def _enroll_school(user, schools: list[Organization]) -> Organization | None:
    """The school whose staff list is shown (the only one, or the one picked)."""
    school_id = _int_arg("school", request.values) or (schools[0].id if len(schools) == 1 else None)
    if not school_id:
        return None
    school = policy.get_or_404(user, Organization, school_id)
    policy.require_create(user, Enrollment, school)
    return school


def _ticked(school: Organization | None, checked: set[int]) -> list[StaffMember]:
    """The ticked teachers, in the staff list's order; one of another school answers 404."""
    members = db.session.scalars(select(StaffMember).where(
        StaffMember.id.in_(checked or {-1}), StaffMember.deleted_at.is_(None))
        .order_by(StaffMember.full_name, StaffMember.id)).all()
    if school is None or len(members) != len(checked) \
            or any(m.organization_id != school.id for m in members):
        abort(404)
    return members


@bp.route("/<int:course_id>/enroll", methods=["GET", "POST"])
@login_required
def enroll(course_id: int):
    """Enroll teachers of one school, ticked in its staff list (all of them or none)."""
    user, course = record(Course, course_id)
    schools = _schools_for_enrollment(user)
    policy.require(bool(schools))
    school = _enroll_school(user, schools)
    form, checked = Form(), {n for n in map(parse_int, request.form.getlist("staff")) if n}
    return submit(form, lambda: svc.enroll(course, _ticked(school, checked), by=user),
                  done=lambda done: navigate(
                      f"Записано на курс: {len(done)} чел. ({school.short_name}).",
                      url_for("courses.show", course_id=course.id)),
                  again=lambda status: render_view(
                      "courses/enroll.html", "courses/_staff_checklist.html", status=status,
                      title="Запись на курс", schools=schools, form=form, checked=checked,
                      **_checklist_context(user, course, school)))


def _row_context(user, e: Enrollment) -> dict:
    return {"e": e, "perms": {e.id: policy.can_edit(user, e)},
            "show_course": request.values.get("ctx") == "list"}


def _row(user, e: Enrollment):
    return render_fragment("courses/_enrollment_row.html", **_row_context(user, e))


@bp.get("/enrollments/<int:enrollment_id>")
@login_required
def enrollment(enrollment_id: int):
    user, e = record(Enrollment, enrollment_id)
    closes = db.session.scalars(select(PlanActivity).where(
        PlanActivity.closed_by_enrollment_id == e.id)).all()
    return render_view("courses/enrollment.html", "courses/_enrollment_row.html", title=str(e),
                       closes=closes, can_edit=policy.can_edit(user, e), **_row_context(user, e))


@bp.route("/enrollments/<int:enrollment_id>/edit", methods=["GET", "POST"])
@login_required
def enrollment_edit(enrollment_id: int):
    user, e = record(Enrollment, enrollment_id, "edit")
    form = EnrollmentForm(obj=e)
    if request.method == "GET":
        form.status.data = e.status.name
    return submit(form, lambda: svc.update_enrollment(
        e, status=EnrollmentStatus[form.status.data], completed_on=form.completed_on.data,
        certificate_number=form.certificate_number.data, note=form.note.data, by=user),
        done=lambda e: answer(f"Запись сохранена: {e.status.label}.", lambda: _row(user, e),
                              url_for("courses.enrollment", enrollment_id=e.id)),
        again=lambda status: render_view(
            "courses/enrollment_form_page.html", "courses/_enrollment_row_form.html", form=form,
            e=e, status=status, title="Запись на курс",
            show_course=request.values.get("ctx") == "list"))


@bp.post("/enrollments/<int:enrollment_id>/delete")
@login_required
def enrollment_delete(enrollment_id: int):
    return remove(Enrollment, enrollment_id, svc.delete_enrollment, _enrollment_removed,
                  lambda e: url_for("courses.show", course_id=e.course_id),
                  fragment=lambda e: _row_removed(_enrollment_removed(e)))


def _enrollment_removed(e: Enrollment) -> str:
    return f"Запись «{e.staff_member.full_name}» удалена."


def _row_removed(text: str):
    return render_fragment("courses/_row_removed.html", text=text)


def _open_courses(user) -> list[Course]:
    return list(db.session.scalars(policy.scope_query(user, Course).where(
        Course.archived.is_(False)).order_by(Course.title)))


@bp.get("/teachers/<int:staff_id>")
@login_required
def teacher(staff_id: int):
    user, member = record(StaffMember, staff_id)
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
    user, member = record(StaffMember, staff_id)
    policy.require_create(user, Enrollment, member.organization)
    form = TeacherEnrollForm()
    form.course_id.choices = [("", "— выберите курс —")] + [
        (str(c.id), c.title) for c in _open_courses(user)]
    back = url_for("courses.teacher", staff_id=member.id)
    return submit(form, lambda: svc.enroll(db.session.get(Course, int(form.course_id.data)),
                                           [member], by=user),
                  done=lambda _: answer(f"{member.full_name} записан(а) на курс "
                                        f"«{dict(form.course_id.choices)[form.course_id.data]}».",
                                        None, back),
                  again=lambda status: refuse(form, back))


# --------------------------------------------------------------------------- import


IMPORT_KIND = "courses"
PREVIEW_PAGE_SIZE = 50
_IMPORT_TITLE = "Импорт результатов курсов"


def _import_page(form, status: int = 200):
    return render_view("courses/import.html", form=form, status=status, title=_IMPORT_TITLE)


def _check_staged(user, staged):
    """(is ФРДО, the checked result) of a staged file with the options kept on it."""
    params = staged.params or {}
    if frdo.is_frdo(staged.filename, staged.data):
        return True, frdo.check_file(staged.filename, staged.data, user,
                                     organizer=params.get("organizer", ""),
                                     create_courses=bool(params.get("create_courses")))
    return False, course_import.check_file(staged.filename, staged.data, user)


def _preview(form, user, staged, *, status: int | None = None, refused: str | None = None):
    """The preview of a staged file: rows with errors first, one page of them (``refused``:
    why saving it was refused, above the form)."""
    if refused:
        form.form_errors.append(refused)
    try:
        is_frdo, result = _check_staged(user, staged)
    except course_import.ImportFileError as err:
        uploads.discard(staged)
        form.form_errors.append(str(err))
        return _import_page(form, 422)
    rows = sorted(result.rows, key=lambda r: not r.errors)
    page = page_of(rows, PREVIEW_PAGE_SIZE)
    form.organizer.data = (staged.params or {}).get("organizer", "")
    form.create_courses.data = bool((staged.params or {}).get("create_courses"))
    return render_view(
        "courses/import_preview.html", form=form, result=result, frdo=is_frdo, page=page,
        may_create=policy.can_create(user, Course),
        staged=staged, filename=staged.filename,
        status=status or (200 if result.ok else 422), title="Импорт: проверьте перед сохранением")


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_():
    """Step 1: upload — the file is kept on the server (staged) and checked; step 2: the preview
    with every row's problems, errors first, paged (nothing saved; the organiser and the consent
    to create missing programmes may be changed and checked again); step 3: confirm by the
    staged file's id → all rows saved in one transaction, or none."""
    user = _user()
    policy.require(user, "manage", Enrollment)
    form = ImportForm()
    if request.method == "GET":
        return _import_page(form)
    if not form.validate_on_submit():
        return _import_page(form, 422)
    upload_id = request.form.get("upload_id", "")
    # only those who may add courses to the catalogue may let an import create them
    options = {"organizer": (form.organizer.data or "").strip(),
               "create_courses": bool(form.create_courses.data)
               and policy.can_create(user, Course)}
    if upload_id:
        try:
            staged = uploads.get_staged(user, upload_id, IMPORT_KIND)
        except uploads.StagedUploadGone as err:
            form.form_errors.append(err.message)
            return _import_page(form, 404)
        uploads.set_params(staged, options)
    elif form.file.data and getattr(form.file.data, "filename", ""):
        staged = uploads.stage(user, IMPORT_KIND, form.file.data.filename,
                               form.file.data.read(), options)
    else:
        form.form_errors.append("Выберите файл .xlsx или .csv.")
        return _import_page(form, 422)
    if request.form.get("action") != "confirm":
        return _preview(form, user, staged)
    try:
        is_frdo, result = _check_staged(user, staged)
    except course_import.ImportFileError as err:
        form.form_errors.append(str(err))
        return _import_page(form, 422)
    if not result.ok:
        return _preview(form, user, staged, status=422)
    return act(lambda: _apply(user, staged, is_frdo, result),
               done=lambda notice: answer(notice, None,
                                          url_for("courses.enrollments", status="COMPLETED")),
               refused=lambda message: _preview(form, user, staged, status=422, refused=message))


def _apply(user, staged, is_frdo: bool, result) -> str:
    """Save a checked file (all rows or none; a certificate stored meanwhile by someone else
    refuses it) and forget the staged copy; the notice of what was saved."""
    if is_frdo:
        frdo.apply(result, by=user, filename=staged.filename)
        notice = (f"Результаты сохранены: записано {result.imported}, без изменений "
                  f"{result.unchanged}, создано курсов {result.courses_created}.")
    else:
        course_import.apply(result, by=user)
        notice = (f"Результаты сохранены: новых записей {result.created}, обновлено "
                  f"{result.updated}, без изменений {result.unchanged}.")
    uploads.discard(staged)
    return notice


@bp.get("/import/<upload_id>")
@login_required
def import_preview(upload_id: str):
    """Another page of a staged file's preview (only its own user finds it)."""
    user = _user()
    policy.require(user, "manage", Enrollment)
    form = ImportForm()
    try:
        staged = uploads.get_staged(user, upload_id, IMPORT_KIND)
    except uploads.StagedUploadGone as err:
        form.form_errors.append(err.message)
        return _import_page(form, 404)
    return _preview(form, user, staged)


# --------------------------------------------------------------------------- reports


def _report_scope(user) -> policy.Territory:
    return policy.territory(user, municipality_id=_int_arg("municipality"),
                            school_id=_int_arg("school"))


def _report_view(page: str, fragment: str, title: str, build):
    """A report page: the filters (date, municipality, school) decide the territory; ``build``
    (territory, on) → context of the table, which htmx swaps in place when a filter changes."""
    on = _date_arg()
    scope = _report_scope(_user())
    context = build(scope, on)  # first: a report that loads the schools spares the filter a query
    return render_view(page, fragment, title=title, args={**scope.args, "on": on.isoformat()},
                       on=on, scope=scope, municipalities=scope.choices,
                       schools=scope.school_choices(), **context)


def _report_download(fmt: str, stem: str, table):
    """An export of a report: ``table`` (scope, on) → ReportTable, as .xlsx or PDF."""
    _export_format(fmt)
    on = _date_arg()
    return export_download(reports.export_table(table(_report_scope(_user()), on), fmt), fmt, stem)


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


def _trained_scope(user) -> policy.Territory | None:
    """The territory the list is narrowed to (a municipality, a school), or None: every
    completion the user sees."""
    if _int_arg("municipality") or _int_arg("school"):
        return _report_scope(user)
    return None


@bp.get("/<int:course_id>/trained")
@login_required
def trained(course_id: int):
    user, course = record(Course, course_id)
    scope = _trained_scope(user)
    items = reports.trained_enrollments(user, course, scope)
    return render_view("courses/trained.html", "courses/_trained_body.html",
                       title=f"Список обученных: {course.title[:100]}", course=course, items=items,
                       scope=scope, args=scope.args if scope else {},
                       municipalities=(scope or policy.territory(user)).choices,
                       schools=_visible_schools(user))


@bp.get("/<int:course_id>/trained/export.<fmt>")
@login_required
def trained_export(course_id: int, fmt: str):
    _export_format(fmt)
    user, course = record(Course, course_id)
    scope = _trained_scope(user)
    table = reports.trained_table(course, reports.trained_enrollments(user, course, scope), scope)
    return export_download(reports.export_table(table, fmt), fmt, f"kpk-trained-{course.id}")


# --------------------------------------------------------------------------- topics


@bp.route("/topics", methods=["GET", "POST"])
@login_required
def topics():
    user = _user()
    if request.method == "POST":
        policy.require_create(user, CourseTopic)
    form = TopicForm()
    return submit(form, lambda: svc.save_topic(
        CourseTopic(active=True, created_by_id=user.id), is_new=True, name=form.name.data,
        low_achievers=form.low_achievers.data),
        done=lambda topic: answer(f"Направление «{topic.name}» добавлено.", None,
                                  url_for("courses.topics")),
        again=lambda status: render_view(
            "courses/topics.html", form=form, topics=svc.topics(), status=status,
            can_edit=policy.can_create(user, CourseTopic), title="Направления курсов"))


@bp.post("/topics/<int:topic_id>")
@login_required
def topic_edit(topic_id: int):
    _, topic = record(CourseTopic, topic_id, "edit")
    form, back = TopicForm(), url_for("courses.topics")
    return submit(form, lambda: svc.save_topic(topic, name=form.name.data,
                                               low_achievers=form.low_achievers.data,
                                               active=form.active.data),
                  done=lambda topic: answer(f"Направление «{topic.name}» сохранено.", None, back),
                  again=lambda status: refuse(form, back))


# --------------------------------------------------------------------------- plans (ИОМ)


@bp.get("/plans")
@login_required
def plans():
    user = _user()
    stmt, f = listing(DevelopmentPlan, school=DevelopmentPlan.organization_id,
                      kind=DevelopmentPlan.kind)
    page = paginate(stmt.order_by(Organization.sort_name, DevelopmentPlan.title))
    return render_view(
        "courses/plans.html", "courses/_plans_list.html", title="Индивидуальные образовательные маршруты",
        page=page, progress=svc.plan_progress([p.id for p in page.items], today()),
        schools=_visible_schools(user), kinds=PlanKind, school=f["school"], kind=f["kind"],
        args=set_args(f), can_create=policy.can(user, "manage", DevelopmentPlan))


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


def _plan_data(form: PlanForm) -> dict:
    staff = form.staff_member_id.data or ""
    return {"kind": PlanKind[form.kind.data],
            "staff_member_id": int(staff) if staff.isdigit() else None,
            "title": form.title.data or "", "period_start": form.period_start.data,
            "period_end": form.period_end.data, "goal": (form.goal.data or "").strip() or None}


def _plan_view(user, plan: DevelopmentPlan | None):
    form = _plan_form(user, plan)

    def again(status: int):
        return render_view("courses/plan_form.html", "courses/_plan_form.html", form=form,
                           plan=plan, status=status,
                           title="ИОМ: изменение" if plan else "Новый ИОМ")

    if request.form.get("refresh") == "1":  # the school changed: the form again with its staff
        return again(200)
    return submit(form, lambda: svc.save_plan(
        plan or DevelopmentPlan(organization_id=int(form.organization_id.data),
                                created_by_id=user.id),
        is_new=plan is None, **_plan_data(form)),
        done=lambda saved: answer("ИОМ сохранён." if plan else
                                  "ИОМ создан. Добавьте дефициты и мероприятия.", None,
                                  url_for("courses.plan", plan_id=saved.id)),
        again=again)


@bp.route("/plans/new", methods=["GET", "POST"], endpoint="plan_new")
@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def plan_edit(plan_id: int | None = None):
    return _plan_view(*edited(DevelopmentPlan, plan_id, may_add="manage"))


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
    user, p = record(DevelopmentPlan, plan_id)
    return render_view("courses/plan.html", title=p.title, **_plan_context(user, p))


@bp.post("/plans/<int:plan_id>/delete")
@login_required
def plan_delete(plan_id: int):
    return remove(DevelopmentPlan, plan_id, svc.delete_plan,
                  "ИОМ удалён (запись сохранена в истории).", url_for("courses.plans"))


@bp.get("/plans/<int:plan_id>/export.pdf")
@login_required
def plan_pdf(plan_id: int):
    _, p = record(DevelopmentPlan, plan_id)
    deficits, activities = _plan_parts(p)
    return export_download(reports.plan_pdf(p, deficits, activities), "pdf", f"iom-{p.id}")


def _plan_part(user, plan, part: str, *, status: int = 200, **forms):
    """The plan's page, or (htmx) its block of ``part`` ("deficits", "activities") with the
    form in it as posted."""
    return render_view("courses/plan.html", f"courses/_{part}.html", status=status,
                       title=plan.title, **_plan_context(user, plan, **forms))


@bp.post("/plans/<int:plan_id>/deficits")
@login_required
def deficit_add(plan_id: int):
    user, p = record(DevelopmentPlan, plan_id, adds=PlanDeficit)
    form = DeficitForm(prefix="deficit")
    return submit(form, lambda: svc.add_deficit(p, DeficitKind[form.kind.data],
                                                form.description.data),
                  done=lambda _: answer("Дефицит добавлен.",
                                        lambda: _plan_part(user, p, "deficits"),
                                        url_for("courses.plan", plan_id=p.id)),
                  again=lambda status: _plan_part(user, p, "deficits", status=status,
                                                  deficit_form=form))


@bp.post("/deficits/<int:deficit_id>/delete")
@login_required
def deficit_delete(deficit_id: int):
    return remove(PlanDeficit, deficit_id, svc.delete_deficit, "Дефицит удалён.", _plan_url,
                  fragment=lambda d: _plan_part(_user(), db.session.get(DevelopmentPlan,
                                                                        d.plan_id), "deficits"))


def _plan_url(part) -> str:
    """The page of the plan ``part`` (a deficit, an activity) belongs to."""
    return url_for("courses.plan", plan_id=part.plan_id)


def _activity_data(form: ActivityForm) -> dict:
    """The activity's values from the form (the course and the participant among its choices)."""
    course, staff = form.course_id.data or "", form.staff_member_id.data or ""
    return {"kind": ActivityKind[form.kind.data],
            "course_id": parse_int(course), "staff_member_id": parse_int(staff),
            "title": form.title.data or "", "due_date": form.due_date.data,
            "done_on": form.done_on.data, "result": (form.result.data or "").strip() or None}


def _activity_row(user, act):
    plan = db.session.get(DevelopmentPlan, act.plan_id)
    return render_fragment("courses/_activity_row.html", a=act, plan=plan, today=today(),
                           can_edit=policy.can_edit(user, plan))


@bp.post("/plans/<int:plan_id>/activities")
@login_required
def activity_add(plan_id: int):
    user, p = record(DevelopmentPlan, plan_id, adds=PlanActivity)
    form = _activity_form(user, p)
    return submit(form, lambda: svc.save_activity(PlanActivity(created_by_id=user.id), p,
                                                  is_new=True, **_activity_data(form)),
                  done=lambda _: answer("Мероприятие добавлено.",
                                        lambda: _plan_part(user, p, "activities"),
                                        url_for("courses.plan", plan_id=p.id)),
                  again=lambda status: _plan_part(user, p, "activities", status=status,
                                                  activity_form=form))


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@login_required
def activity_edit(activity_id: int):
    user, act = record(PlanActivity, activity_id, "edit")
    p = db.session.get(DevelopmentPlan, act.plan_id)
    form = _activity_form(user, p, act)
    return submit(form, lambda: svc.save_activity(act, p, **_activity_data(form)),
                  done=lambda act: answer(None, lambda: _activity_row(user, act),
                                          url_for("courses.plan", plan_id=p.id)),
                  again=lambda status: render_view(
                      "courses/activity_form_page.html", "courses/_activity_row_form.html",
                      form=form, a=act, plan=p, status=status, title="Мероприятие ИОМ"))


@bp.post("/activities/<int:activity_id>/done")
@login_required
def activity_done(activity_id: int):
    user, act = record(PlanActivity, activity_id, "edit")
    done = request.form.get("done", "1") == "1"
    svc.set_activity_done(act, done)
    return answer("Отмечено как выполненное." if done else "Отметка о выполнении снята.",
                  lambda: _activity_row(user, act), _plan_url(act))


@bp.post("/activities/<int:activity_id>/delete")
@login_required
def activity_delete(activity_id: int):
    return remove(PlanActivity, activity_id, svc.delete_activity, "Мероприятие удалено.",
                  _plan_url, fragment=lambda _: _row_removed("Мероприятие удалено."))


@bp.app_template_filter("share")
def share_filter(value) -> str:
    """A share in percent as Russians write it: «66,7%», «—» when there is nobody to count."""
    return reports.fmt_share(value)
